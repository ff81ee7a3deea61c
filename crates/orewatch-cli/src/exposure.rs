//! `orewatch exposure`: armed violence around mine sites, one row per site and radius.
//!
//! ```text
//! orewatch exposure [--sites FILTER] [--radius-km 25,50,100] [--window-days 365|all]
//!                   [--half-life-days 90] [--kernel uniform|linear|gaussian]
//!                   [--weight fatalities|events] [--as-of DATE] [--source GED|ACLED]
//!                   [--min-precision N] [--violence sb,ns,os] [--top-actors 5]
//!                   [--every month [--from DATE]] [--out f.csv|f.geojson|f.parquet|f.json]
//! ```
//!
//! Loads the store, picks ONE event source (the only one present, or `--source`), takes the
//! as-of date from the source's stated coverage unless given (and refuses one outside it),
//! runs `orewatch_core::analysis::exposure`, and prints a table or writes a file. Every
//! parameter goes into the output's metadata: the `metadata` member of JSON/GeoJSON, the
//! `orewatch` key of Parquet, a `F.meta.json` sidecar for CSV.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use orewatch_core::analysis::admin::AdminIndex;

use crate::output::{csv_bytes, extension, sidecar, write_atomic};
use orewatch_core::analysis::coverage::{CountryReach, EventCoverage};
use orewatch_core::analysis::events::{
    choose_source, parse_source, parse_violence, stated_coverage, EventFilter, SourceCoverage,
};
use orewatch_core::analysis::exposure::{
    assess_monthly_with_coverage, assess_with_coverage, CoverageCheck, EventWeight, ExposureParams,
    ExposureReport, ExposureRow, Kernel,
};
use orewatch_core::analysis::sites::SiteFilter;
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
    #[arg(long, default_value = "uniform")]
    pub kernel: String,
    /// Event weight: fatalities (max(1, best)) or events (1).
    #[arg(long, default_value = "fatalities")]
    pub weight: String,
    /// As-of date (YYYY-MM-DD). Default: the end of the event source's stated coverage.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Event source: GED or ACLED. Required when the store holds both (never mixed).
    #[arg(long)]
    pub source: Option<String>,
    /// Keep events whose location precision code is at most N (GED where_prec, ACLED
    /// geo_precision; 1 = exact place). Events without a code are then dropped.
    #[arg(long)]
    pub min_precision: Option<u8>,
    /// Violence types to keep, comma-separated: state-based (sb), non-state (ns), one-sided (os).
    #[arg(long, value_delimiter = ',')]
    pub violence: Vec<String>,
    /// How many actors to list per site and radius.
    #[arg(long, default_value_t = 5)]
    pub top_actors: usize,
    /// `month`: each site's index month by month (as-of = each month's last day) instead of
    /// one as-of date.
    #[arg(long)]
    pub every: Option<String>,
    /// With --every month: the first month (default: the start of the stated coverage).
    #[arg(long)]
    pub from: Option<String>,
    /// Output file: .csv (+ .meta.json sidecar), .geojson, .parquet (GeoParquet) or .json.
    /// Default: a table on stdout.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

fn parse_date(name: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("--{name} {text}: expected a date as YYYY-MM-DD"))
}

