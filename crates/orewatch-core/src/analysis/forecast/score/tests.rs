//! Hand-worked examples and brute-force references for the scoring rules. Reference values from
//! properscoring, scikit-learn and numpy are in tests/forecast_score.rs.

use super::*;
use proptest::prelude::*;
use rand_distr::{Distribution, Poisson};

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300) || a == b
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

#[test]
fn crps_hand_example() {
    // x = {0, 1, 3}, y = 2.
    // (1/m)Σ|xᵢ − y| = (2 + 1 + 1)/3 = 4/3.
    // ΣᵢΣⱼ|xᵢ − xⱼ| = 2·(|0−1| + |0−3| + |1−3|) = 2·6 = 12; 12/(2·9) = 2/3.
    // CRPS = 4/3 − 2/3 = 2/3.
    // Sorted form: (1/9)·[(2−3−1)·0 + (4−3−1)·1 + (6−3−1)·3] = 6/9 = 2/3.
    let x = [0.0, 1.0, 3.0];
    assert!(close(crps_nrg_naive(&x, 2.0), 2.0 / 3.0, 1e-15));
    assert!(close(crps_sorted(&x, 2.0), 2.0 / 3.0, 1e-15));
}

#[test]
fn crps_ties_all_equal_and_outside() {
    // All equal: the spread term is 0, CRPS = |x − y|.
    let same = [5.0; 7];
    assert_eq!(crps_sorted(&same, 5.0), 0.0);
    assert_eq!(crps_sorted(&same, 0.0), 5.0);
    assert_eq!(crps_nrg_naive(&same, 0.0), 5.0);
    // x = {10, 12, 15, 15, 20}: spread Σ(2i − 6)x₍ᵢ₎ = −40 − 24 + 0 + 30 + 80 = 46, /25 = 1.84.
    // y = 2 below all: mean|x − y| = (8 + 10 + 13 + 13 + 18)/5 = 12.4 → 12.4 − 1.84 = 10.56.
    // y = 40 above all: (30 + 28 + 25 + 25 + 20)/5 = 25.6 → 25.6 − 1.84 = 23.76.
    let x = [10.0, 12.0, 15.0, 15.0, 20.0];
    assert!(close(crps_sorted(&x, 2.0), 10.56, 1e-14));
    assert!(close(crps_sorted(&x, 40.0), 23.76, 1e-14));
    // Below all samples CRPS = mean − y − ½E|X − X'| exactly: moving y down by 1 adds 1.
    assert!(close(
        crps_sorted(&x, 1.0) - crps_sorted(&x, 2.0),
        1.0,
        1e-14
    ));
    // Ties: {0, 0, 0, 1, 1, 3, 3, 3, 7}, y = 3 (properscoring: 0.7777…).
    let t = [0.0, 0.0, 0.0, 1.0, 1.0, 3.0, 3.0, 3.0, 7.0];
    assert!(close(crps_sorted(&t, 3.0), 7.0 / 9.0, 1e-14));
    assert!(close(crps_nrg_naive(&t, 3.0), 7.0 / 9.0, 1e-14));
}

proptest! {
    #[test]
    fn crps_sorted_equals_naive(
        counts in prop::collection::vec(prop_oneof![3 => Just(0u32), 2 => 0u32..30, 1 => 0u32..5000], 1..300),
        reals in prop::collection::vec(-1e3f64..1e3, 1..100),
        y_count in 0u32..200,
        y_real in -2e3f64..2e3,
    ) {
        for (samples, y) in [
            (counts.iter().map(|&c| c as f64).collect::<Vec<_>>(), y_count as f64),
            (reals.clone(), y_real),
        ] {
            let naive = crps_nrg_naive(&samples, y);
            let fast = crps_sorted(&sorted(samples.clone()), y);
            // Rounding of sums of m terms of size ≤ scale: well under 1e-11·scale.
            let scale = samples.iter().fold(y.abs(), |s, x| s.max(x.abs())) + 1.0;
            prop_assert!((naive - fast).abs() <= 1e-11 * scale, "naive {} sorted {}", naive, fast);
            prop_assert!(fast >= -1e-11 * scale);
        }
    }
}

