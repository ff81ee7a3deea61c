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
use rand_distr::{Beta, Distribution as _, Gamma, LogNormal, Normal, Triangular, Uniform};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::streams::{chunk_rng, STREAM_CHUNK};

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
        let (sampler, lo, hi) = self.sampler(lower, upper)?;
        let mut out = vec![0.0; n];
        sampler.fill(rng, &mut out, lo, hi)?;
        Ok(out)
    }

    /// `n` draws from the chunked stream `stream` (see [`super::engine::chunk_rng`]): draws
    /// `c·STREAM_CHUNK …` come from the generator of chunk `c` alone, so the chunks are drawn
    /// in parallel and the result does not depend on the number of threads; the first `m`
    /// draws are the same for every `n ≥ m`. Truncated to [lower, upper] when given (a
    /// rejected draw is redrawn from its chunk's generator).
    pub fn sample_chunked(
        &self,
        stream: u64,
        n: usize,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<Vec<f64>, String> {
        self.chunk_sampler(lower, upper)?.sample_chunked(stream, n)
    }

    /// The distribution (truncated to [lower, upper] when given) ready to draw the chunks of
    /// a chunked stream one at a time: [`ChunkSampler::fill_chunk`] of every chunk gives
    /// exactly the draws of [`Dist::sample_chunked`].
    pub fn chunk_sampler(
        &self,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<ChunkSampler, String> {
        let (sampler, lo, hi) = self.sampler(lower, upper)?;
        Ok(ChunkSampler { sampler, lo, hi })
    }

    fn sampler(
        &self,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<(Sampler, f64, f64), String> {
        self.validate()?;
        let sampler = Sampler::new(self)?;
        let lo = lower.unwrap_or(f64::NEG_INFINITY);
        let hi = upper.unwrap_or(f64::INFINITY);
        if lo > hi {
            return Err(format!("lower bound {lo} is above upper bound {hi}"));
        }
        Ok((sampler, lo, hi))
    }
}

/// A checked distribution with its truncation bounds ([`Dist::chunk_sampler`]), or a data
/// link's distribution ([`ChunkSampler::link`]), drawing chunk by chunk.
pub struct ChunkSampler {
    sampler: Sampler,
    lo: f64,
    hi: f64,
}

impl ChunkSampler {
    /// A data link's resolved distribution, drawn like any input: from its variable's
    /// chunked stream.
    pub fn link(dist: LinkDist) -> ChunkSampler {
        ChunkSampler {
            sampler: Sampler::Link(dist),
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
        }
    }

    /// `n` draws from the chunked stream `stream`: chunk `c` by [`ChunkSampler::fill_chunk`],
    /// the chunks in parallel (see [`Dist::sample_chunked`]).
    pub fn sample_chunked(&self, stream: u64, n: usize) -> Result<Vec<f64>, String> {
        let mut out = vec![0.0; n];
        out.par_chunks_mut(STREAM_CHUNK)
            .enumerate()
            .try_for_each(|(c, chunk)| self.fill_chunk(stream, c, chunk))?;
        Ok(out)
    }

    /// Fills `out` (at most [`STREAM_CHUNK`] values) with the first `out.len()` draws of chunk
    /// `chunk` of the stream `stream`: draws `chunk·STREAM_CHUNK …` of that stream.
    pub fn fill_chunk(&self, stream: u64, chunk: usize, out: &mut [f64]) -> Result<(), String> {
        debug_assert!(out.len() <= STREAM_CHUNK);
        self.fill_from(&mut chunk_rng(stream, chunk), out)
    }

    /// Fills `out` with the next `out.len()` draws of `rng`: successive calls on a chunk's
    /// generator ([`chunk_rng`]) continue its draws, so blocks filled one after another equal
    /// one [`ChunkSampler::fill_chunk`] of their total length.
    pub fn fill_from<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) -> Result<(), String> {
        self.sampler.fill(rng, out, self.lo, self.hi)
    }
}

/// The rand_distr sampler behind a [`Dist`].
enum Sampler {
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Triangular(Triangular<f64>),
    Beta(Beta<f64>, f64, f64),
    /// Beta(α, β) as X / (X + Y), X ~ Gamma(α), Y ~ Gamma(β) (exact), scaled to [min, max]:
    /// used when α, β ≥ 1 (every PERT), where Marsaglia–Tsang gamma draws (a ziggurat normal
    /// and a uniform, a logarithm only on the rare squeeze failure) are several times cheaper
    /// than the logarithms and exponentials of Cheng's algorithm in `rand_distr::Beta`.
    BetaGammas(Gamma<f64>, Gamma<f64>, f64, f64),
    Uniform(Uniform<f64>),
    Bernoulli(f64),
    Discrete(Vec<f64>, WeightedIndex<f64>),
    /// A data link's distribution ([`LinkDist::fill`]).
    Link(LinkDist),
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
                Sampler::beta(a, b, *min, *max)?
            }
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => Sampler::beta(*alpha, *beta, *min, *max)?,
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

    /// Beta(a, b) scaled to [min, max]: by two gammas when a, b ≥ 1, else `rand_distr::Beta`
    /// (shapes below 1 make X + Y underflow to 0 now and then).
    fn beta(a: f64, b: f64, min: f64, max: f64) -> Result<Sampler, String> {
        let e = |e: &dyn std::fmt::Display| e.to_string();
        Ok(if a >= 1.0 && b >= 1.0 {
            Sampler::BetaGammas(
                Gamma::new(a, 1.0).map_err(|x| e(&x))?,
                Gamma::new(b, 1.0).map_err(|x| e(&x))?,
                min,
                max,
            )
        } else {
            Sampler::Beta(Beta::new(a, b).map_err(|x| e(&x))?, min, max)
        })
    }

    /// Fills `out` with draws in [lo, hi] (rejection: a draw outside is redrawn). The
    /// distribution is matched once per call, so each kind gets its own tight loop.
    fn fill<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        out: &mut [f64],
        lo: f64,
        hi: f64,
    ) -> Result<(), String> {
        match self {
            Sampler::Normal(d) => fill_with(rng, out, lo, hi, |r| d.sample(r)),
            Sampler::LogNormal(d) => fill_with(rng, out, lo, hi, |r| d.sample(r)),
            Sampler::Triangular(d) => fill_with(rng, out, lo, hi, |r| d.sample(r)),
            Sampler::Beta(d, min, max) => {
                fill_with(rng, out, lo, hi, |r| min + (max - min) * d.sample(r))
            }
            Sampler::BetaGammas(x, y, min, max) => fill_with(rng, out, lo, hi, |r| {
                let x = x.sample(r);
                let y = y.sample(r);
                min + (max - min) * (x / (x + y))
            }),
            Sampler::Uniform(d) => fill_with(rng, out, lo, hi, |r| d.sample(r)),
            Sampler::Bernoulli(p) => fill_with(rng, out, lo, hi, |r| {
                if r.random::<f64>() < *p {
                    1.0
                } else {
                    0.0
                }
            }),
            Sampler::Discrete(values, index) => {
                fill_with(rng, out, lo, hi, |r| values[index.sample(r)])
            }
            Sampler::Link(d) => {
                d.fill(rng, out);
                Ok(())
            }
        }
    }
}

