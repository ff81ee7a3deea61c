//! Several scenarios side by side, on common random numbers.
//!
//! Answers, for each pair of scenarios (A, B) and each output present in both (same name):
//! the probability that A is better than B in the output's direction, and the distribution of
//! the difference A − B (in the output's unit).
//!
//! Method: every scenario is simulated with the same seed and number of draws. Each input's
//! stream is seeded from the seed and the input's NAME ([`super::engine::stream_seed`]), so
//! inputs the scenarios share have identical draws, row by row: draw i of A and draw i of B
//! are the same world under two sets of terms, and P(A better) is the share of rows where A's
//! output beats B's (strictly; ties — e.g. both zero — are reported apart). Pairing removes
//! the noise the shared inputs would add to an unpaired comparison.
//!
//! Not done: comparing outputs whose names differ, or whose directions disagree between the
//! two files (reported with a note and no probability), or whose units differ (noted).

use serde::{Deserialize, Serialize};

use super::engine::{simulate_with, summarise, DataLinks, Draws, Keep, RunError, Summary};
use super::model::{Direction, Model};

/// One output compared between scenarios A and B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputComparison {
    pub output: String,
    pub unit: String,
    pub direction: Direction,
    /// P(A better than B): share of paired draws (both numbers) where A's output is strictly
    /// better. None when the two files give the output different directions.
    pub p_a_better: Option<f64>,
    /// P(A worse than B), likewise; 1 − better − tie when some draws are numbers.
    pub p_a_worse: Option<f64>,
    /// Share of paired draws where the two are equal.
    pub p_tie: f64,
    /// Summary of A − B over the paired draws.
    pub difference: Summary,
    /// Anything that limits the comparison (direction or unit mismatch).
    pub note: Option<String>,
}

/// Scenarios A and B (by their names in the files, and their index in the input list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairComparison {
    pub a: String,
    pub b: String,
    pub a_index: usize,
    pub b_index: usize,
    pub outputs: Vec<OutputComparison>,
}

/// Compares the outputs the two runs share (A's output order). Both runs must have the same
/// number of draws from the same seed (checked).
pub fn compare_draws(
    a: &Model,
    a_draws: &Draws,
    b: &Model,
    b_draws: &Draws,
) -> Result<Vec<OutputComparison>, String> {
    if a_draws.n != b_draws.n || a_draws.seed != b_draws.seed {
        return Err(format!(
            "scenarios must be run with the same draws and seed to be paired (got {} draws, seed {} and {} draws, seed {})",
            a_draws.n, a_draws.seed, b_draws.n, b_draws.seed
        ));
    }
    let mut out = Vec::new();
    for oa in &a.outputs {
        let Some(ob) = b.outputs.iter().find(|o| o.name == oa.name) else {
            continue;
        };
        let (Some(xa), Some(xb)) = (a_draws.outputs.get(&oa.name), b_draws.outputs.get(&ob.name))
        else {
            continue;
        };
        let difference: Vec<f64> = xa.iter().zip(xb).map(|(x, y)| x - y).collect();
        let valid = difference.iter().filter(|d| !d.is_nan()).count().max(1) as f64;
        let ties = difference.iter().filter(|&&d| d == 0.0).count() as f64 / valid;
        let mut notes = Vec::new();
        let (up, down) = (
            difference.iter().filter(|&&d| d > 0.0).count() as f64 / valid,
            difference.iter().filter(|&&d| d < 0.0).count() as f64 / valid,
        );
        let (p_a_better, p_a_worse) = if oa.direction == ob.direction {
            match oa.direction {
                Direction::HigherIsBetter => (Some(up), Some(down)),
                Direction::HigherIsWorse => (Some(down), Some(up)),
            }
        } else {
            notes.push(format!(
                "directions differ ({:?} in {}, {:?} in {}): no probability of better",
                oa.direction, a.file, ob.direction, b.file
            ));
            (None, None)
        };
        if oa.unit != ob.unit {
            notes.push(format!(
                "units differ (`{}` in {}, `{}` in {})",
                oa.unit, a.file, ob.unit, b.file
            ));
        }
        out.push(OutputComparison {
            output: oa.name.clone(),
            unit: oa.unit.clone(),
            direction: oa.direction,
            p_a_better,
            p_a_worse,
            p_tie: ties,
            difference: summarise(&difference),
            note: if notes.is_empty() {
                None
            } else {
                Some(notes.join("; "))
            },
        });
    }
    Ok(out)
}