#[test]
fn quantile_hand_examples() {
    // x = {1, 2, 3, 4}: h = 3p. p = 0.5 → h = 1.5 → 2 + 0.5·1 = 2.5; p = 0.25 → h = 0.75 →
    // 1.75; p = 0.05 → h = 0.15 → 1.15; p = 0 → 1; p = 1 → 4.
    let x = [1.0, 2.0, 3.0, 4.0];
    assert_eq!(quantile_type7(&x, 0.5), 2.5);
    assert_eq!(quantile_type7(&x, 0.25), 1.75);
    assert!(close(quantile_type7(&x, 0.05), 1.15, 1e-15));
    assert_eq!(quantile_type7(&x, 0.0), 1.0);
    assert_eq!(quantile_type7(&x, 1.0), 4.0);
    assert_eq!(quantile_type7(&[7.0], 0.3), 7.0);
    assert!(quantile_type7(&[], 0.5).is_nan());
}

#[test]
fn pit_hand_examples() {
    // {0, 0, 0, 1, 1, 3, 3, 3, 7}, y = 3: P = F(2) = 5/9 ≈ 0.556, Q = F(3) = 8/9 ≈ 0.889,
    // width 1/3. Bin 5 [0.5, 0.6): (0.6 − 5/9)·3 = 2/15; bins 6, 7: 0.1·3 = 0.3 each;
    // bin 8 [0.8, 0.9): (8/9 − 0.8)·3 = 4/15.
    let t = [0.0, 0.0, 0.0, 1.0, 1.0, 3.0, 3.0, 3.0, 7.0];
    let pit = score_sorted(&t, 3.0).pit;
    let want = [
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        2.0 / 15.0,
        0.3,
        0.3,
        4.0 / 15.0,
        0.0,
    ];
    for (got, want) in pit.iter().zip(want) {
        assert!((got - want).abs() < 1e-15, "{pit:?}");
    }
    // y = 0: P = 0, Q = F(0) = 1/2 → 0.2 in each of bins 0–4.
    let pit = score_sorted(&[0.0, 0.0, 1.0, 2.0], 0.0).pit;
    assert_eq!(pit, [0.2, 0.2, 0.2, 0.2, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0]);
    // No mass at y: P = Q. {4}, y = 1: P = Q = 0 → bin 0. {0,0,5,5}, y = 2: P = Q = 0.5 →
    // bin 5. Fifty zeros, y = 3: P = Q = 1 → the upper bin.
    assert_eq!(score_sorted(&[4.0], 1.0).pit[0], 1.0);
    assert_eq!(score_sorted(&[0.0, 0.0, 5.0, 5.0], 2.0).pit[5], 1.0);
    assert_eq!(score_sorted(&[0.0; 50], 3.0).pit[9], 1.0);
    // All samples equal the outcome: [0, 1] in full, 0.1 per bin.
    for bin in score_sorted(&[5.0; 7], 5.0).pit {
        assert!((bin - 0.1).abs() < 1e-15);
    }
}

#[test]
fn pit_sums_to_one() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..2000 {
        let m = rng.random_range(1..60usize);
        let x = sorted((0..m).map(|_| rng.random_range(0..12u32) as f64).collect());
        let y = rng.random_range(0..15u32) as f64;
        let total: f64 = score_sorted(&x, y).pit.iter().sum();
        assert!((total - 1.0).abs() < 1e-12, "x {x:?} y {y}: {total}");
    }
}

#[test]
fn pit_of_outcomes_from_the_forecast_distribution_is_flat() {
    // 20,000 unit-months; each forecasts Poisson(λ) with its own λ in [0.2, 20) by m = 100
    // samples, and its outcome is drawn from the same Poisson(λ). Outcome and samples are then
    // exchangeable and the PIT histogram is uniform up to (a) Monte Carlo noise: each bin's
    // mean over N units has SD ≤ √(0.1·0.9/N) = 0.0021 (the randomised PIT's bin indicator; the
    // non-randomised contributions, being its conditional expectations, vary less), and (b) the
    // discreteness of the empirical CDF, O(1/m) = 0.01 at most per bin. Tolerance: 5 SD + 1/m
    // ≈ 0.021 per bin. A PIT taken at F(y) alone (ignoring the jump) piles mass into the upper
    // bins and fails this by far.
    let mut rng = ChaCha8Rng::seed_from_u64(2009);
    let units = 20_000;
    let m = 100;
    let mut scores = Vec::with_capacity(units);
    let mut outcomes = Vec::with_capacity(units);
    for _ in 0..units {
        let lambda = 0.2 + 19.8 * rng.random::<f64>();
        let dist = Poisson::new(lambda).expect("λ > 0");
        let x = sorted((0..m).map(|_| dist.sample(&mut rng)).collect());
        let y: f64 = dist.sample(&mut rng);
        scores.push(score_sorted(&x, y));
        outcomes.push(y);
    }
    let summary = summarise(&scores, &outcomes);
    let tolerance = 5.0 * (0.1f64 * 0.9 / units as f64).sqrt() + 1.0 / m as f64;
    for (j, bin) in summary.pit.iter().enumerate() {
        assert!((bin - 0.1).abs() < tolerance, "bin {j}: {:?}", summary.pit);
    }
    // Calibrated intervals cover about their nominal share (counts: at least nominal).
    assert!(summary.coverage50 > 0.5 - 0.02, "{summary:?}");
    assert!(summary.coverage90 > 0.9 - 0.02, "{summary:?}");
}

