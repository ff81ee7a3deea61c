//! The events layer: which events of one source happened where and when, in the form a
//! product may show them.
//!
//! - [`event_points`]: UCDP GED events one by one, without any free-text field (no source
//!   headlines or notes, no `where_description`, nothing of `extra`): id, dates, country,
//!   admin names, coordinates and their precision, violence type, conflict and side names,
//!   deaths (low/best/high), civilian targeting, flags. ACLED's terms forbid redistributing
//!   its rows, so ACLED events are never given one by one ([`EventsError::RowsNotServed`]).
//! - [`event_cells`]: events and deaths (best estimate) per PRIO-GRID 0.5° cell and month, for
//!   either source: the only form in which ACLED events leave orewatch.
//!
//! Selection: one event source (the only one in the store, or the one asked for), countries
//! as ISO3 codes (matched on the event's country as the source spells it), a period of start
//! dates (first and last day included), violence types. Units: degrees WGS84, deaths as counts
//! of people, months as `YYYY-MM`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Provenance, SourceRef};
use crate::analysis::admin::event_country_iso3;
use crate::analysis::events::{choose_source, stated_coverage, SourceCoverage};
use crate::analysis::forecast::grid::GridCell;
use crate::analysis::AnalysisError;
use crate::ingest::plan::SourceReport;
use crate::model::conflict_countries::{parse_countries, UnknownCountry};
use crate::model::{Event, EventFlag, EventSource, ViolenceType};

/// Which events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventsRequest {
    /// None: the only event source in the store (both present: an error).
    pub source: Option<EventSource>,
    /// ISO3 codes (a country name only where the country table holds it); empty: all.
    pub countries: Vec<String>,
    /// First and last start date included; None: open.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Violence types kept; empty: every event (also those without a type).
    pub violence: Vec<ViolenceType>,
}

/// Why the events could not be given.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(transparent)]
    Country(#[from] UnknownCountry),
    #[error(
        "ACLED events are never given one by one (ACLED's terms forbid redistributing its \
         rows): ask for events per cell and month instead"
    )]
    RowsNotServed,
    #[error("from {from} is after to {to}: give a period whose first day is not after its last")]
    Period { from: NaiveDate, to: NaiveDate },
}

/// One UCDP GED event as products may show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPoint {
    pub event_id: String,
    pub release: Option<String>,
    pub date_start: NaiveDate,
    pub date_end: Option<NaiveDate>,
    /// The event's country as the source spells it, and its ISO3 code when known.
    pub country: String,
    pub country_iso3: Option<String>,
    pub admin1: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// GED `where_prec` (1 = the exact place).
    pub location_precision: Option<u8>,
    pub violence_type: Option<ViolenceType>,
    pub conflict_name: Option<String>,
    pub side_a: String,
    pub side_b: Option<String>,
    pub fatalities_low: Option<u32>,
    pub fatalities_best: u32,
    pub fatalities_high: Option<u32>,
    pub civilian_targeting: bool,
    pub flags: Vec<EventFlag>,
}

impl EventPoint {
    fn of(e: &Event) -> EventPoint {
        EventPoint {
            event_id: e.event_id.clone(),
            release: e.release.clone(),
            date_start: e.date_start,
            date_end: e.date_end,
            country: e.country.clone(),
            country_iso3: event_country_iso3(&e.country).map(str::to_string),
            admin1: e.admin1.clone(),
            lat: e.lat,
            lon: e.lon,
            location_precision: e.location_precision,
            violence_type: e.violence_type,
            conflict_name: e.conflict_name.clone(),
            side_a: e.side_a.clone(),
            side_b: e.side_b.clone(),
            fatalities_low: e.fatalities_low,
            fatalities_best: e.fatalities_best,
            fatalities_high: e.fatalities_high,
            civilian_targeting: e.civilian_targeting,
            flags: e.flags.clone(),
        }
    }
}

