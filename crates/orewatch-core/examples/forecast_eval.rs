//! Runs the forecast evaluation on the raw data files (no store): the hurdle model and the
//! VIEWS baselines on a country set's PRIO-GRID panel, rolling origins, horizons 1..=H.
//!
//! `cargo run --release -p orewatch-core --example forecast_eval -- MLI,BFA,NER 2014-01 2018-12 12`
//! Optional env: `FORECAST_LAMBDA=occurrence,magnitude`, `FORECAST_FEATURES=a,b,c`,
//! `FORECAST_HALF_LIFE=12`, `FORECAST_MIX=0.3` (history mixture), `FORECAST_WINDOW=12`
//! (history window), `FORECAST_MIX_FULL=0.9` (state-dependent mixture: the share at a window
//! full of deadly months), `FORECAST_MIX_SAT=3` (round 5: the number of deadly months at
//! which that share is reached), `FORECAST_LONG_MIX=0.1` and `FORECAST_LONG_WINDOW=36` (round 5:
//! share of the non-history draws taken from the last 36 months when they saw deaths),
//! `FORECAST_FLOOR=1` (occurrence floor × active share),
//! `FORECAST_OWN=0.5` (share of positive regression draws sized from the unit's own months),
//! `FORECAST_RSCALE=1.2` (factor on the magnitude's log residuals),
//! `FORECAST_RSCALE_ACTIVE=1.5` (round 5: that factor for units with a deadly month in the
//! window),
//! `FORECAST_BOOST=rounds,depth,shrinkage,negative_share[,min_child_weight]` (occurrence by
//! boosted trees), `FORECAST_BOOST_FROM_LOGISTIC=1` (trees correct the logistic),
//! `FORECAST_NEIGHBOURS=k` (positive sizes from the k training positives of nearest level),
//! `FORECAST_MAG_FEATURES=a,b` (the magnitude model's own features), `FORECAST_BOOST_WEIGHT=0.5`
//! (P(y > 0) as a blend of the logistic and the trees);
//! `FORECAST_TRAIN=BEN,BFA,...` (fit the hurdle models on this country set's panel, features
//! built by the same code, and predict from the evaluated panel's own features: round 4; the
//! run then also scores the baselines on the evaluated panel alone and stops unless they equal
//! the training-panel run's digit for digit);
//! `FORECAST_MAGNITUDE_OWN_PANEL=1` (with `FORECAST_TRAIN`: only the occurrence is fitted on
//! the training panel, the magnitude on the evaluated panel);
//! `FORECAST_MODEL=name`
//! starts from a named configuration (`hurdle`, `hurdle_v1`) before the knobs apply;
//! `FORECAST_KEEP_HURDLE=1` scores the frozen `hurdle` next to the configured one (which is then
//! named `candidate`, or keeps its name when `FORECAST_MODEL` names another configuration); `FORECAST_DEBUG=1` prints the first fit's coefficients and top cells
//! instead of evaluating; `FORECAST_SPLIT=1` prints, instead of evaluating, mean CRPS of the
//! configured model and of conflictology12 by the unit's deadly months among its last 12 at the
//! origin (0, 1, 2–3, 4–6, 7–12), pooled and active. Prints the score table and the time taken.
//! The tuning grids in bench/RESULTS.md were run with this.

use std::path::{Path, PathBuf};
use std::time::Instant;