#[test]
fn unit_score_hand_example() {
    // x = {0, 0, 1, 3, 30}, y = 2. mean = 34/5 = 6.8; sq_err = 4.8² = 23.04;
    // sq_log_err = (ln 7.8 − ln 3)²; p_any = 3/5; p_25 = 1/5; brier_1 = (0.6 − 1)² = 0.16;
    // brier_25 = (0.2 − 0)² = 0.04. Quantiles (h = 4p): q25 = x₍₁₎ = 0, q75 = x₍₃₎ = 3 → in50;
    // q05 = 0, q95 = 3 + 0.8·27 = 24.6 → in90. PIT: P = F(1) = 3/5, Q = F(2) = 3/5 → bin 6.
    let x = [0.0, 0.0, 1.0, 3.0, 30.0];
    let s = score_sorted(&x, 2.0);
    assert!(close(s.mean, 6.8, 1e-15));
    assert!(close(s.sq_err, 23.04, 1e-14));
    assert!(close(
        s.sq_log_err,
        (7.8f64.ln() - 3f64.ln()).powi(2),
        1e-14
    ));
    assert_eq!((s.p_any, s.p_25), (0.6, 0.2));
    assert!(close(s.brier_1, 0.16, 1e-14) && close(s.brier_25, 0.04, 1e-14));
    assert!(s.in50 && s.in90);
    assert_eq!(s.pit[6], 1.0);
    assert!(close(s.crps, crps_nrg_naive(&x, 2.0), 1e-14));
    // y = 0 outside the central 50% interval [q25, q75] = [1, 3] of {1, 1, 2, 3, 3}; the
    // 90% one has q05 = 1 as well.
    let s = score_sorted(&[1.0, 1.0, 2.0, 3.0, 3.0], 0.0);
    assert!(!s.in50 && !s.in90);
    assert_eq!(s.brier_1, 1.0);
}

#[test]
fn summarise_hand_example_and_empty() {
    let a = score_sorted(&[0.0, 0.0, 1.0, 3.0, 30.0], 2.0);
    let b = score_sorted(&[0.0, 0.0, 0.0, 0.0], 0.0);
    let s = summarise(&[a, b], &[2.0, 0.0]);
    assert_eq!(s.n, 2);
    assert!(close(s.crps, (a.crps + b.crps) / 2.0, 1e-15));
    assert!(close(s.mse, 23.04 / 2.0, 1e-14));
    assert!(close(s.brier_1, 0.16 / 2.0, 1e-14));
    // p_any: 0.6 for the positive, 0 for the negative → perfect ranking.
    assert_eq!(s.average_precision, Some(1.0));
    assert_eq!((s.coverage50, s.coverage90), (1.0, 1.0));
    // b: all samples 0 and y = 0: P = 0, Q = 1, 0.1 per bin; a: bin 6. Mean: 0.05, bin 6 0.55.
    let mut want = [0.05; 10];
    want[6] = 0.55;
    for (got, want) in s.pit.iter().zip(want) {
        assert!((got - want).abs() < 1e-15, "{:?}", s.pit);
    }
    assert_eq!(summarise(&[], &[]), ScoreSummary::default());
    assert_eq!(summarise(&[b], &[0.0]).average_precision, None);
}

#[test]
fn average_precision_hand_examples() {
    // sklearn's doc example: scores {0.1, 0.4, 0.35, 0.8}, labels {0, 0, 1, 1}.
    // Thresholds 0.8: P = 1, R = ½; 0.4: P = ½, R = ½; 0.35: P = ⅔, R = 1.
    // AP = ½·1 + 0·½ + ½·⅔ = 5/6.
    let ap = average_precision(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]);
    assert!(close(ap.unwrap_or(f64::NAN), 5.0 / 6.0, 1e-15));
    // All tied: one threshold, P = 2/6, R = 1 → 1/3 (not an order-dependent value).
    let ap = average_precision(&[0.3; 6], &[true, false, false, true, false, false]);
    assert!(close(ap.unwrap_or(f64::NAN), 1.0 / 3.0, 1e-15));
    assert_eq!(average_precision(&[0.3, 0.2], &[false, false]), None);
    assert_eq!(average_precision(&[], &[]), None);
}

