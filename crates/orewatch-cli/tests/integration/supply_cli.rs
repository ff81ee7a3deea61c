//! `orewatch supply` on a store holding the production and governance data.
//!
//! Expected figures from the USGS MCS long file by hand (python csv): gold 2023 mine — 16
//! listed countries 2,340 t + Other countries 700 t = 3,040 t; World row 3,000; Mali 60 t.

use crate::common::*;

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
    // Gold's EU inputs are shipped (config/supply.toml): SR is computed at extraction.
    assert!(
        table.contains("SR 0.48–0.49 at extraction (GS+EU) with EI 2.4: not critical"),
        "{table}"
    );
    assert!(
        table.contains("CAHRA exposure not assessed: the store holds no events"),
        "{table}"
    );
    assert!(table.contains("lost 2.0% of world supply"), "{table}");
    assert!(
        table.contains("30.0 metric tons (gold content) = 1.0% of world supply"),
        "{table}"
    );
    assert!(
        table.contains(
            "An offtake (--redirect) changes what the buyer secures, not the world's shares"
        ),
        "{table}"
    );

    // JSON with a user's inputs file: SR follows the formula from the file's inputs.
    let inputs = dir.path().join("supply.toml");
    std::fs::write(
        &inputs,
        "[commodity.gold]\neu_material = \"Gold\"\n\
         economic_importance = { value = 3.0, source = \"test values\" }\n\
         [commodity.gold.extraction]\nbasis = { value = \"GS+EU\", source = \"test\" }\n\
         import_reliance = { value = 0.6, source = \"test\" }\n\
         eol_rir = { value = 0.1, source = \"test\" }\n\
         substitution = { value = 0.9, source = \"test\" }\n\
         eu_sourcing = { shares = { AUS = 1.0 }, source = \"test shares\" }\n",
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
    assert_eq!(doc["kind"], "market");
    let aus = doc["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["iso3"] == "AUS")
        .unwrap()["wgi_scaled"]
        .as_f64()
        .unwrap();
    // SR = [g · 0.6/2 + AUS · 1² · t · (1 − 0.6/2)] · (1 − 0.1) · 0.9, with g the global
    // HHI_WGI,t (the market's shares, t from Appendix 7) and t of Australia in the EU
    // sourcing table of gold (not listed there: 1).
    let sr = &idx["supply_risk"];
    assert_eq!(sr["status"], "computed");
    let (g_low, g_high) = (
        sr["global"][0].as_f64().unwrap(),
        sr["global"][1].as_f64().unwrap(),
    );
    assert!((sr["low"].as_f64().unwrap() - (g_low * 0.3 + aus * 0.7) * 0.81).abs() < 1e-12);
    assert!((sr["high"].as_f64().unwrap() - (g_high * 0.3 + aus * 0.7) * 0.81).abs() < 1e-12);
    assert!(sr["source"].as_str().unwrap().contains("test shares"));

    // SR of both stages of copper 2023 (mine and refinery figures, the shipped inputs) and the
    // bottleneck: each stage's SR equals that of a run restricted to the stage; the
    // bottleneck is the larger.
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
    let table =
        run_ok(orewatch(&store).args(["supply", "--commodity", "copper", "--year", "2023"]));
    assert!(table.contains("SR by stage: mine "), "{table}");
    // Copper's EoL-RIR is unverified: the output says so and gives SR with the alternative.
    assert!(
        table.contains("EoL-RIR 0.55 (unverified: a third transcription"),
        "{table}"
    );
    assert!(table.contains("with eol_rir = 0.17"), "{table}");

    // An inputs value out of range names the key and the line.
    std::fs::write(
        &inputs,
        std::fs::read_to_string(&inputs)
            .unwrap()
            .replace("value = 0.6", "value = 60"),
    )
    .unwrap();
    let e = run_err(
        orewatch(&store)
            .args(["supply", "--commodity", "gold", "--inputs"])
            .arg(&inputs),
    );
    assert!(
        e.contains("line 6: commodity.gold.extraction.import_reliance = 60: expected a fraction in 0–1 (60 looks like a percentage: write 0.6)"),
        "{e}"
    );

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
    let (dir, store) = ingested(&[
        "production",
        "governance",
        "boundaries",
        "conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv",
    ]);
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
    // 2023 production: the events end 2019, so every country is judged on 2019 (said so).
    assert!(line_2023.contains("all producers 2019"), "{line_2023}");

    let e =
        run_err(orewatch(&store).args(["supply", "--commodity", "gold", "--cahra-year", "2024"]));
    assert!(
        e.contains("cahra_year 2024: no UCDP GED data for 2024"),
        "{e}"
    );
}

/// The CAHRA share with per-country coverage: GED 24.1's Mali export (to 2022-12-31) beside
/// the 21.1 West Africa extract (to 2019-12-31). Gold 2022 (USGS): each country is judged on the
/// last year its own events cover entirely — Mali on 2022, Burkina Faso and Ghana on 2019 (their
/// data end there) — never "neither" for a year without data, and never "insufficient data"
/// for a country whose 2019 is covered. The years are in the output.
#[test]
fn supply_cahra_share_uses_each_countrys_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let data = data_dir();
    run_ok(
        orewatch(&store)
            .arg("ingest")
            .arg(data.join("production"))
            .arg(data.join("governance"))
            .arg(data.join("boundaries"))
            .arg(data.join("conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"))
            .arg(
                data.join("conflict/ged_v24_1_download/ucdp_ged_v24_1_download_mali_1990_2022.csv"),
            ),
    );
    let json_path = dir.path().join("gold2022.json");
    let args = [
        "supply",
        "--commodity",
        "gold",
        "--series",
        "usgs",
        "--year",
        "2022",
    ];
    let table = run_ok(orewatch(&store).args(args));
    run_ok(
        orewatch(&store)
            .args(args)
            .args(["--out", json_path.to_str().unwrap()]),
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let country = |iso3: &str| {
        doc["countries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["iso3"] == iso3)
            .unwrap_or_else(|| panic!("{iso3} in {doc}"))
            .clone()
    };
    // The latest verdict year used; each producer's year beside it.
    assert_eq!(doc["metadata"]["cahra"]["cahra_year"], 2022, "{doc}");
    let e = &doc["cahra_exposure"]["exposure"];
    assert_eq!(e["verdict_years"]["MLI"], 2022, "{e}");
    assert_eq!(e["verdict_years"]["BFA"], 2019, "{e}");
    assert_eq!(e["verdict_years"]["GHA"], 2019, "{e}");
    // The producers outside West Africa have no events at all: not screened, no year named.
    assert!(
        table.contains("verdicts of MLI 2022, the other producers 2019"),
        "{table}"
    );
    assert_eq!(country("MLI")["cahra"], "conflict-affected");
    assert_ne!(country("BFA")["cahra"], "insufficient data");
    assert_ne!(country("GHA")["cahra"], "insufficient data");
    let share = |iso3: &str| country(iso3)["share"].as_f64().unwrap();
    let low = e["flagged_low"].as_f64().unwrap();
    assert!(low >= share("MLI") - 1e-12, "{e}");
    assert!(e["insufficient_data"].as_f64().unwrap() < 1e-12, "{e}");
}

/// `orewatch supply --commodity lithium`: the supply risk with its inputs and sources, now and
/// with Mali's output stopped; the plain statements on the processing stage and offtakes.
#[test]
fn lithium_supply_risk_with_inputs_sources_and_mali() {
    let dir = store();
    let store = dir.path().join("store");
    let table = run_ok(orewatch(&store).args([
        "supply",
        "--commodity",
        "lithium",
        "--redirect",
        "MLI:lithium:USA:0.5",
    ]));
    assert!(table.starts_with("lithium 2025 (mine)"), "{table}");
    for expected in [
        "published 2023: SR 1.9 at processing, EI 3.9: critical (SR ≥ 1 and EI ≥ 2.8)",
        "published SR by stage: extraction 0.8, processing 1.9",
        "inputs at extraction: basis GSonly; IR 0.81; EoL-RIR 0.00; SI_SR 0.94",
        "inputs at processing: basis GS+EU; IR 1.00; EoL-RIR 0.00; SI_SR 0.94; EU sourcing Appendix 7",
        "processing 2.00 against 1.9 published (within 0.1)",
        "SR now at extraction (GSonly, USGS 2025 mine production",
        "with Mali's 2025 output as reported (3.3% of world supply): 0.67",
        "with Mali's output stopped (as --shock MLI:lithium:-1): 0.71",
        "SR now at processing: no lithium refinery figures in the store",
        "so the processing-stage SR does not see Mali's ore",
        "An offtake (--redirect) changes what the buyer secures, not the world's shares",
        "results per material (page not known), as transcribed in config/eu_crm_2023/results_2023_transcribed.csv",
        "Appendix 7, p. 78, as transcribed in config/eu_crm_2023/eu_sourcing_shares_appendix7.csv",
        "governance inputs: World Bank WGI estimates 1996–2023, release not stated",
    ] {
        assert!(table.contains(expected), "{expected}\n{table}");
    }
    // The stopped line equals a run with the shock.
    let shocked = run_ok(orewatch(&store).args([
        "supply",
        "--commodity",
        "lithium",
        "--shock",
        "MLI:lithium:-1",
    ]));
    assert!(
        shocked.contains("after the shocks asked for: 0.71"),
        "{shocked}"
    );
}

/// `orewatch supply --eu-check`: one line per material of the results table (90: 91 rows,
/// the Tungsten row repeated), the hit rate, lithium and cobalt within 0.1; JSON records.
#[test]
fn eu_check_table_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    run_ok(
        orewatch(&store)
            .arg("ingest")
            .arg(data_dir().join("governance")),
    );
    let table = run_ok(orewatch(&store).args(["supply", "--eu-check"]));
    // The WGI vintage (issue 19): the store's WGI file, its years and its hash, in the table
    // and in the JSON provenance.
    // (The store records the file's canonical path: the data directory may be given as
    // `…/crates/orewatch-cli/../../../shared/data`.)
    let wgi_file =
        std::fs::canonicalize(data_dir().join("governance/wgi_all_countries_1996_2023.csv"))
            .unwrap();
    let wgi_sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(&wgi_file).unwrap()))
    };
    assert!(
        table.contains(&format!(
            "governance inputs: World Bank WGI estimates 1996–2023, release not stated in the file or its name ({}, sha256 {}…)",
            wgi_file.display(),
            &wgi_sha[..8]
        )),
        "{table}"
    );
    let json = run_ok(orewatch(&store).args(["supply", "--eu-check", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let wgi = &doc["provenance"]["wgi"];
    assert_eq!(wgi.as_array().map(Vec::len), Some(1), "{wgi}");
    assert_eq!(wgi[0]["sha256"], wgi_sha.as_str());
    assert_eq!(
        (&wgi[0]["first_year"], &wgi[0]["last_year"]),
        (&"1996".into(), &"2023".into())
    );
    let lines: Vec<&str> = table.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("material "))
        .unwrap();
    let rows: Vec<&str> = lines[header + 1..]
        .iter()
        .take_while(|l| !l.starts_with("hit rate:"))
        .copied()
        .collect();
    assert_eq!(rows.len(), 90, "{table}");
    let row = |m: &str| {
        rows.iter()
            .find(|l| l.starts_with(&format!("{m} ")))
            .unwrap()
    };
    assert!(row("Lithium").contains(" hit "), "{}", row("Lithium"));
    assert!(row("Cobalt").contains(" hit "), "{}", row("Cobalt"));
    assert!(row("HREE").contains("MISS (incomplete)") && row("HREE").contains("missing SI_SR"));
    assert!(
        row("Phosphate rock").contains("with 0.17 SR = 1.03, within 0.1"),
        "{}",
        row("Phosphate rock")
    );
    assert!(
        table.contains("hit rate: 67 of 90 (74.4%)"),
        "{}",
        lines.iter().find(|l| l.starts_with("hit rate")).unwrap()
    );
    assert!(
        table.contains("line 88: repeats line 87 (Tungsten)"),
        "{table}"
    );

    let json = run_ok(orewatch(&store).args(["supply", "--eu-check", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["kind"], "eu_check");
    let records = doc["check"]["rows"].as_array().unwrap();
    assert_eq!(records.len(), 90);
    let li = records.iter().find(|r| r["material"] == "Lithium").unwrap();
    assert_eq!(li["stage"], "processing");
    assert_eq!(li["published_sr"], 1.9);
    assert!(
        (li["recomputed_sr"].as_f64().unwrap() - 2.004).abs() < 5e-4,
        "{li}"
    );

    // One WGI year instead of the mean; a usage error lists what was expected.
    let y2019 = run_ok(orewatch(&store).args(["supply", "--eu-check", "--wgi-years", "2019"]));
    assert!(y2019.contains("the store's WGI (WGI 2019"), "{y2019}");
    let out = orewatch(&store)
        .args(["supply", "--eu-check", "--wgi-years", "2020..2016"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the first year is after the second"));
    let out = orewatch(&store)
        .args(["supply", "--commodity", "gold", "--stage", "smelter"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[possible values: mine, refinery]"));
}
