//! Supply indices on the real production data, checked against figures computed here
//! independently from the raw CSV files.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use orewatch_core::analysis::admin::event_country_iso3;
use orewatch_core::analysis::cahra::{CahraRules, Verdict};
use orewatch_core::analysis::cahra_countries::{screen_countries, CountryBasis};
use orewatch_core::analysis::events::{CoverageBasis, EventFilter, FileCoverage, SourceCoverage};
use orewatch_core::analysis::supply::{cahra_exposure, hhi_band, Market};
use orewatch_core::ingest::{boundaries, production_long};
use orewatch_core::model::{Dataset, EventSource, ProductionSeries};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// Gold 2015 from the 1970–2015 series: the HHI computed straight from the CSV (every
/// country row except World, shares of their sum) equals the market's. Python gives the
/// same: 96 rows, total 3,103 t, HHI 564.84.
#[test]
fn gold_2015_hhi_equals_an_independent_computation() {
    let path = data_dir().join("production/mine_production_by_country_1970_2015.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let mut quantities = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        if &row[2] == "Gold" && &row[1] == "2015" && &row[0] != "World" && !row[3].is_empty() {
            quantities.push(row[3].parse::<f64>().unwrap());
        }
    }
    let total: f64 = quantities.iter().sum();
    let expected: f64 = quantities.iter().map(|q| (q / total).powi(2)).sum::<f64>() * 10_000.0;
    assert_eq!(quantities.len(), 96);
    assert!((expected - 564.84).abs() < 0.01, "{expected}");

    let records = production_long::read_path(&path).unwrap().records;
    let m = Market::from_records(
        &records,
        ProductionSeries::Owid1970_2015,
        "gold",
        None,
        2015,
    )
    .unwrap();
    let hhi = m.hhi();
    assert!(
        (hhi.low - expected).abs() < 1e-6,
        "{} vs {expected}",
        hhi.low
    );
    assert_eq!(hhi.low, hhi.high); // no "Other countries" row in this series
    assert_eq!(hhi_band(hhi.low), "unconcentrated");
    // World 3,100 against the sum 3,103.
    let w = m.world.unwrap();
    assert!((w.difference + 3.0).abs() < 1e-9 && !w.inconsistent);
}

/// Gold 2023 from USGS MCS: 16 listed countries (2,340 t) + Other countries 700 t = 3,040 t
/// against World 3,000 (−1.3 %); Mali 60 t = 1.97 %.
#[test]
fn gold_2023_mali_share_and_other_countries_bounds() {
    let path = data_dir().join("production/usgs_mcs_world_production_2020_2025.csv");
    let records = production_long::read_path(&path).unwrap().records;
    let m = Market::from_records(
        &records,
        ProductionSeries::UsgsMcs,
        "gold",
        Some("mine"),
        2023,
    )
    .unwrap();
    assert_eq!(m.producers.len(), 16);
    assert!((m.total() - 3_040.0).abs() < 1e-9);
    assert!((m.share_of("MLI") - 60.0 / 3_040.0).abs() < 1e-12);
    let w = m.world.as_ref().unwrap();
    assert!((w.difference + 40.0).abs() < 1e-9 && !w.inconsistent);
    // Other countries 700/3,040 = 0.230; smallest listed 60/3,040: 11 producers of 60 and
    // one of 40 → Σ = (11 × 60² + 40²) / 3,040² added to the listed part.
    let hhi = m.hhi();
    let listed: f64 = [
        310., 60., 60., 200., 370., 90., 110., 130., 60., 120., 90., 310., 100., 60., 170., 100.,
    ]
    .iter()
    .map(|q| (q / 3_040.0f64).powi(2))
    .sum::<f64>()
        * 10_000.0;
    assert!((hhi.low - listed).abs() < 1e-9);
    let extra = (11.0 * 60.0f64.powi(2) + 40.0f64.powi(2)) / 3_040.0f64.powi(2) * 10_000.0;
    assert!(
        (hhi.high - (listed + extra)).abs() < 1e-9,
        "{} {}",
        hhi.high,
        listed + extra
    );
}

