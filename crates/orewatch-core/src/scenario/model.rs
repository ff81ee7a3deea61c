//! Scenario files (TOML): what they hold, and their checks.
//!
//! ```toml
//! [scenario]
//! name = "Status quo"
//! parties = ["Mali", "Russia (Africa Corps)"]
//! duration_years = 5
//! as_of = "2025-12-31"
//! perspective = "mali_population"   # mali_population | malian_state | partner | region
//!
//! [variables.gold_output_t]         # a distribution: needs `source` or `assumption`
//! dist = "triangular"
//! min = 50.0
//! mode = 60.0
//! max = 70.0
//! unit = "t per year"
//! source = "USGS MCS 2024: Mali 2023 mine production 60 t (estimated)"
//!
//! [variables.royalty_musd]          # an expression over other variables
//! expr = "gold_output_t * price_musd_per_t * royalty_rate"
//!
//! [variables.deaths_near_mines]     # a data-linked input (yields draws, never a point)
//! data = "exposure.fatalities(radius_km = 50, window_days = 365, commodity = 'gold')"
//!
//! [outputs.state_revenue]
//! expr = "royalty_musd * duration"
//! aspect = "resource_management"    # governance | security | resource_management | geopolitics | local_benefit_environment
//! unit = "million USD"
//! direction = "higher_is_better"    # or higher_is_worse, for the stated perspective
//! thresholds = [100.0]              # report P(output > threshold)
//!
//! [[correlations]]                  # rank (Spearman) correlation between two inputs
//! a = "gold_output_t"
//! b = "gold_price_musd_per_t"
//! rank = -0.3                       # in [-1, 1]
//! ```
//! Correlations join two inputs drawn from distributions or data links (not expressions:
//! those follow from their inputs). They are imposed after sampling by Iman–Conover
//! ([`super::correlate`]), which reorders each input's draws and never changes them; the set
//! of pairs must be jointly possible (a positive-definite matrix), else an error names the
//! pair where it fails. Pairs not listed are left uncorrelated.
//! Errors name the file, the line and column, the field, and what is allowed.
//!
//! # Limits
//! A scenario file holds at most [`MAX_FILE_BYTES`] bytes, [`MAX_VARIABLES`] variables,
//! [`MAX_OUTPUTS`] outputs, [`MAX_CORRELATIONS`] correlations and [`MAX_DISCRETE_VALUES`]
//! values per discrete distribution; expressions have their own limits ([`super::expr`]).
//! Passing one is an error naming the place, raised before anything is drawn or loaded.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use super::correlate::Correlation;
use super::dist::{Dist, Z95};
use super::expr::{parse, Expr};
pub use super::provenance::Provenance;
use crate::config_text::line_col;

/// The largest scenario file, in bytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// The most variables in one scenario.
pub const MAX_VARIABLES: usize = 1_000;
/// The most outputs in one scenario.
pub const MAX_OUTPUTS: usize = 1_000;
/// The most correlation pairs in one scenario.
pub const MAX_CORRELATIONS: usize = 1_000;
/// The most values of one discrete distribution.
pub const MAX_DISCRETE_VALUES: usize = 100_000;

/// An error in a scenario file, located.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {field}: {message}")]
pub struct ScenarioError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// `variables.gold_output_t.dist`, `outputs.x.expr`, `scenario.perspective`, …
    pub field: String,
    pub message: String,
}

