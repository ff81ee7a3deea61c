//! `orewatch exposure` on the real data: the global GED and every site file.
//!
//! With the store's sites (USGS layers deduplicated by layer and FeatureUID, hand-tabulated
//! mines linked to the FeatureUIDs they cite), R = 25 km over the whole period the pair count
//! and deaths equal the figures for the sites deduplicated by layer and FeatureUID:
//! 55,424 pairs and 2,586,351 deaths.

use std::path::Path;

use crate::common::{data_dir, fails_with, ingested, orewatch, run_ok, usage_error};

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
    // `--out -` writes the same result to stdout, in the format --format names: the same CSV
    // bytes, and GeoParquet bytes (the file's magic at both ends) that are the file's size.
    let args = [
        "exposure",
        "--radius-km",
        "25",
        "--window-days",
        "all",
        "--out",
        "-",
    ];
    let piped = run_ok(orewatch(&store).args(args).args(["--format", "csv"]));
    assert_eq!(piped, std::fs::read_to_string(&all).unwrap());
    let parquet = orewatch(&store)
        .args(args)
        .args(["--format", "parquet"])
        .output()
        .unwrap();
    assert!(parquet.status.success());
    let all_parquet = tmp.path().join("all.parquet");
    run_ok(
        orewatch(&store)
            .args(&args[..args.len() - 1])
            .arg(&all_parquet),
    );
    assert!(parquet.stdout.starts_with(b"PAR1") && parquet.stdout.ends_with(b"PAR1"));
    assert_eq!(
        parquet.stdout.len() as u64,
        std::fs::metadata(&all_parquet).unwrap().len()
    );

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
    // Enumerated flags are usage errors (exit 2) listing the accepted values.
    usage_error(
        orewatch(&store).args(["exposure", "--kernel", "box"]),
        &["box", "uniform", "linear", "gaussian"],
    );
    usage_error(
        orewatch(&store).args(["exposure", "--violence", "sb,riots"]),
        &["riots", "state-based", "non-state", "one-sided"],
    );
    usage_error(
        orewatch(&store).args(["exposure", "--every", "week"]),
        &["week", "month"],
    );
    usage_error(
        orewatch(&store).args(["exposure", "--every", "month", "--format", "geojson"]),
        &["--format geojson", "csv, json"],
    );
    usage_error(
        orewatch(&store).args(["exposure", "--out", "x.csv", "--format", "text"]),
        &["text is for the terminal", "csv, json, geojson, parquet"],
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

/// Coverage with GED 24.1 beside 21.1: Mali and Burkina Faso have data to 2022-12-31, Niger
/// to 2019-12-31. With the default 2022 window (2022-01-01..2022-12-31), the Niger mine
/// (NER-HT-01, Arlit) is "not covered" — no numbers, never 0 — and Essakane (BFA-HT-02, 14.3847°
/// N, 0.0756° E, near the Niger border) keeps its counts and is "partial", naming Niger.
/// Python (haversine, mean radius 6371.0088 km, 21.1 and 24.1 ids merged, the 24.1 record
/// winning): 5 events and 45 deaths within 25 km of Essakane in 2022, 23 / 171 within 50 km.
#[test]
fn exposure_says_not_covered_and_partial_where_data_stop() {
    let (tmp, store) = ingested(&[
        "conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv",
        "conflict/ged_v24_1_download",
        "mines/mine_sites_mali_and_neighbours.csv",
        "mines/company_home_country.csv",
        "boundaries/west_africa_admin0_ne50m.geojson",
    ]);
    let out = tmp.path().join("x.csv");
    run_ok(
        orewatch(&store)
            .args(["exposure", "--sites", "kind=tabulated", "--out"])
            .arg(&out),
    );
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let get = |id: &str, radius: &str, column: &str| -> String {
        let c = headers.iter().position(|h| h == column).unwrap();
        let row = rows
            .iter()
            .find(|r| {
                &r[0] == id && r[headers.iter().position(|h| h == "radius_km").unwrap()] == *radius
            })
            .unwrap_or_else(|| panic!("no row {id} {radius}"));
        row[c].to_string()
    };
    for radius in ["25.0", "50.0", "100.0"] {
        assert_eq!(get("NER-HT-01", radius, "coverage"), "not covered");
        assert_eq!(get("NER-HT-01", radius, "events"), "", "unknown, not 0");
        assert_eq!(get("NER-HT-01", radius, "fatalities_best"), "");
        assert_eq!(get("NER-HT-01", radius, "uncovered_countries"), "NER");
        assert_eq!(
            get("NER-HT-01", radius, "coverage_note"),
            "NER: no data 2022-01-01..2022-12-31"
        );
        assert_eq!(get("BFA-HT-02", radius, "coverage"), "partial");
        assert_eq!(get("BFA-HT-02", radius, "uncovered_countries"), "NER");
    }
    assert_eq!(
        (
            get("BFA-HT-02", "25.0", "events"),
            get("BFA-HT-02", "25.0", "fatalities_best")
        ),
        ("5".to_string(), "45".to_string())
    );
    assert_eq!(
        (
            get("BFA-HT-02", "50.0", "events"),
            get("BFA-HT-02", "50.0", "fatalities_best")
        ),
        ("23".to_string(), "171".to_string())
    );
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("x.csv.meta.json")).unwrap())
            .unwrap();
    let ner = meta["country_coverage"]["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["iso3"] == "NER")
        .unwrap();
    assert_eq!(ner["end"], "2019-12-31");

    // JSON and GeoJSON carry it too, with null numbers for the uncovered site.
    let json_out = tmp.path().join("x.json");
    run_ok(
        orewatch(&store)
            .args([
                "exposure",
                "--sites",
                "id=NER-HT-01",
                "--radius-km",
                "50",
                "--out",
            ])
            .arg(&json_out),
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    let row = &doc["rows"][0];
    assert_eq!(row["coverage"], "not covered");
    assert_eq!(row["events"], serde_json::Value::Null);
    assert_eq!(
        row["status"],
        "not covered — no event data for the site's country in the window"
    );
    let geo_out = tmp.path().join("x.geojson");
    run_ok(
        orewatch(&store)
            .args([
                "exposure",
                "--sites",
                "id=BFA-HT-02",
                "--radius-km",
                "25",
                "--out",
            ])
            .arg(&geo_out),
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&geo_out).unwrap()).unwrap();
    let props = &doc["features"][0]["properties"];
    assert_eq!(
        (props["coverage"].as_str(), props["events"].as_u64()),
        (Some("partial"), Some(5))
    );
    assert_eq!(props["uncovered_countries"][0], "NER");
}

