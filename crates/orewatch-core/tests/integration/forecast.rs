//! Forecast panels, no-leakage and determinism on the real data in `../shared/data`.
//!
//! Expected panel numbers computed independently with shapely 2.2 (the CI venv's Python):
//! for each country's polygon in `west_africa_admin0_ne50m.geojson`, every 0.5° cell whose
//! centre the (prepared) polygon `contains`; plus the cells gid = floor((lat+90)/0.5)·720 +
//! floor((lon+180)/0.5) + 1 of the GED West Africa rows of those countries (csv module, no
//! orewatch code). Sahel (MLI, BFA, NER): 915 centre cells (Mali 425, Burkina Faso 87, Niger
//! 403) + 7 event-only cells = 922; 1,211 events, 9,083 deaths (best), 837 cell-months with
//! deaths over 1989-01..2019-12. West Africa (ECOWAS 2019 + Mauritania, 16 countries): 2,032 +
//! 29 = 2,061 cells, 6,965 events.

use std::path::{Path, PathBuf};

use orewatch_core::analysis::forecast::boost::BoostParams;
use orewatch_core::analysis::forecast::evaluate::{evaluate, EvalSpec};
use orewatch_core::analysis::forecast::features::{FeatureMatrix, FeatureParams, FeatureSource};
use orewatch_core::analysis::forecast::hurdle::HurdleConfig;
use orewatch_core::analysis::forecast::model::{ModelName, ModelSpec};
use orewatch_core::analysis::forecast::outlook::{forecast, DrawBlock, DrawSink};
use orewatch_core::analysis::forecast::panel::{build, Level, Month, Panel, Target};
use orewatch_core::ingest::{boundaries, wgi};
use orewatch_core::model::{Event, EventSource, GovernanceRecord, Region};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn events() -> Vec<Event> {
    crate::shared::west_africa_ged().records.clone()
}

fn admin0() -> Vec<Region> {
    boundaries::read_path(&data_dir().join("boundaries/west_africa_admin0_ne50m.geojson"))
        .unwrap()
        .records
}

fn governance() -> Vec<GovernanceRecord> {
    wgi::read_path(&data_dir().join("governance/wgi_all_countries_1996_2023.csv"))
        .unwrap()
        .records
}

fn codes(list: &str) -> Vec<String> {
    list.split(',').map(str::to_string).collect()
}

/// A hurdle with its occurrence from boosted trees correcting the logistic (the tree path).
fn boosted() -> ModelSpec {
    ModelSpec::Hurdle(HurdleConfig {
        boost: Some(Box::new(BoostParams {
            rounds: 100,
            depth: 3,
            shrinkage: 0.05,
            lambda: 1.0,
            min_child_weight: 100.0,
            bins: 64,
            negative_share: 0.2,
        })),
        boost_from_logistic: true,
        name: "boosted".into(),
        ..HurdleConfig::default()
    })
}

/// Keeps every draw, by (unit index, month).
#[derive(Default)]
struct Collect(std::collections::BTreeMap<(usize, Month), Vec<f64>>);

impl DrawSink for Collect {
    fn write(&mut self, block: &DrawBlock) -> Result<(), String> {
        for (u, d) in block.draws.iter().enumerate() {
            self.0.insert((u, block.month), d.clone());
        }
        Ok(())
    }
}

fn panel(countries: &str, events: &[Event], regions: &[Region]) -> Panel {
    build(
        Level::Cell,
        &codes(countries),
        events,
        regions,
        EventSource::UcdpGed,
        Month::new(1989, 1),
        Month::new(2019, 12),
    )
    .unwrap()
}

