//! Forecast scoring rules against independent references:
//! - tests/fixtures/forecast_score_reference.json, written by bench/forecast_score/reference.py
//!   from properscoring.crps_ensemble (cross-checked there against scoringrules' NRG estimator),
//!   numpy.quantile(method="linear"), sklearn.metrics.average_precision_score and a direct
//!   transcription of Czado, Gneiting & Held's (2009) non-randomised PIT formula; compared to
//!   1e-12 relative (1e-14 absolute for values that are 0);
//! - the closed-form CRPS of a normal distribution, on 10⁵ seeded draws.

use std::path::Path;

use orewatch_core::analysis::forecast::score::{
    average_precision, crps_nrg_naive, crps_sorted, quantile_type7, score_sorted,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    versions: std::collections::BTreeMap<String, String>,
    quantile_ps: Vec<f64>,
    crps: Vec<CrpsCase>,
    average_precision: Vec<ApCase>,
}

#[derive(Deserialize)]
struct CrpsCase {
    name: String,
    samples: Vec<f64>,
    y: f64,
    crps: f64,
    quantiles: Vec<f64>,
    pit: Option<Vec<f64>>,
}

#[derive(Deserialize)]
struct ApCase {
    name: String,
    scores: Vec<f64>,
    positive: Vec<bool>,
    ap: f64,
}

fn reference() -> Reference {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forecast_score_reference.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_close(got: f64, want: f64, what: &str) {
    let ok = (got - want).abs() <= 1e-12 * got.abs().max(want.abs()) || (got - want).abs() <= 1e-14;
    assert!(ok, "{what}: got {got:e}, reference {want:e}");
}

#[test]
fn crps_quantiles_and_pit_match_the_python_references() {
    let r = reference();
    assert!(r.versions.contains_key("properscoring"), "{:?}", r.versions);
    assert!(r.crps.len() >= 20);
    let mut with_pit = 0;
    for case in &r.crps {
        let mut sorted = case.samples.clone();
        sorted.sort_by(f64::total_cmp);
        assert_close(
            crps_sorted(&sorted, case.y),
            case.crps,
            &format!("{} crps_sorted", case.name),
        );
        assert_close(
            crps_nrg_naive(&case.samples, case.y),
            case.crps,
            &format!("{} crps_nrg_naive", case.name),
        );
        for (p, want) in r.quantile_ps.iter().zip(&case.quantiles) {
            assert_close(
                quantile_type7(&sorted, *p),
                *want,
                &format!("{} quantile {p}", case.name),
            );
        }
        if let Some(pit) = &case.pit {
            with_pit += 1;
            let got = score_sorted(&sorted, case.y).pit;
            for (j, (g, w)) in got.iter().zip(pit).enumerate() {
                assert!(
                    (g - w).abs() <= 1e-12,
                    "{} PIT bin {j}: {got:?} vs {pit:?}",
                    case.name
                );
            }
        }
    }
    assert!(with_pit >= 15, "PIT reference cases: {with_pit}");
}

#[test]
fn average_precision_matches_sklearn() {
    let r = reference();
    assert!(r.average_precision.len() >= 5);
    for case in &r.average_precision {
        let got = average_precision(&case.scores, &case.positive);
        assert_close(got.unwrap_or(f64::NAN), case.ap, &case.name);
    }
}

/// Φ(z) from libm's erfc (accurate to about 1 ulp).
fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// E|x − X| for X ~ N(μ, σ): σ[z(2Φ(z) − 1) + 2φ(z)], z = (x − μ)/σ.
fn expected_abs_distance(x: f64, mu: f64, sigma: f64) -> f64 {
    let z = (x - mu) / sigma;
    sigma * (z * (2.0 * normal_cdf(z) - 1.0) + 2.0 * normal_pdf(z))
}

#[test]
fn crps_of_normal_draws_matches_the_closed_form() {
    // CRPS(N(μ, σ), y) = σ[z(2Φ(z) − 1) + 2φ(z) − 1/√π] (Gneiting et al. 2005).
    // Tolerance from the estimator itself. The NRG value is a V-statistic with
    // E[NRG] = CRPS + σ/(m√π) (the m diagonal zeros of ΣΣ|xᵢ − xⱼ|: bias 1.7e-5 here), and
    // its first-order (Hoeffding) projection is h(x) = |x − y| − E|x − X'|, so its standard
    // error is sd(h(X))/√m, estimated below from the draws with the closed-form E|x − X'|.
    // Accept |NRG − CRPS − bias| ≤ 4·SE (a false alarm has probability 6e-5; the seed is fixed).
    let (mu, sigma, m) = (2.0, 3.0, 100_000usize);
    let mut rng = ChaCha8Rng::seed_from_u64(20_050_101);
    let normal = Normal::new(mu, sigma).expect("σ > 0");
    let mut draws: Vec<f64> = (0..m).map(|_| normal.sample(&mut rng)).collect();
    draws.sort_by(f64::total_cmp);
    for y in [2.0, 0.5, 7.9, -4.0, 14.0] {
        let closed = expected_abs_distance(y, mu, sigma) - sigma / std::f64::consts::PI.sqrt();
        let got = crps_sorted(&draws, y);
        let h: Vec<f64> = draws
            .iter()
            .map(|&x| (x - y).abs() - expected_abs_distance(x, mu, sigma))
            .collect();
        let h_mean = h.iter().sum::<f64>() / m as f64;
        let h_var = h.iter().map(|v| (v - h_mean).powi(2)).sum::<f64>() / (m - 1) as f64;
        let se = (h_var / m as f64).sqrt();
        let bias = sigma / (m as f64 * std::f64::consts::PI.sqrt());
        assert!(
            (got - closed - bias).abs() <= 4.0 * se,
            "y = {y}: NRG {got}, closed form {closed}, SE {se:e}"
        );
        // The tolerance is tight enough to matter: under 2% of the score.
        eprintln!(
            "y = {y}: NRG − closed − bias = {:+.2e}, 4·SE = {:.2e}",
            got - closed - bias,
            4.0 * se
        );
        assert!(
            4.0 * se < 0.02 * closed,
            "y = {y}: SE {se:e} vs CRPS {closed}"
        );
    }
}
