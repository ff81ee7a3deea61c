//! What a stricter location-precision filter would drop: per country and year, the events and
//! deaths of one source whose location is coarser than a precision code.
//!
//! Why: GED releases differ in what they hold (the 21.1 file here only events located at the
//! place or near it, codes 1–2; the 24.1 exports every code, 1–6), so countries are not like
//! for like. An analysis states which precisions it counts ([`super::events::PrecisionFilter`])
//! and, with this, how much a stricter choice would leave out.
//!
//! Input: events (any sources; one is counted), the code kept at most (`max_code`: codes ≤ it
//! are kept, coarser ones and events without a code are dropped). Output: one
//! [`PrecisionDrop`] per (country, year) with events, sorted by country then year; a country is
//! the source's own name with its ISO3 when known. Years are those of the start date. Deaths
//! are GED `best` (ACLED `fatalities`), counts of people. [`precision_table`] answers a typed
//! request (the precisions counted, the stricter codes, countries and years) with one row per
//! country-year and one drop per stricter code, for products such as the brief.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::admin::event_country_iso3;
use super::events::{PrecisionFilter, MAX_PRECISION_CODE};
use super::AnalysisError;
use crate::model::{Event, EventSource};

/// One country-year: what it holds and what codes ≤ `max_code` would drop.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrecisionDrop {
    pub iso3: Option<String>,
    pub country: String,
    pub year: i32,
    pub events: u64,
    pub deaths: u64,
    pub dropped_events: u64,
    pub dropped_deaths: u64,
    /// Events without any location precision code (a layout without the column, such as the
    /// 14-column reduced GED): dropped by every filter, and counted in `dropped_events`.
    pub without_code: u64,
    /// dropped_events / events.
    pub share_events: f64,
    /// dropped_deaths / deaths; None when the year has no deaths.
    pub share_deaths: Option<f64>,
}

/// The drop per country and year if only codes ≤ `max_code` were kept (see the module docs).
pub fn precision_drops(events: &[Event], source: EventSource, max_code: u8) -> Vec<PrecisionDrop> {
    let filter = PrecisionFilter {
        max_code: Some(max_code),
    };
    // (country, year) -> (events, deaths, dropped events, dropped deaths, without a code)
    let mut acc: BTreeMap<(&str, i32), [u64; 5]> = BTreeMap::new();
    for e in events.iter().filter(|e| e.source == source) {
        let a = acc
            .entry((e.country.as_str(), e.date_start.year()))
            .or_default();
        let deaths = u64::from(e.fatalities_best);
        a[0] += 1;
        a[1] += deaths;
        if !filter.accepts(e) {
            a[2] += 1;
            a[3] += deaths;
        }
        if e.location_precision.is_none() {
            a[4] += 1;
        }
    }
    let mut out: Vec<PrecisionDrop> = acc
        .into_iter()
        .map(|((country, year), [n, d, dn, dd, none])| PrecisionDrop {
            iso3: event_country_iso3(country).map(str::to_string),
            country: country.to_string(),
            year,
            events: n,
            deaths: d,
            dropped_events: dn,
            dropped_deaths: dd,
            without_code: none,
            share_events: dn as f64 / n as f64,
            share_deaths: (d > 0).then(|| dd as f64 / d as f64),
        })
        .collect();
    out.sort_by(|a, b| (&a.iso3, &a.country, a.year).cmp(&(&b.iso3, &b.country, b.year)));
    out
}

/// Which stricter filters to measure, on which events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionRequest {
    pub source: EventSource,
    /// The precisions the events given are already limited to (the product's own filter).
    pub counted: PrecisionFilter,
    /// Stricter maximum codes to measure (each 1–7); codes not below `counted`'s are left
    /// out (they would drop nothing more).
    pub stricter: Vec<u8>,
    /// ISO3 codes; empty: every country.
    pub countries: Vec<String>,
    /// Years of the event start date, inclusive; None: unbounded.
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
}

/// What one stricter code drops of a country-year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StricterDrop {
    pub max_code: u8,
    pub dropped_events: u64,
    pub dropped_deaths: u64,
    pub share_events: f64,
    pub share_deaths: Option<f64>,
}

/// One country-year with what each stricter code drops (in the request's order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrecisionRow {
    pub iso3: Option<String>,
    pub country: String,
    pub year: i32,
    pub events: u64,
    pub deaths: u64,
    /// Events without a location precision code (dropped by every stricter filter).
    pub without_code: u64,
    pub drops: Vec<StricterDrop>,
}

/// The answer to a [`PrecisionRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrecisionTable {
    pub request: PrecisionRequest,
    /// The stricter codes measured (those of the request below the counted maximum).
    pub stricter: Vec<u8>,
    /// Sorted by country then year; country-years without events are absent.
    pub rows: Vec<PrecisionRow>,
}

