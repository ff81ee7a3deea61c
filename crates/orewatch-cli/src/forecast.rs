//! `orewatch forecast` and `orewatch evaluate`: flags into an assessment request
//! (`orewatch_core::assess::forecast`), the result printed or written.
//!
//! ```text
//! orewatch forecast [--countries MLI,BFA] [--origin YYYY-MM] [--horizon 12] [--model hurdle]
//!                   [--target all|sb|ns|os] [--level cell|country] [--draws 1000] [--seed 1]
//!                   [--out fc.csv|fc.json] [--samples fc_samples.parquet]
//! orewatch evaluate [--countries MLI,BFA] [--from 2019-01] [--to 2021-12] [--horizon 12]
//!                   [--models zero,last,…,hurdle] [--bootstrap 1000] [--block-len 12]
//!                   [--out eval.json]
//! both: [--train-countries LIST | own] [--source GED|ACLED]
//! ```
//!
//! The samples Parquet is written as a stream, one month ahead at a time.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use orewatch_core::analysis::events::parse_source;
use orewatch_core::analysis::forecast::model::ModelName;
use orewatch_core::analysis::forecast::outlook::{DrawBlock, DrawSink};
use orewatch_core::analysis::forecast::panel::{self, Month};
use orewatch_core::analysis::forecast::training::Training;
use orewatch_core::assess::forecast as assess_forecast;
use orewatch_core::assess::forecast::{
    EvaluationRequest, EvaluationResult, ForecastRequest, ForecastResult,
};
use orewatch_core::model::regions::SAHEL_AND_NEIGHBOURS;
use orewatch_core::model::{Dataset, EventSource};
use orewatch_store::{Manifest, SampleWriter, Store};
use serde::Serialize;
use serde_json::json;

use crate::output::{csv_bytes, extension, OutArgs, OutFormat};

/// `--model` / `--models`: the models a user can run, spelt as the core names them
/// (`hurdle_recent`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum ModelArg {
    /// All draws 0.
    Zero,
    /// The origin month's deaths.
    Last,
    /// The mean of the last 12 months.
    Mean12,
    /// Each draw one of the last 12 months.
    Conflictology12,
    /// Each draw one of the last 36 months.
    Conflictology36,
    /// The earlier hurdle model (round 5's configuration; see README).
    Hurdle,
    /// The default: the hurdle learnt on recent years, recalibrated to the forecast
    /// countries (see README).
    HurdleRecent,
}

impl From<ModelArg> for ModelName {
    fn from(m: ModelArg) -> ModelName {
        match m {
            ModelArg::Zero => ModelName::Zero,
            ModelArg::Last => ModelName::Last,
            ModelArg::Mean12 => ModelName::Mean12,
            ModelArg::Conflictology12 => ModelName::Conflictology12,
            ModelArg::Conflictology36 => ModelName::Conflictology36,
            ModelArg::Hurdle => ModelName::Hurdle,
            ModelArg::HurdleRecent => ModelName::HurdleRecent,
        }
    }
}

/// `--target`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum TargetArg {
    /// All organised violence.
    All,
    /// State-based.
    Sb,
    /// Non-state.
    Ns,
    /// One-sided.
    Os,
}

impl From<TargetArg> for panel::Target {
    fn from(t: TargetArg) -> panel::Target {
        match t {
            TargetArg::All => panel::Target::All,
            TargetArg::Sb => panel::Target::Sb,
            TargetArg::Ns => panel::Target::Ns,
            TargetArg::Os => panel::Target::Os,
        }
    }
}

/// `--level`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum LevelArg {
    /// PRIO-GRID 0.5° cell-month.
    Cell,
    /// Country-month.
    Country,
}

impl From<LevelArg> for panel::Level {
    fn from(l: LevelArg) -> panel::Level {
        match l {
            LevelArg::Cell => panel::Level::Cell,
            LevelArg::Country => panel::Level::Country,
        }
    }
}

fn month_arg(text: &str) -> Result<Month, String> {
    Month::parse(text).map_err(|e| e.to_string())
}

