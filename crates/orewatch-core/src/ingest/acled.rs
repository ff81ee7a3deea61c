//! Reader for ACLED (Armed Conflict Location & Event Data) CSV exports, turned into
//! [`Event`]s with source [`EventSource::Acled`].
//!
//! ACLED's terms forbid redistributing its rows: this reader only turns a user's own export
//! into the model; products built from it must be aggregates.
//!
//! # Layouts (detected from the header by column names)
//! Every layout needs `event_id_cnty`, `event_date`, `event_type`, `actor1`, `country`,
//! `latitude`, `longitude` and `fatalities`; then:
//! 1. **Current export / API (2023 onward)**: `actor2` and `sub_event_type`, no `data_id`
//!    (`disorder_type`, `civilian_targeting`, `tags` are read when present).
//! 2. **HDX re-publication (2020 era)**: `actor2`, `sub_event_type` and `data_id`. Its second
//!    line holds HXL hashtags (`#event+code`, …): that line is skipped and not counted as data
//!    (the same check runs on every layout: a first row whose non-empty fields all start with
//!    `#` is a hashtag row).
//! 3. **Export tool, one row per actor (2019–2021)**: no `actor2` columns. The rows of one
//!    `event_id_cnty` (adjacent or not) become ONE event, in first-seen order: the first row's
//!    `actor1`/`assoc_actor_1`/`inter1` are side A, the second row's are side B (its `inter1`
//!    is kept as `extra["inter2"]`), fatalities are counted once (the first row's). More than
//!    two rows, or rows that disagree on date, fatalities or coordinates: the event is kept
//!    with the first row's values, flagged [`EventFlag::ActorRowsMismatch`], and
//!    `extra["actor_rows_note"]` says what differed; actors beyond the second are listed in
//!    `extra["additional_actors"]` (joined by `; `).
//! 4. **Pre-2019**: `actor2` but no `sub_event_type`; old event types (below).
//!
//! Dates are read as `YYYY-MM-DD`, `22 February 2019` or `22-February-2019` in every layout.
//! Anything else is [`IngestError::UnknownLayout`].
//!
//! # Mapping
//! - `event_id_cnty` → `event_id`; `event_date` → `date_start` and `date_end` (ACLED events
//!   are single-day); `time_precision` → `date_precision`; `geo_precision` →
//!   `location_precision`; `admin1`/`admin2` typed, `admin3`, `location`, `iso`, … in `extra`.
//! - `actor1`/`actor2` → `side_a`/`side_b`; `assoc_actor_1`/`assoc_actor_2` split on `;`.
//! - `fatalities` → `fatalities_best`; low/high are None. `notes` goes to `extra` (never show
//!   it in products: it can name people).
//! - Old event types → today's, original text in `extra["event_type_original"]`, flagged
//!   [`EventFlag::LegacyEventType`]: `Battle-No change of territory`, `Battle-Non-state actor
//!   overtakes territory`, `Battle-Government regains territory` → `Battles`; `Remote
//!   violence` → `Explosions/Remote violence`; `Headquarters or base established`,
//!   `Non-violent transfer of territory`, `Strategic development` → `Strategic developments`;
//!   `Violence against civilians` → itself (flagged in the pre-2019 layout only, where it is the
//!   old definition); **`Riots/Protests` → `Riots` when either side is `Rioters` (inter code
//!   5), else `Protests`** (a protest met with lethal force is still a protest in today's
//!   typology, so fatalities do not decide it).
//! - `Protests`, `Riots` and `Strategic developments` are kept and flagged
//!   [`EventFlag::NotPoliticalViolence`].
//! - Violence type (UCDP's three), from `event_type` and the actor types `inter1`/`inter2`
//!   (codes 1–8 or words: 1 State forces, 2 Rebel group, 3 Political militia, 4 Identity
//!   militia, 5 Rioters, 6 Protesters, 7 Civilians, 8 External/Other forces):
//!   * `Violence against civilians` → one-sided;
//!   * `Explosions/Remote violence` against civilians (either side Civilians, or
//!     `civilian_targeting` set) → one-sided;
//!   * `Battles` or `Explosions/Remote violence` with State forces on either side →
//!     state-based;
//!   * … between two non-state armed actors (rebel group, political or identity militia on
//!     both sides) → non-state;
//!   * anything else (one side unknown, External/Other forces without state forces — they mix
//!     foreign armies, UN missions and private contractors —, demonstrations, strategic
//!     developments) → None.
//! - `civilian_targeting` is true when the `civilian_targeting` column is non-empty or the
//!   event is `Violence against civilians`.
//!
//! # Validation
//! Quarantined: empty `event_id_cnty` or `actor1` or `country`, an id seen before in the file
//! (layouts 1, 2, 4), an unreadable date, latitude outside [-90, 90], longitude outside
//! [-180, 180], fatalities that are not a non-negative whole number, an unknown event type,
//! a non-integer precision code, a wrong number of fields, text that is not UTF-8.
//!
//! # What it does not do
//! No matching of ACLED actors to UCDP's (e.g. `JNIM: Group for Support of Islam and
//! Muslims` vs `JNIM`), no deduplication against GED, no filtering of event types.

use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::Path;

use chrono::NaiveDate;

use super::csv_rows::{self, CsvRows, Header, TextRecord};
use super::pieces::{FileDigest, Piece, PieceOptions};
use super::text::parse_coordinate;
use super::{IngestError, ReadOutcome};
use crate::model::{
    Event, EventFlag, EventSource, EventTable, EventView, ExtraView, QuarantineRecord, ViolenceType,
};

/// Columns every ACLED layout has.
pub(crate) const REQUIRED: [&str; 8] = [
    "event_id_cnty",
    "event_date",
    "event_type",
    "actor1",
    "country",
    "latitude",
    "longitude",
    "fatalities",
];

/// Today's event types (since 2019).
const CURRENT_EVENT_TYPES: [&str; 6] = [BATTLES, EXPLOSIONS, VAC, PROTESTS, RIOTS, STRATEGIC];
const BATTLES: &str = "Battles";
const EXPLOSIONS: &str = "Explosions/Remote violence";
const VAC: &str = "Violence against civilians";
const PROTESTS: &str = "Protests";
const RIOTS: &str = "Riots";
const STRATEGIC: &str = "Strategic developments";

/// The pre-2019 event types and today's type for each (`Riots/Protests` is decided per row,
/// see [`SourceEventType::map`]).
const OLD_EVENT_TYPES: [(&str, &str); 9] = [
    ("Battle-No change of territory", BATTLES),
    ("Battle-Non-state actor overtakes territory", BATTLES),
    ("Battle-Government regains territory", BATTLES),
    ("Remote violence", EXPLOSIONS),
    ("Headquarters or base established", STRATEGIC),
    ("Non-violent transfer of territory", STRATEGIC),
    ("Strategic development", STRATEGIC),
    ("Violence against civilians", VAC),
    ("Riots/Protests", PROTESTS),
];

