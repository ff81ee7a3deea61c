//! `orewatch scenario run | compare | check | schema` on small scenario files written here.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{orewatch, python_with, run_ok};

const HEAD: &str = r#"[scenario]
name = "NAME"
duration_years = 2
as_of = "2025-12-31"
perspective = "malian_state"
"#;

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, format!("{}{body}", HEAD.replace("NAME", name))).unwrap();
    path
}

const BODY: &str = r#"
[variables.x]
dist = "normal"
mean = 10.0
sd = 2.0
source = "test: a stated range"

[variables.y]
dist = "uniform"
min = 0.0
max = 1.0
assumption = "test"

[outputs.revenue]
expr = "x * duration + y"
aspect = "resource_management"
unit = "million USD"
direction = "higher_is_better"
thresholds = [20.0]

[[correlations]]
a = "x"
b = "y"
rank = 0.5
assumption = "test"
"#;

fn fail(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "expected exit 1: {out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn run_prints_summaries_and_writes_json_with_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "a", BODY);
    let out_json = dir.path().join("r.json");
    let store = dir.path().join("store"); // never created: no data links, no store needed
    let stdout = run_ok(
        orewatch(&store)
            .args(["scenario", "run"])
            .arg(&file)
            .args(["--draws", "20000", "--seed", "5", "--out"])
            .arg(&out_json),
    );
    assert!(stdout.contains("20000 draws, seed 5"), "{stdout}");
    assert!(stdout.contains("revenue (million USD"), "{stdout}");
    assert!(stdout.contains("P(> 20.0000)"), "{stdout}");
    assert!(
        stdout.contains("top inputs (one-at-a-time swing): x swing"),
        "{stdout}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_json).unwrap()).unwrap();
    // The JSON is the run assessment (the API's and the Python package's result too).
    assert_eq!(doc["seed"], 5);
    assert_eq!(doc["draws"], 20000);
    assert_eq!(
        doc["provenance"]["orewatch_version"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(doc["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        doc["provenance"]["sources"][0]["sha256"],
        doc["scenario"]["sha256"]
    );
    let r = &doc["outputs"][0]["result"]["summary"];
    // revenue = 2x + y: mean 2·10 + 0.5 = 20.5.
    assert!((r["mean"].as_f64().unwrap() - 20.5).abs() < 0.1, "{r}");
    // P(revenue > 20) ≈ P(N(20.5, 16.08) > 20) ≈ 0.55, within MC and the y term's shape.
    let p = doc["outputs"][0]["result"]["above"][0][1].as_f64().unwrap();
    assert!((0.5..0.6).contains(&p), "{p}");
    // The same seed gives byte-identical JSON.
    let again = dir.path().join("r2.json");
    run_ok(
        orewatch(&store)
            .args(["scenario", "run"])
            .arg(&file)
            .args(["--draws", "20000", "--seed", "5", "--out"])
            .arg(&again),
    );
    assert_eq!(
        std::fs::read(&out_json).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn compare_pairs_scenarios_on_common_random_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a",
        &BODY.replace("x * duration + y", "x * duration + y + 1"),
    );
    let b = write(dir.path(), "b", BODY);
    let out_json = dir.path().join("c.json");
    let stdout = run_ok(
        orewatch(&dir.path().join("store"))
            .args(["scenario", "compare"])
            .arg(&a)
            .arg(&b)
            .args(["--draws", "10000", "--out"])
            .arg(&out_json),
    );
    // Same x and y draws in both: A is better in every draw, by exactly 1.
    assert!(stdout.contains("a (A) vs b (B)"), "{stdout}");
    assert!(stdout.contains("P(A better) 1.000"), "{stdout}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_json).unwrap()).unwrap();
    let c = &doc["pairs"][0]["outputs"][0];
    assert_eq!(c["p_a_better"], 1.0);
    assert_eq!(c["p_a_worse"], 0.0);
    assert!((c["difference"]["median"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    assert_eq!(doc["provenance"]["sources"].as_array().unwrap().len(), 2);
    // Against a baseline, with the tail contrast of the output: B − A is −1 in every draw,
    // whatever x and y are, so no input moves it (no bar).
    let stdout = run_ok(
        orewatch(&dir.path().join("store"))
            .args(["scenario", "compare"])
            .arg(&a)
            .arg(&b)
            .args([
                "--draws",
                "10000",
                "--baseline",
                "a",
                "--contrast",
                "revenue",
            ]),
    );
    assert!(stdout.contains("b (A) vs a (B)"), "{stdout}");
    assert!(
        stdout.contains("P(A better) 0.000, P(A worse) 1.000"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("tail contrast of b − a on revenue (million USD): median difference -1.0000"),
        "{stdout}"
    );
    // A baseline that is not a scenario's key is an error naming the keys.
    let err = fail(
        orewatch(&dir.path().join("store"))
            .args(["scenario", "compare"])
            .arg(&a)
            .arg(&b)
            .args(["--baseline", "status_quo"]),
    );
    assert!(err.contains("the keys are a, b"), "{err}");
}

#[test]
fn check_reports_counts_and_errors_with_line_column_field() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let ok = write(dir.path(), "ok", BODY);
    let stdout = run_ok(orewatch(&store).args(["scenario", "check"]).arg(&ok));
    assert!(
        stdout.contains("2 variables (1 sourced, 1 assumed, 0 data-linked, 0 derived), 1 outputs, 1 correlations"),
        "{stdout}"
    );

    // A distribution with neither source nor assumption.
    let bad = write(
        dir.path(),
        "bad",
        &BODY.replace("assumption = \"test\"\n\n[outputs", "\n[outputs"),
    );
    let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&bad));
    assert!(err.contains("bad.toml:13:"), "{err}");
    assert!(
        err.contains("variables.y: a distribution needs `source"),
        "{err}"
    );

    // An unknown aspect: serde's message lists what is allowed.
    let bad = write(
        dir.path(),
        "aspect",
        &BODY.replace("resource_management", "money"),
    );
    let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&bad));
    assert!(err.contains("aspect.toml:21:"), "{err}");
    assert!(
        err.contains("governance") && err.contains("`money`"),
        "{err}"
    );

    // A correlation with an expression.
    let body = format!("{BODY}\n[variables.z]\nexpr = \"x + 1\"\n[[correlations]]\na = \"z\"\nb = \"y\"\nrank = 0.1\n");
    let bad = write(dir.path(), "corr", &body);
    let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&bad));
    assert!(err.contains("correlations[1].a"), "{err}");
    assert!(err.contains("`z` is an expression"), "{err}");

    // Infeasible correlations name the pair.
    let body = format!(
        "{BODY}\n[variables.w]\ndist = \"uniform\"\nmin = 0.0\nmax = 1.0\nassumption = \"t\"\n\
         [[correlations]]\na = \"y\"\nb = \"w\"\nrank = 0.95\n[[correlations]]\na = \"x\"\nb = \"w\"\nrank = -0.9\n"
    );
    let bad = write(dir.path(), "pd", &body);
    let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&bad));
    assert!(
        err.contains("correlations[2]") && err.contains("not positive definite"),
        "{err}"
    );
    assert!(err.contains("`x`–`w` = -0.9"), "{err}");

    // A data link with an empty store: says what to do.
    let body = format!("{BODY}\n[variables.d]\ndata = \"wgi(MLI, CC, latest)\"\n");
    let linked = write(dir.path(), "linked", &body);
    let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&linked));
    assert!(
        err.contains("store") && err.contains("orewatch ingest"),
        "{err}"
    );
}

