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

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use orewatch_store::ingest::{self, Progress};
pub use orewatch_store::ingest::{NotRead, Request};
use orewatch_store::{Manifest, Store};

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
    #[arg(long, value_name = "RELEASE", value_parser = ingest::parse_release)]
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

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    let store = Store::open(store_dir);
    let (manifest, not_read) = ingest_into(&store, &Request::from(&args), quiet)?;
    if !quiet {
        print_summary(&store, &manifest, &not_read);
    }
    Ok(())
}

/// Ingests the request's paths (the default data directory when none) into `store`
/// (`orewatch_store::ingest`), with a progress bar on stderr unless `quiet`.
pub fn ingest_into(store: &Store, request: &Request, quiet: bool) -> Result<(Manifest, NotRead)> {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} ingest [{pos}/{len}] {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    };
    let mut progress = |p: Progress| match p {
        Progress::Files(n) => {
            bar.set_length(n as u64);
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        Progress::Read(path) => {
            bar.set_message(
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            bar.inc(1);
        }
        Progress::Writing => bar.set_message("writing the store"),
    };
    let done = ingest::ingest_into(store, request, &mut progress);
    bar.finish_and_clear();
    Ok(done?)
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
