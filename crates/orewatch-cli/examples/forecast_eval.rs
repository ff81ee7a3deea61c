//! The forecast tuning tool (bench/forecast_eval/PROTOCOL.md): scores candidate model
//! configurations against the VIEWS baselines on a store, through the same evaluation
//! assessment as `orewatch evaluate`, and ranks them by the protocol's criterion.
//!
//! ```text
//! cargo run --release -p orewatch-cli --example forecast_eval -- --store S
//!     [--countries MLI,BFA] [--from 2012-01] [--to 2018-12] [--horizon 12] [--draws 1000]
//!     [--seed 1] [--train-countries LIST|own] [--candidate FILE.json]… [--no-default]
//!     [--json OUT.json] [--fresh-span]
//! ```
//!
//! A candidate file holds one model specification as JSON (`ModelSpec`: `{"model": "hurdle",
//! "name": "c01", …}`; a hurdle configuration may give only the fields that differ from the
//! default). Every run scores the five baselines and the default model (unless
//! `--no-default`) beside the candidates. The criterion: per model, the relative difference
//! to the best baseline on pooled CRPS, active CRPS and Brier(≥ 1); ranked by the largest of
//! the three, ties by their sum.
//!
//! Guard: a last origin after 2018-12 (targets in 2020 or later: the fresh span) is refused
//! unless `--fresh-span` is given, which the protocol allows once, after the freeze commit;
//! with it the models scored are the baselines and the frozen `hurdle` and `hurdle_recent`.

use std::path::PathBuf;
use std::time::Instant;

use orewatch_core::analysis::forecast::evaluate::{Headline, Subset, HEADLINES};
use orewatch_core::analysis::forecast::model::{ModelName, ModelSpec, LAST_TUNING_ORIGIN};
use orewatch_core::analysis::forecast::panel::Month;
use orewatch_core::analysis::forecast::training::Training;
use orewatch_core::assess::forecast::{evaluate, EvaluationRequest, EvaluationResult};
use orewatch_store::Store;

/// The fitted models scored on the fresh span beside the five baselines, fixed by the freeze
/// commit of round 6: `hurdle` (round 5's configuration) and `hurdle_recent` (round 6's choice,
/// candidate r6c20).
const FRESH_SPAN_MODELS: [ModelName; 2] = [ModelName::Hurdle, ModelName::HurdleRecent];

struct Args {
    store: PathBuf,
    request: EvaluationRequest,
    candidates: Vec<PathBuf>,
    keep_default: bool,
    json: Option<PathBuf>,
    fresh_span: bool,
}

fn usage(problem: &str) -> ! {
    eprintln!("forecast_eval: {problem}\n(see the module doc of crates/orewatch-cli/examples/forecast_eval.rs)");
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        store: PathBuf::from("orewatch-data"),
        request: EvaluationRequest {
            first_origin: Month::new(2012, 1),
            last_origin: Month::new(2018, 12),
            models: ModelSpec::baselines(),
            ..EvaluationRequest::default()
        },
        candidates: Vec::new(),
        keep_default: true,
        json: None,
        fresh_span: false,
    };
    let mut it = std::env::args().skip(1);
    let month = |v: Option<String>| {
        Month::parse(&v.unwrap_or_else(|| usage("a month is missing")))
            .unwrap_or_else(|e| usage(&e.to_string()))
    };
    while let Some(flag) = it.next() {
        let r = &mut args.request;
        match flag.as_str() {
            "--store" => {
                args.store = it
                    .next()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| usage("--store DIR"))
            }
            "--countries" => {
                r.countries = it
                    .next()
                    .unwrap_or_else(|| usage("--countries LIST"))
                    .split(',')
                    .map(str::to_string)
                    .collect()
            }
            "--from" => r.first_origin = month(it.next()),
            "--to" => r.last_origin = month(it.next()),
            "--horizon" => {
                r.horizon = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage("--horizon N"))
            }
            "--draws" => {
                r.draws = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage("--draws N"))
            }
            "--seed" => {
                r.seed = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage("--seed N"))
            }
            "--bootstrap" => {
                r.bootstrap_replicates = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage("--bootstrap N"))
            }
            "--train-countries" => {
                let v = it
                    .next()
                    .unwrap_or_else(|| usage("--train-countries LIST|own"));
                r.training = if v == "own" {
                    Training::Own
                } else {
                    Training::Countries(v.split(',').map(str::to_string).collect())
                }
            }
            "--candidate" => args.candidates.push(
                it.next()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| usage("--candidate FILE")),
            ),
            "--no-default" => args.keep_default = false,
            "--json" => args.json = it.next().map(PathBuf::from),
            "--fresh-span" => args.fresh_span = true,
            other => usage(&format!("unknown argument {other}")),
        }
    }
    args
}

