//! Hand-worked examples: every expected number is computed in the comments.

use super::*;
use crate::model::GovernanceRecord;
use crate::test_util::{production_record, wgi_record};

fn row(country: &str, iso3: Option<&str>, q: Option<f64>, unit: &str) -> ProductionRecord {
    production_record(country, iso3, 2023, "gold", q, unit)
}

const T: &str = "metric tons";

/// A 50, B 30, C 10, Other countries 10 (total 100); World 101.
fn market_abc() -> Market {
    let records = vec![
        row("Aland", Some("AAA"), Some(50.0), T),
        row("Borduria", Some("BBB"), Some(30.0), T),
        row("Carpania", Some("CCC"), Some(10.0), T),
        row("Other countries", None, Some(10.0), T),
        row("World total (rounded)", None, Some(101.0), T),
        row("Dystopia", Some("DDD"), None, T),
    ];
    Market::from_records(
        &records,
        ProductionSeries::UsgsMcs,
        "gold",
        Some("mine"),
        2023,
    )
    .unwrap()
}

fn wgi(iso3: &str, year: i32, mean: Option<f64>) -> GovernanceRecord {
    wgi_record(iso3, year, mean)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn shares_world_row_and_withheld() {
    let m = market_abc();
    assert_eq!(m.total(), 100.0);
    assert_eq!(m.shares(), vec![0.5, 0.3, 0.1]);
    assert!(close(m.other_share(), 0.1));
    let w = m.world.as_ref().unwrap();
    // 101 − 100 = 1; 1 / 101 = 0.0099 < 0.02: consistent.
    assert!(close(w.difference, 1.0));
    assert!(close(w.relative, 1.0 / 101.0));
    assert!(!w.inconsistent);
    assert_eq!(m.withheld, vec!["Dystopia".to_string()]);
    assert!(close(m.share_of("BBB"), 0.3));
    assert_eq!(m.share_of("ZZZ"), 0.0);
}

#[test]
fn world_row_off_by_more_than_two_percent_or_partial_is_flagged() {
    let records = vec![
        row("Aland", Some("AAA"), Some(50.0), T),
        row("World total (rounded)", None, Some(60.0), T),
    ];
    let m = Market::from_records(&records, ProductionSeries::UsgsMcs, "gold", None, 2023).unwrap();
    assert!(m.world.unwrap().inconsistent); // (60 − 50) / 60 = 0.167
    let records = vec![
        row("Aland", Some("AAA"), Some(50.0), T),
        row(
            "World total (rounded), excluding U.S. production",
            None,
            Some(50.0),
            T,
        ),
    ];
    let m = Market::from_records(&records, ProductionSeries::UsgsMcs, "gold", None, 2023).unwrap();
    assert!(m.world.unwrap().inconsistent);
}

#[test]
fn two_spellings_of_one_country_are_one_producer() {
    let records = vec![
        row("Congo, DRC", Some("COD"), Some(20.0), T),
        row("Democratic Republic of Congo", Some("COD"), Some(5.0), T),
        row("Aland", Some("AAA"), Some(75.0), T),
    ];
    let m = Market::from_records(&records, ProductionSeries::UsgsMcs, "gold", None, 2023).unwrap();
    assert_eq!(m.producers.len(), 2);
    assert!(close(m.share_of("COD"), 0.25));
    assert!(m.notes.iter().any(|n| n.contains("COD: two rows")));
}

#[test]
fn mixed_units_and_empty_markets_are_errors() {
    let records = vec![
        row("Aland", Some("AAA"), Some(50.0), T),
        row("Borduria", Some("BBB"), Some(3.0), "thousand metric tons"),
    ];
    let e = Market::from_records(&records, ProductionSeries::UsgsMcs, "gold", None, 2023)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("2 units") && e.contains("thousand metric tons"),
        "{e}"
    );
    let e = Market::from_records(&records, ProductionSeries::UsgsMcs, "lithium", None, 2023)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no lithium production for 2023"), "{e}");
}

