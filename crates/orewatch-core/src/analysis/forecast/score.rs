//! Scoring rules for probabilistic count forecasts: how good was a forecast of fatalities per
//! PRIO-GRID cell-month, given as `m` samples (typically m = 1,000, integer-valued counts),
//! once the outcome `y` is known.
//!
//! What it answers, per unit-month ([`score_sorted`] → [`UnitScore`]) and over a set of them
//! ([`summarise`] → [`ScoreSummary`]):
//! - CRPS, in fatalities (lower is better): the NRG sample estimator
//!   `(1/m)Σ|xᵢ − y| − (1/2m²)ΣᵢΣⱼ|xᵢ − xⱼ|` (Gneiting & Raftery 2007, eq. 21 applied to the
//!   empirical distribution of the samples). This is the CRPS of the empirical CDF exactly, the
//!   value of `properscoring.crps_ensemble` and of `scoringrules.crps_ensemble(estimator="nrg")`;
//!   it is NOT the "fair" estimator (which divides the second term by m(m − 1)).
//!   [`crps_sorted`] computes it in O(m) from sorted samples; [`crps_nrg_naive`] is the O(m²)
//!   definition, kept as the reference for tests.
//! - point errors of the sample mean: squared error (fatalities²) and squared log error
//!   `(ln(1 + mean) − ln(1 + y))²`;
//! - probabilities of any (≥ 1) and of ≥ 25 fatalities as the share of samples, their Brier
//!   scores, and (over a set) the average precision of `p_any` for `y ≥ 1`, exactly as
//!   scikit-learn's `average_precision_score` ([`average_precision`]);
//! - central 50% and 90% interval coverage, from type-7 quantiles ([`quantile_type7`], numpy's
//!   default `method="linear"`), intervals closed at both ends;
//! - the non-randomised PIT histogram for count data of Czado, Gneiting & Held (2009),
//!   "Predictive model assessment for count data", Biometrics 65(4):1254–1261, §2.1: with F the
//!   empirical CDF of the samples, P = F(y − 1) (0 when y = 0) and Q = F(y), the unit's PIT is
//!   uniform on [P, Q]; it adds to each of 10 equal bins on [0, 1] the fraction of [P, Q] lying
//!   in the bin. When P = Q (the forecast gives y no mass) it adds 1 to the bin holding P, the
//!   upper bin when P = 1. A calibrated forecast gives a flat histogram (0.1 per bin).
//!
//! Skill against a baseline: [`block_bootstrap_interval`] gives a paired moving-block bootstrap
//! interval for the mean per-unit-month score difference, resampling blocks of consecutive
//! forecast origins so that the dependence between months is kept.
//!
//! Preconditions (these are internal numeric helpers called by the forecast evaluation, not
//! user-input parsers): samples non-empty, finite, and sorted ascending where the name says
//! `sorted`; outcomes finite, and integer-valued counts ≥ 0 for the PIT. They are checked with
//! `debug_assert!` only; an empty sample gives NaN scores rather than a panic. [`summarise`] and
//! [`average_precision`] accept empty input (n = 0 / `None`).
//!
//! What it does NOT do: read or make forecasts, pick the units to score (pass the pooled set or
//! the subset with y > 0 to [`summarise`]), weight units, or randomise the PIT.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Number of PIT histogram bins (equal width on [0, 1]).
pub const PIT_BINS: usize = 10;

/// NRG sample estimator, O(m²), the definition (reference for tests):
/// `(1/m)Σ|xᵢ − y| − (1/2m²)ΣᵢΣⱼ|xᵢ − xⱼ|`. Samples need not be sorted. NaN if empty.
pub fn crps_nrg_naive(samples: &[f64], y: f64) -> f64 {
    debug_assert!(!samples.is_empty(), "CRPS of an empty sample");
    let m = samples.len() as f64;
    let to_outcome: f64 = samples.iter().map(|x| (x - y).abs()).sum();
    let spread: f64 = samples
        .iter()
        .map(|xi| samples.iter().map(|xj| (xi - xj).abs()).sum::<f64>())
        .sum();
    to_outcome / m - spread / (2.0 * m * m)
}

