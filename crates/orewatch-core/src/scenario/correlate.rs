//! Rank correlation between inputs, imposed by the Iman–Conover method.
//!
//! Answers: given each input's independent draws and target Spearman rank correlations
//! between some pairs (`[[correlations]]` in the scenario file), reorder the draws so that
//! the pairs reach their targets — without changing any input's draws (each column is only
//! permuted, so every marginal distribution is kept exactly).
//!
//! Method (Iman & Conover 1982, "A distribution-free approach to inducing rank correlation
//! among input variables", Communications in Statistics B 11(3)):
//! 1. van der Waerden scores a_i = Φ⁻¹(i/(n+1)), i = 1…n, one column per correlated input,
//!    each column an independent random permutation ([`random_permutation`], seeded from the
//!    run's seed and the input's name, so the result is deterministic and does not depend on
//!    thread count);
//! 2. E = the scores' actual correlation matrix, E = Q Qᵀ and the target C = P Pᵀ (Cholesky);
//!    T = S Q⁻ᵀ Pᵀ has correlation C exactly (sample Pearson);
//! 3. each input's sorted draws are placed in the rank order of its column of T.
//!
//! This is done separately for each group of inputs linked by pairs ([`plans`]), and within
//! blocks of [`BLOCK_ROWS`] rows ([`impose`]).
//!
//! The target is a Spearman correlation ρ_s; for normal scores Pearson r and Spearman are
//! linked by ρ_s = (6/π) asin(r/2), so the score target is r = 2 sin(π ρ_s / 6). Achieved
//! Spearman is within ~0.01 of the target at n = 100,000 (tested at 0.02). Inputs with many
//! ties (bernoulli, discrete) cannot reach every target: their rank correlation is lower.
//!
//! Not done: correlating expressions (correlate their inputs), copulas other than the normal
//! one implied by van der Waerden scores, repair of an infeasible matrix (it is an error).

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::provenance::Provenance;
use super::streams::stream_seed;

/// Why a set of target correlations cannot be imposed.
#[derive(Debug, Clone, PartialEq)]
pub struct InfeasibleError {
    /// Index in the model's `correlations` of the pair where the check failed.
    pub pair: usize,
    pub message: String,
}

/// The inputs that take part in any correlation (in first-mention order) and the lower
/// Cholesky factor (row-major k × k) of the normal-score target matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub names: Vec<String>,
    chol: Vec<f64>,
}

/// A target rank (Spearman) correlation between two sampled inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correlation {
    pub a: String,
    pub b: String,
    /// Target Spearman rank correlation, in [-1, 1].
    pub rank: f64,
    /// Where the correlation comes from, or why it is assumed (optional).
    pub provenance: Option<Provenance>,
    pub line: usize,
}

/// Builds the target matrix from the pairs and checks that it is positive definite. On
/// failure names the pair (the last listed pair touching the variable where the Cholesky
/// factorisation broke down).
pub fn plan(correlations: &[Correlation]) -> Result<Option<Plan>, InfeasibleError> {
    if correlations.is_empty() {
        return Ok(None);
    }
    let mut names: Vec<String> = Vec::new();
    let index = |name: &str, names: &mut Vec<String>| match names.iter().position(|n| n == name) {
        Some(i) => i,
        None => {
            names.push(name.to_string());
            names.len() - 1
        }
    };
    let mut pairs = Vec::new();
    for c in correlations {
        let i = index(&c.a, &mut names);
        let j = index(&c.b, &mut names);
        pairs.push((i, j));
    }
    let k = names.len();
    let mut target = identity(k);
    for (c, &(i, j)) in correlations.iter().zip(&pairs) {
        let r = spearman_to_pearson(c.rank);
        target[i * k + j] = r;
        target[j * k + i] = r;
    }
    match cholesky(&target, k) {
        Ok(chol) => Ok(Some(Plan { names, chol })),
        Err(col) => {
            let pair = pairs
                .iter()
                .rposition(|&(i, j)| i.max(j) == col)
                .unwrap_or(pairs.len() - 1);
            let c = &correlations[pair];
            let others: Vec<String> = correlations
                .iter()
                .zip(&pairs)
                .filter(|(_, &(i, j))| i.max(j) <= col)
                .map(|(c, _)| format!("{}–{} {}", c.a, c.b, c.rank))
                .collect();
            Err(InfeasibleError {
                pair,
                message: format!(
                    "the rank correlations cannot hold together (the matrix is not positive \
                     definite) once `{}`–`{}` = {} is added to {}; weaken one of them",
                    c.a,
                    c.b,
                    c.rank,
                    others.join(", ")
                ),
            })
        }
    }
}

