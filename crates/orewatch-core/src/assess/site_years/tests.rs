//! The year-by-year site assessment against a brute force and a hand-worked arrival case.
//!
//! Map: Mali is the box 9°–7° W × 11°–14° N, Niger the box 7°–5° W beside it. Coverage: a
//! global GED file named `…_1989_2019` (every country to 2019-12-31) and a Mali export named
//! `…_mali_1990_2022` (Mali to 2022-12-31). So Niger is covered 2017–2019 and not covered
//! 2020–2022; a Mali site whose radius reaches Niger is partial in 2020–2022.
//!
//! Distances (haversine, mean Earth radius 6371.0088 km, python `math`):
//! - 0.5° of longitude at 12° N: 54.38 km (at 11.5° N: 54.48 km); 1.5° at 12° N: 163.15 km;
//! - 0.3° of latitude: 33.36 km; 0.8°: 88.96 km; 0.1°: 11.12 km.

use crate::test_util::country_box;
use chrono::{Datelike, NaiveDate};

use super::*;
use crate::assess::tests::json_round_trip;
use crate::geodesy::haversine_km;
use crate::ingest::plan::Coverage;
use crate::model::{Event, SiteKind};
use crate::test_util::uniform_sequence;

fn event(id: &str, lat: f64, lon: f64, date: &str, best: u32) -> Event {
    let country = if lon < -7.0 { "Mali" } else { "Niger" };
    Event {
        source: EventSource::UcdpGed,
        event_id: id.into(),
        release: None,
        date_start: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        date_end: None,
        date_precision: None,
        country: country.into(),
        admin1: None,
        admin2: None,
        lat,
        lon,
        location_precision: None,
        violence_type: None,
        event_type: None,
        sub_event_type: None,
        conflict_name: None,
        side_a: "A".into(),
        side_b: Some("B".into()),
        side_a_associates: vec![],
        side_b_associates: vec![],
        fatalities_low: None,
        fatalities_best: best,
        fatalities_high: None,
        civilian_targeting: false,
        flags: vec![],
        extra: Default::default(),
    }
}

fn site(id: &str, iso3: &str, coords: Option<(f64, f64)>) -> Site {
    Site {
        site_id: id.into(),
        name: format!("Site {id}"),
        kind: SiteKind::Tabulated,
        country: None,
        country_iso3: Some(iso3.into()),
        admin1: None,
        lat: coords.map(|c| c.0),
        lon: coords.map(|c| c.1),
        coord_precision: None,
        commodities: vec!["gold".into()],
        products: vec![],
        status: None,
        status_as_of: None,
        operator: None,
        owners: vec![],
        source_url: None,
        records: vec![],
        extra: Default::default(),
    }
}

fn sources() -> Vec<SourceReport> {
    let report = |path: &str, countries: &[&str]| SourceReport {
        path: path.into(),
        kind: "ucdp_ged".into(),
        coverage: Some(Coverage {
            start: "1989-01-01".into(),
            end: "2022-12-31".into(),
        }),
        countries: countries.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    };
    vec![
        report(
            "/d/ucdp_ged_v21_1_precise_global_1989_2019.csv",
            &["Mali", "Niger"],
        ),
        report("/d/ucdp_ged_v24_1_download_mali_1990_2022.csv", &["Mali"]),
    ]
}

fn dataset(sites: Vec<Site>, events: Vec<Event>) -> Dataset {
    Dataset {
        events,
        sites,
        regions: vec![country_box("MLI", -9.0), country_box("NER", -7.0)],
        ..Default::default()
    }
}

fn request() -> SiteYearsRequest {
    SiteYearsRequest {
        sites: vec!["kind=tabulated".into()],
        ..SiteYearsRequest::since_2019()
    }
}

