//! `orewatch forecast` and `orewatch evaluate` on the real data: GED West Africa, West African
//! admin-0 boundaries, mine sites and WGI. Panel numbers are checked against shapely in the
//! core crate's tests/forecast.rs; here: the files, their columns and the errors.

use std::path::Path;

use crate::common::{data_dir, fails_with, orewatch, python_with, run_ok, usage_error};

fn ingest(store: &Path) {
    let data = data_dir();
    run_ok(
        orewatch(store)
            .arg("ingest")
            .arg(data.join("conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"))
            .arg(data.join("boundaries/west_africa_admin0_ne50m.geojson"))
            .arg(data.join("mines/mine_sites_mali_and_neighbours.csv"))
            .arg(data.join("governance/wgi_all_countries_1996_2023.csv")),
    );
}

#[test]
fn forecast_and_evaluate_on_the_real_data() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ingest(&store);

    let fc = tmp.path().join("fc.csv");
    let samples = tmp.path().join("fc_samples.parquet");
    run_ok(
        orewatch(&store)
            .args([
                "forecast",
                "--countries",
                "MLI,BFA,NER",
                "--origin",
                "2019-12",
                "--horizon",
                "2",
                "--draws",
                "50",
            ])
            .arg("--out")
            .arg(&fc)
            .arg("--samples")
            .arg(&samples),
    );
    let text = std::fs::read_to_string(&fc).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "priogrid_gid,country,month,mean,p_any,p_25,q05,q25,q50,q75,q95"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 922 * 2);
    assert!(rows.iter().any(|r| r[0] == "147945" && r[2] == "2020-01"));
    assert!(rows.iter().all(|r| r[2] == "2020-01" || r[2] == "2020-02"));
    for r in &rows {
        let v: Vec<f64> = r[3..].iter().map(|x| x.parse().unwrap()).collect();
        assert!((0.0..=1.0).contains(&v[1]) && v[2] <= v[1], "{r:?}");
        assert!(
            v[3] <= v[4] && v[4] <= v[5] && v[5] <= v[6] && v[6] <= v[7],
            "{r:?}"
        );
    }
    let meta = std::fs::read_to_string(tmp.path().join("fc.csv.meta.json")).unwrap();
    assert!(
        meta.contains("\"origin\": \"2019-12\"") && meta.contains("\"model\": \"hurdle_recent\"")
    );
    // The samples file: 922 cells × 2 months × 50 draws.
    let bytes = std::fs::read(&samples).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");

    // Same seed, same file.
    let again = tmp.path().join("again.csv");
    run_ok(
        orewatch(&store)
            .args(["forecast", "--horizon", "2", "--draws", "50"])
            .arg("--out")
            .arg(&again),
    );
    assert_eq!(text, std::fs::read_to_string(&again).unwrap());

    // Fitted on the forecast panel alone (`own`) instead of the default training panel: the
    // same cells and months, other numbers.
    let own = tmp.path().join("own.csv");
    run_ok(
        orewatch(&store)
            .args(["forecast", "--horizon", "2", "--draws", "50"])
            .args(["--train-countries", "own"])
            .arg("--out")
            .arg(&own),
    );
    let own_text = std::fs::read_to_string(&own).unwrap();
    assert_eq!(own_text.lines().count(), text.lines().count());
    assert_ne!(own_text, text);

    // A short evaluation with every model.
    let eval = tmp.path().join("eval.json");
    let out = run_ok(
        orewatch(&store)
            .args([
                "evaluate",
                "--countries",
                "MLI,BFA,NER",
                "--from",
                "2013-12",
                "--to",
                "2014-01",
                "--horizon",
                "2",
                "--draws",
                "50",
                "--bootstrap",
                "20",
                "--block-len",
                "1",
            ])
            .arg("--out")
            .arg(&eval),
    );
    for model in [
        "zero",
        "last",
        "mean12",
        "conflictology12",
        "conflictology36",
        "hurdle",
        "hurdle_recent",
    ] {
        assert!(out.contains(model), "{model} not in {out}");
    }
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&eval).unwrap()).unwrap();
    let result = &doc["result"];
    // The panel ends at the last target month (2014-03): the 915 cells whose centre lies in the
    // three countries and the border cells holding one of their events by then.
    let units = result["evaluation"]["units"].as_u64().unwrap();
    assert!((915..922).contains(&units), "{units}");
    assert_eq!(result["evaluation"]["unit_months"], units * 2 * 2);
    // Both refits (2013-12, 2014-01) trained on the Sahel and its neighbours but Benin: the
    // West Africa extract (precise events only) holds no Benin event, so as a regional file
    // it does not cover Benin, which is left out with a warning.
    for refit in result["training"].as_array().unwrap() {
        let countries = refit["countries"].as_array().unwrap();
        assert_eq!(countries.len(), 10);
        assert!(!countries.iter().any(|c| c == "BEN"));
    }
    assert!(result["provenance"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w
            .as_str()
            .unwrap()
            .starts_with("training country BEN left out")));
    // Every model: five baselines and two fitted models, each fitted one against the best
    // baseline of three scores.
    assert_eq!(result["evaluation"]["scores"].as_array().unwrap().len(), 7);
    assert_eq!(
        result["evaluation"]["differences"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(result["request"]["first_origin"], "2013-12");
    assert!(!result["provenance"]["sources"]
        .as_array()
        .unwrap()
        .is_empty());

    // Errors name what was wrong; enumerated flags list their values (usage errors, exit 2).
    usage_error(
        orewatch(&store).args(["forecast", "--model", "prophet"]),
        &["prophet", "conflictology36", "hurdle"],
    );
    usage_error(
        orewatch(&store).args(["evaluate", "--models", "zero,hurdle_gb"]),
        &["hurdle_gb", "conflictology12"],
    );
    usage_error(
        orewatch(&store).args(["forecast", "--target", "xx"]),
        &["xx", "sb"],
    );
    usage_error(
        orewatch(&store).args(["forecast", "--level", "region"]),
        &["region", "country"],
    );
    fails_with(
        orewatch(&store).args(["forecast", "--origin", "2024-01"]),
        &["2024-01", "2019-12"],
    );
    fails_with(
        orewatch(&store).args(["forecast", "--horizon", "40"]),
        &["horizon", "36"],
    );
    fails_with(
        orewatch(&store).args(["forecast", "--countries", "MLI,XYZ"]),
        &["XYZ"],
    );
    usage_error(
        orewatch(&store).args(["forecast", "--out", "fc.txt"]),
        &["fc.txt", "text, csv, json"],
    );
    fails_with(
        orewatch(&store).args(["evaluate", "--from", "2019-01", "--to", "2019-06"]),
        &["2020-06", "2019-12", "MLI"],
    );
    fails_with(
        orewatch(&store).args(["forecast", "--train-countries", "own,NGA"]),
        &["own", "--train-countries"],
    );
    usage_error(
        orewatch(&store).args(["evaluate", "--from", "2014-13"]),
        &["2014-13", "YYYY-MM"],
    );
}

/// The independent check's command (issue 18), exactly as it will be run: the whole shipped
/// data ingested into the default store (`orewatch-data` in the working directory), then
/// `orewatch forecast --countries MLI,BFA --origin 2022-12 --horizon 12 --out fc.csv --samples
/// fc.parquet` with every other flag at its default. Exit 0; the CSV has the 530 cells of Mali
/// and Burkina Faso × 2023-01..2023-12 (530: the cells whose centre lies in the two countries
/// plus the border cells holding one of their events, as the brief's real-data test counts
/// them); the samples keep their schema (pyarrow reads it): priogrid_gid, month as YYYY-MM,
/// draw 0–999, fatalities, 530 × 12 × 1000 rows.
#[test]
fn the_independent_check_command_on_the_shipped_data() {
    let python = python_with(&["pyarrow"]);
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_orewatch");
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(bin);
        cmd.current_dir(tmp.path())
            .env_remove("OREWATCH_STORE")
            .env_remove("OREWATCH_FAULT_POINT")
            .args(args);
        cmd
    };
    let data = data_dir();
    run_ok(run(&["ingest", "--quiet"]).arg(&data));
    run_ok(&mut run(&[
        "forecast",
        "--countries",
        "MLI,BFA",
        "--origin",
        "2022-12",
        "--horizon",
        "12",
        "--out",
        "fc.csv",
        "--samples",
        "fc.parquet",
    ]));
    let text = std::fs::read_to_string(tmp.path().join("fc.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 530 * 12);
    let months: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[2]).collect();
    assert_eq!(months.len(), 12);
    assert_eq!(months.first(), Some(&"2023-01"));
    assert_eq!(months.last(), Some(&"2023-12"));
    assert!(rows.iter().all(|r| r[1] == "MLI" || r[1] == "BFA"));

    let check = r#"
import sys, pyarrow.parquet as pq, pyarrow.compute as pc
t = pq.read_table(sys.argv[1])
print(",".join(t.schema.names))
print(t.num_rows)
m = t.column("month")
print(pc.min(m).as_py(), pc.max(m).as_py(), all(len(v) == 7 and v[4] == "-" for v in pc.unique(m).to_pylist()))
d = t.column("draw")
print(pc.min(d).as_py(), pc.max(d).as_py(), len(pc.unique(d)))
print(pc.min(t.column("fatalities")).as_py() >= 0, len(pc.unique(t.column("priogrid_gid"))))
"#;
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(check)
        .arg(tmp.path().join("fc.parquet"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines[0], "priogrid_gid,month,draw,fatalities");
    assert_eq!(lines[1], (530 * 12 * 1000).to_string());
    assert_eq!(lines[2], "2023-01 2023-12 True");
    assert_eq!(lines[3], "0 999 1000");
    assert_eq!(lines[4], "True 530");

    // The brief's evaluation is cached beside the store's generations: a second render with
    // the same data, request and binary reads it instead of re-running it, and renders the
    // same page. (A reduced request keeps the test short; the default is the fresh span.)
    let request = tmp.path().join("eval_request.json");
    std::fs::write(
        &request,
        r#"{"countries": ["MLI", "BFA"], "training": "own", "first_origin": "2019-01",
            "last_origin": "2019-02", "horizon": 2, "models": [{"model": "zero"},
            {"model": "conflictology", "window": 12}], "draws": 20, "seed": 1,
            "bootstrap_replicates": 10, "block_len": 1}"#,
    )
    .unwrap();
    let brief = |out: &str| {
        let o = run(&["brief", "--out", out])
            .arg("--evaluation-request")
            .arg(&request)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let first = brief("b1.html");
    assert!(
        first.contains("forecast evaluation: computed in"),
        "{first}"
    );
    // End to end: every section of the brief is there, and its deal conclusions are the
    // numbers of the command it names (`orewatch scenario compare --bundled`, same draws and
    // seed): for every scenario and every output that is not unchanged, "output (P(better))".
    let html = std::fs::read_to_string(tmp.path().join("b1.html")).unwrap();
    for heading in [
        "<h2>Organised violence and mine sites</h2>",
        "<h2>Exposure: armed violence around the mines</h2>",
        "<h2>Since 2019: violence around the mines, year by year</h2>",
        "<h2>Armed actors around the mines</h2>",
        "<h2>Conflict-affected and high-risk areas (CAHRA screening)</h2>",
        "<h2>Outlook: where lethal violence is likely next</h2>",
        "<h2>Supply: how much the world depends on Mali</h2>",
        "<h2>The deal: risks and rewards of the partnership options</h2>",
        "<h2>Location precision</h2>",
        "<h2>Events and deaths per year</h2>",
        "<h2>Sources</h2>",
    ] {
        assert!(html.contains(heading), "the brief lacks {heading}");
    }
    assert!(html.contains(
        "orewatch scenario compare --bundled --baseline status_quo --draws 100000 --seed 20250101"
    ));
    let status = run(&[
        "scenario",
        "compare",
        "--bundled",
        "--baseline",
        "status_quo",
        "--out",
        "compare.json",
    ])
    .status()
    .unwrap();
    assert!(status.success());
    let cmp: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("compare.json")).unwrap()).unwrap();
    let mut checked = 0;
    for pair in cmp["pairs"].as_array().unwrap() {
        for o in pair["outputs"].as_array().unwrap() {
            let (better, worse) = (
                o["p_a_better"].as_f64().unwrap(),
                o["p_a_worse"].as_f64().unwrap(),
            );
            if better == 0.0 && worse == 0.0 {
                continue; // unchanged: listed without a probability
            }
            let item = format!(
                "{} ({:.0} %)",
                o["output"].as_str().unwrap().replace('_', " "),
                better * 100.0
            );
            assert!(
                html.contains(&item),
                "{}: {item} not in the brief",
                pair["a"]
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
    let second = brief("b2.html");
    assert!(
        second.contains("forecast evaluation: read from the store's cache"),
        "{second}"
    );
    assert!(
        !second.contains("forecast evaluation: computed"),
        "{second}"
    );
    let cached: Vec<_> = std::fs::read_dir(tmp.path().join("orewatch-data/cache"))
        .unwrap()
        .collect();
    assert!(!cached.is_empty());
    assert_eq!(
        std::fs::read(tmp.path().join("b1.html")).unwrap(),
        std::fs::read(tmp.path().join("b2.html")).unwrap()
    );
}