/// One [`plan`] per group of inputs linked by pairs (the connected components of the graph
/// whose edges are the pairs), in the order of each group's first pair. Iman–Conover is then
/// imposed group by group: inputs in different groups keep their independent draws' chance
/// correlations (of order 1/√n), as every input outside any pair does — rather than being
/// forced to exactly zero score correlation with each other — and each group's first input
/// needs no sort. A target matrix is positive definite exactly when every group's block is,
/// so the groups are feasible exactly when [`plan`] of all pairs is; an error names the pair
/// by its index in `correlations`.
pub fn plans<'a>(correlations: &'a [Correlation]) -> Result<Vec<Plan>, InfeasibleError> {
    // Union–find over the names; each pair joins its two names' groups.
    let mut names: Vec<&'a str> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut ends = Vec::with_capacity(correlations.len());
    for c in correlations {
        let mut index = |name: &'a str| match names.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                names.push(name);
                parent.push(parent.len());
                parent.len() - 1
            }
        };
        let (a, b) = (index(&c.a), index(&c.b));
        ends.push(a);
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        parent[ra.max(rb)] = ra.min(rb);
    }
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for (pair, &a) in ends.iter().enumerate() {
        let r = root(&mut parent, a);
        match groups.iter_mut().find(|(g, _)| *g == r) {
            Some((_, pairs)) => pairs.push(pair),
            None => groups.push((r, vec![pair])),
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for (_, pairs) in groups {
        let subset: Vec<Correlation> = pairs.iter().map(|&i| correlations[i].clone()).collect();
        match plan(&subset) {
            Ok(Some(p)) => out.push(p),
            Ok(None) => {}
            Err(e) => {
                return Err(InfeasibleError {
                    pair: pairs[e.pair],
                    message: e.message,
                })
            }
        }
    }
    Ok(out)
}

/// Pearson correlation of normal scores that gives Spearman `rho_s`: 2 sin(π ρ_s / 6).
pub fn spearman_to_pearson(rho_s: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rho_s / 6.0).sin()
}

fn identity(k: usize) -> Vec<f64> {
    let mut m = vec![0.0; k * k];
    for i in 0..k {
        m[i * k + i] = 1.0;
    }
    m
}

/// Lower Cholesky factor of a symmetric k × k matrix (row-major); Err(column) where a pivot
/// is not positive (the matrix is not positive definite).
fn cholesky(a: &[f64], k: usize) -> Result<Vec<f64>, usize> {
    let mut l = vec![0.0; k * k];
    for j in 0..k {
        let mut d = a[j * k + j];
        for p in 0..j {
            d -= l[j * k + p] * l[j * k + p];
        }
        if d <= 1e-10 {
            return Err(j);
        }
        let djj = d.sqrt();
        l[j * k + j] = djj;
        for i in j + 1..k {
            let mut s = a[i * k + j];
            for p in 0..j {
                s -= l[i * k + p] * l[j * k + p];
            }
            l[i * k + j] = s / djj;
        }
    }
    Ok(l)
}

/// Inverse of a lower-triangular k × k matrix (row-major).
fn invert_lower(l: &[f64], k: usize) -> Vec<f64> {
    let mut inv = vec![0.0; k * k];
    for col in 0..k {
        for i in col..k {
            let mut s = if i == col { 1.0 } else { 0.0 };
            for p in col..i {
                s -= l[i * k + p] * inv[p * k + col];
            }
            inv[i * k + col] = s / l[i * k + i];
        }
    }
    inv
}

/// Rows of one Iman–Conover block ([`impose`]).
pub const BLOCK_ROWS: usize = 65_536;

/// The rows of each Iman–Conover block for `n` draws: rows 0…[`BLOCK_ROWS`]−1, the next
/// [`BLOCK_ROWS`], …, the last block taking the remainder too (so every block has at least
/// [`BLOCK_ROWS`] rows; n < 2·[`BLOCK_ROWS`] is one block). Block boundaries are multiples of
/// the streams' chunk length, so a block is one or two whole stream chunks and can be drawn,
/// reordered and evaluated on its own (`engine::evaluate_blocks`).
pub fn blocks(n: usize) -> Vec<std::ops::Range<usize>> {
    let count = (n / BLOCK_ROWS).max(1);
    (0..count)
        .map(|b| {
            let end = if b + 1 == count {
                n
            } else {
                (b + 1) * BLOCK_ROWS
            };
            b * BLOCK_ROWS..end
        })
        .collect()
}

/// Reorders `columns` (the draws of `plan.names`, in that order, all of length n) so that
/// their rank correlations approach the plan's targets. Each column is only permuted, within
/// the blocks of rows of [`blocks`]. Each block is an independent Iman–Conover reordering of
/// independent draws ([`impose_block`]: its own score permutations; block 0 uses the streams
/// a single block always used), so the whole sample has the blocks' rank correlation, and the
/// blocks' sorts stay in cache and run in parallel — at 10⁶ draws several times faster than
/// sorting whole columns.
pub fn impose(plan: &Plan, columns: &mut [Vec<f64>], seed: u64) -> Result<(), String> {
    let k = plan.names.len();
    let n = columns.first().map_or(0, Vec::len);
    if columns.len() != k || columns.iter().any(|c| c.len() != n) {
        return Err("internal: correlated columns do not match the plan".into());
    }
    let blocks = blocks(n);
    let mut per_block: Vec<Vec<&mut [f64]>> =
        blocks.iter().map(|_| Vec::with_capacity(k)).collect();
    for column in columns.iter_mut() {
        let mut rest: &mut [f64] = column;
        for (rows, block) in blocks.iter().zip(&mut per_block) {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(rows.len());
            block.push(head);
            rest = tail;
        }
    }
    let scores = BlockScores::new(&blocks);
    per_block
        .into_par_iter()
        .enumerate()
        .try_for_each(|(b, mut block)| impose_block(plan, &mut block, seed, b, &scores))
}

