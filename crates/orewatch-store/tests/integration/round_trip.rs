//! A dataset written to a store and loaded back is the same dataset.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo_types::{polygon, MultiPolygon};
use orewatch_core::model::*;
use orewatch_store::{Manifest, Store};

fn sample() -> Dataset {
    let mut extra = BTreeMap::new();
    extra.insert("relid".to_string(), "MLI-2019-1".to_string());
    let event = Event {
        source: EventSource::UcdpGed,
        event_id: "285416".into(),
        release: Some("23.1".into()),
        date_start: NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(),
        date_end: Some(NaiveDate::from_ymd_opt(2019, 1, 3).unwrap()),
        date_precision: Some(2),
        country: "Burkina Faso".into(),
        admin1: Some("Sahel region".into()),
        admin2: None,
        lat: 13.88489,
        lon: -0.9688,
        location_precision: Some(1),
        violence_type: Some(ViolenceType::OneSided),
        event_type: None,
        sub_event_type: None,
        conflict_name: Some("Koglweogo - Civilians".into()),
        side_a: "Koglweogo".into(),
        side_b: Some("Civilians".into()),
        side_a_associates: vec![],
        side_b_associates: vec!["Miners".into()],
        fatalities_low: Some(0),
        fatalities_best: 23,
        fatalities_high: Some(23),
        civilian_targeting: true,
        flags: vec![EventFlag::FatalityOrder],
        extra,
    };
    let mut no_date_end = event.clone();
    no_date_end.event_id = "9".into();
    no_date_end.date_end = None;
    no_date_end.flags.clear();
    no_date_end.extra.clear();
    let site = Site {
        site_id: "MLI-HT-14".into(),
        name: "Intahaka".into(),
        kind: SiteKind::Tabulated,
        country: None,
        country_iso3: Some("MLI".into()),
        admin1: None,
        lat: None,
        lon: None,
        coord_precision: Some("unknown".into()),
        commodities: vec!["gold".into()],
        products: vec![SiteProduct {
            commodity: "gold".into(),
            commodity_source: Some("Gold".into()),
            form: None,
            capacity: Some(6000.0),
            capacity_unit: Some("kilograms".into()),
            capacity_year: Some(2018),
            extra: BTreeMap::new(),
        }],
        status: Some("contested".into()),
        status_as_of: Some(2024),
        operator: None,
        owners: vec![Ownership {
            owner: "Kodal Mining UK".into(),
            share_pct: Some(65.0),
            home_country: None,
            held_by: vec![Ownership {
                owner: "Hainan Mining".into(),
                share_pct: Some(51.0),
                home_country: Some("China".into()),
                held_by: vec![],
            }],
        }],
        source_url: None,
        records: vec![SourceRecord {
            dataset: "tabulated_sites".into(),
            record_id: "MLI-HT-14".into(),
        }],
        extra: BTreeMap::new(),
    };
    let mut located = site.clone();
    located.site_id = "MLI004".into();
    located.lat = Some(12.87505);
    located.lon = Some(-11.392215);
    let region = Region {
        region_id: "MLI-2793".into(),
        level: 1,
        name: "Kayes".into(),
        country_iso3: Some("MLI".into()),
        country_name: Some("Mali".into()),
        iso_3166_2: Some("ML-1".into()),
        geometry: MultiPolygon(vec![
            polygon![(x: -12.0, y: 12.0), (x: -9.0, y: 12.0), (x: -9.0, y: 15.0), (x: -12.0, y: 12.0)],
        ]),
        source: "mli_admin1_ne10m.geojson".into(),
        extra: BTreeMap::new(),
    };
    let mut indicators = [WgiValues::default(); 6];
    indicators[5] = WgiValues {
        estimate: Some(-0.9),
        std_error: Some(0.2),
        n_sources: Some(9),
        pct_rank: Some(15.5),
        pct_rank_lower: Some(7.0),
        pct_rank_upper: Some(25.0),
    };
    let governance = GovernanceRecord {
        country: "Mali".into(),
        iso3: "MLI".into(),
        wgi_code: "MLI".into(),
        year: 2023,
        indicators,
        flags: vec![],
        extra: BTreeMap::new(),
    };
    let mut data = Dataset {
        events: vec![event, no_date_end],
        sites: vec![site, located],
        regions: vec![region],
        governance: vec![governance],
        quarantine: vec![QuarantineRecord {
            file: "x.csv".into(),
            line: 3,
            column: Some("latitude".into()),
            value: "91".into(),
            reason: "latitude in [-90, 90]".into(),
            raw: "1,91,0".into(),
        }],
        ..Dataset::default()
    };
    data.sort();
    data
}

#[test]
fn dataset_round_trips_through_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    assert!(store.is_empty());
    let data = sample();
    store.write(&data, &Manifest::default()).unwrap();
    let (loaded, manifest) = store.load().unwrap();
    assert_eq!(loaded, data);
    assert_eq!(manifest.generation, 1);
    assert_eq!(manifest.tables["events"].rows, 2);
    assert!(manifest.tables["events"].geoparquet);
}

#[test]
fn same_dataset_gives_byte_identical_tables() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let data = sample();
    store.write(&data, &Manifest::default()).unwrap();
    let first = store.manifest().unwrap().unwrap();
    store.write(&data, &Manifest::default()).unwrap();
    let second = store.manifest().unwrap().unwrap();
    assert_eq!(second.generation, 2);
    for (name, entry) in &first.tables {
        assert_eq!(entry.sha256, second.tables[name].sha256, "{name}");
    }
    // Keeps the current and the previous generation only.
    store.write(&data, &Manifest::default()).unwrap();
    let gens: Vec<_> = std::fs::read_dir(dir.path().join("generations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut gens = gens;
    gens.sort();
    assert_eq!(gens, vec!["gen-000002", "gen-000003"]);
}
