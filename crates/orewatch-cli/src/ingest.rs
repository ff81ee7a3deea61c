//! `orewatch ingest [PATHS…]`: read source files into the store.
//!
//! The store is rebuilt from every source it already lists plus the new ones, so re-ingesting
//! is idempotent and the result does not depend on the order files were ingested in. A listed
//! source that has disappeared is an error (restore it, or start over with `--replace`).
//!
//! No data file is skipped quietly: in a directory, documentation and metadata (`.md`, `.txt`,
//! `.xml`, `.pdf`, `.html`) are listed as such, and every other file is either read or named
//! in an error with what it lacks (the closest layout's missing columns, an archive to unzip,
//! a file damaged by a spreadsheet) — nothing is written then — unless `--skip-unknown` is
//! given, which ingests the rest and lists those files as skipped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use orewatch_core::analysis::coverage::EventCoverage;
use orewatch_core::ingest::pieces::PieceOptions;
use orewatch_core::ingest::plan::{
    self, Detection, IngestOptions, Reading, SourceKind, UnknownFile,
};
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

    /// Ingest the files a reader takes and list the others as skipped, instead of stopping
    /// with an error that names each file no reader takes.
    #[arg(long)]
    pub skip_unknown: bool,

    /// The UCDP GED release (e.g. 24.1, or 25.0.3 for a candidate file) of the GED files in
    /// PATHS whose names carry none (a release in the file name wins). Without it such a file's
    /// release is "unknown" in the manifest, and it is merged as the newest release.
    #[arg(long, value_name = "RELEASE", value_parser = parse_release)]
    pub release: Option<String>,

    /// For event files in PATHS damaged by a spreadsheet re-save (each line one CSV record
    /// followed by `;` pieces): read the records kept whole, quarantine the other lines, and
    /// count both. Without it such a file is an error and nothing is written.
    #[arg(long)]
    pub recover_quoted: bool,

    /// Threads that parse an event file (default: one per core). With 1 each file is read in
    /// one pass on the main thread; with more it is cut into pieces of whole records parsed
    /// side by side and merged in file order (the same tables and quarantine either way).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// A release as UCDP numbers them: `24.1`, `25.0.3` (digits and dots).
fn parse_release(text: &str) -> std::result::Result<String, String> {
    let t = text.trim().trim_start_matches(['v', 'V']);
    let parts: Vec<&str> = t.split('.').collect();
    if (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        Ok(t.to_string())
    } else {
        Err(format!(
            "`{text}` is not a UCDP release: expected numbers such as 24.1 or 25.0.3"
        ))
    }
}

/// What an ingest was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Files and directories; empty: the default data directory.
    pub paths: Vec<PathBuf>,
    pub replace: bool,
    pub skip_unknown: bool,
    pub release: Option<String>,
    pub recover_quoted: bool,
    /// Threads that parse an event file (None: one per core).
    pub threads: Option<u16>,
}

impl From<&Args> for Request {
    fn from(args: &Args) -> Request {
        Request {
            paths: args.paths.clone(),
            replace: args.replace,
            skip_unknown: args.skip_unknown,
            release: args.release.clone(),
            recover_quoted: args.recover_quoted,
            threads: args.threads,
        }
    }
}

/// The files an ingest found but did not read.
#[derive(Debug, Clone, Default)]
pub struct NotRead {
    /// Documentation and metadata files.
    pub documentation: Vec<PathBuf>,
    /// Files no reader takes, skipped at the user's request (`--skip-unknown`).
    pub skipped: Vec<UnknownFile>,
}

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    let store = Store::open(store_dir);
    let (manifest, not_read) = ingest_into(&store, &Request::from(&args), quiet)?;
    if !quiet {
        print_summary(&store, &manifest, &not_read);
    }
    Ok(())
}

