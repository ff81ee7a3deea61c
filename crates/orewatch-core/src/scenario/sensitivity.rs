//! Which inputs drive each output: rank correlation and one-at-a-time swings (a tornado).
//!
//! For each output and each input (a variable drawn from a distribution or a data link):
//! - `spearman`: the Spearman rank correlation between the input's draws and the output's
//!   draws (ties share average ranks) — the share of the output's ordering the input carries,
//!   including its effect through interactions and correlations with other inputs;
//! - a one-at-a-time swing: every input at its median, then this input alone at its 5th and
//!   its 95th percentile → the output `low` (input at p5) and `high` (input at p95); `swing` =
//!   |high − low|, in the output's unit. The inputs are listed by swing, largest first: the
//!   bars of a tornado chart.
//!
//! Both are computed on the first `SUBSAMPLE` (100,000) draws when there are more: draws are
//! exchangeable (independent rows, and Iman–Conover reorders by random scores), so a prefix is
//! a random subsample; the Spearman standard error is then below 0.004.
//!
//! Not done: variance-based (Sobol) indices; swings of expressions (they follow from inputs);
//! swings for an input correlated with others hold the others at their medians regardless.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::correlate::{argsort_total, centred, pearson_centred, ranks_of_sorted, Centred};
use super::engine::{evaluate, quantile_sorted, Draws, RunError};
use super::model::{Kind, Model};

/// Draws used for sensitivity at most (see the module docs).
pub const SUBSAMPLE: usize = 100_000;

/// One input's influence on one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Influence {
    pub input: String,
    /// Spearman rank correlation of input and output (NaN when either is constant).
    #[serde(with = "crate::assess::nan_as_null")]
    pub spearman: f64,
    /// The input's 5th and 95th percentiles.
    #[serde(with = "crate::assess::nan_as_null")]
    pub input_p5: f64,
    #[serde(with = "crate::assess::nan_as_null")]
    pub input_p95: f64,
    /// The output with this input at its 5th / 95th percentile, every other input at its median.
    #[serde(with = "crate::assess::nan_as_null")]
    pub low: f64,
    #[serde(with = "crate::assess::nan_as_null")]
    pub high: f64,
    /// |high − low|, in the output's unit.
    #[serde(with = "crate::assess::nan_as_null")]
    pub swing: f64,
}

/// The tornado of one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    pub output: String,
    /// The output with every input at its median.
    #[serde(with = "crate::assess::nan_as_null")]
    pub baseline: f64,
    /// Sorted by swing, largest first (ties by name).
    pub inputs: Vec<Influence>,
}

/// Sensitivity of every output (in the model's output order) to every input.
pub fn sensitivity(model: &Model, draws: &Draws) -> Result<Vec<Sensitivity>, RunError> {
    let m = draws.n.min(SUBSAMPLE);
    let inputs: Vec<&str> = model
        .variables
        .iter()
        .filter(|v| !matches!(v.kind, Kind::Expr(_)))
        .map(|v| v.name.as_str())
        .collect();
    if let Some(short) = inputs
        .iter()
        .find(|name| draws.variables.get(**name).is_none_or(|v| v.len() < m))
    {
        return Err(RunError {
            file: model.file.clone(),
            line: 0,
            name: short.to_string(),
            message: format!(
                "sensitivity needs the first {m} draws of every input; the run kept fewer of `{short}`"
            ),
        });
    }
    // Percentiles (5, 50, 95) and ranks of each input, then ranks of each output: one task
    // per column.
    let output_draws = |name: &str| -> &[f64] {
        draws
            .outputs
            .get(name)
            .map(|v| &v[..m.min(v.len())])
            .unwrap_or(&[])
    };
    let columns: Vec<&[f64]> = inputs
        .iter()
        .map(|name| &draws.variables[*name][..m])
        .chain(model.outputs.iter().map(|o| output_draws(&o.name)))
        .collect();
    let mut stats: Vec<([f64; 3], Centred)> = columns
        .par_iter()
        .map(|x| percentiles_and_ranks(x))
        .collect();
    let output_ranks: Vec<Centred> = stats
        .split_off(inputs.len())
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    // One-at-a-time rows: 0 all at median; 2i+1 input i at p5; 2i+2 input i at p95.
    let k = inputs.len();
    let rows = 2 * k + 1;
    let mut oat: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (i, name) in inputs.iter().enumerate() {
        let [p5, median, p95] = stats[i].0;
        let mut col = vec![median; rows];
        col[2 * i + 1] = p5;
        col[2 * i + 2] = p95;
        oat.insert(name.to_string(), col);
    }
    let (_, oat_outputs) = evaluate(model, oat, rows)?;

    model
        .outputs
        .par_iter()
        .zip(&output_ranks)
        .map(|(o, y_ranks)| {
            let swings = &oat_outputs[&o.name];
            let mut list: Vec<Influence> = inputs
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let (low, high) = (swings[2 * i + 1], swings[2 * i + 2]);
                    Influence {
                        input: name.to_string(),
                        spearman: pearson_centred(&stats[i].1, y_ranks),
                        input_p5: stats[i].0[0],
                        input_p95: stats[i].0[2],
                        low,
                        high,
                        swing: (high - low).abs(),
                    }
                })
                .collect();
            list.sort_by(|a, b| {
                b.swing
                    .total_cmp(&a.swing)
                    .then_with(|| a.input.cmp(&b.input))
            });
            Ok(Sensitivity {
                output: o.name.clone(),
                baseline: swings[0],
                inputs: list,
            })
        })
        .collect()
}

