//! `orewatch scenario`: run, compare, check and describe partnership scenario files.
//!
//! ```text
//! orewatch scenario run FILE [--draws N] [--seed S] [--out results.json] [--timings]
//! orewatch scenario compare A B … [--draws N] [--seed S] [--out comparison.json]
//! orewatch scenario check FILE
//! orewatch scenario schema
//! ```
//!
//! `run` simulates the scenario (default 100,000 draws, seed 20250101) and prints, per output
//! grouped by aspect: mean, median, 5–95 % interval, P(output > threshold) for its thresholds,
//! and the inputs with the largest one-at-a-time swings (with their rank correlation).
//! `compare` runs every file with the same draws and seed (common random numbers) and prints,
//! per pair and shared output, P(A better than B) in the output's direction and the median and
//! 5–95 % of A − B. `check` parses the file and resolves its data links without drawing. The
//! store is loaded only when a file has data links, and then only what the links read: the
//! governance rows of the countries `wgi` links name, the sites and production tables they use
//! and, for `exposure.fatalities`, only the UCDP GED events' dates, coordinates and deaths
//! (`Store::load_governance_of`, `Store::load_tables`, `Store::load_event_deaths`). `--out` writes JSON with the metadata:
//! seed, draws, each file's SHA-256, the data links' provenance, the orewatch version.
//! Thin layer over `orewatch_core::scenario`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use orewatch_core::model::{Dataset, EventSource};
use orewatch_core::scenario::compare::{compare, PairComparison};
use orewatch_core::scenario::engine::{
    check_run_size, results, simulate_with, DataLinks, Keep, NoData, OutputResult,
};
use orewatch_core::scenario::links::{EventDeaths, LinkNeeds, Resolved, ResolvedLinks, StoreLinks};
use orewatch_core::scenario::model::{parse_model, read_text, Kind, Model, Provenance};
use orewatch_core::scenario::schema::json_schema;
use orewatch_core::scenario::sensitivity::{sensitivity, Sensitivity, SUBSAMPLE};
use orewatch_store::{Manifest, Store, Table};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The default seed (printed with every result).
pub const DEFAULT_SEED: u64 = 20_250_101;

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
        #[arg(long, default_value_t = 100_000)]
        draws: usize,
        /// Seed of the random streams.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Write the results and their metadata as JSON.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the wall-clock time of each stage (store, links, sampling, correlation,
        /// evaluation, summaries, sensitivity, output) to stderr.
        #[arg(long)]
        timings: bool,
    },
    /// Compare scenarios on common random numbers: P(A better than B) per shared output.
    Compare {
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        #[arg(long, default_value_t = 100_000)]
        draws: usize,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        #[arg(long)]
        out: Option<PathBuf>,
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
        Sub::Check { file } => check(store_dir, &file),
        Sub::Run {
            file,
            draws,
            seed,
            out,
            timings,
        } => run_one(
            store_dir,
            quiet,
            &file,
            draws,
            seed,
            out.as_deref(),
            timings,
        ),
        Sub::Compare {
            files,
            draws,
            seed,
            out,
        } => run_compare(store_dir, &files, draws, seed, out.as_deref()),
    }
}

/// A parsed file with its bytes' SHA-256.
struct Loaded {
    model: Model,
    sha256: String,
}

fn load(file: &Path) -> Result<Loaded> {
    let text = read_text(file)?;
    let model = parse_model(&text, &file.display().to_string())?;
    Ok(Loaded {
        model,
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
    })
}

fn has_links(models: &[&Model]) -> bool {
    models
        .iter()
        .any(|m| m.variables.iter().any(|v| matches!(v.kind, Kind::Data(_))))
}

/// The store's data, loaded only when needed, and only the parts the data links read.
struct StoreData {
    dataset: Dataset,
    manifest: Manifest,
    /// UCDP GED events' dates, coordinates and deaths (when an exposure link needs them).
    ged: Vec<EventDeaths>,
}

impl StoreData {
    fn links(&self) -> StoreLinks<'_> {
        StoreLinks::with_ged_events(&self.dataset, &self.manifest.sources, self.ged.clone())
    }
}

/// Loads what the models' data links read ([`LinkNeeds`]): the governance rows of the
/// countries `wgi` links name, the sites and production tables when a link uses them, and of
/// the events only the UCDP GED dates,
/// coordinates and deaths (a column projection) when an exposure link needs them.
fn load_store(store_dir: &Path, models: &[&Model]) -> Result<StoreData> {
    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the scenario has data links but the store at {} is empty. Run `orewatch ingest` first (or pass --store DIR).",
            store_dir.display()
        );
    }
    let needs = LinkNeeds::of(models.iter().flat_map(|m| {
        m.variables.iter().filter_map(|v| match &v.kind {
            Kind::Data(link) => Some(link.as_str()),
            _ => None,
        })
    }));
    let tables: Vec<Table> = [
        (needs.sites, Table::Sites),
        (needs.production, Table::Production),
    ]
    .into_iter()
    .filter_map(|(needed, table)| needed.then_some(table))
    .collect();
    let context = || format!("loading the store at {}", store_dir.display());
    // The three reads are independent files: read them at the same time.
    let (tables, governance, ged) = std::thread::scope(|scope| {
        let governance = scope.spawn(|| {
            (!needs.governance.is_empty())
                .then(|| store.load_governance_of(&needs.governance))
                .transpose()
        });
        let ged = scope.spawn(|| {
            needs
                .ged_events
                .then(|| store.load_event_deaths(EventSource::UcdpGed, None, None))
                .transpose()
        });
        let tables = store.load_tables(&tables);
        (tables, joined(governance), joined(ged))
    });
    let (mut dataset, manifest) = tables.with_context(context)?;
    if let Some(governance) = governance.with_context(context)? {
        dataset.governance = governance;
    }
    let ged = ged.with_context(context)?.unwrap_or_default();
    Ok(StoreData {
        dataset,
        manifest,
        ged,
    })
}

