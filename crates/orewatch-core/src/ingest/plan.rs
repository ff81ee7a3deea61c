//! The ingest plan: which reader takes which file, and how the records of several files become
//! one [`Dataset`] in which each fact is stored once.
//!
//! The store is a function of its sources: `ingest(paths)` reads every file, then
//! - events: one per (source, id). Files are merged in release order (oldest first; the
//!   release from the file name, else the one given in [`IngestOptions`], else unknown, which
//!   counts as newest; ties in the order given), so the newest
//!   release's row wins. A row whose id is already present is `unchanged` when the fields
//!   every GED layout carries (start date, country, violence type, conflict, sides,
//!   coordinates, low/best/high deaths) are equal, `updated` otherwise;
//! - actors: one per UCDP actor id (the later file wins);
//! - production: one per figure, the newest edition winning (`production_dedup`);
//! - governance: one per (ISO3, year) (the later file wins);
//! - sites: USGS facilities with several product rows are one site; a hand-tabulated mine
//!   citing a USGS `FeatureUID` is linked to it (`link`);
//! - regions: one per code (`link::dedup_regions`);
//! - quarantine: every rejected row of every file.
//!
//! Per file it reports rows read, accepted, flagged, quarantined, new, unchanged, updated and
//! superseded, the detected layout, release, time coverage and SHA-256.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::pieces::PieceOptions;
use super::{
    acled, boundaries, ged, layouts, link, production_dedup, production_long, resaved,
    tabulated_sites, ucdp_actors, usgs_mcs, usgs_sites, wgi, IngestError, ReadOutcome,
};
pub use crate::model::source::{Coverage, RecoveryCounts, ReleaseBasis, SourceReport};
use crate::model::{Dataset, EventSource, EventTable, EventView, Region, Site};

/// How many bytes of a file the readers' `sniff` functions see.
const SNIFF_BYTES: usize = 64 * 1024;

/// The kinds of source file orewatch reads, one reader each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    UcdpGed,
    Acled,
    UcdpActors,
    ProductionLong,
    UsgsMcs,
    Wgi,
    UsgsSites,
    TabulatedSites,
    CompanyHomeCountries,
    Boundaries,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::UcdpGed => "ucdp_ged",
            SourceKind::Acled => "acled",
            SourceKind::UcdpActors => "ucdp_actors",
            SourceKind::ProductionLong => "production_long",
            SourceKind::UsgsMcs => "usgs_mcs",
            SourceKind::Wgi => "wgi",
            SourceKind::UsgsSites => "usgs_sites",
            SourceKind::TabulatedSites => "tabulated_sites",
            SourceKind::CompanyHomeCountries => "company_home_countries",
            SourceKind::Boundaries => "boundaries",
        }
    }

    const ALL: [SourceKind; 10] = [
        SourceKind::UcdpGed,
        SourceKind::Acled,
        SourceKind::UcdpActors,
        SourceKind::ProductionLong,
        SourceKind::UsgsMcs,
        SourceKind::Wgi,
        SourceKind::UsgsSites,
        SourceKind::TabulatedSites,
        SourceKind::CompanyHomeCountries,
        SourceKind::Boundaries,
    ];

    fn sniff(self, head: &[u8], name: &str) -> bool {
        match self {
            SourceKind::UcdpGed => ged::sniff(head, name),
            SourceKind::Acled => acled::sniff(head, name),
            SourceKind::UcdpActors => ucdp_actors::sniff(head, name),
            SourceKind::ProductionLong => production_long::sniff(head, name),
            SourceKind::UsgsMcs => usgs_mcs::sniff(head, name),
            SourceKind::Wgi => wgi::sniff(head, name),
            SourceKind::UsgsSites => usgs_sites::sniff(head, name),
            SourceKind::TabulatedSites => tabulated_sites::sniff(head, name),
            SourceKind::CompanyHomeCountries => tabulated_sites::sniff_companies(head, name),
            SourceKind::Boundaries => boundaries::sniff(head, name),
        }
    }
}

/// How event files are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// One pass per file on the calling thread, the file hashed on a second thread: the
    /// reference the pieces are checked against.
    Sequential,
    /// Each file cut into pieces of whole records parsed on several threads and merged in
    /// file order ([`super::pieces`]); a file of at most `one_pass_max_bytes` is read in one
    /// pass on the calling thread instead; consecutive small files (at most two pieces each)
    /// are read side by side, one file per thread, and merged in the same order. The same
    /// outcome as [`Reading::Sequential`].
    Pieces(PieceOptions),
}

impl Default for Reading {
    /// Pieces on every core.
    fn default() -> Reading {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Reading::Pieces(PieceOptions::with_threads(cores))
    }
}

