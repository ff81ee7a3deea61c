//! The narrow loaders give the same rows as the whole load, restricted to what was asked.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use orewatch_core::model::*;
use orewatch_core::scenario::links::EventDeaths;
use orewatch_store::{Manifest, Store, Table};

fn event(
    source: EventSource,
    id: &str,
    date: (i32, u32, u32),
    deaths: (Option<u32>, u32, Option<u32>),
) -> Event {
    let date = NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
    Event {
        source,
        event_id: id.into(),
        release: Some("21.1".into()),
        date_start: date,
        date_end: Some(date),
        date_precision: Some(1),
        country: "Mali".into(),
        admin1: Some("Kayes".into()),
        admin2: None,
        lat: 12.5 + id.len() as f64,
        lon: -11.25,
        location_precision: Some(1),
        violence_type: Some(ViolenceType::StateBased),
        event_type: None,
        sub_event_type: None,
        conflict_name: Some("Mali: Government".into()),
        side_a: "Government of Mali".into(),
        side_b: Some("JNIM".into()),
        side_a_associates: vec![],
        side_b_associates: vec![],
        fatalities_low: deaths.0,
        fatalities_best: deaths.1,
        fatalities_high: deaths.2,
        civilian_targeting: false,
        flags: vec![],
        extra: BTreeMap::from([("note".to_string(), "never shown".to_string())]),
    }
}

#[test]
fn narrow_loads_match_the_whole_load() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    // Nothing ingested: empty results, no error.
    assert!(store
        .load_event_deaths(EventSource::UcdpGed, None, None)
        .unwrap()
        .is_empty());
    assert_eq!(
        store.load_tables(&[Table::Sites]).unwrap().0,
        Dataset::default()
    );

    let mut indicators = [WgiValues::default(); 6];
    indicators[5].estimate = Some(-0.9);
    indicators[5].std_error = Some(0.2);
    let mut data = Dataset {
        events: vec![
            event(
                EventSource::UcdpGed,
                "1",
                (2015, 1, 1),
                (Some(2), 3, Some(9)),
            ),
            event(EventSource::UcdpGed, "22", (2017, 6, 30), (None, 4, None)),
            event(
                EventSource::UcdpGed,
                "333",
                (2019, 12, 31),
                (Some(0), 0, Some(1)),
            ),
            event(EventSource::Acled, "MLI1", (2017, 6, 30), (None, 5, None)),
        ],
        governance: vec![GovernanceRecord {
            country: "Mali".into(),
            iso3: "MLI".into(),
            wgi_code: "MLI".into(),
            year: 2023,
            indicators,
            flags: vec![],
            extra: BTreeMap::new(),
        }],
        ..Dataset::default()
    };
    data.sort();
    store.write(&data, &Manifest::default()).unwrap();
    let (whole, _) = store.load().unwrap();

    let (governance_only, _) = store.load_tables(&[Table::Governance]).unwrap();
    assert_eq!(governance_only.governance, whole.governance);
    assert!(governance_only.events.is_empty() && governance_only.sites.is_empty());
    let (events_only, _) = store.load_tables(&[Table::Events, Table::Events]).unwrap();
    assert_eq!(events_only.events, whole.events);
    assert!(events_only.governance.is_empty());

    assert_eq!(
        store.load_governance_of(&["MLI".to_string()]).unwrap(),
        whole.governance
    );
    assert!(store
        .load_governance_of(&["BFA".to_string()])
        .unwrap()
        .is_empty());

    let ged = |after: Option<NaiveDate>, until: Option<NaiveDate>| -> Vec<EventDeaths> {
        whole
            .events
            .iter()
            .filter(|e| e.source == EventSource::UcdpGed)
            .filter(|e| {
                after.is_none_or(|a| e.date_start > a) && until.is_none_or(|u| e.date_start <= u)
            })
            .map(EventDeaths::of)
            .collect()
    };
    let all = store
        .load_event_deaths(EventSource::UcdpGed, None, None)
        .unwrap();
    assert_eq!(all, ged(None, None));
    assert_eq!(all.len(), 3);
    assert_eq!(all.iter().map(|e| e.fatalities_best).sum::<u32>(), 7);
    // Window (2015-01-01, 2019-12-30]: only the 2017 GED event.
    let after = NaiveDate::from_ymd_opt(2015, 1, 1);
    let until = NaiveDate::from_ymd_opt(2019, 12, 30);
    let window = store
        .load_event_deaths(EventSource::UcdpGed, after, until)
        .unwrap();
    assert_eq!(window, ged(after, until));
    assert_eq!(window.len(), 1);
    assert_eq!(
        (window[0].fatalities_low, window[0].fatalities_best),
        (None, 4)
    );
    let acled = store
        .load_event_deaths(EventSource::Acled, None, None)
        .unwrap();
    assert_eq!(acled.len(), 1);
    assert_eq!(acled[0].fatalities_best, 5);
}
