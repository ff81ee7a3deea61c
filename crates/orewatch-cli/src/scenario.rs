//! `orewatch scenario`: run, compare, check and describe partnership scenario files.
//!
//! ```text
//! orewatch scenario run FILE [--draws N] [--seed S] [--out FILE|-] [--format text|json] [--timings]
//! orewatch scenario compare [A B …] [--bundled] [--baseline KEY] [--contrast OUT,…] [--draws N] [--seed S] [--out FILE|-] [--format text|json]
//! orewatch scenario check FILE
//! orewatch scenario schema
//! ```
//!
//! A thin layer over `orewatch_core::assess::scenario`: it reads the files, loads from the
//! store only what their data links read (`Store::load_for_links`), asks the assessment and
//! prints it. `--out` writes the assessment as JSON (the same types the brief, the API and the
//! Python package get). The defaults (draws, seed) are the assessment's, the brief's too, so
//! `orewatch scenario compare --bundled --baseline status_quo --contrast …` prints the brief's
//! deal numbers.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use orewatch_core::assess::scenario::{
    check, compare, link_needs, precheck_compare, precheck_run, run_timed, CompareAssessment,
    CompareRequest, RunAssessment, RunRequest, ScenarioText, DEFAULT_DRAWS, DEFAULT_SEED,
};
use orewatch_core::scenario::model::read_text;
use orewatch_core::scenario::schema::json_schema;
use orewatch_store::{LinkData, Store};

use crate::output::{OutArgs, OutFormat, Output};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(clap::Subcommand)]
pub enum Sub {
    /// Simulate a scenario: per output mean, median, 5–95 %, threshold probabilities, top inputs.
    Run {
        file: PathBuf,
        /// Monte Carlo draws.
        #[arg(long, default_value_t = DEFAULT_DRAWS)]
        draws: usize,
        /// Seed of the random streams.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// The results as text (stdout only) or json (the assessment with its metadata; a
        /// file also gets the text on stdout).
        #[command(flatten)]
        output: OutArgs,
        /// Print the wall-clock time of each stage (store, links, sampling, correlation,
        /// evaluation, summaries, sensitivity) to stderr.
        #[arg(long)]
        timings: bool,
    },
    /// Compare scenarios on common random numbers: P(A better than B) per shared output.
    Compare {
        files: Vec<PathBuf>,
        /// Compare the four bundled scenarios (status quo first), before any FILES.
        #[arg(long)]
        bundled: bool,
        /// Compare every scenario with this one (its file stem, e.g. `status_quo`) instead
        /// of every pair.
        #[arg(long)]
        baseline: Option<String>,
        /// Outputs whose paired difference from the baseline gets a tail contrast (what the
        /// difference depends on), comma-separated.
        #[arg(long, value_delimiter = ',')]
        contrast: Vec<String>,
        #[arg(long, default_value_t = DEFAULT_DRAWS)]
        draws: usize,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// As for `run`.
        #[command(flatten)]
        output: OutArgs,
    },
    /// Parse a scenario and resolve its data links without drawing (exit 1 on any error).
    Check { file: PathBuf },
    /// Print the JSON Schema (draft 2020-12) of scenario files.
    Schema,
}

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    match args.command {
        Sub::Schema => {
            println!("{}", serde_json::to_string_pretty(&json_schema())?);
            Ok(())
        }
        Sub::Check { file } => run_check(store_dir, &file),
        Sub::Run {
            file,
            draws,
            seed,
            output,
            timings,
        } => run_one(
            store_dir,
            quiet,
            &RunRequest {
                scenario: read(&file)?,
                draws,
                seed,
            },
            &output.resolve(&[OutFormat::Text, OutFormat::Json])?,
            timings,
        ),
        Sub::Compare {
            files,
            bundled,
            baseline,
            contrast,
            draws,
            seed,
            output,
        } => {
            let output = output.resolve(&[OutFormat::Text, OutFormat::Json])?;
            let mut scenarios = if bundled {
                ScenarioText::every_bundled()
            } else {
                Vec::new()
            };
            for f in &files {
                scenarios.push(read(f)?);
            }
            if scenarios.len() < 2 {
                bail!("compare needs at least two scenarios: give two FILES or more, or --bundled");
            }
            run_compare(
                store_dir,
                &CompareRequest {
                    scenarios,
                    draws,
                    seed,
                    baseline,
                    contrast_outputs: contrast,
                },
                &output,
            )
        }
    }
}

/// Reads a scenario file (its text as given, for the assessment and its SHA-256), within the
/// size limit of scenario files.
fn read(file: &Path) -> Result<ScenarioText> {
    Ok(ScenarioText {
        path: file.display().to_string(),
        text: read_text(file)?,
    })
}

/// The store parts the scenarios' links read; None when they have no link.
fn load_links(store_dir: &Path, scenarios: &[ScenarioText]) -> Result<Option<LinkData>> {
    let needs = link_needs(scenarios);
    if needs == Default::default() {
        return Ok(None);
    }
    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the scenario has data links but the store at {} is empty. Run `orewatch ingest` first (or pass --store DIR).",
            store_dir.display()
        );
    }
    store
        .load_for_links(&needs)
        .map(Some)
        .with_context(|| format!("loading the store at {}", store_dir.display()))
}

