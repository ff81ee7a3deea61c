//! `orewatch exposure`: armed violence around mine sites, one row per site and radius.
//!
//! ```text
//! orewatch exposure [--sites FILTER] [--radius-km 25,50,100] [--window-days 365|all]
//!                   [--half-life-days 90] [--kernel uniform|linear|gaussian]
//!                   [--weight fatalities|events] [--as-of DATE] [--source GED|ACLED]
//!                   [--max-precision N] [--violence sb,ns,os] [--top-actors 5]
//!                   [--every month [--from DATE]] [--out FILE|-] [--format text|csv|json|geojson|parquet]
//! ```
//!
//! Loads the store, picks ONE event source (the only one present, or `--source`), takes the
//! as-of date from the source's stated coverage unless given (and refuses one outside it),
//! runs `orewatch_core::analysis::exposure`, and prints a table or writes the result
//! (`--out FILE|-`, `--format`: the file's extension by default). Every parameter goes into the
//! output's metadata: the `metadata` member of JSON/GeoJSON, the `orewatch` key of Parquet, a
//! `F.meta.json` sidecar for a CSV file.

use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use orewatch_core::assess::exposure::{
    exposure, exposure_monthly, ExposureAssessment, ExposureRequest,
};

use crate::flags::{KernelArg, SourceArg, ViolenceArg, WeightArg};
use crate::output::{csv_bytes, OutArgs, OutFormat, Output};
use orewatch_core::analysis::events::{PrecisionFilter, SourceCoverage};
use orewatch_core::analysis::exposure::{EventWeight, ExposureParams, ExposureRow, Kernel};
use orewatch_core::analysis::sites::SiteFilter;
use orewatch_core::model::{EventSource, ViolenceType};
use orewatch_store::{Manifest, Store};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    /// Which sites: comma-separated key=value terms, all must hold (keys: country, commodity,
    /// kind, id, name; e.g. `country=MLI,commodity=gold`). Default: every site.
    #[arg(long, default_value = "")]
    pub sites: String,
    /// Radii in km, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "25,50,100",
        allow_negative_numbers = true
    )]
    pub radius_km: Vec<f64>,
    /// Window length in days ending at --as-of (start excluded, end included), or `all`.
    #[arg(long, default_value = "365")]
    pub window_days: String,
    /// Half-life of the time decay k_t = 0.5^(age_days / half_life_days).
    #[arg(long, default_value_t = 90.0)]
    pub half_life_days: f64,
    /// Distance kernel: uniform (1), linear (1 − d/R), gaussian (σ = R/2).
    #[arg(long, value_enum, ignore_case = true, default_value_t = KernelArg::Uniform)]
    pub kernel: KernelArg,
    /// Event weight: fatalities (max(1, best)) or events (1).
    #[arg(long, value_enum, ignore_case = true, default_value_t = WeightArg::Fatalities)]
    pub weight: WeightArg,
    /// As-of date (YYYY-MM-DD). Default: the end of the event source's stated coverage.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Event source: GED or ACLED. Required when the store holds both (never mixed).
    #[arg(long, value_enum, ignore_case = true)]
    pub source: Option<SourceArg>,
    /// Count only events whose location precision code is at most N (GED where_prec: 1 the
    /// exact place, 2 within about 25 km, 3 the district, 4 the province, 6 only the country;
    /// ACLED geo_precision 1–3); events without a code are then left out. Default: every
    /// precision (stated in the output).
    // `--min-precision`, the flag's first name, stays as a hidden alias.
    #[arg(long = "max-precision", alias = "min-precision", value_name = "N")]
    pub max_precision: Option<u8>,
    /// Violence types to keep, comma-separated: state-based (sb), non-state (ns), one-sided (os).
    #[arg(long, value_enum, ignore_case = true, value_delimiter = ',')]
    pub violence: Vec<ViolenceArg>,
    /// How many actors to list per site and radius.
    #[arg(long, default_value_t = 5)]
    pub top_actors: usize,
    /// `month`: each site's index month by month (as-of = each month's last day) instead of
    /// one as-of date.
    #[arg(long, value_parser = ["month"])]
    pub every: Option<String>,
    /// With --every month: the first month (default: the start of the stated coverage).
    #[arg(long)]
    pub from: Option<String>,
    /// Where and how: text (stdout only), csv (+ .meta.json sidecar for a file), json, geojson
    /// or parquet (GeoParquet); with --every month csv (the default on stdout) or json.
    #[command(flatten)]
    pub output: OutArgs,
}

