//! `orewatch forecast` and `orewatch evaluate`: probabilistic forecasts of fatalities per
//! PRIO-GRID cell-month (or country-month), and their rolling-origin evaluation against the
//! VIEWS baselines.
//!
//! ```text
//! orewatch forecast --countries MLI,BFA,NER [--origin 2019-12] [--horizon 12] [--model hurdle]
//!                   [--target all|sb|ns|os] [--level cell|country] [--draws 1000] [--seed 1]
//!                   [--out fc.csv] [--samples fc_samples.parquet]
//! orewatch evaluate --countries MLI,BFA,NER --from 2014-01 --to 2018-12 [--horizon 12]
//!                   [--models zero,last,…,hurdle] [--out eval.json]
//! both: [--train-countries MLI,BFA,NER,MRT,SEN,GIN,CIV,GHA,TGO,BEN,NGA | own]
//! ```
//!
//! The hurdle models are fitted on the `--train-countries` panel (plus `--countries`) and draw
//! from the `--countries` panel's own features and months; everything scored or written is the
//! `--countries` panel's.
//!
//! Both build the panel from the store: GED (or ACLED with `--source`) events of the
//! countries, their Natural Earth admin-0 polygons, the mine sites (distance feature) and WGI.
//! The panel's months are the event source's stated coverage.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use orewatch_core::analysis::events::{choose_source, parse_source, stated_coverage};
use orewatch_core::analysis::forecast::evaluate::{evaluate_with_training, EvalSpec, Evaluation};
use orewatch_core::analysis::forecast::features::{FeatureParams, FeatureSource};
use orewatch_core::analysis::forecast::model::{FeatureMatrix, ModelSpec};
use orewatch_core::analysis::forecast::outlook::{
    forecast_with_training, p_any_over_horizon, Outlook,
};
use orewatch_core::analysis::forecast::panel::{
    build, mine_points, months_of_coverage, Level, Month, Panel, Target,
};
use orewatch_core::model::Dataset;
use orewatch_store::{Manifest, SampleColumns, Store};
use serde::Serialize;
use serde_json::json;

use crate::output::{csv_bytes, extension, sidecar, write_atomic};

/// Options shared by `forecast` and `evaluate`.
#[derive(clap::Args)]
pub struct PanelArgs {
    /// Countries (ISO3), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "MLI,BFA,NER")]
    pub countries: Vec<String>,
    /// Target: fatalities of all organised violence, or state-based (sb), non-state (ns),
    /// one-sided (os).
    #[arg(long, default_value = "all")]
    pub target: String,
    /// Unit: PRIO-GRID cell or country.
    #[arg(long, default_value = "cell")]
    pub level: String,
    /// Draws per unit-month.
    #[arg(long, default_value_t = 1000)]
    pub draws: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Event source: GED or ACLED (required when the store holds both).
    #[arg(long)]
    pub source: Option<String>,
    /// Countries (ISO3) whose panel the hurdle models are FITTED on (more violent cell-months
    /// per fit); the units forecast and scored stay those of --countries, which are always
    /// added to this list. `own`: fit on the --countries panel alone. Default: the Sahel and
    /// its bordering countries in the data (frozen in round 4 of the evaluation, see README).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = TRAIN_COUNTRIES_DEFAULT
    )]
    pub train_countries: Vec<String>,
    #[command(flatten)]
    pub precision: crate::precision::PrecisionArg,
}