#[test]
fn hhi_with_other_countries_is_a_range() {
    let m = market_abc();
    let h = m.hhi();
    // Listed: 0.5² + 0.3² + 0.1² = 0.25 + 0.09 + 0.01 = 0.35 → 3,500.
    assert!(close(h.low, 3_500.0) && close(h.listed, 3_500.0));
    // Other 0.1 ≤ smallest listed 0.1: at most one producer of 0.1 → + 0.01 → 3,600.
    assert!(close(h.high, 3_600.0));
    // Other 0.25, smallest listed 0.1: two of 0.1 and one of 0.05 → 0.02 + 0.0025 = 0.0225.
    let h = hhi_bounds(&[0.45, 0.2, 0.1], 0.25);
    assert!(close(h.low, (0.2025 + 0.04 + 0.01) * 10_000.0));
    assert!(close(h.high, (0.2525 + 0.0225) * 10_000.0));
    // Nothing listed: the remainder is at most one producer.
    assert!(close(hhi_bounds(&[], 1.0).high, 10_000.0));
    assert!(close(hhi_bounds(&[1.0], 0.0).high, 10_000.0));
}

#[test]
fn merger_guideline_bands() {
    assert_eq!(hhi_band(1_499.9), "unconcentrated");
    assert_eq!(hhi_band(1_500.0), "moderately concentrated");
    assert_eq!(hhi_band(2_500.0), "moderately concentrated");
    assert_eq!(hhi_band(2_500.1), "highly concentrated");
    assert!(hhi_band_2023_note(1_900.0).is_some());
    assert!(hhi_band_2023_note(1_700.0).is_none());
}

#[test]
fn wgi_rescaling_and_latest_year() {
    assert!(close(wgi_scaled(2.5), 0.0));
    assert!(close(wgi_scaled(-2.5), 10.0));
    assert!(close(wgi_scaled(0.0), 5.0));
    assert!(close(wgi_scaled(-3.0), 10.0)); // 11 clamped
    assert!(close(wgi_scaled(2.6), 0.0)); // −0.2 clamped
    let g = vec![
        wgi("AAA", 2020, Some(1.0)),
        wgi("AAA", 2022, Some(0.5)),
        wgi("AAA", 2024, Some(-1.0)),
        wgi("BBB", 2022, None),
    ];
    // Latest year ≤ 2023 is 2022: 5 − 2 × 0.5 = 4.
    assert_eq!(governance_for(&g, "AAA", 2023), Some((2022, 4.0)));
    assert_eq!(governance_for(&g, "BBB", 2023), None); // estimates missing
    assert_eq!(governance_for(&g, "AAA", 2019), None);
}

#[test]
fn governance_weighted_hhi_with_missing_governance_and_other_countries() {
    let m = market_abc();
    // A mean 1.0 → 3; B mean −1.0 → 7; C no data.
    let g = vec![wgi("AAA", 2023, Some(1.0)), wgi("BBB", 2022, Some(-1.0))];
    let r = governance_weighted(&m, &g, &|_| 1.0);
    // Low: 0.25 × 3 + 0.09 × 7 = 0.75 + 0.63 = 1.38.
    assert!(close(r.low, 1.38), "{}", r.low);
    // High: + C 0.01 × 10 + Other's upper 0.01 × 10 = 1.58.
    assert!(close(r.high, 1.58), "{}", r.high);
    assert_eq!(r.missing, vec!["CCC".to_string()]);
    assert!(close(r.missing_share, 0.1));
    assert_eq!(r.wgi_years.get("BBB"), Some(&2022));
    // An export restriction t = 1.5 on A: 0.25 × 3 × 1.5 = 1.125 → low 1.755.
    let r = governance_weighted(&m, &g, &|k| if k == "AAA" { 1.5 } else { 1.0 });
    assert!(close(r.low, 1.755), "{}", r.low);
}

#[test]
fn supply_risk_and_criticality() {
    let inputs = RiskInputs {
        import_reliance: 0.6,
        eol_rir: 0.1,
        substitution: 0.9,
    };
    // (1.38 × 0.6/2 + 2.0 × (1 − 0.6/2)) × (1 − 0.1) × 0.9 = (0.414 + 1.4) × 0.81 = 1.46934.
    assert!(close(supply_risk(1.38, 2.0, &inputs), 1.46934));
    assert!(is_critical(1.0, 2.8));
    assert!(!is_critical(0.99, 5.0));
    assert!(!is_critical(2.0, 2.79));
}

