//! The assessment on a crafted store: every question's result survives a JSON round trip, and
//! the EU supply risk of a market is the formula worked by hand.

use super::*;
use crate::model::{GovernanceRecord, ProductionRecord};
use crate::test_util::{production_record, wgi_record};

fn production(
    country: &str,
    iso3: Option<&str>,
    year: i32,
    commodity: &str,
    q: f64,
) -> ProductionRecord {
    production_record(country, iso3, year, commodity, Some(q), "metric tons")
}

fn wgi(iso3: &str, year: i32, mean: f64) -> GovernanceRecord {
    wgi_record(iso3, year, Some(mean))
}

/// Lithium 2025: Australia 60, Chile 30, Mali 10 (total 100). Gold 2023: Australia 90,
/// Mali 10. WGI 2024 means: AUS 1.5 → 2.0; CHL 1.0 → 3.0; MLI −1.0 → 7.0. WGI 2016–2020 for
/// the EU check: the same countries in 2018 with the same means.
fn dataset() -> Dataset {
    let mut d = Dataset {
        production: vec![
            production("Australia", Some("AUS"), 2025, "lithium", 60.0),
            production("Chile", Some("CHL"), 2025, "lithium", 30.0),
            production("Mali", Some("MLI"), 2025, "lithium", 10.0),
            production("Australia", Some("AUS"), 2023, "gold", 90.0),
            production("Mali", Some("MLI"), 2023, "gold", 10.0),
        ],
        ..Dataset::default()
    };
    for year in [2018, 2024] {
        d.governance.push(wgi("AUS", year, 1.5));
        d.governance.push(wgi("CHL", year, 1.0));
        d.governance.push(wgi("MLI", year, -1.0));
    }
    d
}

fn data<'a>(d: &'a Dataset, eu: &'a EuCrmTables, inputs: &'a SupplyInputs) -> SupplyData<'a> {
    SupplyData {
        dataset: d,
        sources: &[],
        eu,
        inputs,
    }
}

fn round_trip(a: &SupplyAssessment) {
    let json = serde_json::to_string(a).unwrap();
    let back: SupplyAssessment = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    assert_eq!(back.request, a.request);
}

/// Lithium's SR at extraction now (the shipped inputs: GSonly, EoL-RIR 0, SI_SR 0.94; t of
/// Appendix 7's lithium extraction rows: AUS 1.0, CHL 1.0, Mali not listed → 1):
///   HHI_WGI,t = 0.6² · 2.0 + 0.3² · 3.0 + 0.1² · 7.0 = 0.72 + 0.27 + 0.07 = 1.06
///   SR = 1.06 · (1 − 0) · 0.94 = 0.9964
/// With Mali stopped (90 left): (60/90)² · 2.0 + (30/90)² · 3.0 = 0.888… + 0.333… = 1.2222…;
///   SR = 1.2222… · 0.94 = 1.148888…
#[test]
fn market_json_round_trip_and_the_eu_supply_risk_by_hand() {
    let d = dataset();
    let eu = crate::ingest::eu_crm::bundled().unwrap();
    let inputs = SupplyInputs::bundled();
    let request = SupplyRequest {
        question: SupplyQuestion::Market(MarketRequest {
            commodity: "lithium".into(),
            shocks: vec![Shock {
                iso3: "MLI".into(),
                commodity: "lithium".into(),
                change: -1.0,
            }],
            redirects: vec![Redirect {
                iso3: "MLI".into(),
                commodity: "lithium".into(),
                buyer: "USA".into(),
                fraction: 0.5,
            }],
            ..MarketRequest::default()
        }),
        event_source: None,
    };
    let a = assess(&request, &data(&d, &eu, &inputs)).unwrap();
    round_trip(&a);
    let SupplyAnswer::Market(m) = &a.answer else {
        panic!("a market answer")
    };
    assert_eq!(m.metadata.year, 2025);
    let SupplyRisk::Computed {
        low,
        high,
        critical_low,
        basis,
        ..
    } = &m.indices.supply_risk
    else {
        panic!("{:?}", m.indices.supply_risk)
    };
    assert_eq!(*basis, SupplyBasis::GlobalOnly);
    assert!(
        (low - 0.9964).abs() < 1e-12 && (high - 0.9964).abs() < 1e-12,
        "{low}"
    );
    assert!(!critical_low, "0.9964 < 1");
    let eu_view = m.eu.as_ref().unwrap();
    let now = &eu_view.now[0];
    let SupplyRisk::Computed { low: stopped, .. } = now.without_mali.as_ref().unwrap() else {
        panic!()
    };
    assert!((stopped - (1.0 / 0.81 * 0.72 + 0.27 / 0.81) * 0.94).abs() < 1e-12);
    assert!((stopped - 1.148_888_888_888_889).abs() < 1e-9);
    assert_eq!(now.after_shocks, now.without_mali);
    assert!(eu_view
        .statements
        .iter()
        .any(|s| s.contains("does not see Mali's ore")));
    assert!(eu_view
        .statements
        .iter()
        .any(|s| s.starts_with("An offtake (--redirect) changes what the buyer secures")));
    assert_eq!(m.redirects[0].secured_volume, 5.0);
    assert_eq!(m.redirects[0].share_of_world_supply, 0.05);
    assert!(a
        .provenance
        .warnings
        .iter()
        .any(|w| w.contains("no events")));
}

#[test]
fn every_question_round_trips() {
    let d = dataset();
    let eu = crate::ingest::eu_crm::bundled().unwrap();
    let inputs = SupplyInputs::bundled();
    for question in [
        SupplyQuestion::All {
            series: None,
            year: None,
        },
        SupplyQuestion::OverTime {
            commodity: "gold".into(),
            stage: None,
        },
        SupplyQuestion::EuCheck {
            wgi: WgiRule::default(),
        },
    ] {
        let a = assess(
            &SupplyRequest {
                question,
                event_source: None,
            },
            &data(&d, &eu, &inputs),
        )
        .unwrap();
        round_trip(&a);
    }
    let b = brief(&data(&d, &eu, &inputs)).unwrap();
    let json = serde_json::to_string(&b).unwrap();
    let back: SupplyBrief = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    assert_eq!(b.criticality.points.len(), 90);
    assert_eq!(b.one_series_only, ["gold 2023", "lithium 2025"]);
}

#[test]
fn errors_name_what_is_wrong() {
    let d = dataset();
    let eu = crate::ingest::eu_crm::bundled().unwrap();
    let inputs = SupplyInputs::bundled();
    let market = |commodity: &str, event_source| SupplyRequest {
        question: SupplyQuestion::Market(MarketRequest {
            commodity: commodity.into(),
            ..MarketRequest::default()
        }),
        event_source,
    };
    // A commodity USGS does not list falls back on the 1970–2015 series, empty here.
    let e = assess(&market("unobtainium", None), &data(&d, &eu, &inputs)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "no unobtainium figures in the OWID 1970–2015 (Clio-Infra/USGS, BGS) series; commodities there: none"
    );
    let e = assess(
        &market("gold", Some(EventSource::Acled)),
        &data(&d, &eu, &inputs),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "event source: the store holds no events");
    let empty = Dataset::default();
    let e = assess(
        &SupplyRequest {
            question: SupplyQuestion::EuCheck {
                wgi: WgiRule::default(),
            },
            event_source: None,
        },
        &data(&empty, &eu, &inputs),
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("the store holds no WGI figures"));
}
