//! Ingesting source files into a store: which files are read (the ones the store lists plus
//! the new ones), handing them to `orewatch_core::ingest::plan`'s readers, and writing the
//! tables and the manifest. The one door `orewatch ingest`, `orewatch fetch`, the brief and the
//! Python package's `Store.ingest` share.
//!
//! The store is rebuilt from every source it already lists plus the new ones, so re-ingesting
//! is idempotent and the result does not depend on the order files were ingested in. A listed
//! source that has disappeared is an error (restore it, or start over with `replace`).
//!
//! No data file is skipped quietly: in a directory, documentation and metadata (`.md`, `.txt`,
//! `.xml`, `.pdf`, `.html`) are listed as such, and every other file is either read or named
//! in an error with what it lacks — nothing is written then — unless `skip_unknown` is given,
//! which ingests the rest and lists those files as skipped ([`NotRead`]). Rows a reader rejects
//! are quarantined and counted per source in the manifest (`quarantined`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use orewatch_core::analysis::coverage::EventCoverage;
use orewatch_core::ingest::pieces::PieceOptions;
use orewatch_core::ingest::plan::{
    self, Detection, IngestOptions, Reading, SourceKind, UnknownFile,
};
use orewatch_core::ingest::IngestError;

use crate::{Manifest, Store, StoreError};

/// Where the default data lives when no path is given: `OREWATCH_DATA`, else this directory
/// relative to the current one.
pub const DEFAULT_RELATIVE: &str = "../shared/data";

/// What an ingest was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Files and directories; empty: the default data directory ([`default_data_dir`]).
    pub paths: Vec<PathBuf>,
    /// Build the store from `paths` alone, forgetting the sources it listed before.
    pub replace: bool,
    /// Ingest the files a reader takes and list the others as skipped.
    pub skip_unknown: bool,
    /// The UCDP GED release of GED files whose names carry none.
    pub release: Option<String>,
    /// Read event files damaged by a spreadsheet re-save, quarantining the broken lines.
    pub recover_quoted: bool,
    /// Threads that parse an event file (None: one per core).
    pub threads: Option<u16>,
}

/// The files an ingest found but did not read.
#[derive(Debug, Clone, Default)]
pub struct NotRead {
    /// Documentation and metadata files.
    pub documentation: Vec<PathBuf>,
    /// Files no reader takes, skipped at the user's request (`skip_unknown`).
    pub skipped: Vec<UnknownFile>,
}

/// What an ingest reports as it goes.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// The number of files it is about to read.
    Files(usize),
    /// One file read.
    Read(&'a Path),
    /// The tables are being written.
    Writing,
}

/// Why an ingest wrote nothing. Messages name the file and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum IngestRunError {
    /// A source file could not be read (its path, line, column and value are in the message).
    #[error(transparent)]
    Read(#[from] IngestError),
    #[error("reading the store at {path}")]
    Manifest {
        path: PathBuf,
        #[source]
        source: StoreError,
    },
    #[error("writing the store at {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: StoreError,
    },
    /// The request cannot be carried out as given (a missing file, files no reader takes, …).
    #[error("{0}")]
    Refused(String),
}

/// A release as UCDP numbers them: `24.1`, `25.0.3` (digits and dots; a leading `v` is
/// dropped); an error says what was expected.
pub fn parse_release(text: &str) -> Result<String, String> {
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

/// The default data directory: `OREWATCH_DATA`, else [`DEFAULT_RELATIVE`]; an error names both
/// places looked at and where to get data.
pub fn default_data_dir() -> Result<PathBuf, IngestRunError> {
    if let Some(dir) = std::env::var_os("OREWATCH_DATA") {
        let dir = PathBuf::from(dir);
        if dir.is_dir() {
            return Ok(dir);
        }
        return Err(IngestRunError::Refused(format!(
            "OREWATCH_DATA is set to {} but that is not a directory. Point it at a directory of source files, or unset it to use {DEFAULT_RELATIVE}.",
            dir.display()
        )));
    }
    let dir = PathBuf::from(DEFAULT_RELATIVE);
    if dir.is_dir() {
        return Ok(dir);
    }
    Err(IngestRunError::Refused(format!(
        "no data directory: OREWATCH_DATA is not set and {DEFAULT_RELATIVE} does not exist (looked from {}). \
         Set OREWATCH_DATA to a directory of source files, or pass files to `orewatch ingest`. \
         Event data: download UCDP GED (CSV) from https://ucdp.uu.se/downloads/ (free, CC BY 4.0), or use your ACLED export.",
        std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default()
    )))
}

/// Ingests the request's paths (the default data directory when none) into `store`; returns
/// the new manifest and the files found but not read. A file no reader takes is an error
/// naming every such file (nothing is written) unless the request skips them.
pub fn ingest_into(
    store: &Store,
    request: &Request,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Manifest, NotRead), IngestRunError> {
    let previous = store
        .manifest()
        .map_err(|source| IngestRunError::Manifest {
            path: store.root().to_path_buf(),
            source,
        })?;
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
                return Err(IngestRunError::Refused(format!(
                    "the store lists the source {} ({}), which no longer exists. Restore the file, or rebuild the store from the files you have with `orewatch ingest --replace PATHS…`.",
                    source.path,
                    source.kind
                )));
            }
            let recovered = source.recovery.is_some();
            let Detection::Source(kind) = plan::detect_file(&path, recovered)? else {
                return Err(IngestRunError::Refused(format!(
                    "the store lists the source {} ({}), but no reader recognises the file any more (was it replaced?). Restore it, or rebuild the store from the files you have with `orewatch ingest --replace PATHS…`.",
                    source.path,
                    source.kind
                )));
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
    let mut add_new = |path: &Path, kind: SourceKind| -> Result<(), IngestRunError> {
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
            return Err(IngestRunError::Refused(format!(
                "{}: no such file or directory. Pass source files or directories, or set OREWATCH_DATA.",
                path.display()
            )));
        }
    }
    if !unknown.is_empty() {
        if !request.skip_unknown {
            return Err(IngestRunError::Refused(unknown_files_error(&unknown)));
        }
        not_read.skipped = unknown;
    }
    if files.is_empty() {
        return Err(IngestRunError::Refused(format!(
            "no source files found in {}. Pass UCDP GED / ACLED / USGS / Natural Earth / WGI files or a directory holding them.",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }

    progress(Progress::Files(files.len()));
    let (output, events) =
        plan::ingest_compact_with(&files, &options, &mut |p| progress(Progress::Read(p)))?;
    progress(Progress::Writing);

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
    let write_error = |source| IngestRunError::Write {
        path: store.root().to_path_buf(),
        source,
    };
    store
        .write_with_events(&output.dataset, &events, &manifest)
        .map_err(write_error)?;
    let manifest = store.manifest().map_err(write_error)?.unwrap_or(manifest);
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
fn canonical(path: &Path) -> Result<PathBuf, IngestRunError> {
    std::fs::canonicalize(path)
        .map_err(|e| IngestRunError::Refused(format!("resolving {}: {e}", path.display())))
}