/// Fills `out` with `draw`s in [lo, hi]: a draw outside is redrawn, up to [`MAX_TRIES`] in a
/// row (then the bounds exclude almost all of the distribution: an error).
#[inline]
fn fill_with<R: Rng + ?Sized>(
    rng: &mut R,
    out: &mut [f64],
    lo: f64,
    hi: f64,
    mut draw: impl FnMut(&mut R) -> f64,
) -> Result<(), String> {
    let bounded = lo > f64::NEG_INFINITY || hi < f64::INFINITY;
    if !bounded {
        out.iter_mut().for_each(|x| *x = draw(rng));
        return Ok(());
    }
    for slot in out.iter_mut() {
        let mut tries = 0;
        loop {
            let x = draw(rng);
            if x >= lo && x <= hi {
                *slot = x;
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
    Ok(())
}

/// The distribution a link resolves to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkDist {
    Point {
        value: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    /// Sum of independent Triangular(low, best, high) terms, one per event.
    TriangularSum {
        terms: Vec<[f64; 3]>,
    },
}

impl LinkDist {
    /// Fills `out` with draws from `rng` (each input's chunked stream, see
    /// [`super::dist::ChunkSampler::link`]).
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            LinkDist::Point { value } => out.fill(*value),
            LinkDist::Normal { mean, sd } => {
                // Box–Muller keeps this independent of rand_distr's internals.
                for x in out {
                    let u1: f64 = 1.0 - rng.random::<f64>();
                    let u2: f64 = rng.random();
                    *x = mean
                        + sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
                }
            }
            LinkDist::Uniform { min, max } => {
                for x in out {
                    *x = min + (max - min) * rng.random::<f64>();
                }
            }
            LinkDist::TriangularSum { terms } => {
                // Called once per block of draws: no allocation, the terms filtered in place.
                let fixed: f64 = terms.iter().filter(|t| t[0] == t[2]).map(|t| t[1]).sum();
                for x in out {
                    *x = fixed
                        + terms
                            .iter()
                            .filter(|t| t[0] < t[2])
                            .map(|&t| triangular(t, rng.random::<f64>()))
                            .sum::<f64>();
                }
            }
        }
    }
}

/// Inverse CDF of Triangular(low, mode, high) at u.
fn triangular([a, c, b]: [f64; 3], u: f64) -> f64 {
    let f = (c - a) / (b - a);
    if u < f {
        a + (u * (b - a) * (c - a)).sqrt()
    } else {
        b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::streams::stream_seed;

    /// Beta(2, 5) drawn as a ratio of gammas against its exact CDF (integer shapes:
    /// I_x(a, b) = Σ_{j=a}^{a+b−1} C(a+b−1, j) x^j (1 − x)^(a+b−1−j)): Kolmogorov–Smirnov
    /// distance of 200,000 draws below 0.005 (the 1 % critical value is 1.63/√n ≈ 0.0036),
    /// and the mean 2/7. Also scaled to [10, 20] and as a PERT (α = 1 + 4·(3 − 0)/(4 − 0) = 4,
    /// β = 2 on [0, 4]: mean (0 + 4·3 + 4)/6).
    #[test]
    fn beta_by_gammas_follows_the_exact_distribution() {
        let d = Dist::Beta {
            alpha: 2.0,
            beta: 5.0,
            min: 0.0,
            max: 1.0,
        };
        assert!(matches!(Sampler::new(&d).unwrap(), Sampler::BetaGammas(..)));
        let n = 200_000;
        let mut x = d.sample_chunked(7, n, None, None).unwrap();
        x.sort_by(f64::total_cmp);
        let binom = |n: u64, k: u64| (1..=k).fold(1.0, |c, i| c * (n + 1 - i) as f64 / i as f64);
        let cdf = |x: f64| {
            (2..=6u64)
                .map(|j| binom(6, j) * x.powi(j as i32) * (1.0 - x).powi(6 - j as i32))
                .sum::<f64>()
        };
        let ks = x
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let f = cdf(v);
                (f - i as f64 / n as f64)
                    .abs()
                    .max((f - (i + 1) as f64 / n as f64).abs())
            })
            .fold(0.0, f64::max);
        assert!(ks < 0.005, "KS distance {ks}");
        let mean = x.iter().sum::<f64>() / n as f64;
        assert!((mean - 2.0 / 7.0).abs() < 0.002, "{mean}");
        let scaled = Dist::Beta {
            alpha: 2.0,
            beta: 5.0,
            min: 10.0,
            max: 20.0,
        }
        .sample_chunked(7, n, None, None)
        .unwrap();
        assert!(scaled.iter().all(|v| (10.0..=20.0).contains(v)));
        let pert = Dist::Pert {
            min: 0.0,
            mode: 3.0,
            max: 4.0,
        }
        .sample_chunked(8, n, None, None)
        .unwrap();
        let mean = pert.iter().sum::<f64>() / n as f64;
        assert!((mean - 16.0 / 6.0).abs() < 0.01, "{mean}");
        // Shapes below 1 keep rand_distr's Beta.
        let small = Dist::Beta {
            alpha: 0.5,
            beta: 0.5,
            min: 0.0,
            max: 1.0,
        };
        assert!(matches!(Sampler::new(&small).unwrap(), Sampler::Beta(..)));
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// A chunked stream: chunk c is exactly the draws of its own generator (`chunk_rng`), the
    /// result is the same on 1 and 3 threads, and a shorter run is a prefix of a longer one
    /// (truncated and untruncated, a rejection sampler and a direct one).
    #[test]
    fn chunked_streams_are_fixed_by_stream_and_chunk_alone() {
        let stream = stream_seed(20_250_101, "x");
        let cases = [
            (
                Dist::Normal {
                    mean: 0.0,
                    sd: 0.25,
                },
                Some(-0.6),
                Some(0.8),
            ),
            (
                Dist::Beta {
                    alpha: 2.0,
                    beta: 5.0,
                    min: 0.0,
                    max: 0.6,
                },
                None,
                None,
            ),
        ];
        let n = 2 * STREAM_CHUNK + 123;
        for (dist, lo, hi) in cases {
            let run = |threads: usize, n: usize| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(|| dist.sample_chunked(stream, n, lo, hi).unwrap())
            };
            let one = run(1, n);
            assert_eq!(bits(&one), bits(&run(3, n)));
            let short = run(2, STREAM_CHUNK + 7);
            assert_eq!(bits(&short), bits(&one[..STREAM_CHUNK + 7]));
            for c in 0..3 {
                let len = (n - c * STREAM_CHUNK).min(STREAM_CHUNK);
                let alone = dist.sample(&mut chunk_rng(stream, c), len, lo, hi).unwrap();
                let at = c * STREAM_CHUNK;
                assert_eq!(bits(&alone), bits(&one[at..at + len]), "chunk {c}");
            }
            // Chunks are different streams (the test can fail).
            assert_ne!(
                bits(&one[..100]),
                bits(&one[STREAM_CHUNK..STREAM_CHUNK + 100])
            );
            assert!(one
                .iter()
                .all(|&x| x >= lo.unwrap_or(0.0) && x <= hi.unwrap_or(0.6)));
        }
        // A different stream seed gives different draws.
        let d = Dist::Uniform { min: 0.0, max: 1.0 };
        assert_ne!(
            bits(&d.sample_chunked(stream, 10, None, None).unwrap()),
            bits(&d.sample_chunked(stream ^ 1, 10, None, None).unwrap())
        );
    }
}