/// The 5th, 50th and 95th percentiles of the non-NaN values of `x` ([`quantile_sorted`]) and
/// its centred ranks ([`ranks_of_sorted`]), from one sort.
fn percentiles_and_ranks(x: &[f64]) -> ([f64; 3], Centred) {
    let sorted = argsort_total(x);
    let valid: Vec<f64> = sorted
        .iter()
        .map(|&(v, _)| v)
        .filter(|v| !v.is_nan())
        .collect();
    let q = [0.05, 0.5, 0.95].map(|q| quantile_sorted(&valid, q));
    (q, centred(&ranks_of_sorted(&sorted)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::engine::{simulate, NoData};
    use crate::scenario::model::parse_model;

    /// y = 10·a + b + 0.1·c with a, b, c ~ U(0, 1) independent: the swings are exactly
    /// 10·0.9, 0.9 and 0.09 (p95 − p5 of U(0, 1) is 0.9), so the order is a, b, c; the
    /// Spearman correlations are ordered the same way, a's near 10/√(100 + 1 + 0.01) ≈ 0.995
    /// in Pearson terms.
    #[test]
    fn ranks_the_known_most_influential_input_first() {
        let text = r#"
[scenario]
name = "t"
duration_years = 1
as_of = "2025-12-31"
perspective = "partner"
[variables.a]
dist = "uniform"
min = 0.0
max = 1.0
assumption = "t"
[variables.b]
dist = "uniform"
min = 0.0
max = 1.0
assumption = "t"
[variables.c]
dist = "uniform"
min = 0.0
max = 1.0
assumption = "t"
[variables.two_a]
expr = "2 * a"
[outputs.y]
expr = "5 * two_a + b + 0.1 * c"
aspect = "security"
unit = "u"
direction = "higher_is_worse"
"#;
        let model = parse_model(text, "t.toml").unwrap();
        let draws = simulate(&model, 200_000, 3, &NoData).unwrap();
        let s = sensitivity(&model, &draws).unwrap();
        assert_eq!(s.len(), 1);
        let names: Vec<&str> = s[0].inputs.iter().map(|i| i.input.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        let a = &s[0].inputs[0];
        assert!((a.swing - 9.0).abs() < 0.05, "{a:?}");
        assert!((s[0].inputs[1].swing - 0.9).abs() < 0.01);
        assert!((s[0].inputs[2].swing - 0.09).abs() < 0.001);
        // Baseline: every input at its median 0.5 → 5 + 0.5 + 0.05.
        assert!((s[0].baseline - 5.55).abs() < 0.02, "{}", s[0].baseline);
        assert!(a.spearman > 0.98 && a.spearman > s[0].inputs[1].spearman);
        assert!(s[0].inputs[1].spearman > s[0].inputs[2].spearman.abs());
        assert!(a.low < a.high);
    }
}
