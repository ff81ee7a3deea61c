//! `orewatch exposure` on the real data: the global GED and every site file.
//!
//! With the store's sites (USGS layers deduplicated by layer and FeatureUID, hand-tabulated
//! mines linked to the FeatureUIDs they cite), R = 25 km over the whole period the pair count
//! and deaths equal the figures for the sites deduplicated by layer and FeatureUID:
//! 55,424 pairs and 2,586,351 deaths.

mod common;

use std::path::Path;

use common::{data_dir, fails_with, orewatch, run_ok};

fn ingest_real(store: &Path) {
    let data = data_dir();
    run_ok(
        orewatch(store)
            .arg("ingest")
            .arg(data.join("conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv"))
            .arg(data.join("mines"))
            .arg(data.join("boundaries/west_africa_admin1_ne10m.geojson")),
    );
}

#[test]
fn exposure_on_the_real_data() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ingest_real(&store);

    // Whole period, 25 km, every site: the deduplicated numbers.
    let all = tmp.path().join("all.csv");
    run_ok(
        orewatch(&store)
            .args([
                "exposure",
                "--radius-km",
                "25",
                "--window-days",
                "all",
                "--out",
            ])
            .arg(&all),
    );
    let mut reader = csv::Reader::from_path(&all).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (events, deaths, status) = (col("events"), col("fatalities_best"), col("status"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4_152);
    let sum = |c: usize| -> u64 { rows.iter().map(|r| r[c].parse::<u64>().unwrap_or(0)).sum() };
    assert_eq!((sum(events), sum(deaths)), (55_424, 2_586_351));
    let unassessed: Vec<&str> = rows
        .iter()
        .filter(|r| &r[status] != "assessed")
        .map(|r| &r[col("site_id")])
        .collect();
    assert_eq!(unassessed, ["MLI-HT-14"], "Intahaka has no coordinates");
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("all.csv.meta.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(meta["parameters"]["radii_km"], serde_json::json!([25.0]));
    assert_eq!(meta["parameters"]["as_of"], "2019-12-31");
    assert_eq!(meta["coverage"]["end"], "2019-12-31");

    // The Mali mines of the hand-tabulated list: none has a GED event within 25 km, ever.
    let mali = tmp.path().join("mali.geojson");
    run_ok(
        orewatch(&store)
            .args([
                "exposure",
                "--sites",
                "country=MLI",
                "--window-days",
                "all",
                "--out",
            ])
            .arg(&mali),
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&mali).unwrap()).unwrap();
    assert_eq!(
        doc["metadata"]["parameters"]["radii_km"],
        serde_json::json!([25.0, 50.0, 100.0])
    );
    let features = doc["features"].as_array().unwrap();
    let tabulated_25: Vec<&serde_json::Value> = features
        .iter()
        .map(|f| &f["properties"])
        .filter(|p| p["site_id"].as_str().unwrap().starts_with("MLI-HT") && p["radius_km"] == 25.0)
        .collect();
    assert_eq!(tabulated_25.len(), 15);
    assert!(tabulated_25
        .iter()
        .all(|p| p["events"] == 0 || p["assessed"] == false));
    // Sites are placed in their admin-1 region by point-in-polygon: Loulo-Gounkoto in Kayes.
    let loulo = tabulated_25
        .iter()
        .find(|p| p["site_id"] == "MLI-HT-01")
        .unwrap();
    assert_eq!(loulo["admin1_name"], "Kayes");

    // Parquet export is a GeoParquet file.
    let pq = tmp.path().join("mali.parquet");
    run_ok(
        orewatch(&store)
            .args(["exposure", "--sites", "country=MLI", "--out"])
            .arg(&pq),
    );
    assert_eq!(&std::fs::read(&pq).unwrap()[..4], b"PAR1");

    // Month by month.
    let monthly = tmp.path().join("monthly.csv");
    run_ok(
        orewatch(&store)
            .args([
                "exposure",
                "--sites",
                "id=MLI-HT-15",
                "--every",
                "month",
                "--from",
                "2019-01-01",
                "--out",
            ])
            .arg(&monthly),
    );
    let lines = std::fs::read_to_string(&monthly).unwrap().lines().count();
    assert_eq!(lines, 1 + 12 * 3, "12 months × 3 radii and a header");

    // Bad parameters: clear errors.
    fails_with(
        orewatch(&store).args(["exposure", "--radius-km", "-5"]),
        &["radius-km", "-5", "positive"],
    );
    fails_with(
        orewatch(&store).args(["exposure", "--as-of", "2021-01-01"]),
        &["2021-01-01", "outside the stated coverage", "2019-12-31"],
    );
    fails_with(
        orewatch(&store).args(["exposure", "--sites", "id=NOPE"]),
        &["id=NOPE", "matches at least one"],
    );
    fails_with(
        orewatch(&store).args(["exposure", "--kernel", "box"]),
        &["box", "gaussian"],
    );
    fails_with(
        orewatch(&store).args(["exposure", "--window-days", "0"]),
        &["window-days"],
    );
    fails_with(
        orewatch(&store).args(["exposure", "--source", "ACLED"]),
        &["ACLED", "present"],
    );
}