/// Choices of an ingest beyond the files themselves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestOptions {
    /// Sequential or in pieces on several threads (the default: pieces on every core).
    pub reading: Reading,
    /// The release of a GED file whose name carries none, by path (the user's `--release`).
    /// A release in the file name wins.
    pub given_releases: std::collections::BTreeMap<PathBuf, String>,
    /// Event files whose whole records are recovered when a spreadsheet re-save damaged them
    /// (the user's `--recover-quoted`); any other damaged file is refused.
    pub recover_quoted: std::collections::BTreeSet<PathBuf>,
}

/// The result of an ingest: the dataset and what each file contributed.
#[derive(Debug, Clone, Default)]
pub struct IngestOutput {
    pub dataset: Dataset,
    pub sources: Vec<SourceReport>,
    /// Decisions taken where one fact came from several files.
    pub dedup_notes: Vec<String>,
}

/// Which reader takes `path`, or None when none does (documentation, unknown and damaged
/// files: see [`detect_file`] for which).
pub fn detect(path: &Path) -> Result<Option<SourceKind>, IngestError> {
    Ok(match detect_file(path, false)? {
        Detection::Source(kind) => Some(kind),
        Detection::Documentation | Detection::Unknown(_) => None,
    })
}

/// What [`detect_file`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detection {
    /// A reader takes the file.
    Source(SourceKind),
    /// Documentation or metadata (`.md`, `.txt`, `.xml`, `.pdf`, `.html`): not read.
    Documentation,
    /// No reader takes it: what it is, what it lacks and what to do, in words.
    Unknown(String),
}

/// Which reader takes `path`; otherwise whether it is documentation, or what it is and why
/// no reader takes it (the closest layout and the columns it lacks, an archive, a file damaged
/// by a spreadsheet re-save). With `recover_quoted`, a damaged event file counts as the kind
/// of its recovered records (read through [`resaved::recover`] by the ingest).
pub fn detect_file(path: &Path, recover_quoted: bool) -> Result<Detection, IngestError> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    File::open(path)
        .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head))
        .map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(damage) = resaved::diagnose(&head) {
        if !recover_quoted {
            return Ok(Detection::Unknown(format!(
                "line {}: {}. {}",
                damage.line,
                damage.describe(),
                resaved::ADVICE
            )));
        }
        let recovered = resaved::recover(&head).csv;
        return Ok(
            match [SourceKind::UcdpGed, SourceKind::Acled]
                .into_iter()
                .find(|k| k.sniff(&recovered, &name))
            {
                Some(kind) => Detection::Source(kind),
                None => Detection::Unknown(format!(
                    "line {}: {}. Recovery (--recover-quoted) reads UCDP GED and ACLED event files only, and its recovered header is neither",
                    damage.line,
                    damage.describe()
                )),
            },
        );
    }
    if let Some(kind) = detect_head(&head, &name) {
        return Ok(Detection::Source(kind));
    }
    Ok(match layouts::classify(&head, &name) {
        layouts::FileClass::Documentation => Detection::Documentation,
        layouts::FileClass::Unreadable(why) => Detection::Unknown(why),
    })
}

/// Which reader takes a file whose first bytes (up to 64 KiB) are `head` and whose name is
/// `file_name`, or None when none does.
pub fn detect_head(head: &[u8], file_name: &str) -> Option<SourceKind> {
    SourceKind::ALL
        .into_iter()
        .find(|k| k.sniff(head, file_name))
}

/// A file no reader takes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFile {
    pub path: PathBuf,
    /// What it is, what it lacks and what to do.
    pub problem: String,
}

/// The files found below a directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Discovered {
    /// Files a reader takes, with the reader's kind, sorted by path.
    pub sources: Vec<(PathBuf, SourceKind)>,
    /// Documentation and metadata (README, metadata XML, …), sorted by path: not read.
    pub documentation: Vec<PathBuf>,
    /// Data files no reader takes, sorted by path: an error unless the user skips them.
    pub unknown: Vec<UnknownFile>,
}

/// Every file below `dir` (recursively, hidden files and directories skipped), split into the
/// files a reader takes, documentation, and files no reader takes.
///
/// Symbolic links are followed; a directory reached twice (through links) is searched once,
/// and a link back to a directory that contains it (a loop) is an error naming the link.
pub fn discover(dir: &Path) -> Result<Discovered, IngestError> {
    discover_with(dir, false)
}

/// Like [`discover`]; `recover_quoted` as for [`detect_file`].
pub fn discover_with(dir: &Path, recover_quoted: bool) -> Result<Discovered, IngestError> {
    let mut files = Vec::new();
    walk(dir, &mut files, &mut Vec::new(), &mut Default::default())?;
    files.sort();
    let mut found = Discovered::default();
    for f in files {
        match detect_file(&f, recover_quoted)? {
            Detection::Source(kind) => found.sources.push((f, kind)),
            Detection::Documentation => found.documentation.push(f),
            Detection::Unknown(problem) => found.unknown.push(UnknownFile { path: f, problem }),
        }
    }
    Ok(found)
}