fn parse_date(name: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("--{name} {text}: expected a date as YYYY-MM-DD"))
}

pub fn run(store_dir: &Path, args: Args) -> Result<()> {
    let every_month = args.every.is_some();
    let output = if every_month {
        args.output.resolve(&[OutFormat::Csv, OutFormat::Json])?
    } else {
        args.output.resolve(&[
            OutFormat::Text,
            OutFormat::Csv,
            OutFormat::Json,
            OutFormat::Geojson,
            OutFormat::Parquet,
        ])?
    };
    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the store at {} is empty. Run `orewatch ingest` (default data) or `orewatch ingest PATHS…` first.",
            store_dir.display()
        );
    }
    let site_filter = SiteFilter::parse(&args.sites)?;
    let kernel = Kernel::from(args.kernel);
    let weight = EventWeight::from(args.weight);
    let window_days = match args.window_days.trim() {
        "all" => None,
        w => Some(w.parse::<u32>().ok().filter(|&w| w > 0).with_context(|| {
            format!("--window-days {w}: expected a positive whole number of days, or `all`")
        })?),
    };
    let violence: Vec<ViolenceType> = args.violence.iter().map(|&v| v.into()).collect();
    let requested = args.source.map(EventSource::from);

    let precision = PrecisionFilter::new(args.max_precision)?;
    let first = args
        .from
        .as_deref()
        .map(|text| parse_date("from", text))
        .transpose()?;
    let request = ExposureRequest {
        sites: args.sites.clone(),
        radii_km: args.radius_km.clone(),
        window_days,
        half_life_days: args.half_life_days,
        kernel,
        weight,
        as_of: args
            .as_of
            .as_deref()
            .map(|text| parse_date("as-of", text))
            .transpose()?,
        source: requested,
        max_precision_code: precision.max_code,
        violence,
        top_actors: args.top_actors,
    };

    let (dataset, manifest) = store
        .load()
        .with_context(|| format!("loading the store at {}", store_dir.display()))?;

    if every_month {
        let a = exposure_monthly(&dataset, &manifest.sources, &request, first)?;
        let mut metadata = metadata(&a.params, &a.coverage, &manifest, &site_filter, store_dir);
        metadata["country_coverage"] = serde_json::to_value(&a.country_coverage)?;
        return write_monthly(&output, &a.rows, &metadata);
    }

    let a = exposure(&dataset, &manifest.sources, &request)?;
    let mut metadata = metadata(&a.params, &a.coverage, &manifest, &site_filter, store_dir);
    metadata["country_coverage"] = serde_json::to_value(&a.country_coverage)?;
    match output.format {
        OutFormat::Text => print_table(&a, &metadata),
        _ => write_report(&output, &a, metadata),
    }
}

fn metadata(
    params: &ExposureParams,
    coverage: &SourceCoverage,
    manifest: &Manifest,
    sites: &SiteFilter,
    store_dir: &Path,
) -> serde_json::Value {
    let event_kind = match params.filter.source {
        orewatch_core::model::EventSource::UcdpGed => "ucdp_ged",
        orewatch_core::model::EventSource::Acled => "acled",
    };
    let inputs: Vec<serde_json::Value> = manifest
        .sources
        .iter()
        .filter(|s| s.kind == event_kind || s.kind == "usgs_sites" || s.kind == "tabulated_sites")
        .map(|s| json!({"path": s.path, "sha256": s.sha256, "kind": s.kind, "release": s.release}))
        .collect();
    json!({
        "analysis": "exposure",
        "orewatch_version": env!("CARGO_PKG_VERSION"),
        "parameters": params,
        "sites_filter": sites.text(),
        "window": match params.window_start() {
            Some(start) => format!("{start} to {} inclusive (event start dates)", params.as_of),
            None => format!("every event up to {} inclusive", params.as_of),
        },
        "distance": "haversine great-circle km, mean Earth radius 6371.0088 km; an event is within R when d <= R",
        "location_precision": PrecisionFilter { max_code: params.filter.max_precision_code }.describe(),
        "coverage": coverage,
        "store": {"path": store_dir.display().to_string(), "generation": manifest.generation, "written_at": manifest.written_at},
        "inputs": inputs,
    })
}

