//! What a scenario's advantage over another depends on: the tail contrast.
//!
//! For one output, the target is the paired difference A − B over the draws (common random
//! numbers: draw i of A and of B is the same world under two sets of terms). For each random
//! input of A (a distribution or a data link), the contrast is the median of the target among
//! the draws where the input is at or below its 10th percentile (`low`) and among the draws
//! where it is at or above its 90th (`high`); |high − low| orders the inputs. It answers "if
//! this input turns out low (or high), how much of A's advantage is left?", with every other
//! input free — unlike [`super::sensitivity`], which moves one input at a time with the others
//! held at their medians. The two are different views and are named apart on purpose.
//!
//! Units: the output's own. Inputs that never vary are left out, as are bars under 1 % of the
//! longest (too short to say anything) and bars within floating-point rounding of the
//! target's scale; at most [`MAX_BARS`] are kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::engine::quantile_sorted;

/// Share of draws in each tail.
pub const TAIL: f64 = 0.10;
/// Bars kept per contrast.
pub const MAX_BARS: usize = 8;

/// One input's bar: the target's median with the input in its low and in its high tail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContrastBar {
    pub input: String,
    #[serde(with = "crate::assess::nan_as_null")]
    pub low: f64,
    #[serde(with = "crate::assess::nan_as_null")]
    pub high: f64,
}

/// The tail contrast of one output's paired difference A − B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TailContrast {
    pub output: String,
    pub unit: String,
    /// Scenario names: the difference is `scenario` − `baseline`.
    pub scenario: String,
    pub baseline: String,
    /// The median paired difference with every input free (the bars' common origin).
    #[serde(with = "crate::assess::nan_as_null")]
    pub centre: f64,
    /// Share of draws in each tail ([`TAIL`]).
    pub tail: f64,
    /// Largest |high − low| first.
    pub bars: Vec<ContrastBar>,
}

/// The median of the non-NaN values (NaN when there are none).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| !x.is_nan());
    v.sort_by(f64::total_cmp);
    quantile_sorted(&v, 0.5)
}

/// The bars of `target` (per-draw values) against each input's draws (same length; others
/// are skipped), largest first.
pub fn contrast_bars(target: &[f64], inputs: &BTreeMap<String, Vec<f64>>) -> Vec<ContrastBar> {
    let mut bars = Vec::new();
    for (name, x) in inputs {
        if x.len() != target.len() {
            continue;
        }
        let mut sorted: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_by(f64::total_cmp);
        let (q_lo, q_hi) = (
            quantile_sorted(&sorted, TAIL),
            quantile_sorted(&sorted, 1.0 - TAIL),
        );
        if q_hi.partial_cmp(&q_lo) != Some(std::cmp::Ordering::Greater) {
            continue;
        }
        let pick = |keep: &dyn Fn(f64) -> bool| -> Vec<f64> {
            x.iter()
                .zip(target)
                .filter(|(v, _)| keep(**v))
                .map(|(_, t)| *t)
                .collect()
        };
        let low = median(pick(&|v| v <= q_lo));
        let high = median(pick(&|v| v >= q_hi));
        if low.is_finite() && high.is_finite() {
            bars.push(ContrastBar {
                input: name.clone(),
                low,
                high,
            });
        }
    }
    bars.sort_by(|a, b| {
        (b.high - b.low)
            .abs()
            .total_cmp(&(a.high - a.low).abs())
            .then(a.input.cmp(&b.input))
    });
    // Bars under 1 % of the longest say nothing; bars within rounding of the target's scale
    // (1e-9 of its largest magnitude) are floating-point noise, not an effect.
    let scale = target
        .iter()
        .filter(|t| t.is_finite())
        .fold(0.0f64, |m, t| m.max(t.abs()));
    let longest = bars.first().map(|b| (b.high - b.low).abs()).unwrap_or(0.0);
    bars.retain(|b| {
        let swing = (b.high - b.low).abs();
        swing >= 0.01 * longest && swing > 1e-9 * scale
    });
    bars.truncate(MAX_BARS);
    bars
}

/// The tail contrast of `a − b` (paired draws of one output) against `inputs` (A's random
/// inputs' draws, each as long as the outputs).
pub fn tail_contrast(
    output: &str,
    unit: &str,
    (scenario, a): (&str, &[f64]),
    (baseline, b): (&str, &[f64]),
    inputs: &BTreeMap<String, Vec<f64>>,
) -> TailContrast {
    let diff: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    TailContrast {
        output: output.to_string(),
        unit: unit.to_string(),
        scenario: scenario.to_string(),
        baseline: baseline.to_string(),
        centre: median(diff.clone()),
        tail: TAIL,
        bars: contrast_bars(&diff, inputs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// target = 10·x + y over x = 0..99 and y = (7·i mod 100), by hand: x ≤ p10 (9.9) keeps
    /// x = 0..9, whose targets 10·x + y_i have median … computed below by brute force; the
    /// bar for x is far longer than y's, so x comes first; a constant input is left out.
    #[test]
    fn orders_inputs_by_their_tail_medians() {
        let n = 100;
        let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let y: Vec<f64> = (0..n).map(|i| ((7 * i) % 100) as f64).collect();
        let c = vec![3.0; n];
        let target: Vec<f64> = (0..n).map(|i| 10.0 * x[i] + y[i]).collect();
        let inputs: BTreeMap<String, Vec<f64>> = [
            ("x".to_string(), x.clone()),
            ("y".to_string(), y.clone()),
            ("c".to_string(), c),
        ]
        .into();
        let bars = contrast_bars(&target, &inputs);
        assert_eq!(bars.len(), 2, "{bars:?}");
        assert_eq!(bars[0].input, "x");
        // Brute force of the definition: numpy-style p10/p90 of 0..99 are 9.9 and 89.1.
        let brute = |v: &[f64], lo: bool| {
            let (q_lo, q_hi) = (9.9, 89.1);
            let picked: Vec<f64> = (0..n)
                .filter(|&i| if lo { v[i] <= q_lo } else { v[i] >= q_hi })
                .map(|i| target[i])
                .collect();
            median(picked)
        };
        assert_eq!(bars[0].low, brute(&x, true));
        assert_eq!(bars[0].high, brute(&x, false));
        assert_eq!(bars[1].low, brute(&y, true));
        assert_eq!(bars[1].high, brute(&y, false));
        // x = 0..9 → targets 10x + 7x = 17x for x < 15 (7x < 100): median of 0, 17, …, 153 is
        // (68 + 85) / 2 = 76.5.
        assert_eq!(bars[0].low, 76.5);
    }

    #[test]
    fn contrast_is_of_the_paired_difference() {
        let a = [3.0, 5.0, 7.0];
        let b = [1.0, 1.0, 1.0];
        let c = tail_contrast("o", "u", ("A", &a), ("B", &b), &BTreeMap::new());
        assert_eq!(c.centre, 4.0);
        assert!(c.bars.is_empty());
        crate::assess::tests::json_round_trip(&c);
    }
}
