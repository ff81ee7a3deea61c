//! Reader for the UCDP Georeferenced Event Dataset (GED): CSV files of dated, located events
//! of organised violence, turned into [`Event`]s with source [`EventSource::UcdpGed`].
//!
//! # Layouts (detected from the header by column names, never from the file name)
//! - **Reduced (14 columns)**: `id,year,month,day,country,type_of_violence,conflict_name,
//!   side_a,side_b,latitude,longitude,low_death,best_death,high_death`, the layout of the files
//!   shipped in `data/conflict/`. One date only: `date_start` = year-month-day and
//!   `date_end = None`. `type_of_violence` is spelled out (`State-based violence`, …).
//!   Required: every column but `conflict_name`, `low_death` and `high_death`.
//! - **Full release** (49 columns in 23.1, fewer in 25.1): quoted fields with embedded
//!   newlines, dates as `YYYY-MM-DD HH:MM:SS.000` (a bare `YYYY-MM-DD` is accepted too),
//!   empty = missing, `type_of_violence` as the code 1/2/3. Required: `id`, `date_start`,
//!   `date_end`, `country`, `type_of_violence`, `side_a`, `side_b`, `latitude`, `longitude`,
//!   `best`; `low`, `high`, `where_prec`, `date_prec`, `adm_1`, `adm_2` and `conflict_name` are
//!   used when present. An empty `date_end` is `None`.
//! - **UCDP Download Center export** (47 columns in 24.1): the full release's columns, but the
//!   death estimates are `best_est`/`high_est`/`low_est`, dates are `MM/DD/YYYY HH:MM:SS`,
//!   `active_year` is `True`/`False`, and every data row ends with a trailing comma (48
//!   fields against 47 names). Required: as for the full release with `best_est` for `best`.
//! - **Candidate, no header**: UCDP's monthly candidate files in some releases have no header
//!   row. Taken when the first record has 49 fields and its first field is a numeric id; read
//!   with the 23.1 column order ([`GED_23_1_COLUMNS`]), and the first record is data.
//! - Anything else is [`IngestError::UnknownLayout`], naming the header seen and the columns
//!   expected.
//!
//! Either violence-type spelling (code or words) is accepted in every layout.
//!
//! # Units and mapping
//! Latitude/longitude WGS84 degrees; fatalities are counts of people (`low`/`best`/`high`, or
//! `low_death`/`best_death`/`high_death`). `where_prec` → `location_precision`, `date_prec` →
//! `date_precision`, `adm_1`/`adm_2` → `admin1`/`admin2`; `civilian_targeting` is true for
//! one-sided violence. Every column without a typed home (e.g. `relid`, `source_headline`,
//! `geom_wkt`, `active_year`) goes verbatim into `extra` (missing values omitted). The
//! release (`"21.1"`) comes from the file name (`ucdp_ged_v21_1_…`, `GEDEvent_v24_1.csv`,
//! `ged231.csv`; a candidate `GEDEvent_v25_0_1.csv` gives `25.0.1`), else from the caller
//! (the user's `--release`, [`read_each_with_release`]), else it is unknown (None, and a note
//! says so).
//!
//! # Validation
//! Quarantined (with the reason): empty id, a second row with an id already seen in the file,
//! an invalid date, latitude outside [-90, 90] or longitude outside [-180, 180], fatalities
//! that are not non-negative whole numbers, an unknown violence type, an empty `country` or
//! `side_a`, a non-integer precision code, an `active_year` other than `True`/`False`/`1`/`0`,
//! a wrong number of fields, text that is not UTF-8. One field more than the header names is
//! accepted when it is empty (a trailing comma); a value in it is a wrong number of fields.
//! Kept but flagged: `low ≤ best ≤ high` violated ([`EventFlag::FatalityOrder`]), coordinates
//! exactly (0, 0) ([`EventFlag::NullIsland`]), `date_end < date_start`
//! ([`EventFlag::DateOrder`]).
//!
//! # What it does not do
//! No deduplication across files or releases, no linking of `side_a`/`side_b` to the actor
//! list, no filtering by precision or region: those belong to the ingest plan and analyses.

use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use csv::StringRecord;

use super::{IngestError, ReadOutcome};
use crate::model::{
    Event, EventFlag, EventSource, EventTable, EventView, ExtraView, QuarantineRecord, ViolenceType,
};

use super::csv_rows::{self, CsvRows, Header, NotUtf8Row, TextRecord};
use super::pieces::{FileDigest, Piece, PieceOptions};
use super::text::parse_coordinate;

/// The column order of the full GED 23.1 release, used for header-less candidate files.
pub const GED_23_1_COLUMNS: [&str; 49] = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
];

/// Columns the reduced layout must have.
const REDUCED_REQUIRED: [&str; 11] = [
    "id",
    "year",
    "month",
    "day",
    "country",
    "type_of_violence",
    "side_a",
    "side_b",
    "latitude",
    "longitude",
    "best_death",
];

/// Columns a full-release layout must have.
const FULL_REQUIRED: [&str; 10] = [
    "id",
    "date_start",
    "date_end",
    "country",
    "type_of_violence",
    "side_a",
    "side_b",
    "latitude",
    "longitude",
    "best",
];

/// Columns a UCDP Download Center export must have: the full release's, with the death
/// estimates named `best_est`/`high_est`/`low_est`.
const DOWNLOAD_REQUIRED: [&str; 10] = [
    "id",
    "date_start",
    "date_end",
    "country",
    "type_of_violence",
    "side_a",
    "side_b",
    "latitude",
    "longitude",
    "best_est",
];

/// The layouts this reader takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Reduced,
    Full,
    Download,
    Candidate,
}

/// What a date looks like in the layouts with `date_start`/`date_end`.
const DATE_EXPECTED: &str =
    "a date as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS.000 (full release), or MM/DD/YYYY HH:MM:SS (Download Center export)";

/// Where the date is: year/month/day (reduced layout) or date_start/date_end (full layouts).
#[derive(Debug, Clone, Copy)]
enum DateColumns {
    YearMonthDay(usize, usize, usize),
    StartEnd(usize, usize),
}

/// Where each typed field is in a row of the detected layout.
struct Columns {
    id: usize,
    country: usize,
    type_of_violence: usize,
    side_a: usize,
    side_b: usize,
    latitude: usize,
    longitude: usize,
    best: usize,
    low: Option<usize>,
    high: Option<usize>,
    conflict_name: Option<usize>,
    dates: DateColumns,
    where_prec: Option<usize>,
    date_prec: Option<usize>,
    adm_1: Option<usize>,
    adm_2: Option<usize>,
    /// Checked (`True`/`False`/`1`/`0`) but kept verbatim in `extra`.
    active_year: Option<usize>,
    /// The columns without a typed home (copied into `extra`), sorted by name (stable).
    extra_order: Vec<usize>,
}

impl Columns {
    fn new(header: &Header, layout: Layout) -> Option<Columns> {
        let mut typed = vec![false; header.len()];
        let mut take = |name: &str| {
            let i = header.position(name);
            if let Some(i) = i {
                typed[i] = true;
            }
            i
        };
        let (best, low, high, dates, where_prec, date_prec, adm_1, adm_2);
        match layout {
            Layout::Reduced => {
                best = take("best_death")?;
                low = take("low_death");
                high = take("high_death");
                dates = DateColumns::YearMonthDay(take("year")?, take("month")?, take("day")?);
                (where_prec, date_prec, adm_1, adm_2) = (None, None, None, None);
            }
            Layout::Full | Layout::Candidate | Layout::Download => {
                let [b, l, h] = if layout == Layout::Download {
                    ["best_est", "low_est", "high_est"]
                } else {
                    ["best", "low", "high"]
                };
                best = take(b)?;
                low = take(l);
                high = take(h);
                dates = DateColumns::StartEnd(take("date_start")?, take("date_end")?);
                where_prec = take("where_prec");
                date_prec = take("date_prec");
                adm_1 = take("adm_1");
                adm_2 = take("adm_2");
            }
        }
        let id = take("id")?;
        let country = take("country")?;
        let type_of_violence = take("type_of_violence")?;
        let side_a = take("side_a")?;
        let side_b = take("side_b")?;
        let latitude = take("latitude")?;
        let longitude = take("longitude")?;
        let conflict_name = take("conflict_name");
        let active_year = header.position("active_year");
        let mut extra_order: Vec<usize> = (0..header.len()).filter(|&i| !typed[i]).collect();
        extra_order.sort_by_key(|&i| header.name(i));
        Some(Columns {
            id,
            country,
            type_of_violence,
            side_a,
            side_b,
            latitude,
            longitude,
            best,
            low,
            high,
            conflict_name,
            dates,
            where_prec,
            date_prec,
            adm_1,
            adm_2,
            active_year,
            extra_order,
        })
    }
}