/// The four ACLED layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Current,
    Hdx,
    PerActor,
    Pre2019,
}

impl Layout {
    fn detect(header: &Header) -> Option<Layout> {
        if !header.missing(&REQUIRED).is_empty() {
            return None;
        }
        Some(if !header.has("actor2") {
            Layout::PerActor
        } else if !header.has("sub_event_type") {
            Layout::Pre2019
        } else if header.has("data_id") {
            Layout::Hdx
        } else {
            Layout::Current
        })
    }

    fn describe(self) -> &'static str {
        match self {
            Layout::Current => "ACLED current export/API (2023 onward)",
            Layout::Hdx => "ACLED HDX re-publication (2020 era)",
            Layout::PerActor => "ACLED export tool, one row per actor (2019-2021)",
            Layout::Pre2019 => "ACLED pre-2019 (old event types)",
        }
    }
}

/// ACLED's actor types (`inter1`/`inter2`), as codes 1–8 or words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActorType {
    StateForces,
    RebelGroup,
    PoliticalMilitia,
    IdentityMilitia,
    Rioters,
    Protesters,
    Civilians,
    ExternalOther,
}

impl ActorType {
    fn parse(s: &str) -> Option<ActorType> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.trim_end_matches('s');
        Some(match t {
            "1" | "state force" => ActorType::StateForces,
            "2" | "rebel group" => ActorType::RebelGroup,
            "3" | "political militia" => ActorType::PoliticalMilitia,
            "4" | "identity militia" => ActorType::IdentityMilitia,
            "5" | "rioter" => ActorType::Rioters,
            "6" | "protester" => ActorType::Protesters,
            "7" | "civilian" => ActorType::Civilians,
            "8" | "external/other force" => ActorType::ExternalOther,
            _ => return None,
        })
    }

    fn is_non_state_armed(self) -> bool {
        matches!(
            self,
            ActorType::RebelGroup | ActorType::PoliticalMilitia | ActorType::IdentityMilitia
        )
    }
}

/// Says whether `head` (up to the first 64 KiB of a file) is an ACLED export: its header has
/// all of `event_id_cnty`, `event_date`, `event_type`, `actor1`, `country`, `latitude`,
/// `longitude`, `fatalities`. The file name is not used.
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    csv_rows::header_of(head)
        .and_then(|h| Layout::detect(&h))
        .is_some()
}

/// Reads an ACLED export from disk. See the module docs for layouts and mapping.
pub fn read_path(path: &Path) -> Result<ReadOutcome<Event>, IngestError> {
    let file = csv_rows::open(path)?;
    read(file, &path.to_string_lossy())
}

/// Reads ACLED rows from `input`; `file` names the file in quarantine records and errors.
pub fn read<R: Read>(input: R, file: &str) -> Result<ReadOutcome<Event>, IngestError> {
    let mut rows = CsvRows::new(input, file);
    let header = rows.header_expecting(expected_text())?;
    let start = Start::new(header, file)?;
    let parser = start.parser(file);
    let mut out = ReadOutcome::new(start.layout.describe());

    // Accepted rows, grouped by id in first-seen order (one row per group except in the
    // one-row-per-actor layout).
    let mut groups = Groups::default();
    let mut first_data_row = true;
    while let Some(row) = rows.next_record()? {
        if std::mem::take(&mut first_data_row) {
            if let Ok(row) = &row {
                if is_hxl_row(row.record.iter()) {
                    out.notes.push(hxl_note(row.line));
                    continue;
                }
            }
        }
        out.rows_read += 1;
        let row = match row {
            Ok(row) => row,
            Err(bad) => {
                out.quarantined
                    .push(bad.quarantine(file, &start.header, "UTF-8 text"));
                continue;
            }
        };
        match parser.draft(&row) {
            Ok(draft) => {
                if let Some(q) = groups.add(&parser, draft.into_parsed(), || row.raw()) {
                    out.quarantined.push(q);
                }
            }
            Err(r) => out
                .quarantined
                .push(parser.quarantine(row.line, r, row.raw())),
        }
    }
    for event in groups.finish() {
        if !event.flags.is_empty() {
            out.flagged += 1;
        }
        out.records.push(event);
    }
    Ok(out)
}

