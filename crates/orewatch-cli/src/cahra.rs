//! `orewatch cahra [--year Y] [--level admin1|site] [--source GED|ACLED] [--rules FILE]
//! [--countries MLI,BFA,NER] [--radius-km R] [--out FILE|-] [--format text|csv|json|geojson]`
//!
//! The CAHRA screening (conflict-affected and high-risk areas, OECD Due Diligence Guidance;
//! EU Regulation 2017/821 art. 2(f)) of every admin-1 region, or every mine site, in one
//! calendar year: conflict-affected, high-risk, neither or insufficient data, with the rules
//! that fired and the numbers behind them. The rules and their sources are in
//! `config/cahra.toml` (embedded default; `--rules FILE` for an edited copy); the method is in
//! `orewatch_core::analysis::cahra`.
//!
//! Defaults: the year is the last calendar year entirely inside the source's stated coverage;
//! the countries are those with admin-1 regions in the store; sites are kept when their
//! country (or, without one, their region's) is among them. A year outside the coverage gives
//! insufficient-data rows; a year with no data at all (outside the coverage and without a
//! single event) is an error naming what is covered.
//!
//! Without `--out` (or with `--out -`), a table on stdout, or the `--format` asked for. With a
//! file, its extension gives the format unless `--format` does: JSON and GeoJSON carry a
//! top-level `"metadata"` member (parameters, rules file and its SHA-256, the source files); a
//! CSV file gets the metadata in a sidecar `F.csv.meta.json`. Files are written atomically.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::flags::SourceArg;
use crate::output::{OutArgs, OutFormat, Sink};
use anyhow::{bail, Context, Result};
use orewatch_core::analysis::cahra::{RegionVerdict, SiteVerdict, Verdict};
use orewatch_core::assess::cahra::{cahra, CahraAssessment, CahraRequest, RulesText};
use orewatch_core::config_text::read_config;
use orewatch_core::model::{EventSource, Region};
use orewatch_store::Store;
use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    /// One row per admin-1 region.
    Admin1,
    /// One row per mine site.
    Site,
}

#[derive(clap::Args)]
pub struct Args {
    /// Calendar year to screen (default: the last year entirely inside the source's coverage).
    #[arg(long)]
    pub year: Option<i32>,
    /// Unit of the rows.
    #[arg(long, value_enum, default_value = "admin1")]
    pub level: Level,
    /// Event source (GED or ACLED); required when the store holds both.
    #[arg(long, value_enum, ignore_case = true)]
    pub source: Option<SourceArg>,
    /// Rules file (TOML, every key of config/cahra.toml); default: the embedded rules.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Comma-separated ISO3 codes (default: every country with admin-1 regions in the store).
    #[arg(long)]
    pub countries: Option<String>,
    /// Radius around a site, km, for its own surroundings.
    #[arg(long, default_value_t = 50.0)]
    pub radius_km: f64,
    #[command(flatten)]
    pub precision: crate::precision::PrecisionArg,
    /// Where and how: text (stdout only), csv (+ .csv.meta.json sidecar for a file), json or
    /// geojson (regions' polygons or sites' points).
    #[command(flatten)]
    pub output: OutArgs,
}

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    let output = args.output.resolve(&[
        OutFormat::Text,
        OutFormat::Csv,
        OutFormat::Json,
        OutFormat::Geojson,
    ])?;
    let rules = match &args.rules {
        None => None,
        Some(path) => Some(RulesText {
            name: path.display().to_string(),
            toml: read_config(path, "rules file")?,
        }),
    };
    let source = args.source.map(EventSource::from);
    let countries = match args.countries.as_deref() {
        None => Vec::new(),
        Some(text) => {
            let codes: Vec<String> = text
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            if codes.is_empty() {
                bail!("--countries is empty; expected ISO3 codes such as MLI,BFA,NER");
            }
            codes
        }
    };
    let request = CahraRequest {
        year: args.year,
        source,
        countries,
        site_radius_km: args.radius_km,
        rules,
    };

    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the store at {} is empty. Run `orewatch ingest` (default data) or `orewatch ingest PATHS…` first.",
            store_dir.display()
        );
    }
    let (mut dataset, manifest) = store
        .load()
        .with_context(|| format!("loading the store at {}", store_dir.display()))?;
    let precision = args.precision.apply(&mut dataset.events)?;
    let a = cahra(&dataset, &manifest.sources, &request)?;
    let regions: Vec<&RegionVerdict> = a.regions.iter().collect();
    let sites: Vec<&SiteVerdict> = a.sites.iter().collect();

    let metadata = json!({
        "command": "orewatch cahra",
        "orewatch_version": env!("CARGO_PKG_VERSION"),
        "store": store_dir.display().to_string(),
        "store_generation": manifest.generation,
        "store_written_at": manifest.written_at,
        "year": a.year,
        "level": match args.level { Level::Admin1 => "admin1", Level::Site => "site" },
        "source": a.source.as_str(),
        "coverage": a.coverage,
        "location_precision": precision.describe(),
        "country_coverage": a.country_coverage,
        "countries": a.countries,
        "site_radius_km": a.site_radius_km,
        "rules_file": a.rules_file,
        "rules_sha256": a.rules_sha256,
        "rules": a.rules,
        "event_placement": a.placement,
        "source_files": manifest.sources.iter()
            .filter(|s| a.coverage.files.iter().any(|f| f.path == s.path))
            .map(|s| json!({"path": s.path, "sha256": s.sha256, "release": s.release, "layout": s.layout}))
            .collect::<Vec<_>>(),
        "verdicts": a.verdicts,
    });

    let text = match (output.format, args.level) {
        (OutFormat::Text, _) => table(&a, &regions, &sites, args.level, &precision.describe()),
        (OutFormat::Json, Level::Admin1) => {
            serde_json::to_string_pretty(&json!({"metadata": metadata, "regions": regions}))?
        }
        (OutFormat::Json, Level::Site) => {
            serde_json::to_string_pretty(&json!({"metadata": metadata, "sites": sites}))?
        }
        (OutFormat::Geojson, level) => {
            let features: Vec<Value> = match level {
                Level::Admin1 => regions
                    .iter()
                    .map(|r| {
                        let geometry = dataset
                            .regions
                            .iter()
                            .find(|g| g.level == 1 && g.region_id == r.region_id)
                            .map(geometry_json)
                            .unwrap_or(Value::Null);
                        feature(geometry, serde_json::to_value(r))
                    })
                    .collect::<Result<_>>()?,
                Level::Site => sites
                    .iter()
                    .map(|s| {
                        let geometry = match (s.lat, s.lon) {
                            (Some(lat), Some(lon)) => {
                                json!({"type": "Point", "coordinates": [lon, lat]})
                            }
                            _ => Value::Null,
                        };
                        feature(geometry, serde_json::to_value(s))
                    })
                    .collect::<Result<_>>()?,
            };
            serde_json::to_string(&json!({
                "type": "FeatureCollection",
                "metadata": metadata,
                "features": features,
            }))?
        }
        (OutFormat::Csv, _) => {
            output.write_sidecar(&metadata)?;
            csv_text(&regions, &sites, args.level)?
        }
        (OutFormat::Parquet | OutFormat::Graphml, _) => {
            bail!("cahra writes no {:?} (resolved before)", output.format)
        }
    };
    output.write(text.as_bytes())?;
    if let (false, Sink::File(out)) = (quiet, &output.sink) {
        eprintln!(
            "wrote {} ({} rows)",
            out.display(),
            match args.level {
                Level::Admin1 => regions.len(),
                Level::Site => sites.len(),
            }
        );
    }
    Ok(())
}