/// The standardised van der Waerden scores Φ⁻¹(i/(n+1)), i = 1…n, scaled to unit variance, of
/// each block length of [`blocks`] (at most two: [`BLOCK_ROWS`] and the last block's),
/// computed once for all blocks and groups.
pub struct BlockScores {
    by_length: Vec<(usize, Vec<f64>)>,
}

impl BlockScores {
    pub fn new(blocks: &[std::ops::Range<usize>]) -> BlockScores {
        let mut lengths: Vec<usize> = blocks.iter().map(|b| b.len()).collect();
        lengths.sort_unstable();
        lengths.dedup();
        BlockScores {
            by_length: lengths
                .into_iter()
                .map(|n| (n, van_der_waerden(n)))
                .collect(),
        }
    }

    /// The scores of `n` rows (computed on the spot for a length not prepared).
    fn of(&self, n: usize) -> std::borrow::Cow<'_, [f64]> {
        match self.by_length.iter().find(|(len, _)| *len == n) {
            Some((_, scores)) => std::borrow::Cow::Borrowed(scores),
            None => std::borrow::Cow::Owned(van_der_waerden(n)),
        }
    }
}

/// Φ⁻¹(i/(n+1)), i = 1…n, divided by their root mean square (so mean 0, variance 1).
fn van_der_waerden(n: usize) -> Vec<f64> {
    let mut base: Vec<f64> = (1..=n)
        .into_par_iter()
        .map(|i| inverse_normal_cdf(i as f64 / (n as f64 + 1.0)))
        .collect();
    let sd = (base.iter().map(|x| x * x).sum::<f64>() / n as f64).sqrt();
    base.iter_mut().for_each(|x| *x /= sd);
    base
}

/// [`impose`] on one block of rows: `columns` are the rows of block `block` of [`blocks`]
/// (the index selects the score streams), one per name of the plan, in its order.
pub fn impose_block(
    plan: &Plan,
    columns: &mut [&mut [f64]],
    seed: u64,
    block: usize,
    scores: &BlockScores,
) -> Result<(), String> {
    let k = plan.names.len();
    let n = columns.first().map_or(0, |c| c.len());
    if columns.len() != k || columns.iter().any(|c| c.len() != n) {
        return Err("internal: correlated columns do not match the plan".into());
    }
    if n <= k + 1 {
        return Err(format!(
            "{n} draws are too few to impose correlations between {k} inputs"
        ));
    }
    // 1. Scores: standardised van der Waerden scores, one shuffled copy per input.
    let base = scores.of(n);
    // The shuffle is done on row numbers (half the memory of the scores, so fewer cache
    // misses): scores[l][r] = base[perms[l][r]].
    let perms: Vec<Vec<u32>> = plan
        .names
        .par_iter()
        .map(|name| random_permutation(n, block_score_stream(seed, name, block)))
        .collect();
    let scores: Vec<Vec<f64>> = perms
        .par_iter()
        .map(|p| p.iter().map(|&i| base[i as usize]).collect())
        .collect();
    // 2. Actual correlation of the scores (mean 0, variance 1 by construction).
    let mut e = identity(k);
    let pairs: Vec<(usize, usize)> = (0..k)
        .flat_map(|i| (i + 1..k).map(move |j| (i, j)))
        .collect();
    let dots: Vec<f64> = pairs
        .par_iter()
        .map(|&(i, j)| {
            scores[i]
                .iter()
                .zip(&scores[j])
                .map(|(a, b)| a * b)
                .sum::<f64>()
                / n as f64
        })
        .collect();
    for (&(i, j), &d) in pairs.iter().zip(&dots) {
        e[i * k + j] = d;
        e[j * k + i] = d;
    }
    let q = cholesky(&e, k).map_err(|_| {
        "the random scores came out collinear; use more draws to impose the correlations"
            .to_string()
    })?;
    // M = P Q⁻¹; column j of T = Σ_l M[j][l] S[:, l].
    let q_inv = invert_lower(&q, k);
    let mut m = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            m[i * k + j] = (0..k)
                .map(|p| plan.chol[i * k + p] * q_inv[p * k + j])
                .sum();
        }
    }
    // 3. Place each input's sorted draws in the rank order of its column of T (both orders
    //    by integer sorts of order keys: `sort_total`, `argsort_keys`).
    columns.par_iter_mut().enumerate().for_each(|(j, column)| {
        // The rows in T's rank order, ties by row. T's first column is m[0][0] times the first
        // scores, T[r, 0] = m[0][0] · base[perms[0][r]]: when that is strictly increasing in
        // the base index (checked), row r has rank perms[0][r] and no sort is needed.
        let first_known = j == 0 && base.windows(2).all(|w| m[0] * w[0] < m[0] * w[1]);
        let order: Vec<u32> = if first_known {
            let mut order = vec![0u32; n];
            for (r, &rank) in perms[0].iter().enumerate() {
                order[rank as usize] = r as u32;
            }
            order
        } else {
            let keys: Vec<u64> = (0..n)
                .map(|r| {
                    let mut t = 0.0;
                    for (l, s) in scores.iter().enumerate().take(j + 1) {
                        t += m[j * k + l] * s[r];
                    }
                    order_key(t)
                })
                .collect();
            argsort_keys(&keys)
        };
        let mut sorted = column.to_vec();
        sort_total(&mut sorted);
        for (value, &row) in sorted.iter().zip(&order) {
            column[row as usize] = *value;
        }
    });
    Ok(())
}