use orewatch_core::analysis::forecast::evaluate::{evaluate_with_training, EvalSpec};
use orewatch_core::analysis::forecast::features::{FeatureParams, FeatureSource};
use orewatch_core::analysis::forecast::model::{FeatureMatrix, HurdleConfig, ModelSpec};
use orewatch_core::analysis::forecast::panel::{build, Level, Month, Target};
use orewatch_core::ingest::{boundaries, ged, tabulated_sites, usgs_sites, wgi};
use orewatch_core::model::EventSource;

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let countries: Vec<String> = args
        .first()
        .map(|s| s.as_str())
        .unwrap_or("MLI,BFA,NER")
        .split(',')
        .map(str::to_string)
        .collect();
    let from = Month::parse(args.get(1).map(|s| s.as_str()).unwrap_or("2014-01")).unwrap();
    let to = Month::parse(args.get(2).map(|s| s.as_str()).unwrap_or("2018-12")).unwrap();
    let horizon: usize = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(12);

    let dir = data_dir();
    let start = Instant::now();
    let events =
        ged::read_path(&dir.join("conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"))
            .unwrap()
            .records;
    let regions = boundaries::read_path(&dir.join("boundaries/west_africa_admin0_ne50m.geojson"))
        .unwrap()
        .records;
    let governance = wgi::read_path(&dir.join("governance/wgi_all_countries_1996_2023.csv"))
        .unwrap()
        .records;
    let mut sites =
        tabulated_sites::read_path(&dir.join("mines/mine_sites_mali_and_neighbours.csv"))
            .unwrap()
            .records;
    sites.extend(
        usgs_sites::read_path(&dir.join("mines/usgs_africa_mineral_facilities.geojson"))
            .unwrap()
            .records,
    );
    let points: Vec<(f64, f64)> = sites
        .iter()
        .filter_map(|s| Some((s.lat?, s.lon?)))
        .collect();
    let read = start.elapsed();

    let panel = build(
        Level::Cell,
        &countries,
        &events,
        &regions,
        EventSource::UcdpGed,
        Month::new(1989, 1),
        Month::new(2019, 12),
    )
    .unwrap();
    let mut params = FeatureParams::default();
    if let Ok(h) = std::env::var("FORECAST_HALF_LIFE") {
        params.decay_half_life_months = h.parse().unwrap();
    }
    let src = FeatureSource::new(&panel, Target::All, &points, &governance, params);
    let matrix = FeatureMatrix::new(&src);
    // Round 4: an optional wider panel on which the hurdle models are fitted.
    let train_panel = std::env::var("FORECAST_TRAIN").ok().map(|list| {
        let codes: Vec<String> = list.split(',').map(str::to_string).collect();
        build(
            Level::Cell,
            &codes,
            &events,
            &regions,
            EventSource::UcdpGed,
            Month::new(1989, 1),
            Month::new(2019, 12),
        )
        .unwrap()
    });
    let train_src = train_panel
        .as_ref()
        .map(|p| FeatureSource::new(p, Target::All, &points, &governance, params));
    let train_matrix = train_src.as_ref().map(FeatureMatrix::new);
    let training = train_src.as_ref().zip(train_matrix.as_ref());
    let (fit_src, fit_matrix) = training.unwrap_or((&src, &matrix));
    if let Some(p) = &train_panel {
        eprintln!(
            "training panel: {} cells ({} evaluated)",
            p.units.len(),
            panel.units.len()
        );
    }
    let built = start.elapsed();

    let mut spec = EvalSpec::new(from, to, horizon);
    let mut config = match std::env::var("FORECAST_MODEL") {
        Ok(name) => match ModelSpec::parse(&name).unwrap() {
            ModelSpec::Hurdle(c) => c,
            other => panic!("FORECAST_MODEL must name a hurdle configuration, not {other:?}"),
        },
        Err(_) => HurdleConfig::default(),
    };
    if let Ok(l) = std::env::var("FORECAST_LAMBDA") {
        let (a, b) = l.split_once(',').unwrap();
        config.lambda_occurrence = a.parse().unwrap();
        config.lambda_magnitude = b.parse().unwrap();
    }
    if let Ok(w) = std::env::var("FORECAST_MIX") {
        config.history_mix = w.parse().unwrap();
    }
    if let Ok(f) = std::env::var("FORECAST_FEATURES") {
        config.features = f.split(',').map(str::to_string).collect();
    }
    if let Ok(w) = std::env::var("FORECAST_WINDOW") {
        config.history_window = w.parse().unwrap();
    }
    if let Ok(w) = std::env::var("FORECAST_MIX_FULL") {
        config.history_mix_full = Some(w.parse().unwrap());
    }
    if let Ok(w) = std::env::var("FORECAST_MIX_SAT") {
        config.history_mix_saturation = Some(w.parse().unwrap());
    }
    if let Ok(w) = std::env::var("FORECAST_LONG_MIX") {
        config.history_long_mix = w.parse().unwrap();
    }
    if let Ok(w) = std::env::var("FORECAST_LONG_WINDOW") {
        config.history_long_window = w.parse().unwrap();
    }
    if let Ok(w) = std::env::var("FORECAST_FLOOR") {
        config.occurrence_floor = w.parse().unwrap();
    }
    if let Ok(w) = std::env::var("FORECAST_OWN") {
        config.own_magnitude = w.parse().unwrap();
    }
    if let Ok(w) = std::env::var("FORECAST_RSCALE_ACTIVE") {
        config.residual_scale_active = Some(w.parse().unwrap());
    }
    if let Ok(w) = std::env::var("FORECAST_RSCALE") {
        config.residual_scale = w.parse().unwrap();
    }
    if let Ok(b) = std::env::var("FORECAST_BOOST") {
        let v: Vec<f64> = b.split(',').map(|x| x.parse().unwrap()).collect();
        let mut p = config.boost.clone().map(|b| *b).unwrap_or_default();
        p.rounds = v[0] as usize;
        p.depth = v[1] as usize;
        p.shrinkage = v[2];
        p.negative_share = v[3];
        if let Some(&m) = v.get(4) {
            p.min_child_weight = m;
        }
        config.boost = Some(Box::new(p));
    }
    if let Ok(b) = std::env::var("FORECAST_BOOST_FROM_LOGISTIC") {
        config.boost_from_logistic = b == "1";
    }
    if let Ok(w) = std::env::var("FORECAST_BOOST_WEIGHT") {
        config.boost_weight = w.parse().unwrap();
    }
    if let Ok(f) = std::env::var("FORECAST_MAG_FEATURES") {
        config.magnitude_features = Some(f.split(',').map(str::to_string).collect());
    }
    if let Ok(k) = std::env::var("FORECAST_NEIGHBOURS") {
        config.magnitude_neighbours = k.parse().unwrap();
    }
    if let Ok(b) = std::env::var("FORECAST_MAGNITUDE_OWN_PANEL") {
        config.magnitude_on_evaluated_panel = b == "1";
    }
    if std::env::var_os("FORECAST_KEEP_HURDLE").is_some() {
        // A named configuration keeps its name (and its random streams); the default,
        // modified by knobs, is called `candidate`.
        if config.name == "hurdle" {
            config.name = "candidate".into();
        }
        spec.models.push(ModelSpec::Hurdle(config));
    } else {
        *spec.models.last_mut().unwrap() = ModelSpec::Hurdle(config);
    }
    eprintln!("{:?}", spec.models.last().unwrap());
    if std::env::var_os("FORECAST_SPLIT").is_some() {
        split(&spec, &src, &matrix, training);
        return;
    }
    if std::env::var_os("FORECAST_DEBUG").is_some() {
        if let ModelSpec::Hurdle(config) = spec.models.last().unwrap() {
            let cutoff = panel.month_index(from).unwrap();
            let fit = orewatch_core::analysis::forecast::model::fit_hurdle(
                config,
                fit_src,
                fit_matrix,
                Target::All,
                cutoff,
                1,
            )
            .unwrap();
            eprintln!(
                "rows {} positive share {:.5}",
                fit.rows_h1, fit.positive_share_h1
            );
            for (name, b) in std::iter::once("intercept".to_string())
                .chain(config.features.iter().cloned())
                .zip(fit.occurrence_coefficients(1))
            {
                eprintln!("  {name:<26} {b:+.4}");
            }
            let mut ps: Vec<(f64, usize)> = (0..panel.units.len())
                .map(|u| (fit.occurrence_probability(matrix.row(u, cutoff), 1), u))
                .collect();
            ps.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (p, u) in ps.iter().take(8) {
                let row = matrix.row(*u, cutoff);
                eprintln!(
                    "  unit {} p {:.4} y_sum12 {:.2} next {}",
                    panel.units[*u].id,
                    p,
                    row[2],
                    panel.series(Target::All, *u)[cutoff + 1]
                );
            }
        }
        return;
    }
    let result = evaluate_with_training(&spec, &src, &matrix, training).unwrap();
    let done = start.elapsed();
    for r in &result.refits {
        eprintln!(
            "refit {}: {} training rows (h = 1), {:.0} positive",
            r.cutoff,
            r.training_rows_h1,
            r.positive_share_h1 * r.training_rows_h1 as f64
        );
    }
    if training.is_some() {
        // The scored units, targets and baselines must be the evaluated panel's alone.
        let mut alone = spec.clone();
        alone.models.retain(|m| m.is_baseline());
        let check = evaluate_with_training(&alone, &src, &matrix, None).unwrap();
        let baselines: Vec<_> = result.scores.iter().filter(|s| s.baseline).collect();
        assert_eq!(
            baselines,
            check.scores.iter().collect::<Vec<_>>(),
            "baseline scores differ from the evaluated panel's own"
        );
        assert_eq!(
            (result.units, result.unit_months),
            (check.units, check.unit_months)
        );
        eprintln!(
            "baselines equal the evaluated panel's own run ({} models, every score); check {:.2}s",
            baselines.len(),
            start.elapsed().as_secs_f64() - done.as_secs_f64()
        );
    }
    eprintln!(
        "units {} origins {} unit-months {} active {:.4}; read {:.2}s panel+features {:.2}s evaluate {:.2}s",
        result.units,
        result.origins,
        result.unit_months,
        result.active_share,
        read.as_secs_f64(),
        (built - read).as_secs_f64(),
        (done - built).as_secs_f64()
    );
    println!(
        "{:<16} {:>9} {:>9} {:>9} {:>9} {:>7} {:>6} {:>6} | {:>9} {:>9} {:>6} {:>6}",
        "model",
        "CRPS",
        "MSE",
        "MSLE",
        "Brier1",
        "AP",
        "cov50",
        "cov90",
        "CRPSact",
        "Brier1act",
        "c50a",
        "c90a"
    );
    for s in &result.scores {
        println!(
            "{:<16} {:>9.5} {:>9.3} {:>9.5} {:>9.6} {:>7.4} {:>6.3} {:>6.3} | {:>9.3} {:>9.4} {:>6.3} {:>6.3}",
            s.model,
            s.pooled.crps,
            s.pooled.mse,
            s.pooled.msle,
            s.pooled.brier_1,
            s.pooled.average_precision.unwrap_or(f64::NAN),
            s.pooled.coverage50,
            s.pooled.coverage90,
            s.active.crps,
            s.active.brier_1,
            s.active.coverage50,
            s.active.coverage90
        );
    }
    let mut relative = std::collections::BTreeMap::<String, (usize, f64)>::new();
    for d in &result.differences {
        let r = relative.entry(d.model.clone()).or_default();
        r.0 += (d.difference < 0.0) as usize;
        r.1 += d.difference / d.baseline_value;
        println!(
            "{} {} {}: {} {:.6} vs {} {:.6}: diff {:.6e} ({:+.3}%) [{:.6e}, {:.6e}]",
            d.model,
            d.score,
            d.subset,
            d.model,
            d.model_value,
            d.best_baseline,
            d.baseline_value,
            d.difference,
            100.0 * d.difference / d.baseline_value,
            d.lower90,
            d.upper90
        );
    }
    for (model, (wins, sum)) in relative {
        println!(
            "{model}: better than the best baseline on {wins} of 3; sum of relative differences {:+.3}%",
            100.0 * sum
        );
    }
}