fn fired_text(checks: &[&orewatch_core::analysis::cahra::RuleCheck]) -> String {
    checks
        .iter()
        .map(|c| format!("{} [{}]: {}", c.rule, c.scope, c.detail))
        .collect::<Vec<_>>()
        .join("; ")
}

fn region_evidence(r: &RegionVerdict) -> String {
    let u = &r.result;
    match u.verdict {
        Verdict::InsufficientData => u.insufficient.join("; "),
        Verdict::Neither => format!(
            "checked: {} events; state-based + non-state deaths {}; one-sided deaths {}; civilian-targeting events {}; armed-conflict years before {}; area {:.0} km²",
            u.counts.events,
            u.counts.armed_conflict_fatalities(),
            u.counts.fatalities_one_sided,
            u.counts.civilian_targeting_events,
            u.conflict_years_before.len(),
            u.area_km2
        ),
        _ => fired_text(&u.fired().collect::<Vec<_>>()),
    }
}

fn site_evidence(s: &SiteVerdict) -> String {
    let mut text = match s.verdict {
        Verdict::InsufficientData => s.insufficient.join("; "),
        Verdict::Neither => {
            let n = s
                .surroundings
                .as_ref()
                .map(|u| u.counts.events)
                .unwrap_or(0);
            format!("checked: region and {n} events within the radius")
        }
        _ => fired_text(&s.fired.iter().collect::<Vec<_>>()),
    };
    if text.is_empty() {
        text.push('-');
    }
    text
}