/// Like [`read`], but the file is cut into pieces parsed on `options.threads` threads
/// ([`super::pieces`]); the accepted events reach `each_batch` in file order, a piece at a
/// time, as rows of a table (`rows` lists the rows to take). In the one-row-per-actor layout
/// an event's rows may be anywhere in the file, so its events are handed on at the end. The
/// outcome (rows read, quarantine records with their lines, duplicates, flags, notes) is the
/// one [`read`] gives, with `records` empty. Also returns the file's SHA-256 and size.
///
/// When the header is not whole within the first 64 KiB, the file is read sequentially.
pub fn read_batches<R: Read + Send>(
    input: R,
    file: &str,
    options: PieceOptions,
    each_batch: &mut dyn FnMut(&EventTable, &[usize]),
) -> Result<(ReadOutcome<Event>, FileDigest), IngestError> {
    let mut input = std::io::BufReader::with_capacity(64 * 1024, input);
    let head = input.fill_buf().map_err(|source| IngestError::Io {
        path: file.into(),
        source,
    })?;
    let whole_file = head.len() < 64 * 1024;
    let mut head_rows = CsvRows::new(head, file);
    let header = head_rows.header_expecting(expected_text());
    let header_is_whole = whole_file || head_rows.next_row()?.is_some();
    if !header_is_whole {
        let mut hashing = super::pieces::HashingReader::new(input);
        let mut out = read(&mut hashing, file)?;
        let mut batch = EventTable::new();
        for event in out.records.drain(..) {
            batch.clear();
            batch.push(&event.view());
            each_batch(&batch, &[0]);
        }
        return Ok((out, hashing.digest()));
    }
    let start = Start::new(header?, file)?;
    let parser = start.parser(file);
    let mut merge = PieceMerge {
        parser: &parser,
        out: ReadOutcome::new(start.layout.describe()),
        records: 0,
        seen: HashMap::default(),
        groups: Groups::default(),
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
    let PieceMerge {
        mut out,
        groups,
        each_batch,
        ..
    } = merge;
    // The one-row-per-actor layout: events complete only now.
    let mut batch = EventTable::new();
    for event in groups.finish() {
        if !event.flags.is_empty() {
            out.flagged += 1;
        }
        batch.push(&event.view());
    }
    if !batch.is_empty() {
        let rows: Vec<usize> = (0..batch.len()).collect();
        each_batch(&batch, &rows);
    }
    Ok((out, digest))
}

fn expected_text() -> String {
    format!(
        "an ACLED export whose header has {} (plus actor2 and/or sub_event_type depending on the layout)",
        REQUIRED.join(",")
    )
}

fn hxl_note(line: u64) -> String {
    format!("HXL hashtag row on line {line} skipped (not data)")
}

/// What the header says: the layout and the columns of `extra`.
struct Start {
    header: Header,
    layout: Layout,
    /// The columns without a typed home, sorted by name (stable).
    extra_order: Vec<usize>,
}

impl Start {
    fn new(header: Header, file: &str) -> Result<Start, IngestError> {
        let Some(layout) = Layout::detect(&header) else {
            return Err(IngestError::UnknownLayout {
                path: file.into(),
                detail: format!(
                    "header [{}] lacks {}",
                    header.names().join(","),
                    header.missing(&REQUIRED).join(",")
                ),
                expected: expected_text(),
            });
        };
        let mut extra_order: Vec<usize> = (0..header.len())
            .filter(|&i| !TYPED_COLUMNS.contains(&header.name(i)))
            .collect();
        extra_order.sort_by_key(|&i| header.name(i));
        Ok(Start {
            header,
            layout,
            extra_order,
        })
    }

    fn parser<'a>(&'a self, file: &'a str) -> RowReader<'a> {
        let column = |name: &str| self.header.position(name);
        RowReader {
            file,
            header: &self.header,
            layout: self.layout,
            extra_order: &self.extra_order,
            columns: TypedColumns {
                event_id: column("event_id_cnty"),
                event_date: column("event_date"),
                latitude: column("latitude"),
                longitude: column("longitude"),
                fatalities: column("fatalities"),
                event_type: column("event_type"),
                actor1: column("actor1"),
                country: column("country"),
                time_precision: column("time_precision"),
                geo_precision: column("geo_precision"),
                admin1: column("admin1"),
                admin2: column("admin2"),
                sub_event_type: column("sub_event_type"),
                actor2: column("actor2"),
                assoc_actor_1: column("assoc_actor_1"),
                assoc_actor_2: column("assoc_actor_2"),
                civilian_targeting: column("civilian_targeting"),
                inter1: column("inter1"),
                inter2: column("inter2"),
            },
        }
    }
}

/// Accepted rows grouped by id, in first-seen order; a second row with an id is a duplicate,
/// except in the one-row-per-actor layout, where it is the event's next actor.
#[derive(Default)]
struct Groups {
    groups: Vec<Vec<Parsed>>,
    group_of: HashMap<String, usize>,
}

impl Groups {
    /// Adds an accepted row; a duplicate's quarantine record (with `raw()`) instead.
    fn add(
        &mut self,
        parser: &RowReader<'_>,
        parsed: Parsed,
        raw: impl FnOnce() -> String,
    ) -> Option<QuarantineRecord> {
        match self.group_of.get(&parsed.event.event_id) {
            Some(&g) if parser.layout == Layout::PerActor => {
                self.groups[g].push(parsed);
                None
            }
            Some(&g) => {
                let first_line = self.groups[g].first().map_or(0, |p| p.line);
                Some(parser.duplicate(parsed.line, &parsed.event.event_id, first_line, raw()))
            }
            None => {
                self.group_of
                    .insert(parsed.event.event_id.clone(), self.groups.len());
                self.groups.push(vec![parsed]);
                None
            }
        }
    }

    fn finish(self) -> impl Iterator<Item = Event> {
        self.groups
            .into_iter()
            .filter_map(merge_actor_rows)
            .map(finish)
    }
}

/// One row of a parsed piece.
enum PieceRow {
    /// Accepted when parsed: row `row` of the piece's table, starting at byte `offset`.
    Accepted {
        line: u64,
        offset: u64,
        row: usize,
    },
    /// One-row-per-actor layout: an accepted row, grouped with its event's other rows when
    /// merged.
    ActorRow(Box<Parsed>, u64),
    Refused(Box<QuarantineRecord>),
}

/// A piece parsed on a worker, waiting to be merged in file order.
struct ParsedPiece {
    bytes: Vec<u8>,
    first_line: u64,
    file_start: bool,
    table: EventTable,
    outcomes: Vec<PieceRow>,
    /// Whether each of the piece's first two records is an HXL hashtag row.
    hxl: [bool; 2],
    error: Option<IngestError>,
}

/// Merges parsed pieces in file order (see [`read_batches`]).
struct PieceMerge<'a, 'p> {
    parser: &'a RowReader<'p>,
    out: ReadOutcome<Event>,
    /// Records merged so far, the header included.
    records: u64,
    /// Ids of accepted rows, with the line where each was first seen.
    seen: HashMap<String, u64, ahash::RandomState>,
    groups: Groups,
    each_batch: &'a mut dyn FnMut(&EventTable, &[usize]),
}

impl PieceMerge<'_, '_> {
    fn merge(&mut self, piece: ParsedPiece) -> Result<(), IngestError> {
        let file = self.parser.file;
        let mut keep = Vec::with_capacity(piece.table.len());
        for (k, outcome) in piece.outcomes.into_iter().enumerate() {
            self.records += 1;
            match self.records {
                // The header, read before the pieces.
                1 => continue,
                2 if piece.hxl.get(k).copied().unwrap_or(false) => {
                    let line = match &outcome {
                        PieceRow::Accepted { line, .. } | PieceRow::ActorRow(_, line) => *line,
                        PieceRow::Refused(q) => q.line,
                    };
                    self.out.notes.push(hxl_note(line));
                    continue;
                }
                _ => {}
            }
            self.out.rows_read += 1;
            match outcome {
                PieceRow::Accepted { line, offset, row } => {
                    let id = piece.table.event_id(row);
                    if let Some(&first_line) = self.seen.get(id) {
                        let raw = super::csv_rows::raw_at(
                            &piece.bytes,
                            offset,
                            file,
                            piece.first_line,
                            piece.file_start,
                        );
                        let q = self.parser.duplicate(line, id, first_line, raw);
                        self.out.quarantined.push(q);
                    } else {
                        self.seen.insert(id.to_string(), line);
                        if piece.table.has_flags(row) {
                            self.out.flagged += 1;
                        }
                        keep.push(row);
                    }
                }
                PieceRow::ActorRow(parsed, offset) => {
                    let raw = || {
                        super::csv_rows::raw_at(
                            &piece.bytes,
                            offset,
                            file,
                            piece.first_line,
                            piece.file_start,
                        )
                    };
                    if let Some(q) = self.groups.add(self.parser, *parsed, raw) {
                        self.out.quarantined.push(q);
                    }
                }
                PieceRow::Refused(q) => self.out.quarantined.push(*q),
            }
        }
        (self.each_batch)(&piece.table, &keep);
        match piece.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// HDX's second line: every non-empty field is a `#hashtag`, and there is at least one.
fn is_hxl_row<'f>(fields: impl Iterator<Item = &'f str>) -> bool {
    let mut non_empty = fields.map(str::trim).filter(|f| !f.is_empty());
    let mut any = false;
    non_empty.all(|f| {
        any = true;
        f.starts_with('#')
    }) && any
}

/// An accepted row before event typing: the event with the source's event type as read, and
/// the actor types.
struct Parsed {
    line: u64,
    event: Event,
    event_type_source: String,
    event_type: SourceEventType,
    inter1: Option<ActorType>,
    inter2: Option<ActorType>,
}

struct Refusal {
    column: Option<String>,
    value: String,
    reason: String,
}

/// Where the typed columns are.
struct TypedColumns {
    event_id: Option<usize>,
    event_date: Option<usize>,
    latitude: Option<usize>,
    longitude: Option<usize>,
    fatalities: Option<usize>,
    event_type: Option<usize>,
    actor1: Option<usize>,
    country: Option<usize>,
    time_precision: Option<usize>,
    geo_precision: Option<usize>,
    admin1: Option<usize>,
    admin2: Option<usize>,
    sub_event_type: Option<usize>,
    actor2: Option<usize>,
    assoc_actor_1: Option<usize>,
    assoc_actor_2: Option<usize>,
    civilian_targeting: Option<usize>,
    inter1: Option<usize>,
    inter2: Option<usize>,
}

struct RowReader<'a> {
    file: &'a str,
    header: &'a Header,
    layout: Layout,
    extra_order: &'a [usize],
    columns: TypedColumns,
}

/// Columns with a typed home in [`Event`] (not copied into `extra`).
const TYPED_COLUMNS: [&str; 17] = [
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "civilian_targeting",
    "country",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
];

/// A row's fields, checked and typed, borrowed from the row: what [`Parsed`] holds, before
/// any text is copied.
struct Draft<'r> {
    line: u64,
    event_id: &'r str,
    date: NaiveDate,
    lat: f64,
    lon: f64,
    fatalities: u32,
    event_type_source: &'r str,
    event_type: SourceEventType,
    side_a: &'r str,
    country: &'r str,
    date_precision: Option<u8>,
    location_precision: Option<u8>,
    admin1: Option<&'r str>,
    admin2: Option<&'r str>,
    sub_event_type: Option<&'r str>,
    side_b: Option<&'r str>,
    assoc_actor_1: &'r str,
    assoc_actor_2: &'r str,
    civilian_targeting: bool,
    inter1: Option<ActorType>,
    inter2: Option<ActorType>,
    /// `extra` in key order.
    extra: Vec<(&'r str, &'r str)>,
}