/// One CSV/Parquet row: the report row flattened to scalar columns.
#[derive(Debug, Serialize, Deserialize)]
struct FlatRow {
    site_id: String,
    site_name: String,
    site_kind: String,
    country_iso3: Option<String>,
    commodities: String,
    lat: Option<f64>,
    lon: Option<f64>,
    admin1_id: Option<String>,
    admin1_name: Option<String>,
    status: String,
    coverage: String,
    uncovered_countries: String,
    coverage_note: Option<String>,
    radius_km: f64,
    events: Option<u64>,
    fatalities_best: Option<u64>,
    fatalities_low: Option<u64>,
    fatalities_high: Option<u64>,
    civilian_events: Option<u64>,
    civilian_fatalities: Option<u64>,
    state_based_events: Option<u64>,
    state_based_fatalities: Option<u64>,
    non_state_events: Option<u64>,
    non_state_fatalities: Option<u64>,
    one_sided_events: Option<u64>,
    one_sided_fatalities: Option<u64>,
    other_events: Option<u64>,
    other_fatalities: Option<u64>,
    exposure_index: Option<f64>,
    previous_events: Option<u64>,
    trend: Option<String>,
    trend_ratio: Option<f64>,
    trend_p_value: Option<f64>,
    top_actors_by_events: String,
    top_actors_by_fatalities: String,
    nearest_in_window_km: Option<f64>,
    nearest_in_window_month: Option<String>,
    nearest_in_window_sides: Option<String>,
    nearest_ever_km: Option<f64>,
    nearest_ever_month: Option<String>,
    nearest_ever_sides: Option<String>,
}