/// Says whether `head` (up to the first 64 KiB of a file) is a GED file this reader takes: a
/// header with the reduced, full-release or Download Center columns, or a header-less first
/// record of 49 fields whose first field is a numeric id. A file damaged by a spreadsheet
/// re-save ([`super::resaved`]) is not taken. The file name is not used.
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    let Some(first) = csv_rows::first_record(head) else {
        return false;
    };
    if super::resaved::diagnose(head).is_some() {
        return false;
    }
    let header = Header::new(first.clone());
    header.missing(&REDUCED_REQUIRED).is_empty()
        || header.missing(&FULL_REQUIRED).is_empty()
        || header.missing(&DOWNLOAD_REQUIRED).is_empty()
        || looks_like_candidate_row(&first)
}

fn looks_like_candidate_row(fields: &[String]) -> bool {
    fields.len() == GED_23_1_COLUMNS.len()
        && fields
            .first()
            .is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads a GED file from disk. See the module docs for layouts and validation.
pub fn read_path(path: &Path) -> Result<ReadOutcome<Event>, IngestError> {
    let file = csv_rows::open(path)?;
    read(file, &path.to_string_lossy())
}

/// Reads GED rows from `input`; `file` names the file in quarantine records and errors, and
/// its name gives the release.
pub fn read<R: Read>(input: R, file: &str) -> Result<ReadOutcome<Event>, IngestError> {
    read_with_release(input, file, None)
}

/// Like [`read`]; `release_given` is the release when the file name carries none (the user's
/// `--release`).
pub fn read_with_release<R: Read>(
    input: R,
    file: &str,
    release_given: Option<&str>,
) -> Result<ReadOutcome<Event>, IngestError> {
    let mut events = Vec::new();
    let mut out = read_each_with_release(input, file, release_given, &mut |e| {
        events.push(e.to_event())
    })?;
    out.records = events;
    Ok(out)
}

/// Like [`read`], but hands each accepted event to `each` as soon as it is read instead of
/// keeping it: the returned outcome's `records` is empty (everything else is as for `read`).
/// For the ingest of large files, which stores events more compactly than a `Vec<Event>`.
pub fn read_each<R: Read>(
    input: R,
    file: &str,
    each: &mut dyn FnMut(&EventView<'_>),
) -> Result<ReadOutcome<Event>, IngestError> {
    read_each_with_release(input, file, None, each)
}

/// Like [`read_each`]; `release_given` is the release when the file name carries none (the
/// user's `--release`). The file name's release wins over a given one (a note says so when
/// they differ); with neither the release is unknown, and a note says that too.
pub fn read_each_with_release<R: Read>(
    input: R,
    file: &str,
    release_given: Option<&str>,
    each: &mut dyn FnMut(&EventView<'_>),
) -> Result<ReadOutcome<Event>, IngestError> {
    // A file damaged by a spreadsheet re-save is refused before any row is read.
    let mut input = std::io::BufReader::with_capacity(64 * 1024, input);
    let head = input.fill_buf().map_err(|source| IngestError::Io {
        path: file.into(),
        source,
    })?;
    refuse_damaged(head, file)?;
    let mut rows = CsvRows::new(input, file);
    let Some(first) = rows.next_row()? else {
        return Err(empty_file(file));
    };
    let first_fields = match &first {
        Ok(row) => row.fields.clone(),
        Err(bad) => bad.fields_lossy.clone(),
    };
    let start = Start::new(first_fields, file, release_given)?;
    let mut out = start.outcome();
    let mut reader = RowReader {
        parser: start.parser(file),
        seen: SeenIds::default(),
        each,
    };
    if start.first_is_data {
        match first {
            Ok(row) => {
                let record = StringRecord::from(row.fields);
                reader.take(
                    Ok(TextRecord {
                        line: row.line,
                        offset: 0,
                        record: &record,
                    }),
                    &mut out,
                );
            }
            Err(bad) => reader.take(Err(bad), &mut out),
        }
    }
    while let Some(row) = rows.next_record()? {
        reader.take(row, &mut out);
    }
    Ok(out)
}

/// Like [`read_each_with_release`], but the file is cut into pieces parsed on
/// `options.threads` threads ([`super::pieces`]); the accepted events reach `each_batch` in
/// file order, a piece at a time, as rows of a table (`rows` lists the rows to take, in
/// order; the others were quarantined after parsing, as duplicates of an id seen in an
/// earlier row). The outcome — rows read, quarantine records with their lines, duplicates,
/// flags, notes — is the one the sequential reader gives. Also returns the file's SHA-256
/// and size, computed from the bytes as they are read.
///
/// When the first record is not whole within the first 64 KiB, the file is read
/// sequentially (the layout must be known before the pieces are parsed).
pub fn read_batches_with_release<R: Read + Send>(
    input: R,
    file: &str,
    release_given: Option<&str>,
    options: PieceOptions,
    each_batch: &mut dyn FnMut(&EventTable, &[usize]),
) -> Result<(ReadOutcome<Event>, FileDigest), IngestError> {
    let mut input = std::io::BufReader::with_capacity(64 * 1024, input);
    let head = input.fill_buf().map_err(|source| IngestError::Io {
        path: file.into(),
        source,
    })?;
    refuse_damaged(head, file)?;
    let whole_file = head.len() < 64 * 1024;
    let mut head_rows = CsvRows::new(head, file);
    let first = head_rows.next_row()?;
    let first_is_whole = whole_file || head_rows.next_row()?.is_some();
    let Some(first) = first.filter(|_| first_is_whole) else {
        if whole_file {
            return Err(empty_file(file));
        }
        return read_sequential_batches(input, file, release_given, each_batch);
    };
    let first_fields = match first {
        Ok(row) => row.fields,
        Err(bad) => bad.fields_lossy,
    };
    let start = Start::new(first_fields, file, release_given)?;
    let parser = start.parser(file);
    let mut merge = PieceMerge {
        parser: &parser,
        out: start.outcome(),
        seen: SeenIds::default(),
        skip_header: !start.first_is_data,
        each_batch,
    };
    let io_error = |source| IngestError::Io {
        path: file.into(),
        source,
    };
    let digest = super::pieces::run(
        input,
        options,
        |piece| parser.parse_piece(piece),
        |piece| merge.merge(piece),
        io_error,
    )?;
    Ok((merge.out, digest))
}

/// Like [`read_with_release`], read in pieces as [`read_batches_with_release`] reads: the
/// same outcome, with every accepted event in `records`.
pub fn read_in_pieces<R: Read + Send>(
    input: R,
    file: &str,
    release_given: Option<&str>,
    options: PieceOptions,
) -> Result<(ReadOutcome<Event>, FileDigest), IngestError> {
    let mut events = Vec::new();
    let (mut out, digest) =
        read_batches_with_release(input, file, release_given, options, &mut |batch, rows| {
            events.extend(
                rows.iter()
                    .filter_map(|&r| batch.view(r))
                    .map(|v| v.to_event()),
            )
        })?;
    out.records = events;
    Ok((out, digest))
}

/// The sequential reader behind [`read_batches_with_release`]'s interface: one event per
/// batch; the digest computed from the bytes as they are read.
fn read_sequential_batches<R: Read>(
    input: R,
    file: &str,
    release_given: Option<&str>,
    each_batch: &mut dyn FnMut(&EventTable, &[usize]),
) -> Result<(ReadOutcome<Event>, FileDigest), IngestError> {
    let mut hashing = super::pieces::HashingReader::new(input);
    let mut batch = EventTable::new();
    let out = read_each_with_release(&mut hashing, file, release_given, &mut |event| {
        batch.clear();
        batch.push(event);
        each_batch(&batch, &[0]);
    })?;
    Ok((out, hashing.digest()))
}

fn refuse_damaged(head: &[u8], file: &str) -> Result<(), IngestError> {
    match super::resaved::diagnose(head) {
        Some(damage) => Err(IngestError::Damaged {
            path: file.into(),
            line: damage.line,
            found: damage.describe(),
        }),
        None => Ok(()),
    }
}

fn empty_file(file: &str) -> IngestError {
    IngestError::UnknownLayout {
        path: file.into(),
        detail: "the file is empty".into(),
        expected: expected_text(),
    }
}

/// What the first record says: the layout, where its columns are, the release.
struct Start {
    header: Header,
    columns: Columns,
    layout: Layout,
    /// The first record is a data row (header-less candidate file).
    first_is_data: bool,
    layout_text: String,
    release: Option<String>,
    notes: Vec<String>,
}

impl Start {
    fn new(
        first_fields: Vec<String>,
        file: &str,
        release_given: Option<&str>,
    ) -> Result<Start, IngestError> {
        let header_guess = Header::new(first_fields.clone());
        let (header, layout, first_is_data) = if header_guess.missing(&FULL_REQUIRED).is_empty() {
            (header_guess, Layout::Full, false)
        } else if header_guess.missing(&DOWNLOAD_REQUIRED).is_empty() {
            (header_guess, Layout::Download, false)
        } else if header_guess.missing(&REDUCED_REQUIRED).is_empty() {
            (header_guess, Layout::Reduced, false)
        } else if looks_like_candidate_row(&first_fields) {
            let names = GED_23_1_COLUMNS.iter().map(|s| s.to_string()).collect();
            (Header::new(names), Layout::Candidate, true)
        } else {
            return Err(IngestError::UnknownLayout {
                path: file.into(),
                detail: format!(
                    "header [{}] lacks {} (reduced layout), {} (full release) or {} (Download Center export)",
                    first_fields.join(","),
                    header_guess.missing(&REDUCED_REQUIRED).join(","),
                    header_guess.missing(&FULL_REQUIRED).join(","),
                    header_guess.missing(&DOWNLOAD_REQUIRED).join(",")
                ),
                expected: expected_text(),
            });
        };
        let Some(columns) = Columns::new(&header, layout) else {
            // Unreachable in practice: the required columns were checked above.
            return Err(IngestError::UnknownLayout {
                path: file.into(),
                detail: format!("header [{}]", header.names().join(",")),
                expected: expected_text(),
            });
        };
        let layout_text = match layout {
            Layout::Reduced => format!("UCDP GED reduced ({} columns)", header.len()),
            Layout::Full => format!("UCDP GED full release ({} columns)", header.len()),
            Layout::Download => {
                format!("UCDP GED Download Center export ({} columns)", header.len())
            }
            Layout::Candidate => "UCDP GED candidate, no header (23.1 columns, 49)".to_string(),
        };
        let mut notes = Vec::new();
        let named = release_from_file_name(file);
        let release = match (named, release_given) {
            (Some(r), given) => {
                notes.push(format!("release {r} (from the file name)"));
                if let Some(g) = given.filter(|g| *g != r) {
                    notes.push(format!(
                        "release {g} was given, but the file name says {r}: the file name wins"
                    ));
                }
                Some(r)
            }
            (None, Some(g)) => {
                notes.push(format!("release {g} (given with --release)"));
                Some(g.to_string())
            }
            (None, None) => {
                notes.push(
                    "release unknown: the file name carries none and none was given (--release); \
                     merged as the newest release"
                        .to_string(),
                );
                None
            }
        };
        Ok(Start {
            header,
            columns,
            layout,
            first_is_data,
            layout_text,
            release,
            notes,
        })
    }

    fn outcome(&self) -> ReadOutcome<Event> {
        let mut out = ReadOutcome::new(self.layout_text.clone());
        out.notes = self.notes.clone();
        out
    }

    fn parser<'a>(&'a self, file: &'a str) -> RowParser<'a> {
        debug_assert!(self.layout == Layout::Candidate || !self.first_is_data);
        RowParser {
            file,
            header: &self.header,
            columns: &self.columns,
            release: self.release.as_deref(),
        }
    }
}

fn expected_text() -> String {
    format!(
        "a UCDP GED CSV with the reduced columns ({}), or a full release with at least ({}), or a UCDP Download Center export with at least ({}), or a header-less candidate file with the 49 columns of GED 23.1",
        REDUCED_REQUIRED.join(","),
        FULL_REQUIRED.join(","),
        DOWNLOAD_REQUIRED.join(",")
    )
}

/// The GED layouts as (name, required columns), for naming the closest layout to an unknown
/// file (see `ingest::layouts`).
pub const LAYOUTS: [(&str, &[&str]); 3] = [
    ("UCDP GED reduced (14 columns)", &REDUCED_REQUIRED),
    ("UCDP GED full release", &FULL_REQUIRED),
    ("UCDP GED Download Center export", &DOWNLOAD_REQUIRED),
];

/// The release in a GED file name: `ucdp_ged_v21_1_…` → `21.1`, `GEDEvent_v24_1.csv` →
/// `24.1`, `ged231.csv` → `23.1`, candidate `GEDEvent_v25_0_1.csv` → `25.0.1`. None when the
/// name carries none.
pub fn release_from_file_name(file: &str) -> Option<String> {
    let name = Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let bytes = name.as_bytes();
    let digits_at = |start: usize| -> &str {
        let end = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .map_or(bytes.len(), |p| start + p);
        &name[start..end]
    };
    // `v<major>_<minor>` after a separator or at the start.
    for (i, _) in name.match_indices('v') {
        let after_separator = i == 0 || matches!(bytes[i - 1], b'_' | b'-' | b' ' | b'.');
        if !after_separator {
            continue;
        }
        let major = digits_at(i + 1);
        let sep = i + 1 + major.len();
        if major.is_empty() || major.len() > 2 || !matches!(bytes.get(sep), Some(b'_' | b'.')) {
            continue;
        }
        let minor = digits_at(sep + 1);
        if minor.is_empty() || minor.len() > 2 {
            continue;
        }
        // Monthly candidate releases carry a third part: `GEDEvent_v25_0_1.csv` → `25.0.1`.
        let sep2 = sep + 1 + minor.len();
        if bytes.get(sep2) == Some(&b'_') {
            let patch = digits_at(sep2 + 1);
            if !patch.is_empty() && patch.len() <= 2 {
                return Some(format!("{major}.{minor}.{patch}"));
            }
        }
        return Some(format!("{major}.{minor}"));
    }
    // `ged<major><minor>` with three digits (`ged231`).
    for (i, _) in name.match_indices("ged") {
        let d = digits_at(i + 3);
        if d.len() == 3 {
            return Some(format!("{}.{}", &d[..2], &d[2..]));
        }
    }
    None
}

/// Turns one row into an event or a refusal (everything but the duplicate check, which
/// needs the rows before it: [`SeenIds`]).
struct RowParser<'a> {
    file: &'a str,
    header: &'a Header,
    columns: &'a Columns,
    release: Option<&'a str>,
}

/// Ids seen in a file (accepted rows only), with the line where each was first seen.
#[derive(Default)]
struct SeenIds {
    /// Ids written as plain numbers (`132154`: no sign, no leading zero), kept as numbers:
    /// cheaper to hash and store than text.
    numbers: HashMap<u64, u64, ahash::RandomState>,
    /// Every other id (`007`, `MLI-1`).
    texts: HashMap<String, u64, ahash::RandomState>,
}

impl SeenIds {
    /// The line where `id` was first seen in this file.
    fn first_seen(&self, id: &str) -> Option<u64> {
        match plain_number(id) {
            Some(n) => self.numbers.get(&n).copied(),
            None => self.texts.get(id).copied(),
        }
    }

    fn remember(&mut self, id: &str, line: u64) {
        match plain_number(id) {
            Some(n) => self.numbers.insert(n, line),
            None => self.texts.insert(id.to_string(), line),
        };
    }
}

/// An id as a number when it is written as one without leading zeros, so that equal
/// numbers are equal texts.
fn plain_number(id: &str) -> Option<u64> {
    if (id.len() > 1 && id.starts_with('0')) || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok()
}

/// Why a row was refused: the column, its value, and what was expected.
struct Refusal {
    column: Option<String>,
    value: String,
    reason: String,
}

/// A refused row: refused before its id was read (wrong width, no id), or with an id (a row
/// whose id was seen before is a duplicate whatever else is wrong with it).
enum Rejected<'r> {
    BeforeId(Refusal),
    WithId(&'r str, Refusal),
}

/// The quarantine record of a duplicate of an id first seen on `first_line`.
fn duplicate_refusal(parser: &RowParser<'_>, id: &str, first_line: u64) -> Refusal {
    parser.refuse(
        parser.columns.id,
        id,
        format!("duplicate id within file (first seen on line {first_line})"),
    )
}

impl<'a> RowParser<'a> {
    fn quarantine(&self, line: u64, r: Refusal, raw: String) -> QuarantineRecord {
        QuarantineRecord {
            file: self.file.to_string(),
            line,
            column: r.column,
            value: r.value,
            reason: r.reason,
            raw,
        }
    }

    fn refuse(&self, i: usize, value: &str, reason: impl Into<String>) -> Refusal {
        Refusal {
            column: Some(self.header.name(i).to_string()),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Parses one piece's records (see [`read_batches_with_release`]): accepted events go into
    /// the piece's table, refusals into its outcomes; ids are checked against earlier rows
    /// when the pieces are merged.
    fn parse_piece(&self, piece: Piece) -> ParsedPiece {
        let mut rows = CsvRows::continuing(
            piece.bytes.as_slice(),
            self.file,
            piece.first_line,
            piece.index == 0,
        );
        let mut table = EventTable::new();
        let mut outcomes = Vec::new();
        let mut error = None;
        loop {
            let row = match rows.next_record() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            };
            let row = match row {
                Ok(row) => row,
                Err(bad) => {
                    let q = bad.quarantine(self.file, self.header, "UTF-8 text");
                    outcomes.push(PieceRow::Refused(Box::new(q)));
                    continue;
                }
            };
            let mut flags = Vec::new();
            let mut extra = Vec::new();
            let outcome = match self.event(&row, &mut flags, &mut extra) {
                Ok(event) => PieceRow::Accepted {
                    line: row.line,
                    offset: row.offset,
                    row: table.push(&event),
                },
                Err(Rejected::BeforeId(r)) => {
                    PieceRow::Refused(Box::new(self.quarantine(row.line, r, row.raw())))
                }
                Err(Rejected::WithId(id, r)) => PieceRow::RefusedWithId(Box::new((
                    id.to_string(),
                    self.quarantine(row.line, r, row.raw()),
                ))),
            };
            outcomes.push(outcome);
        }
        ParsedPiece {
            bytes: piece.bytes,
            first_line: piece.first_line,
            file_start: piece.index == 0,
            table,
            outcomes,
            error,
        }
    }

    fn event<'r>(
        &self,
        row: &'r TextRecord<'_>,
        flags: &'r mut Vec<EventFlag>,
        extra: &'r mut Vec<(&'r str, &'r str)>,
    ) -> Result<EventView<'r>, Rejected<'r>>
    where
        'a: 'r,
    {
        let width = self.header.len();
        if row.len() == width + 1 {
            // A trailing comma (UCDP Download Center exports end every row with one): an
            // empty last field holds nothing; anything in it is a row that does not fit.
            let last = row.get(width);
            if !last.trim().is_empty() {
                return Err(Rejected::BeforeId(Refusal {
                    column: Some(format!("column {} (after the last named column)", width + 1)),
                    value: last.to_string(),
                    reason: format!(
                        "{width} fields as in the header, or an empty field after a trailing comma; found {} fields with a value in the last",
                        row.len()
                    ),
                }));
            }
        } else if row.len() != width {
            return Err(Rejected::BeforeId(Refusal {
                column: None,
                value: String::new(),
                reason: format!("{width} fields as in the header, found {}", row.len()),
            }));
        }
        let c = self.columns;
        let id = row.get(c.id).trim();
        if id.is_empty() {
            return Err(Rejected::BeforeId(self.refuse(
                c.id,
                id,
                "a non-empty event id",
            )));
        }
        self.event_with_id(row, id, flags, extra)
            .map_err(|r| Rejected::WithId(id, r))
    }

    /// The rest of [`RowParser::event`], once the row's width and id are known to be fine.
    fn event_with_id<'r>(
        &self,
        row: &'r TextRecord<'_>,
        id: &'r str,
        flags: &'r mut Vec<EventFlag>,
        extra: &'r mut Vec<(&'r str, &'r str)>,
    ) -> Result<EventView<'r>, Refusal>
    where
        'a: 'r,
    {
        let c = self.columns;
        let field = |i: usize| row.get(i).trim();
        let opt = |i: Option<usize>| i.map(field).filter(|s| !s.is_empty());

        let (date_start, date_end) = match c.dates {
            DateColumns::YearMonthDay(y, m, d) => {
                let date = ymd_date(field(y), field(m), field(d)).ok_or_else(|| Refusal {
                    column: Some("year/month/day".to_string()),
                    value: format!("{}-{}-{}", field(y), field(m), field(d)),
                    reason: "a valid calendar date in year, month, day".to_string(),
                })?;
                (date, None)
            }
            DateColumns::StartEnd(s, e) => {
                let start = parse_ged_date(field(s))
                    .ok_or_else(|| self.refuse(s, field(s), DATE_EXPECTED))?;
                let end = match field(e) {
                    "" => None,
                    v => Some(parse_ged_date(v).ok_or_else(|| self.refuse(e, v, DATE_EXPECTED))?),
                };
                (start, end)
            }
        };

        let lat = parse_coordinate(field(c.latitude), 90.0)
            .ok_or_else(|| self.refuse(c.latitude, field(c.latitude), "latitude in [-90, 90]"))?;
        let lon = parse_coordinate(field(c.longitude), 180.0).ok_or_else(|| {
            self.refuse(c.longitude, field(c.longitude), "longitude in [-180, 180]")
        })?;

        let violence = parse_violence_type(field(c.type_of_violence)).ok_or_else(|| {
            self.refuse(
                c.type_of_violence,
                field(c.type_of_violence),
                "a violence type: 1, 2, 3 or State-based violence, Non-state violence, One-sided violence",
            )
        })?;

        let deaths = |i: usize| -> Result<u32, Refusal> {
            field(i)
                .parse::<u32>()
                .map_err(|_| self.refuse(i, field(i), "a non-negative whole number of deaths"))
        };
        let optional_deaths = |i: Option<usize>| -> Result<Option<u32>, Refusal> {
            match i {
                Some(i) if !field(i).is_empty() => deaths(i).map(Some),
                _ => Ok(None),
            }
        };
        let best = deaths(c.best)?;
        let low = optional_deaths(c.low)?;
        let high = optional_deaths(c.high)?;

        let precision = |i: Option<usize>, what: &str| -> Result<Option<u8>, Refusal> {
            match i {
                Some(i) if !field(i).is_empty() => field(i).parse::<u8>().map(Some).map_err(|_| {
                    self.refuse(i, field(i), format!("{what} as a small whole number"))
                }),
                _ => Ok(None),
            }
        };
        let location_precision = precision(c.where_prec, "a location precision code (1-7)")?;
        let date_precision = precision(c.date_prec, "a date precision code (1-5)")?;

        let country = field(c.country);
        if country.is_empty() {
            return Err(self.refuse(c.country, country, "a non-empty country"));
        }
        let side_a = field(c.side_a);
        if side_a.is_empty() {
            return Err(self.refuse(c.side_a, side_a, "a non-empty side_a"));
        }
        if let Some(i) = c.active_year {
            if !matches!(
                field(i),
                "" | "True" | "False" | "true" | "false" | "1" | "0"
            ) {
                return Err(self.refuse(i, field(i), "active_year as True or False (or 1 or 0)"));
            }
        }

        let low_ok = low.is_none_or(|l| l <= best);
        let high_ok = high.is_none_or(|h| best <= h);
        if !(low_ok && high_ok) {
            flags.push(EventFlag::FatalityOrder);
        }
        if lat == 0.0 && lon == 0.0 {
            flags.push(EventFlag::NullIsland);
        }
        if date_end.is_some_and(|end| end < date_start) {
            flags.push(EventFlag::DateOrder);
        }

        // In key order; of two columns with one name, the later non-empty one (a trailing
        // empty field has no column).
        for &i in &c.extra_order {
            let value = row.get(i);
            if value.trim().is_empty() {
                continue;
            }
            let name = self.header.name(i);
            match extra.last_mut() {
                Some(last) if last.0 == name => last.1 = value,
                _ => extra.push((name, value)),
            }
        }

        Ok(EventView {
            source: EventSource::UcdpGed,
            event_id: id,
            release: self.release,
            date_start,
            date_end,
            date_precision,
            country,
            admin1: opt(c.adm_1),
            admin2: opt(c.adm_2),
            lat,
            lon,
            location_precision,
            violence_type: Some(violence),
            event_type: None,
            sub_event_type: None,
            conflict_name: opt(c.conflict_name),
            side_a,
            side_b: opt(Some(c.side_b)),
            side_a_associates: &[],
            side_b_associates: &[],
            fatalities_low: low,
            fatalities_best: best,
            fatalities_high: high,
            civilian_targeting: violence == ViolenceType::OneSided,
            flags,
            extra: ExtraView::Pairs(extra),
        })
    }
}

/// One row of a parsed piece.
enum PieceRow {
    /// Accepted when parsed: row `row` of the piece's table, starting at byte `offset` of the
    /// piece.
    Accepted { line: u64, offset: u64, row: usize },
    /// Refused before its id was read (or not UTF-8).
    Refused(Box<QuarantineRecord>),
    /// Refused with an id: a duplicate if that id was seen before.
    RefusedWithId(Box<(String, QuarantineRecord)>),
}

/// A piece parsed on a worker, waiting to be merged in file order.
struct ParsedPiece {
    bytes: Vec<u8>,
    first_line: u64,
    file_start: bool,
    table: EventTable,
    outcomes: Vec<PieceRow>,
    /// A record the CSV reader could not read: the file's error, after the rows before it.
    error: Option<IngestError>,
}

/// Merges parsed pieces in file order: the header skipped, ids checked against the rows
/// before them (first wins), counts kept, accepted rows handed on.
struct PieceMerge<'a, 'p> {
    parser: &'a RowParser<'p>,
    out: ReadOutcome<Event>,
    seen: SeenIds,
    /// The file's first record is the header (it was parsed as a row with the rest).
    skip_header: bool,
    each_batch: &'a mut dyn FnMut(&EventTable, &[usize]),
}

impl PieceMerge<'_, '_> {
    fn merge(&mut self, piece: ParsedPiece) -> Result<(), IngestError> {
        let mut keep = Vec::with_capacity(piece.table.len());
        let mut outcomes = piece.outcomes.iter();
        if std::mem::take(&mut self.skip_header) {
            outcomes.next();
        }
        for outcome in outcomes {
            self.out.rows_read += 1;
            match outcome {
                PieceRow::Accepted { line, offset, row } => {
                    let id = piece.table.event_id(*row);
                    match self.seen.first_seen(id) {
                        Some(first_line) => {
                            let r = duplicate_refusal(self.parser, id, first_line);
                            let raw = csv_rows::raw_at(
                                &piece.bytes,
                                *offset,
                                self.parser.file,
                                piece.first_line,
                                piece.file_start,
                            );
                            self.out
                                .quarantined
                                .push(self.parser.quarantine(*line, r, raw));
                        }
                        None => {
                            self.seen.remember(id, *line);
                            if piece.table.has_flags(*row) {
                                self.out.flagged += 1;
                            }
                            keep.push(*row);
                        }
                    }
                }
                PieceRow::Refused(q) => self.out.quarantined.push((**q).clone()),
                PieceRow::RefusedWithId(refused) => {
                    let (id, q) = &**refused;
                    let mut q = q.clone();
                    if let Some(first_line) = self.seen.first_seen(id) {
                        let r = duplicate_refusal(self.parser, id, first_line);
                        (q.column, q.value, q.reason) = (r.column, r.value, r.reason);
                    }
                    self.out.quarantined.push(q);
                }
            }
        }
        (self.each_batch)(&piece.table, &keep);
        match piece.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// The sequential reader: rows in, events to `each` (or quarantine records) out.
struct RowReader<'a> {
    parser: RowParser<'a>,
    seen: SeenIds,
    each: &'a mut dyn FnMut(&EventView<'_>),
}

impl RowReader<'_> {
    fn take(&mut self, row: Result<TextRecord<'_>, NotUtf8Row>, out: &mut ReadOutcome<Event>) {
        out.rows_read += 1;
        let p = &self.parser;
        let row = match row {
            Ok(row) => row,
            Err(bad) => {
                out.quarantined
                    .push(bad.quarantine(p.file, p.header, "UTF-8 text"));
                return;
            }
        };
        // The event borrows its texts from the row and these (empty ones do not allocate).
        let mut flags = Vec::new();
        let mut extra = Vec::new();
        let refusal = match p.event(&row, &mut flags, &mut extra) {
            Ok(event) => match self.seen.first_seen(event.event_id) {
                Some(first_line) => duplicate_refusal(p, event.event_id, first_line),
                None => {
                    if !event.flags.is_empty() {
                        out.flagged += 1;
                    }
                    let id = event.event_id;
                    (self.each)(&event);
                    self.seen.remember(id, row.line);
                    return;
                }
            },
            Err(Rejected::BeforeId(r)) => r,
            Err(Rejected::WithId(id, r)) => match self.seen.first_seen(id) {
                Some(first_line) => duplicate_refusal(p, id, first_line),
                None => r,
            },
        };
        out.quarantined
            .push(p.quarantine(row.line, refusal, row.raw()));
    }
}

