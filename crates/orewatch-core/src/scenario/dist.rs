//! Input distributions of a scenario and how they are sampled.
//!
//! Parameterisations (all in the variable's own unit):
//! - `normal`: `mean`, `sd`;
//! - `lognormal`: either `mu`, `sigma` of the logarithm, or the 5th and 95th percentiles `p5`,
//!   `p95` (then mu = (ln p5 + ln p95)/2, sigma = (ln p95 − ln p5)/(2 · 1.6448536));
//! - `triangular`: `min`, `mode`, `max`;
//! - `pert`: `min`, `mode`, `max` — Beta-PERT with λ = 4: α = 1 + 4(mode − min)/(max − min),
//!   β = 1 + 4(max − mode)/(max − min), scaled to [min, max];
//! - `beta`: `alpha`, `beta`, optionally scaled to [`min`, `max`] (default [0, 1]);
//! - `uniform`: `min`, `max`;
//! - `bernoulli`: `p` (draws are 0 or 1);
//! - `discrete`: `values` with `weights` (normalised; default equal).
//!
//! Optional `lower`/`upper` bounds TRUNCATE the distribution (draws outside are redrawn from
//! the variable's own stream), so the draws follow the distribution conditional on the bounds.

use rand::distr::weighted::WeightedIndex;
use rand::{Rng, RngExt};
use rand_distr::{Beta, Distribution as _, LogNormal, Normal, Triangular, Uniform};

/// z of the 95th percentile of the standard normal.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// A distribution with its parameters checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Normal {
        mean: f64,
        sd: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    Beta {
        alpha: f64,
        beta: f64,
        min: f64,
        max: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Bernoulli {
        p: f64,
    },
    Discrete {
        values: Vec<f64>,
        weights: Vec<f64>,
    },
}

/// Tries per draw before truncation bounds are declared to exclude the distribution.
const MAX_TRIES: usize = 1000;

impl Dist {
    /// Checks the parameters; the message says what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        let finite = |name: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number, got {v}"))
            }
        };
        let ordered = |min: f64, mode: f64, max: f64| {
            finite("min", min)?;
            finite("mode", mode)?;
            finite("max", max)?;
            if min <= mode && mode <= max && min < max {
                Ok(())
            } else {
                Err(format!(
                    "needs min ≤ mode ≤ max with min < max, got min {min}, mode {mode}, max {max}"
                ))
            }
        };
        match self {
            Dist::Normal { mean, sd } => {
                finite("mean", *mean)?;
                if sd.is_finite() && *sd > 0.0 {
                    Ok(())
                } else {
                    Err(format!("sd must be positive, got {sd}"))
                }
            }
            Dist::LogNormal { mu, sigma } => {
                finite("mu", *mu)?;
                if sigma.is_finite() && *sigma > 0.0 {
                    Ok(())
                } else {
                    Err(format!(
                        "sigma must be positive (p95 > p5 > 0), got {sigma}"
                    ))
                }
            }
            Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max } => {
                ordered(*min, *mode, *max)
            }
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                if !(alpha.is_finite() && *alpha > 0.0 && beta.is_finite() && *beta > 0.0) {
                    return Err(format!(
                        "alpha and beta must be positive, got {alpha}, {beta}"
                    ));
                }
                ordered(*min, *min, *max)
            }
            Dist::Uniform { min, max } => ordered(*min, *min, *max),
            Dist::Bernoulli { p } => {
                if (0.0..=1.0).contains(p) {
                    Ok(())
                } else {
                    Err(format!("p must lie in [0, 1], got {p}"))
                }
            }
            Dist::Discrete { values, weights } => {
                if values.is_empty() || values.len() != weights.len() {
                    return Err(format!(
                        "needs as many weights as values (at least one), got {} values and {} weights",
                        values.len(),
                        weights.len()
                    ));
                }
                if values.iter().any(|v| !v.is_finite())
                    || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
                    || weights.iter().sum::<f64>() <= 0.0
                {
                    return Err(
                        "values must be finite and weights non-negative, not all zero".into(),
                    );
                }
                Ok(())
            }
        }
    }

    /// The analytic mean (before truncation), used in tests and summaries.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Normal { mean, .. } => *mean,
            Dist::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => min + (max - min) * alpha / (alpha + beta),
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Bernoulli { p } => *p,
            Dist::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total
            }
        }
    }

    /// `n` draws from `rng`, truncated to [lower, upper] when given.
    pub fn sample<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        n: usize,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<Vec<f64>, String> {
        self.validate()?;
        let sampler = Sampler::new(self)?;
        let lo = lower.unwrap_or(f64::NEG_INFINITY);
        let hi = upper.unwrap_or(f64::INFINITY);
        if lo > hi {
            return Err(format!("lower bound {lo} is above upper bound {hi}"));
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let mut tries = 0;
            loop {
                let x = sampler.draw(rng);
                if x >= lo && x <= hi {
                    out.push(x);
                    break;
                }
                tries += 1;
                if tries >= MAX_TRIES {
                    return Err(format!(
                        "the bounds [{lo}, {hi}] exclude almost all of the distribution ({MAX_TRIES} draws in a row fell outside)"
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// The rand_distr sampler behind a [`Dist`].
enum Sampler {
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Triangular(Triangular<f64>),
    Beta(Beta<f64>, f64, f64),
    Uniform(Uniform<f64>),
    Bernoulli(f64),
    Discrete(Vec<f64>, WeightedIndex<f64>),
}

impl Sampler {
    fn new(dist: &Dist) -> Result<Sampler, String> {
        let e = |e: &dyn std::fmt::Display| e.to_string();
        Ok(match dist {
            Dist::Normal { mean, sd } => {
                Sampler::Normal(Normal::new(*mean, *sd).map_err(|x| e(&x))?)
            }
            Dist::LogNormal { mu, sigma } => {
                Sampler::LogNormal(LogNormal::new(*mu, *sigma).map_err(|x| e(&x))?)
            }
            Dist::Triangular { min, mode, max } => {
                Sampler::Triangular(Triangular::new(*min, *max, *mode).map_err(|x| e(&x))?)
            }
            Dist::Pert { min, mode, max } => {
                let range = max - min;
                let a = 1.0 + 4.0 * (mode - min) / range;
                let b = 1.0 + 4.0 * (max - mode) / range;
                Sampler::Beta(Beta::new(a, b).map_err(|x| e(&x))?, *min, *max)
            }
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => Sampler::Beta(Beta::new(*alpha, *beta).map_err(|x| e(&x))?, *min, *max),
            Dist::Uniform { min, max } => {
                Sampler::Uniform(Uniform::new_inclusive(*min, *max).map_err(|x| e(&x))?)
            }
            Dist::Bernoulli { p } => Sampler::Bernoulli(*p),
            Dist::Discrete { values, weights } => Sampler::Discrete(
                values.clone(),
                WeightedIndex::new(weights).map_err(|x| e(&x))?,
            ),
        })
    }

    #[inline]
    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Normal(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Beta(d, min, max) => min + (max - min) * d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Bernoulli(p) => {
                if rng.random::<f64>() < *p {
                    1.0
                } else {
                    0.0
                }
            }
            Sampler::Discrete(values, index) => values[index.sample(rng)],
        }
    }
}