/// A scoped thread's result; its panic, if any, goes on in this thread.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Resolves every data link of the model (no draws): (variable, resolved link).
fn resolve_links(model: &Model, links: &StoreLinks) -> Result<Vec<(String, Resolved)>> {
    model
        .variables
        .iter()
        .filter_map(|v| match &v.kind {
            Kind::Data(link) => Some((v, link)),
            _ => None,
        })
        .map(|(v, link)| {
            links
                .resolve(link)
                .map(|r| (v.name.clone(), r))
                .map_err(|m| {
                    anyhow::anyhow!(
                        "{}:{}:1: variables.{}.data: {m}",
                        model.file,
                        v.line,
                        v.name
                    )
                })
        })
        .collect()
}

fn check(store_dir: &Path, file: &Path) -> Result<()> {
    let loaded = load(file)?;
    let m = &loaded.model;
    let mut resolved = Vec::new();
    if has_links(&[m]) {
        let data = load_store(store_dir, &[m])?;
        let links = data.links();
        resolved = resolve_links(m, &links)?;
    }
    let count =
        |f: fn(&Provenance) -> bool| m.variables.iter().filter(|v| f(&v.provenance)).count();
    println!(
        "ok: {} — {} variables ({} sourced, {} assumed, {} data-linked, {} derived), {} outputs, {} correlations",
        m.meta.name,
        m.variables.len(),
        count(|p| matches!(p, Provenance::Source(_))),
        count(|p| matches!(p, Provenance::Assumption(_))),
        count(|p| matches!(p, Provenance::Data(_))),
        count(|p| matches!(p, Provenance::Derived)),
        m.outputs.len(),
        m.correlations.len()
    );
    for (name, r) in &resolved {
        println!("  {name} = {}: {}", r.link, r.provenance);
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

/// Wall-clock stages of `scenario run`, printed with `--timings`.
struct Stopwatch {
    last: Instant,
    stages: Vec<(&'static str, f64)>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch {
            last: Instant::now(),
            stages: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, (now - self.last).as_secs_f64()));
        self.last = now;
    }

    fn print(&self) {
        let total: f64 = self.stages.iter().map(|s| s.1).sum();
        let parts: Vec<String> = self
            .stages
            .iter()
            .map(|(name, secs)| format!("{name} {secs:.3}"))
            .collect();
        eprintln!("timings (s): {}; total {total:.3}", parts.join(", "));
    }
}

fn run_one(
    store_dir: &Path,
    quiet: bool,
    file: &Path,
    draws: usize,
    seed: u64,
    out: Option<&Path>,
    timings: bool,
) -> Result<()> {
    if draws < 2 {
        bail!("--draws {draws}: expected at least 2 draws");
    }
    let mut watch = Stopwatch::new();
    let loaded = load(file)?;
    let model = &loaded.model;
    check_run_size(model, draws, Keep::InputPrefix(SUBSAMPLE))?;
    let store = if has_links(&[model]) {
        Some(load_store(store_dir, &[model])?)
    } else {
        None
    };
    watch.lap("parse+store");
    let links = store.as_ref().map(StoreData::links);
    let resolved = match &links {
        Some(l) => resolve_links(model, l)?,
        None => Vec::new(),
    };
    let already_resolved = ResolvedLinks(&resolved);
    let data: &dyn DataLinks = match &links {
        Some(_) => &already_resolved,
        None => &NoData,
    };
    watch.lap("links");
    let started = Instant::now();
    // Sensitivity reads the first SUBSAMPLE draws of each input; nothing else is kept whole.
    let (sim, stage) = simulate_with(model, draws, seed, data, Keep::InputPrefix(SUBSAMPLE))?;
    watch.lap("simulate");
    let res = results(model, &sim);
    let simulated = started.elapsed();
    watch.lap("summaries");
    let sens = sensitivity(model, &sim)?;
    watch.lap("sensitivity");
    if !quiet {
        eprintln!(
            "simulated {draws} draws in {:.3} s; sensitivity in {:.3} s",
            simulated.as_secs_f64(),
            (started.elapsed() - simulated).as_secs_f64()
        );
    }
    print_results(model, draws, seed, &res, &sens);
    if let Some(path) = out {
        let doc = json!({
            "metadata": metadata(&[&loaded], draws, seed, &[resolved]),
            "scenario": &model.meta,
            "outputs": res.iter().map(|r| {
                let s = sens.iter().find(|s| s.output == r.name);
                json!({ "result": r, "sensitivity": s })
            }).collect::<Vec<_>>(),
            "inputs": inputs_json(model),
        });
        write_json(path, &doc)?;
    }
    watch.lap("output");
    if timings {
        eprintln!(
            "simulate (s): sample {:.3}, correlate {:.3}, evaluate {:.3}",
            stage.sample.as_secs_f64(),
            stage.correlate.as_secs_f64(),
            stage.evaluate.as_secs_f64()
        );
        watch.print();
    }
    Ok(())
}