/// Whose risks and rewards the outputs score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Perspective {
    MaliPopulation,
    MalianState,
    Partner,
    Region,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    Governance,
    Security,
    ResourceManagement,
    Geopolitics,
    LocalBenefitEnvironment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    HigherIsWorse,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub parties: Vec<String>,
    pub duration_years: f64,
    pub as_of: String,
    pub perspective: Perspective,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariableToml {
    dist: Option<Spanned<String>>,
    expr: Option<Spanned<String>>,
    data: Option<Spanned<String>>,
    source: Option<String>,
    assumption: Option<String>,
    unit: Option<String>,
    description: Option<String>,
    mean: Option<f64>,
    sd: Option<f64>,
    mu: Option<f64>,
    sigma: Option<f64>,
    p5: Option<f64>,
    p95: Option<f64>,
    min: Option<f64>,
    mode: Option<f64>,
    max: Option<f64>,
    alpha: Option<f64>,
    beta: Option<f64>,
    p: Option<f64>,
    values: Option<Vec<f64>>,
    weights: Option<Vec<f64>>,
    lower: Option<f64>,
    upper: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputToml {
    expr: Spanned<String>,
    aspect: Aspect,
    unit: String,
    direction: Direction,
    #[serde(default)]
    thresholds: Vec<f64>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrelationToml {
    a: Spanned<String>,
    b: Spanned<String>,
    rank: Spanned<f64>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    assumption: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    scenario: Meta,
    #[serde(default)]
    variables: BTreeMap<String, Spanned<VariableToml>>,
    #[serde(default)]
    outputs: BTreeMap<String, Spanned<OutputToml>>,
    #[serde(default)]
    correlations: Vec<Spanned<CorrelationToml>>,
}

/// How a variable gets its draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Dist {
        dist: Dist,
        lower: Option<f64>,
        upper: Option<f64>,
    },
    Expr(Expr),
    Data(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub name: String,
    pub kind: Kind,
    pub provenance: Provenance,
    pub unit: Option<String>,
    pub description: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub name: String,
    pub expr: Expr,
    pub aspect: Aspect,
    pub unit: String,
    pub direction: Direction,
    pub thresholds: Vec<f64>,
    pub description: Option<String>,
    pub line: usize,
}

/// A checked scenario: variables in evaluation order (every name defined before use).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub file: String,
    pub meta: Meta,
    pub variables: Vec<Variable>,
    pub outputs: Vec<Output>,
    /// Target rank correlations between inputs, in file order.
    pub correlations: Vec<Correlation>,
}

/// Names every expression may use without defining them.
pub const BUILTIN_NAMES: [&str; 1] = ["duration"];

/// The byte offset in `text` of character `column` (1-based) of the string value whose
/// literal (quotes included) spans `span`: exact for a literal without escapes, near it
/// otherwise, and never past the literal.
fn offset_in_literal(text: &str, span: std::ops::Range<usize>, column: usize) -> usize {
    let end = span.end.min(text.len());
    let literal = text.get(span.start..end).unwrap_or("");
    literal
        .char_indices()
        .nth(column)
        .map_or(end, |(i, _)| span.start + i)
}

/// Reads a scenario file as UTF-8 text, refusing a file larger than [`MAX_FILE_BYTES`]
/// (read no further than that) or one that is not UTF-8 (the error names the line and column
/// of the first bad byte).
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    use crate::config_text::{read_limited, ConfigTextError};
    let err = |line: usize, column: usize, message: String| ScenarioError {
        file: path.display().to_string(),
        line,
        column,
        field: "file".into(),
        message,
    };
    read_limited(path, MAX_FILE_BYTES, "scenario file").map_err(|e| match e {
        ConfigTextError::Io { source, .. } => err(0, 0, format!("cannot read the file: {source}")),
        ConfigTextError::TooLarge { .. } => err(
            1,
            1,
            format!("the file is larger than {MAX_FILE_BYTES} bytes, the limit for a scenario"),
        ),
        ConfigTextError::NotUtf8 { line, column, .. } => err(
            line,
            column,
            "not UTF-8 text: save the file as UTF-8".into(),
        ),
    })
}

const DISTS: &str = "normal, lognormal, triangular, pert, beta, uniform, bernoulli, discrete";

