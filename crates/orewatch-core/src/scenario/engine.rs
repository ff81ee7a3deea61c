//! Monte Carlo evaluation of a scenario and the summary of each output.
//!
//! Reproducibility: each random input draws from its OWN stream, seeded from the run's seed
//! and the variable's name (FNV-1a of the name mixed with the seed by SplitMix64). A
//! distribution's stream is chunked: draws c·65,536 … (c+1)·65,536 − 1 come from a Xoshiro256++
//! generator seeded from the stream and c ([`chunk_rng`]), so chunks are drawn in parallel and
//! the draws do not depend on the number of threads; a data link draws from one ChaCha8
//! generator seeded from its stream. Adding, removing or reordering other variables leaves a
//! variable's draws unchanged, and two scenarios run with the same seed share common random
//! numbers for the inputs they have in common — so comparisons between scenarios are paired.
//!
//! Rank correlations between inputs (`[[correlations]]`) are then imposed by Iman–Conover
//! ([`super::correlate`]): the inputs' draws are reordered, never changed.
//!
//! Inputs are sampled in parallel (rayon, one task per variable and chunk: results do not
//! depend on the number of threads); expressions are then evaluated in dependency order, vectorised over
//! all draws.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::correlate::{self, from_order_key, order_key};
use super::model::{Aspect, Direction, Kind, Model};

/// Turns a data-linked input (`data = "exposure.fatalities(…)"`) into draws.
pub trait DataLinks: Sync {
    /// `n` draws for the link, using `rng` for any resampling. An unknown or unavailable link
    /// is an error that says what is available.
    fn draws(&self, link: &str, n: usize, rng: &mut ChaCha8Rng) -> Result<Vec<f64>, String>;
}

/// No data: every link is an error.
pub struct NoData;

impl DataLinks for NoData {
    fn draws(&self, link: &str, _n: usize, _rng: &mut ChaCha8Rng) -> Result<Vec<f64>, String> {
        Err(format!(
            "data link `{link}` cannot be resolved: no store is loaded"
        ))
    }
}

/// The seed of a variable's stream.
pub fn stream_seed(seed: u64, name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix64(seed ^ h)
}

/// Draws per chunk of a chunked stream ([`chunk_rng`]).
pub const STREAM_CHUNK: usize = 65_536;

