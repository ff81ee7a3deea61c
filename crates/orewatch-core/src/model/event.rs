use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Extra;

/// Which event dataset a row came from. The same violence is usually in both: analyses never
/// mix sources silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventSource {
    /// UCDP Georeferenced Event Dataset (any release, full or reduced layout, or candidate file).
    UcdpGed,
    /// ACLED export (any of its layouts).
    Acled,
}

impl EventSource {
    pub fn as_str(self) -> &'static str {
        match self {
            EventSource::UcdpGed => "UCDP GED",
            EventSource::Acled => "ACLED",
        }
    }
}

/// UCDP's three types of organised violence. ACLED events map to them where the mapping is
/// documented (see `ingest::acled`); events that are not lethal political violence (protests,
/// riots, strategic developments) have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ViolenceType {
    /// UCDP code 1: a government is one side.
    StateBased,
    /// UCDP code 2: two organised non-state groups.
    NonState,
    /// UCDP code 3: an organised actor against civilians.
    OneSided,
}

impl ViolenceType {
    /// UCDP's numeric code (1, 2, 3).
    pub fn ucdp_code(self) -> u8 {
        match self {
            ViolenceType::StateBased => 1,
            ViolenceType::NonState => 2,
            ViolenceType::OneSided => 3,
        }
    }

    pub fn from_ucdp_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(ViolenceType::StateBased),
            2 => Some(ViolenceType::NonState),
            3 => Some(ViolenceType::OneSided),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ViolenceType::StateBased => "state-based",
            ViolenceType::NonState => "non-state",
            ViolenceType::OneSided => "one-sided",
        }
    }
}

/// Something suspicious but possible about a kept row. Flagged rows are stored, never dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventFlag {
    /// `low ≤ best ≤ high` does not hold for the fatality estimates (GED).
    FatalityOrder,
    /// Not lethal political violence (ACLED protests, riots, strategic developments).
    NotPoliticalViolence,
    /// The event type was mapped from ACLED's pre-2019 typology (original kept in `extra`).
    LegacyEventType,
    /// Coordinates exactly (0, 0), a frequent placeholder.
    NullIsland,
    /// The end date is before the start date in the source; kept as given.
    DateOrder,
    /// ACLED one-row-per-actor export: the rows of this event are more than two, or disagree
    /// on date, fatalities or coordinates. The first row's values are kept; what differed is
    /// described in `extra["actor_rows_note"]`.
    ActorRowsMismatch,
}

impl EventFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            EventFlag::FatalityOrder => "fatality_order",
            EventFlag::NotPoliticalViolence => "not_political_violence",
            EventFlag::LegacyEventType => "legacy_event_type",
            EventFlag::NullIsland => "null_island",
            EventFlag::DateOrder => "date_order",
            EventFlag::ActorRowsMismatch => "actor_rows_mismatch",
        }
    }
}

/// One event: a dated, located incident, with its two sides and its deaths.
///
/// Units: `lat`/`lon` WGS84 degrees; fatalities are counts of people. For ACLED the one
/// reported figure is `fatalities_best`, and low/high are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub source: EventSource,
    /// The source's own stable id: GED `id`, ACLED `event_id_cnty`.
    pub event_id: String,
    /// The release the row came from when known (`"21.1"`, `"23.1"`; ACLED: none).
    pub release: Option<String>,
    pub date_start: NaiveDate,
    /// Inclusive end date; equal to `date_start` for single-day events; None when the layout
    /// does not carry it (the 14-column reduced GED layout gives one date only).
    pub date_end: Option<NaiveDate>,
    /// GED `date_prec` / ACLED `time_precision` (1 = exact day … larger = coarser).
    pub date_precision: Option<u8>,
    pub country: String,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// GED `where_prec` (1–7) / ACLED `geo_precision` (1–3): 1 is the exact place.
    pub location_precision: Option<u8>,
    pub violence_type: Option<ViolenceType>,
    /// ACLED `event_type` in today's typology (`Battles`, …); GED: none.
    pub event_type: Option<String>,
    pub sub_event_type: Option<String>,
    /// GED `conflict_name`; ACLED: none.
    pub conflict_name: Option<String>,
    /// GED `side_a` / ACLED `actor1`.
    pub side_a: String,
    /// GED `side_b` / ACLED `actor2` (none when the event has one side, e.g. a protest).
    pub side_b: Option<String>,
    /// ACLED `assoc_actor_1` split on `;` (GED: empty).
    pub side_a_associates: Vec<String>,
    pub side_b_associates: Vec<String>,
    pub fatalities_low: Option<u32>,
    pub fatalities_best: u32,
    pub fatalities_high: Option<u32>,
    /// True for GED one-sided violence and ACLED events with `civilian_targeting` set or of
    /// type `Violence against civilians`.
    pub civilian_targeting: bool,
    pub flags: Vec<EventFlag>,
    /// Every other source field, verbatim (ACLED `notes` and GED source headlines live here:
    /// never show them in products).
    pub extra: Extra,
}

impl Event {
    pub fn has_flag(&self, flag: EventFlag) -> bool {
        self.flags.contains(&flag)
    }
}