/// Options shared by `forecast` and `evaluate`.
#[derive(clap::Args)]
pub struct PanelArgs {
    /// Target: deaths of all organised violence, or of one UCDP type.
    #[arg(long, value_enum, default_value = "all")]
    pub target: TargetArg,
    /// Unit of the panel.
    #[arg(long, value_enum, default_value = "cell")]
    pub level: LevelArg,
    /// Draws per unit-month.
    #[arg(long, default_value_t = 1000)]
    pub draws: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Event source: GED or ACLED (required when the store holds both).
    #[arg(long)]
    pub source: Option<String>,
    /// Countries (ISO3) the fitted models are TRAINED on, plus the countries forecast; `own`:
    /// the forecast countries alone. Default: the Sahel and its neighbours (see
    /// --help). A country the event source does not cover through the fit's cutoff is left
    /// out of that fit, with a warning.
    #[arg(long, value_delimiter = ',', long_help = train_countries_help())]
    pub train_countries: Vec<String>,
    #[command(flatten)]
    pub precision: crate::precision::PrecisionArg,
}

fn train_countries_help() -> String {
    format!(
        "Countries (ISO3) the fitted models are TRAINED on, plus the countries forecast (more \
         cell-months with deaths per fit); `own`: the forecast countries alone. Default: the \
         Sahel and its neighbours, {}. A country the event source does not cover through the \
         fit's cutoff (the origin) is left out of that fit, with a warning.",
        SAHEL_AND_NEIGHBOURS.join(",")
    )
}

impl PanelArgs {
    fn training(&self) -> Result<Training> {
        let list: Vec<String> = self
            .train_countries
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        if list.iter().any(|c| c.eq_ignore_ascii_case("own")) {
            if list.len() > 1 {
                bail!(
                    "--train-countries {}: `own` stands alone (fit on the forecast countries)",
                    list.join(",")
                );
            }
            return Ok(Training::Own);
        }
        Ok(if list.is_empty() {
            Training::Default
        } else {
            Training::Countries(list)
        })
    }

    fn source(&self) -> Result<Option<EventSource>> {
        Ok(self.source.as_deref().map(parse_source).transpose()?)
    }
}

#[derive(clap::Args)]
pub struct ForecastArgs {
    #[command(flatten)]
    pub panel: PanelArgs,
    /// Countries (ISO3) to forecast, comma-separated. Default: the Sahel countries (MLI, BFA,
    /// NER) the data cover through their latest month; the others are named in a warning.
    #[arg(long, value_delimiter = ',')]
    pub countries: Vec<String>,
    /// The last observed month (YYYY-MM). Default: the last month every forecast country is
    /// covered.
    #[arg(long, value_parser = month_arg)]
    pub origin: Option<Month>,
    /// Months ahead (1–36).
    #[arg(long, default_value_t = 12)]
    pub horizon: usize,
    /// The model (default: the best on the fresh-span evaluation, see README).
    #[arg(long, value_enum, default_value = ModelName::DEFAULT.as_str())]
    pub model: ModelArg,
    /// Summary per unit-month: text (stdout only), csv (+ .csv.meta.json sidecar for a file)
    /// or json.
    #[command(flatten)]
    pub output: OutArgs,
    /// All draws as Parquet, long format: priogrid_gid (or country_index), month, draw,
    /// fatalities; written as a stream.
    #[arg(long)]
    pub samples: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub panel: PanelArgs,
    /// Countries (ISO3) scored, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "MLI,BFA")]
    pub countries: Vec<String>,
    /// First origin (YYYY-MM). Default: the fresh span of the README's evaluation.
    #[arg(long, value_parser = month_arg, default_value = "2019-01")]
    pub from: Month,
    /// Last origin (YYYY-MM); its horizon must end inside the data.
    #[arg(long, value_parser = month_arg, default_value = "2021-12")]
    pub to: Month,
    /// Horizons 1..=H months.
    #[arg(long, default_value_t = 12)]
    pub horizon: usize,
    /// Models, comma-separated. Default: every model.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub models: Vec<ModelArg>,
    /// Bootstrap replicates for the 90% intervals of the differences.
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: usize,
    /// Consecutive origins per bootstrap block.
    #[arg(long, default_value_t = 12)]
    pub block_len: u32,
    /// The scores as text (stdout only), or the whole evaluation as json (a file also gets the
    /// text table on stdout).
    #[command(flatten)]
    pub output: OutArgs,
}