#[test]
fn sahel_and_west_africa_panels_match_shapely() {
    let (events, regions) = (events(), admin0());
    let p = panel("MLI,BFA,NER", &events, &regions);
    assert_eq!(p.units.len(), 922);
    assert_eq!(p.counts.cells_from_events_only, 7);
    let per_country = |iso: &str| {
        p.units
            .iter()
            .filter(|u| u.centre_in_country && u.country == iso)
            .count()
    };
    assert_eq!(
        (per_country("MLI"), per_country("BFA"), per_country("NER")),
        (425, 87, 403)
    );
    assert!(p.unit_index_of_gid(147_945).is_some(), "Bamako's cell");
    assert_eq!(p.counts.events_used, 1_211);
    assert_eq!(p.n_months, 372);
    let all = &p.fatalities[0];
    assert_eq!(all.iter().map(|&v| v as u64).sum::<u64>(), 9_083);
    assert_eq!(all.iter().filter(|&&v| v > 0).count(), 837);
    // Targets by type add up to all violence.
    for (i, &total) in all.iter().enumerate() {
        assert_eq!(
            total,
            p.fatalities[1][i] + p.fatalities[2][i] + p.fatalities[3][i]
        );
    }

    let wa = panel(
        "BEN,BFA,CPV,CIV,GMB,GHA,GIN,GNB,LBR,MLI,NER,NGA,SEN,SLE,TGO,MRT",
        &events,
        &regions,
    );
    assert_eq!(wa.units.len(), 2_061);
    assert_eq!(wa.counts.cells_from_events_only, 29);
    assert_eq!(wa.counts.events_used, 6_965);

    // Country-month: three units, same totals.
    let c = build(
        Level::Country,
        &codes("MLI,BFA,NER"),
        &events,
        &regions,
        EventSource::UcdpGed,
        Month::new(1989, 1),
        Month::new(2019, 12),
    )
    .unwrap();
    assert_eq!(c.units.len(), 3);
    assert_eq!(
        c.fatalities[0].iter().map(|&v| v as u64).sum::<u64>(),
        9_083
    );
    // A country without a boundary is an error naming it.
    let err = build(
        Level::Cell,
        &codes("MLI,FRA"),
        &events,
        &regions,
        EventSource::UcdpGed,
        Month::new(1989, 1),
        Month::new(2019, 12),
    )
    .unwrap_err();
    assert!(err.to_string().contains("FRA"), "{err}");
}