/// Parses and checks a scenario file.
pub fn parse_model(text: &str, file: &str) -> Result<Model, ScenarioError> {
    let err = |offset: usize, field: String, message: String| {
        let (line, column) = line_col(text, offset);
        ScenarioError {
            file: file.to_string(),
            line,
            column,
            field,
            message,
        }
    };
    if text.len() > MAX_FILE_BYTES {
        return Err(err(
            MAX_FILE_BYTES,
            "file".into(),
            format!(
                "the file is {} bytes long; the limit for a scenario is {MAX_FILE_BYTES}",
                text.len()
            ),
        ));
    }
    let parsed: FileToml = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        err(offset, "file".into(), e.message().to_string())
    })?;
    if !(parsed.scenario.duration_years.is_finite() && parsed.scenario.duration_years > 0.0) {
        return Err(err(
            0,
            "scenario.duration_years".into(),
            "must be a positive number of years".into(),
        ));
    }

    let too_many = |what: &str, limit: usize, offset: usize| {
        err(
            offset,
            what.to_string(),
            format!("more than {limit} {what}: the limit for one scenario"),
        )
    };
    if let Some((_, v)) = parsed.variables.iter().nth(MAX_VARIABLES) {
        return Err(too_many("variables", MAX_VARIABLES, v.span().start));
    }
    if let Some((_, o)) = parsed.outputs.iter().nth(MAX_OUTPUTS) {
        return Err(too_many("outputs", MAX_OUTPUTS, o.span().start));
    }
    if let Some(c) = parsed.correlations.get(MAX_CORRELATIONS) {
        return Err(too_many("correlations", MAX_CORRELATIONS, c.span().start));
    }

    let mut variables = Vec::new();
    for (name, spanned) in &parsed.variables {
        let offset = spanned.span().start;
        let v = spanned.get_ref();
        let field = |f: &str| format!("variables.{name}.{f}");
        if BUILTIN_NAMES.contains(&name.as_str()) {
            return Err(err(
                offset,
                format!("variables.{name}"),
                format!(
                    "`{name}` is built in (the scenario's duration in years); choose another name"
                ),
            ));
        }
        let kinds = [v.dist.is_some(), v.expr.is_some(), v.data.is_some()];
        if kinds.iter().filter(|&&k| k).count() != 1 {
            return Err(err(offset, format!("variables.{name}"), "give exactly one of `dist` (a distribution), `expr` (an expression over other variables) or `data` (a data-linked input)".into()));
        }
        let (kind, provenance) = if let Some(dist_name) = &v.dist {
            let dist = build_dist(dist_name.get_ref(), v)
                .map_err(|m| err(dist_name.span().start, field("dist"), m))?;
            dist.validate()
                .map_err(|m| err(dist_name.span().start, field("dist"), m))?;
            let provenance = match (&v.source, &v.assumption) {
                (Some(s), _) if !s.trim().is_empty() => Provenance::Source(s.clone()),
                (_, Some(a)) if !a.trim().is_empty() => Provenance::Assumption(a.clone()),
                _ => {
                    return Err(err(offset, format!("variables.{name}"), "a distribution needs `source = \"…\"` (where the range comes from) or `assumption = \"…\"` (why this range)".into()))
                }
            };
            if let (Some(lo), Some(hi)) = (v.lower, v.upper) {
                if lo >= hi {
                    return Err(err(
                        offset,
                        field("lower"),
                        format!("lower ({lo}) must be below upper ({hi})"),
                    ));
                }
            }
            (
                Kind::Dist {
                    dist,
                    lower: v.lower,
                    upper: v.upper,
                },
                provenance,
            )
        } else if let Some(expr) = &v.expr {
            let parsed = parse(expr.get_ref()).map_err(|e| {
                let offset = offset_in_literal(text, expr.span(), e.column);
                err(offset, field("expr"), e.message)
            })?;
            (Kind::Expr(parsed), Provenance::Derived)
        } else if let Some(data) = &v.data {
            (
                Kind::Data(data.get_ref().clone()),
                Provenance::Data(data.get_ref().clone()),
            )
        } else {
            unreachable!("exactly one kind was checked above")
        };
        variables.push(Variable {
            name: name.clone(),
            kind,
            provenance,
            unit: v.unit.clone(),
            description: v.description.clone(),
            line: line_col(text, offset).0,
        });
    }

    let mut outputs = Vec::new();
    for (name, spanned) in &parsed.outputs {
        let o = spanned.get_ref();
        let expr = parse(o.expr.get_ref()).map_err(|e| {
            err(
                offset_in_literal(text, o.expr.span(), e.column),
                format!("outputs.{name}.expr"),
                e.message,
            )
        })?;
        outputs.push(Output {
            name: name.clone(),
            expr,
            aspect: o.aspect,
            unit: o.unit.clone(),
            direction: o.direction,
            thresholds: o.thresholds.clone(),
            description: o.description.clone(),
            line: line_col(text, spanned.span().start).0,
        });
    }

    let variables = order(variables, &outputs, file)?;
    let correlations = check_correlations(&parsed.correlations, &variables, text, &err)?;
    if let Err(e) = super::correlate::plan(&correlations) {
        return Err(err(
            parsed.correlations[e.pair].span().start,
            format!("correlations[{}]", e.pair),
            e.message,
        ));
    }
    Ok(Model {
        file: file.to_string(),
        meta: parsed.scenario,
        variables,
        outputs,
        correlations,
    })
}