/// The CAHRA screening per country on the real data (global GED, West Africa admin-1 regions,
/// the 1:110m world map) weighed against gold 2015 (1970–2015 series).
///
/// Independent figures (Python over the raw GED CSV, 2015, by its `country` column):
/// state-based + non-state best deaths / one-sided deaths / one-sided events —
/// Russia 78 / 2 / 1, Mexico 1,282 / 9 / 3, India 333 / 57 / 57, DR Congo 200 / 337 / 63,
/// Philippines 532 / 35 / 32, United States 0 / 14 / 1, Peru, Australia, Canada 0 / 0 / 0.
#[test]
fn gold_2015_share_from_cahra_flagged_countries() {
    let dir = data_dir();
    let b = dir.join("boundaries");
    let mut regions = Vec::new();
    for f in [
        "mli_admin1_ne10m.geojson",
        "west_africa_admin1_ne10m.geojson",
        "west_africa_admin0_ne50m.geojson",
        "world_countries_110m.topojson",
    ] {
        regions.extend(boundaries::read_path(&b.join(f)).unwrap().records);
    }
    let (regions, _) = boundaries::dedup_regions(regions);
    let events = crate::shared::global_ged().records.clone();
    // Every GED country name maps to ISO3 (the country basis places events by it).
    let unmapped: std::collections::BTreeSet<&str> = events
        .iter()
        .map(|e| e.country.as_str())
        .filter(|n| event_country_iso3(n).is_none())
        .collect();
    assert!(unmapped.is_empty(), "{unmapped:?}");
    let production = production_long::read_path(
        &dir.join("production/mine_production_by_country_1970_2015.csv"),
    )
    .unwrap()
    .records;
    let dataset = Dataset {
        regions,
        events,
        production,
        ..Default::default()
    };
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let coverage = SourceCoverage {
        source: EventSource::UcdpGed,
        start: d(1989, 1, 1),
        end: d(2019, 12, 31),
        files: vec![FileCoverage {
            path: "ucdp_ged_v21_1_precise_global_1989_2019.csv".into(),
            start: d(1989, 1, 1),
            end: d(2019, 12, 31),
            basis: CoverageBasis::FileName,
        }],
    };
    let s = screen_countries(
        &dataset,
        &EventFilter::all(EventSource::UcdpGed),
        &coverage,
        &CahraRules::default_rules(),
        &[2015],
    )
    .unwrap();
    let get = |iso3: &str| {
        s.countries
            .iter()
            .find(|c| c.country_iso3 == iso3)
            .unwrap_or_else(|| panic!("{iso3} not screened"))
    };
    for (iso3, armed, one_sided, os_events) in [
        ("RUS", 78, 2, 1),
        ("MEX", 1282, 9, 3),
        ("IND", 333, 57, 57),
        ("COD", 200, 337, 63),
        ("PHL", 532, 35, 32),
        ("USA", 0, 14, 1),
        ("PER", 0, 0, 0),
        ("AUS", 0, 0, 0),
        ("CAN", 0, 0, 0),
    ] {
        let c = get(iso3);
        assert_eq!(c.basis, CountryBasis::Country, "{iso3}");
        assert_eq!(
            (
                c.counts.fatalities_state_based + c.counts.fatalities_non_state,
                c.counts.fatalities_one_sided,
                c.counts.events_one_sided
            ),
            (armed, one_sided, os_events),
            "{iso3}"
        );
    }
    // ≥ 25 state-based + non-state deaths: conflict-affected.
    for iso3 in ["RUS", "MEX", "IND", "COD", "PHL"] {
        assert_eq!(get(iso3).verdict, Verdict::ConflictAffected, "{iso3}");
    }
    // Mali by its admin-1 regions (placement checked against shapely in tests/cahra.rs).
    let mali = get("MLI");
    assert_eq!((mali.basis, mali.units), (CountryBasis::Admin1, 9));
    assert_eq!(mali.verdict, Verdict::ConflictAffected);

    let market = Market::from_records(
        &dataset.production,
        ProductionSeries::Owid1970_2015,
        "gold",
        None,
        2015,
    )
    .unwrap();
    let e = cahra_exposure(&market, &s.verdicts(2015), 2015);
    // The flagged share is the sum of the flagged producers' shares, recomputed here from
    // the market and the verdicts; no "Other countries" row in this series.
    let verdicts = s.verdicts(2015);
    let expected: f64 = market
        .producers
        .iter()
        .zip(market.shares())
        .filter(|(p, _)| {
            matches!(
                verdicts.get(p.key.as_str()),
                Some(Verdict::ConflictAffected | Verdict::HighRisk)
            )
        })
        .map(|(_, s)| s)
        .sum();
    assert!((e.flagged_low - expected).abs() < 1e-12);
    assert_eq!(e.other_countries, 0.0);
    // Russia (8.2 %) and Mexico (3.9 %) alone put it above 12 %.
    assert!(e.flagged_low > market.share_of("RUS") + market.share_of("MEX"));
    assert!(e.flagged_high >= e.flagged_low);
    println!(
        "gold 2015: flagged {:.4}–{:.4}, not screened {:.4}",
        e.flagged_low, e.flagged_high, e.not_screened
    );
}

// ---- The EU's supply risk reproduced from its own inputs (bundled EU CRM 2023 tables) ----

mod eu {
    use super::data_dir;
    use orewatch_core::analysis::supply::eu::{eu_check, CheckStatus, WgiRule};
    use orewatch_core::ingest::{eu_crm, wgi};
    use orewatch_core::model::{EuStage, SupplyBasis};

