//! `orewatch datasets`: what the store holds, per source: rows, time coverage, countries,
//! provenance (path, SHA-256, layout, release, ingest time), flagged and quarantined counts.
//! The numbers are `orewatch_core::assess::datasets`'s; `--json` prints that assessment.

use std::path::Path;

use anyhow::{bail, Result};
use orewatch_core::analysis::coverage::EventCoverage;
use orewatch_core::assess::datasets::{datasets, DatasetsRequest};
use orewatch_store::Store;

use crate::output::{OutArgs, OutFormat};

#[derive(clap::Args)]
pub struct Args {
    /// Shorthand for `--format json`: the assessment (the manifest's members, the per-kind
    /// summaries and the provenance) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Where and how: text (stdout only) or json.
    #[command(flatten)]
    pub output: OutArgs,
    /// Source kinds to list, comma-separated (ucdp_ged, acled, usgs_sites, …); default: all.
    #[arg(long, value_delimiter = ',')]
    pub kinds: Vec<String>,
}

pub fn run(store_dir: &Path, args: Args) -> Result<()> {
    let mut output = args.output.resolve(&[OutFormat::Text, OutFormat::Json])?;
    if args.json {
        output.format = OutFormat::Json;
    }
    let store = Store::open(store_dir);
    let Some(manifest) = store.manifest()? else {
        bail!(
            "the store at {} is empty. Run `orewatch ingest` (default data) or `orewatch ingest PATHS…` first.",
            store_dir.display()
        );
    };
    let manifest = datasets(
        &manifest.contents(),
        &DatasetsRequest {
            kinds: args.kinds.clone(),
        },
    )?;
    if output.format == OutFormat::Json {
        return output.write((serde_json::to_string_pretty(&manifest)? + "\n").as_bytes());
    }
    println!(
        "store {} — generation {}, written {} by orewatch {}",
        store_dir.display(),
        manifest.generation,
        manifest.written_at,
        manifest.orewatch_version
    );
    for s in &manifest.sources {
        println!();
        println!("{}  [{}]", s.path, s.kind);
        println!("  layout      {}", s.layout);
        match (&s.release, s.release_basis) {
            (Some(r), Some(basis)) => println!("  release     {r} ({})", basis.as_str()),
            (Some(r), None) => println!("  release     {r}"),
            (None, Some(basis)) => println!("  release     {}", basis.as_str()),
            (None, None) => {}
        }
        if let Some(r) = &s.recovery {
            println!(
                "  recovered   from a spreadsheet-damaged file: {} record(s) recovered, {} line(s) unrecoverable (quarantined), {} line(s) of bare separators",
                r.recovered, r.unrecoverable, r.separator_only
            );
        }
        println!(
            "  rows        {} read, {} accepted, {} flagged, {} quarantined",
            s.rows_read, s.accepted, s.flagged, s.quarantined
        );
        println!(
            "  merge       {} new, {} unchanged, {} updated, {} superseded",
            s.new, s.unchanged, s.updated, s.superseded
        );
        if let Some(c) = &s.coverage {
            println!("  coverage    {} .. {}", c.start, c.end);
        }
        if !s.countries.is_empty() {
            let shown: Vec<&str> = s.countries.iter().take(12).map(String::as_str).collect();
            let more = s.countries.len().saturating_sub(shown.len());
            println!(
                "  countries   {} ({}{})",
                s.countries.len(),
                shown.join(", "),
                if more > 0 {
                    format!(", … {more} more")
                } else {
                    String::new()
                }
            );
        }
        println!("  sha256      {}", s.sha256);
        if let Some(t) = &s.ingested_at {
            println!("  ingested    {t}");
        }
        for n in &s.notes {
            println!("  note        {n}");
        }
    }
    println!();
    for (table, entry) in &manifest.tables {
        println!(
            "table {table:<11} {:>8} rows  {}{}",
            entry.rows,
            entry.file,
            if entry.geoparquet {
                " (GeoParquet)"
            } else {
                ""
            }
        );
    }
    println!();
    println!("by kind (files, rows accepted, quarantined, releases, first .. last):");
    for k in &manifest.kinds {
        println!(
            "  {:<16} {:>3} file(s) {:>9} rows {:>7} quarantined  {:<18} {} .. {}",
            k.kind,
            k.files,
            k.accepted,
            k.quarantined,
            if k.releases.is_empty() {
                "-".to_string()
            } else {
                k.releases.join(",")
            },
            k.first.as_deref().unwrap_or("?"),
            k.last.as_deref().unwrap_or("?"),
        );
    }
    print_coverage(&manifest.event_coverage);
    if !manifest.dedup_notes.is_empty() {
        println!();
        println!("one fact stored once:");
        for n in &manifest.dedup_notes {
            println!("  {n}");
        }
    }
    Ok(())
}

/// The coverage table: one line per event source and country, then each source's global
/// files (which cover every other country too).
fn print_coverage(coverage: &EventCoverage) {
    if coverage.countries.is_empty() && coverage.global.is_empty() {
        return;
    }
    println!();
    println!("event coverage per source and country (absence of events outside these periods is absence of data):");
    println!(
        "  {:<8} {:<5} {:<28} {:<10} {:<10}  basis",
        "source", "iso3", "country", "start", "end"
    );
    for c in &coverage.countries {
        println!(
            "  {:<8} {:<5} {:<28} {:<10} {:<10}  {}",
            c.source.as_str(),
            c.iso3.as_deref().unwrap_or("?"),
            c.name,
            c.start,
            c.end,
            c.basis_text()
        );
        for (s, e) in &c.gaps {
            println!(
                "  {:<8} {:<5} {:<28} gap {s} .. {e}: no file covers it",
                "", "", ""
            );
        }
    }
    for g in &coverage.global {
        for p in &g.periods {
            println!(
                "  {:<8} {:<5} {:<28} {:<10} {:<10}  global file {} (every country, with or without events)",
                g.source.as_str(),
                "*",
                "every other country",
                p.start,
                p.end,
                p.file
            );
        }
    }
}