pub fn run(store_dir: &Path, args: Args) -> Result<()> {
    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the store at {} is empty. Run `orewatch ingest` (default data) or `orewatch ingest PATHS…` first.",
            store_dir.display()
        );
    }
    let site_filter = SiteFilter::parse(&args.sites)?;
    let kernel = Kernel::parse(&args.kernel)?;
    let weight = EventWeight::parse(&args.weight)?;
    let window_days = match args.window_days.trim() {
        "all" => None,
        w => Some(w.parse::<u32>().ok().filter(|&w| w > 0).with_context(|| {
            format!("--window-days {w}: expected a positive whole number of days, or `all`")
        })?),
    };
    let violence = args
        .violence
        .iter()
        .map(|v| parse_violence(v))
        .collect::<Result<Vec<_>, _>>()?;
    let requested = args.source.as_deref().map(parse_source).transpose()?;
    let every_month = match args.every.as_deref() {
        None => false,
        Some("month") => true,
        Some(other) => bail!("--every {other}: expected `month`"),
    };

    let (dataset, manifest) = store
        .load()
        .with_context(|| format!("loading the store at {}", store_dir.display()))?;
    let source = choose_source(&dataset.events, requested)?;
    let coverage = stated_coverage(&manifest.sources, source).with_context(|| {
        format!(
            "the manifest lists no {} file: cannot tell the period it covers",
            source.as_str()
        )
    })?;
    let as_of = match &args.as_of {
        None => coverage.end,
        Some(text) => {
            let date = parse_date("as-of", text)?;
            if !coverage.contains(date) {
                bail!(
                    "--as-of {date} is outside the stated coverage of {} ({} to {}); choose a date in it",
                    source.as_str(),
                    coverage.start,
                    coverage.end
                );
            }
            date
        }
    };
    let sites = site_filter.select(&dataset.sites)?;
    let params = ExposureParams {
        filter: EventFilter {
            source,
            max_precision_code: args.min_precision,
            violence,
        },
        as_of,
        radii_km: args.radius_km.clone(),
        window_days,
        half_life_days: args.half_life_days,
        kernel,
        weight,
        top_actors: args.top_actors,
    }
    .validate()?;
    let table = manifest.event_coverage();
    let check = CoverageCheck {
        table: &table,
        reach: CountryReach::new(&dataset.regions),
    };
    let mut metadata = metadata(&params, &coverage, &manifest, &site_filter, store_dir);

    if every_month {
        let first = match &args.from {
            Some(text) => parse_date("from", text)?,
            None => coverage.start,
        };
        if first < coverage.start || first > as_of {
            bail!(
                "--from {first} must lie between the start of the coverage ({}) and the as-of date ({as_of})",
                coverage.start
            );
        }
        let rows =
            assess_monthly_with_coverage(&sites, &dataset.events, params, first, as_of, &check)?;
        metadata["country_coverage"] = country_coverage(
            &table,
            source,
            &sites,
            rows.iter().flat_map(|r| r.uncovered_countries.split(';')),
        );
        return match &args.out {
            None => {
                let mut out = csv::Writer::from_writer(std::io::stdout());
                rows.iter().try_for_each(|r| out.serialize(r))?;
                out.flush()?;
                Ok(())
            }
            Some(path) => write_monthly(path, &rows, &metadata),
        };
    }

    let report = assess_with_coverage(&sites, &dataset.events, params, &check)?;
    metadata["country_coverage"] = country_coverage(
        &table,
        source,
        &sites,
        report
            .rows
            .iter()
            .flat_map(|r| r.uncovered_countries.iter().map(String::as_str)),
    );
    match &args.out {
        None => print_table(&report, &metadata),
        Some(path) => write_report(path, &report, &dataset.regions, metadata),
    }
}

/// The coverage rows of the sites' countries and the countries their radii reach (those
/// named in the rows), for the output's metadata.
fn country_coverage<'a>(
    table: &EventCoverage,
    source: orewatch_core::model::EventSource,
    sites: &[&'a orewatch_core::model::Site],
    uncovered: impl Iterator<Item = &'a str>,
) -> serde_json::Value {
    let codes: std::collections::BTreeSet<&str> = sites
        .iter()
        .filter_map(|s| s.country_iso3.as_deref())
        .chain(uncovered)
        .collect();
    let rows: Vec<&orewatch_core::analysis::coverage::CountryCoverage> = table
        .countries
        .iter()
        .filter(|c| c.source == source && c.iso3.as_deref().is_some_and(|i| codes.contains(i)))
        .collect();
    json!({
        "rule": "a site whose own country has no event data for any day of the window is `not covered` (no numbers, never 0); one whose own country is covered for part of the window, or whose radius reaches a country (Natural Earth boundary within R km) not covered for the whole window, keeps the counts of the data held and is `partial`, naming those countries",
        "countries": rows,
        "global": table.global.iter().filter(|g| g.source == source).collect::<Vec<_>>(),
    })
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

/// The admin-1 region (id, name) of each row's site: point-in-polygon on the store's Natural
/// Earth admin-1 boundaries (snapped within 5 km off the simplified coastline); none outside
/// them or without coordinates.
type Admin1 = (Option<String>, Option<String>);

fn admin1_of_rows(
    report: &ExposureReport,
    regions: &[orewatch_core::model::Region],
) -> Vec<Admin1> {
    let index = AdminIndex::new(regions);
    report
        .rows
        .iter()
        .map(|r| match (r.lat, r.lon) {
            (Some(lat), Some(lon)) => match index.place(lat, lon).region() {
                Some(i) => {
                    let region = index.regions()[i as usize];
                    (Some(region.region_id.clone()), Some(region.name.clone()))
                }
                None => (None, None),
            },
            _ => (None, None),
        })
        .collect()
}

/// A report row with its admin-1 region, for JSON and GeoJSON.
#[derive(Serialize)]
struct RowWithAdmin<'a> {
    #[serde(flatten)]
    row: &'a ExposureRow,
    admin1_id: &'a Option<String>,
    admin1_name: &'a Option<String>,
}