fn run_check(store_dir: &Path, file: &Path) -> Result<()> {
    let text = read(file)?;
    // A parse error is reported before the store is touched.
    text.parse()?;
    let data = load_links(store_dir, std::slice::from_ref(&text))?;
    let links = data.as_ref().map(LinkData::links);
    let c = check(&text, links.as_ref())?;
    println!(
        "ok: {} — {} variables ({} sourced, {} assumed, {} data-linked, {} derived), {} outputs, {} correlations",
        c.scenario.name,
        c.variables,
        c.sourced,
        c.assumed,
        c.data_linked,
        c.derived,
        c.outputs,
        c.correlations
    );
    for l in &c.data_links {
        println!(
            "  {} = {}: {}",
            l.variable, l.resolved.link, l.resolved.provenance
        );
    }
    Ok(())
}

/// The file-format spelling of an enum value (`resource_management`, `higher_is_better`).
fn word<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn fmt(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let a = x.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        format!("{x:.3e}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.4}")
    }
}

fn run_one(
    store_dir: &Path,
    quiet: bool,
    req: &RunRequest,
    output: &Output,
    timings: bool,
) -> Result<()> {
    precheck_run(req)?;
    let started = std::time::Instant::now();
    let data = load_links(store_dir, std::slice::from_ref(&req.scenario))?;
    let store_secs = started.elapsed().as_secs_f64();
    let links = data.as_ref().map(LinkData::links);
    let (a, t) = run_timed(req, links.as_ref())?;
    if !quiet {
        eprintln!(
            "simulated {} draws in {:.3} s; sensitivity in {:.3} s",
            req.draws,
            t.simulate + t.summaries,
            t.sensitivity
        );
    }
    output.print_then_json(&a, || print_run(&a))?;
    if timings {
        eprintln!(
            "simulate (s): sample {:.3}, correlate {:.3}, evaluate {:.3}",
            t.engine.sample.as_secs_f64(),
            t.engine.correlate.as_secs_f64(),
            t.engine.evaluate.as_secs_f64()
        );
        eprintln!(
            "timings (s): store {store_secs:.3}, links {:.3}, simulate {:.3}, summaries {:.3}, sensitivity {:.3}; total {:.3}",
            t.links,
            t.simulate,
            t.summaries,
            t.sensitivity,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn print_run(a: &RunAssessment) {
    println!(
        "{} — perspective {}, {} years, {} draws, seed {}",
        a.scenario.name,
        word(&a.scenario.perspective),
        a.scenario.duration_years,
        a.draws,
        a.seed
    );
    let mut aspect = None;
    for o in &a.outputs {
        let r = &o.result;
        if aspect != Some(r.aspect) {
            aspect = Some(r.aspect);
            println!("\n[{}]", word(&r.aspect));
        }
        let s = &r.summary;
        println!(
            "  {} ({}, {}): mean {}, median {}, 5–95 % [{}, {}]{}",
            r.name,
            r.unit,
            word(&r.direction),
            fmt(s.mean),
            fmt(s.median),
            fmt(s.p5),
            fmt(s.p95),
            if s.nan_draws > 0 {
                format!(", {} draws not a number", s.nan_draws)
            } else {
                String::new()
            }
        );
        for (t, p) in &r.above {
            println!("    P(> {}) = {:.4}", fmt(*t), p);
        }
        if let Some(s) = &o.sensitivity {
            let top: Vec<String> = s
                .inputs
                .iter()
                .filter(|i| i.swing > 0.0 || i.spearman.abs() > 0.01)
                .take(3)
                .map(|i| {
                    format!(
                        "{} swing {} [{} → {}], ρ {:.2}",
                        i.input,
                        fmt(i.swing),
                        fmt(i.low),
                        fmt(i.high),
                        i.spearman
                    )
                })
                .collect();
            if !top.is_empty() {
                println!("    top inputs (one-at-a-time swing): {}", top.join("; "));
            }
        }
    }
}

fn run_compare(store_dir: &Path, req: &CompareRequest, output: &Output) -> Result<()> {
    precheck_compare(req)?;
    let data = load_links(store_dir, &req.scenarios)?;
    let links = data.as_ref().map(LinkData::links);
    let c = compare(req, links.as_ref())?;
    output.print_then_json(&c, || print_compare(&c))?;
    Ok(())
}

fn print_compare(c: &CompareAssessment) {
    println!("{} draws, seed {} (common random numbers)", c.draws, c.seed);
    for s in &c.scenarios {
        println!("  {}: {}", s.scenario.name, s.scenario.path);
        for r in &s.outputs {
            println!(
                "    {}: median {} [{}, {}] {}",
                r.name,
                fmt(r.summary.median),
                fmt(r.summary.p5),
                fmt(r.summary.p95),
                r.unit
            );
        }
    }
    for p in &c.pairs {
        println!("\n{} (A) vs {} (B)", p.a, p.b);
        for o in &p.outputs {
            let prob = |p: Option<f64>| p.map_or("n/a".to_string(), |p| format!("{p:.3}"));
            println!(
                "  {} ({}): P(A better) {}, P(A worse) {}; A − B median {} [{}, {}] {}{}",
                o.output,
                word(&o.direction),
                prob(o.p_a_better),
                prob(o.p_a_worse),
                fmt(o.difference.median),
                fmt(o.difference.p5),
                fmt(o.difference.p95),
                o.unit,
                o.note
                    .as_deref()
                    .map(|n| format!(" — {n}"))
                    .unwrap_or_default()
            );
        }
    }
    for t in &c.contrasts {
        println!(
            "\ntail contrast of {} − {} on {} ({}): median difference {}; with each input in its lowest / highest {:.0} %:",
            t.scenario,
            t.baseline,
            t.output,
            t.unit,
            fmt(t.centre),
            t.tail * 100.0
        );
        for b in &t.bars {
            println!("  {}: {} / {}", b.input, fmt(b.low), fmt(b.high));
        }
    }
}