/// `ancestors`: the canonical paths of the directories being searched around `dir`;
/// `searched`: every directory searched so far.
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    ancestors: &mut Vec<PathBuf>,
    searched: &mut std::collections::HashSet<PathBuf>,
) -> Result<(), IngestError> {
    let io = |source| IngestError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let canonical = std::fs::canonicalize(dir).map_err(io)?;
    if ancestors.contains(&canonical) {
        return Err(io(std::io::Error::other(format!(
            "a symbolic link loop: this leads back to {}, which contains it. Remove the link, or pass the directories it should reach",
            canonical.display()
        ))));
    }
    if !searched.insert(canonical.clone()) {
        return Ok(());
    }
    ancestors.push(canonical);
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out, ancestors, searched)?;
        } else {
            out.push(path);
        }
    }
    ancestors.pop();
    Ok(())
}

fn sha256_and_size(path: &Path) -> Result<(String, u64), IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Read through `open_source`: a file that changes while it is hashed is an error.
    let mut file = super::open_source(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// Runs `read` while another thread computes the SHA-256 and size of `path` (the second core
/// is otherwise idle while a large file is parsed).
fn read_hashing<T>(
    path: &Path,
    read: impl FnOnce() -> Result<T, IngestError>,
) -> Result<(T, (String, u64)), IngestError> {
    std::thread::scope(|scope| {
        let hashing = scope.spawn(|| sha256_and_size(path));
        let outcome = read();
        let digest = hashing.join().unwrap_or_else(|_| {
            Err(IngestError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other("the thread hashing the file failed"),
            })
        });
        Ok((outcome?, digest?))
    })
}

fn report_of<T>(
    path: &Path,
    kind: SourceKind,
    outcome: &ReadOutcome<T>,
) -> Result<SourceReport, IngestError> {
    Ok(report_with_digest(
        path,
        kind,
        outcome,
        sha256_and_size(path)?,
    ))
}