#[test]
fn shock_and_offtake_on_a_three_country_market() {
    let records = vec![
        row("Xland", Some("XXX"), Some(60.0), T),
        row("Yland", Some("YYY"), Some(30.0), T),
        row("Zland", Some("ZZZ"), Some(10.0), T),
    ];
    let m = Market::from_records(&records, ProductionSeries::UsgsMcs, "gold", None, 2023).unwrap();
    // Before: 0.36 + 0.09 + 0.01 = 0.46 → 4,600.
    assert!(close(m.hhi().low, 4_600.0));
    let s = m.shocked("XXX", -0.5).unwrap();
    // X 30, Y 30, Z 10 → total 70; HHI = (900 + 900 + 100) / 4,900 × 10,000 = 3,877.55…
    assert!(close(s.total(), 70.0));
    assert!(close(s.hhi().low, 1_900.0 / 4_900.0 * 10_000.0));
    // Lost: 30 of the old 100.
    assert!(close((m.total() - s.total()) / m.total(), 0.3));
    assert!(m.shocked("XXX", -1.5).is_err());
    assert!(m.shocked("QQQ", -0.5).is_err());
    // Half of Y's 30 to a buyer: 15, 15 % of the total.
    let (volume, share) = offtake(&m, "YYY", 0.5).unwrap();
    assert!(close(volume, 15.0) && close(share, 0.15));
    assert!(offtake(&m, "YYY", 1.5).is_err());
}

#[test]
fn cahra_exposure_on_a_crafted_market() {
    // Market: A 50, B 30, C 10, Other countries 10 → shares 0.5, 0.3, 0.1, other 0.1.
    // Verdicts 2019: A conflict-affected, B neither, C absent (not screened).
    let market = market_abc();
    let verdicts: BTreeMap<&str, Verdict> = [
        ("AAA", Verdict::ConflictAffected),
        ("BBB", Verdict::Neither),
        ("ZZZ", Verdict::HighRisk), // no production: weighs nothing
    ]
    .into_iter()
    .collect();
    let e = cahra_exposure(&market, &verdicts, 2019);
    assert_eq!((e.market_year, e.cahra_year), (2023, 2019));
    assert!(close(e.conflict_affected, 0.5));
    assert!(close(e.high_risk, 0.0));
    assert!(close(e.neither, 0.3));
    assert!(close(e.not_screened, 0.1));
    assert!(close(e.other_countries, 0.1));
    // lower = 0.5 + 0 = 0.5; upper = 0.5 + insufficient 0 + not screened 0.1 + other 0.1 = 0.7
    assert!(close(e.flagged_low, 0.5));
    assert!(close(e.flagged_high, 0.7));
    let sum = e.conflict_affected
        + e.high_risk
        + e.neither
        + e.insufficient_data
        + e.not_screened
        + e.other_countries;
    assert!(close(sum, 1.0));
    assert_eq!(
        e.producers[0],
        ("AAA".to_string(), 0.5, Some(Verdict::ConflictAffected))
    );
    assert_eq!(e.producers[2].2, None);

    // B high-risk, C insufficient: lower 0.5 + 0.3 = 0.8; upper 0.8 + 0.1 + 0 + 0.1 = 1.0.
    let verdicts: BTreeMap<&str, Verdict> = [
        ("AAA", Verdict::ConflictAffected),
        ("BBB", Verdict::HighRisk),
        ("CCC", Verdict::InsufficientData),
    ]
    .into_iter()
    .collect();
    let e = cahra_exposure(&market, &verdicts, 2023);
    assert!(close(e.flagged_low, 0.8));
    assert!(close(e.insufficient_data, 0.1));
    assert!(close(e.flagged_high, 1.0));
}

#[test]
fn year_figures_and_the_sahel_share() {
    // Mali 20, Burkina Faso 10, Niger 5, Aland 65 (total 100): Mali 0.2, Sahel 0.35,
    // HHI = (0.04 + 0.01 + 0.0025 + 0.4225) × 10,000 = 4,750; no screening: no CAHRA figures.
    let records = vec![
        row("Mali", Some("MLI"), Some(20.0), T),
        row("Burkina Faso", Some("BFA"), Some(10.0), T),
        row("Niger", Some("NER"), Some(5.0), T),
        row("Aland", Some("AAA"), Some(65.0), T),
    ];
    let m = Market::from_records(
        &records,
        ProductionSeries::UsgsMcs,
        "gold",
        Some("mine"),
        2023,
    )
    .unwrap();
    assert!(close(m.sahel_share(), 0.35));
    let f = year_figures(std::slice::from_ref(&m), None);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].series, f[0].year), (ProductionSeries::UsgsMcs, 2023));
    assert!(close(f[0].mali_share, 0.2) && close(f[0].sahel_share, 0.35));
    assert!(close(f[0].hhi.low, 4_750.0) && close(f[0].hhi.high, 4_750.0));
    assert_eq!(f[0].cahra, None);
}

