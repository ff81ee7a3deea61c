//! Runs the forecast evaluation on the raw data files (no store): the hurdle model and the
//! VIEWS baselines on a country set's PRIO-GRID panel, rolling origins, horizons 1..=H.
//!
//! `cargo run --release -p orewatch-core --example forecast_eval -- MLI,BFA,NER 2014-01 2018-12 12`
//! Optional env: `FORECAST_LAMBDA=occurrence,magnitude`, `FORECAST_FEATURES=a,b,c`,
//! `FORECAST_HALF_LIFE=12`, `FORECAST_MIX=0.3` (history mixture); `FORECAST_DEBUG=1` prints
//! the first fit's coefficients and top cells instead of evaluating. Prints the score table and
//! the time taken. The tuning grid in bench/RESULTS.md was run with this.

use std::path::{Path, PathBuf};
use std::time::Instant;

use orewatch_core::analysis::forecast::evaluate::{evaluate, EvalSpec};
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
    let built = start.elapsed();

    let mut spec = EvalSpec::new(from, to, horizon);
    let mut config = HurdleConfig::default();
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
    *spec.models.last_mut().unwrap() = ModelSpec::Hurdle(config);
    if std::env::var_os("FORECAST_DEBUG").is_some() {
        if let ModelSpec::Hurdle(config) = spec.models.last().unwrap() {
            let cutoff = panel.month_index(from).unwrap();
            let fit = orewatch_core::analysis::forecast::model::fit_hurdle(
                config,
                &src,
                &matrix,
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
    let result = evaluate(&spec, &src, &matrix).unwrap();
    let done = start.elapsed();
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
    for d in &result.differences {
        println!(
            "{} {} {}: {} {:.6} vs {} {:.6}: diff {:.6} [{:.6}, {:.6}]",
            d.model,
            d.score,
            d.subset,
            d.model,
            d.model_value,
            d.best_baseline,
            d.baseline_value,
            d.difference,
            d.lower90,
            d.upper90
        );
    }
}
