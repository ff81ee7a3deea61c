//! `orewatch ingest [PATHS…]`: read source files into the store.
//!
//! The store is rebuilt from every source it already lists plus the new ones, so re-ingesting
//! is idempotent and the result does not depend on the order files were ingested in. A listed
//! source that has disappeared is an error (restore it, or start over with `--replace`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use orewatch_core::ingest::plan::{self, SourceKind};
use orewatch_store::{Manifest, Store};

use crate::data_dir::default_data_dir;

#[derive(clap::Args)]
pub struct Args {
    /// Source files or directories (searched recursively). Default: $OREWATCH_DATA, else
    /// ../shared/data.
    pub paths: Vec<PathBuf>,

    /// Build the store from PATHS alone, forgetting the sources it listed before.
    #[arg(long)]
    pub replace: bool,
}

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    let store = Store::open(store_dir);
    let (manifest, skipped) = ingest_into(&store, &args.paths, args.replace, quiet)?;
    if !quiet {
        print_summary(&store, &manifest, &skipped);
    }
    Ok(())
}

/// Ingests `paths` (the default data directory when empty) into `store`; returns the new
/// manifest and the files that no reader takes (found while walking directories).
pub fn ingest_into(
    store: &Store,
    paths: &[PathBuf],
    replace: bool,
    quiet: bool,
) -> Result<(Manifest, Vec<PathBuf>)> {
    let previous = store
        .manifest()
        .with_context(|| format!("reading the store at {}", store.root().display()))?;
    let paths = if paths.is_empty() {
        vec![default_data_dir()?]
    } else {
        paths.to_vec()
    };

    let mut files: Vec<(PathBuf, SourceKind)> = Vec::new();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut skipped = Vec::new();
    if let (Some(previous), false) = (&previous, replace) {
        for source in &previous.sources {
            let path = PathBuf::from(&source.path);
            if !path.is_file() {
                bail!(
                    "the store lists the source {} ({}), which no longer exists. Restore the file, or rebuild the store from the files you have with `orewatch ingest --replace PATHS…`.",
                    source.path,
                    source.kind
                );
            }
            let Some(kind) = plan::detect(&path)? else {
                bail!(
                    "the store lists the source {} ({}), but no reader recognises the file any more (was it replaced?). Restore it, or rebuild the store from the files you have with `orewatch ingest --replace PATHS…`.",
                    source.path,
                    source.kind
                );
            };
            let path = canonical(&path)?;
            if seen.insert(path.clone()) {
                files.push((path, kind));
            }
        }
    }
    for path in &paths {
        if path.is_dir() {
            let found = plan::discover(path)?;
            for (file, kind) in found.sources {
                let file = canonical(&file)?;
                if seen.insert(file.clone()) {
                    files.push((file, kind));
                }
            }
            skipped.extend(found.others);
        } else if path.is_file() {
            match plan::detect(path)? {
                Some(kind) => {
                    let path = canonical(path)?;
                    if seen.insert(path.clone()) {
                        files.push((path, kind));
                    }
                }
                None => bail!(
                    "{}: no orewatch reader recognises this file. orewatch reads UCDP GED CSV (full 49-column releases, header-less candidate files, the 14-column reduced layout), ACLED CSV exports (current, HDX, one-row-per-actor, pre-2019), the UCDP actor list, USGS Africa mineral GeoJSON layers, the hand-tabulated site and company CSVs, Natural Earth GeoJSON/TopoJSON boundaries, production CSV (long layouts, USGS MCS world tables) and World Bank WGI CSV. Check the header row against these layouts.",
                    path.display()
                ),
            }
        } else {
            bail!(
                "{}: no such file or directory. Pass source files or directories, or set OREWATCH_DATA.",
                path.display()
            );
        }
    }
    if files.is_empty() {
        bail!(
            "no source files found in {}. Pass UCDP GED / ACLED / USGS / Natural Earth / WGI files or a directory holding them.",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        let bar =
            ProgressBar::with_draw_target(Some(files.len() as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} ingest [{pos}/{len}] {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    };
    let mut progress = |p: &Path| {
        bar.set_message(
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        bar.inc(1);
    };
    let (output, events) = plan::ingest_compact(&files, &mut progress)?;
    bar.set_message("writing the store");

    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut sources = output.sources;
    for source in &mut sources {
        let earlier = previous.as_ref().and_then(|m| {
            m.sources
                .iter()
                .find(|s| s.path == source.path && s.sha256 == source.sha256)
        });
        source.ingested_at = Some(
            earlier
                .and_then(|s| s.ingested_at.clone())
                .unwrap_or_else(|| now.clone()),
        );
    }
    let manifest = Manifest {
        orewatch_version: env!("CARGO_PKG_VERSION").to_string(),
        generation: 0,
        written_at: now,
        sources,
        tables: Default::default(),
        dedup_notes: output.dedup_notes,
    };
    store
        .write_with_events(&output.dataset, &events, &manifest)
        .with_context(|| format!("writing the store at {}", store.root().display()))?;
    bar.finish_and_clear();
    let manifest = store.manifest()?.unwrap_or(manifest);
    Ok((manifest, skipped))
}

/// The canonical absolute path: every table and the manifest name a file the same way however
/// it was given (`../shared/data/x.csv` or `/work/shared/data/x.csv`), so the store does not
/// depend on the directory orewatch was run from.
fn canonical(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path).with_context(|| format!("resolving {}", path.display()))
}

fn print_summary(store: &Store, manifest: &Manifest, skipped: &[PathBuf]) {
    println!(
        "store {} — generation {}",
        store.root().display(),
        manifest.generation
    );
    println!(
        "{:<22} {:<50} {:>7} {:>8} {:>7} {:>7} {:>7} {:>9} {:>7} {:>10}",
        "kind",
        "file",
        "read",
        "accepted",
        "flagged",
        "quarant",
        "new",
        "unchanged",
        "updated",
        "superseded"
    );
    for s in &manifest.sources {
        let name = Path::new(&s.path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{:<22} {:<50} {:>7} {:>8} {:>7} {:>7} {:>7} {:>9} {:>7} {:>10}",
            s.kind,
            name,
            s.rows_read,
            s.accepted,
            s.flagged,
            s.quarantined,
            s.new,
            s.unchanged,
            s.updated,
            s.superseded
        );
    }
    println!();
    for (table, entry) in &manifest.tables {
        println!("{table:<12} {:>8} rows", entry.rows);
    }
    if !skipped.is_empty() {
        println!();
        println!("not source files (no reader takes them), skipped:");
        for f in skipped {
            println!("  {}", f.display());
        }
    }
}
