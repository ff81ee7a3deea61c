//! Supply indices on the real production data, checked against figures computed here
//! independently from the raw CSV files.

use std::path::{Path, PathBuf};

use orewatch_core::analysis::supply::{hhi_band, Market};
use orewatch_core::ingest::production_long;
use orewatch_core::model::ProductionSeries;

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