/// Each pair joins two different sampled inputs once, with a rank in [-1, 1]. Joint
/// feasibility (positive definiteness) is checked in [`super::correlate::target_matrix`].
fn check_correlations(
    pairs: &[Spanned<CorrelationToml>],
    variables: &[Variable],
    text: &str,
    err: &dyn Fn(usize, String, String) -> ScenarioError,
) -> Result<Vec<Correlation>, ScenarioError> {
    let sampled: Vec<&str> = variables
        .iter()
        .filter(|v| !matches!(v.kind, Kind::Expr(_)))
        .map(|v| v.name.as_str())
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (i, spanned) in pairs.iter().enumerate() {
        let c = spanned.get_ref();
        let field = |f: &str| format!("correlations[{i}].{f}");
        for (key, name) in [("a", &c.a), ("b", &c.b)] {
            let n = name.get_ref().as_str();
            if !sampled.contains(&n) {
                let what = if variables.iter().any(|v| v.name == n) {
                    format!("`{n}` is an expression; correlate the inputs it is computed from")
                } else {
                    format!("unknown variable `{n}`")
                };
                return Err(err(
                    name.span().start,
                    field(key),
                    format!(
                        "{what}; allowed: an input drawn from a distribution or data link ({})",
                        sampled.join(", ")
                    ),
                ));
            }
        }
        if c.a.get_ref() == c.b.get_ref() {
            return Err(err(
                c.b.span().start,
                field("b"),
                format!(
                    "a variable cannot be correlated with itself (`{}`)",
                    c.a.get_ref()
                ),
            ));
        }
        let rank = *c.rank.get_ref();
        if !(rank.is_finite() && (-1.0..=1.0).contains(&rank)) {
            return Err(err(
                c.rank.span().start,
                field("rank"),
                format!("rank correlation must lie in [-1, 1], got {rank}"),
            ));
        }
        let key = if c.a.get_ref() < c.b.get_ref() {
            (c.a.get_ref().clone(), c.b.get_ref().clone())
        } else {
            (c.b.get_ref().clone(), c.a.get_ref().clone())
        };
        if !seen.insert(key) {
            return Err(err(
                spanned.span().start,
                format!("correlations[{i}]"),
                format!(
                    "the pair `{}`–`{}` is given twice; keep one",
                    c.a.get_ref(),
                    c.b.get_ref()
                ),
            ));
        }
        let provenance = match (&c.source, &c.assumption) {
            (Some(s), _) if !s.trim().is_empty() => Some(Provenance::Source(s.clone())),
            (_, Some(a)) if !a.trim().is_empty() => Some(Provenance::Assumption(a.clone())),
            _ => None,
        };
        let (line, _) = line_col(text, spanned.span().start);
        out.push(Correlation {
            a: c.a.get_ref().clone(),
            b: c.b.get_ref().clone(),
            rank,
            provenance,
            line,
        });
    }
    Ok(out)
}