/// The stream of an input's score permutation in block `block` of [`impose`]: block 0 keeps
/// [`score_stream`] (the only block below 2·[`BLOCK_ROWS`] rows, as before blocks existed).
fn block_score_stream(seed: u64, name: &str, block: usize) -> u64 {
    match block {
        0 => score_stream(seed, name),
        b => stream_seed(seed, &format!("iman-conover scores: {name}: block {b}")),
    }
}

/// The stream of an input's score permutation.
fn score_stream(seed: u64, name: &str) -> u64 {
    stream_seed(seed, &format!("iman-conover scores: {name}"))
}

/// A uniformly random permutation of 0…n−1 (n ≤ 2³²) drawn from a Xoshiro256++ generator
/// seeded with `stream`: the "inside-out" Fisher–Yates shuffle, each index j uniform on 0…i
/// by Lemire's multiply-and-reject (exact: no modulo bias), one 64-bit draw per row almost
/// always. About twice as fast as `SliceRandom::shuffle` on a ChaCha8 generator here.
pub fn random_permutation(n: usize, stream: u64) -> Vec<u32> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(stream);
    let mut p = vec![0u32; n];
    for i in 0..n {
        let j = bounded(&mut rng, i as u64 + 1) as usize;
        p[i] = p[j];
        p[j] = i as u32;
    }
    p
}

/// Uniform on 0…s−1 (s ≥ 1): Lemire (2019), "Fast random integer generation in an interval".
#[inline]
fn bounded(rng: &mut Xoshiro256PlusPlus, s: u64) -> u64 {
    let mut m = u128::from(rng.next_u64()) * u128::from(s);
    if (m as u64) < s {
        let threshold = s.wrapping_neg() % s;
        while (m as u64) < threshold {
            m = u128::from(rng.next_u64()) * u128::from(s);
        }
    }
    (m >> 64) as u64
}

/// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation (relative error < 1.2e-9), plus
/// one Halley step on erfc. Hand-written: no kept crate in the tree offers it and the scores
/// need nothing more.
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.024_25;
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -inverse_normal_cdf(1.0 - p)
    }
}

/// The position of `x` in [`f64::total_cmp`]'s order as an unsigned integer: `a.total_cmp(&b)`
/// equals `order_key(a).cmp(&order_key(b))` for every pair (−NaN < −∞ < … < −0 < +0 < … < +∞
/// < NaN). Negative numbers have every bit flipped, others only the sign bit.
#[inline]
pub fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The inverse of [`order_key`].
#[inline]
pub fn from_order_key(key: u64) -> f64 {
    if key >> 63 == 1 {
        f64::from_bits(key & !(1 << 63))
    } else {
        f64::from_bits(!key)
    }
}

/// Sorts in [`f64::total_cmp`] order (the same result as `sort_by(f64::total_cmp)`) by
/// sorting the [`order_key`]s as integers, which compare faster than `total_cmp`. (An LSD
/// radix sort was tried: on the benchmark machine its scattered writes made it twice as slow
/// as the pattern-defeating quicksort of the standard library at 10⁶ values.)
pub fn sort_total(values: &mut [f64]) {
    let mut keys: Vec<u64> = values.iter().map(|&x| order_key(x)).collect();
    keys.sort_unstable();
    for (v, &k) in values.iter_mut().zip(&keys) {
        *v = from_order_key(k);
    }
}

/// The rows 0…n−1 ordered by (`keys[row]`, row): the row order of sorting (key, row) pairs.
///
/// Sorts single 64-bit words instead of 16-byte pairs (half the memory traffic): each word is
/// the key's upper 64 − b bits followed by the row in the low b bits (b = the bits of n − 1).
/// Keys that differ only in their low b bits land in one run of equal upper bits; each such
/// run is then sorted again by the full (key, row), so the result is exactly the pairs' order.
/// Runs are rare for continuous keys and hold the ties for discrete ones. Rows are numbered
/// as u32 (at most 2³² rows).
pub fn argsort_keys(keys: &[u64]) -> Vec<u32> {
    let n = keys.len();
    let bits = (usize::BITS - n.saturating_sub(1).leading_zeros()).max(1);
    let row_mask = (1u64 << bits) - 1;
    let mut packed: Vec<u64> = keys
        .iter()
        .enumerate()
        .map(|(r, &k)| (k & !row_mask) | r as u64)
        .collect();
    packed.sort_unstable();
    let mut start = 0;
    while start < n {
        let top = packed[start] & !row_mask;
        let mut end = start + 1;
        while end < n && packed[end] & !row_mask == top {
            end += 1;
        }
        if end - start > 1 {
            packed[start..end].sort_unstable_by_key(|&p| {
                let row = p & row_mask;
                (keys[row as usize], row)
            });
        }
        start = end;
    }
    packed.into_iter().map(|p| (p & row_mask) as u32).collect()
}

