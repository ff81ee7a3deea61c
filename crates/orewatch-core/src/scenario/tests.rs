//! The engine against analytic results, its determinism, and every error path.

use super::engine::{prob_above, results, simulate, summarise, NoData};
use super::model::{parse_model, ScenarioError};

const HEAD: &str = r#"
[scenario]
name = "test"
duration_years = 5
as_of = "2025-12-31"
perspective = "mali_population"
"#;

fn model(body: &str) -> super::model::Model {
    parse_model(&format!("{HEAD}{body}"), "test.toml").unwrap()
}

fn error(body: &str) -> ScenarioError {
    parse_model(&format!("{HEAD}{body}"), "test.toml").unwrap_err()
}

const N: usize = 400_000;

#[test]
fn sum_of_independent_normals() {
    // X ~ N(10, 3²), Y ~ N(-4, 4²): X + Y ~ N(6, 5²). Standard error of the mean 5/√N ≈ 0.008.
    let m = model(
        r#"
[variables.x]
dist = "normal"
mean = 10.0
sd = 3.0
source = "test"
[variables.y]
dist = "normal"
mean = -4.0
sd = 4.0
assumption = "test"
[outputs.total]
expr = "x + y"
aspect = "security"
unit = "u"
direction = "higher_is_worse"
thresholds = [11.0]
"#,
    );
    let draws = simulate(&m, N, 42, &NoData).unwrap();
    let s = summarise(&draws.outputs["total"]);
    assert!((s.mean - 6.0).abs() < 0.05, "{s:?}");
    assert!((s.sd - 5.0).abs() < 0.05, "{s:?}");
    // P(N(6, 25) > 11) = P(Z > 1) = 0.158655.
    let p = prob_above(&draws.outputs["total"], 11.0);
    assert!((p - 0.158_655).abs() < 0.003, "{p}");
    let r = results(&m, &draws);
    assert_eq!(r[0].above.len(), 1);
    // 5–95 % of N(6, 25): 6 ± 1.6449 · 5.
    assert!((s.p5 - (6.0 - 8.2243)).abs() < 0.1 && (s.p95 - (6.0 + 8.2243)).abs() < 0.1);
}

#[test]
fn product_of_lognormals_is_lognormal() {
    // ln A ~ N(1, 0.3²), B with p5 = 2, p95 = 8 → ln B ~ N(ln 4, (ln 4 / 1.6449 / 1)²/…):
    // mu_B = (ln 2 + ln 8)/2 = ln 4, sigma_B = (ln 8 − ln 2)/(2 · 1.6449) = 0.42142.
    // A·B: ln ~ N(1 + ln 4, 0.3² + 0.42142²) → median e^1 · 4 = 10.873.
    let m = model(
        r#"
[variables.a]
dist = "lognormal"
mu = 1.0
sigma = 0.3
source = "test"
[variables.b]
dist = "lognormal"
p5 = 2.0
p95 = 8.0
source = "test"
[outputs.ab]
expr = "a * b"
aspect = "geopolitics"
unit = "u"
direction = "higher_is_better"
"#,
    );
    let draws = simulate(&m, N, 7, &NoData).unwrap();
    let s = summarise(&draws.outputs["ab"]);
    let median = 1f64.exp() * 4.0;
    assert!((s.median / median - 1.0).abs() < 0.01, "{s:?}");
    let sigma: f64 = (0.09f64 + 0.421_42f64.powi(2)).sqrt();
    let mean = (1.0 + 4f64.ln() + sigma * sigma / 2.0).exp();
    assert!((s.mean / mean - 1.0).abs() < 0.01, "{s:?} vs {mean}");
    // b's own 5th and 95th percentiles are 2 and 8.
    let b = summarise(&draws.variables["b"]);
    assert!(
        (b.p5 - 2.0).abs() < 0.03 && (b.p95 - 8.0).abs() < 0.1,
        "{b:?}"
    );
}

#[test]
fn bounded_pert_triangular_bernoulli_and_builtins() {
    let m = model(
        r#"
[variables.t]
dist = "triangular"
min = 0.0
mode = 3.0
max = 6.0
source = "test"
[variables.p]
dist = "pert"
min = 0.0
mode = 1.0
max = 10.0
source = "test"
upper = 5.0
[variables.coin]
dist = "bernoulli"
p = 0.3
source = "test"
[variables.per_year]
expr = "t / duration"
[outputs.o]
expr = "if(coin, per_year, 0) + 0 * p"
aspect = "governance"
unit = "u"
direction = "higher_is_better"
"#,
    );
    let d = simulate(&m, N, 1, &NoData).unwrap();
    let t = summarise(&d.variables["t"]);
    assert!((t.mean - 3.0).abs() < 0.02);
    assert!(
        d.variables["p"].iter().all(|&x| (0.0..=5.0).contains(&x)),
        "truncated at 5"
    );
    let coin = summarise(&d.variables["coin"]);
    assert!((coin.mean - 0.3).abs() < 0.005);
    // E[coin · t/5] = 0.3 · 3/5 = 0.18 (independent).
    let o = summarise(&d.outputs["o"]);
    assert!((o.mean - 0.18).abs() < 0.01, "{o:?}");
}