/// The numbers of a row, emptied (null) when the site was not assessed (no coordinates, or
/// no event data for its country in the window): they are unknown, not 0.
const ROW_NUMBERS: [&str; 12] = [
    "events",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "civilian",
    "state_based",
    "non_state",
    "one_sided",
    "other",
    "exposure_index",
    "nearest_in_window",
    "trend",
];

fn row_json(row: &ExposureRow, admin1: &Admin1) -> Result<serde_json::Value> {
    let mut value = serde_json::to_value(RowWithAdmin {
        row,
        admin1_id: &admin1.0,
        admin1_name: &admin1.1,
    })?;
    if !row.assessed {
        for key in ROW_NUMBERS {
            value[key] = serde_json::Value::Null;
        }
    }
    Ok(value)
}

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
    path: &Path,
    report: &ExposureReport,
    regions: &[orewatch_core::model::Region],
    mut metadata: serde_json::Value,
) -> Result<()> {
    metadata["events_considered"] = json!(report.events_considered);
    metadata["admin1"] = json!(
        "admin1_id/admin1_name: the store's admin-1 region holding the site (point-in-polygon on \
         Natural Earth admin-1, snapped within 5 km of the simplified coastline); empty outside \
         them or without coordinates"
    );
    let admin1 = admin1_of_rows(report, regions);
    let flat_rows = || -> Vec<FlatRow> {
        report
            .rows
            .iter()
            .zip(&admin1)
            .map(|(r, a)| flat(r, a))
            .collect()
    };
    match extension(path).as_str() {
        "csv" => {
            write_atomic(path, &csv_bytes(&flat_rows())?)?;
            write_atomic(
                &sidecar(path),
                serde_json::to_string_pretty(&metadata)?.as_bytes(),
            )
        }
        "parquet" => {
            let rows = flat_rows();
            let points: Vec<Option<(f64, f64)>> =
                report.rows.iter().map(|r| r.lon.zip(r.lat)).collect();
            orewatch_store::write_parquet_export(path, &rows, Some(&points), &metadata.to_string())
                .map_err(anyhow::Error::msg)
        }
        "geojson" => {
            let features: Vec<serde_json::Value> = report
                .rows
                .iter()
                .zip(&admin1)
                .map(|(r, a)| {
                    Ok(json!({
                        "type": "Feature",
                        "geometry": r.lon.zip(r.lat).map(|(lon, lat)| json!({"type": "Point", "coordinates": [lon, lat]})),
                        "properties": row_json(r, a)?,
                    }))
                })
                .collect::<Result<_>>()?;
            let doc =
                json!({"type": "FeatureCollection", "metadata": metadata, "features": features});
            write_atomic(path, serde_json::to_string(&doc)?.as_bytes())
        }
        "json" => {
            let rows: Vec<serde_json::Value> = report
                .rows
                .iter()
                .zip(&admin1)
                .map(|(r, a)| row_json(r, a))
                .collect::<Result<_>>()?;
            let doc = json!({"metadata": metadata, "rows": rows});
            write_atomic(path, serde_json::to_string_pretty(&doc)?.as_bytes())
        }
        other => bail!(
            "--out {}: unknown extension `{other}`; expected .csv, .geojson, .parquet or .json",
            path.display()
        ),
    }
}

fn write_monthly(
    path: &Path,
    rows: &[orewatch_core::analysis::exposure::MonthlyExposure],
    metadata: &serde_json::Value,
) -> Result<()> {
    match extension(path).as_str() {
        "csv" => {
            write_atomic(path, &csv_bytes(rows)?)?;
            write_atomic(
                &sidecar(path),
                serde_json::to_string_pretty(metadata)?.as_bytes(),
            )
        }
        "json" => {
            let doc = json!({"metadata": metadata, "rows": rows});
            write_atomic(path, serde_json::to_string_pretty(&doc)?.as_bytes())
        }
        other => bail!(
            "--out {}: unknown extension `{other}` for --every month; expected .csv or .json",
            path.display()
        ),
    }
}

/// Rows printed per radius on the terminal; the file outputs hold every row.
const PRINTED_PER_RADIUS: usize = 15;

fn print_table(report: &ExposureReport, metadata: &serde_json::Value) -> Result<()> {
    let p = &report.params;
    println!(
        "exposure of {} site rows to {} events ({} considered), as of {}, window {}, half-life {} days, kernel {:?}, weight {:?}",
        report.rows.len(),
        p.filter.source.as_str(),
        report.events_considered,
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
