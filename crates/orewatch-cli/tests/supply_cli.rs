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
    assert!(
        table.contains("CAHRA exposure not assessed: the store holds no events"),
        "{table}"
    );
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

    // SR of both stages of copper 2023 (mine and refinery figures) and the bottleneck: each
    // stage's SR equals that of a run restricted to the stage; the bottleneck is the larger.
    std::fs::write(
        &inputs,
        "[commodity.copper]\nimport_reliance = 0.5\neol_rir = 0.2\nsubstitution = 0.9\n\
         economic_importance = 5.0\neu_sourcing = { CHL = 0.5, PER = 0.5 }\nsource = \"test values\"\n",
    )
    .unwrap();
    let sr_of = |stage: &str| {
        let out = dir.path().join(format!("copper_{stage}.json"));
        run_ok(
            orewatch(&store)
                .args([
                    "supply",
                    "--commodity",
                    "copper",
                    "--year",
                    "2023",
                    "--stage",
                    stage,
                ])
                .arg("--inputs")
                .arg(&inputs)
                .arg("--out")
                .arg(&out),
        );
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        doc
    };
    let mine = sr_of("mine");
    let refinery = sr_of("refinery");
    let by_stage = &mine["supply_risk_by_stage"];
    assert_eq!(by_stage, &refinery["supply_risk_by_stage"]);
    let stages = by_stage["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2, "{by_stage}");
    for (doc, stage) in [(&mine, "mine"), (&refinery, "refinery")] {
        let own = doc["indices"]["supply_risk"]["high"].as_f64().unwrap();
        let listed = stages.iter().find(|s| s["stage"] == stage).unwrap()["high"]
            .as_f64()
            .unwrap();
        assert!((own - listed).abs() < 1e-12, "{stage}: {own} vs {listed}");
    }
    let highest = stages
        .iter()
        .max_by(|a, b| {
            a["high"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["high"].as_f64().unwrap())
        })
        .unwrap();
    assert_eq!(by_stage["bottleneck"], highest["stage"]);
    let table = run_ok(
        orewatch(&store)
            .args([
                "supply",
                "--commodity",
                "copper",
                "--year",
                "2023",
                "--inputs",
            ])
            .arg(&inputs),
    );
    assert!(table.contains("SR by stage: mine "), "{table}");

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

/// With West Africa's GED events and boundaries: the CAHRA exposure of gold 2015 (Mali, Niger
/// and Nigeria flagged by their admin-1 regions, Burkina Faso not yet; countries the West Africa extract has no
/// event for are "not screened", never "neither"), and the year-by-year table.
#[test]
fn supply_cahra_exposure_and_over_time() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let data = data_dir();
    run_ok(
        orewatch(&store)
            .arg("ingest")
            .arg(data.join("production"))
            .arg(data.join("governance"))
            .arg(data.join("boundaries"))
            .arg(data.join("conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv")),
    );
    let json_path = dir.path().join("gold2015.json");
    run_ok(orewatch(&store).args([
        "supply",
        "--commodity",
        "gold",
        "--series",
        "owid",
        "--year",
        "2015",
        "--out",
        json_path.to_str().unwrap(),
    ]));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(doc["metadata"]["cahra"]["cahra_year"], 2015);
    let verdict = |iso3: &str| {
        doc["countries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["iso3"] == iso3)
            .map(|c| c["cahra"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(verdict("MLI"), "conflict-affected");
    assert_eq!(verdict("PER"), "not screened");
    assert_eq!(verdict("CHN"), "not screened");
    let e = &doc["cahra_exposure"]["exposure"];
    let share = |iso3: &str| {
        doc["countries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["iso3"] == iso3)
            .map(|c| c["share"].as_f64().unwrap())
            .unwrap()
    };
    let low = e["flagged_low"].as_f64().unwrap();
    assert_eq!(verdict("BFA"), "neither");
    let flagged = share("MLI") + share("NER") + share("NGA");
    assert!((low - flagged).abs() < 1e-12, "{e}");
    assert!(e["flagged_high"].as_f64().unwrap() > 0.8, "{e}");

    let table = run_ok(orewatch(&store).args(["supply", "--commodity", "gold", "--over-time"]));
    assert!(
        table.contains("… 2016–2020: no figures") || table.contains("… 2016–2021: no figures"),
        "{table}"
    );
    let line_2015 = table
        .lines()
        .find(|l| l.starts_with("owid") && l.contains(" 2015 "))
        .unwrap();
    assert!(line_2015.contains("conflict-affected"), "{line_2015}");
    let line_2023 = table
        .lines()
        .find(|l| l.starts_with("usgs") && l.contains(" 2023 "))
        .unwrap();
    assert!(line_2023.contains("not screened"), "{line_2023}");

    let e =
        run_err(orewatch(&store).args(["supply", "--commodity", "gold", "--cahra-year", "2024"]));
    assert!(
        e.contains("--cahra-year 2024: no UCDP GED data for 2024"),
        "{e}"
    );
}