fn report_with_digest<T>(
    path: &Path,
    kind: SourceKind,
    outcome: &ReadOutcome<T>,
    (sha256, size_bytes): (String, u64),
) -> SourceReport {
    SourceReport {
        path: absolute(path),
        sha256,
        size_bytes,
        kind: kind.as_str().to_string(),
        layout: outcome.layout.clone(),
        release: None,
        rows_read: outcome.rows_read,
        accepted: outcome.records.len() as u64,
        flagged: outcome.flagged,
        quarantined: outcome.quarantined.len() as u64,
        notes: outcome.notes.clone(),
        ..SourceReport::default()
    }
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// Reads `files` (each with the kind [`detect`] gave it) and builds the dataset.
/// `progress` is told the name of each file as its reading starts.
pub fn ingest(
    files: &[(PathBuf, SourceKind)],
    progress: &mut dyn FnMut(&Path),
) -> Result<IngestOutput, IngestError> {
    let (mut out, events) = ingest_compact(files, progress)?;
    out.dataset.events = events.into_events();
    Ok(out)
}

/// Like [`ingest`], but the events are returned in an [`EventTable`] (sorted as
/// [`Dataset::sort`] sorts them; about a fifth of the memory of `Vec<Event>`) and
/// `dataset.events` is left empty. Event files are streamed into the table row by row, so a
/// file's events are never all held as `Event`s.
pub fn ingest_compact(
    files: &[(PathBuf, SourceKind)],
    progress: &mut dyn FnMut(&Path),
) -> Result<(IngestOutput, EventTable), IngestError> {
    ingest_compact_with(files, &IngestOptions::default(), progress)
}

/// Like [`ingest_compact`], with the choices in `options`.
pub fn ingest_compact_with(
    files: &[(PathBuf, SourceKind)],
    options: &IngestOptions,
    progress: &mut dyn FnMut(&Path),
) -> Result<(IngestOutput, EventTable), IngestError> {
    let mut out = IngestOutput::default();
    let mut event_files: Vec<(usize, &Path, SourceKind)> = Vec::new();
    let mut production = Vec::new();
    let mut production_files: Vec<usize> = Vec::new();
    let mut usgs = Vec::new();
    let mut tabulated: Vec<(usize, &Path)> = Vec::new();
    let mut companies = Vec::new();
    let mut regions = Vec::new();

    // Company tables first: the site tables take owners' home countries from them.
    for (path, kind) in files
        .iter()
        .filter(|(_, k)| *k == SourceKind::CompanyHomeCountries)
    {
        progress(path);
        let mut outcome = tabulated_sites::read_company_home_countries_path(path)?;
        let mut report = report_of(path, *kind, &outcome)?;
        report.new = outcome.records.len() as u64;
        out.dataset.quarantine.append(&mut outcome.quarantined);
        companies.append(&mut outcome.records);
        out.sources.push(report);
    }

    for (path, kind) in files {
        let index = out.sources.len();
        if matches!(kind, SourceKind::UcdpGed | SourceKind::Acled) {
            // Read after the loop, oldest release first (`read_events`).
            event_files.push((index, path, *kind));
            out.sources.push(SourceReport::default());
            continue;
        }
        progress(path);
        match kind {
            SourceKind::UcdpGed | SourceKind::Acled => {}
            SourceKind::UcdpActors => {
                let mut outcome = ucdp_actors::read_path(path)?;
                let mut report = report_of(path, *kind, &outcome)?;
                report.release = outcome.records.first().and_then(|a| a.version.clone());
                let mut by_id: HashMap<u32, usize> = out
                    .dataset
                    .actors
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (a.actor_id, i))
                    .collect();
                for actor in outcome.records.drain(..) {
                    match by_id.get(&actor.actor_id) {
                        Some(&i) if out.dataset.actors[i] == actor => report.unchanged += 1,
                        Some(&i) => {
                            report.updated += 1;
                            out.dataset.actors[i] = actor;
                        }
                        None => {
                            report.new += 1;
                            by_id.insert(actor.actor_id, out.dataset.actors.len());
                            out.dataset.actors.push(actor);
                        }
                    }
                }
                out.dataset.quarantine.append(&mut outcome.quarantined);
                out.sources.push(report);
            }
            SourceKind::ProductionLong | SourceKind::UsgsMcs => {
                let mut outcome = if *kind == SourceKind::ProductionLong {
                    production_long::read_path(path)?
                } else {
                    usgs_mcs::read_path(path)?
                };
                let mut report = report_of(path, *kind, &outcome)?;
                report.release = outcome
                    .records
                    .iter()
                    .filter_map(|r| r.edition.clone())
                    .max();
                report.coverage = year_coverage(outcome.records.iter().map(|r| r.year));
                report.countries = distinct(outcome.records.iter().map(|r| r.iso3.as_deref()));
                out.dataset.quarantine.append(&mut outcome.quarantined);
                production_files.push(index);
                production.append(&mut outcome.records);
                out.sources.push(report);
            }
            SourceKind::Wgi => {
                let mut outcome = wgi::read_path(path)?;
                let mut report = report_of(path, *kind, &outcome)?;
                report.coverage = year_coverage(outcome.records.iter().map(|r| r.year));
                report.countries = distinct(outcome.records.iter().map(|r| Some(r.iso3.as_str())));
                let mut by_key: HashMap<(String, i32), usize> = out
                    .dataset
                    .governance
                    .iter()
                    .enumerate()
                    .map(|(i, g)| ((g.iso3.clone(), g.year), i))
                    .collect();
                for record in outcome.records.drain(..) {
                    let key = (record.iso3.clone(), record.year);
                    match by_key.get(&key) {
                        Some(&i) if out.dataset.governance[i] == record => report.unchanged += 1,
                        Some(&i) => {
                            report.updated += 1;
                            out.dataset.governance[i] = record;
                        }
                        None => {
                            report.new += 1;
                            by_key.insert(key, out.dataset.governance.len());
                            out.dataset.governance.push(record);
                        }
                    }
                }
                out.dataset.quarantine.append(&mut outcome.quarantined);
                out.sources.push(report);
            }
            SourceKind::UsgsSites => {
                let mut outcome = usgs_sites::read_path(path)?;
                let mut report = report_of(path, *kind, &outcome)?;
                report.countries =
                    distinct(outcome.records.iter().map(|s| s.country_iso3.as_deref()));
                out.dataset.quarantine.append(&mut outcome.quarantined);
                usgs.push((index, outcome.records));
                out.sources.push(report);
            }
            SourceKind::TabulatedSites => {
                // Read after the loop, once every company table is known.
                tabulated.push((index, path));
                out.sources.push(SourceReport::default());
            }
            SourceKind::CompanyHomeCountries => {
                // Read before the loop.
                continue;
            }
            SourceKind::Boundaries => {
                let mut outcome = boundaries::read_path(path)?;
                let mut report = report_of(path, *kind, &outcome)?;
                report.countries =
                    distinct(outcome.records.iter().map(|r| r.country_iso3.as_deref()));
                out.dataset.quarantine.append(&mut outcome.quarantined);
                regions.push((index, outcome.records));
                out.sources.push(report);
            }
        }
    }
    let mut tabulated_sites = Vec::new();
    for (index, path) in tabulated {
        let file = super::open_source(path)?;
        let mut outcome =
            tabulated_sites::read_with_companies(file, &path.to_string_lossy(), &companies)?;
        let mut report = report_of(path, SourceKind::TabulatedSites, &outcome)?;
        report.countries = distinct(outcome.records.iter().map(|s| s.country_iso3.as_deref()));
        report.notes.push(format!(
            "owners' home countries from {} company table row(s)",
            companies.len()
        ));
        out.dataset.quarantine.append(&mut outcome.quarantined);
        out.sources[index] = report;
        tabulated_sites.push((index, outcome.records));
    }

    merge_sites(&mut out, usgs, tabulated_sites);
    merge_regions(&mut out, regions);
    let mut events = read_events(&mut out, event_files, options, progress)?;
    merge_production(&mut out, production, &production_files);
    out.dataset.sort();
    events.sort();
    Ok((out, events))
}