fn actors_text(list: &[orewatch_core::analysis::exposure::ActorNear]) -> String {
    list.iter()
        .map(|a| {
            format!(
                "{} [{}] {} events, {} deaths, last {}",
                a.name, a.side, a.events, a.fatalities_best, a.last_seen
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The admin-1 region (id, name) of a row's site.
type Admin1 = (Option<String>, Option<String>);

fn flat(row: &ExposureRow, admin1: &Admin1) -> FlatRow {
    let a = row.assessed;
    let n = |v: u64| a.then_some(v);
    let sides = |e: &orewatch_core::analysis::exposure::NearestEvent| match &e.side_b {
        Some(b) => format!("{} vs {}", e.side_a, b),
        None => e.side_a.clone(),
    };
    FlatRow {
        site_id: row.site_id.clone(),
        site_name: row.site_name.clone(),
        site_kind: row.site_kind.to_string(),
        country_iso3: row.country_iso3.clone(),
        commodities: row.commodities.join(";"),
        lat: row.lat,
        lon: row.lon,
        admin1_id: admin1.0.clone(),
        admin1_name: admin1.1.clone(),
        status: row.status.to_string(),
        coverage: row.coverage.to_string(),
        uncovered_countries: row.uncovered_countries.join(";"),
        coverage_note: row.coverage_note.clone(),
        radius_km: row.radius_km,
        events: n(row.events),
        fatalities_best: n(row.fatalities_best),
        fatalities_low: row.fatalities_low.filter(|_| a),
        fatalities_high: row.fatalities_high.filter(|_| a),
        civilian_events: n(row.civilian.events),
        civilian_fatalities: n(row.civilian.fatalities_best),
        state_based_events: n(row.state_based.events),
        state_based_fatalities: n(row.state_based.fatalities_best),
        non_state_events: n(row.non_state.events),
        non_state_fatalities: n(row.non_state.fatalities_best),
        one_sided_events: n(row.one_sided.events),
        one_sided_fatalities: n(row.one_sided.fatalities_best),
        other_events: n(row.other.events),
        other_fatalities: n(row.other.fatalities_best),
        exposure_index: a.then_some(row.exposure_index),
        previous_events: row.trend.as_ref().map(|t| t.previous_events),
        trend: row.trend.as_ref().map(|t| t.label.to_string()),
        trend_ratio: row.trend.as_ref().and_then(|t| t.ratio),
        trend_p_value: row.trend.as_ref().and_then(|t| t.p_value),
        top_actors_by_events: actors_text(&row.top_actors_by_events),
        top_actors_by_fatalities: actors_text(&row.top_actors_by_fatalities),
        nearest_in_window_km: row.nearest_in_window.as_ref().map(|e| e.distance_km),
        nearest_in_window_month: row.nearest_in_window.as_ref().map(|e| e.month.clone()),
        nearest_in_window_sides: row.nearest_in_window.as_ref().map(sides),
        nearest_ever_km: row.nearest_ever.as_ref().map(|e| e.distance_km),
        nearest_ever_month: row.nearest_ever.as_ref().map(|e| e.month.clone()),
        nearest_ever_sides: row.nearest_ever.as_ref().map(sides),
    }
}

fn write_report(
    output: &Output,
    report: &ExposureAssessment,
    mut metadata: serde_json::Value,
) -> Result<()> {
    metadata["events_considered"] = json!(report.events_considered);
    metadata["admin1"] = json!(
        "admin1_id/admin1_name: the store's admin-1 region holding the site (point-in-polygon on \
         Natural Earth admin-1, snapped within 5 km of the simplified coastline); empty outside \
         them or without coordinates"
    );
    let flat_rows = || -> Vec<FlatRow> {
        report
            .rows
            .iter()
            .map(|r| flat(&r.row, &(r.admin1_id.clone(), r.admin1_name.clone())))
            .collect()
    };
    match output.format {
        OutFormat::Csv => {
            output.write(&csv_bytes(&flat_rows())?)?;
            output.write_sidecar(&metadata)
        }
        OutFormat::Parquet => {
            let rows = flat_rows();
            let points: Vec<Option<(f64, f64)>> = report
                .rows
                .iter()
                .map(|r| r.row.lon.zip(r.row.lat))
                .collect();
            output.write_via_path(|path| {
                orewatch_store::write_parquet_export(
                    path,
                    &rows,
                    Some(&points),
                    &metadata.to_string(),
                )
                .map_err(anyhow::Error::msg)
            })
        }
        OutFormat::Geojson => {
            let features: Vec<serde_json::Value> = report
                .rows
                .iter()
                .map(|r| {
                    json!({
                        "type": "Feature",
                        "geometry": r.row.lon.zip(r.row.lat).map(|(lon, lat)| json!({"type": "Point", "coordinates": [lon, lat]})),
                        "properties": r,
                    })
                })
                .collect();
            let doc =
                json!({"type": "FeatureCollection", "metadata": metadata, "features": features});
            output.write(serde_json::to_string(&doc)?.as_bytes())
        }
        OutFormat::Json => {
            let doc = json!({"metadata": metadata, "rows": report.rows});
            output.write(serde_json::to_string_pretty(&doc)?.as_bytes())
        }
        OutFormat::Text | OutFormat::Graphml => {
            bail!(
                "exposure writes no {:?} here (resolved before)",
                output.format
            )
        }
    }
}

fn write_monthly(
    output: &Output,
    rows: &[orewatch_core::analysis::exposure::MonthlyExposure],
    metadata: &serde_json::Value,
) -> Result<()> {
    match output.format {
        OutFormat::Csv => {
            output.write(&csv_bytes(rows)?)?;
            output.write_sidecar(metadata)
        }
        OutFormat::Json => {
            let doc = json!({"metadata": metadata, "rows": rows});
            output.write(serde_json::to_string_pretty(&doc)?.as_bytes())
        }
        other => bail!("--every month writes csv or json, not {other:?} (resolved before)"),
    }
}

/// Rows printed per radius on the terminal; the file outputs hold every row.
const PRINTED_PER_RADIUS: usize = 15;

fn print_table(a: &ExposureAssessment, metadata: &serde_json::Value) -> Result<()> {
    let report = orewatch_core::analysis::exposure::ExposureReport {
        params: a.params.clone(),
        events_considered: a.events_considered,
        rows: a.rows.iter().map(|r| r.row.clone()).collect(),
    };
    let p = &report.params;
    println!(
        "exposure of {} site rows to {} events ({} considered; {}), as of {}, window {}, half-life {} days, kernel {:?}, weight {:?}",
        report.rows.len(),
        p.filter.source.as_str(),
        report.events_considered,
        metadata["location_precision"].as_str().unwrap_or(""),
        p.as_of,
        metadata["window"].as_str().unwrap_or(""),
        p.half_life_days,
        p.kernel,
        p.weight,
    );
    for &r in &p.radii_km {
        let rows: Vec<&ExposureRow> = report
            .rows
            .iter()
            .filter(|row| row.assessed && row.radius_km == r)
            .collect();
        let exposed = rows.iter().filter(|row| row.events > 0).count();
        println!();
        println!(
            "R = {r} km: {exposed} of {} assessed sites have events in the window",
            rows.len()
        );
        println!(
            "  {:<12} {:<30} {:>4} {:>7} {:>7} {:>10} {:>8} {:>8} {:>10}  coverage",
            "site_id", "name", "iso3", "events", "deaths", "index", "trend", "p", "nearest km"
        );
        for row in rows.iter().take(PRINTED_PER_RADIUS) {
            let name: String = row.site_name.chars().take(30).collect();
            let trend = row.trend.as_ref();
            println!(
                "  {:<12} {:<30} {:>4} {:>7} {:>7} {:>10.2} {:>8} {:>8} {:>10}  {}",
                row.site_id,
                name,
                row.country_iso3.as_deref().unwrap_or("-"),
                row.events,
                row.fatalities_best,
                row.exposure_index,
                trend.map(|t| t.label).unwrap_or("-"),
                trend
                    .and_then(|t| t.p_value)
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_else(|| "-".into()),
                row.nearest_in_window
                    .as_ref()
                    .map(|e| format!("{:.1}", e.distance_km))
                    .unwrap_or_else(|| "-".into()),
                match row.coverage {
                    "partial" => format!(
                        "partial: no data for {}",
                        row.uncovered_countries.join(", ")
                    ),
                    other => other.to_string(),
                },
            );
        }
        if rows.len() > PRINTED_PER_RADIUS {
            println!(
                "  … {} more (use --out for every row)",
                rows.len() - PRINTED_PER_RADIUS
            );
        }
    }
    // Not-covered sites grouped by what is missing.
    let mut not_covered: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for r in report
        .rows
        .iter()
        .filter(|r| r.coverage == "not covered" && r.radius_km == p.radii_km[0])
    {
        not_covered
            .entry(r.coverage_note.as_deref().unwrap_or(""))
            .or_default()
            .push(r.site_id.as_str());
    }
    for (note, ids) in &not_covered {
        println!();
        println!(
            "not covered — nothing counted (unknown, not 0): {} site(s) ({note}): {}",
            ids.len(),
            ids.join(", ")
        );
    }
    let unassessed: Vec<&str> = report
        .rows
        .iter()
        .filter(|r| !r.assessed && r.coverage != "not covered" && r.radius_km == p.radii_km[0])
        .map(|r| r.site_id.as_str())
        .collect();
    if !unassessed.is_empty() {
        println!();
        println!(
            "no coordinates — not assessed: {} site(s): {}",
            unassessed.len(),
            unassessed.join(", ")
        );
    }
    Ok(())
}