/// UCDP GED events of the selection, in the store's order (by id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPoints {
    pub request: EventsRequest,
    pub source: EventSource,
    pub coverage: Option<SourceCoverage>,
    pub events: Vec<EventPoint>,
    pub provenance: Provenance,
}

/// Events and deaths of one PRIO-GRID cell in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellMonth {
    /// PRIO-GRID id (row · 720 + col + 1).
    pub priogrid_gid: u32,
    /// The cell's centre, degrees.
    pub lat: f64,
    pub lon: f64,
    /// `YYYY-MM` of the events' start dates.
    pub month: String,
    pub events: u64,
    /// Sum of the best estimates.
    pub fatalities_best: u64,
}

/// Events per cell and month, sorted by (cell, month).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventCells {
    pub request: EventsRequest,
    pub source: EventSource,
    pub coverage: Option<SourceCoverage>,
    pub cells: Vec<CellMonth>,
    /// Events of the selection without a cell (coordinates outside the globe's range).
    pub events_without_cell: u64,
    pub provenance: Provenance,
}

/// The selection's source and its events.
fn select<'a>(
    events: &'a [Event],
    sources: &[SourceReport],
    req: &EventsRequest,
) -> Result<(EventSource, Vec<&'a Event>, Provenance), EventsError> {
    if let (Some(from), Some(to)) = (req.from, req.to) {
        if from > to {
            return Err(EventsError::Period { from, to });
        }
    }
    let source = choose_source(events, req.source)?;
    let countries = parse_countries(&req.countries)?;
    let selected = events
        .iter()
        .filter(|e| e.source == source)
        .filter(|e| req.from.is_none_or(|d| e.date_start >= d))
        .filter(|e| req.to.is_none_or(|d| e.date_start <= d))
        .filter(|e| {
            req.violence.is_empty() || e.violence_type.is_some_and(|v| req.violence.contains(&v))
        })
        .filter(|e| {
            countries.is_empty()
                || event_country_iso3(&e.country).is_some_and(|c| countries.contains(&c))
        })
        .collect();
    let kind = match source {
        EventSource::UcdpGed => "ucdp_ged",
        EventSource::Acled => "acled",
    };
    let mut provenance = Provenance::new();
    provenance.sources = sources
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| SourceRef {
            path: s.path.clone(),
            sha256: s.sha256.clone(),
            kind: s.kind.clone(),
        })
        .collect();
    Ok((source, selected, provenance))
}

/// The selection's UCDP GED events one by one (see the module docs).
pub fn event_points(
    events: &[Event],
    sources: &[SourceReport],
    req: &EventsRequest,
) -> Result<EventPoints, EventsError> {
    let (source, selected, provenance) = select(events, sources, req)?;
    if source == EventSource::Acled {
        return Err(EventsError::RowsNotServed);
    }
    Ok(EventPoints {
        request: req.clone(),
        source,
        coverage: stated_coverage(sources, source),
        events: selected.into_iter().map(EventPoint::of).collect(),
        provenance,
    })
}