impl<'r> Draft<'r> {
    fn into_parsed(self) -> Parsed {
        let text = |s: Option<&str>| s.map(str::to_string);
        Parsed {
            line: self.line,
            event: Event {
                source: EventSource::Acled,
                event_id: self.event_id.to_string(),
                release: None,
                date_start: self.date,
                date_end: Some(self.date),
                date_precision: self.date_precision,
                country: self.country.to_string(),
                admin1: text(self.admin1),
                admin2: text(self.admin2),
                lat: self.lat,
                lon: self.lon,
                location_precision: self.location_precision,
                violence_type: None,
                event_type: None,
                sub_event_type: text(self.sub_event_type),
                conflict_name: None,
                side_a: self.side_a.to_string(),
                side_b: text(self.side_b),
                side_a_associates: split_associates(self.assoc_actor_1),
                side_b_associates: split_associates(self.assoc_actor_2),
                fatalities_low: None,
                fatalities_best: self.fatalities,
                fatalities_high: None,
                civilian_targeting: self.civilian_targeting,
                flags: Vec::new(),
                extra: self
                    .extra
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            },
            event_type_source: self.event_type_source.to_string(),
            event_type: self.event_type,
            inter1: self.inter1,
            inter2: self.inter2,
        }
    }

    /// The finished event of a single-row layout, as [`finish`] makes it from
    /// [`Draft::into_parsed`], borrowed (`associates` and `flags` hold what the view lends).
    fn view<'v>(
        &'v mut self,
        associates: &'v mut [Vec<String>; 2],
        flags: &'v mut Vec<EventFlag>,
    ) -> EventView<'v> {
        let (event_type, legacy) = self.event_type.map(self.inter1, self.inter2);
        if legacy {
            let at = self
                .extra
                .partition_point(|(k, _)| *k < "event_type_original");
            match self.extra.get_mut(at) {
                Some(entry) if entry.0 == "event_type_original" => entry.1 = self.event_type_source,
                _ => self
                    .extra
                    .insert(at, ("event_type_original", self.event_type_source)),
            }
            flags.push(EventFlag::LegacyEventType);
        }
        let civilian_targeting = self.civilian_targeting || event_type == VAC;
        if matches!(event_type, PROTESTS | RIOTS | STRATEGIC) {
            flags.push(EventFlag::NotPoliticalViolence);
        }
        associates[0] = split_associates(self.assoc_actor_1);
        associates[1] = split_associates(self.assoc_actor_2);
        let [side_a_associates, side_b_associates] = &*associates;
        EventView {
            source: EventSource::Acled,
            event_id: self.event_id,
            release: None,
            date_start: self.date,
            date_end: Some(self.date),
            date_precision: self.date_precision,
            country: self.country,
            admin1: self.admin1,
            admin2: self.admin2,
            lat: self.lat,
            lon: self.lon,
            location_precision: self.location_precision,
            violence_type: violence_type(event_type, self.inter1, self.inter2, civilian_targeting),
            event_type: Some(event_type),
            sub_event_type: self.sub_event_type,
            conflict_name: None,
            side_a: self.side_a,
            side_b: self.side_b,
            side_a_associates,
            side_b_associates,
            fatalities_low: None,
            fatalities_best: self.fatalities,
            fatalities_high: None,
            civilian_targeting,
            flags,
            extra: ExtraView::Pairs(&self.extra),
        }
    }
}

impl<'a> RowReader<'a> {
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

    fn duplicate(&self, line: u64, id: &str, first_line: u64, raw: String) -> QuarantineRecord {
        QuarantineRecord {
            file: self.file.to_string(),
            line,
            column: Some("event_id_cnty".to_string()),
            value: id.to_string(),
            reason: format!("duplicate id within file (first seen on line {first_line})"),
            raw,
        }
    }