#[test]
fn same_seed_same_draws_and_streams_are_per_variable() {
    let base = r#"
[variables.x]
dist = "uniform"
min = 0.0
max = 1.0
source = "test"
[outputs.o]
expr = "x"
aspect = "security"
unit = "u"
direction = "higher_is_worse"
"#;
    let a = simulate(&model(base), 1000, 99, &NoData).unwrap();
    let b = simulate(&model(base), 1000, 99, &NoData).unwrap();
    assert_eq!(a.variables["x"], b.variables["x"]);
    let c = simulate(&model(base), 1000, 100, &NoData).unwrap();
    assert_ne!(a.variables["x"], c.variables["x"]);
    // Adding another variable (sorted before x) leaves x's draws unchanged.
    let more = format!(
        "{base}\n[variables.aaa]\ndist = \"normal\"\nmean = 0.0\nsd = 1.0\nsource = \"test\"\n"
    );
    let d = simulate(&model(&more), 1000, 99, &NoData).unwrap();
    assert_eq!(a.variables["x"], d.variables["x"]);
}

#[test]
fn error_paths_name_line_field_and_what_is_allowed() {
    let e = error("[variables.x]\ndist = \"normal\"\nmean = 1.0\nsd = 1.0\n");
    assert!(
        e.message.contains("`source") && e.message.contains("assumption"),
        "{e}"
    );
    assert_eq!(e.field, "variables.x");
    assert_eq!(e.line, 7, "{e}");

    let e = error("[variables.x]\ndist = \"gamma\"\nsource = \"s\"\n");
    assert!(
        e.message.contains("unknown distribution `gamma`") && e.message.contains("pert"),
        "{e}"
    );
    assert_eq!(e.field, "variables.x.dist");

    let e = error(
        "[variables.x]\ndist = \"triangular\"\nmin = 5.0\nmode = 1.0\nmax = 6.0\nsource = \"s\"\n",
    );
    assert!(e.message.contains("min ≤ mode ≤ max"), "{e}");

    let e = error("[variables.x]\ndist = \"uniform\"\nmin = 0.0\nmax = 1.0\nlower = 2.0\nupper = 1.0\nsource = \"s\"\n");
    assert!(
        e.message.contains("lower (2) must be below upper (1)"),
        "{e}"
    );

    let e = error("[variables.a]\nexpr = \"b + 1\"\n[variables.b]\nexpr = \"a * 2\"\n");
    assert!(
        e.message.contains("cycle")
            && e.message.contains("a (line 7)")
            && e.message.contains("b (line 9)"),
        "{e}"
    );

    let e = error("[variables.a]\nexpr = \"missing * 2\"\n");
    assert!(e.message.contains("unknown name(s) missing"), "{e}");
    assert_eq!(e.line, 7);

    let e = error("[variables.a]\nexpr = \"1 +\"\n");
    assert_eq!(e.field, "variables.a.expr");
    assert_eq!((e.line, e.column), (8, 12), "{e}");

    let e = error("[variables.a]\nexpr = \"1\"\ndist = \"normal\"\n");
    assert!(e.message.contains("exactly one of"), "{e}");

    let e = error("[variables.a]\nexpr = \"1\"\ncolour = \"red\"\n");
    assert!(e.message.contains("unknown field `colour`"), "{e}");
    assert_eq!(e.line, 9, "{e}");

    let e = parse_model("[scenario]\nname = \"x\"\n", "f.toml").unwrap_err();
    assert!(e.message.contains("missing field"), "{e}");

    // A data link without a store is a run error naming the variable.
    let m = model("[variables.d]\ndata = \"exposure.fatalities(radius_km = 50)\"\n");
    let e = simulate(&m, 10, 1, &NoData).unwrap_err();
    assert_eq!(e.name, "d");
    assert!(e.message.contains("exposure.fatalities"), "{e}");
}

/// An expression error after multi-byte characters: the column counts characters and the
/// file offset never falls inside a character (it once did: a panic slicing the file text).
#[test]
fn expression_errors_after_multibyte_names_are_located_by_character() {
    // `expr = "üü $"`: `$` is the expression's 4th character, the line's 12th.
    let e = error("[variables.x]\nexpr = \"üü $\"\n");
    assert_eq!((e.line, e.column), (8, 12), "{e}");
    assert!(e.message.contains("unexpected character `$`"), "{e}");
    // A many-variable, many-output, many-correlation file: the first one past the limit.
    let vars: String = (0..=super::model::MAX_VARIABLES)
        .map(|i| format!("[variables.v{i:04}]\nexpr = \"1\"\n"))
        .collect();
    let e = error(&vars);
    assert_eq!(e.field, "variables");
    assert!(e.message.contains("more than 1000 variables"), "{e}");
    assert_eq!(e.line, 7 + 2 * super::model::MAX_VARIABLES, "{e}");
}