fn inputs_json(model: &Model) -> serde_json::Value {
    model
        .variables
        .iter()
        .map(|v| {
            json!({
                "name": v.name,
                "unit": v.unit,
                "provenance": v.provenance,
                "line": v.line,
            })
        })
        .collect()
}

fn metadata(
    files: &[&Loaded],
    draws: usize,
    seed: u64,
    links: &[Vec<(String, Resolved)>],
) -> serde_json::Value {
    json!({
        "orewatch_version": env!("CARGO_PKG_VERSION"),
        "seed": seed,
        "draws": draws,
        "files": files.iter().zip(links).map(|(l, links)| json!({
            "path": l.model.file,
            "sha256": l.sha256,
            "name": l.model.meta.name,
            "correlations": l.model.correlations,
            "data_links": links.iter().map(|(name, r)| json!({
                "variable": name, "link": r.link, "distribution": r.dist, "provenance": r.provenance,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn write_json(path: &Path, doc: &serde_json::Value) -> Result<()> {
    let text = serde_json::to_string_pretty(doc)? + "\n";
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn print_results(
    model: &Model,
    draws: usize,
    seed: u64,
    res: &[OutputResult],
    sens: &[Sensitivity],
) {
    println!(
        "{} — perspective {}, {} years, {draws} draws, seed {seed}",
        model.meta.name,
        word(&model.meta.perspective),
        model.meta.duration_years
    );
    let mut aspect = None;
    for r in res {
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
        if let Some(s) = sens.iter().find(|s| s.output == r.name) {
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
                println!("    top inputs: {}", top.join("; "));
            }
        }
    }
}

fn run_compare(
    store_dir: &Path,
    files: &[PathBuf],
    draws: usize,
    seed: u64,
    out: Option<&Path>,
) -> Result<()> {
    if draws < 2 {
        bail!("--draws {draws}: expected at least 2 draws");
    }
    let loaded: Vec<Loaded> = files.iter().map(|f| load(f)).collect::<Result<_>>()?;
    for l in &loaded {
        check_run_size(&l.model, draws, Keep::InputPrefix(0))?;
    }
    let models: Vec<Model> = loaded.iter().map(|l| l.model.clone()).collect();
    let model_refs: Vec<&Model> = models.iter().collect();
    let store = if has_links(&model_refs) {
        Some(load_store(store_dir, &model_refs)?)
    } else {
        None
    };
    let links = store.as_ref().map(StoreData::links);
    let resolved: Vec<Vec<(String, Resolved)>> = models
        .iter()
        .map(|m| match &links {
            Some(l) => resolve_links(m, l),
            None => Ok(Vec::new()),
        })
        .collect::<Result<_>>()?;
    let every_resolved: Vec<(String, Resolved)> = resolved.iter().flatten().cloned().collect();
    let already_resolved = ResolvedLinks(&every_resolved);
    let data: &dyn DataLinks = match &links {
        Some(_) => &already_resolved,
        None => &NoData,
    };
    let (all_draws, pairs) = compare(&models, draws, seed, data)?;
    println!("{draws} draws, seed {seed} (common random numbers)");
    for (m, d) in models.iter().zip(&all_draws) {
        println!("  {}: {}", m.meta.name, m.file);
        for r in results(m, d) {
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
    print_pairs(&pairs);
    if let Some(path) = out {
        let refs: Vec<&Loaded> = loaded.iter().collect();
        let doc = json!({
            "metadata": metadata(&refs, draws, seed, &resolved),
            "scenarios": models.iter().zip(&all_draws).map(|(m, d)| json!({
                "name": m.meta.name, "file": m.file, "outputs": results(m, d),
            })).collect::<Vec<_>>(),
            "comparisons": pairs,
        });
        write_json(path, &doc)?;
    }
    Ok(())
}

fn print_pairs(pairs: &[PairComparison]) {
    for p in pairs {
        println!("\n{} (A) vs {} (B)", p.a, p.b);
        for o in &p.outputs {
            let prob = o
                .p_a_better
                .map_or("n/a".to_string(), |p| format!("{p:.3}"));
            println!(
                "  {} ({}): P(A better) {prob}; A − B median {} [{}, {}] {}{}",
                o.output,
                word(&o.direction),
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
}