/// The selection's events and deaths per PRIO-GRID cell and month (see the module docs).
pub fn event_cells(
    events: &[Event],
    sources: &[SourceReport],
    req: &EventsRequest,
) -> Result<EventCells, EventsError> {
    let (source, selected, provenance) = select(events, sources, req)?;
    let mut tally: BTreeMap<(u32, i32, u32), (u64, u64)> = BTreeMap::new();
    let mut without_cell = 0;
    for e in selected {
        let Some(cell) = GridCell::of(e.lat, e.lon) else {
            without_cell += 1;
            continue;
        };
        let t = tally
            .entry((cell.gid(), e.date_start.year(), e.date_start.month()))
            .or_default();
        t.0 += 1;
        t.1 += u64::from(e.fatalities_best);
    }
    let cells = tally
        .into_iter()
        .map(|((gid, year, month), (events, deaths))| {
            let cell = GridCell::from_gid(gid).unwrap_or(GridCell { row: 0, col: 0 });
            CellMonth {
                priogrid_gid: gid,
                lat: cell.centre_lat(),
                lon: cell.centre_lon(),
                month: format!("{year:04}-{month:02}"),
                events,
                fatalities_best: deaths,
            }
        })
        .collect();
    Ok(EventCells {
        request: req.clone(),
        source,
        coverage: stated_coverage(sources, source),
        cells,
        events_without_cell: without_cell,
        provenance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::tests::json_round_trip;
    use crate::test_util::event;

    fn events() -> Vec<Event> {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let mut a = event("1", "Mali", date(2020, 1, 5), 12.64, -8.0, 3);
        a.extra
            .insert("source_headline".into(), "a headline".into());
        let b = event("2", "Mali", date(2020, 1, 20), 12.9, -8.1, 4);
        let c = event("3", "Mali", date(2020, 2, 1), 12.64, -8.0, 0);
        let d = event("4", "Burkina Faso", date(2020, 1, 5), 12.4, -1.5, 7);
        vec![a, b, c, d]
    }

    #[test]
    fn points_keep_no_free_text_and_filter_by_country_and_period() {
        let req = EventsRequest {
            countries: vec!["MLI".into()],
            to: NaiveDate::from_ymd_opt(2020, 1, 31),
            ..EventsRequest::default()
        };
        let p = event_points(&events(), &[], &req).unwrap();
        let ids: Vec<&str> = p.events.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(p.events[0].country_iso3.as_deref(), Some("MLI"));
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("headline"), "{json}");
        json_round_trip(&p);
    }

    #[test]
    fn cells_sum_events_and_deaths_per_cell_and_month() {
        // Events 1 and 3 lie in Bamako's cell 147,945 (row 205, col 344), in January and
        // February; event 2 at (12.9, -8.1): row floor(102.9 / 0.5) = 205, col floor(171.9 /
        // 0.5) = 343 → gid 205·720 + 343 + 1 = 147,944. Event 4 is in Burkina Faso.
        let c = event_cells(&events(), &[], &EventsRequest::default()).unwrap();
        let rows: Vec<(u32, &str, u64, u64)> = c
            .cells
            .iter()
            .map(|c| {
                (
                    c.priogrid_gid,
                    c.month.as_str(),
                    c.events,
                    c.fatalities_best,
                )
            })
            .collect();
        // Burkina Faso (12.4, -1.5): row 204, col 357 → 204·720 + 357 + 1 = 147,238.
        assert_eq!(
            rows,
            [
                (147_238, "2020-01", 1, 7),
                (147_944, "2020-01", 1, 4),
                (147_945, "2020-01", 1, 3),
                (147_945, "2020-02", 1, 0),
            ]
        );
        assert_eq!((c.cells[2].lat, c.cells[2].lon), (12.75, -7.75));
        json_round_trip(&c);
    }

    #[test]
    fn acled_rows_are_refused_but_cells_are_given() {
        let mut evs = events();
        for e in &mut evs {
            e.source = EventSource::Acled;
        }
        assert!(matches!(
            event_points(&evs, &[], &EventsRequest::default()),
            Err(EventsError::RowsNotServed)
        ));
        assert_eq!(
            event_cells(&evs, &[], &EventsRequest::default())
                .unwrap()
                .cells
                .len(),
            4
        );
    }

    #[test]
    fn a_reversed_period_and_an_unknown_country_are_errors() {
        let req = EventsRequest {
            from: NaiveDate::from_ymd_opt(2021, 1, 1),
            to: NaiveDate::from_ymd_opt(2020, 1, 1),
            ..EventsRequest::default()
        };
        assert!(matches!(
            event_points(&events(), &[], &req),
            Err(EventsError::Period { .. })
        ));
        let req = EventsRequest {
            countries: vec!["XXX".into()],
            ..EventsRequest::default()
        };
        assert!(matches!(
            event_cells(&events(), &[], &req),
            Err(EventsError::Country(_))
        ));
    }
}