/// Per country-year, what each stricter filter of `request` would drop from `events`.
pub fn precision_table(
    events: &[Event],
    request: &PrecisionRequest,
) -> Result<PrecisionTable, AnalysisError> {
    for &code in &request.stricter {
        PrecisionFilter::new(Some(code))?;
    }
    let counted = request.counted.max_code.unwrap_or(MAX_PRECISION_CODE + 1);
    let mut stricter: Vec<u8> = request
        .stricter
        .iter()
        .copied()
        .filter(|&c| c < counted)
        .collect();
    stricter.sort_unstable();
    stricter.dedup();
    let wanted = |iso3: Option<&str>, year: i32| {
        (request.countries.is_empty()
            || iso3.is_some_and(|i| request.countries.iter().any(|c| c.eq_ignore_ascii_case(i))))
            && request.first_year.is_none_or(|y| year >= y)
            && request.last_year.is_none_or(|y| year <= y)
    };
    let chosen: Vec<Event> = events
        .iter()
        .filter(|e| e.source == request.source)
        .filter(|e| wanted(event_country_iso3(&e.country), e.date_start.year()))
        .cloned()
        .collect();
    let mut rows: Vec<PrecisionRow> = Vec::new();
    for (k, &code) in stricter.iter().enumerate() {
        for (i, d) in precision_drops(&chosen, request.source, code)
            .into_iter()
            .enumerate()
        {
            if k == 0 {
                rows.push(PrecisionRow {
                    iso3: d.iso3.clone(),
                    country: d.country.clone(),
                    year: d.year,
                    events: d.events,
                    deaths: d.deaths,
                    without_code: d.without_code,
                    drops: Vec::new(),
                });
            }
            rows[i].drops.push(StricterDrop {
                max_code: code,
                dropped_events: d.dropped_events,
                dropped_deaths: d.dropped_deaths,
                share_events: d.share_events,
                share_deaths: d.share_deaths,
            });
        }
    }
    Ok(PrecisionTable {
        request: request.clone(),
        stricter,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn event(country: &str, year: i32, code: Option<u8>, deaths: u32) -> Event {
        Event {
            source: EventSource::UcdpGed,
            event_id: format!("{country}{year}{code:?}{deaths}"),
            release: None,
            date_start: NaiveDate::from_ymd_opt(year, 3, 1).unwrap(),
            date_end: None,
            date_precision: None,
            country: country.into(),
            admin1: None,
            admin2: None,
            lat: 0.0,
            lon: 0.0,
            location_precision: code,
            violence_type: None,
            event_type: None,
            sub_event_type: None,
            conflict_name: None,
            side_a: "A".into(),
            side_b: None,
            side_a_associates: vec![],
            side_b_associates: vec![],
            fatalities_low: None,
            fatalities_best: deaths,
            fatalities_high: None,
            civilian_targeting: false,
            flags: vec![],
            extra: Default::default(),
        }
    }

    /// Mali 2020: codes 1 (10 deaths), 2 (0), 4 (5), none (1): ≤ 2 drops 2 of 4 events and 6
    /// of 16 deaths (0.5, 0.375). Niger 2020: one code-1 event without deaths: nothing dropped,
    /// no death share.
    #[test]
    fn drops_by_hand() {
        let events = vec![
            event("Mali", 2020, Some(1), 10),
            event("Mali", 2020, Some(2), 0),
            event("Mali", 2020, Some(4), 5),
            event("Mali", 2020, None, 1),
            event("Niger", 2020, Some(1), 0),
        ];
        let d = precision_drops(&events, EventSource::UcdpGed, 2);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].iso3.as_deref(), Some("MLI"));
        assert_eq!(
            (
                d[0].events,
                d[0].deaths,
                d[0].dropped_events,
                d[0].dropped_deaths
            ),
            (4, 16, 2, 6)
        );
        assert_eq!((d[0].share_events, d[0].share_deaths), (0.5, Some(0.375)));
        assert_eq!((d[0].without_code, d[1].without_code), (1, 0));
        assert_eq!(
            (
                d[1].country.as_str(),
                d[1].dropped_events,
                d[1].share_deaths
            ),
            ("Niger", 0, None)
        );
        assert!(precision_drops(&events, EventSource::Acled, 2).is_empty());
    }

    /// The same events, Mali only, codes ≤ 2 and ≤ 3 measured under a brief counting codes
    /// ≤ 3 (so ≤ 3 drops nothing more and is left out; ≤ 5 is not stricter). ≤ 2 drops the
    /// code-4 and the code-less event: 2 of 4 events, 6 of 16 deaths.
    #[test]
    fn table_by_hand() {
        let events = vec![
            event("Mali", 2020, Some(1), 10),
            event("Mali", 2020, Some(2), 0),
            event("Mali", 2020, Some(4), 5),
            event("Mali", 2020, None, 1),
            event("Mali", 2019, Some(1), 3),
            event("Niger", 2020, Some(1), 0),
        ];
        let request = PrecisionRequest {
            source: EventSource::UcdpGed,
            counted: PrecisionFilter { max_code: Some(3) },
            stricter: vec![5, 3, 2],
            countries: vec!["mli".into()],
            first_year: Some(2020),
            last_year: None,
        };
        let t = precision_table(&events, &request).unwrap();
        assert_eq!(t.stricter, vec![2]);
        assert_eq!(t.rows.len(), 1);
        let r = &t.rows[0];
        assert_eq!(
            (r.year, r.events, r.deaths, r.without_code),
            (2020, 4, 16, 1)
        );
        assert_eq!(
            r.drops,
            vec![StricterDrop {
                max_code: 2,
                dropped_events: 2,
                dropped_deaths: 6,
                share_events: 0.5,
                share_deaths: Some(0.375),
            }]
        );
        let bad = PrecisionRequest {
            stricter: vec![0],
            ..request
        };
        assert!(precision_table(&events, &bad).is_err());
    }
}