fn build_dist(name: &str, v: &VariableToml) -> Result<Dist, String> {
    let need =
        |field: &str, value: Option<f64>| value.ok_or_else(|| format!("`{name}` needs `{field}`"));
    Ok(match name {
        "normal" => Dist::Normal {
            mean: need("mean", v.mean)?,
            sd: need("sd", v.sd)?,
        },
        "lognormal" => match (v.mu, v.sigma, v.p5, v.p95) {
            (Some(mu), Some(sigma), None, None) => Dist::LogNormal { mu, sigma },
            (None, None, Some(p5), Some(p95)) => {
                if !(p5 > 0.0 && p95 > p5) {
                    return Err(format!(
                        "`lognormal` needs 0 < p5 < p95, got p5 {p5}, p95 {p95}"
                    ));
                }
                Dist::LogNormal {
                    mu: (p5.ln() + p95.ln()) / 2.0,
                    sigma: (p95.ln() - p5.ln()) / (2.0 * Z95),
                }
            }
            _ => return Err(
                "`lognormal` needs either `mu` and `sigma` (of the logarithm) or `p5` and `p95`"
                    .into(),
            ),
        },
        "triangular" => Dist::Triangular {
            min: need("min", v.min)?,
            mode: need("mode", v.mode)?,
            max: need("max", v.max)?,
        },
        "pert" => Dist::Pert {
            min: need("min", v.min)?,
            mode: need("mode", v.mode)?,
            max: need("max", v.max)?,
        },
        "beta" => Dist::Beta {
            alpha: need("alpha", v.alpha)?,
            beta: need("beta", v.beta)?,
            min: v.min.unwrap_or(0.0),
            max: v.max.unwrap_or(1.0),
        },
        "uniform" => Dist::Uniform {
            min: need("min", v.min)?,
            max: need("max", v.max)?,
        },
        "bernoulli" => Dist::Bernoulli { p: need("p", v.p)? },
        "discrete" => {
            let values = v.values.clone().ok_or("`discrete` needs `values`")?;
            if values.len() > MAX_DISCRETE_VALUES {
                return Err(format!(
                    "`discrete` takes at most {MAX_DISCRETE_VALUES} values, got {}",
                    values.len()
                ));
            }
            let weights = v.weights.clone().unwrap_or_else(|| vec![1.0; values.len()]);
            Dist::Discrete { values, weights }
        }
        other => return Err(format!("unknown distribution `{other}`; allowed: {DISTS}")),
    })
}

/// Orders variables so that each comes after the names it uses; unknown names and cycles are
/// errors naming the variables and their lines.
fn order(
    variables: Vec<Variable>,
    outputs: &[Output],
    file: &str,
) -> Result<Vec<Variable>, ScenarioError> {
    let index: BTreeMap<&str, usize> = variables
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.as_str(), i))
        .collect();
    let deps: Vec<Vec<usize>> = variables
        .iter()
        .map(|v| match &v.kind {
            Kind::Expr(e) => e
                .names()
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let unknown = |names: std::collections::BTreeSet<String>| -> Vec<String> {
        names
            .into_iter()
            .filter(|n| !index.contains_key(n.as_str()) && !BUILTIN_NAMES.contains(&n.as_str()))
            .collect()
    };
    for v in &variables {
        if let Kind::Expr(e) = &v.kind {
            let missing = unknown(e.names());
            if !missing.is_empty() {
                return Err(ScenarioError {
                    file: file.into(),
                    line: v.line,
                    column: 1,
                    field: format!("variables.{}.expr", v.name),
                    message: format!(
                        "unknown name(s) {}: define them under [variables] (or use `duration`)",
                        missing.join(", ")
                    ),
                });
            }
        }
    }
    for o in outputs {
        let missing = unknown(o.expr.names());
        if !missing.is_empty() {
            return Err(ScenarioError {
                file: file.into(),
                line: o.line,
                column: 1,
                field: format!("outputs.{}.expr", o.name),
                message: format!(
                    "unknown name(s) {}: define them under [variables] (or use `duration`)",
                    missing.join(", ")
                ),
            });
        }
    }
    // Kahn's algorithm, ties by name (the BTreeMap order) for a deterministic order.
    let n = variables.len();
    let mut indegree: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, d) in deps.iter().enumerate() {
        for &j in d {
            users[j].push(i);
        }
    }
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &u in &users[i] {
            indegree[u] -= 1;
            if indegree[u] == 0 {
                ready.insert(u);
            }
        }
    }
    if order.len() < n {
        let stuck: Vec<&Variable> = (0..n)
            .filter(|&i| indegree[i] > 0)
            .map(|i| &variables[i])
            .collect();
        return Err(ScenarioError {
            file: file.into(),
            line: stuck[0].line,
            column: 1,
            field: format!("variables.{}.expr", stuck[0].name),
            message: format!(
                "the expressions form a cycle through {}",
                stuck
                    .iter()
                    .map(|v| format!("{} (line {})", v.name, v.line))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let mut slots: Vec<Option<Variable>> = variables.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}