#[test]
fn each_producer_is_judged_on_its_own_last_fully_covered_year() {
    // Market 2023: A 50, B 30, C 10, Other countries 10 → shares 0.5, 0.3, 0.1, other 0.1.
    // Coverage: a global file covers every country up to 2019; A's own file covers 2020–2022;
    // C has no file after 2019 either; nothing covers 2023. The fallback (the source's last
    // entirely covered year ≤ 2023) is 2022.
    // Years, searched from 2022 down: 2022 covers A only → A 2022; 2021, 2020: A only (taken);
    // 2019: every country → B 2019, C 2019.
    let market = market_abc();
    let covered = |y: i32| match y {
        2020..=2022 => Some(vec!["AAA".to_string()]),
        _ => None,
    };
    let keys = ["AAA", "BBB", "CCC"];
    let years = choose_verdict_years(&keys, 2022, 1989, covered);
    assert_eq!(years.by_producer["AAA"], 2022);
    assert_eq!(years.by_producer["BBB"], 2019);
    assert_eq!(years.by_producer["CCC"], 2019);
    assert!(years.uncovered.is_empty());
    assert_eq!(
        years.years().into_iter().collect::<Vec<_>>(),
        vec![2019, 2022]
    );

    // Verdicts: 2022: A conflict-affected, B insufficient data (its events end 2019), C the
    // same; 2019: A neither, B high-risk, C neither.
    let verdicts: BTreeMap<i32, BTreeMap<&str, Verdict>> = [
        (
            2022,
            [
                ("AAA", Verdict::ConflictAffected),
                ("BBB", Verdict::InsufficientData),
                ("CCC", Verdict::InsufficientData),
            ]
            .into_iter()
            .collect(),
        ),
        (
            2019,
            [
                ("AAA", Verdict::Neither),
                ("BBB", Verdict::HighRisk),
                ("CCC", Verdict::Neither),
            ]
            .into_iter()
            .collect(),
        ),
    ]
    .into_iter()
    .collect();
    let e = cahra_exposure_by_year(&market, &verdicts, &years);
    // A (2022) conflict-affected 0.5; B (2019) high-risk 0.3; C (2019) neither 0.1; other 0.1.
    // lower = 0.5 + 0.3 = 0.8; upper = 0.8 + insufficient 0 + not screened 0 + other 0.1 = 0.9.
    // (One year for all, 2022, would give lower 0.5, upper 0.5 + 0.3 + 0.1 + 0.1 = 1.0.)
    assert!(close(e.conflict_affected, 0.5));
    assert!(close(e.high_risk, 0.3));
    assert!(close(e.neither, 0.1));
    assert!(close(e.insufficient_data, 0.0));
    assert!(close(e.flagged_low, 0.8));
    assert!(close(e.flagged_high, 0.9));
    assert_eq!((e.market_year, e.cahra_year), (2023, 2022));
    // A (0.5 of the market) is 2022's group, B and C (0.3 + 0.1 = 0.4) 2019's: 2022 holds
    // more of the share, so it is the main year, named last.
    assert_eq!(
        e.verdict_year_groups(),
        vec![
            (2022, vec!["AAA".to_string()]),
            (2019, vec!["BBB".to_string(), "CCC".to_string()])
        ]
    );
    assert_eq!(
        e.verdict_years_text(),
        "BBB, CCC 2019, the other producers 2022"
    );

    // A producer no year covers (searching only 2020–2022): the fallback, listed as uncovered;
    // its 2022 verdict is insufficient data: lower 0.5, upper 0.5 + 0.3 + 0.1 + 0.1 = 1.0.
    let years = choose_verdict_years(&keys, 2022, 2020, covered);
    assert_eq!(years.uncovered, vec!["BBB".to_string(), "CCC".to_string()]);
    assert_eq!(years.by_producer["BBB"], 2022);
    let e = cahra_exposure_by_year(&market, &verdicts, &years);
    assert!(close(e.flagged_low, 0.5));
    assert!(close(e.flagged_high, 1.0));
    assert_eq!(e.verdict_years_text(), "all producers 2022");
}