/// A release string as numbers for ordering (`"23.1"` -> [23, 1]); None sorts last (newest).
fn release_order(release: &Option<String>) -> (u8, Vec<u32>) {
    match release {
        Some(r) => (0, r.split('.').filter_map(|p| p.parse().ok()).collect()),
        None => (1, Vec::new()),
    }
}

/// True when two records of the same event agree on every field all GED layouts carry.
fn same_event(a: &EventView<'_>, b: &EventView<'_>) -> bool {
    a.date_start == b.date_start
        && a.country == b.country
        && a.violence_type == b.violence_type
        && a.conflict_name == b.conflict_name
        && a.side_a == b.side_a
        && a.side_b == b.side_b
        && a.lat == b.lat
        && a.lon == b.lon
        && a.fatalities_low == b.fatalities_low
        && a.fatalities_best == b.fatalities_best
        && a.fatalities_high == b.fatalities_high
}

/// The release of an event file as known before reading it (GED: from the file name, else
/// the one given; ACLED: none), for the merge order, and where it came from. Equal to the
/// release its events carry.
fn file_release(
    path: &Path,
    kind: SourceKind,
    options: &IngestOptions,
) -> (Option<String>, Option<ReleaseBasis>) {
    if kind != SourceKind::UcdpGed {
        return (None, None);
    }
    if let Some(r) = ged::release_from_file_name(&path.to_string_lossy()) {
        return (Some(r), Some(ReleaseBasis::FileName));
    }
    match options.given_releases.get(path) {
        Some(r) => (Some(r.clone()), Some(ReleaseBasis::Given)),
        None => (None, Some(ReleaseBasis::Unknown)),
    }
}

/// What the events of one file add up to, gathered as they stream past.
#[derive(Default)]
struct EventFileStats {
    accepted: u64,
    new: u64,
    unchanged: u64,
    updated: u64,
    /// The first event's release.
    release: Option<Option<String>>,
    first: Option<chrono::NaiveDate>,
    last: Option<chrono::NaiveDate>,
    countries: std::collections::HashSet<String, ahash::RandomState>,
    last_country: Option<String>,
    /// UCDP regions (GED `region`) of the events, for the file's scope.
    regions: std::collections::BTreeSet<String>,
}

impl EventFileStats {
    fn count(&mut self, e: &EventView<'_>) {
        self.accepted += 1;
        self.release
            .get_or_insert_with(|| e.release.map(str::to_string));
        let end = e.date_end.unwrap_or(e.date_start).max(e.date_start);
        self.first = Some(self.first.map_or(e.date_start, |d| d.min(e.date_start)));
        self.last = Some(self.last.map_or(end, |d| d.max(end)));
        if e.source == EventSource::UcdpGed {
            if let Some(r) = e.extra.get("region") {
                if !self.regions.contains(r) {
                    self.regions.insert(r.to_string());
                }
            }
        }
        // Events come in runs of one country: compare with the last before hashing.
        if self.last_country.as_deref() != Some(e.country) {
            if !self.countries.contains(e.country) {
                self.countries.insert(e.country.to_string());
            }
            self.last_country = Some(e.country.to_string());
        }
    }
}