fn ymd_date(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS[.fff]` (full releases), `MM/DD/YYYY HH:MM:SS` or
/// `MM/DD/YYYY` (Download Center exports); the time is ignored. The two forms cannot be
/// confused: one starts with a four-digit year and uses `-`, the other uses `/`.
fn parse_ged_date(s: &str) -> Option<NaiveDate> {
    let (iso_date, iso_time, us_date, us_time) = (
        "%Y-%m-%d",
        "%Y-%m-%d %H:%M:%S%.f",
        "%m/%d/%Y",
        "%m/%d/%Y %H:%M:%S",
    );
    if s.contains('/') {
        // chrono's `%Y` takes a two-digit year too: `12/31/22` must not be the year 22.
        let year = s.split(' ').next().and_then(|d| d.rsplit('/').next());
        if year.is_none_or(|y| y.len() != 4) {
            return None;
        }
        NaiveDateTime::parse_from_str(s, us_time)
            .map(|dt| dt.date())
            .or_else(|_| NaiveDate::parse_from_str(s, us_date))
            .ok()
    } else {
        NaiveDate::parse_from_str(s, iso_date)
            .or_else(|_| NaiveDateTime::parse_from_str(s, iso_time).map(|dt| dt.date()))
            .ok()
    }
}

fn parse_violence_type(s: &str) -> Option<ViolenceType> {
    match s {
        "1" | "State-based violence" => Some(ViolenceType::StateBased),
        "2" | "Non-state violence" => Some(ViolenceType::NonState),
        "3" | "One-sided violence" => Some(ViolenceType::OneSided),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDUCED_HEADER: &str = "id,year,month,day,country,type_of_violence,conflict_name,side_a,side_b,latitude,longitude,low_death,best_death,high_death";

    fn reduced(rows: &str) -> ReadOutcome<Event> {
        let text = format!("{REDUCED_HEADER}\n{rows}");
        read(text.as_bytes(), "ucdp_ged_v21_1_test.csv").expect("reads")
    }

    #[test]
    fn reduced_layout_row() {
        let out = reduced(
            "219115,2016,1,15,Burkina Faso,One-sided violence,AQIM - Civilians,AQIM,Civilians,12.370278,-1.524722,25,25,30\n",
        );
        assert_eq!(out.layout, "UCDP GED reduced (14 columns)");
        assert_eq!(out.rows_read, 1);
        assert!(out.quarantined.is_empty());
        let e = &out.records[0];
        assert_eq!(e.event_id, "219115");
        assert_eq!(e.release.as_deref(), Some("21.1"));
        assert_eq!(e.date_start, NaiveDate::from_ymd_opt(2016, 1, 15).unwrap());
        assert_eq!(e.date_end, None);
        assert_eq!(e.violence_type, Some(ViolenceType::OneSided));
        assert!(e.civilian_targeting);
        assert_eq!(e.side_b.as_deref(), Some("Civilians"));
        assert_eq!(
            (e.fatalities_low, e.fatalities_best, e.fatalities_high),
            (Some(25), 25, Some(30))
        );
        assert_eq!(e.conflict_name.as_deref(), Some("AQIM - Civilians"));
        assert!(e.flags.is_empty());
        assert!(e.extra.is_empty());
    }

    #[test]
    fn reduced_layout_flags() {
        let out = reduced(concat!(
            "1,2016,1,15,Mali,State-based violence,c,Government of Mali,JNIM,15.0,-2.0,5,3,4\n",
            "2,2016,1,15,Mali,Non-state violence,c,A,B,0,0,1,1,1\n",
        ));
        assert!(out.quarantined.is_empty());
        assert_eq!(out.flagged, 2);
        assert_eq!(out.records[0].flags, vec![EventFlag::FatalityOrder]);
        assert_eq!(out.records[1].flags, vec![EventFlag::NullIsland]);
        assert_eq!(out.records[1].violence_type, Some(ViolenceType::NonState));
    }

    #[test]
    fn reduced_layout_malformed_rows() {
        let out = reduced(concat!(
            "1,2016,2,30,Mali,State-based violence,c,A,B,15,-2,1,1,1\n",
            "2,2016,1,1,Mali,State-based violence,c,A,B,95,-2,1,1,1\n",
            "3,2016,1,1,Mali,State-based violence,c,A,B,15,-200,1,1,1\n",
            "4,2016,1,1,Mali,State-based violence,c,A,B,15,-2,1,-1,1\n",
            "5,2016,1,1,Mali,Genocide,c,A,B,15,-2,1,1,1\n",
            ",2016,1,1,Mali,State-based violence,c,A,B,15,-2,1,1,1\n",
            "7,2016,1,1,Mali,State-based violence,c,A,B,15,-2,1,1,1\n",
            "7,2016,1,2,Mali,State-based violence,c,A,B,15,-2,1,1,1\n",
            "8,2016,1,1,Mali,State-based violence,c,A,B,15,-2,1,1\n",
            "9,2016,1,1,Mali,State-based violence,c,A,B,15,-2,1,2.5,3\n",
        ));
        assert_eq!(out.rows_read, 10);
        assert_eq!(out.records.len(), 1);
        let q = out.quarantine_summary();
        assert_eq!(
            q,
            vec![
                (2, Some("year/month/day"), "2016-2-30", "a valid calendar date in year, month, day"),
                (3, Some("latitude"), "95", "latitude in [-90, 90]"),
                (4, Some("longitude"), "-200", "longitude in [-180, 180]"),
                (5, Some("best_death"), "-1", "a non-negative whole number of deaths"),
                (
                    6,
                    Some("type_of_violence"),
                    "Genocide",
                    "a violence type: 1, 2, 3 or State-based violence, Non-state violence, One-sided violence"
                ),
                (7, Some("id"), "", "a non-empty event id"),
                (9, Some("id"), "7", "duplicate id within file (first seen on line 8)"),
                (10, None, "", "14 fields as in the header, found 13"),
                (11, Some("best_death"), "2.5", "a non-negative whole number of deaths"),
            ]
        );
        assert_eq!(
            out.quarantined[1].raw,
            "2,2016,1,1,Mali,State-based violence,c,A,B,95,-2,1,1,1"
        );
    }

    const FULL_HEADER: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";
    const FULL_ROW: &str = "285416,BFO-2019-3-15382-17,2019,1,Clear,3,6857,14203,Koglweogo - Civilians,6857,15382,Koglweogo - Civilians,6857,6857,Koglweogo,9999,1,Civilians,2,\"\"\"Radio,2019-02-02,Yirgou\"\";\nsecond line\",Radio,2019-02-02,Yirgou,CISC,1,Koulopagaré village,KOULPAGRE (Arbinda),Sahel region,Soum province,13.88489,-0.9688,POINT (-0.9688 13.88489),149399,Burkina Faso,439,Africa,1,2,2019-01-01 00:00:00.000,2019-01-03 00:00:00.000,0,0,23,0,23,23,0,,";

    #[test]
    fn full_layout_with_embedded_newline() {
        let second = FULL_ROW
            .replace("285416", "285417")
            .replace("2019-01-03 00:00:00.000", "2018-12-31 00:00:00.000");
        let text = format!("{FULL_HEADER}\n{FULL_ROW}\n{second}\n");
        let out = read(text.as_bytes(), "GEDEvent_v23_1.csv").unwrap();
        assert_eq!(out.layout, "UCDP GED full release (49 columns)");
        assert!(out.quarantined.is_empty(), "{:?}", out.quarantined);
        assert_eq!(out.rows_read, 2);
        let e = &out.records[0];
        assert_eq!(e.release.as_deref(), Some("23.1"));
        assert_eq!(e.date_start, NaiveDate::from_ymd_opt(2019, 1, 1).unwrap());
        assert_eq!(e.date_end, NaiveDate::from_ymd_opt(2019, 1, 3));
        assert_eq!(e.date_precision, Some(2));
        assert_eq!(e.location_precision, Some(1));
        assert_eq!(e.admin1.as_deref(), Some("Sahel region"));
        assert_eq!(e.admin2.as_deref(), Some("Soum province"));
        assert_eq!(e.violence_type, Some(ViolenceType::OneSided));
        assert_eq!(
            (e.fatalities_low, e.fatalities_best, e.fatalities_high),
            (Some(0), 23, Some(23))
        );
        assert_eq!(
            e.extra.get("relid").map(String::as_str),
            Some("BFO-2019-3-15382-17")
        );
        assert_eq!(
            e.extra.get("source_article").map(String::as_str),
            Some("\"Radio,2019-02-02,Yirgou\";\nsecond line")
        );
        assert!(!e.extra.contains_key("gwnob"), "missing values are omitted");
        assert!(
            !e.extra.contains_key("best"),
            "typed columns are not repeated"
        );
        assert_eq!(out.records[1].flags, vec![EventFlag::DateOrder]);
        // the second record starts on line 4 (the first spans lines 2-3)
        let bad_second = second.replace("13.88489,-0.9688,POINT", "13.88489,x,POINT");
        let bad = format!("{FULL_HEADER}\n{FULL_ROW}\n{bad_second}\n");
        let out = read(bad.as_bytes(), "x.csv").unwrap();
        assert_eq!(out.quarantined.len(), 1);
        assert_eq!(out.quarantined[0].line, 4);
        assert_eq!(out.quarantined[0].column.as_deref(), Some("longitude"));
        assert_eq!(out.records[0].release, None);
    }

    /// Quarantined rows name the line an editor shows in a CRLF file (as the shipped GED files
    /// are) with a quoted field spanning two lines and a blank line.
    #[test]
    fn crlf_file_with_embedded_newline_gives_editor_lines() {
        let first = FULL_ROW.replace('\n', "\r\n");
        let bad_lon = first
            .replace("285416", "285417")
            .replace("13.88489,-0.9688,POINT", "13.88489,x,POINT");
        let not_utf8 = first.replace("285416", "285418");
        let duplicate = first.clone();
        let mut bytes = Vec::new();
        for part in [FULL_HEADER, &first, &bad_lon, "", &not_utf8, &duplicate] {
            bytes.extend_from_slice(part.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        // `é` (C3 A9) in the fourth record written as Latin-1 (E9): not UTF-8.
        let at = bytes
            .windows(3)
            .enumerate()
            .filter(|(_, w)| w == b"\xC3\xA9 ")
            .nth(2)
            .map(|(i, _)| i)
            .expect("a third é");
        bytes.splice(at..at + 2, [0xE9]);
        let out = read(bytes.as_slice(), "GEDEvent_v23_1.csv").expect("reads");
        assert_eq!(out.rows_read, 4);
        assert_eq!(out.records.len(), 1);
        let q = out.quarantine_summary();
        assert_eq!(
            q,
            vec![
                // header 1, first record 2-3, this one 4-5, blank line 6
                (4, Some("longitude"), "x", "longitude in [-180, 180]"),
                (
                    7,
                    Some("where_coordinates"),
                    "Koulopagar\u{fffd} village",
                    "UTF-8 text"
                ),
                (
                    9,
                    Some("id"),
                    "285416",
                    "duplicate id within file (first seen on line 2)"
                ),
            ]
        );
        assert!(out.quarantined[0]
            .raw
            .contains("\"\"\"Radio,2019-02-02,Yirgou\"\";\r\nsecond line\""));
    }

    #[test]
    fn full_layout_without_optional_columns() {
        // A later release with fewer columns: only the required ones plus one unknown.
        let text = "id,date_start,date_end,country,type_of_violence,side_a,side_b,latitude,longitude,best,new_col\n\
                    9,2024-05-01,,Mali,1,Government of Mali,JNIM,15,-2,4,hello\n";
        let out = read(text.as_bytes(), "GEDEvent_v25_1.csv").unwrap();
        assert_eq!(out.layout, "UCDP GED full release (11 columns)");
        let e = &out.records[0];
        assert_eq!(e.date_end, None);
        assert_eq!((e.fatalities_low, e.fatalities_high), (None, None));
        assert_eq!(e.extra.get("new_col").map(String::as_str), Some("hello"));
        let bad = text.replace("2024-05-01", "2024-13-01");
        let out = read(bad.as_bytes(), "x.csv").unwrap();
        assert_eq!(out.quarantined[0].column.as_deref(), Some("date_start"));
        assert_eq!(out.quarantined[0].reason, DATE_EXPECTED);
    }

    /// The header of a UCDP Download Center export (GED 24.1): 47 names, no trailing comma.
    const DOWNLOAD_HEADER: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best_est,high_est,low_est";
    /// A row as the export writes it: 48 fields (trailing comma), `True`, `MM/DD/YYYY`
    /// dates, a source_article with doubled quotes and an embedded CRLF. The values are those
    /// of GED event 253124 (Mali 24.1 file) with the death estimates changed to 1/2/0.
    const DOWNLOAD_ROW: &str = "253124,MLI-2018-1-14668-1,2018,True,Clear,1,13639,13639,Niger: Islamic State,14668,14668,Government of Mali - IS,72,72,Government of Mali,234,234,IS,4,\"\"\"Menastream on Twitter,2018-01-12,#Mali\"\";\"\"All Africa,2018-01-13,Attack  \r\nCR  Radio France Internationale\"\"\",Menastream on Twitter,2018-01-12,#Mali,,1,Intahaka,Intahaka,Gao region,Bourem cercle,16.829,-0.404,POINT (-0.404 16.829),153108,Mali,432,Africa,1,1,01/11/2018 00:00:00,12/31/2022 00:00:00,0,0,0,1,1,2,0,";

    #[test]
    fn download_center_export() {
        let text = format!("{DOWNLOAD_HEADER}\r\n{DOWNLOAD_ROW}\r\n");
        let out = read(
            text.as_bytes(),
            "ucdp_ged_v24_1_download_mali_1990_2022.csv",
        )
        .unwrap();
        assert_eq!(out.layout, "UCDP GED Download Center export (47 columns)");
        assert!(out.quarantined.is_empty(), "{:?}", out.quarantined);
        assert_eq!(out.rows_read, 1);
        let e = &out.records[0];
        assert_eq!(e.event_id, "253124");
        assert_eq!(e.release.as_deref(), Some("24.1"));
        assert_eq!(e.date_start, NaiveDate::from_ymd_opt(2018, 1, 11).unwrap());
        assert_eq!(e.date_end, NaiveDate::from_ymd_opt(2022, 12, 31));
        assert_eq!(
            (e.fatalities_low, e.fatalities_best, e.fatalities_high),
            (Some(0), 1, Some(2))
        );
        assert_eq!(e.location_precision, Some(1));
        assert_eq!(e.violence_type, Some(ViolenceType::StateBased));
        assert_eq!(
            e.extra.get("source_article").map(String::as_str),
            Some("\"Menastream on Twitter,2018-01-12,#Mali\";\"All Africa,2018-01-13,Attack  \r\nCR  Radio France Internationale\"")
        );
        assert_eq!(e.extra.get("active_year").map(String::as_str), Some("True"));
        assert!(
            !e.extra.contains_key("best_est"),
            "typed columns are not repeated"
        );
        assert!(
            !e.extra.contains_key(""),
            "the trailing empty field has no column"
        );
        assert!(sniff(text.as_bytes(), "export.csv"));
    }

    #[test]
    fn download_center_trailing_field_must_be_empty() {
        let filled = format!("{},x", DOWNLOAD_ROW.strip_suffix(',').unwrap());
        let short = DOWNLOAD_ROW
            .strip_suffix(',')
            .unwrap()
            .replace("253124", "253125");
        let long = format!("{DOWNLOAD_ROW},").replace("253124", "253126");
        let bad_year = DOWNLOAD_ROW
            .replace("253124", "253127")
            .replace(",2018,True,", ",2018,Yes,");
        let text = format!("{DOWNLOAD_HEADER}\n{filled}\n{short}\n{long}\n{bad_year}\n");
        let out = read(text.as_bytes(), "x.csv").unwrap();
        // 47 fields (no trailing comma) are fine too.
        assert_eq!(out.records.len(), 1);
        assert_eq!(out.records[0].event_id, "253125");
        let q = out.quarantine_summary();
        assert_eq!(
            q,
            vec![
                (
                    2,
                    Some("column 48 (after the last named column)"),
                    "x",
                    "47 fields as in the header, or an empty field after a trailing comma; found 48 fields with a value in the last"
                ),
                (6, None, "", "47 fields as in the header, found 49"),
                (
                    8,
                    Some("active_year"),
                    "Yes",
                    "active_year as True or False (or 1 or 0)"
                ),
            ]
        );
    }

    #[test]
    fn a_file_damaged_by_a_spreadsheet_is_refused() {
        // A row whose text holds no `;` nor line break is whole in its first piece, quoted.
        let start = DOWNLOAD_ROW.find(",\"\"\"").unwrap();
        let end = DOWNLOAD_ROW.find("\"\"\",").unwrap() + 3;
        let row = format!(
            "{},\"\"\"AFP, a source\"\"\"{}",
            &DOWNLOAD_ROW[..start],
            &DOWNLOAD_ROW[end..]
        );
        let quoted = format!("\"{}\"", row.replace('"', "\"\""));
        let damaged = format!("{DOWNLOAD_HEADER};{DOWNLOAD_HEADER};;\r\n{quoted};{quoted};;\r\n");
        // The row itself is sound.
        let sound = read(format!("{DOWNLOAD_HEADER}\n{row}\n").as_bytes(), "x.csv").unwrap();
        assert_eq!(sound.records.len(), 1);
        assert!(!sniff(damaged.as_bytes(), "x.csv"));
        let err = read(damaged.as_bytes(), "niger.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("niger.csv, line 1: `id,relid,year,"),
            "{err}"
        );
        assert!(
            err.contains("one comma-separated record of 47 fields"),
            "{err}"
        );
        assert!(err.contains("Expected comma-separated rows"), "{err}");
        assert!(err.contains("--recover-quoted"), "{err}");
    }

    #[test]
    fn download_center_dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_ged_date("12/31/2022 00:00:00"), d(2022, 12, 31));
        assert_eq!(parse_ged_date("01/02/1990 00:00:00"), d(1990, 1, 2));
        assert_eq!(parse_ged_date("01/02/1990"), d(1990, 1, 2));
        assert_eq!(parse_ged_date("2019-01-03 00:00:00.000"), d(2019, 1, 3));
        // Day first (a spreadsheet's re-save) is not a date here: month 31 does not exist.
        assert_eq!(parse_ged_date("31/12/2022 00:00:00"), None);
        assert_eq!(parse_ged_date("12/31/22 00:00:00"), None);
    }

    #[test]
    fn release_from_the_name_else_given_else_unknown() {
        let text = format!("{DOWNLOAD_HEADER}\n{DOWNLOAD_ROW}\n");
        let given = read_with_release(text.as_bytes(), "mali.csv", Some("24.1")).unwrap();
        assert_eq!(given.records[0].release.as_deref(), Some("24.1"));
        assert!(given
            .notes
            .contains(&"release 24.1 (given with --release)".to_string()));
        let named = read_with_release(text.as_bytes(), "GEDEvent_v23_1.csv", Some("24.1")).unwrap();
        assert_eq!(named.records[0].release.as_deref(), Some("23.1"));
        assert!(named.notes.iter().any(|n| n.contains("the file name wins")));
        let unknown = read(text.as_bytes(), "mali.csv").unwrap();
        assert_eq!(unknown.records[0].release, None);
        assert!(unknown
            .notes
            .iter()
            .any(|n| n.starts_with("release unknown")));
    }

    #[test]
    fn candidate_without_header() {
        let text = format!("{FULL_ROW}\n");
        let out = read(text.as_bytes(), "GEDEvent_v23_0_1.csv").unwrap();
        assert_eq!(
            out.layout,
            "UCDP GED candidate, no header (23.1 columns, 49)"
        );
        assert_eq!(out.rows_read, 1);
        assert_eq!(out.records[0].event_id, "285416");
        assert_eq!(out.records[0].release.as_deref(), Some("23.0.1"));
        assert!(sniff(text.as_bytes(), "GEDEvent_v23_0_1.csv"));
    }

    /// Reads `text` sequentially and in pieces (1, 2 and 3 threads; pieces cut after every
    /// record and every few bytes), and checks every outcome is the sequential one.
    fn same_in_pieces(text: &[u8], name: &str) -> Option<ReadOutcome<Event>> {
        let sequential = read(text, name);
        for threads in [1, 2, 3] {
            for piece_bytes in [1, 7, 100, 1 << 20] {
                // One thread: split, parsed and merged one piece after the other on this
                // thread (the one-pass reading of small files).
                let options = PieceOptions {
                    threads,
                    piece_bytes,
                    one_pass_max_bytes: 0,
                };
                let pieces = read_in_pieces(text, name, None, options);
                match (&sequential, pieces) {
                    (Ok(s), Ok((p, digest))) => {
                        assert_eq!(*s, p, "{threads} threads, pieces of {piece_bytes} bytes");
                        assert_eq!(digest.size_bytes, text.len() as u64);
                    }
                    (Err(s), Err(p)) => assert_eq!(s.to_string(), p.to_string()),
                    (s, p) => panic!("sequential {s:?}, pieces {p:?}"),
                }
            }
        }
        sequential.ok()
    }

    #[test]
    fn pieces_give_the_sequential_outcome() {
        // Every layout, quoted newlines (LF and CRLF), duplicates within and across pieces
        // (of accepted and of refused rows), refusals before and after the id, a row that is
        // not UTF-8, blank lines, a byte-order mark on a candidate file.
        let dup_bad = FULL_ROW.replace("13.88489,-0.9688,POINT", "13.88489,x,POINT");
        let second = FULL_ROW.replace("285416", "285417");
        let no_id = FULL_ROW.replace("285416,", ",");
        let full =
            format!("{FULL_HEADER}\n{FULL_ROW}\n\n{second}\n{dup_bad}\n{no_id}\n{FULL_ROW}\n");
        let out = same_in_pieces(full.as_bytes(), "GEDEvent_v23_1.csv").expect("reads");
        assert_eq!((out.rows_read, out.records.len()), (5, 2));
        let lines: Vec<u64> = out.quarantined.iter().map(|q| q.line).collect();
        // header 1, first record 2-3, blank 4, second 5-6, dup_bad 7-8, no_id 9-10, dup 11-12
        assert_eq!(lines, [7, 9, 11]);
        let crlf = full.replace('\n', "\r\n");
        same_in_pieces(crlf.as_bytes(), "GEDEvent_v23_1.csv");

        let download = format!(
            "{DOWNLOAD_HEADER}\r\n{DOWNLOAD_ROW}\r\n{}\r\n{DOWNLOAD_ROW}\r\n",
            DOWNLOAD_ROW.replace("253124", "253125")
        );
        let out =
            same_in_pieces(download.as_bytes(), "ucdp_ged_v24_1_download_mali.csv").expect("reads");
        assert_eq!(out.quarantined.len(), 1);
        assert_eq!(out.quarantined[0].line, 6);

        let mut bytes = format!("{FULL_HEADER}\n{FULL_ROW}\n{second}\n").into_bytes();
        let at = bytes.iter().rposition(|&b| b == 0xA9).expect("an é");
        bytes.splice(at - 1..=at, [0xE9]);
        same_in_pieces(&bytes, "GEDEvent_v23_1.csv");

        let reduced_rows = concat!(
            "7,2016,1,1,Mali,State-based violence,c,A,B,15,-2,1,1,1\n",
            "8,2016,1,1,Mali,State-based violence,c,A,B,95,-2,1,1,1\n",
            "8,2016,1,1,Mali,State-based violence,c,A,B,15,-2,1,1,1\n",
            "7,2016,1,2,Mali,State-based violence,c,A,B,15,-2,1,1,1\n",
            "9,2016,1,1,Mali,State-based violence,\"c, \"\"quoted\"\"\",A,B,15,-2,5,1,1\n",
        );
        let reduced = format!("{REDUCED_HEADER}\n{reduced_rows}");
        let out = same_in_pieces(reduced.as_bytes(), "ucdp_ged_v21_1_test.csv").expect("reads");
        assert_eq!(out.records.len(), 3);
        assert_eq!(out.flagged, 1);

        same_in_pieces(
            format!("\u{feff}{FULL_ROW}\n{second}").as_bytes(),
            "candidate.csv",
        );
        same_in_pieces(b"", "x.csv");
        same_in_pieces(b"a,b\n1,2\n", "x.csv");
    }

    #[test]
    fn candidate_with_a_byte_order_mark() {
        let text = format!("\u{feff}{FULL_ROW}\n");
        let out = read(text.as_bytes(), "candidate.csv").unwrap();
        assert_eq!(out.records[0].event_id, "285416");
        assert!(sniff(text.as_bytes(), "candidate.csv"));
    }

    #[test]
    fn unknown_layout_is_an_error() {
        let err = read("a,b,c\n1,2,3\n".as_bytes(), "x.csv").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("unknown layout"), "{msg}");
        assert!(msg.contains("best_death"), "{msg}");
        assert!(read("".as_bytes(), "x.csv").is_err());
        assert!(!sniff(b"a,b,c\n1,2,3\n", "x.csv"));
        assert!(sniff(REDUCED_HEADER.as_bytes(), "whatever.csv"));
        assert!(sniff(FULL_HEADER.as_bytes(), "whatever.csv"));
    }

    #[test]
    fn releases_from_file_names() {
        let r = |n: &str| release_from_file_name(n);
        assert_eq!(
            r("ucdp_ged_v21_1_precise_global_1989_2019.csv").as_deref(),
            Some("21.1")
        );
        assert_eq!(
            r("/x/y/ucdp_ged_v23_1_sample_49col_west_africa.csv").as_deref(),
            Some("23.1")
        );
        assert_eq!(r("GEDEvent_v24_1.csv").as_deref(), Some("24.1"));
        assert_eq!(r("ged231.csv").as_deref(), Some("23.1"));
        assert_eq!(r("GEDEvent_v25_0_3.csv").as_deref(), Some("25.0.3"));
        assert_eq!(r("ucdp_ged_v21_1_1989_2019.csv").as_deref(), Some("21.1"));
        assert_eq!(r("events.csv"), None);
        assert_eq!(r("ged_events_2019.csv"), None);
    }
}