#[derive(clap::Args)]
pub struct ForecastArgs {
    #[command(flatten)]
    pub panel: PanelArgs,
    /// The last observed month (YYYY-MM). Default: the last month of the source's coverage.
    #[arg(long)]
    pub origin: Option<String>,
    /// Months ahead (1–36).
    #[arg(long, default_value_t = 12)]
    pub horizon: usize,
    /// zero, last, mean12, conflictology12, conflictology36 or hurdle (the default: the best
    /// in the evaluation, see README).
    #[arg(long, default_value = "hurdle")]
    pub model: String,
    /// Summary per unit-month as CSV (+ .meta.json sidecar) or JSON.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// All draws as Parquet, long format: unit, month, draw, fatalities.
    #[arg(long)]
    pub samples: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub panel: PanelArgs,
    /// First origin (YYYY-MM).
    #[arg(long, default_value = "2014-01")]
    pub from: String,
    /// Last origin (YYYY-MM); its horizon must end inside the data.
    #[arg(long, default_value = "2018-12")]
    pub to: String,
    /// Horizons 1..=H months.
    #[arg(long, default_value_t = 12)]
    pub horizon: usize,
    /// Models, comma-separated. Default: the five baselines and the hurdle model.
    #[arg(long, value_delimiter = ',')]
    pub models: Vec<String>,
    /// Bootstrap replicates for the 90% intervals of the differences.
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: usize,
    /// Consecutive origins per bootstrap block.
    #[arg(long, default_value_t = 12)]
    pub block_len: u32,
    /// The whole evaluation as JSON.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// A panel built from the store, with what is needed for features.
pub struct StorePanel {
    /// The location precisions counted (`--max-precision`).
    pub precision: orewatch_core::analysis::events::PrecisionFilter,
    pub panel: Panel,
    pub target: Target,
    pub sites: Vec<(f64, f64)>,
    pub dataset: Dataset,
}

impl StorePanel {
    pub fn features(&self) -> FeatureSource<'_> {
        self.features_of(&self.panel)
    }

    /// Features of another panel (the training panel) with this store's sites and WGI.
    pub fn features_of<'a>(&'a self, panel: &'a Panel) -> FeatureSource<'a> {
        FeatureSource::new(
            panel,
            self.target,
            &self.sites,
            &self.dataset.governance,
            FeatureParams::default(),
        )
    }
}

/// The training panel of `--train-countries` (`None`: fit on the panel itself): the same
/// level, source and months as `sp.panel`, countries = the list plus `--countries`.
pub fn training_panel(sp: &StorePanel, args: &PanelArgs) -> Result<Option<Panel>> {
    let list: Vec<String> = args
        .train_countries
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if list.iter().any(|c| c.eq_ignore_ascii_case("own")) {
        if list.len() > 1 {
            bail!(
                "--train-countries {}: `own` stands alone (fit on the --countries panel)",
                list.join(",")
            );
        }
        return Ok(None);
    }
    let mut countries: Vec<String> = list;
    for c in &args.countries {
        if !countries.iter().any(|t| t.eq_ignore_ascii_case(c)) {
            countries.push(c.clone());
        }
    }
    let same = countries.len() == args.countries.len();
    if same {
        return Ok(None);
    }
    let panel = &sp.panel;
    let train = build(
        panel.level,
        &countries,
        &sp.dataset.events,
        &sp.dataset.regions,
        panel.source,
        panel.first_month,
        panel.last_month(),
    )
    .context("--train-countries: building the training panel")?;
    Ok(Some(train))
}

