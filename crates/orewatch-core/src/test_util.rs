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