impl ForecastArgs {
    pub fn request(&self) -> Result<ForecastRequest> {
        Ok(ForecastRequest {
            countries: (!self.countries.is_empty()).then(|| self.countries.clone()),
            training: self.panel.training()?,
            origin: self.origin,
            horizon: self.horizon,
            model: ModelName::from(self.model).spec(),
            target: self.panel.target.into(),
            level: self.panel.level.into(),
            draws: self.panel.draws,
            seed: self.panel.seed,
            source: self.panel.source()?,
            observed_months: 0,
        })
    }
}

impl EvaluateArgs {
    pub fn request(&self) -> Result<EvaluationRequest> {
        let mut request = EvaluationRequest {
            countries: self.countries.clone(),
            training: self.panel.training()?,
            first_origin: self.from,
            last_origin: self.to,
            horizon: self.horizon,
            target: self.panel.target.into(),
            level: self.panel.level.into(),
            draws: self.panel.draws,
            seed: self.panel.seed,
            bootstrap_replicates: self.bootstrap,
            block_len: self.block_len,
            source: self.panel.source()?,
            ..EvaluationRequest::default()
        };
        if !self.models.is_empty() {
            request.models = self
                .models
                .iter()
                .map(|&m| ModelName::from(m).spec())
                .collect();
        }
        Ok(request)
    }
}

fn load(store_dir: &Path) -> Result<(Dataset, Manifest)> {
    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the store at {} is empty. Run `orewatch ingest` (default data) or `orewatch ingest PATHS…` first.",
            store_dir.display()
        );
    }
    store
        .load()
        .with_context(|| format!("loading the store at {}", store_dir.display()))
}

/// One row of `fc.csv`.
#[derive(Serialize)]
struct SummaryRow<'a> {
    priogrid_gid: Option<u32>,
    country: &'a str,
    month: String,
    mean: f64,
    p_any: f64,
    p_25: f64,
    q05: f64,
    q25: f64,
    q50: f64,
    q75: f64,
    q95: f64,
}

/// The draws of each month written to a samples Parquet file as they come.
struct ParquetSink(SampleWriter);

impl DrawSink for ParquetSink {
    fn write(&mut self, block: &DrawBlock) -> Result<(), String> {
        self.0.write_month(
            &block.month.to_string(),
            block.units,
            block.draws,
            block.samples,
        )
    }
}