/// Simulates every model with the same `n` and `seed`, then compares every pair (i < j).
/// Returns the draws too (for per-scenario results) in input order: the outputs' draws only
/// (no variable is kept, see [`Keep`]).
pub fn compare(
    models: &[Model],
    n: usize,
    seed: u64,
    data: &dyn DataLinks,
) -> Result<(Vec<Draws>, Vec<PairComparison>), RunError> {
    let draws = models
        .iter()
        .map(|m| simulate_with(m, n, seed, data, Keep::InputPrefix(0)).map(|(d, _)| d))
        .collect::<Result<Vec<_>, _>>()?;
    let mut pairs = Vec::new();
    for i in 0..models.len() {
        for j in i + 1..models.len() {
            let outputs =
                compare_draws(&models[i], &draws[i], &models[j], &draws[j]).map_err(|message| {
                    RunError {
                        file: models[j].file.clone(),
                        line: 0,
                        name: "compare".into(),
                        message,
                    }
                })?;
            pairs.push(PairComparison {
                a: models[i].meta.name.clone(),
                b: models[j].meta.name.clone(),
                a_index: i,
                b_index: j,
                outputs,
            });
        }
    }
    Ok((draws, pairs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::engine::NoData;
    use crate::scenario::model::parse_model;

    fn scenario(name: &str, extra: &str, y: &str, direction: &str) -> Model {
        let text = format!(
            r#"
[scenario]
name = "{name}"
duration_years = 1
as_of = "2025-12-31"
perspective = "region"
[variables.x]
dist = "normal"
mean = 0.0
sd = 1.0
assumption = "shared input"
{extra}
[outputs.y]
expr = "{y}"
aspect = "governance"
unit = "index"
direction = "{direction}"
"#
        );
        parse_model(&text, &format!("{name}.toml")).unwrap()
    }

    #[test]
    fn common_random_numbers_pair_the_draws() {
        // A: y = x + 0.1, B: y = x. Paired on the same x, A is better in every draw; unpaired
        // it would be P(N(0.1, 2) > 0) ≈ 0.53.
        let a = scenario("A", "", "x + 0.1", "higher_is_better");
        let b = scenario("B", "", "x", "higher_is_better");
        let (_, pairs) = compare(&[a, b], 50_000, 9, &NoData).unwrap();
        let c = &pairs[0].outputs[0];
        assert_eq!(c.p_a_better, Some(1.0));
        assert!((c.difference.mean - 0.1).abs() < 1e-9 && c.difference.sd < 1e-9);
        assert_eq!(pairs[0].a, "A");
    }

    #[test]
    fn independent_noise_gives_a_coin_flip_and_direction_matters() {
        // A: y = x + d with d ~ N(0, 1) only in A: P(A better) = P(d > 0) = 0.5 (SE 0.0022);
        // with higher_is_worse it is P(d < 0), also 0.5, and A − B = d ~ N(0, 1).
        let d = "[variables.d]\ndist = \"normal\"\nmean = 0.0\nsd = 1.0\nassumption = \"noise\"";
        let a = scenario("A", d, "x + d", "higher_is_worse");
        let b = scenario("B", "", "x", "higher_is_worse");
        let (_, pairs) = compare(&[a, b], 50_000, 9, &NoData).unwrap();
        let c = &pairs[0].outputs[0];
        let p = c.p_a_better.unwrap();
        assert!((p - 0.5).abs() < 0.01, "{p}");
        assert!((c.difference.sd - 1.0).abs() < 0.02);
        // A shifted down by 1 is better (lower is better) with P(d < 1) = Φ(1) = 0.841345.
        let a = scenario("A", d, "x + d - 1", "higher_is_worse");
        let b = scenario("B", "", "x", "higher_is_worse");
        let (_, pairs) = compare(&[a, b], 50_000, 9, &NoData).unwrap();
        let p = pairs[0].outputs[0].p_a_better.unwrap();
        assert!((p - 0.841_345).abs() < 0.01, "{p}");
    }

    #[test]
    fn better_worse_and_ties_hand_worked() {
        // Outputs as plain draws: pairs (a, b) = (1, 2) worse, (2, 2) tie, (3, 1) better,
        // (4, 5) worse, (NaN, 0) left out: of 4 pairs, better 1/4, worse 2/4, tie 1/4 with
        // higher_is_better; better and worse swap with higher_is_worse.
        let a = scenario("A", "", "x", "higher_is_better");
        let b = scenario("B", "", "x", "higher_is_better");
        let draws = |v: [f64; 5]| Draws {
            n: 5,
            seed: 1,
            variables: Default::default(),
            outputs: [("y".to_string(), v.to_vec())].into(),
        };
        let (da, db) = (
            draws([1.0, 2.0, 3.0, 4.0, f64::NAN]),
            draws([2.0, 2.0, 1.0, 5.0, 0.0]),
        );
        let c = &compare_draws(&a, &da, &b, &db).unwrap()[0];
        assert_eq!(
            (c.p_a_better, c.p_a_worse, c.p_tie),
            (Some(0.25), Some(0.5), 0.25)
        );
        let a = scenario("A", "", "x", "higher_is_worse");
        let b = scenario("B", "", "x", "higher_is_worse");
        let c = &compare_draws(&a, &da, &b, &db).unwrap()[0];
        assert_eq!((c.p_a_better, c.p_a_worse), (Some(0.5), Some(0.25)));
        assert_eq!(c.difference.nan_draws, 1);
    }

    #[test]
    fn conflicting_directions_give_no_probability() {
        let a = scenario("A", "", "x", "higher_is_better");
        let b = scenario("B", "", "x", "higher_is_worse");
        let (_, pairs) = compare(&[a, b], 1_000, 1, &NoData).unwrap();
        let c = &pairs[0].outputs[0];
        assert_eq!(c.p_a_better, None);
        assert!(c.note.as_deref().unwrap().contains("directions differ"));
        assert_eq!(c.p_tie, 1.0);
    }
}