/// Ingests the request's paths (the default data directory when none) into `store`; returns
/// the new manifest and the files found but not read. A file no reader takes is an error
/// naming every such file (nothing is written) unless the request skips them.
pub fn ingest_into(store: &Store, request: &Request, quiet: bool) -> Result<(Manifest, NotRead)> {
    let previous = store
        .manifest()
        .with_context(|| format!("reading the store at {}", store.root().display()))?;
    let paths = if request.paths.is_empty() {
        vec![default_data_dir()?]
    } else {
        request.paths.clone()
    };

    let mut files: Vec<(PathBuf, SourceKind)> = Vec::new();
    let mut options = IngestOptions {
        reading: match request.threads {
            Some(1) => Reading::Sequential,
            Some(n) => Reading::Pieces(PieceOptions::with_threads(usize::from(n))),
            None => Reading::default(),
        },
        ..IngestOptions::default()
    };
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut not_read = NotRead::default();
    let mut unknown: Vec<UnknownFile> = Vec::new();
    if let (Some(previous), false) = (&previous, request.replace) {
        for source in &previous.sources {
            let path = PathBuf::from(&source.path);
            if !path.is_file() {
                bail!(
                    "the store lists the source {} ({}), which no longer exists. Restore the file, or rebuild the store from the files you have with `orewatch ingest --replace PATHS…`.",
                    source.path,
                    source.kind
                );
            }
            let recovered = source.recovery.is_some();
            let Detection::Source(kind) = plan::detect_file(&path, recovered)? else {
                bail!(
                    "the store lists the source {} ({}), but no reader recognises the file any more (was it replaced?). Restore it, or rebuild the store from the files you have with `orewatch ingest --replace PATHS…`.",
                    source.path,
                    source.kind
                );
            };
            let path = canonical(&path)?;
            if seen.insert(path.clone()) {
                if source.release_basis == Some(plan::ReleaseBasis::Given) {
                    if let Some(r) = &source.release {
                        options.given_releases.insert(path.clone(), r.clone());
                    }
                }
                if recovered {
                    options.recover_quoted.insert(path.clone());
                }
                files.push((path, kind));
            }
        }
    }
    let mut add_new = |path: &Path, kind: SourceKind| -> Result<()> {
        let path = canonical(path)?;
        if seen.insert(path.clone()) {
            if let Some(r) = &request.release {
                options.given_releases.insert(path.clone(), r.clone());
            }
            if request.recover_quoted {
                options.recover_quoted.insert(path.clone());
            }
            files.push((path, kind));
        }
        Ok(())
    };
    for path in &paths {
        if path.is_dir() {
            let found = plan::discover_with(path, request.recover_quoted)?;
            for (file, kind) in found.sources {
                add_new(&file, kind)?;
            }
            not_read.documentation.extend(found.documentation);
            unknown.extend(found.unknown);
        } else if path.is_file() {
            match plan::detect_file(path, request.recover_quoted)? {
                Detection::Source(kind) => add_new(path, kind)?,
                Detection::Documentation => not_read.documentation.push(path.clone()),
                Detection::Unknown(problem) => unknown.push(UnknownFile {
                    path: path.clone(),
                    problem,
                }),
            }
        } else {
            bail!(
                "{}: no such file or directory. Pass source files or directories, or set OREWATCH_DATA.",
                path.display()
            );
        }
    }
    if !unknown.is_empty() {
        if !request.skip_unknown {
            bail!("{}", unknown_files_error(&unknown));
        }
        not_read.skipped = unknown;
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
    let (output, events) = plan::ingest_compact_with(&files, &options, &mut progress)?;
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
    let event_coverage = EventCoverage::from_sources(&sources);
    let manifest = Manifest {
        orewatch_version: env!("CARGO_PKG_VERSION").to_string(),
        generation: 0,
        written_at: now,
        sources,
        tables: Default::default(),
        dedup_notes: output.dedup_notes,
        event_coverage: Some(event_coverage),
    };
    store
        .write_with_events(&output.dataset, &events, &manifest)
        .with_context(|| format!("writing the store at {}", store.root().display()))?;
    bar.finish_and_clear();
    let manifest = store.manifest()?.unwrap_or(manifest);
    Ok((manifest, not_read))
}

/// The error for files no reader takes: each file with what it lacks, and what to do.
fn unknown_files_error(unknown: &[UnknownFile]) -> String {
    let mut text = format!(
        "{} file(s) are not read by any orewatch reader, so nothing was ingested:",
        unknown.len()
    );
    for u in unknown {
        text.push_str(&format!("\n  {}: {}", u.path.display(), u.problem));
    }
    text.push_str(
        "\norewatch reads UCDP GED CSV (full releases, Download Center exports, header-less candidate files, the 14-column reduced layout), ACLED CSV exports, the UCDP actor list, USGS Africa mineral GeoJSON layers, the hand-tabulated site and company CSVs, Natural Earth GeoJSON/TopoJSON boundaries, production CSV (long layouts, USGS MCS world tables) and World Bank WGI CSV. Fix or move these files, or pass --skip-unknown to ingest the other files and list these as skipped.",
    );
    text
}

/// The canonical absolute path: every table and the manifest name a file the same way however
/// it was given (`../shared/data/x.csv` or `/work/shared/data/x.csv`), so the store does not
/// depend on the directory orewatch was run from.
fn canonical(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path).with_context(|| format!("resolving {}", path.display()))
}

fn print_summary(store: &Store, manifest: &Manifest, not_read: &NotRead) {
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
    for s in manifest.sources.iter().filter(|s| s.recovery.is_some()) {
        println!();
        println!("{}:", s.path);
        for n in s.notes.iter().filter(|n| n.starts_with("recovered")) {
            println!("  {n}");
        }
    }
    if !not_read.documentation.is_empty() {
        println!();
        println!("documentation and metadata (not data, not read):");
        for f in &not_read.documentation {
            println!("  {}", f.display());
        }
    }
    if !not_read.skipped.is_empty() {
        println!();
        println!("files no reader takes, SKIPPED (--skip-unknown): their data is not in the store");
        for u in &not_read.skipped {
            println!("  {}: {}", u.path.display(), u.problem);
        }
    }
}