fn table(
    report: &CahraAssessment,
    regions: &[&RegionVerdict],
    sites: &[&SiteVerdict],
    level: Level,
    precision: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "CAHRA screen {} — {} (stated coverage {} to {}), rules {}, level {}, {}",
        report.year,
        report.source.as_str(),
        report.coverage.start,
        report.coverage.end,
        report.rules_file,
        match level {
            Level::Admin1 => "admin-1",
            Level::Site => "site",
        },
        precision
    );
    let p = &report.placement;
    let _ = writeln!(
        out,
        "events used {} (inside a region {}, snapped ≤ {} km {}, outside {}, imprecise {})",
        p.events, p.inside, report.rules.assignment.snap_km, p.snapped, p.outside, p.imprecise
    );
    let _ = writeln!(out);
    match level {
        Level::Admin1 => {
            let _ = writeln!(
                out,
                "{:<10} {:<4} {:<24} {:<18} rules fired (numbers)",
                "region", "iso3", "name", "verdict"
            );
            for r in regions {
                let _ = writeln!(
                    out,
                    "{:<10} {:<4} {:<24} {:<18} {}",
                    r.region_id,
                    r.country_iso3.as_deref().unwrap_or("-"),
                    r.name,
                    r.result.verdict.as_str(),
                    region_evidence(r)
                );
            }
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "{}",
                counts_line(regions.iter().map(|r| r.result.verdict))
            );
        }
        Level::Site => {
            let _ = writeln!(
                out,
                "{:<12} {:<4} {:<28} {:<18} {:<24} rules fired (numbers)",
                "site", "iso3", "name", "verdict", "basis"
            );
            for s in sites {
                let _ = writeln!(
                    out,
                    "{:<12} {:<4} {:<28} {:<18} {:<24} {}",
                    s.site_id,
                    s.country_iso3.as_deref().unwrap_or("-"),
                    s.name.chars().take(28).collect::<String>(),
                    s.verdict.as_str(),
                    basis_text(s),
                    site_evidence(s)
                );
            }
            let _ = writeln!(out);
            let _ = writeln!(out, "{}", counts_line(sites.iter().map(|s| s.verdict)));
        }
    }
    out
}

fn basis_text(s: &SiteVerdict) -> String {
    let basis = serde_json::to_value(s.basis)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    match &s.region_id {
        Some(r) => format!("{basis} ({r})"),
        None => basis,
    }
}

fn counts_line(verdicts: impl Iterator<Item = Verdict>) -> String {
    let mut counts = [0usize; 4];
    for v in verdicts {
        counts[match v {
            Verdict::ConflictAffected => 0,
            Verdict::HighRisk => 1,
            Verdict::Neither => 2,
            Verdict::InsufficientData => 3,
        }] += 1;
    }
    format!(
        "conflict-affected {}, high-risk {}, neither {}, insufficient data {}",
        counts[0], counts[1], counts[2], counts[3]
    )
}

fn csv_text(regions: &[&RegionVerdict], sites: &[&SiteVerdict], level: Level) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    match level {
        Level::Admin1 => {
            w.write_record([
                "region_id",
                "name",
                "country_iso3",
                "year",
                "verdict",
                "rules_fired",
                "evidence",
                "area_km2",
                "events",
                "fatalities_state_based",
                "fatalities_non_state",
                "fatalities_one_sided",
                "civilian_targeting_events",
                "imprecise_events",
                "conflict_years_before",
            ])?;
            for r in regions {
                let u = &r.result;
                w.write_record([
                    r.region_id.clone(),
                    r.name.clone(),
                    r.country_iso3.clone().unwrap_or_default(),
                    r.year.to_string(),
                    u.verdict.as_str().to_string(),
                    u.fired()
                        .map(|c| c.rule.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                    region_evidence(r),
                    format!("{:.1}", u.area_km2),
                    u.counts.events.to_string(),
                    u.counts.fatalities_state_based.to_string(),
                    u.counts.fatalities_non_state.to_string(),
                    u.counts.fatalities_one_sided.to_string(),
                    u.counts.civilian_targeting_events.to_string(),
                    u.imprecise.events.to_string(),
                    u.conflict_years_before
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(";"),
                ])?;
            }
        }
        Level::Site => {
            w.write_record([
                "site_id",
                "name",
                "country_iso3",
                "lat",
                "lon",
                "year",
                "verdict",
                "basis",
                "region_id",
                "region_verdict",
                "rules_fired",
                "evidence",
                "events_within_radius",
            ])?;
            for s in sites {
                w.write_record([
                    s.site_id.clone(),
                    s.name.clone(),
                    s.country_iso3.clone().unwrap_or_default(),
                    s.lat.map(|v| v.to_string()).unwrap_or_default(),
                    s.lon.map(|v| v.to_string()).unwrap_or_default(),
                    s.year.to_string(),
                    s.verdict.as_str().to_string(),
                    basis_text(s),
                    s.region_id.clone().unwrap_or_default(),
                    s.region_verdict
                        .map(|v| v.as_str().to_string())
                        .unwrap_or_default(),
                    s.fired
                        .iter()
                        .map(|c| c.rule.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                    site_evidence(s),
                    s.surroundings
                        .as_ref()
                        .map(|u| u.counts.events.to_string())
                        .unwrap_or_default(),
                ])?;
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(String::from_utf8(bytes)?)
}

fn feature(geometry: Value, properties: serde_json::Result<Value>) -> Result<Value> {
    Ok(json!({"type": "Feature", "geometry": geometry, "properties": properties?}))
}

fn geometry_json(region: &Region) -> Value {
    let polygons: Vec<Value> = region
        .geometry
        .0
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|ring| Value::Array(ring.0.iter().map(|c| json!([c.x, c.y])).collect()))
                .collect::<Vec<Value>>()
                .into()
        })
        .collect();
    json!({"type": "MultiPolygon", "coordinates": polygons})
}