/// The rows of `x` in [`f64::total_cmp`] order, equal values in row order (a stable argsort),
/// each as (the value, its row). Sorts packed (key, row) words ([`argsort_keys`]).
pub fn argsort_total(x: &[f64]) -> Vec<(f64, u32)> {
    let keys: Vec<u64> = x.iter().map(|&v| order_key(v)).collect();
    argsort_keys(&keys)
        .into_iter()
        .map(|r| (x[r as usize], r))
        .collect()
}

/// Ranks 1…n, ties (equal under [`f64::total_cmp`]) sharing their average rank.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    ranks_of_sorted(&argsort_total(x))
}

/// [`ranks`] of the values whose stable argsort ([`argsort_total`]) is `idx`.
pub fn ranks_of_sorted(idx: &[(f64, u32)]) -> Vec<f64> {
    let mut out = vec![0.0; idx.len()];
    let mut start = 0;
    while start < idx.len() {
        let key = order_key(idx[start].0);
        let mut end = start + 1;
        while end < idx.len() && order_key(idx[end].0) == key {
            end += 1;
        }
        // ranks start+1 … end share their mean.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &(_, i) in &idx[start..end] {
            out[i as usize] = rank;
        }
        start = end;
    }
    out
}

/// Pearson correlation; NaN when either side is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len()) as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (da, db) = (a - mx, b - my);
        sxy += da * db;
        sxx += da * da;
        syy += db * db;
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    sxy / (sxx * syy).sqrt()
}

/// Values minus their mean, with their sum of squares: what a Pearson
/// correlation needs of one side, computed once when one side is correlated with many others
/// ([`pearson_centred`]).
pub struct Centred {
    pub values: Vec<f64>,
    pub sum_squares: f64,
}

/// [`Centred`] values of `x` (mean and sum of squares as in [`pearson`]).
pub fn centred(x: &[f64]) -> Centred {
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    let values: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let sum_squares = values.iter().map(|d| d * d).sum::<f64>();
    Centred {
        values,
        sum_squares,
    }
}

/// The Pearson correlation of two [`centred`] sides of equal length; NaN when either side is
/// constant. The cross products are summed in four interleaved partial sums (vectorised):
/// for average ranks of up to ~10⁵ values (multiples of ½, as [`ranks`] gives) every partial
/// sum is exact, so the result is [`pearson`]'s to the last bit; otherwise it may differ from
/// [`pearson`] by rounding only.
pub fn pearson_centred(x: &Centred, y: &Centred) -> f64 {
    if x.sum_squares == 0.0 || y.sum_squares == 0.0 {
        return f64::NAN;
    }
    let mut sums = [0.0; 4];
    let (xs, ys) = (x.values.chunks_exact(4), y.values.chunks_exact(4));
    let (x_tail, y_tail) = (xs.remainder(), ys.remainder());
    for (a, b) in xs.zip(ys) {
        for k in 0..4 {
            sums[k] += a[k] * b[k];
        }
    }
    let tail: f64 = x_tail.iter().zip(y_tail).map(|(a, b)| a * b).sum();
    let sxy = (sums[0] + sums[1]) + (sums[2] + sums[3]) + tail;
    sxy / (x.sum_squares * y.sum_squares).sqrt()
}