/// The printed schema accepts the test files and rejects bad ones (python3's jsonschema and
/// tomllib, from `common::python_with`: the test fails without them).
#[test]
fn schema_accepts_good_files_and_rejects_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let schema = run_ok(orewatch(&dir.path().join("store")).args(["scenario", "schema"]));
    let value: serde_json::Value = serde_json::from_str(&schema).unwrap();
    assert_eq!(
        value["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let python = python_with(&["jsonschema", "tomllib"]);
    let schema_path = dir.path().join("schema.json");
    std::fs::write(&schema_path, &schema).unwrap();
    let good = write(dir.path(), "good", BODY);
    let bench_model =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/scenario_mc/model.toml");
    let no_source = write(
        dir.path(),
        "nosource",
        &BODY.replace("source = \"test: a stated range\"\n", ""),
    );
    let bad_dir = write(
        dir.path(),
        "baddir",
        &BODY.replace("higher_is_better", "up"),
    );
    let bad_key = write(
        dir.path(),
        "badkey",
        &BODY.replace("rank = 0.5", "rank = 0.5\nweight = 2"),
    );
    let script = r#"
import json, sys, tomllib, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    doc = tomllib.load(open(path, "rb"))
    print(path.rsplit("/", 1)[-1], "valid" if v.is_valid(doc) else "invalid")
"#;
    let out = Command::new(&python)
        .args(["-c", script])
        .arg(&schema_path)
        .arg(&good)
        .arg(&bench_model)
        .arg(&no_source)
        .arg(&bad_dir)
        .arg(&bad_key)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "good.toml valid",
            "model.toml valid",
            "nosource.toml invalid",
            "baddir.toml invalid",
            "badkey.toml invalid"
        ]
    );
}