/// `--max-precision N` keeps location codes ≤ N (`--min-precision` is its old name); every
/// command that reads events takes it. Python over the Mali 24.1 export (haversine, mean
/// radius 6371.0088 km): within 100 km of Tilemsi (MLI-HT-15), 1990–2022, 31 events with 265
/// deaths at every precision, 23 with 212 at where_prec ≤ 2.
#[test]
fn max_precision_keeps_codes_up_to_n_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let data = data_dir();
    run_ok(
        orewatch(&store)
            .arg("ingest")
            .arg(
                data.join("conflict/ged_v24_1_download/ucdp_ged_v24_1_download_mali_1990_2022.csv"),
            )
            .arg(data.join("mines/mine_sites_mali_and_neighbours.csv"))
            .arg(data.join("mines/company_home_country.csv")),
    );
    let run = |name: &str, extra: &[&str]| -> (String, String, serde_json::Value) {
        let out = tmp.path().join(format!("{name}.csv"));
        let mut cmd = orewatch(&store);
        cmd.args([
            "exposure",
            "--sites",
            "id=MLI-HT-15",
            "--radius-km",
            "100",
            "--window-days",
            "all",
        ])
        .args(extra)
        .arg("--out")
        .arg(&out);
        run_ok(&mut cmd);
        let mut reader = csv::Reader::from_path(&out).unwrap();
        let headers = reader.headers().unwrap().clone();
        let row = reader.records().next().unwrap().unwrap();
        let col = |c: &str| row[headers.iter().position(|h| h == c).unwrap()].to_string();
        let meta: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(tmp.path().join(format!("{name}.csv.meta.json"))).unwrap(),
        )
        .unwrap();
        (col("events"), col("fatalities_best"), meta)
    };
    let (events, deaths, meta) = run("all", &[]);
    assert_eq!((events.as_str(), deaths.as_str()), ("31", "265"));
    assert_eq!(
        meta["location_precision"],
        "every location precision (all codes, and events without one)"
    );
    let (events, deaths, meta) = run("precise", &["--max-precision", "2"]);
    assert_eq!((events.as_str(), deaths.as_str()), ("23", "212"));
    assert!(meta["location_precision"]
        .as_str()
        .unwrap()
        .starts_with("location precision codes 1–2 only"));
    let (events, deaths, _) = run("alias", &["--min-precision", "2"]);
    assert_eq!((events.as_str(), deaths.as_str()), ("23", "212"));
    fails_with(
        orewatch(&store).args(["exposure", "--max-precision", "9"]),
        &["max-precision", "9", "from 1 (the exact place) to 7"],
    );
    // Every command that reads events takes the flag; exposure's old name stays hidden.
    for cmd in [
        &["exposure"][..],
        &["cahra"],
        &["actors"],
        &["network"],
        &["forecast"],
        &["evaluate"],
        &["supply"],
        &["brief"],
    ] {
        let help = run_ok(orewatch(&store).args(cmd).arg("--help"));
        assert!(help.contains("--max-precision <N>"), "{cmd:?}");
        assert!(!help.contains("--min-precision"), "{cmd:?}");
    }
}