    /// Parses one piece's records (see [`read_batches`]).
    fn parse_piece(&self, piece: Piece) -> ParsedPiece {
        let file_start = piece.index == 0;
        let mut rows = CsvRows::continuing(
            piece.bytes.as_slice(),
            self.file,
            piece.first_line,
            file_start,
        );
        let mut table = EventTable::new();
        let mut outcomes = Vec::new();
        let mut hxl = [false; 2];
        let mut error = None;
        let mut associates = [Vec::new(), Vec::new()];
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
            if let Some(h) = hxl.get_mut(outcomes.len()) {
                *h = is_hxl_row(row.record.iter());
            }
            let outcome = match self.draft(&row) {
                Ok(draft) if self.layout == Layout::PerActor => {
                    PieceRow::ActorRow(Box::new(draft.into_parsed()), row.offset)
                }
                Ok(mut draft) => {
                    let mut flags = Vec::new();
                    let view = draft.view(&mut associates, &mut flags);
                    PieceRow::Accepted {
                        line: row.line,
                        offset: row.offset,
                        row: table.push(&view),
                    }
                }
                Err(r) => PieceRow::Refused(Box::new(self.quarantine(row.line, r, row.raw()))),
            };
            outcomes.push(outcome);
        }
        ParsedPiece {
            bytes: piece.bytes,
            first_line: piece.first_line,
            file_start,
            table,
            outcomes,
            hxl,
            error,
        }
    }

    fn draft<'r>(&self, row: &'r TextRecord<'_>) -> Result<Draft<'r>, Refusal>
    where
        'a: 'r,
    {
        if row.len() != self.header.len() {
            return Err(Refusal {
                column: None,
                value: String::new(),
                reason: format!(
                    "{} fields as in the header, found {}",
                    self.header.len(),
                    row.len()
                ),
            });
        }
        let field = |i: Option<usize>| -> &'r str { i.map_or("", |i| row.get(i).trim()) };
        let opt =
            |i: Option<usize>| -> Option<&'r str> { Some(field(i)).filter(|s| !s.is_empty()) };
        let refuse = |i: Option<usize>, name: &str, reason: &str| Refusal {
            column: Some(name.to_string()),
            value: field(i).to_string(),
            reason: reason.to_string(),
        };
        let non_empty = |i: Option<usize>, name: &str| -> Result<&'r str, Refusal> {
            opt(i).ok_or_else(|| refuse(i, name, &format!("a non-empty {name}")))
        };
        let c = &self.columns;

        let event_id = non_empty(c.event_id, "event_id_cnty")?;
        let date = parse_acled_date(field(c.event_date)).ok_or_else(|| {
            refuse(
                c.event_date,
                "event_date",
                "a date as YYYY-MM-DD or like 22 February 2019",
            )
        })?;
        let lat = parse_coordinate(field(c.latitude), 90.0)
            .ok_or_else(|| refuse(c.latitude, "latitude", "latitude in [-90, 90]"))?;
        let lon = parse_coordinate(field(c.longitude), 180.0)
            .ok_or_else(|| refuse(c.longitude, "longitude", "longitude in [-180, 180]"))?;
        let fatalities: u32 = field(c.fatalities).parse().map_err(|_| {
            refuse(
                c.fatalities,
                "fatalities",
                "a non-negative whole number of fatalities",
            )
        })?;
        let event_type_source = field(c.event_type);
        let event_type = SourceEventType::classify(event_type_source, self.layout).ok_or_else(|| {
            refuse(
                c.event_type,
                "event_type",
                "one of ACLED's event types (Battles, Explosions/Remote violence, Violence against civilians, Protests, Riots, Strategic developments, or a pre-2019 type)",
            )
        })?;
        let side_a = non_empty(c.actor1, "actor1")?;
        let country = non_empty(c.country, "country")?;
        let precision = |i: Option<usize>, name: &str| -> Result<Option<u8>, Refusal> {
            match field(i) {
                "" => Ok(None),
                v => v
                    .parse::<u8>()
                    .map(Some)
                    .map_err(|_| refuse(i, name, "a precision code 1 (exact) to 3 (coarse)")),
            }
        };
        let date_precision = precision(c.time_precision, "time_precision")?;
        let location_precision = precision(c.geo_precision, "geo_precision")?;

        // In key order; of two columns with one name, the later non-empty one.
        let mut extra: Vec<(&'r str, &'r str)> = Vec::new();
        for &i in self.extra_order {
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

        Ok(Draft {
            line: row.line,
            event_id,
            date,
            lat,
            lon,
            fatalities,
            event_type_source,
            event_type,
            side_a,
            country,
            date_precision,
            location_precision,
            admin1: opt(c.admin1),
            admin2: opt(c.admin2),
            sub_event_type: opt(c.sub_event_type),
            side_b: opt(c.actor2),
            assoc_actor_1: field(c.assoc_actor_1),
            assoc_actor_2: field(c.assoc_actor_2),
            civilian_targeting: !field(c.civilian_targeting).is_empty(),
            inter1: ActorType::parse(field(c.inter1)),
            inter2: if self.layout == Layout::PerActor {
                None
            } else {
                ActorType::parse(field(c.inter2))
            },
            extra,
        })
    }
}

