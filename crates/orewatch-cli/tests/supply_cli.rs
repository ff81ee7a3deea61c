//! `orewatch supply` on a store holding the production and governance data.
//!
//! Expected figures from the USGS MCS long file by hand (python csv): gold 2023 mine — 16
//! listed countries 2,340 t + Other countries 700 t = 3,040 t; World row 3,000; Mali 60 t.

mod common;

use common::*;

fn store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir();
    run_ok(
        orewatch(&dir.path().join("store"))
            .arg("ingest")
            .arg(data.join("production"))
            .arg(data.join("governance")),
    );
    dir
}

#[test]
fn supply_tables_shocks_inputs_and_errors() {
    let dir = store();
    let store = dir.path().join("store");

    let table = run_ok(orewatch(&store).args([
        "supply",
        "--commodity",
        "gold",
        "--shock",
        "MLI:gold:-1",
        "--redirect",
        "MLI:gold:USA:0.5",
    ]));
    assert!(table.starts_with("gold 2023 (mine) — USGS"), "{table}");
    assert!(table.contains("Mali 2.0%"), "{table}");
    assert!(table.contains("SR not computed"), "{table}");
    assert!(table.contains("lost 2.0% of world supply"), "{table}");
    assert!(
        table.contains("30.0 metric tons (gold content) = 1.0% of world supply"),
        "{table}"
    );

    // JSON with a complete inputs file: SR follows the formula from the file's inputs.
    let inputs = dir.path().join("supply.toml");
    std::fs::write(
        &inputs,
        "[commodity.gold]\nimport_reliance = 0.6\neol_rir = 0.1\nsubstitution = 0.9\n\
         economic_importance = 3.0\neu_sourcing = { AUS = 1.0 }\nsource = \"test values\"\n",
    )
    .unwrap();
    let out = dir.path().join("gold.json");
    run_ok(
        orewatch(&store)
            .args([
                "supply",
                "--commodity",
                "gold",
                "--year",
                "2023",
                "--inputs",
            ])
            .arg(&inputs)
            .arg("--out")
            .arg(&out),
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let idx = &doc["indices"];
    assert!((idx["mali_share"].as_f64().unwrap() - 60.0 / 3_040.0).abs() < 1e-12);
    assert!((idx["total"].as_f64().unwrap() - 3_040.0).abs() < 1e-9);
    assert_eq!(doc["metadata"]["world_row"]["quantity"], 3000.0);
    let aus = doc["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["iso3"] == "AUS")
        .unwrap()["wgi_scaled"]
        .as_f64()
        .unwrap();
    let (g_low, g_high) = (
        idx["hhi_wgi"]["low"].as_f64().unwrap(),
        idx["hhi_wgi"]["high"].as_f64().unwrap(),
    );
    // SR = [g · 0.3 + AUS · 0.7] · 0.9 · 0.9.
    let sr = &idx["supply_risk"];
    assert_eq!(sr["status"], "computed");
    assert!((sr["low"].as_f64().unwrap() - (g_low * 0.3 + aus * 0.7) * 0.81).abs() < 1e-12);
    assert!((sr["high"].as_f64().unwrap() - (g_high * 0.3 + aus * 0.7) * 0.81).abs() < 1e-12);

    // --all lists every USGS commodity with Mali's lithium share.
    let all = run_ok(orewatch(&store).args(["supply", "--all"]));
    assert!(
        all.lines()
            .any(|l| l.starts_with("lithium") && l.contains("2025")),
        "{all}"
    );

    // Errors name what was expected.
    let e =
        run_err(orewatch(&store).args(["supply", "--commodity", "gold", "--shock", "MLI:gold"]));
    assert!(e.contains("expected ISO3:COMMODITY:CHANGE"), "{e}");
    let e = run_err(orewatch(&store).args([
        "supply",
        "--commodity",
        "gold",
        "--shock",
        "XXX:gold:-0.5",
    ]));
    assert!(
        e.contains("XXX is not a listed producer of gold in 2023"),
        "{e}"
    );
    let e = run_err(orewatch(&store).args(["supply", "--commodity", "unobtainium"]));
    assert!(e.contains("no unobtainium figures"), "{e}");
}