#[test]
fn hurdle_forecast_unchanged_when_later_data_is_deleted() {
    let (all_events, regions, gov) = (events(), admin0(), governance());
    let origin = Month::new(2012, 6);
    let before: Vec<Event> = all_events
        .iter()
        .filter(|e| Month::of_date(e.date_start) <= origin)
        .cloned()
        .collect();
    assert!(before.len() < all_events.len());
    // Per cell (gid): the draws of every month.
    let run = |events: &[Event], model: &ModelSpec| {
        let p = panel("MLI,BFA,NER", events, &regions);
        let src = FeatureSource::new(&p, Target::All, &[], &gov, FeatureParams::default());
        let matrix = FeatureMatrix::new(&src);
        let mut sink = Collect::default();
        let o = forecast(
            model,
            &src,
            &matrix,
            None,
            Target::All,
            origin,
            3,
            200,
            9,
            &mut sink,
        )
        .unwrap();
        assert_eq!(o.rows.len(), sink.0.len());
        sink.0
            .into_iter()
            .map(|((u, month), d)| ((p.units[u].id, month), d))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    // Every feature (the round-3 breakout features included) of every cell at the origin.
    let features = |events: &[Event]| {
        let p = panel("MLI,BFA,NER", events, &regions);
        let src = FeatureSource::new(&p, Target::All, &[], &gov, FeatureParams::default());
        let t = p.month_index(origin).unwrap();
        (0..p.units.len())
            .map(|u| {
                let mut f = vec![0.0; orewatch_core::analysis::forecast::features::N_FEATURES];
                src.features(u, t, &mut f);
                (p.units[u].id, f)
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (full, cut) = (features(&all_events), features(&before));
    for (gid, f) in &cut {
        assert_eq!(full.get(gid), Some(f), "features of cell {gid}");
    }
    // The default and a boosted-tree occurrence.
    for model in [ModelName::Hurdle.spec(), boosted()] {
        let name = model.name();
        let full = run(&all_events, &model);
        let cut = run(&before, &model);
        assert_eq!(full.len(), 922 * 3);
        // The cut panel lacks the cells that only later events add; every other cell's
        // forecast is identical.
        assert!(cut.len() < full.len() && cut.len() >= 915 * 3);
        for (key, draws) in &cut {
            assert_eq!(full.get(key), Some(draws), "{name} cell-month {key:?}");
        }
        // And the forecast is not trivially zero: some cells get positive draws.
        assert!(full.values().any(|d| d.iter().any(|&v| v > 0.0)));
    }
}

#[test]
fn evaluation_is_seeded_and_independent_of_threads() {
    let (events, regions, gov) = (events(), admin0(), governance());
    let p = panel("MLI,BFA,NER", &events, &regions);
    let src = FeatureSource::new(&p, Target::All, &[], &gov, FeatureParams::default());
    let matrix = FeatureMatrix::new(&src);
    let mut spec = EvalSpec::new(Month::new(2013, 11), Month::new(2014, 1), 2);
    // The baselines, both named hurdles and a boosted configuration.
    spec.models = ModelSpec::baselines();
    spec.models.push(ModelName::Hurdle.spec());
    spec.models.push(ModelName::HurdleRecent.spec());
    spec.models.push(boosted());
    spec.samples = 200;
    spec.bootstrap_replicates = 50;
    spec.block_len = 1;
    let a = evaluate(&spec, &src, &matrix).unwrap();
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b = one_thread.install(|| evaluate(&spec, &src, &matrix).unwrap());
    assert_eq!(a, b);
    assert_eq!(a.origins, 3);
    assert_eq!(a.unit_months, 922 * 3 * 2);
    // Refits: at the first origin and in January 2014.
    assert_eq!(
        a.refits
            .iter()
            .map(|r| r.cutoff.to_string())
            .collect::<Vec<_>>(),
        ["2013-11", "2014-01"]
    );
    // The zero baseline's pooled CRPS is the mean outcome (CRPS of a point mass at 0 is y).
    let zero = a.scores.iter().find(|s| s.model == "zero").unwrap();
    let outcomes: Vec<u32> = (0..3usize)
        .flat_map(|o| {
            let p = &p;
            (1..=2usize).flat_map(move |h| {
                let t = p.month_index(Month::new(2013, 11)).unwrap() + o + h;
                (0..p.units.len()).map(move |u| p.series(Target::All, u)[t])
            })
        })
        .collect();
    let mean = outcomes.iter().map(|&v| v as f64).sum::<f64>() / outcomes.len() as f64;
    assert!((zero.pooled.crps - mean).abs() < 1e-12);
    // A different seed changes the sampled models.
    spec.seed = 2;
    let c = evaluate(&spec, &src, &matrix).unwrap();
    let crps = |e: &orewatch_core::analysis::forecast::evaluate::Evaluation, m: &str| {
        e.scores.iter().find(|s| s.model == m).unwrap().pooled.crps
    };
    assert_ne!(crps(&a, "hurdle"), crps(&c, "hurdle"));
    assert_ne!(crps(&a, "hurdle_recent"), crps(&c, "hurdle_recent"));
    assert_ne!(crps(&a, "boosted"), crps(&c, "boosted"));
    assert_ne!(crps(&a, "hurdle"), crps(&a, "boosted"));
    assert_eq!(crps(&a, "zero"), crps(&c, "zero"));
    // Horizons whose target lies after the data are refused.
    let late = EvalSpec::new(Month::new(2019, 1), Month::new(2019, 6), 12);
    assert!(evaluate(&late, &src, &matrix).is_err());
}

/// Round 4's training-panel path: the hurdle fitted on another panel, scored on the Sahel's.
#[test]
fn training_panel_fits_elsewhere_and_scores_the_evaluated_panel() {
    use orewatch_core::analysis::forecast::evaluate::{
        evaluate_with_training, fit_hurdle_with_training,
    };
    use orewatch_core::analysis::forecast::hurdle::fit_hurdle;
    use orewatch_core::analysis::forecast::model::{draw, model_key, stream_seed, Fitted};
    use orewatch_core::analysis::forecast::score::score_sorted;
    let (events, regions, gov) = (events(), admin0(), governance());
    let sahel = panel("MLI,BFA,NER", &events, &regions);
    let src = FeatureSource::new(&sahel, Target::All, &[], &gov, FeatureParams::default());
    let matrix = FeatureMatrix::new(&src);
    let wider_codes = "BEN,BFA,CPV,CIV,GMB,GHA,GIN,GNB,LBR,MLI,NER,NGA,SEN,SLE,TGO,MRT";
    let wider = panel(wider_codes, &events, &regions);
    let wsrc = FeatureSource::new(&wider, Target::All, &[], &gov, FeatureParams::default());
    let wmatrix = FeatureMatrix::new(&wsrc);
    let origin = Month::new(2012, 3);
    let mut spec = EvalSpec::new(origin, origin, 1);
    // The baselines and `hurdle`, whose fit the by-hand check below repeats.
    spec.models = ModelSpec::baselines();
    spec.models.push(ModelName::Hurdle.spec());
    spec.samples = 200;
    spec.bootstrap_replicates = 20;
    spec.block_len = 1;

    // 1. Training panel = the evaluated panel (built again): exactly `evaluate`'s result.
    let sahel2 = panel("MLI,BFA,NER", &events, &regions);
    let src2 = FeatureSource::new(&sahel2, Target::All, &[], &gov, FeatureParams::default());
    let matrix2 = FeatureMatrix::new(&src2);
    let own = evaluate(&spec, &src, &matrix).unwrap();
    let same = evaluate_with_training(&spec, &src, &matrix, &|_| Some((&src2, &matrix2))).unwrap();
    assert_eq!(own, same);

    // 2. Training on West Africa: same units, outcomes and baselines; the hurdle differs and
    // its fit saw the wider panel's rows.
    let wide = evaluate_with_training(&spec, &src, &matrix, &|_| Some((&wsrc, &wmatrix))).unwrap();
    assert_eq!((wide.units, wide.unit_months), (922, 922));
    let baselines = |e: &orewatch_core::analysis::forecast::evaluate::Evaluation| {
        e.scores
            .iter()
            .filter(|s| s.baseline)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(baselines(&own), baselines(&wide));
    let hurdle = |e: &orewatch_core::analysis::forecast::evaluate::Evaluation| {
        e.scores
            .iter()
            .find(|s| s.model == "hurdle")
            .unwrap()
            .pooled
            .clone()
    };
    assert_ne!(hurdle(&own).crps, hurdle(&wide).crps);
    assert!(2 * wide.refits[0].training_rows_h1 > 3 * own.refits[0].training_rows_h1);

    // 3. The same number by hand: occurrence fitted on West Africa at the origin, magnitude
    // on the Sahel (the default's `magnitude_on_evaluated_panel`), draws for each Sahel cell
    // from the Sahel's own features and series, scored against the Sahel's outcome.
    let ModelSpec::Hurdle(config) = ModelName::Hurdle.spec() else {
        unreachable!("hurdle is a hurdle configuration")
    };
    let t = sahel.month_index(origin).unwrap();
    assert!(config.magnitude_on_evaluated_panel);
    let fit = fit_hurdle(&config, &wsrc, &wmatrix, Target::All, t, 1).unwrap();
    let own_fit = fit_hurdle(&config, &src, &matrix, Target::All, t, 1).unwrap();
    let combined = fit.clone().with_magnitude_of(&own_fit);
    let fitted = Fitted::Hurdle(&combined);
    let mut buf = Vec::new();
    let mut crps = 0.0;
    for u in 0..sahel.units.len() {
        let series = sahel.series(Target::All, u);
        let seed = stream_seed(
            spec.seed,
            model_key("hurdle"),
            origin.0 as usize,
            1,
            sahel.units[u].id as usize,
        );
        draw(&fitted, series, matrix.row(u, t), t, 1, 200, seed, &mut buf);
        crps += score_sorted(&buf, series[t + 1] as f64).crps;
    }
    let by_hand = crps / sahel.units.len() as f64;
    assert!((hurdle(&wide).crps - by_hand).abs() < 1e-12 * by_hand.max(1.0));

    // 4. Occurrence from the training panel, magnitude (and residual pools) from the
    // evaluated panel when the configuration says so.
    let mixed_config = HurdleConfig {
        magnitude_on_evaluated_panel: true,
        ..config.clone()
    };
    let mixed = fit_hurdle_with_training(
        &mixed_config,
        &src,
        &matrix,
        Some((&wsrc, &wmatrix)),
        Target::All,
        t,
        1,
    )
    .unwrap();
    assert_eq!(
        mixed.occurrence_coefficients(1),
        fit.occurrence_coefficients(1)
    );
    assert_ne!(
        fit.occurrence_coefficients(1),
        own_fit.occurrence_coefficients(1)
    );
    assert_eq!(
        mixed.magnitude_coefficients(1),
        own_fit.magnitude_coefficients(1)
    );
    assert_ne!(
        fit.magnitude_coefficients(1),
        own_fit.magnitude_coefficients(1)
    );

    // 5. No leakage: the West Africa fit at the origin sees nothing after it.
    let before: Vec<Event> = events
        .iter()
        .filter(|e| Month::of_date(e.date_start) <= origin)
        .cloned()
        .collect();
    let wider_cut = panel(wider_codes, &before, &regions);
    let csrc = FeatureSource::new(&wider_cut, Target::All, &[], &gov, FeatureParams::default());
    let cmatrix = FeatureMatrix::new(&csrc);
    let cut = evaluate_with_training(&spec, &src, &matrix, &|_| Some((&csrc, &cmatrix))).unwrap();
    assert_eq!(hurdle(&cut), hurdle(&wide));

    // 6. A training panel over other months is refused.
    let short = build(
        Level::Cell,
        &codes(wider_codes),
        &events,
        &regions,
        EventSource::UcdpGed,
        Month::new(1990, 1),
        Month::new(2019, 12),
    )
    .unwrap();
    let ssrc = FeatureSource::new(&short, Target::All, &[], &gov, FeatureParams::default());
    let smatrix = FeatureMatrix::new(&ssrc);
    assert!(evaluate_with_training(&spec, &src, &matrix, &|_| Some((&ssrc, &smatrix))).is_err());
}

/// The store's data for the assessments: the West African GED 21.1 file, the seven GED 24.1
/// exports, admin-0 boundaries, the hand-tabulated sites and WGI, merged as `orewatch ingest`
/// does.
fn store_like() -> orewatch_core::ingest::plan::IngestOutput {
    use orewatch_core::ingest::plan::{discover, ingest};
    let dir = data_dir();
    let wanted = [
        "ucdp_ged_v21_1_precise_west_africa_1989_2019.csv",
        "ged_v24_1_download",
        "west_africa_admin0_ne50m.geojson",
        "mine_sites_mali_and_neighbours.csv",
        "wgi_all_countries_1996_2023.csv",
    ];
    let files: Vec<_> = discover(&dir)
        .expect("discover")
        .sources
        .into_iter()
        .filter(|(p, _)| wanted.iter().any(|w| p.to_string_lossy().contains(w)))
        .collect();
    assert_eq!(files.len(), 11, "{files:?}");
    ingest(&files, &mut |_| {}).expect("ingest")
}

/// The assessments on the shipped data: which countries are forecast and trained on given
/// what GED covers per country (Mali and Burkina Faso to 2022-12 from GED 24.1, Niger and the
/// rest of the 21.1-only countries to 2019-12), and JSON round trips of requests and results.
#[test]
fn assessments_follow_the_coverage_per_country() {
    use orewatch_core::analysis::forecast::outlook::NoDraws;
    use orewatch_core::analysis::forecast::training::Training;
    use orewatch_core::assess::forecast::{
        evaluate as assess_evaluate, forecast as assess_forecast, EvaluationRequest,
        EvaluationResult, ForecastRequest, ForecastResult,
    };
    let out = store_like();
    let (data, sources) = (&out.dataset, &out.sources);

    // Default: the Sahel countries covered to the end of the data; Niger named, not zeroed.
    let request = ForecastRequest {
        horizon: 2,
        draws: 20,
        ..ForecastRequest::default()
    };
    let f = assess_forecast(&request, data, sources, &mut NoDraws).unwrap();
    assert_eq!(f.countries, ["MLI", "BFA"]);
    assert_eq!(f.outlook.origin, Month::new(2022, 12));
    // 512 centre cells + 18 border cells (python, see the report crate's real-data test).
    assert_eq!(f.units.len(), 530);
    assert!(
        f.provenance.warnings.iter().any(|w| w
            .starts_with("NER is not forecast: UCDP GED covers it from 1989-01 to 2019-12 only")),
        "{:?}",
        f.provenance.warnings
    );
    // Trained on the default countries GED covers through 2022-12: the 21.1-only ones are
    // left out with a warning each.
    let trained = f.training_countries.clone().unwrap();
    for left_out in ["NER", "MRT", "GIN", "GHA", "NGA"] {
        assert!(!trained.contains(&left_out.to_string()), "{trained:?}");
        assert!(f.provenance.warnings.iter().any(|w| w.starts_with(&format!(
            "training country {left_out} left out of the fit at 2022-12"
        ))));
    }
    for used in ["MLI", "BFA", "SEN", "CIV", "TGO"] {
        assert!(trained.contains(&used.to_string()), "{trained:?}");
    }
    assert_eq!(
        f.provenance.command.as_deref(),
        Some("orewatch forecast --countries MLI,BFA --origin 2022-12 --horizon 2 --draws 20")
    );
    let text = serde_json::to_string(&f).unwrap();
    let back: ForecastResult = serde_json::from_str(&text).unwrap();
    assert_eq!(back, f);
    assert_eq!(
        serde_json::from_str::<ForecastRequest>(&serde_json::to_string(&request).unwrap()).unwrap(),
        request
    );
    // A partial JSON request takes the defaults.
    let partial: ForecastRequest =
        serde_json::from_str(r#"{"countries": ["MLI"], "origin": "2019-12"}"#).unwrap();
    assert_eq!(partial.horizon, 12);
    assert_eq!(partial.origin, Some(Month::new(2019, 12)));

    // Niger asked for at 2022-12: refused, never zero-filled.
    let niger = ForecastRequest {
        countries: Some(codes("MLI,NER")),
        origin: Some(Month::new(2022, 12)),
        ..request.clone()
    };
    let err = assess_forecast(&niger, data, sources, &mut NoDraws)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("NER: UCDP GED covers it from 1989-01 to 2019-12"),
        "{err}"
    );
    // At 2019-12 Niger is covered, and so is every default training country with events.
    let at_2019 = ForecastRequest {
        countries: Some(codes("MLI,NER")),
        origin: Some(Month::new(2019, 12)),
        ..request.clone()
    };
    let f19 = assess_forecast(&at_2019, data, sources, &mut NoDraws).unwrap();
    let trained = f19.training_countries.unwrap();
    for used in ["NER", "MRT", "GIN", "GHA", "NGA"] {
        assert!(trained.contains(&used.to_string()), "{trained:?}");
    }

    // An evaluation across the end of Niger's data: the 2019-12 fit trains on the 21.1-only
    // countries, the 2020-01 refit leaves them out.
    let eval = EvaluationRequest {
        first_origin: Month::new(2019, 12),
        last_origin: Month::new(2020, 1),
        horizon: 1,
        draws: 20,
        bootstrap_replicates: 10,
        block_len: 1,
        models: vec![ModelName::Zero.spec(), ModelName::Hurdle.spec()],
        ..EvaluationRequest::default()
    };
    let e = assess_evaluate(&eval, data, sources).unwrap();
    assert_eq!(e.training.len(), 2);
    let fit19 = e.training[0].countries.clone().unwrap();
    let fit20 = e.training[1].countries.clone().unwrap();
    assert!(fit19.contains(&"NER".to_string()) && !fit20.contains(&"NER".to_string()));
    assert!(fit20.contains(&"SEN".to_string()));
    assert!(e
        .provenance
        .warnings
        .iter()
        .any(|w| w.starts_with("training country NER left out of the fits from 2020-01")));
    // The panel ends at the last target month (2020-02): 512 centre cells + 14 border cells
    // holding an event by then (python as above, events cut at 2020-02).
    assert_eq!(e.evaluation.unit_months, 526 * 2);
    let text = serde_json::to_string(&e).unwrap();
    let back: EvaluationResult = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    // Training on the scored countries alone: no training panel at any refit.
    let own = assess_evaluate(
        &EvaluationRequest {
            training: Training::Own,
            ..eval.clone()
        },
        data,
        sources,
    )
    .unwrap();
    assert!(own.training.iter().all(|t| t.countries.is_none()));
    // Scoring Niger over 2020 is refused.
    let err = assess_evaluate(
        &EvaluationRequest {
            countries: codes("NER"),
            ..eval
        },
        data,
        sources,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("NER") && err.contains("2020-02"), "{err}");
}