fn main() {
    let mut args = parse_args();
    // The protocol's guard: tuning never reads a target after 2019-12.
    if args.request.last_origin > LAST_TUNING_ORIGIN && !args.fresh_span {
        usage(&format!(
            "last origin {} is after 2018-12: its targets reach the fresh span, which the \
             protocol scores once, after the freeze (--fresh-span)",
            args.request.last_origin
        ));
    }
    if args.fresh_span {
        // The fresh span scores exactly the models frozen for it (PROTOCOL.md §4.1).
        if !args.candidates.is_empty() || !args.keep_default {
            usage("--fresh-span scores the frozen models only: no --candidate, no --no-default");
        }
        args.request
            .models
            .extend(FRESH_SPAN_MODELS.map(ModelName::spec));
    } else if args.keep_default {
        args.request.models.push(ModelName::DEFAULT.spec());
    }
    for path in &args.candidates {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| usage(&format!("{}: {e}", path.display())));
        let spec: ModelSpec = serde_json::from_str(&text)
            .unwrap_or_else(|e| usage(&format!("{}: {e}", path.display())));
        if args.request.models.iter().any(|m| m.name() == spec.name()) {
            usage(&format!(
                "{}: a model named {} is already in the run",
                path.display(),
                spec.name()
            ));
        }
        args.request.models.push(spec);
    }
    let started = Instant::now();
    let (dataset, manifest) = Store::open(&args.store)
        .load()
        .unwrap_or_else(|e| usage(&format!("loading {}: {e}", args.store.display())));
    let loaded = started.elapsed().as_secs_f64();
    let result = evaluate(&args.request, &dataset, &manifest.sources)
        .unwrap_or_else(|e| usage(&e.to_string()));
    let done = started.elapsed().as_secs_f64();
    for w in &result.provenance.warnings {
        eprintln!("warning: {w}");
    }
    print_result(&result);
    eprintln!(
        "load {loaded:.2}s, evaluate {:.2}s; {} units × {} origins × {} horizons, {} draws, seed {}",
        done - loaded,
        result.evaluation.units,
        result.evaluation.origins,
        args.request.horizon,
        args.request.draws,
        args.request.seed
    );
    if let Some(path) = &args.json {
        std::fs::write(
            path,
            serde_json::to_string_pretty(&result).expect("serialises"),
        )
        .unwrap_or_else(|e| usage(&format!("{}: {e}", path.display())));
    }
}

/// Per model: the relative differences to the best baseline (pooled CRPS, active CRPS, Brier).
fn relative(result: &EvaluationResult, model: &str) -> [f64; 3] {
    let e = &result.evaluation;
    HEADLINES.map(|(score, subset)| {
        let value = |name: &str| {
            let s = e.scores.iter().find(|s| s.model == name).expect("scored");
            let summary = match subset {
                Subset::Pooled => &s.pooled,
                Subset::Active => &s.active,
            };
            match score {
                Headline::Crps => summary.crps,
                Headline::Brier1 => summary.brier_1,
            }
        };
        let best = e
            .scores
            .iter()
            .filter(|s| s.baseline)
            .map(|s| value(&s.model))
            .fold(f64::INFINITY, f64::min);
        (value(model) - best) / best
    })
}

fn print_result(result: &EvaluationResult) {
    let e = &result.evaluation;
    println!(
        "{:<18} {:>9} {:>9} {:>9} {:>9} {:>7} {:>6} | {:>9} {:>6} {:>6}",
        "model", "CRPS", "MSE", "MSLE", "Brier1", "AP", "cov90", "CRPSact", "c50a", "c90a"
    );
    for s in &e.scores {
        println!(
            "{:<18} {:>9.6} {:>9.3} {:>9.5} {:>9.6} {:>7.4} {:>6.3} | {:>9.4} {:>6.3} {:>6.3}",
            s.model,
            s.pooled.crps,
            s.pooled.mse,
            s.pooled.msle,
            s.pooled.brier_1,
            s.pooled.average_precision.unwrap_or(f64::NAN),
            s.pooled.coverage90,
            s.active.crps,
            s.active.coverage50,
            s.active.coverage90
        );
    }
    for d in &e.differences {
        println!(
            "{} {} {} vs {}: {:.6} vs {:.6}: {:+.3}% [{:.3e}, {:.3e}]",
            d.model,
            d.score.as_str(),
            d.subset.as_str(),
            d.best_baseline,
            d.model_value,
            d.baseline_value,
            100.0 * d.relative,
            d.lower90.unwrap_or(f64::NAN),
            d.upper90.unwrap_or(f64::NAN)
        );
    }
    println!("by deadly months of the last 12 at the origin: n (active) | mean CRPS | CRPS active | Brier | mean P(>=1)");
    for s in &e.scores {
        for b in &s.by_history {
            println!(
                "  {:<18} {:<5} {:>7} ({:>5}) {:>9.4} {:>9.3} {:>9.5} {:>7.4}",
                s.model,
                b.deadly_months,
                b.n,
                b.n_active,
                b.crps,
                b.crps_active,
                b.brier_1,
                b.p_any
            );
        }
    }
    // The criterion: worst of the three relative differences, then their sum.
    let mut ranked: Vec<(String, [f64; 3])> = e
        .scores
        .iter()
        .filter(|s| !s.baseline)
        .map(|s| (s.model.clone(), relative(result, &s.model)))
        .collect();
    let worst = |r: &[f64; 3]| r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    ranked.sort_by(|a, b| {
        worst(&a.1)
            .total_cmp(&worst(&b.1))
            .then(a.1.iter().sum::<f64>().total_cmp(&b.1.iter().sum::<f64>()))
    });
    println!("rank  model              pooled CRPS  active CRPS  Brier(>=1)   worst      sum");
    for (i, (model, r)) in ranked.iter().enumerate() {
        println!(
            "{:>4}  {:<18} {:>+10.3}% {:>+10.3}% {:>+10.3}% {:>+8.3}% {:>+8.3}%",
            i + 1,
            model,
            100.0 * r[0],
            100.0 * r[1],
            100.0 * r[2],
            100.0 * worst(r),
            100.0 * r.iter().sum::<f64>()
        );
    }
}