    fn governance() -> Vec<orewatch_core::model::GovernanceRecord> {
        let path = data_dir().join("governance/wgi_all_countries_1996_2023.csv");
        wgi::read_path(&path).unwrap().records
    }

    /// Every material's recomputed SR equals the independent reference
    /// (tests/fixtures/eu_sr_reference.py, standard-library Python over the evidence files and
    /// the WGI file; its output is tests/fixtures/eu_sr_reference.json): the same 85 computed,
    /// the same 5 incomplete, each SR and its `<0.1%` bounds within 1e-9.
    #[test]
    fn every_recomputed_sr_equals_the_python_reference() {
        let reference: serde_json::Value =
            serde_json::from_str(include_str!("../fixtures/eu_sr_reference.json")).unwrap();
        let tables = eu_crm::bundled().unwrap();
        let check = eu_check(&tables, &governance(), WgiRule::default(), &[]);
        assert_eq!(reference.as_object().unwrap().len(), check.rows.len());
        for r in &check.rows {
            let want = &reference[r.material.as_str()];
            if want["status"] == "incomplete" {
                assert_eq!(r.status, CheckStatus::Incomplete, "{}", r.material);
                continue;
            }
            let close = |a: Option<f64>, key: &str| {
                let b = want[key].as_f64().unwrap();
                assert!(
                    (a.unwrap() - b).abs() < 1e-9,
                    "{} {key}: {a:?} vs {b}",
                    r.material
                );
            };
            close(r.recomputed_sr, "sr");
            close(r.recomputed_low, "low");
            close(r.recomputed_high, "high");
        }
    }

    /// The bundled copy is byte for byte the evidence directory's (when it is there).
    #[test]
    fn the_bundled_tables_are_the_evidence_files() {
        let evidence = data_dir().join("../evidence/eu_crm_2023");
        let tables = eu_crm::bundled().unwrap();
        let read = eu_crm::read_dir(&evidence).unwrap();
        for (bundled, file) in tables.files.iter().zip(&read.files) {
            assert_eq!(bundled.sha256, file.sha256, "{}", file.path);
        }
        // The same rows (the defect notes name different paths).
        let without_flags = |t: &orewatch_core::model::EuCrmTables| {
            let mut r = t.results.clone();
            r.iter_mut().for_each(|m| m.flags.clear());
            r
        };
        assert_eq!(without_flags(&tables), without_flags(&read));
        assert_eq!(tables.global, read.global);
        assert_eq!(tables.eu_sourcing, read.eu_sourcing);
    }

    /// Lithium (published 1.9 at processing) and cobalt (2.8 at extraction) come back within
    /// ±0.1 from Appendix 7, the WGI mean of 2016–2020 and the results table's IR, EoL-RIR and
    /// SI_SR. Independent check (python3 csv over the same four files and the WGI file, the
    /// six estimates averaged per year, then over 2016–2020, 5 − 2 · mean):
    /// lithium P: HHI_WGI,t GS 2.2016, EU 2.0628, SR = (2.2016 + 2.0628)/2 · 0.94 = 2.004;
    /// cobalt E (GSonly): HHI_WGI,t 3.6440, SR = 3.6440 · 0.78 · 0.98 = 2.785.
    #[test]
    fn lithium_and_cobalt_are_reproduced() {
        let tables = eu_crm::bundled().unwrap();
        let check = eu_check(&tables, &governance(), WgiRule::default(), &[]);
        let row = |m: &str| check.rows.iter().find(|r| r.material == m).unwrap();
        let li = row("Lithium");
        assert_eq!(
            (li.stage, li.basis, li.published_sr),
            (
                Some(EuStage::Processing),
                Some(SupplyBasis::GlobalAndEu),
                Some(1.9)
            )
        );
        let g = li.inputs.global.as_ref().unwrap().mid();
        let e = li.inputs.eu_sourcing.as_ref().unwrap().mid();
        assert!(
            (g - 2.2016).abs() < 5e-5 && (e - 2.0628).abs() < 5e-5,
            "{g} {e}"
        );
        assert!((li.recomputed_sr.unwrap() - 2.004).abs() < 5e-4, "{li:?}");
        assert_eq!(li.status, CheckStatus::Hit);
        let co = row("Cobalt");
        assert_eq!(
            (co.stage, co.basis, co.published_sr),
            (
                Some(EuStage::Extraction),
                Some(SupplyBasis::GlobalOnly),
                Some(2.8)
            )
        );
        assert!((co.recomputed_sr.unwrap() - 2.785).abs() < 5e-4, "{co:?}");
        assert_eq!(co.status, CheckStatus::Hit);
        assert!(co.strict_hit);
        // The whole table: 67 of 90 within 0.1 after rounding (65 strictly), 5 incomplete.
        assert_eq!(
            (check.hits, check.strict_hits, check.incomplete, check.total),
            (67, 65, 5, 90)
        );
    }
}
