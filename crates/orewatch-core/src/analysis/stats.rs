//! Small exact statistics the analyses share.

/// The exact two-sided binomial test of `k` successes in `n` trials against p = 0.5, as
/// `scipy.stats.binomtest(k, n, 0.5).pvalue`: the total probability of every outcome no more
/// likely than the one observed, capped at 1. `k > n` is treated as `k = n`; n = 0 gives 1.
///
/// Used for trends: the split of `n` events between two equal windows, conditional on their
/// total, is Binomial(n, 0.5) when the rate did not change.
pub fn binomial_two_sided_half(k: u64, n: u64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    // With p = ½ the distribution is symmetric: the outcomes no more likely than k are the
    // two tails beyond min(k, n − k), each of probability cdf(m); the middle outcome (or the
    // two middle ones of an odd n) is the most likely, so every outcome qualifies: p = 1.
    let m = k.min(n).min(n - k.min(n));
    if m + 1 >= n - m {
        return 1.0;
    }
    // cdf(m) = Σ_{i ≤ m} C(n, i) / 2^n, in log space by C(n, i+1) = C(n, i)·(n − i)/(i + 1).
    let ln_half_n = n as f64 * std::f64::consts::LN_2;
    let mut ln_choose = 0.0f64;
    let mut cdf = (-ln_half_n).exp();
    for i in 0..m {
        ln_choose += ((n - i) as f64).ln() - ((i + 1) as f64).ln();
        cdf += (ln_choose - ln_half_n).exp();
    }
    (2.0 * cdf).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_cases_by_hand() {
        // n = 10, k = 2: outcomes 0, 1, 2, 8, 9, 10 are no more likely than 2:
        // (1 + 10 + 45 + 45 + 10 + 1) / 1024 = 112 / 1024.
        assert!((binomial_two_sided_half(2, 10) - 112.0 / 1024.0).abs() < 1e-15);
        assert!((binomial_two_sided_half(8, 10) - 112.0 / 1024.0).abs() < 1e-15);
        // n = 5, k = 0: outcomes 0 and 5: 2 / 32.
        assert!((binomial_two_sided_half(0, 5) - 0.0625).abs() < 1e-15);
        // The most likely split has p = 1; so do both middles of an odd n.
        assert_eq!(binomial_two_sided_half(5, 10), 1.0);
        assert_eq!(binomial_two_sided_half(2, 5), 1.0);
        assert_eq!(binomial_two_sided_half(0, 0), 1.0);
        // n = 1: either outcome, p = 1.
        assert_eq!(binomial_two_sided_half(1, 1), 1.0);
    }

    #[test]
    fn matches_scipy_reference_values() {
        // scipy.stats.binomtest(k, n, 0.5).pvalue, exact fractions:
        // n = 20, k = 14: 2 · (38760 + 15504 + 4845 + 1140 + 190 + 20 + 1) / 2^20 = 120920 / 1048576.
        assert!((binomial_two_sided_half(14, 20) - 120_920.0 / 1_048_576.0).abs() < 1e-15);
        // n = 3000, k = 1400: 2 · Σ_{i ≤ 1400} C(3000, i) / 2^3000, summed exactly with Python
        // integers: 0.0002785639610392337.
        let p = binomial_two_sided_half(1400, 3000);
        assert!((p / 0.000_278_563_961_039_233_7 - 1.0).abs() < 1e-9, "{p}");
        // Huge n does not underflow the likely outcomes.
        assert_eq!(binomial_two_sided_half(50_000, 100_000), 1.0);
    }
}