fn split_associates(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

/// `2019-02-22`, `22 February 2019` or `22-February-2019`.
fn parse_acled_date(s: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d %B %Y", "%d-%B-%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// Folds the rows of one event (one-row-per-actor layout) into one; a single row is returned
/// as is. None only for an empty group (never built).
fn merge_actor_rows(rows: Vec<Parsed>) -> Option<Parsed> {
    let mut rows = rows.into_iter();
    let mut first = rows.next()?;
    let rest: Vec<Parsed> = rows.collect();
    if rest.is_empty() {
        return Some(first);
    }
    let mut notes = Vec::new();
    if let Some(second) = rest.first() {
        first.event.side_b = Some(second.event.side_a.clone());
        first.event.side_b_associates = second.event.side_a_associates.clone();
        first.inter2 = second.inter1;
        if let Some(inter) = second.event.extra.get("inter1") {
            first
                .event
                .extra
                .insert("inter2".to_string(), inter.clone());
        }
        first.event.civilian_targeting |= second.event.civilian_targeting;
    }
    if rest.len() > 1 {
        let more: Vec<&str> = rest[1..].iter().map(|p| p.event.side_a.as_str()).collect();
        first
            .event
            .extra
            .insert("additional_actors".to_string(), more.join("; "));
        notes.push(format!(
            "{} rows for one event; actors beyond the second are in additional_actors",
            rest.len() + 1
        ));
    }
    let mut differs = |what: &str, values: Vec<String>| {
        if values.iter().any(|v| *v != values[0]) {
            notes.push(format!(
                "rows disagree on {what} ({}); the first row's value is kept",
                values.join(", ")
            ));
        }
    };
    let all: Vec<&Event> = std::iter::once(&first.event)
        .chain(rest.iter().map(|p| &p.event))
        .collect();
    differs(
        "event_date",
        all.iter().map(|e| e.date_start.to_string()).collect(),
    );
    differs(
        "fatalities",
        all.iter().map(|e| e.fatalities_best.to_string()).collect(),
    );
    differs(
        "coordinates",
        all.iter().map(|e| format!("{} {}", e.lat, e.lon)).collect(),
    );
    if !notes.is_empty() {
        first.event.flags.push(EventFlag::ActorRowsMismatch);
        first
            .event
            .extra
            .insert("actor_rows_note".to_string(), notes.join("; "));
    }
    Some(first)
}

/// How a source `event_type` maps to today's typology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceEventType {
    /// Already one of today's types.
    Current(&'static str),
    /// A pre-2019 type with a fixed mapping to today's.
    Old(&'static str),
    /// The old `Riots/Protests`, decided per event (needs both sides' actor types).
    RiotsProtests,
}

impl SourceEventType {
    /// None for a text that is no ACLED event type. `Violence against civilians` counts as
    /// old in the pre-2019 layout (its definition changed in 2019).
    fn classify(source: &str, layout: Layout) -> Option<SourceEventType> {
        if source == "Riots/Protests" {
            return Some(SourceEventType::RiotsProtests);
        }
        if source == VAC && layout == Layout::Pre2019 {
            return Some(SourceEventType::Old(VAC));
        }
        if let Some(current) = CURRENT_EVENT_TYPES.iter().find(|t| **t == source) {
            return Some(SourceEventType::Current(current));
        }
        OLD_EVENT_TYPES
            .iter()
            .find(|(old, _)| *old == source)
            .map(|(_, new)| SourceEventType::Old(new))
    }

    /// Today's event type, and whether it was mapped from the old typology.
    /// `Riots/Protests` → `Riots` when either side is Rioters, else `Protests`.
    fn map(self, inter1: Option<ActorType>, inter2: Option<ActorType>) -> (&'static str, bool) {
        match self {
            SourceEventType::Current(t) => (t, false),
            SourceEventType::Old(t) => (t, true),
            SourceEventType::RiotsProtests => {
                let rioters =
                    inter1 == Some(ActorType::Rioters) || inter2 == Some(ActorType::Rioters);
                (if rioters { RIOTS } else { PROTESTS }, true)
            }
        }
    }
}

/// UCDP's violence type for an ACLED event (rule in the module docs).
fn violence_type(
    event_type: &str,
    inter1: Option<ActorType>,
    inter2: Option<ActorType>,
    civilian_targeting: bool,
) -> Option<ViolenceType> {
    let either = |t: ActorType| inter1 == Some(t) || inter2 == Some(t);
    match event_type {
        VAC => Some(ViolenceType::OneSided),
        BATTLES | EXPLOSIONS => {
            if event_type == EXPLOSIONS && (civilian_targeting || either(ActorType::Civilians)) {
                Some(ViolenceType::OneSided)
            } else if either(ActorType::StateForces) {
                Some(ViolenceType::StateBased)
            } else if inter1.is_some_and(ActorType::is_non_state_armed)
                && inter2.is_some_and(ActorType::is_non_state_armed)
            {
                Some(ViolenceType::NonState)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Sets event type, violence type, civilian targeting and flags.
fn finish(parsed: Parsed) -> Event {
    let Parsed {
        mut event,
        event_type_source,
        event_type,
        inter1,
        inter2,
        ..
    } = parsed;
    let (event_type, legacy) = event_type.map(inter1, inter2);
    if legacy {
        event
            .extra
            .insert("event_type_original".to_string(), event_type_source);
        event.flags.push(EventFlag::LegacyEventType);
    }
    if event_type == VAC {
        event.civilian_targeting = true;
    }
    event.violence_type = violence_type(event_type, inter1, inter2, event.civilian_targeting);
    if matches!(event_type, PROTESTS | RIOTS | STRATEGIC) {
        event.flags.push(EventFlag::NotPoliticalViolence);
    }
    event.event_type = Some(event_type.to_string());
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURRENT: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";
    const HDX: &str = "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3";
    const PER_ACTOR: &str = "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,inter1,interaction,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3";
    const PRE_2019: &str = "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3";

    /// A CSV line for `header` with the given values by column name (others empty).
    fn row(header: &str, values: &[(&str, &str)]) -> String {
        header
            .split(',')
            .map(|col| {
                let v = values
                    .iter()
                    .find(|(c, _)| *c == col)
                    .map_or("", |(_, v)| *v);
                if v.contains([',', '"', '\n']) {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// A valid base row (Mali, a battle, 2 killed), with `changes` applied.
    fn base<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut v: Vec<(&str, &str)> = vec![
            ("data_id", "100"),
            ("iso", "466"),
            ("event_id_cnty", "TST1"),
            ("event_id_no_cnty", "1"),
            ("event_date", "2020-06-01"),
            ("year", "2020"),
            ("time_precision", "1"),
            ("event_type", "Battles"),
            ("sub_event_type", "Armed clash"),
            ("actor1", "Military Forces of Testland"),
            ("inter1", "1"),
            ("actor2", "Test Front"),
            ("inter2", "2"),
            ("country", "Testland"),
            ("admin1", "North"),
            ("latitude", "15.1"),
            ("longitude", "-2.5"),
            ("geo_precision", "2"),
            ("notes", "Invented, with a \"quote\", and a comma."),
            ("fatalities", "2"),
            ("iso3", "TST"),
        ];
        for (c, val) in changes {
            match v.iter_mut().find(|(k, _)| k == c) {
                Some(slot) => slot.1 = val,
                None => v.push((c, val)),
            }
        }
        v
    }

    fn read_text(header: &str, rows: &[String]) -> ReadOutcome<Event> {
        let text = format!("{header}\n{}\n", rows.join("\n"));
        same_in_pieces(text.as_bytes()).expect("reads")
    }

    /// Reads `text` sequentially and in pieces (1, 2 and 3 threads; pieces cut after every
    /// record and every few bytes), checks every outcome is the sequential one, and returns it.
    fn same_in_pieces(text: &[u8]) -> Option<ReadOutcome<Event>> {
        let sequential = read(text, "acled_test.csv");
        for threads in [1, 2, 3] {
            for piece_bytes in [1, 7, 100, 1 << 20] {
                // One thread: split, parsed and merged one piece after the other on this
                // thread (the one-pass reading of small files).
                let options = PieceOptions {
                    threads,
                    piece_bytes,
                    one_pass_max_bytes: 0,
                };
                let mut events = Vec::new();
                let pieces = read_batches(text, "acled_test.csv", options, &mut |batch, rows| {
                    events.extend(
                        rows.iter()
                            .filter_map(|&r| batch.view(r))
                            .map(|v| v.to_event()),
                    )
                });
                match (&sequential, pieces) {
                    (Ok(s), Ok((mut p, digest))) => {
                        p.records = events;
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
    fn current_layout_with_words_for_actor_types() {
        let out = read_text(
            CURRENT,
            &[row(
                CURRENT,
                &base(&[
                    ("inter1", "Rebel group"),
                    ("inter2", "Identity militia"),
                    ("assoc_actor_1", "Group A; Group B"),
                    ("tags", "crowd size=no report"),
                ]),
            )],
        );
        assert_eq!(out.layout, "ACLED current export/API (2023 onward)");
        assert_eq!(out.rows_read, 1);
        let e = &out.records[0];
        assert_eq!(e.violence_type, Some(ViolenceType::NonState));
        assert_eq!(e.side_a_associates, vec!["Group A", "Group B"]);
        assert_eq!(e.date_end, Some(e.date_start));
        assert_eq!(e.location_precision, Some(2));
        assert_eq!(e.date_precision, Some(1));
        assert_eq!(
            e.extra.get("notes").map(String::as_str),
            Some("Invented, with a \"quote\", and a comma.")
        );
        assert_eq!(
            e.extra.get("inter2").map(String::as_str),
            Some("Identity militia")
        );
        assert!(!e.extra.contains_key("fatalities"));
        assert!(e.flags.is_empty());
    }

    #[test]
    fn hdx_layout_skips_the_hxl_row() {
        let hxl = row(
            HDX,
            &[
                ("event_id_cnty", "#event+code"),
                ("event_date", "#date+occurred"),
                ("country", "#country+name"),
                ("latitude", "#geo+lat"),
                ("longitude", "#geo+lon"),
                ("fatalities", "#affected+killed"),
            ],
        );
        let out = read_text(
            HDX,
            &[
                hxl,
                row(HDX, &base(&[])),
                row(
                    HDX,
                    &base(&[
                        ("event_id_cnty", "TST2"),
                        ("event_type", "Explosions/Remote violence"),
                        ("sub_event_type", "Air/drone strike"),
                        ("actor2", "Civilians (Testland)"),
                        ("inter2", "7"),
                    ]),
                ),
            ],
        );
        assert_eq!(out.layout, "ACLED HDX re-publication (2020 era)");
        assert_eq!(out.rows_read, 2, "the HXL row is not data");
        assert!(out.quarantined.is_empty(), "{:?}", out.quarantined);
        assert!(out.notes[0].contains("line 2"));
        assert_eq!(out.records[0].violence_type, Some(ViolenceType::StateBased));
        assert_eq!(out.records[1].violence_type, Some(ViolenceType::OneSided));
        assert!(!out.records[1].civilian_targeting);
    }

    #[test]
    fn per_actor_rows_become_one_event() {
        let a1 = base(&[
            ("event_date", "31 December 2020"),
            ("assoc_actor_1", "Militia X"),
        ]);
        let b1 = base(&[
            ("event_date", "31 December 2020"),
            ("actor1", "Test Front"),
            ("inter1", "2"),
        ]);
        let lone = base(&[
            ("event_id_cnty", "TST9"),
            ("event_date", "30 December 2020"),
            ("event_type", "Protests"),
            ("sub_event_type", "Peaceful protest"),
            ("actor1", "Protesters (Testland)"),
            ("inter1", "6"),
            ("fatalities", "0"),
        ]);
        // three rows for TST3, disagreeing on fatalities
        let c1 = base(&[("event_id_cnty", "TST3"), ("event_date", "1 January 2021")]);
        let c2 = base(&[
            ("event_id_cnty", "TST3"),
            ("event_date", "1 January 2021"),
            ("actor1", "Test Front"),
            ("inter1", "2"),
            ("fatalities", "5"),
        ]);
        let c3 = base(&[
            ("event_id_cnty", "TST3"),
            ("event_date", "1 January 2021"),
            ("actor1", "Other Front"),
            ("inter1", "2"),
        ]);
        let out = read_text(
            PER_ACTOR,
            &[
                row(PER_ACTOR, &a1),
                row(PER_ACTOR, &lone),
                row(PER_ACTOR, &c1),
                row(PER_ACTOR, &b1),
                row(PER_ACTOR, &c2),
                row(PER_ACTOR, &c3),
            ],
        );
        assert_eq!(
            out.layout,
            "ACLED export tool, one row per actor (2019-2021)"
        );
        assert_eq!(out.rows_read, 6);
        assert!(out.quarantined.is_empty(), "{:?}", out.quarantined);
        let ids: Vec<&str> = out.records.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, vec!["TST1", "TST9", "TST3"], "first-seen order");

        let pair = &out.records[0];
        assert_eq!(pair.side_a, "Military Forces of Testland");
        assert_eq!(pair.side_b.as_deref(), Some("Test Front"));
        assert_eq!(pair.side_a_associates, vec!["Militia X"]);
        assert_eq!(pair.fatalities_best, 2, "counted once");
        assert_eq!(
            pair.date_start,
            NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()
        );
        assert_eq!(pair.violence_type, Some(ViolenceType::StateBased));
        assert_eq!(pair.extra.get("inter2").map(String::as_str), Some("2"));
        assert!(pair.flags.is_empty());

        let protest = &out.records[1];
        assert_eq!(protest.side_b, None);
        assert_eq!(protest.flags, vec![EventFlag::NotPoliticalViolence]);

        let triple = &out.records[2];
        assert_eq!(triple.flags, vec![EventFlag::ActorRowsMismatch]);
        assert_eq!(triple.fatalities_best, 2);
        assert_eq!(triple.side_b.as_deref(), Some("Test Front"));
        assert_eq!(
            triple.extra.get("additional_actors").map(String::as_str),
            Some("Other Front")
        );
        assert_eq!(
            triple.extra.get("actor_rows_note").map(String::as_str),
            Some("3 rows for one event; actors beyond the second are in additional_actors; rows disagree on fatalities (2, 5, 2); the first row's value is kept")
        );
        assert_eq!(out.flagged, 2);
    }

    #[test]
    fn pre_2019_layout_maps_old_event_types() {
        let rows = [
            base(&[
                ("event_date", "22 February 2018"),
                ("event_type", "Battle-Government regains territory"),
            ]),
            base(&[
                ("event_id_cnty", "TST2"),
                ("event_date", "23 February 2018"),
                ("event_type", "Riots/Protests"),
                ("actor1", "Rioters (Testland)"),
                ("inter1", "5"),
                ("actor2", ""),
                ("inter2", "0"),
            ]),
            base(&[
                ("event_id_cnty", "TST3"),
                ("event_date", "24 February 2018"),
                ("event_type", "Riots/Protests"),
                ("actor1", "Protesters (Testland)"),
                ("inter1", "6"),
                ("actor2", "Police Forces of Testland"),
                ("inter2", "1"),
            ]),
            base(&[
                ("event_id_cnty", "TST4"),
                ("event_date", "25 February 2018"),
                ("event_type", "Violence against civilians"),
                ("actor2", "Civilians (Testland)"),
                ("inter2", "7"),
            ]),
            base(&[
                ("event_id_cnty", "TST5"),
                ("event_date", "26 February 2018"),
                ("event_type", "Remote violence"),
                ("actor1", "Test Front"),
                ("inter1", "2"),
                ("actor2", "Other Front"),
                ("inter2", "3"),
            ]),
        ];
        let lines: Vec<String> = rows.iter().map(|r| row(PRE_2019, r)).collect();
        let out = read_text(PRE_2019, &lines);
        assert_eq!(out.layout, "ACLED pre-2019 (old event types)");
        assert!(out.quarantined.is_empty(), "{:?}", out.quarantined);
        let got: Vec<(&str, Option<ViolenceType>, &str)> = out
            .records
            .iter()
            .map(|e| {
                (
                    e.event_type.as_deref().unwrap_or(""),
                    e.violence_type,
                    e.extra
                        .get("event_type_original")
                        .map_or("", |s| s.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Battles",
                    Some(ViolenceType::StateBased),
                    "Battle-Government regains territory"
                ),
                ("Riots", None, "Riots/Protests"),
                ("Protests", None, "Riots/Protests"),
                (
                    "Violence against civilians",
                    Some(ViolenceType::OneSided),
                    "Violence against civilians"
                ),
                (
                    "Explosions/Remote violence",
                    Some(ViolenceType::NonState),
                    "Remote violence"
                ),
            ]
        );
        assert!(out
            .records
            .iter()
            .all(|e| e.has_flag(EventFlag::LegacyEventType)));
        assert!(out.records[1].has_flag(EventFlag::NotPoliticalViolence));
        assert!(out.records[3].civilian_targeting);
        assert_eq!(out.records[0].sub_event_type, None);
        assert_eq!(out.flagged, 5);
    }

    #[test]
    fn malformed_rows_are_quarantined_with_reasons() {
        let rows = [
            base(&[("event_date", "31/12/2020")]),
            base(&[("event_id_cnty", "TST2"), ("latitude", "91.5")]),
            base(&[("event_id_cnty", "TST3"), ("fatalities", "-3")]),
            base(&[("event_id_cnty", "TST4"), ("event_type", "Skirmish")]),
            base(&[("event_id_cnty", "TST5")]),
            base(&[("event_id_cnty", "TST5")]),
            base(&[("event_id_cnty", "")]),
        ];
        let mut lines: Vec<String> = rows.iter().map(|r| row(HDX, r)).collect();
        lines.push("TST7,too,few".to_string());
        let out = read_text(HDX, &lines);
        assert_eq!(out.rows_read, 8);
        assert_eq!(out.records.len(), 1);
        let got = out.quarantine_summary();
        assert_eq!(
            got,
            vec![
                (2, Some("event_date"), "31/12/2020", "a date as YYYY-MM-DD or like 22 February 2019"),
                (3, Some("latitude"), "91.5", "latitude in [-90, 90]"),
                (4, Some("fatalities"), "-3", "a non-negative whole number of fatalities"),
                (5, Some("event_type"), "Skirmish", "one of ACLED's event types (Battles, Explosions/Remote violence, Violence against civilians, Protests, Riots, Strategic developments, or a pre-2019 type)"),
                (7, Some("event_id_cnty"), "TST5", "duplicate id within file (first seen on line 6)"),
                (8, Some("event_id_cnty"), "", "a non-empty event_id_cnty"),
                (9, None, "", "31 fields as in the header, found 3"),
            ]
        );
        assert!(out.quarantined[0]
            .raw
            .contains("\"Invented, with a \"\"quote\"\", and a comma.\""));
    }

    /// Quarantined rows name the line an editor shows in a CRLF file with a quoted field
    /// spanning two lines, a blank line and a row that is not UTF-8.
    #[test]
    fn crlf_file_with_embedded_newline_gives_editor_lines() {
        let multi_line = row(
            CURRENT,
            &base(&[("notes", "Invented.\r\nSecond line, after a CRLF.")]),
        );
        let bad_latitude = row(
            CURRENT,
            &base(&[("event_id_cnty", "TST2"), ("latitude", "95")]),
        );
        let duplicate = row(CURRENT, &base(&[]));
        let not_utf8 = row(
            CURRENT,
            &base(&[("event_id_cnty", "TST3"), ("notes", "caf\u{1}")]),
        );
        let text = [
            CURRENT,
            &multi_line,
            &bad_latitude,
            "",
            &duplicate,
            &not_utf8,
            "",
        ]
        .join("\r\n");
        // \u{1} stands for a Latin-1 `é` (E9), which is not UTF-8.
        let bytes: Vec<u8> = text
            .bytes()
            .map(|b| if b == 1 { 0xE9 } else { b })
            .collect();
        let out = same_in_pieces(&bytes).expect("reads");
        assert_eq!(out.rows_read, 4);
        assert_eq!(out.records.len(), 1);
        assert_eq!(
            out.records[0].extra.get("notes").map(String::as_str),
            Some("Invented.\r\nSecond line, after a CRLF.")
        );
        let got = out.quarantine_summary();
        assert_eq!(
            got,
            vec![
                // header 1, first record 2-3, this one 4, blank line 5
                (4, Some("latitude"), "95", "latitude in [-90, 90]"),
                (
                    6,
                    Some("event_id_cnty"),
                    "TST1",
                    "duplicate id within file (first seen on line 2)"
                ),
                (7, Some("notes"), "caf\u{fffd}", "UTF-8 text"),
            ]
        );
    }

    #[test]
    fn unknown_layout_and_sniff() {
        assert!(same_in_pieces(b"").is_none());
        let err = read(
            "event_id_cnty,event_date\nX,2020-01-01\n".as_bytes(),
            "a.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("lacks event_type,actor1,country,latitude,longitude,fatalities"),
            "{err}"
        );
        for header in [CURRENT, HDX, PER_ACTOR, PRE_2019] {
            assert!(sniff(header.as_bytes(), "x.csv"), "{header}");
        }
        assert!(!sniff(b"id,year,month,day,country\n", "x.csv"));
    }
}