/// Builds the panel of `args` from a loaded store.
pub fn store_panel(
    mut dataset: Dataset,
    manifest: &Manifest,
    args: &PanelArgs,
) -> Result<StorePanel> {
    let precision = args.precision.apply(&mut dataset.events)?;
    let target = Target::parse(&args.target)?;
    let level = match args.level.trim() {
        "cell" => Level::Cell,
        "country" => Level::Country,
        other => bail!("--level {other}: expected cell or country"),
    };
    let requested = args.source.as_deref().map(parse_source).transpose()?;
    let source = choose_source(&dataset.events, requested)?;
    let coverage = stated_coverage(&manifest.sources, source).with_context(|| {
        format!(
            "the manifest lists no {} file: cannot tell the months it covers",
            source.as_str()
        )
    })?;
    let (first, last) = months_of_coverage(coverage.start, coverage.end);
    let panel = build(
        level,
        &args.countries,
        &dataset.events,
        &dataset.regions,
        source,
        first,
        last,
    )?;
    let sites = mine_points(&dataset.sites);
    Ok(StorePanel {
        precision,
        panel,
        target,
        sites,
        dataset,
    })
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

pub fn run_forecast(store_dir: &Path, quiet: bool, args: ForecastArgs) -> Result<()> {
    let model = ModelSpec::parse(&args.model)?;
    if let Some(out) = &args.out {
        if !matches!(extension(out).as_str(), "csv" | "json") {
            bail!("--out {}: expected a .csv or .json file", out.display());
        }
    }
    if let Some(s) = &args.samples {
        if extension(s) != "parquet" {
            bail!("--samples {}: expected a .parquet file", s.display());
        }
    }
    let started = Instant::now();
    let (dataset, manifest) = load(store_dir)?;
    let sp = store_panel(dataset, &manifest, &args.panel)?;
    let panel = &sp.panel;
    let origin = match &args.origin {
        Some(text) => Month::parse(text)?,
        None => panel.last_month(),
    };
    let src = sp.features();
    let matrix = FeatureMatrix::new(&src);
    let train = match model {
        ModelSpec::Hurdle(_) => training_panel(&sp, &args.panel)?,
        _ => None,
    };
    let train_src = train.as_ref().map(|p| sp.features_of(p));
    let train_matrix = train_src.as_ref().map(FeatureMatrix::new);
    let outlook = forecast_with_training(
        &model,
        &src,
        &matrix,
        train_src.as_ref().zip(train_matrix.as_ref()),
        sp.target,
        origin,
        args.horizon,
        args.panel.draws,
        args.panel.seed,
    )?;
    let mut metadata = forecast_metadata(panel, &outlook, &model);
    metadata["training_countries"] = json!(train.as_ref().map(|p| &p.countries));
    metadata["location_precision"] = json!(sp.precision.describe());

    let rows: Vec<SummaryRow> = outlook
        .rows
        .iter()
        .map(|r| {
            let unit = &panel.units[r.unit];
            SummaryRow {
                priogrid_gid: (panel.level == Level::Cell).then_some(unit.id),
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
    match &args.out {
        Some(path) if extension(path) == "csv" => {
            write_atomic(path, &csv_bytes(&rows)?)?;
            write_atomic(
                &sidecar(path),
                serde_json::to_string_pretty(&metadata)?.as_bytes(),
            )?;
        }
        Some(path) => {
            let doc = json!({ "metadata": metadata, "rows": rows });
            write_atomic(path, serde_json::to_string_pretty(&doc)?.as_bytes())?;
        }
        None => print_outlook(panel, &outlook),
    }
    if let Some(path) = &args.samples {
        write_samples(path, panel, &outlook, &metadata)?;
    }
    if !quiet {
        eprintln!(
            "forecast: {} {} units, origin {}, {} months, {} draws, model {} in {:.2} s",
            panel.units.len(),
            match panel.level {
                Level::Cell => "PRIO-GRID cell",
                Level::Country => "country",
            },
            origin,
            args.horizon,
            args.panel.draws,
            outlook.model,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn forecast_metadata(panel: &Panel, outlook: &Outlook, model: &ModelSpec) -> serde_json::Value {
    json!({
        "command": "orewatch forecast",
        "version": env!("CARGO_PKG_VERSION"),
        "countries": panel.countries,
        "level": panel.level,
        "source": panel.source.as_str(),
        "data_months": [panel.first_month.to_string(), panel.last_month().to_string()],
        "panel": panel.counts,
        "units": panel.units.len(),
        "model": outlook.model,
        "model_spec": model,
        "origin": outlook.origin.to_string(),
        "horizon": outlook.horizon,
        "target": outlook.target,
        "draws": outlook.samples,
        "seed": outlook.seed,
        "fatalities": match panel.source {
            orewatch_core::model::EventSource::UcdpGed => "UCDP GED best estimate, counted in the month of the event's start date",
            _ => "ACLED reported fatalities, counted in the month of the event date",
        },
        "p_any": "share of draws >= 1; p_25: share >= 25; q05..q95: type-7 quantiles of the draws",
    })
}

fn print_outlook(panel: &Panel, outlook: &Outlook) {
    let p12 = p_any_over_horizon(outlook, panel.units.len());
    let mut mean_total = vec![0.0; panel.units.len()];
    for r in &outlook.rows {
        mean_total[r.unit] += r.summary.mean;
    }
    let mut order: Vec<usize> = (0..panel.units.len()).collect();
    order.sort_by(|&a, &b| p12[b].0.total_cmp(&p12[a].0).then(a.cmp(&b)));
    println!(
        "Outlook from {} ({} model), {} months: the 20 units most likely to see ≥ 1 fatality \
         (the chance over the horizon lies between the largest monthly chance and the value for \
         independent months)",
        outlook.origin, outlook.model, outlook.horizon
    );
    println!(
        "{:<10} {:<7} {:>9} {:>9}  {:>24}  {:>14}",
        "unit", "country", "lat", "lon", "P(≥1 over horizon) range", "E[fatalities]"
    );
    for &u in order.iter().take(20) {
        let unit = &panel.units[u];
        println!(
            "{:<10} {:<7} {:>9.2} {:>9.2}  {:>11.3} – {:<10.3}  {:>14.1}",
            unit.label, unit.country, unit.lat, unit.lon, p12[u].0, p12[u].1, mean_total[u]
        );
    }
}

fn write_samples(
    path: &Path,
    panel: &Panel,
    outlook: &Outlook,
    metadata: &serde_json::Value,
) -> Result<()> {
    let m = outlook.samples;
    let n = outlook.rows.len() * m;
    let month_labels: Vec<String> = (1..=outlook.horizon)
        .map(|h| outlook.origin.plus(h as i32).to_string())
        .collect();
    let mut columns = SampleColumns {
        unit_column: match panel.level {
            Level::Cell => "priogrid_gid",
            Level::Country => "country_index",
        },
        unit: Vec::with_capacity(n),
        month_labels,
        month: Vec::with_capacity(n),
        draw: Vec::with_capacity(n),
        fatalities: Vec::with_capacity(n),
    };
    for r in &outlook.rows {
        let unit = panel.units[r.unit].id;
        for (d, v) in orewatch_core::analysis::forecast::model::expand(&r.draws, m)
            .into_iter()
            .enumerate()
        {
            columns.unit.push(unit);
            columns.month.push((r.horizon - 1) as u16);
            columns.draw.push(d as u32);
            columns.fatalities.push(v);
        }
    }
    let mut meta = metadata.clone();
    if panel.level == Level::Country {
        meta["country_index"] = json!(panel.countries);
    }
    meta["draw_order"] = json!("draws are sorted within each unit-month; they are exchangeable");
    orewatch_store::write_samples_parquet(path, &columns, &meta.to_string())
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))
}

pub fn run_evaluate(store_dir: &Path, quiet: bool, args: EvaluateArgs) -> Result<()> {
    if let Some(out) = &args.out {
        if extension(out) != "json" {
            bail!("--out {}: expected a .json file", out.display());
        }
    }
    let started = Instant::now();
    let (dataset, manifest) = load(store_dir)?;
    let sp = store_panel(dataset, &manifest, &args.panel)?;
    let mut spec = EvalSpec::new(
        Month::parse(&args.from)?,
        Month::parse(&args.to)?,
        args.horizon,
    );
    spec.samples = args.panel.draws;
    spec.seed = args.panel.seed;
    spec.target = sp.target;
    spec.bootstrap_replicates = args.bootstrap;
    spec.block_len = args.block_len;
    if !args.models.is_empty() {
        spec.models = args
            .models
            .iter()
            .map(|m| ModelSpec::parse(m))
            .collect::<Result<_, _>>()?;
    }
    let src = sp.features();
    let matrix = FeatureMatrix::new(&src);
    let train = if spec
        .models
        .iter()
        .any(|m| matches!(m, ModelSpec::Hurdle(_)))
    {
        training_panel(&sp, &args.panel)?
    } else {
        None
    };
    let train_src = train.as_ref().map(|p| sp.features_of(p));
    let train_matrix = train_src.as_ref().map(FeatureMatrix::new);
    let result = evaluate_with_training(
        &spec,
        &src,
        &matrix,
        train_src.as_ref().zip(train_matrix.as_ref()),
    )?;
    print_evaluation(&sp.panel, &result);
    if let Some(path) = &args.out {
        let doc = json!({
            "metadata": {
                "command": "orewatch evaluate",
                "version": env!("CARGO_PKG_VERSION"),
                "countries": sp.panel.countries,
                "level": sp.panel.level,
                "source": sp.panel.source.as_str(),
                "data_months": [sp.panel.first_month.to_string(), sp.panel.last_month().to_string()],
                "panel": sp.panel.counts,
                "training_countries": train.as_ref().map(|p| &p.countries),
                "training_units": train.as_ref().map(|p| p.units.len()),
                "location_precision": sp.precision.describe(),
                "notes": EVALUATION_NOTES,
            },
            "evaluation": result,
        });
        write_atomic(path, serde_json::to_string_pretty(&doc)?.as_bytes())?;
    }
    if !quiet {
        eprintln!(
            "evaluate: {} units × {} origins × {} horizons, {} draws, {} models in {:.2} s",
            result.units,
            result.origins,
            args.horizon,
            spec.samples,
            spec.models.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Caveats printed with every evaluation.
pub const EVALUATION_NOTES: &str = "WGI features use the one edition in the store (2024): its \
revisions of past years are visible to every origin. Mine-site distances use today's site list. \
The GED files hold only precisely located events (where_prec 1-2).";

pub fn print_evaluation(panel: &Panel, e: &Evaluation) {
    println!(
        "Evaluation: {} ({}), {} units, origins {}..{} ({}), horizons 1-{}, {} draws; {} unit-months per model, {:.2}% with fatalities",
        panel.countries.join(","),
        match panel.level {
            Level::Cell => "PRIO-GRID cell-month",
            Level::Country => "country-month",
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
    for d in &e.differences {
        let verdict = if d.upper90 < 0.0 {
            "better"
        } else if d.lower90 > 0.0 {
            "worse"
        } else {
            "not distinguishable"
        };
        println!(
            "  {} {} {}: {:.5} vs {} {:.5}: {:+.5} [{:+.5}, {:+.5}] {}",
            d.model,
            d.score,
            d.subset,
            d.model_value,
            d.best_baseline,
            d.baseline_value,
            d.difference,
            d.lower90,
            d.upper90,
            verdict
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
    println!("\nNotes: {EVALUATION_NOTES}");
}

/// `--train-countries`' default as clap needs it (a literal): the core's
/// [`orewatch_core::analysis::forecast::model::DEFAULT_TRAIN_COUNTRIES`], checked by a test.
const TRAIN_COUNTRIES_DEFAULT: &str = "MLI,BFA,NER,MRT,SEN,GIN,CIV,GHA,TGO,BEN,NGA";

#[cfg(test)]
mod tests {
    use orewatch_core::analysis::forecast::model::DEFAULT_TRAIN_COUNTRIES;

    #[test]
    fn train_countries_default_is_the_cores() {
        assert_eq!(
            super::TRAIN_COUNTRIES_DEFAULT,
            DEFAULT_TRAIN_COUNTRIES.join(",")
        );
    }
}