/// Same value as [`crps_nrg_naive`] in O(m) from samples sorted ascending:
/// `(1/m)Σ|x₍ᵢ₎ − y| − (1/m²)Σᵢ (2i − m − 1)·x₍ᵢ₎` (i 1-based), since
/// `ΣᵢΣⱼ|xᵢ − xⱼ| = 2Σᵢ (2i − m − 1)·x₍ᵢ₎` (x₍ᵢ₎ exceeds i − 1 samples and is exceeded by m − i).
/// NaN if empty.
pub fn crps_sorted(sorted: &[f64], y: f64) -> f64 {
    debug_assert!(!sorted.is_empty(), "CRPS of an empty sample");
    debug_assert!(is_sorted(sorted), "crps_sorted needs ascending samples");
    let m = sorted.len();
    let mut to_outcome = 0.0;
    let mut spread = 0.0;
    for (k, &x) in sorted.iter().enumerate() {
        to_outcome += (x - y).abs();
        // 2i − m − 1 with i = k + 1.
        spread += (2.0 * k as f64 + 1.0 - m as f64) * x;
    }
    let m = m as f64;
    to_outcome / m - spread / (m * m)
}

/// Hyndman–Fan type 7 quantile (numpy's default `method="linear"`) of samples sorted ascending,
/// `p` in [0, 1]: with h = (m − 1)p, `x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)` (0-based). The
/// interpolation is written as numpy writes it (from the upper point when the weight is ≥ ½) so
/// that values agree to the last bit in practice. NaN if empty; `p` outside [0, 1] is clamped.
pub fn quantile_type7(sorted: &[f64], p: f64) -> f64 {
    debug_assert!(is_sorted(sorted), "quantile_type7 needs ascending samples");
    debug_assert!(
        (0.0..=1.0).contains(&p),
        "quantile level {p} outside [0, 1]"
    );
    let m = sorted.len();
    if m == 0 {
        return f64::NAN;
    }
    let h = (m - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    if lo + 1 >= m {
        return sorted[m - 1];
    }
    let (a, b) = (sorted[lo], sorted[lo + 1]);
    let t = h - lo as f64;
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// Every per-unit-month score of one forecast against its outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitScore {
    /// NRG CRPS, fatalities.
    pub crps: f64,
    /// Sample mean, fatalities.
    pub mean: f64,
    /// (mean − y)².
    pub sq_err: f64,
    /// (ln(1 + mean) − ln(1 + y))².
    pub sq_log_err: f64,
    /// Share of samples ≥ 1.
    pub p_any: f64,
    /// Share of samples ≥ 25.
    pub p_25: f64,
    /// (p_any − 1{y ≥ 1})².
    pub brier_1: f64,
    /// (p_25 − 1{y ≥ 25})².
    pub brier_25: f64,
    /// q25 ≤ y ≤ q75 (type-7 quantiles).
    pub in50: bool,
    /// q05 ≤ y ≤ q95 (type-7 quantiles).
    pub in90: bool,
    /// This unit's contribution to the non-randomised PIT histogram; sums to 1.
    pub pit: [f64; PIT_BINS],
}

/// Every score of one forecast (samples sorted ascending) against its outcome `y` (a count).
pub fn score_sorted(sorted: &[f64], y: f64) -> UnitScore {
    debug_assert!(!sorted.is_empty(), "score of an empty sample");
    debug_assert!(is_sorted(sorted), "score_sorted needs ascending samples");
    let m = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / m;
    let share_at_least = |t: f64| (sorted.len() - sorted.partition_point(|&x| x < t)) as f64 / m;
    let p_any = share_at_least(1.0);
    let p_25 = share_at_least(25.0);
    let indicator = |hit: bool| if hit { 1.0 } else { 0.0 };
    let within =
        |lo: f64, hi: f64| quantile_type7(sorted, lo) <= y && y <= quantile_type7(sorted, hi);
    UnitScore {
        crps: crps_sorted(sorted, y),
        mean,
        sq_err: (mean - y).powi(2),
        sq_log_err: (mean.ln_1p() - y.ln_1p()).powi(2),
        p_any,
        p_25,
        brier_1: (p_any - indicator(y >= 1.0)).powi(2),
        brier_25: (p_25 - indicator(y >= 25.0)).powi(2),
        in50: within(0.25, 0.75),
        in90: within(0.05, 0.95),
        pit: pit_histogram(sorted, y),
    }
}

/// The non-randomised PIT histogram of one count forecast (Czado, Gneiting & Held 2009):
/// the fraction of [P, Q] = [F(y−), F(y)] in each of [`PIT_BINS`] bins, with F(y−) the share
/// of draws below y (= F(y − 1) for integer draws, and right for non-integer ones such as a
/// rolling mean), worked in integer sample counts (F = count / m) so that bin edges and
/// degenerate intervals are exact.
fn pit_histogram(sorted: &[f64], y: f64) -> [f64; PIT_BINS] {
    let mut pit = [0.0; PIT_BINS];
    let m = sorted.len();
    if m == 0 {
        return pit;
    }
    let below = sorted.partition_point(|&x| x < y);
    let upto = sorted.partition_point(|&x| x <= y);
    if below == upto {
        // The forecast gives y no mass: the PIT is the point P; its bin, the upper one at 1.
        pit[(PIT_BINS * below / m).min(PIT_BINS - 1)] = 1.0;
        return pit;
    }
    // In units of 1/(PIT_BINS·m) every edge is an integer: [P, Q] = [B·below, B·upto] and bin j
    // = [j·m, (j + 1)·m], so the overlaps are exact and each share is rounded once.
    let (lo, hi) = (PIT_BINS * below, PIT_BINS * upto);
    for (j, share) in pit.iter_mut().enumerate() {
        let overlap = hi.min((j + 1) * m).saturating_sub(lo.max(j * m));
        *share = overlap as f64 / (hi - lo) as f64;
    }
    pit
}

/// Mean scores over a set of unit-months (pooled, or only those with y > 0: filter the pairs
/// before calling).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ScoreSummary {
    /// Unit-months scored.
    pub n: usize,
    /// Mean CRPS, fatalities.
    pub crps: f64,
    /// Mean squared error of the sample mean, fatalities².
    pub mse: f64,
    /// Mean squared log error, (ln(1 + mean) − ln(1 + y))².
    pub msle: f64,
    /// Mean Brier score of P(≥ 1).
    pub brier_1: f64,
    /// Mean Brier score of P(≥ 25).
    pub brier_25: f64,
    /// Average precision of p_any for y ≥ 1; `None` if no unit-month had y ≥ 1.
    pub average_precision: Option<f64>,
    /// Share of outcomes inside the central 50% interval.
    pub coverage50: f64,
    /// Share of outcomes inside the central 90% interval.
    pub coverage90: f64,
    /// PIT histogram, normalised to sum 1 (all zeros when n = 0).
    pub pit: [f64; PIT_BINS],
}