#[test]
fn bootstrap_is_deterministic_and_seeded() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let time: Vec<u32> = (0..600).map(|i| i / 10).collect();
    let diffs: Vec<f64> = time
        .iter()
        .map(|&t| (t as f64 / 7.0).sin() + rng.random::<f64>())
        .collect();
    let a = block_bootstrap_interval(&diffs, &time, 6, 999, 42);
    assert_eq!(a, block_bootstrap_interval(&diffs, &time, 6, 999, 42));
    assert_ne!(a, block_bootstrap_interval(&diffs, &time, 6, 999, 43));
    let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
    assert!(a.0 < mean && mean < a.1, "{a:?} around {mean}");
}

#[test]
fn bootstrap_constant_diff() {
    let time: Vec<u32> = (0..300).map(|i| i % 37).collect();
    // 0.25 is exact in binary: every replicate mean is exactly 0.25.
    assert_eq!(
        block_bootstrap_interval(&[0.25; 300], &time, 5, 500, 9),
        (0.25, 0.25)
    );
    let (lo, hi) = block_bootstrap_interval(&[0.1; 300], &time, 5, 500, 9);
    assert!(close(lo, 0.1, 1e-13) && close(hi, 0.1, 1e-13), "{lo} {hi}");
}

#[test]
fn bootstrap_hand_cases() {
    // block_len = T: the only start is 0, every replicate takes all records → (mean, mean).
    let (lo, hi) = block_bootstrap_interval(&[1.0, 2.0, 6.0], &[0, 1, 2], 3, 100, 5);
    assert_eq!((lo, hi), (3.0, 3.0));
    // T = 2, L = 1: two blocks per replicate, each time 0 or 1 with probability ½.
    // Time 0 holds diffs {1, 1}, time 1 holds {4}. Replicate means: {0, 0} → 1 (prob ¼),
    // {1, 1} → 4 (¼), mixed → (1 + 1 + 4)/3 = 2 (½; a mean of records, not of months, which
    // would give 2.5). With 1,000 replicates about 250 are 1 and 250 are 4, so the 5% and 95%
    // quantiles are 1 and 4 exactly, and every replicate mean is one of {1, 2, 4}.
    let (lo, hi) = block_bootstrap_interval(&[1.0, 1.0, 4.0], &[0, 0, 1], 1, 1000, 11);
    assert_eq!((lo, hi), (1.0, 4.0));
    // The mixed value directly: L = 2 = T leaves start 0 only, one block holding all three
    // records → (2, 2).
    assert_eq!(
        block_bootstrap_interval(&[1.0, 1.0, 4.0], &[0, 0, 1], 2, 10, 11),
        (2.0, 2.0)
    );
    // Degenerate input.
    assert!(block_bootstrap_interval(&[], &[], 3, 100, 1).0.is_nan());
    assert!(block_bootstrap_interval(&[1.0], &[0], 1, 0, 1).1.is_nan());
}

#[test]
fn bootstrap_matches_record_by_record_reference() {
    // The same draws, taken record by record (O(records) per replicate, no pre-summing).
    let mut data_rng = ChaCha8Rng::seed_from_u64(3);
    let time: Vec<u32> = (0..2000)
        .map(|_| data_rng.random_range(0..50u32))
        .filter(|t| t % 7 != 3)
        .collect();
    let diffs: Vec<f64> = time
        .iter()
        .map(|_| data_rng.random::<f64>() * 4.0 - 1.0)
        .collect();
    let (block_len, replicates, seed) = (4u32, 300, 77);
    let periods = *time.iter().max().unwrap_or(&0) + 1;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut means = Vec::new();
    for _ in 0..replicates {
        let starts: Vec<u32> = (0..periods.div_ceil(block_len))
            .map(|_| rng.random_range(0..=periods - block_len))
            .collect();
        let (mut sum, mut count) = (0.0, 0);
        for (&d, &t) in diffs.iter().zip(&time) {
            let copies = starts
                .iter()
                .filter(|&&s| s <= t && t < s + block_len)
                .count();
            sum += d * copies as f64;
            count += copies;
        }
        if count > 0 {
            means.push(sum / count as f64);
        }
    }
    let means = sorted(means);
    let want = (quantile_type7(&means, 0.05), quantile_type7(&means, 0.95));
    let got = block_bootstrap_interval(&diffs, &time, block_len, replicates, seed);
    assert!(
        close(got.0, want.0, 1e-12) && close(got.1, want.1, 1e-12),
        "{got:?} vs {want:?}"
    );
}