/// Every count and nearest distance equals a brute force over the events (every pair's
/// haversine distance, the year of `date_start`), for 400 events scattered over 2016–2023;
/// the Niger site's 2020–2022 have no numbers.
#[test]
fn counts_and_nearest_equal_a_brute_force() {
    let mut u = uniform_sequence(17);
    let mut events = Vec::new();
    for i in 0..400 {
        let lat = 10.5 + 4.0 * u();
        let lon = -10.0 + 6.0 * u();
        let year = 2016 + (u() * 8.0) as i32;
        let day = 1 + (u() * 365.0) as u32;
        let date = NaiveDate::from_yo_opt(year, day).unwrap().to_string();
        events.push(event(
            &format!("E{i}"),
            lat,
            lon,
            &date,
            (u() * 20.0) as u32,
        ));
    }
    let mut other = event("X", 12.0, -8.5, "2020-05-05", 99);
    other.source = EventSource::Acled;
    events.push(other);
    let sites = vec![
        site("A", "MLI", Some((12.0, -8.5))),
        site("B", "MLI", Some((12.0, -7.5))),
        site("C", "NER", Some((12.0, -6.0))),
        site("D", "MLI", None),
    ];
    let data = dataset(sites, events.clone());
    let req = request();
    let result = assess_site_years(&req, &data, &sources()).unwrap();
    json_round_trip(&result);
    assert_eq!(result.unlocated.len(), 1);
    assert_eq!(result.unlocated[0].site_id, "D");
    assert_eq!(result.sites.len(), 3);
    let ged: Vec<&Event> = events
        .iter()
        .filter(|e| e.source == EventSource::UcdpGed)
        .collect();
    let mut checked = 0;
    for s in &result.sites {
        assert_eq!(s.years.len(), 6);
        for y in &s.years {
            let of_year: Vec<(f64, u32)> = ged
                .iter()
                .filter(|e| e.date_start.year() == y.year)
                .map(|e| (haversine_km(s.lon, s.lat, e.lon, e.lat), e.fatalities_best))
                .collect();
            if s.site_id == "C" && y.year >= 2020 {
                assert_eq!(y.coverage, "not covered");
                assert!(y
                    .within
                    .iter()
                    .all(|r| r.events.is_none() && r.deaths.is_none()));
                assert_eq!(y.nearest_km, None);
                continue;
            }
            for r in &y.within {
                let near: Vec<&(f64, u32)> =
                    of_year.iter().filter(|(d, _)| *d <= r.radius_km).collect();
                assert_eq!(
                    r.events,
                    Some(near.len() as u64),
                    "{} {}",
                    s.site_id,
                    y.year
                );
                let deaths: u64 = near.iter().map(|(_, b)| u64::from(*b)).sum();
                assert_eq!(r.deaths, Some(deaths));
                checked += 1;
            }
            let nearest = of_year.iter().map(|(d, _)| *d).min_by(f64::total_cmp);
            assert_eq!(y.nearest_km, nearest);
        }
    }
    assert_eq!(checked, (6 + 6 + 3) * 3);
    // B is 54.48 km from Niger: partial at 100 km in 2020–2022, covered before.
    let b = &result.sites[1];
    let cov: Vec<(&str, Option<f64>)> = b
        .years
        .iter()
        .map(|y| (y.coverage.as_str(), y.partial_at_km))
        .collect();
    assert_eq!(
        cov,
        [
            ("covered", None),
            ("covered", None),
            ("covered", None),
            ("partial", Some(100.0)),
            ("partial", Some(100.0)),
            ("partial", Some(100.0)),
        ]
    );
    assert_eq!(b.years[3].uncovered_countries, ["NER"]);
    assert_eq!(
        result.provenance.warnings,
        [
            "Site B (B): 2020, 2021, 2022 partial — NER without data within 100 km",
            "Site C (C): 2020, 2021, 2022 not covered — no event data for NER",
            "Site D (D): no coordinates, not assessed",
        ]
    );
}

/// Arrival, worked by hand (50 km; earlier 2017–2019, recent 2020–2022):
/// - A (12 N, 8.5 W): 2018 event 0.8° north (88.96 km: within 100, not 50), 2021 event 0.3°
///   north (33.36 km) → arrived.
/// - B (13 N, 8.5 W): 2018 event 0.1° north (11.12 km) → already present.
/// - C (12 N, 6 W, Niger): nothing 2017–2019 (covered by the global file), 2020–2022 not
///   covered → undetermined.
/// - E (13.9 N, 8.9 W): the nearest event is B's 2018 one at 98.91 km → none yet.
/// - F (11.5 N, 7.5 W): 54.48 km from Niger, partial at 100 km only in 2020–2022; a 2022
///   event 0.1° north (11.12 km) → arrived.
#[test]
fn arrival_worked_by_hand() {
    let events = vec![
        event("1", 12.8, -8.5, "2018-06-01", 3),
        event("2", 12.3, -8.5, "2021-03-01", 5),
        event("3", 13.1, -8.5, "2018-02-02", 1),
        event("4", 11.6, -7.5, "2022-12-31", 2),
    ];
    let sites = vec![
        site("A", "MLI", Some((12.0, -8.5))),
        site("B", "MLI", Some((13.0, -8.5))),
        site("C", "NER", Some((12.0, -6.0))),
        site("E", "MLI", Some((13.9, -8.9))),
        site("F", "MLI", Some((11.5, -7.5))),
    ];
    let result = assess_site_years(&request(), &dataset(sites, events), &sources()).unwrap();
    let verdicts: Vec<(&str, Arrival)> = result
        .sites
        .iter()
        .map(|s| (s.site_id.as_str(), s.arrival))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("A", Arrival::Arrived),
            ("B", Arrival::AlreadyPresent),
            ("C", Arrival::Undetermined),
            ("E", Arrival::NoneYet),
            ("F", Arrival::Arrived),
        ]
    );
    let arrived: Vec<&str> = result
        .arrived()
        .iter()
        .map(|s| s.site_id.as_str())
        .collect();
    assert_eq!(arrived, ["A", "F"]);
    // A's 2021: 1 event, 5 deaths within 50 and 100 km, none within 25; nearest 33.36 km.
    let a2021 = &result.sites[0].years[4];
    assert_eq!(a2021.year, 2021);
    let counts: Vec<(Option<u64>, Option<u64>)> =
        a2021.within.iter().map(|r| (r.events, r.deaths)).collect();
    assert_eq!(
        counts,
        [(Some(0), Some(0)), (Some(1), Some(5)), (Some(1), Some(5))]
    );
    assert!((a2021.nearest_km.unwrap() - 33.36).abs() < 0.01);
    // A year without any event anywhere has no nearest event.
    assert_eq!(result.sites[0].years[0].nearest_km, None);
}

#[test]
fn bad_requests_are_refused() {
    let data = dataset(vec![], vec![]);
    let mut req = request();
    req.arrival_radius_km = 40.0;
    assert!(assess_site_years(&req, &data, &sources()).is_err());
    let mut req = request();
    req.recent_from = 2017;
    assert!(assess_site_years(&req, &data, &sources()).is_err());
    let mut req = request();
    req.sites = vec!["colour=red".into()];
    assert!(assess_site_years(&req, &data, &sources()).is_err());
}