/// Mean scores over a set of unit-months. `outcomes[i]` and `scores[i]` belong together (equal
/// lengths); AP uses `p_any` against `y ≥ 1`. Empty input gives n = 0, zeros and AP `None`.
pub fn summarise(scores: &[UnitScore], outcomes: &[f64]) -> ScoreSummary {
    debug_assert_eq!(scores.len(), outcomes.len(), "one outcome per score");
    let n = scores.len().min(outcomes.len());
    if n == 0 {
        return ScoreSummary::default();
    }
    let (scores, outcomes) = (&scores[..n], &outcomes[..n]);
    let mean_of = |f: fn(&UnitScore) -> f64| scores.iter().map(f).sum::<f64>() / n as f64;
    let share =
        |f: fn(&UnitScore) -> bool| scores.iter().filter(|s| f(s)).count() as f64 / n as f64;
    let mut pit = [0.0; PIT_BINS];
    for s in scores {
        for (total, unit) in pit.iter_mut().zip(s.pit) {
            *total += unit;
        }
    }
    for bin in &mut pit {
        *bin /= n as f64;
    }
    let p_any: Vec<f64> = scores.iter().map(|s| s.p_any).collect();
    let positive: Vec<bool> = outcomes.iter().map(|&y| y >= 1.0).collect();
    ScoreSummary {
        n,
        crps: mean_of(|s| s.crps),
        mse: mean_of(|s| s.sq_err),
        msle: mean_of(|s| s.sq_log_err),
        brier_1: mean_of(|s| s.brier_1),
        brier_25: mean_of(|s| s.brier_25),
        average_precision: average_precision(&p_any, &positive),
        coverage50: share(|s| s.in50),
        coverage90: share(|s| s.in90),
        pit,
    }
}

