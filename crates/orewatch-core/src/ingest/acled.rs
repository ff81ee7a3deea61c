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
use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;

use super::csv_rows::{self, CsvRows, Header, Row};
use super::text::parse_coordinate;
use super::{IngestError, ReadOutcome};
use crate::model::{Event, EventFlag, EventSource, Extra, QuarantineRecord, ViolenceType};

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
    let expected = || {
        format!(
            "an ACLED export whose header has {} (plus actor2 and/or sub_event_type depending on the layout)",
            REQUIRED.join(",")
        )
    };
    let header = rows.header_expecting(expected())?;
    let Some(layout) = Layout::detect(&header) else {
        return Err(IngestError::UnknownLayout {
            path: file.into(),
            detail: format!(
                "header [{}] lacks {}",
                header.names().join(","),
                header.missing(&REQUIRED).join(",")
            ),
            expected: expected(),
        });
    };
    let mut out = ReadOutcome::new(layout.describe());
    let reader = RowReader {
        header: &header,
        layout,
    };

    let mut pending = rows.next_row()?;
    if let Some(Ok(row)) = &pending {
        if is_hxl_row(&row.fields) {
            out.notes.push(format!(
                "HXL hashtag row on line {} skipped (not data)",
                row.line
            ));
            pending = rows.next_row()?;
        }
    }

    // Accepted rows, grouped by id in first-seen order (one row per group except in the
    // one-row-per-actor layout).
    let mut groups: Vec<Vec<Parsed>> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    while let Some(row) = pending {
        out.rows_read += 1;
        let row = match row {
            Ok(row) => row,
            Err(bad) => {
                out.quarantined
                    .push(bad.quarantine(file, &header, "UTF-8 text"));
                pending = rows.next_row()?;
                continue;
            }
        };
        match reader.parse(&row) {
            Ok(parsed) => match group_of.get(&parsed.event.event_id) {
                Some(&g) if layout == Layout::PerActor => groups[g].push(parsed),
                Some(&g) => {
                    let first_line = groups[g].first().map_or(0, |p| p.line);
                    out.quarantined.push(quarantine(
                        file,
                        &row,
                        Some("event_id_cnty"),
                        &parsed.event.event_id,
                        format!("duplicate id within file (first seen on line {first_line})"),
                    ));
                }
                None => {
                    group_of.insert(parsed.event.event_id.clone(), groups.len());
                    groups.push(vec![parsed]);
                }
            },
            Err(r) => out.quarantined.push(quarantine(
                file,
                &row,
                r.column.as_deref(),
                &r.value,
                r.reason,
            )),
        }
        pending = rows.next_row()?;
    }

    for parsed in groups.into_iter().filter_map(merge_actor_rows) {
        let event = finish(parsed);
        if !event.flags.is_empty() {
            out.flagged += 1;
        }
        out.records.push(event);
    }
    Ok(out)
}

fn quarantine(
    file: &str,
    row: &Row,
    column: Option<&str>,
    value: &str,
    reason: String,
) -> QuarantineRecord {
    QuarantineRecord {
        file: file.to_string(),
        line: row.line,
        column: column.map(str::to_string),
        value: value.to_string(),
        reason,
        raw: row.raw(),
    }
}

/// HDX's second line: every non-empty field is a `#hashtag`, and there is at least one.
fn is_hxl_row(fields: &[String]) -> bool {
    let mut non_empty = fields.iter().map(|f| f.trim()).filter(|f| !f.is_empty());
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

struct RowReader<'a> {
    header: &'a Header,
    layout: Layout,
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

impl RowReader<'_> {
    fn parse(&self, row: &Row) -> Result<Parsed, Refusal> {
        let fields = &row.fields;
        if fields.len() != self.header.len() {
            return Err(Refusal {
                column: None,
                value: String::new(),
                reason: format!(
                    "{} fields as in the header, found {}",
                    self.header.len(),
                    fields.len()
                ),
            });
        }
        let field = |name: &str| -> &str {
            self.header
                .position(name)
                .and_then(|i| fields.get(i))
                .map_or("", |s| s.trim())
        };
        let opt = |name: &str| -> Option<String> {
            Some(field(name))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let refuse = |name: &str, reason: &str| Refusal {
            column: Some(name.to_string()),
            value: field(name).to_string(),
            reason: reason.to_string(),
        };
        let non_empty = |name: &str| -> Result<String, Refusal> {
            opt(name).ok_or_else(|| refuse(name, &format!("a non-empty {name}")))
        };

        let event_id = non_empty("event_id_cnty")?;
        let date = parse_acled_date(field("event_date")).ok_or_else(|| {
            refuse(
                "event_date",
                "a date as YYYY-MM-DD or like 22 February 2019",
            )
        })?;
        let lat = parse_coordinate(field("latitude"), 90.0)
            .ok_or_else(|| refuse("latitude", "latitude in [-90, 90]"))?;
        let lon = parse_coordinate(field("longitude"), 180.0)
            .ok_or_else(|| refuse("longitude", "longitude in [-180, 180]"))?;
        let fatalities: u32 = field("fatalities")
            .parse()
            .map_err(|_| refuse("fatalities", "a non-negative whole number of fatalities"))?;
        let event_type_source = field("event_type").to_string();
        let event_type = SourceEventType::classify(&event_type_source, self.layout).ok_or_else(|| {
            refuse(
                "event_type",
                "one of ACLED's event types (Battles, Explosions/Remote violence, Violence against civilians, Protests, Riots, Strategic developments, or a pre-2019 type)",
            )
        })?;
        let side_a = non_empty("actor1")?;
        let country = non_empty("country")?;
        let precision = |name: &str| -> Result<Option<u8>, Refusal> {
            match field(name) {
                "" => Ok(None),
                v => v
                    .parse::<u8>()
                    .map(Some)
                    .map_err(|_| refuse(name, "a precision code 1 (exact) to 3 (coarse)")),
            }
        };
        let date_precision = precision("time_precision")?;
        let location_precision = precision("geo_precision")?;

        let mut extra = Extra::new();
        for (i, value) in fields.iter().enumerate() {
            let name = self.header.name(i);
            if !TYPED_COLUMNS.contains(&name) && !value.trim().is_empty() {
                extra.insert(name.to_string(), value.clone());
            }
        }

        let event = Event {
            source: EventSource::Acled,
            event_id,
            release: None,
            date_start: date,
            date_end: Some(date),
            date_precision,
            country,
            admin1: opt("admin1"),
            admin2: opt("admin2"),
            lat,
            lon,
            location_precision,
            violence_type: None,
            event_type: None,
            sub_event_type: opt("sub_event_type"),
            conflict_name: None,
            side_a,
            side_b: opt("actor2"),
            side_a_associates: split_associates(field("assoc_actor_1")),
            side_b_associates: split_associates(field("assoc_actor_2")),
            fatalities_low: None,
            fatalities_best: fatalities,
            fatalities_high: None,
            civilian_targeting: !field("civilian_targeting").is_empty(),
            flags: Vec::new(),
            extra,
        };
        Ok(Parsed {
            line: row.line,
            event,
            event_type_source,
            event_type,
            inter1: ActorType::parse(field("inter1")),
            inter2: if self.layout == Layout::PerActor {
                None
            } else {
                ActorType::parse(field("inter2"))
            },
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
        read(text.as_bytes(), "acled_test.csv").expect("reads")
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
        let out = read(bytes.as_slice(), "acled_test.csv").expect("reads");
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