/// The bundled US-deal scenario with its first `expr` (line 277) replaced by `expr`, written
/// to `dir`; returns the file.
fn us_deal_with_expr(dir: &Path, expr: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("scenarios/us_deal.toml")).unwrap();
    let old = "expr = \"status_quo_violence_trend * us_assistance_violence_effect\"";
    assert!(
        text.contains(old),
        "scenarios/us_deal.toml changed: update this test"
    );
    let path = dir.join("hostile.toml");
    std::fs::write(&path, text.replacen(old, &format!("expr = \"{expr}\""), 1)).unwrap();
    path
}

/// Issue 22's three inputs, each once a stack overflow (exit 134): now exit 1 with
/// `PATH:LINE:COL: field: what is wrong`, raised while parsing, before the store is opened
/// (the scenario has data links, yet the store directory is never created).
#[test]
fn hostile_expressions_exit_1_with_a_located_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let cases = [
        (
            format!("{}gold_price{}", "(".repeat(200_000), ")".repeat(200_000)),
            "the expression is 400010 bytes long; the limit is 65536",
        ),
        (
            format!("{}gold_price", "-".repeat(200_000)),
            "the expression is 200010 bytes long; the limit is 65536",
        ),
        (
            vec!["a"; 300_000].join("+"),
            "the expression is 599999 bytes long; the limit is 65536",
        ),
    ];
    for (expr, message) in cases {
        let file = us_deal_with_expr(dir.path(), &expr);
        let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&file));
        // `expr = "` starts line 277; the error points at the expression's first character.
        let want = format!(
            "{}:277:9: variables.violence_multiplier.expr: {message}",
            file.display()
        );
        assert!(err.contains(&want), "want {want}\ngot {err}");
        assert!(!err.contains("overflow"), "{err}");
        assert!(!store.exists(), "the store was touched");
    }
    // Nesting and token limits (inside the byte limit) point at the column where they pass.
    let expr = format!("{}gold_price{}", "(".repeat(100), ")".repeat(100));
    let file = us_deal_with_expr(dir.path(), &expr);
    let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&file));
    // `expr = "` is 8 characters; the 65th `(` is the expression's 65th character.
    assert!(
        err.contains(&format!("{}:277:73: ", file.display())),
        "{err}"
    );
    assert!(err.contains("nests deeper than 64 levels"), "{err}");
    let expr = vec!["a"; 6_000].join("+");
    let file = us_deal_with_expr(dir.path(), &expr);
    let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&file));
    assert!(err.contains("more than 10000 tokens"), "{err}");
    assert!(!store.exists(), "the store was touched");
}

/// A scenario file over 1 MiB, and one that is not UTF-8, are located errors; too many draws
/// are refused before anything is drawn.
#[test]
fn oversized_files_and_runs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let big = write(
        dir.path(),
        "big",
        &format!("{BODY}\n# {}\n", "x".repeat(1024 * 1024)),
    );
    let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&big));
    assert!(
        err.contains(&format!(
            "{}:1:1: file: the file is larger than 1048576 bytes",
            big.display()
        )),
        "{err}"
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, b"[scenario]\nname = \"caf\xe9\"\n").unwrap();
    let err = fail(orewatch(&store).args(["scenario", "check"]).arg(&bad));
    assert!(
        err.contains(&format!("{}:2:12: file: not UTF-8 text", bad.display())),
        "{err}"
    );
    let ok = write(dir.path(), "ok", BODY);
    let err = fail(
        orewatch(&store)
            .args(["scenario", "run"])
            .arg(&ok)
            .args(["--draws", "20000000"]),
    );
    assert!(
        err.contains("20000000 draws: expected from 2 to 10000000 draws"),
        "{err}"
    );
}