/// Reads the event files into one table, one event per (source, id). Files are merged oldest
/// release first (the sort is stable, so equal releases keep the order given); a file's
/// event replaces an earlier file's event with the same id (`unchanged` when the fields every
/// GED layout carries are equal, `updated` otherwise). Fills each file's report.
///
/// Read in pieces, a large file is cut into pieces parsed on every core, a file of at most
/// [`PieceOptions::one_pass_max_bytes`] is read in one pass on this thread; a run of two or more
/// small files (at most two pieces each) is read file by file side by side, each file whole on
/// one worker, and merged in the same order — the same table and reports either way.
fn read_events(
    out: &mut IngestOutput,
    mut files: Vec<(usize, &Path, SourceKind)>,
    options: &IngestOptions,
    progress: &mut dyn FnMut(&Path),
) -> Result<EventTable, IngestError> {
    files.sort_by_key(|(_, path, kind)| release_order(&file_release(path, *kind, options).0));
    let mut merge = EventMerge::default();
    let small = |path: &Path| match options.reading {
        Reading::Pieces(p) if !options.recover_quoted.contains(path) => std::fs::metadata(path)
            .is_ok_and(|m| m.is_file() && m.len() <= 2 * p.piece_bytes as u64),
        _ => false,
    };
    let mut i = 0;
    while i < files.len() {
        let run = files[i..].iter().take_while(|f| small(f.1)).count();
        if let (Reading::Pieces(p), 2..) = (options.reading, run) {
            let whole_file = PieceOptions { threads: 1, ..p };
            super::pieces::map_in_order(
                files[i..i + run].to_vec(),
                p.threads,
                |(slot, path, kind)| {
                    let release = file_release(path, kind, options).0;
                    let read = read_whole(path, kind, release.as_deref(), whole_file);
                    (slot, path, kind, read)
                },
                |(slot, path, kind, read)| {
                    let (table, outcome, digest) = read?;
                    progress(path);
                    merge.start_file();
                    let rows: Vec<usize> = (0..table.len()).collect();
                    merge.add_batch(&table, &rows);
                    let digest = (digest.sha256, digest.size_bytes);
                    file_report(
                        out, &mut merge, slot, path, kind, options, outcome, digest, None,
                    );
                    Ok(())
                },
            )?;
            i += run;
            continue;
        }
        let (slot, path, kind) = files[i];
        i += 1;
        read_event_file(out, &mut merge, slot, path, kind, options, progress)?;
    }
    Ok(merge.table)
}

/// The accepted events of one event file (read in pieces on one worker), its outcome and
/// digest.
fn read_whole(
    path: &Path,
    kind: SourceKind,
    release: Option<&str>,
    options: PieceOptions,
) -> Result<
    (
        EventTable,
        ReadOutcome<crate::model::Event>,
        super::pieces::FileDigest,
    ),
    IngestError,
> {
    let name = path.to_string_lossy();
    let input = super::open_source(path)?;
    let mut table = EventTable::new();
    let mut add = |batch: &EventTable, rows: &[usize]| table.append_rows(batch, rows);
    let (outcome, digest) = if kind == SourceKind::UcdpGed {
        ged::read_batches_with_release(input, &name, release, options, &mut add)?
    } else {
        acled::read_batches(input, &name, options, &mut add)?
    };
    Ok((table, outcome, digest))
}

/// Reads one event file into `merge` (in pieces or in one pass, as `options` say) and fills
/// its report.
fn read_event_file(
    out: &mut IngestOutput,
    merge: &mut EventMerge,
    slot: usize,
    path: &Path,
    kind: SourceKind,
    options: &IngestOptions,
    progress: &mut dyn FnMut(&Path),
) -> Result<(), IngestError> {
    progress(path);
    merge.start_file();
    let name = path.to_string_lossy();
    let release = file_release(path, kind, options).0;
    let mut recovery = None;
    let pieces = match options.reading {
        Reading::Pieces(p) if !options.recover_quoted.contains(path) => {
            // A small file in one pass on this thread, a large one on every core.
            let size = std::fs::metadata(path).map_or(u64::MAX, |m| m.len());
            Some(p.for_file(size))
        }
        _ => None,
    };
    let (outcome, digest) = match pieces {
        Some(pieces) => {
            let input = super::open_source(path)?;
            let mut add_batch = |batch: &EventTable, rows: &[usize]| merge.add_batch(batch, rows);
            let (outcome, digest) = if kind == SourceKind::UcdpGed {
                ged::read_batches_with_release(
                    input,
                    &name,
                    release.as_deref(),
                    pieces,
                    &mut add_batch,
                )?
            } else {
                acled::read_batches(input, &name, pieces, &mut add_batch)?
            };
            (outcome, (digest.sha256, digest.size_bytes))
        }
        _ => read_hashing(path, || {
            let mut add = |event: &EventView<'_>| merge.add(event);
            let recovered = if options.recover_quoted.contains(path) {
                recover_damaged(path)?
            } else {
                None
            };
            let mut outcome = match (&recovered, kind) {
                (Some(r), SourceKind::UcdpGed) => ged::read_each_with_release(
                    r.csv.as_slice(),
                    &name,
                    release.as_deref(),
                    &mut add,
                )?,
                (None, SourceKind::UcdpGed) => {
                    let input = super::open_source(path)?;
                    ged::read_each_with_release(input, &name, release.as_deref(), &mut add)?
                }
                (r, _) => {
                    let mut outcome = match r {
                        Some(r) => acled::read(r.csv.as_slice(), &name)?,
                        None => acled::read_path(path)?,
                    };
                    for event in outcome.records.drain(..) {
                        add(&event.view());
                    }
                    outcome
                }
            };
            if let Some(r) = recovered {
                quarantine_unrecoverable(&mut outcome, &r, &name);
                recovery = Some(RecoveryCounts {
                    recovered: r.recovered,
                    unrecoverable: r.unrecoverable.len() as u64,
                    separator_only: r.separator_only,
                });
            }
            Ok(outcome)
        })?,
    };
    file_report(
        out, merge, slot, path, kind, options, outcome, digest, recovery,
    );
    Ok(())
}