/// Spearman rank correlation (Pearson of average ranks); NaN when either side is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;

    /// The centred Pearson equals [`pearson`]: bit for bit on average ranks (exact sums), to
    /// rounding on other values, and NaN for a constant side; by hand on a small case.
    #[test]
    fn centred_pearson_equals_pearson() {
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in [2usize, 3, 7, 1000, 100_000] {
            let x: Vec<f64> = (0..n).map(|_| (next() * 50.0).floor()).collect();
            let y: Vec<f64> = x.iter().map(|v| v + (next() * 80.0).floor()).collect();
            let (rx, ry) = (ranks(&x), ranks(&y));
            let fast = pearson_centred(&centred(&rx), &centred(&ry));
            assert_eq!(fast.to_bits(), pearson(&rx, &ry).to_bits(), "n {n}");
            let (fx, fy): (Vec<f64>, Vec<f64>) = (0..n).map(|_| (next(), next() + next())).unzip();
            let fast = pearson_centred(&centred(&fx), &centred(&fy));
            assert!((fast - pearson(&fx, &fy)).abs() < 1e-12, "n {n}");
        }
        assert!(pearson_centred(&centred(&[1.0, 1.0]), &centred(&[1.0, 2.0])).is_nan());
        // By hand: x = 1, 2, 3, y = 1, 3, 2 → centred (−1, 0, 1), (−1, 1, 0): 1 / (√2 · √2).
        let r = pearson_centred(&centred(&[1.0, 2.0, 3.0]), &centred(&[1.0, 3.0, 2.0]));
        assert!((r - 0.5).abs() < 1e-15, "{r}");
    }

    /// Every permutation of 3 rows equally likely (χ² with 5 degrees of freedom over 60,000
    /// streams below 20.5, the 0.1 % critical value), each a permutation, and the same stream
    /// gives the same permutation.
    #[test]
    fn random_permutations_are_uniform_and_fixed_by_their_stream() {
        let mut counts = std::collections::BTreeMap::new();
        let draws = 60_000;
        for stream in 0..draws {
            *counts
                .entry(random_permutation(3, stream))
                .or_insert(0usize) += 1;
        }
        assert_eq!(counts.len(), 6);
        let expected = draws as f64 / 6.0;
        let chi2: f64 = counts
            .values()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 20.5, "χ² {chi2}: {counts:?}");
        let p = random_permutation(100_003, 5);
        let mut sorted = p.clone();
        sorted.sort_unstable();
        assert!(sorted.iter().enumerate().all(|(i, &v)| v as usize == i));
        assert_eq!(p, random_permutation(100_003, 5));
        assert_ne!(p, random_permutation(100_003, 6));
        assert!(random_permutation(0, 1).is_empty());
    }

    fn pair(a: &str, b: &str, rank: f64) -> Correlation {
        Correlation {
            a: a.into(),
            b: b.into(),
            rank,
            provenance: None,
            line: 1,
        }
    }

    #[test]
    fn inverse_normal_matches_known_quantiles() {
        // Φ⁻¹(0.975) = 1.959963985, Φ⁻¹(0.05) = −1.644853627, Φ⁻¹(0.001) = −3.090232306.
        assert!((inverse_normal_cdf(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((inverse_normal_cdf(0.05) + 1.644_853_627).abs() < 1e-8);
        assert!((inverse_normal_cdf(0.001) + 3.090_232_306).abs() < 1e-8);
        assert_eq!(inverse_normal_cdf(0.5), 0.0);
    }

    #[test]
    fn ranks_average_ties_and_spearman_by_hand() {
        assert_eq!(ranks(&[10.0, 20.0, 10.0, 5.0]), vec![2.5, 4.0, 2.5, 1.0]);
        // x = 1..5, y = 2 1 4 3 5: d = −1 1 −1 1 0, Σd² = 4, ρ = 1 − 6·4/(5·24) = 0.8.
        let s = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]);
        assert!((s - 0.8).abs() < 1e-12, "{s}");
    }

    #[test]
    fn cholesky_by_hand() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
        let l = cholesky(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
        assert!((l[0] - 2.0).abs() < 1e-12 && (l[2] - 1.0).abs() < 1e-12);
        assert!((l[3] - 2f64.sqrt()).abs() < 1e-12 && l[1] == 0.0);
        let inv = invert_lower(&l, 2);
        // L⁻¹ = [[1/2, 0], [−1/(2√2), 1/√2]].
        assert!((inv[2] + 1.0 / (2.0 * 2f64.sqrt())).abs() < 1e-12);
    }

    #[test]
    fn reaches_target_rank_correlations_and_keeps_marginals() {
        let n = 100_000;
        let pairs = [
            pair("x", "y", 0.6),
            pair("y", "z", -0.4),
            pair("x", "z", 0.1),
        ];
        let plan = plan(&pairs).unwrap().unwrap();
        assert_eq!(plan.names, ["x", "y", "z"]);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        use rand::RngExt;
        let original: Vec<Vec<f64>> = (0..3)
            .map(|j| {
                (0..n)
                    .map(|_| {
                        let u: f64 = rng.random();
                        // Three different marginals: uniform, exponential, squared.
                        match j {
                            0 => u,
                            1 => -(1.0 - u).ln(),
                            _ => u * u * 100.0,
                        }
                    })
                    .collect()
            })
            .collect();
        let mut cols = original.clone();
        impose(&plan, &mut cols, 42).unwrap();
        for (target, (i, j)) in [(0.6, (0, 1)), (-0.4, (1, 2)), (0.1, (0, 2))] {
            let s = spearman(&cols[i], &cols[j]);
            assert!((s - target).abs() < 0.02, "pair {i},{j}: {s} vs {target}");
        }
        for (a, b) in original.iter().zip(&cols) {
            let (mut a, mut b) = (a.clone(), b.clone());
            a.sort_by(f64::total_cmp);
            b.sort_by(f64::total_cmp);
            assert_eq!(a, b, "a column's draws changed, not only their order");
        }
        // Deterministic given the seed.
        let mut again = original.clone();
        impose(&plan, &mut again, 42).unwrap();
        assert_eq!(again, cols);
    }

    /// Several blocks (the last one longer): every block reaches the targets on its own and
    /// keeps its own draws (rows never move between blocks), so the whole sample does too; the
    /// first block is exactly the single-block result of its rows; blocks differ in order.
    #[test]
    fn blocks_each_reach_the_targets_and_keep_their_rows() {
        let n = 3 * BLOCK_ROWS + 1000;
        let pairs = [pair("x", "y", 0.6), pair("y", "z", -0.4)];
        let plan = plan(&pairs).unwrap().unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        use rand::RngExt;
        let original: Vec<Vec<f64>> = (0..3)
            .map(|j| {
                (0..n)
                    .map(|_| {
                        let u: f64 = rng.random();
                        if j == 1 {
                            -(1.0 - u).ln()
                        } else {
                            u
                        }
                    })
                    .collect()
            })
            .collect();
        let mut cols = original.clone();
        impose(&plan, &mut cols, 3).unwrap();
        let bounds = [0, BLOCK_ROWS, 2 * BLOCK_ROWS, n];
        for rows in bounds.windows(2).map(|w| w[0]..w[1]) {
            for (target, (i, j)) in [(0.6, (0, 1)), (-0.4, (1, 2))] {
                let s = spearman(&cols[i][rows.clone()], &cols[j][rows.clone()]);
                assert!(
                    (s - target).abs() < 0.02,
                    "rows {rows:?}, pair {i},{j}: {s}"
                );
            }
            for (a, b) in original.iter().zip(&cols) {
                let (mut a, mut b) = (a[rows.clone()].to_vec(), b[rows.clone()].to_vec());
                a.sort_by(f64::total_cmp);
                b.sort_by(f64::total_cmp);
                assert_eq!(a, b, "rows {rows:?} changed, not only their order");
            }
        }
        for (target, (i, j)) in [(0.6, (0, 1)), (-0.4, (1, 2))] {
            let s = spearman(&cols[i], &cols[j]);
            assert!((s - target).abs() < 0.01, "whole sample, pair {i},{j}: {s}");
        }
        let mut first: Vec<Vec<f64>> = original.iter().map(|c| c[..BLOCK_ROWS].to_vec()).collect();
        impose(&plan, &mut first, 3).unwrap();
        for (f, c) in first.iter().zip(&cols) {
            assert_eq!(f[..], c[..BLOCK_ROWS]);
        }
    }

    /// Awkward values: both zeros, infinities, NaNs of both signs, subnormals, ties.
    fn awkward_values(n: usize, seed: u64) -> Vec<f64> {
        use rand::RngExt;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let special = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::MIN_POSITIVE / 4.0,
            -f64::MIN_POSITIVE / 4.0,
            1.5,
            1.5,
            -2.0,
        ];
        (0..n)
            .map(|i| match i % 7 {
                0 => special[rng.random_range(0..special.len())],
                1 => f64::from(rng.random_range(-3i32..3)),
                _ => (rng.random::<f64>() - 0.4) * 10f64.powi(rng.random_range(-30i32..30)),
            })
            .collect()
    }

    #[test]
    fn order_key_is_total_cmp_order_and_round_trips() {
        let v = awkward_values(2000, 1);
        for a in &v {
            assert_eq!(from_order_key(order_key(*a)).to_bits(), a.to_bits());
            for b in v.iter().step_by(37) {
                assert_eq!(order_key(*a).cmp(&order_key(*b)), a.total_cmp(b), "{a} {b}");
            }
        }
    }

    #[test]
    fn key_sorts_agree_with_the_standard_sort() {
        for (n, seed) in [(0, 1), (1, 2), (255, 3), (256, 4), (5000, 5), (70_000, 6)] {
            let v = awkward_values(n, seed);
            let mut expected = v.clone();
            expected.sort_by(f64::total_cmp);
            let mut got = v.clone();
            sort_total(&mut got);
            let bits = |x: &[f64]| x.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&expected), "n = {n}");
            // Stable argsort: the standard stable sort of the row numbers by value.
            let mut rows: Vec<u32> = (0..n as u32).collect();
            rows.sort_by(|&a, &b| v[a as usize].total_cmp(&v[b as usize]));
            let got: Vec<u32> = argsort_total(&v).into_iter().map(|(_, r)| r).collect();
            assert_eq!(got, rows, "n = {n}");
        }
    }

    #[test]
    fn packed_argsort_is_the_pair_sort_even_for_keys_that_differ_in_low_bits() {
        use rand::RngExt;
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for n in [1usize, 2, 3, 1000, 65_537] {
            // Keys drawn from few high parts and random low bits: many runs of equal upper
            // bits whose order is decided by the low bits, and exact ties.
            let keys: Vec<u64> = (0..n)
                .map(|_| {
                    let high = rng.random_range(0..5u64) << 40;
                    let low = if rng.random::<f64>() < 0.3 {
                        7
                    } else {
                        rng.random_range(0..1u64 << 24)
                    };
                    high | low
                })
                .collect();
            let mut pairs: Vec<(u64, u32)> = keys
                .iter()
                .enumerate()
                .map(|(r, &k)| (k, r as u32))
                .collect();
            pairs.sort_unstable();
            let want: Vec<u32> = pairs.into_iter().map(|(_, r)| r).collect();
            assert_eq!(argsort_keys(&keys), want, "n = {n}");
        }
        assert!(argsort_keys(&[]).is_empty());
    }

    /// The first implementation of Iman–Conover (sorts by `total_cmp`, one thread), kept as the
    /// reference the faster one must match bit for bit.
    fn impose_reference(plan: &Plan, columns: &mut [Vec<f64>], seed: u64) {
        let k = plan.names.len();
        let n = columns[0].len();
        let mut base: Vec<f64> = (1..=n)
            .map(|i| inverse_normal_cdf(i as f64 / (n as f64 + 1.0)))
            .collect();
        let sd = (base.iter().map(|x| x * x).sum::<f64>() / n as f64).sqrt();
        base.iter_mut().for_each(|x| *x /= sd);
        // The same score permutations (`random_permutation` is tested on its own).
        let scores: Vec<Vec<f64>> = plan
            .names
            .iter()
            .map(|name| {
                random_permutation(n, score_stream(seed, name))
                    .into_iter()
                    .map(|i| base[i as usize])
                    .collect()
            })
            .collect();
        let mut e = identity(k);
        for i in 0..k {
            for j in i + 1..k {
                let d = scores[i]
                    .iter()
                    .zip(&scores[j])
                    .map(|(a, b)| a * b)
                    .sum::<f64>()
                    / n as f64;
                e[i * k + j] = d;
                e[j * k + i] = d;
            }
        }
        let q_inv = invert_lower(&cholesky(&e, k).unwrap(), k);
        let mut m = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                m[i * k + j] = (0..k)
                    .map(|p| plan.chol[i * k + p] * q_inv[p * k + j])
                    .sum();
            }
        }
        for (j, column) in columns.iter_mut().enumerate() {
            let mut keyed: Vec<(f64, u32)> = (0..n)
                .map(|r| {
                    let mut t = 0.0;
                    for (l, s) in scores.iter().enumerate().take(j + 1) {
                        t += m[j * k + l] * s[r];
                    }
                    (t, r as u32)
                })
                .collect();
            keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let mut sorted = column.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            for (value, &(_, row)) in sorted.iter().zip(&keyed) {
                column[row as usize] = *value;
            }
        }
    }

    #[test]
    fn iman_conover_matches_the_first_implementation() {
        use rand::RngExt;
        let n = 30_000;
        let pairs = [
            pair("a", "b", 0.5),
            pair("b", "c", -0.3),
            pair("c", "d", 0.7),
            pair("a", "d", 0.2),
        ];
        let plan = plan(&pairs).unwrap().unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        // Column b has heavy ties (a discrete input), d a mix of signs and zeros.
        let original: Vec<Vec<f64>> = (0..4)
            .map(|j| {
                (0..n)
                    .map(|_| match j {
                        1 => f64::from(rng.random_range(0..4i32)),
                        3 => (rng.random::<f64>() - 0.5).max(0.0) - 0.1,
                        _ => rng.random::<f64>().ln(),
                    })
                    .collect()
            })
            .collect();
        let mut fast = original.clone();
        impose(&plan, &mut fast, 5).unwrap();
        let mut reference = original.clone();
        impose_reference(&plan, &mut reference, 5);
        assert_eq!(fast, reference);
    }

    /// Pairs split into their connected groups, in the order of each group's first pair;
    /// an infeasible group's error names the pair by its index among all pairs.
    #[test]
    fn plans_split_pairs_into_connected_groups() {
        let pairs = [
            pair("a", "b", 0.3),
            pair("d", "e", 0.2),
            pair("c", "b", -0.1),
            pair("f", "g", 0.5),
            pair("e", "a", 0.1),
        ];
        let groups = plans(&pairs).unwrap();
        let names: Vec<Vec<&str>> = groups
            .iter()
            .map(|p| p.names.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(names, [vec!["a", "b", "d", "e", "c"], vec!["f", "g"]]);
        // The group's plan equals the plan of its pairs alone.
        let alone = plan(&[
            pairs[0].clone(),
            pairs[1].clone(),
            pairs[2].clone(),
            pairs[4].clone(),
        ]);
        assert_eq!(groups[0], alone.unwrap().unwrap());
        assert!(plans(&[]).unwrap().is_empty());
        let bad = [
            pair("p", "q", 0.2),
            pair("x", "y", 0.9),
            pair("y", "z", 0.9),
            pair("x", "z", -0.9),
        ];
        let e = plans(&bad).unwrap_err();
        assert_eq!(e.pair, 3);
        assert!(e.message.contains("`x`–`z` = -0.9"), "{}", e.message);
    }

    #[test]
    fn infeasible_matrix_names_the_pair() {
        // x~y 0.9, y~z 0.9, x~z −0.9 cannot hold together.
        let pairs = [
            pair("x", "y", 0.9),
            pair("y", "z", 0.9),
            pair("x", "z", -0.9),
        ];
        let e = plan(&pairs).unwrap_err();
        assert_eq!(e.pair, 2);
        assert!(e.message.contains("`x`–`z` = -0.9"), "{}", e.message);
        assert!(e.message.contains("not positive definite"), "{}", e.message);
    }
}