/// The generator of chunk `chunk` (draws `chunk·STREAM_CHUNK …`) of the stream `stream` (a
/// [`stream_seed`]): Xoshiro256++ seeded with four words, each SplitMix64 of the stream seed
/// mixed with SplitMix64 of (chunk, word index), so chunks and streams get unrelated states.
pub fn chunk_rng(stream: u64, chunk: usize) -> Xoshiro256PlusPlus {
    let mut seed = [0u8; 32];
    for (i, word) in seed.chunks_exact_mut(8).enumerate() {
        let tag = ((chunk as u64) << 2) | i as u64;
        word.copy_from_slice(&splitmix64(stream ^ splitmix64(tag)).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(seed)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Every variable's and output's draws.
#[derive(Debug, Clone)]
pub struct Draws {
    pub n: usize,
    pub seed: u64,
    pub variables: BTreeMap<String, Vec<f64>>,
    pub outputs: BTreeMap<String, Vec<f64>>,
}

/// A run error: which variable or output, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {name}: {message}")]
pub struct RunError {
    pub file: String,
    pub line: usize,
    pub name: String,
    pub message: String,
}

/// Wall-clock time of each stage of [`simulate_timed`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Drawing every random input (distributions and data links).
    pub sample: Duration,
    /// Imposing the rank correlations (Iman–Conover).
    pub correlate: Duration,
    /// Evaluating the expressions and outputs.
    pub evaluate: Duration,
}

/// Draws `n` samples of every variable and output.
pub fn simulate(
    model: &Model,
    n: usize,
    seed: u64,
    data: &dyn DataLinks,
) -> Result<Draws, RunError> {
    simulate_timed(model, n, seed, data).map(|(draws, _)| draws)
}

/// [`simulate`], with the time each stage took.
pub fn simulate_timed(
    model: &Model,
    n: usize,
    seed: u64,
    data: &dyn DataLinks,
) -> Result<(Draws, Timings), RunError> {
    let fail = |line: usize, name: &str, message: String| RunError {
        file: model.file.clone(),
        line,
        name: name.to_string(),
        message,
    };
    let mut timings = Timings::default();
    let started = Instant::now();
    let random: Vec<(String, Vec<f64>)> = model
        .variables
        .par_iter()
        .filter(|v| !matches!(v.kind, Kind::Expr(_)))
        .map(|v| {
            let stream = stream_seed(seed, &v.name);
            let draws = match &v.kind {
                Kind::Dist { dist, lower, upper } => dist.sample_chunked(stream, n, *lower, *upper),
                Kind::Data(link) => data.draws(link, n, &mut ChaCha8Rng::seed_from_u64(stream)),
                Kind::Expr(_) => unreachable!("filtered out"),
            };
            draws
                .map(|d| (v.name.clone(), d))
                .map_err(|m| fail(v.line, &v.name, m))
        })
        .collect::<Result<_, _>>()?;
    let mut values: BTreeMap<String, Vec<f64>> = random.into_iter().collect();
    timings.sample = started.elapsed();
    let started = Instant::now();
    if let Some(plan) = correlate::plan(&model.correlations)
        .map_err(|e| fail(model.correlations[e.pair].line, "correlations", e.message))?
    {
        let mut columns: Vec<Vec<f64>> = plan
            .names
            .iter()
            .map(|name| values.remove(name).unwrap_or_default())
            .collect();
        correlate::impose(&plan, &mut columns, seed).map_err(|m| fail(0, "correlations", m))?;
        for (name, column) in plan.names.iter().zip(columns) {
            values.insert(name.clone(), column);
        }
    }
    timings.correlate = started.elapsed();
    let started = Instant::now();
    let (variables, outputs) = evaluate(model, values, n)?;
    timings.evaluate = started.elapsed();
    Ok((
        Draws {
            n,
            seed,
            variables,
            outputs,
        },
        timings,
    ))
}

/// Draws by name.
pub type Columns = BTreeMap<String, Vec<f64>>;

/// Evaluates the expressions (variables in dependency order, then outputs) over `n` rows,
/// given every input's values (`inputs`: each sampled variable's `n` values). Returns all
/// variables' values and the outputs'. Used by [`simulate`] and by the one-at-a-time
/// sensitivity, which sets inputs to chosen percentiles.
pub fn evaluate(
    model: &Model,
    inputs: BTreeMap<String, Vec<f64>>,
    n: usize,
) -> Result<(Columns, Columns), RunError> {
    let fail = |line: usize, name: &str, message: String| RunError {
        file: model.file.clone(),
        line,
        name: name.to_string(),
        message,
    };
    let mut values = inputs;
    values.insert("duration".into(), vec![model.meta.duration_years; n]);
    for v in &model.variables {
        if let Kind::Expr(e) = &v.kind {
            let out = e
                .eval(n, &|name| values.get(name).map(Vec::as_slice))
                .map_err(|m| fail(v.line, &v.name, m))?;
            values.insert(v.name.clone(), out);
        }
    }
    let mut outputs = BTreeMap::new();
    for o in &model.outputs {
        let out = o
            .expr
            .eval(n, &|name| values.get(name).map(Vec::as_slice))
            .map_err(|m| fail(o.line, &o.name, m))?;
        outputs.insert(o.name.clone(), out);
    }
    values.remove("duration");
    Ok((values, outputs))
}

/// Summary statistics of one set of draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub p5: f64,
    pub median: f64,
    pub p95: f64,
    /// Draws that are not numbers (e.g. ln of a negative): reported, excluded from the rest.
    pub nan_draws: usize,
}

/// The `q` quantile (0–1) of sorted values by linear interpolation between order statistics
/// (numpy's default, "linear" / Hyndman–Fan type 7).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Mean, sample sd (n − 1), the 5/50/95 % quantiles ([`quantile_sorted`]'s definition) and
/// the count of NaN draws. The quantiles come from three selections (`select_nth_unstable`,
/// O(n)) instead of a full sort: the order statistics they pick are the sorted ones. Mean and
/// sd are summed in draw order (before, in sorted order: the last digits, ~1e-11 relative,
/// can differ from runs of earlier versions).
pub fn summarise(draws: &[f64]) -> Summary {
    summarise_with(draws, &mut Vec::new())
}

/// [`summarise`] with a reusable buffer for the keys (one per thread in [`results`]: fewer
/// fresh pages to fault in than one new copy of the draws per output).
fn summarise_with(draws: &[f64], keys: &mut Vec<u64>) -> Summary {
    let valid = || draws.iter().copied().filter(|x| !x.is_nan());
    keys.clear();
    keys.extend(valid().map(order_key));
    let nan_draws = draws.len() - keys.len();
    let n = keys.len() as f64;
    let mean = valid().sum::<f64>() / n;
    let var = valid().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    let [p5, median, p95] = quantiles_of_keys(keys, [0.05, 0.5, 0.95]);
    Summary {
        mean,
        sd: var.sqrt(),
        p5,
        median,
        p95,
        nan_draws,
    }
}

/// The quantiles `qs` (ascending, 0–1) of `v` as [`quantile_sorted`] gives them on the sorted
/// values, found by selection; `v` is reordered. Each quantile needs the order statistics
/// ⌊h⌋ and ⌈h⌉ (h = (len − 1)·q): ⌊h⌋ by `select_nth_unstable_by` on the part of `v` not yet
/// partitioned, ⌈h⌉ = ⌊h⌋ + 1 as the least value after it.
pub fn quantiles_by_selection<const K: usize>(v: &mut [f64], qs: [f64; K]) -> [f64; K] {
    let mut keys: Vec<u64> = v.iter().map(|&x| order_key(x)).collect();
    let out = quantiles_of_keys(&mut keys, qs);
    for (x, &k) in v.iter_mut().zip(&keys) {
        *x = from_order_key(k);
    }
    out
}

/// [`quantiles_by_selection`] on the values' [`order_key`]s (integer comparisons are faster
/// than `total_cmp`; the order is the same, so the order statistics are the same values).
fn quantiles_of_keys<const K: usize>(v: &mut [u64], qs: [f64; K]) -> [f64; K] {
    let mut out = [f64::NAN; K];
    if v.is_empty() {
        return out;
    }
    let last = v.len() - 1;
    // Everything before `from` is ≤ everything from `from` on (earlier selections).
    let mut from = 0;
    for (o, &q) in out.iter_mut().zip(&qs) {
        let h = last as f64 * q;
        let lo = (h.floor() as usize).min(last);
        let hi = (h.ceil() as usize).min(last);
        let lo_key = if lo >= from {
            let (_, x, _) = v[from..].select_nth_unstable(lo - from);
            *x
        } else {
            // Already placed by an earlier selection at the same index.
            v[lo]
        };
        let lo_value = from_order_key(lo_key);
        let hi_value = if hi == lo {
            lo_value
        } else {
            v[lo + 1..]
                .iter()
                .copied()
                .min()
                .map_or(lo_value, from_order_key)
        };
        from = from.max(lo + 1).min(v.len());
        *o = lo_value + (h - lo as f64) * (hi_value - lo_value);
    }
    out
}

/// P(draw > threshold), over the draws that are numbers.
pub fn prob_above(draws: &[f64], threshold: f64) -> f64 {
    let valid = draws.iter().filter(|x| !x.is_nan()).count();
    draws.iter().filter(|&&x| x > threshold).count() as f64 / valid.max(1) as f64
}

/// One output's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputResult {
    pub name: String,
    pub aspect: Aspect,
    pub unit: String,
    pub direction: Direction,
    pub summary: Summary,
    /// (threshold, P(output > threshold)).
    pub above: Vec<(f64, f64)>,
}