/// Fills the report of an event file just merged (the statistics gathered in `merge`) and
/// keeps its quarantine.
#[allow(clippy::too_many_arguments)]
fn file_report(
    out: &mut IngestOutput,
    merge: &mut EventMerge,
    slot: usize,
    path: &Path,
    kind: SourceKind,
    options: &IngestOptions,
    mut outcome: ReadOutcome<crate::model::Event>,
    digest: (String, u64),
    recovery: Option<RecoveryCounts>,
) {
    let (release, release_basis) = file_release(path, kind, options);
    let stats = std::mem::take(&mut merge.stats);
    let mut report = report_with_digest(path, kind, &outcome, digest);
    report.accepted = stats.accepted;
    report.new = stats.new;
    report.unchanged = stats.unchanged;
    report.updated = stats.updated;
    report.release = stats.release.flatten().or(release);
    report.release_basis = release_basis;
    report.recovery = recovery;
    report.coverage = match (stats.first, stats.last) {
        (Some(start), Some(end)) => Some(Coverage {
            start: start.to_string(),
            end: end.to_string(),
        }),
        _ => None,
    };
    report.countries = stats.countries.into_iter().collect();
    report.countries.sort_unstable();
    let regions: Vec<String> = stats.regions.into_iter().collect();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    report.scope = Some(crate::model::source::file_scope(&file_name, &regions));
    out.sources[slot] = report;
    out.dataset.quarantine.append(&mut outcome.quarantined);
}

/// The events of every file read so far, one per (source, id), and the current file's
/// statistics.
#[derive(Default)]
struct EventMerge {
    table: EventTable,
    /// (source, id) -> row; built only when a file adds to a non-empty table.
    index: HashMap<(EventSource, String), usize, ahash::RandomState>,
    /// The current file is the first with events: every record is new (readers quarantine
    /// ids repeated within a file), so its events are appended without an index.
    fresh: bool,
    stats: EventFileStats,
}

impl EventMerge {
    fn start_file(&mut self) {
        self.fresh = self.table.is_empty();
        if !self.fresh && self.index.is_empty() {
            self.index.reserve(self.table.len());
            for (i, e) in self.table.iter().enumerate() {
                self.index.insert((e.source, e.event_id.to_string()), i);
            }
        }
        self.stats = EventFileStats::default();
    }

    /// Rows `rows` of `batch`, as [`EventMerge::add`] of each (the first file's are appended
    /// in one go).
    fn add_batch(&mut self, batch: &EventTable, rows: &[usize]) {
        if !self.fresh {
            for event in rows.iter().filter_map(|&row| batch.view(row)) {
                self.add(&event);
            }
            return;
        }
        for event in rows.iter().filter_map(|&row| batch.view(row)) {
            self.stats.count(&event);
        }
        self.stats.new += rows.len() as u64;
        self.table.append_rows(batch, rows);
    }

    /// A file's event replaces an earlier file's event with the same id (`unchanged` when the
    /// fields every GED layout carries are equal, `updated` otherwise).
    fn add(&mut self, event: &EventView<'_>) {
        self.stats.count(event);
        if self.fresh {
            self.stats.new += 1;
            self.table.push(event);
            return;
        }
        let key = (event.source, event.event_id.to_string());
        match self.index.get(&key) {
            Some(&i) => {
                match self.table.view(i) {
                    Some(old) if same_event(&old, event) => self.stats.unchanged += 1,
                    _ => self.stats.updated += 1,
                }
                self.table.set(i, event);
            }
            None => {
                self.stats.new += 1;
                self.index.insert(key, self.table.push(event));
            }
        }
    }
}

/// The recovered records of `path` when a spreadsheet re-save damaged it; None when it is
/// sound (it is then read as it is).
fn recover_damaged(path: &Path) -> Result<Option<resaved::Recovery>, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    Ok(resaved::diagnose(head).map(|_| resaved::recover(&bytes)))
}

/// Every line a recovery could not read becomes a quarantine record (and a row read), and a
/// note sums the recovery up.
fn quarantine_unrecoverable<T>(
    outcome: &mut ReadOutcome<T>,
    recovery: &resaved::Recovery,
    file: &str,
) {
    for lost in &recovery.unrecoverable {
        outcome.quarantined.push(crate::model::QuarantineRecord {
            file: file.to_string(),
            line: lost.line,
            column: None,
            value: String::new(),
            reason: recovery.reason(lost.fields),
            raw: lost.raw.clone(),
        });
    }
    outcome.quarantined.sort_by_key(|q| q.line);
    outcome.rows_read += recovery.unrecoverable.len() as u64;
    outcome.notes.push(recovery.note());
}