pub fn run_forecast(store_dir: &Path, quiet: bool, args: ForecastArgs) -> Result<()> {
    let request = args.request()?;
    let output = args
        .output
        .resolve(&[OutFormat::Text, OutFormat::Csv, OutFormat::Json])?;
    if let Some(s) = &args.samples {
        if extension(s) != "parquet" {
            bail!("--samples {}: expected a .parquet file", s.display());
        }
    }
    let started = Instant::now();
    let (mut dataset, manifest) = load(store_dir)?;
    let precision = args.panel.precision.apply(&mut dataset.events)?;
    let level = request.level;
    let result = match &args.samples {
        Some(path) => {
            let mut sink = ParquetSink(
                SampleWriter::create(
                    path,
                    match level {
                        panel::Level::Cell => "priogrid_gid",
                        panel::Level::Country => "country_index",
                    },
                    &samples_metadata(&request).to_string(),
                )
                .map_err(|e| anyhow::anyhow!("--samples {}: {e}", path.display()))?,
            );
            let result =
                assess_forecast::forecast(&request, &dataset, &manifest.sources, &mut sink)?;
            sink.0
                .finish()
                .map_err(|e| anyhow::anyhow!("--samples {}: {e}", path.display()))?;
            result
        }
        None => assess_forecast::forecast(
            &request,
            &dataset,
            &manifest.sources,
            &mut orewatch_core::analysis::forecast::outlook::NoDraws,
        )?,
    };
    let mut metadata = forecast_metadata(&result);
    metadata["location_precision"] = json!(precision.describe());
    let rows: Vec<SummaryRow> = result
        .outlook
        .rows
        .iter()
        .map(|r| {
            let unit = &result.units[r.unit];
            SummaryRow {
                priogrid_gid: (level == panel::Level::Cell).then_some(unit.id),
                country: &unit.country,
                month: r.month.to_string(),
                mean: r.summary.mean,
                p_any: r.summary.p_any,
                p_25: r.summary.p_25,
                q05: r.summary.q05,
                q25: r.summary.q25,
                q50: r.summary.q50,
                q75: r.summary.q75,
                q95: r.summary.q95,
            }
        })
        .collect();
    match output.format {
        OutFormat::Csv => {
            output.write(&csv_bytes(&rows)?)?;
            output.write_sidecar(&metadata)?;
        }
        OutFormat::Json => {
            let doc = json!({ "metadata": metadata, "rows": rows });
            output.write(serde_json::to_string_pretty(&doc)?.as_bytes())?;
        }
        _ => print_outlook(&result),
    }
    if !quiet {
        for w in &result.provenance.warnings {
            eprintln!("warning: {w}");
        }
        eprintln!(
            "forecast: {} {} units of {}, origin {}, {} months, {} draws, model {}, trained on {} in {:.2} s",
            result.units.len(),
            match level {
                panel::Level::Cell => "PRIO-GRID cell",
                panel::Level::Country => "country",
            },
            result.countries.join(","),
            result.outlook.origin,
            result.outlook.horizon,
            result.outlook.samples,
            result.outlook.model,
            result
                .training_countries
                .as_ref()
                .map(|c| c.join(","))
                .unwrap_or_else(|| "the forecast countries".into()),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// What the samples file's metadata says (written before the draws: the request).
fn samples_metadata(request: &ForecastRequest) -> serde_json::Value {
    json!({
        "command": "orewatch forecast",
        "version": env!("CARGO_PKG_VERSION"),
        "request": request,
        "draw_order": "draws are sorted within each unit-month; they are exchangeable",
        "country_index": "with --level country: the position of the country in the forecast's country list (fc.csv metadata `countries`)",
    })
}

fn forecast_metadata(r: &ForecastResult) -> serde_json::Value {
    json!({
        "command": "orewatch forecast",
        "version": env!("CARGO_PKG_VERSION"),
        "countries": r.countries,
        "training_countries": r.training_countries,
        "level": r.request.level,
        "source": r.events.source.as_str(),
        "data_months": [r.data_months.0, r.data_months.1],
        "panel": r.panel,
        "units": r.units.len(),
        "model": r.outlook.model,
        "model_spec": r.request.model,
        "origin": r.outlook.origin,
        "horizon": r.outlook.horizon,
        "target": r.outlook.target,
        "draws": r.outlook.samples,
        "seed": r.outlook.seed,
        "fatalities": match r.events.source {
            EventSource::UcdpGed => "UCDP GED best estimate, counted in the month of the event's start date",
            EventSource::Acled => "ACLED reported fatalities, counted in the month of the event date",
        },
        "p_any": "share of draws >= 1; p_25: share >= 25; q05..q95: type-7 quantiles of the draws",
        "events": r.events,
        "provenance": r.provenance,
    })
}

fn print_outlook(r: &ForecastResult) {
    let p12 = &r.p_any_over_horizon;
    let mut mean_total = vec![0.0; r.units.len()];
    for row in &r.outlook.rows {
        mean_total[row.unit] += row.summary.mean;
    }
    let mut order: Vec<usize> = (0..r.units.len()).collect();
    order.sort_by(|&a, &b| p12[b].0.total_cmp(&p12[a].0).then(a.cmp(&b)));
    println!(
        "Outlook from {} ({} model), {} months: the 20 units most likely to see ≥ 1 fatality \
         (the chance over the horizon lies between the largest monthly chance and the value for \
         independent months)",
        r.outlook.origin, r.outlook.model, r.outlook.horizon
    );
    println!(
        "{:<10} {:<7} {:>9} {:>9}  {:>24}  {:>14}",
        "unit", "country", "lat", "lon", "P(≥1 over horizon) range", "E[fatalities]"
    );
    for &u in order.iter().take(20) {
        let unit = &r.units[u];
        println!(
            "{:<10} {:<7} {:>9.2} {:>9.2}  {:>11.3} – {:<10.3}  {:>14.1}",
            unit.label, unit.country, unit.lat, unit.lon, p12[u].0, p12[u].1, mean_total[u]
        );
    }
}

pub fn run_evaluate(store_dir: &Path, quiet: bool, args: EvaluateArgs) -> Result<()> {
    let request = args.request()?;
    let output = args.output.resolve(&[OutFormat::Text, OutFormat::Json])?;
    let started = Instant::now();
    let (mut dataset, manifest) = load(store_dir)?;
    let precision = args.panel.precision.apply(&mut dataset.events)?;
    let result = assess_forecast::evaluate(&request, &dataset, &manifest.sources)?;
    let doc = json!({
        "command": "orewatch evaluate",
        "version": env!("CARGO_PKG_VERSION"),
        "location_precision": precision.describe(),
        "result": result,
    });
    output.print_then_json(&doc, || print_evaluation(&result))?;
    if !quiet {
        for w in &result.provenance.warnings {
            eprintln!("warning: {w}");
        }
        eprintln!(
            "evaluate: {} units × {} origins × {} horizons, {} draws, {} models in {:.2} s",
            result.evaluation.units,
            result.evaluation.origins,
            request.horizon,
            request.draws,
            request.models.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

pub fn print_evaluation(r: &EvaluationResult) {
    let e = &r.evaluation;
    println!(
        "Evaluation: {} ({}), {} units, origins {}..{} ({}), horizons 1-{}, {} draws; {} unit-months per model, {:.2}% with fatalities",
        r.countries.join(","),
        match r.request.level {
            panel::Level::Cell => "PRIO-GRID cell-month",
            panel::Level::Country => "country-month",
        },
        e.units,
        e.spec.first_origin,
        e.spec.last_origin,
        e.origins,
        e.spec.horizon,
        e.spec.samples,
        e.unit_months,
        100.0 * e.active_share
    );
    for t in &r.training {
        println!(
            "  fit at {}: trained on {}",
            t.cutoff,
            t.countries
                .as_ref()
                .map(|c| c.join(","))
                .unwrap_or_else(|| "the scored countries".into())
        );
    }
    println!(
        "\n{:<16} {:>9} {:>10} {:>8} {:>9} {:>9} {:>7} {:>6} {:>6} | {:>8} {:>10} {:>8} {:>6} {:>6}",
        "pooled:", "CRPS", "MSE", "MSLE", "Brier≥1", "Brier≥25", "AP", "cov50", "cov90",
        "active:", "CRPS", "MSLE", "cov50", "cov90"
    );
    for s in &e.scores {
        let name = if s.baseline {
            format!("{} (b)", s.model)
        } else {
            s.model.clone()
        };
        println!(
            "{:<16} {:>9.4} {:>10.2} {:>8.4} {:>9.5} {:>9.5} {:>7} {:>6.3} {:>6.3} | {:>8} {:>10.2} {:>8.3} {:>6.3} {:>6.3}",
            name,
            s.pooled.crps,
            s.pooled.mse,
            s.pooled.msle,
            s.pooled.brier_1,
            s.pooled.brier_25,
            s.pooled
                .average_precision
                .map(|v| format!("{v:.4}"))
                .unwrap_or_else(|| "–".into()),
            s.pooled.coverage50,
            s.pooled.coverage90,
            "",
            s.active.crps,
            s.active.msle,
            s.active.coverage50,
            s.active.coverage90
        );
    }
    println!("\nAgainst the best baseline on each score (model − baseline; negative is better), 90% block-bootstrap interval:");
    let bound = |v: Option<f64>| v.map(|v| format!("{v:+.5}")).unwrap_or_else(|| "–".into());
    for d in &e.differences {
        println!(
            "  {} {} {}: {:.5} vs {} {:.5}: {:+.5} ({:+.1}%) [{}, {}] {}",
            d.model,
            d.score.as_str(),
            d.subset.as_str(),
            d.model_value,
            d.best_baseline,
            d.baseline_value,
            d.difference,
            100.0 * d.relative,
            bound(d.lower90),
            bound(d.upper90),
            d.verdict()
        );
    }
    println!("\nPIT histograms (10 bins, Czado et al. 2009), pooled | active:");
    for s in &e.scores {
        let bins = |p: &[f64; 10]| {
            p.iter()
                .map(|v| format!("{:.2}", v))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!(
            "  {:<16} {} | {}",
            s.model,
            bins(&s.pooled.pit),
            bins(&s.active.pit)
        );
    }
    println!("\nNotes:");
    for n in &r.events.caveats {
        println!("  {n}");
    }
}

/// The brief's Outlook: the default forecast (`orewatch forecast` with its defaults) with each
/// cell's last 24 observed months, and the fresh-span evaluation (`orewatch evaluate` with its
/// defaults, or `evaluation`), read from the store's cache when the data, the request and this
/// binary are unchanged. A forecast that cannot run is an error; an evaluation that cannot run
/// is reported in the section.
pub fn brief_outlook(
    store: &Store,
    dataset: &Dataset,
    manifest: &Manifest,
    evaluation: Option<EvaluationRequest>,
    quiet: bool,
) -> Result<orewatch_report::outlook::OutlookInput, String> {
    let request = ForecastRequest {
        observed_months: 24,
        ..ForecastRequest::default()
    };
    let forecast = assess_forecast::forecast(
        &request,
        dataset,
        &manifest.sources,
        &mut orewatch_core::analysis::forecast::outlook::NoDraws,
    )
    .map_err(|e| e.to_string())?;
    let request = evaluation.unwrap_or_else(EvaluationRequest::fresh_span);
    let evaluation = cached_evaluation(store, dataset, manifest, &request, quiet);
    Ok(orewatch_report::outlook::OutlookInput {
        forecast,
        evaluation,
    })
}

/// Name of the evaluation's entries in the store's cache.
pub const EVALUATION_CACHE: &str = "forecast-evaluation";

/// The evaluation of `request`: from the store's cache when an entry for this data, request
/// and binary exists, else computed and cached.
fn cached_evaluation(
    store: &Store,
    dataset: &Dataset,
    manifest: &Manifest,
    request: &EvaluationRequest,
    quiet: bool,
) -> Result<EvaluationResult, String> {
    let request_json = serde_json::to_string(request).map_err(|e| e.to_string())?;
    let key = orewatch_store::cache_key(&[
        &orewatch_store::data_fingerprint(manifest),
        &request_json,
        &code_identity(),
    ]);
    let cache = store.cache();
    if let Some(bytes) = cache.get(EVALUATION_CACHE, &key) {
        if let Ok(result) = serde_json::from_slice::<EvaluationResult>(&bytes) {
            if !quiet {
                eprintln!("forecast evaluation: read from the store's cache (data, request and binary unchanged)");
            }
            return Ok(result);
        }
    }
    let started = Instant::now();
    let result = assess_forecast::evaluate(request, dataset, &manifest.sources)
        .map_err(|e| e.to_string())?;
    let bytes = serde_json::to_vec(&result).map_err(|e| e.to_string())?;
    match cache.put(EVALUATION_CACHE, &key, &bytes) {
        Ok(path) if !quiet => eprintln!(
            "forecast evaluation: computed in {:.1} s, cached in {}",
            started.elapsed().as_secs_f64(),
            path.display()
        ),
        Ok(_) => {}
        Err(e) if !quiet => eprintln!("forecast evaluation: not cached: {e}"),
        Err(_) => {}
    }
    Ok(result)
}

/// The running binary's SHA-256: results cached by one build are not read by another.
fn code_identity() -> String {
    use sha2::{Digest, Sha256};
    let exe = std::env::current_exe().and_then(std::fs::read);
    match exe {
        Ok(bytes) => hex::encode(Sha256::digest(&bytes)),
        // No binary to read: never share entries across runs.
        Err(_) => format!("unknown binary, process {}", std::process::id()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_core_model_has_a_flag_value() {
        let names: Vec<&str> = ModelArg::value_variants()
            .iter()
            .map(|&m| ModelName::from(m).as_str())
            .collect();
        assert_eq!(
            names,
            ModelName::ALL
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
        );
        for m in ModelArg::value_variants() {
            // The flag spells the model as the core names it.
            assert_eq!(
                m.to_possible_value().unwrap().get_name(),
                ModelName::from(*m).as_str()
            );
        }
    }
}
