//! Helpers shared by unit tests (compiled only for tests).

/// A fixed linear congruential sequence of uniform numbers in [0, 1) (Knuth's MMIX
/// constants, top 53 bits): reproducible test inputs without seed handling.
pub fn uniform_sequence(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A UCDP GED state-based event with the fields the tests vary: id, country (as GED spells
/// it), start date, coordinates and best death estimate (low = high = best).
pub fn event(
    id: &str,
    country: &str,
    date: chrono::NaiveDate,
    lat: f64,
    lon: f64,
    best: u32,
) -> crate::model::Event {
    use crate::model::{Event, EventSource, ViolenceType};
    Event {
        source: EventSource::UcdpGed,
        event_id: id.into(),
        release: None,
        date_start: date,
        date_end: None,
        date_precision: None,
        country: country.into(),
        admin1: None,
        admin2: None,
        lat,
        lon,
        location_precision: Some(1),
        violence_type: Some(ViolenceType::StateBased),
        event_type: None,
        sub_event_type: None,
        conflict_name: None,
        side_a: "Government of Mali".into(),
        side_b: Some("JNIM".into()),
        side_a_associates: vec![],
        side_b_associates: vec![],
        fatalities_low: Some(best),
        fatalities_best: best,
        fatalities_high: Some(best),
        civilian_targeting: false,
        flags: vec![],
        extra: Default::default(),
    }
}

/// A WGI country-year whose six estimates all equal `mean` (None: all six missing).
pub fn wgi_record(iso3: &str, year: i32, mean: Option<f64>) -> crate::model::GovernanceRecord {
    let v = crate::model::WgiValues {
        estimate: mean,
        ..crate::model::WgiValues::default()
    };
    crate::model::GovernanceRecord {
        country: iso3.into(),
        iso3: iso3.into(),
        wgi_code: iso3.into(),
        year,
        indicators: [v; 6],
        flags: Vec::new(),
        extra: crate::model::Extra::new(),
    }
}

/// A USGS MCS mine-stage production figure (None: withheld, flagged `W`).
pub fn production_record(
    country: &str,
    iso3: Option<&str>,
    year: i32,
    commodity: &str,
    quantity: Option<f64>,
    unit: &str,
) -> crate::model::ProductionRecord {
    crate::model::ProductionRecord {
        series: crate::model::ProductionSeries::UsgsMcs,
        country: country.into(),
        iso3: iso3.map(str::to_string),
        year,
        commodity: commodity.into(),
        stage: Some("mine".into()),
        quantity,
        unit: unit.into(),
        value_type: crate::model::ValueType::Reported,
        flag: quantity.is_none().then(|| "W".to_string()),
        measure: None,
        edition: None,
        source_file: "test.csv".into(),
        extra: crate::model::Extra::new(),
    }
}

/// A country as a 2° × 3° box (longitude west..west+2, latitude 11..14), level 0, keyed by
/// `iso3`: the admin-0 polygon the coverage and exposure tests place sites and events against.
pub fn country_box(iso3: &str, west: f64) -> crate::model::Region {
    use geo::{polygon, MultiPolygon};
    crate::model::Region {
        region_id: iso3.into(),
        level: 0,
        name: iso3.into(),
        country_iso3: Some(iso3.into()),
        country_name: None,
        iso_3166_2: None,
        geometry: MultiPolygon(vec![polygon![
            (x: west, y: 11.0), (x: west + 2.0, y: 11.0), (x: west + 2.0, y: 14.0), (x: west, y: 14.0)
        ]]),
        source: "t".into(),
        extra: Default::default(),
    }
}
