//! The GeoParquet store opens in GeoPandas and DuckDB spatial with the same counts and
//! coordinates as orewatch's own reading.
//!
//! Needs a Python with geopandas, pyarrow and duckdb + duckdb-ext-spatial (`common::python_with`:
//! `OREWATCH_PYTHON`, else the venv `.ci/run` builds); without them the test fails.

use std::process::Command;

use crate::common::*;
use orewatch_store::Store;

#[test]
fn geoparquet_opens_in_geopandas_and_duckdb() {
    let python = python_with(&["geopandas", "pyarrow", "duckdb"]);

    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    run_ok(
        orewatch(&store_dir)
            .arg("ingest")
            .arg(data_dir().join("conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"))
            .arg(data_dir().join("boundaries"))
            .arg(data_dir().join("mines")),
    );
    let (data, _) = Store::open(&store_dir).load().unwrap();

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/read_store.py");
    let out = Command::new(&python)
        .arg(script)
        .arg(&store_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
    let sum_x: f64 = data.events.iter().map(|e| e.lon).sum();
    let sum_y: f64 = data.events.iter().map(|e| e.lat).sum();
    let events = &seen["events"];
    assert_eq!(events["rows"], data.events.len());
    assert_eq!(events["rows"], 6_965);
    assert_eq!(events["crs"], "OGC:CRS84");
    assert_eq!(events["geo_version"], "1.0.0");
    assert_eq!(events["geometry_types"], serde_json::json!(["Point"]));
    assert!(close(events["sum_x"].as_f64().unwrap(), sum_x));
    assert!(close(events["sum_y"].as_f64().unwrap(), sum_y));

    let sites = &seen["sites"];
    assert_eq!(sites["rows"], data.sites.len());
    let unlocated = data.sites.iter().filter(|s| !s.has_coordinates()).count();
    assert_eq!(sites["null_geometries"], unlocated);
    assert!(unlocated >= 1, "Intahaka has no coordinates");
    let site_x: f64 = data.sites.iter().filter_map(|s| s.lon).sum();
    assert!(close(sites["sum_x"].as_f64().unwrap(), site_x));

    let regions = &seen["regions"];
    assert_eq!(regions["rows"], data.regions.len());
    assert_eq!(
        regions["geometry_types"],
        serde_json::json!(["MultiPolygon", "Polygon"])
    );

    let Some(d) = seen.get("duckdb_events") else {
        panic!("DuckDB spatial failed: {}", seen["duckdb_error"]);
    };
    assert_eq!(d["rows"], 6_965);
    assert_eq!(
        d["geometry_type"], "GEOMETRY",
        "DuckDB did not recognise GeoParquet"
    );
    assert!(close(d["sum_x"].as_f64().unwrap(), sum_x));
    assert!(close(d["sum_y"].as_f64().unwrap(), sum_y));
}