/// Every output summarised, in aspect order then name.
pub fn results(model: &Model, draws: &Draws) -> Vec<OutputResult> {
    let mut out: Vec<OutputResult> = model
        .outputs
        .par_iter()
        .map_init(Vec::new, |keys, o| {
            let d = &draws.outputs[&o.name];
            OutputResult {
                name: o.name.clone(),
                aspect: o.aspect,
                unit: o.unit.clone(),
                direction: o.direction,
                summary: summarise_with(d, keys),
                above: o
                    .thresholds
                    .iter()
                    .map(|&t| (t, prob_above(d, t)))
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.aspect.cmp(&b.aspect).then(a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::parse_model;
    use crate::scenario::sensitivity::sensitivity;
    use rand::RngExt;

    #[test]
    fn selected_quantiles_equal_the_sorted_ones() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for n in [1usize, 2, 3, 4, 19, 20, 21, 1000, 4321] {
            // Values with ties (rounded) and both zeros.
            let v: Vec<f64> = (0..n)
                .map(|i| {
                    if i % 5 == 0 {
                        -0.0
                    } else {
                        (rng.random::<f64>() * 20.0 - 10.0).round()
                    }
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let qs = [0.0, 0.05, 0.05, 0.3, 0.5, 0.95, 0.999, 1.0];
            let mut work = v.clone();
            let got = quantiles_by_selection(&mut work, qs);
            for (q, g) in qs.iter().zip(got) {
                let want = quantile_sorted(&sorted, *q);
                assert_eq!(g.to_bits(), want.to_bits(), "n {n} q {q}: {g} vs {want}");
            }
        }
        assert!(quantiles_by_selection(&mut [], [0.5])[0].is_nan());
        // By hand: 1..=10, q = 0.05 → h = 0.45 → 1 + 0.45 · (2 − 1) = 1.45; median 5.5.
        let mut v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(quantiles_by_selection(&mut v, [0.05, 0.5]), [1.45, 5.5]);
    }

    fn bench_model() -> Model {
        let text = include_str!("../../../../bench/scenario_mc/model.toml");
        parse_model(text, "bench/scenario_mc/model.toml").unwrap()
    }

    fn bits(columns: &Columns) -> Vec<(String, Vec<u64>)> {
        columns
            .iter()
            .map(|(k, v)| (k.clone(), v.iter().map(|x| x.to_bits()).collect()))
            .collect()
    }

    /// Same seed → identical draws, summaries and sensitivity, whatever the number of threads
    /// (sampling, Iman–Conover, chunked evaluation, summaries and ranks all run on rayon).
    #[test]
    fn identical_results_on_one_and_on_several_threads() {
        let model = bench_model();
        let n = 3 * crate::scenario::expr::CHUNK + 17;
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    let d = simulate(&model, n, 20_250_101, &NoData).unwrap();
                    let r = results(&model, &d);
                    let s = sensitivity(&model, &d).unwrap();
                    (
                        bits(&d.variables),
                        bits(&d.outputs),
                        format!("{r:?}"),
                        format!("{s:?}"),
                    )
                })
        };
        let one = run(1);
        assert_eq!(one, run(3));
        assert_eq!(one, run(2));
        // And a different seed gives different draws (the test can fail).
        let other = simulate(&model, n, 1, &NoData).unwrap();
        assert_ne!(bits(&other.outputs), one.1);
    }
}