/// Average precision exactly as scikit-learn's `average_precision_score`: the step-wise sum
/// `Σₖ (Rₖ − Rₖ₋₁)·Pₖ` over the thresholds, one per distinct score taken in decreasing order
/// (tied scores enter together), with precision Pₖ and recall Rₖ of "score ≥ threshold k" and
/// R₀ = 0. No interpolation. `None` if there is no positive (sklearn warns and returns a
/// meaningless value there) or the input is empty. Scores must be finite; equal lengths.
pub fn average_precision(scores: &[f64], positive: &[bool]) -> Option<f64> {
    debug_assert_eq!(scores.len(), positive.len(), "one label per score");
    let n = scores.len().min(positive.len());
    let total_positive = positive[..n].iter().filter(|&&p| p).count();
    if total_positive == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut fp, mut tp_before) = (0usize, 0usize, 0usize);
    let mut ap = 0.0;
    let mut k = 0;
    while k < n {
        // One threshold: every unit with this score.
        let threshold = scores[order[k]];
        while k < n && scores[order[k]] == threshold {
            if positive[order[k]] {
                tp += 1;
            } else {
                fp += 1;
            }
            k += 1;
        }
        let recall_gain = (tp - tp_before) as f64 / total_positive as f64;
        ap += recall_gain * (tp as f64 / (tp + fp) as f64);
        tp_before = tp;
    }
    Some(ap)
}

/// Paired moving-block bootstrap of the mean of `diffs` (model minus baseline per unit-month):
/// `(5%, 95%)` type-7 quantiles of the replicate means.
///
/// `time[i]` is the time index of `diffs[i]` (e.g. forecast origin month 0..T, T = max + 1).
/// Each of `replicates` replicates draws ⌈T / L⌉ block starts uniformly in 0..=T − L
/// (L = `block_len`, clamped to 1..=T), takes every record whose time falls in a drawn block
/// (in full; a block drawn twice counts twice) and keeps the mean of the taken diffs. Diffs and
/// counts are pre-summed per time index, so a replicate costs O(⌈T/L⌉·L), not O(records).
/// Seeded (`ChaCha8Rng::seed_from_u64(seed)`) and deterministic. A replicate whose blocks hold
/// no record has no mean and is left out. `(NaN, NaN)` if there is no record, no replicate or
/// no replicate with a record.
pub fn block_bootstrap_interval(
    diffs: &[f64],
    time: &[u32],
    block_len: u32,
    replicates: usize,
    seed: u64,
) -> (f64, f64) {
    debug_assert_eq!(diffs.len(), time.len(), "one time index per diff");
    debug_assert!(block_len >= 1, "block length 0");
    let records = diffs.len().min(time.len());
    let Some(&last) = time[..records].iter().max() else {
        return (f64::NAN, f64::NAN);
    };
    let periods = last as usize + 1;
    let mut sum_at = vec![0.0; periods];
    let mut count_at = vec![0usize; periods];
    for (&d, &t) in diffs.iter().zip(time) {
        sum_at[t as usize] += d;
        count_at[t as usize] += 1;
    }
    let block = (block_len as usize).clamp(1, periods);
    let blocks_per_replicate = periods.div_ceil(block);
    // u32 draws keep the stream the same on every platform (periods ≤ u32::MAX + 1).
    let max_start = (periods - block) as u32;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut means = Vec::with_capacity(replicates);
    for _ in 0..replicates {
        let (mut sum, mut count) = (0.0, 0usize);
        for _ in 0..blocks_per_replicate {
            let start = rng.random_range(0..=max_start) as usize;
            for t in start..start + block {
                sum += sum_at[t];
                count += count_at[t];
            }
        }
        if count > 0 {
            means.push(sum / count as f64);
        }
    }
    if means.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    means.sort_by(f64::total_cmp);
    (quantile_type7(&means, 0.05), quantile_type7(&means, 0.95))
}

fn is_sorted(values: &[f64]) -> bool {
    values.windows(2).all(|w| w[0] <= w[1])
}

#[cfg(test)]
mod tests;