/// Mean CRPS of the configured hurdle and of conflictology12 by the unit's deadly months among
/// its last 12 at the origin (diagnostic for the tuning span; single-threaded).
fn split(
    spec: &EvalSpec,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
    training: Option<(&FeatureSource, &FeatureMatrix)>,
) {
    use orewatch_core::analysis::forecast::evaluate::fit_hurdle_with_training;
    use orewatch_core::analysis::forecast::model::{draw, model_key, stream_seed, Fitted};
    use orewatch_core::analysis::forecast::score::score_sorted;
    let panel = src.panel();
    let ModelSpec::Hurdle(config) = spec.models.last().unwrap() else {
        return;
    };
    let c12 = ModelSpec::Conflictology { window: 12 };
    let first = panel.month_index(spec.first_origin).unwrap();
    let last = panel.month_index(spec.last_origin).unwrap();
    let bin = |k: usize| match k {
        0 => 0,
        1 => 1,
        2..=3 => 2,
        4..=6 => 3,
        _ => 4,
    };
    // [bin][pooled/active] -> (n, crps model, crps c12, p_any model, p_any c12)
    let mut acc = [[(0usize, 0.0f64, 0.0f64, 0.0f64, 0.0f64); 2]; 5];
    // Active only, [k bin][y bin: 1, 2-5, 6-25, >25] -> (n, crps model, crps c12)
    let ybin = |y: u32| match y {
        0..=1 => 0,
        2..=5 => 1,
        6..=25 => 2,
        _ => 3,
    };
    let mut by_size = [[(0usize, 0.0f64, 0.0f64); 4]; 5];
    let mut fit = None;
    let mut buf = Vec::new();
    for t in first..=last {
        if fit.is_none() || panel.month_at(t).month() == 1 {
            fit = Some(
                fit_hurdle_with_training(
                    config,
                    src,
                    matrix,
                    training,
                    spec.target,
                    t,
                    spec.horizon,
                )
                .unwrap(),
            );
        }
        let hf = Fitted::Hurdle(fit.as_ref().unwrap());
        let cf = Fitted::Baseline(&c12);
        for h in 1..=spec.horizon {
            for u in 0..panel.units.len() {
                let series = panel.series(spec.target, u);
                let y = series[t + h];
                let k = series[(t + 1).saturating_sub(12)..=t]
                    .iter()
                    .filter(|&&v| v > 0)
                    .count();
                let id = panel.units[u].id as usize;
                let month = panel.month_at(t).0 as usize;
                let mut scores = [(0.0, 0.0); 2];
                for (i, (m, name)) in [(&hf, config.name.as_str()), (&cf, "conflictology12")]
                    .iter()
                    .enumerate()
                {
                    let seed = stream_seed(spec.seed, model_key(name), month, h, id);
                    draw(
                        m,
                        series,
                        matrix.row(u, t),
                        t,
                        h,
                        spec.samples,
                        seed,
                        &mut buf,
                    );
                    let s = score_sorted(&buf, y as f64);
                    scores[i] = (s.crps, s.p_any);
                }
                // Pooled always, active when y > 0.
                let subsets = if y > 0 { 2 } else { 1 };
                if y > 0 {
                    let c = &mut by_size[bin(k)][ybin(y)];
                    c.0 += 1;
                    c.1 += scores[0].0;
                    c.2 += scores[1].0;
                }
                for a in acc[bin(k)].iter_mut().take(subsets) {
                    a.0 += 1;
                    a.1 += scores[0].0;
                    a.2 += scores[1].0;
                    a.3 += scores[0].1;
                    a.4 += scores[1].1;
                }
            }
        }
    }
    let total: [usize; 2] = [0, 1].map(|s| acc.iter().map(|b| b[s].0).sum());
    println!("bin(k of 12)  subset    n   crps_model  crps_c12  sum_share_model sum_share_c12  p_model  p_c12");
    for (b, label) in ["0", "1", "2-3", "4-6", "7-12"].iter().enumerate() {
        for (s, name) in ["pooled", "active"].iter().enumerate() {
            let (n, cm, cc, pm, pc) = acc[b][s];
            let nf = n.max(1) as f64;
            println!(
                "{label:<13} {name:<7} {n:>7} {:>10.4} {:>10.4} {:>14.4} {:>14.4} {:>7.4} {:>7.4}",
                cm / nf,
                cc / nf,
                cm / total[s] as f64,
                cc / total[s] as f64,
                pm / nf,
                pc / nf
            );
        }
    }
    println!("active by size: bin(k of 12)  y  n  crps_model  crps_c12  (model - c12) summed / all active");
    for (b, label) in ["0", "1", "2-3", "4-6", "7-12"].iter().enumerate() {
        for (j, ylabel) in ["1", "2-5", "6-25", ">25"].iter().enumerate() {
            let (n, cm, cc) = by_size[b][j];
            let nf = n.max(1) as f64;
            println!(
                "{label:<5} {ylabel:<5} {n:>5} {:>10.4} {:>10.4} {:>+9.4}",
                cm / nf,
                cc / nf,
                (cm - cc) / total[1].max(1) as f64
            );
        }
    }
}