fn merge_production(
    out: &mut IngestOutput,
    records: Vec<crate::model::ProductionRecord>,
    files: &[usize],
) {
    if records.is_empty() {
        return;
    }
    let (kept, report) = production_dedup::dedup_production(records);
    for &i in files {
        let source = &mut out.sources[i];
        let file_name = Path::new(&source.path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let key = report
            .kept_per_file
            .keys()
            .chain(report.removed_per_file.keys())
            .find(|k| k.ends_with(&file_name) || source.path.ends_with(k.as_str()))
            .cloned();
        if let Some(k) = key {
            source.new = report.kept_per_file.get(&k).copied().unwrap_or(0) as u64;
            source.superseded = report.removed_per_file.get(&k).copied().unwrap_or(0) as u64;
        }
    }
    out.dedup_notes.push(format!(
        "production: {} figures read, {} kept (one per country, year, commodity, stage and unit; newest edition wins), {} duplicates not stored, {} of which differ from the kept value (revisions between editions: {}; disagreements within one edition: {})",
        report.records_in,
        report.kept,
        report.removed(),
        report.conflicts.len(),
        report.conflicts.iter().filter(|c| !c.same_edition).count(),
        report.same_edition_conflicts().count(),
    ));
    out.dataset.production = kept;
}

/// Links hand-tabulated sites to the USGS records they cite; one site per (kind, id).
fn merge_sites(
    out: &mut IngestOutput,
    usgs: Vec<(usize, Vec<Site>)>,
    tabulated: Vec<(usize, Vec<Site>)>,
) {
    if usgs.is_empty() && tabulated.is_empty() {
        return;
    }
    let mut all_usgs = Vec::new();
    for (index, sites) in usgs {
        out.sources[index].new = sites.len() as u64;
        all_usgs.extend(sites);
    }
    let mut all_tabulated = Vec::new();
    for (index, sites) in tabulated {
        out.sources[index].new = sites.len() as u64;
        all_tabulated.extend(sites);
    }
    let linked = link::link_sites(all_usgs, all_tabulated);
    for pair in &linked.report.linked {
        out.dedup_notes.push(format!(
            "sites: {} is USGS {} {} (linked: ownership and status from the hand table, products from USGS{})",
            pair.site_id,
            pair.usgs_dataset,
            pair.usgs_feature_uid,
            pair.distance_km
                .map(|d| format!("; the two points are {d:.1} km apart"))
                .unwrap_or_default()
        ));
    }
    if !linked.report.unlinked_tabulated.is_empty() {
        out.dedup_notes.push(format!(
            "sites: not linked to any USGS record: {}",
            linked.report.unlinked_tabulated.join(", ")
        ));
    }
    out.dedup_notes
        .extend(linked.report.notes.iter().map(|n| format!("sites: {n}")));
    out.dataset.sites = linked.sites;
}

/// One region per code, the more detailed geometry winning.
fn merge_regions(out: &mut IngestOutput, regions: Vec<(usize, Vec<Region>)>) {
    if regions.is_empty() {
        return;
    }
    let mut all = Vec::new();
    let mut files: Vec<(usize, String, u64)> = Vec::new();
    for (index, r) in regions {
        // Every region of a file names that file as its source.
        let file = r.first().map(|x| x.source.clone()).unwrap_or_default();
        files.push((index, file, r.len() as u64));
        all.extend(r);
    }
    let before = all.len();
    let (kept, notes) = boundaries::dedup_regions(all);
    // A region in two files is stored once, from the file whose geometry won.
    for (index, file, read) in files {
        let stored = kept.iter().filter(|r| r.source == file).count() as u64;
        out.sources[index].new = stored;
        out.sources[index].superseded = read.saturating_sub(stored);
    }
    out.dedup_notes.push(format!(
        "regions: {before} read, {} stored (one per code; the geometry with more vertices wins)",
        kept.len()
    ));
    out.dedup_notes
        .extend(notes.into_iter().map(|n| format!("regions: {n}")));
    out.dataset.regions = kept;
}

fn year_coverage(years: impl Iterator<Item = i32>) -> Option<Coverage> {
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for y in years {
        lo = lo.min(y);
        hi = hi.max(y);
    }
    (lo <= hi).then(|| Coverage {
        start: lo.to_string(),
        end: hi.to_string(),
    })
}

fn distinct<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Vec<String> {
    let set: std::collections::BTreeSet<&str> = values.flatten().collect();
    set.into_iter().map(str::to_string).collect()
}
