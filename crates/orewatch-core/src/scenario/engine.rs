//! Monte Carlo evaluation of a scenario and the summary of each output.
//!
//! Reproducibility: each random input draws from its OWN stream, seeded from the run's seed
//! and the variable's name (FNV-1a of the name mixed with the seed by SplitMix64). A
//! distribution's stream is chunked: draws c·65,536 … (c+1)·65,536 − 1 come from a Xoshiro256++
//! generator seeded from the stream and c ([`chunk_rng`]), so chunks are drawn in parallel and
//! the draws do not depend on the number of threads; a data link's resolved distribution is
//! drawn the same way from its own stream. Adding, removing or reordering other variables
//! leaves a variable's draws unchanged, and two scenarios run with the same seed share common
//! random numbers for the inputs they have in common — so comparisons between scenarios are
//! paired.
//!
//! Rank correlations between inputs (`[[correlations]]`) are then imposed by Iman–Conover
//! ([`super::correlate`]): the inputs' draws are reordered, never changed.
//!
//! Inputs are sampled in parallel (rayon, one task per variable and chunk: results do not
//! depend on the number of threads); expressions are then evaluated in dependency order,
//! vectorised over blocks of draws. A run that keeps every variable ([`Keep::All`]) holds each
//! input and expression variable as a whole column; a run that keeps only the outputs and a
//! prefix of the inputs ([`Keep::InputPrefix`], the CLI's `scenario run` and `compare`) draws
//! and evaluates stream chunk by stream chunk in small reused buffers instead — the same
//! outputs, bit for bit, in a fraction of the memory (at 10⁶ draws most of a run's time was
//! the kernel handing out fresh pages for columns used once).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::correlate::{self, from_order_key, order_key};
use super::dist::ChunkSampler;
use super::expr::{Bound, Expr, Scratch, CHUNK};
use super::model::{Aspect, Direction, Kind, Model, Variable};

/// Turns a data-linked input (`data = "exposure.fatalities(…)"`) into a distribution.
pub trait DataLinks: Sync {
    /// The link's distribution, drawn from the input's own chunked stream like any other
    /// input's. An unknown or unavailable link is an error that says what is available.
    fn sampler(&self, link: &str) -> Result<ChunkSampler, String>;
}

/// No data: every link is an error.
pub struct NoData;

impl DataLinks for NoData {
    fn sampler(&self, link: &str) -> Result<ChunkSampler, String> {
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

/// The draws of a run: every output's `n` draws, and the variables' draws that the run kept
/// ([`Keep`]).
#[derive(Debug, Clone)]
pub struct Draws {
    pub n: usize,
    pub seed: u64,
    /// [`Keep::All`]: every variable's `n` draws. [`Keep::InputPrefix`]: the first draws of
    /// each random input (distribution or data link) only.
    pub variables: BTreeMap<String, Vec<f64>>,
    pub outputs: BTreeMap<String, Vec<f64>>,
}

/// Which variables' draws a run keeps besides the outputs. Either way the outputs (and any
/// kept draws) are the same, bit for bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every variable's `n` draws (inputs and expressions), each a whole column.
    All,
    /// The first `rows` draws of each random input (for sensitivity on a prefix, see
    /// [`super::sensitivity`]), no expression variable. Inputs are then drawn (and
    /// correlated) and evaluated block by block, never held whole: a million-draw run
    /// touches a fraction of the memory (the outputs and the prefixes), and the kernel's
    /// handing out of fresh pages was most of its time.
    InputPrefix(usize),
}

/// The most draws of one run.
pub const MAX_DRAWS: usize = 10_000_000;
/// The most values a run may hold (draws × kept columns): 2 GiB of `f64`.
pub const MAX_HELD_VALUES: usize = 1 << 28;

/// Checks the size of a run before anything is drawn: 2 ≤ `n` ≤ [`MAX_DRAWS`], and the
/// columns `keep` holds (every output's `n` draws, plus each variable's `n` draws with
/// [`Keep::All`] or each random input's first rows with [`Keep::InputPrefix`]) at most
/// [`MAX_HELD_VALUES`] values.
pub fn check_run_size(model: &Model, n: usize, keep: Keep) -> Result<(), RunError> {
    let fail = |message: String| run_error(model, 1, "draws", message);
    if !(2..=MAX_DRAWS).contains(&n) {
        return Err(fail(format!(
            "{n} draws: expected from 2 to {MAX_DRAWS} draws"
        )));
    }
    let inputs = model
        .variables
        .iter()
        .filter(|v| !matches!(v.kind, Kind::Expr(_)))
        .count();
    let held = match keep {
        Keep::All => (model.variables.len() + model.outputs.len()).saturating_mul(n),
        Keep::InputPrefix(rows) => model
            .outputs
            .len()
            .saturating_mul(n)
            .saturating_add(inputs.saturating_mul(rows.min(n))),
    };
    if held > MAX_HELD_VALUES {
        return Err(fail(format!(
            "{n} draws would hold {held} values ({:.1} GiB), more than the limit of {MAX_HELD_VALUES} (2 GiB): use fewer draws",
            held as f64 * 8.0 / f64::from(1u32 << 30)
        )));
    }
    Ok(())
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

/// A [`RunError`] in `model`'s file.
fn run_error(model: &Model, line: usize, name: &str, message: String) -> RunError {
    RunError {
        file: model.file.clone(),
        line,
        name: name.to_string(),
        message,
    }
}

/// Wall-clock time of each stage of [`simulate_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Resolving the data links and, with [`Keep::All`], drawing every random input whole.
    pub sample: Duration,
    /// Imposing the rank correlations (Iman–Conover) on whole columns ([`Keep::All`]; zero
    /// with [`Keep::InputPrefix`], which imposes them block by block while evaluating).
    pub correlate: Duration,
    /// Evaluating the expressions and outputs (with [`Keep::InputPrefix`], drawing the other
    /// inputs and imposing the correlations block by block too).
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
    simulate_with(model, n, seed, data, Keep::All)
}

/// Draws `n` samples of every output, keeping the variables' draws that `keep` says, with the
/// time each stage took.
pub fn simulate_with(
    model: &Model,
    n: usize,
    seed: u64,
    data: &dyn DataLinks,
    keep: Keep,
) -> Result<(Draws, Timings), RunError> {
    check_run_size(model, n, keep)?;
    let fail = |line: usize, name: &str, message: String| run_error(model, line, name, message);
    let plans = correlate::plans(&model.correlations)
        .map_err(|e| fail(model.correlations[e.pair].line, "correlations", e.message))?;
    let mut timings = Timings::default();
    let started = Instant::now();
    // Every random input with its stream and sampler (data links resolved, in parallel).
    let inputs: Vec<Input> = model
        .variables
        .par_iter()
        .filter_map(|v| {
            let sampler = match &v.kind {
                Kind::Dist { dist, lower, upper } => dist.chunk_sampler(*lower, *upper),
                Kind::Data(link) => data.sampler(link),
                Kind::Expr(_) => return None,
            };
            Some(
                sampler
                    .map(|s| (v, stream_seed(seed, &v.name), s))
                    .map_err(|m| fail(v.line, &v.name, m)),
            )
        })
        .collect::<Result<_, _>>()?;
    // With `Keep::All` every input is drawn whole here; block by block, inside the evaluation.
    let mut values: Columns = if keep == Keep::All {
        inputs
            .par_iter()
            .map(|(v, stream, sampler)| {
                sampler
                    .sample_chunked(*stream, n)
                    .map(|d| (v.name.clone(), d))
                    .map_err(|m| fail(v.line, &v.name, m))
            })
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .collect()
    } else {
        Columns::new()
    };
    timings.sample = started.elapsed();
    let (variables, outputs) = match keep {
        Keep::All => {
            let started = Instant::now();
            // Each group of linked inputs is imposed on its own columns: the groups run in
            // parallel.
            let mut groups: Vec<(correlate::Plan, Vec<Vec<f64>>)> = plans
                .into_iter()
                .map(|plan| {
                    let columns = plan
                        .names
                        .iter()
                        .map(|name| values.remove(name).unwrap_or_default())
                        .collect();
                    (plan, columns)
                })
                .collect();
            groups
                .par_iter_mut()
                .try_for_each(|(plan, columns)| correlate::impose(plan, columns, seed))
                .map_err(|m| fail(0, "correlations", m))?;
            for (plan, columns) in groups {
                for (name, column) in plan.names.into_iter().zip(columns) {
                    values.insert(name, column);
                }
            }
            timings.correlate = started.elapsed();
            let started = Instant::now();
            let evaluated = evaluate(model, values, n)?;
            timings.evaluate = started.elapsed();
            evaluated
        }
        Keep::InputPrefix(rows) => {
            let started = Instant::now();
            let evaluated = evaluate_blocks(model, inputs, &plans, n, seed, rows)?;
            timings.evaluate = started.elapsed();
            evaluated
        }
    };
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
    let fail = |line: usize, name: &str, message: String| run_error(model, line, name, message);
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

/// A random input (distribution or data link) with its stream and sampler.
type Input<'a> = (&'a Variable, u64, ChunkSampler);

/// Where a name's values come from in [`evaluate_blocks`].
enum Source {
    /// The `i`-th input drawn block by block.
    Drawn(usize),
    /// The `i`-th correlated input, drawn and reordered Iman–Conover block by block.
    Grouped(usize),
    /// The scenario's duration in years (a constant).
    Duration,
    /// The `i`-th expression variable, evaluated for the block.
    Derived(usize),
}

/// One Iman–Conover block's share of the columns [`evaluate_blocks`] writes: each output's
/// rows and each random input's kept rows (empty past the kept prefix).
struct BlockColumns<'a> {
    outputs: Vec<&'a mut [f64]>,
    kept_drawn: Vec<&'a mut [f64]>,
    kept_grouped: Vec<&'a mut [f64]>,
}

/// Per-thread buffers of [`evaluate_blocks`].
struct BlockBuffers {
    /// One block of each block-drawn input.
    drawn: Vec<Vec<f64>>,
    /// One Iman–Conover block of each correlated input.
    grouped: Vec<Vec<f64>>,
    /// One block of each expression variable.
    derived: Vec<Vec<f64>>,
    duration: Vec<f64>,
    scratch: Scratch,
}

/// `column` cut at the ends of `blocks` (consecutive ranges from 0); blocks past the
/// column's end get empty slices.
fn split_by_blocks<'a>(
    column: &'a mut [f64],
    blocks: &[std::ops::Range<usize>],
) -> Vec<&'a mut [f64]> {
    let mut rest = column;
    blocks
        .iter()
        .map(|rows| {
            let len = rows.len().min(rest.len());
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
            rest = tail;
            head
        })
        .collect()
}

/// The outputs over `n` rows, evaluated Iman–Conover block by block ([`correlate::blocks`]:
/// one or two whole stream chunks of [`STREAM_CHUNK`] rows, in parallel), and within a block
/// stream chunk by stream chunk and sub-block by sub-block ([`CHUNK`] rows). For each block,
/// the correlated inputs (`plans`) are drawn for its rows (from their chunks' generators) and
/// reordered by [`correlate::impose_block`] — what [`correlate::impose`] does to that block
/// of whole columns; then for each sub-block the other inputs draw their next values from
/// their chunk's generator (the draws of [`ChunkSampler::sample_chunked`]), and the
/// expression variables and outputs are evaluated. Every input's and expression variable's
/// values are held in reused buffers (an Iman–Conover block of each correlated input, a
/// sub-block of the others: a few MiB in all), so no column but the outputs and the kept
/// prefixes is ever allocated. Every row gets the floating-point operations of
/// [`evaluate`], so the outputs are the same bits. Returns the first `kept_rows` draws of
/// every random input, and the outputs.
fn evaluate_blocks(
    model: &Model,
    inputs: Vec<Input>,
    plans: &[correlate::Plan],
    n: usize,
    seed: u64,
    kept_rows: usize,
) -> Result<(Columns, Columns), RunError> {
    const _: () = assert!(correlate::BLOCK_ROWS.is_multiple_of(STREAM_CHUNK));
    let fail = |line: usize, name: &str, message: String| run_error(model, line, name, message);
    // The correlated inputs ("members"), plan after plan, each plan's names in its order.
    let grouped_names: Vec<&str> = plans
        .iter()
        .flat_map(|p| &p.names)
        .map(String::as_str)
        .collect();
    let grouped_index: BTreeMap<&str, usize> = grouped_names
        .iter()
        .enumerate()
        .map(|(i, name)| (*name, i))
        .collect();
    let mut members: Vec<Option<Input>> = grouped_names.iter().map(|_| None).collect();
    // Every name's source; the other random inputs are drawn block by block.
    let mut sources: BTreeMap<&str, Source> = BTreeMap::new();
    let mut drawn: Vec<Input> = Vec::new();
    sources.insert("duration", Source::Duration);
    for input in inputs {
        let name = input.0.name.as_str();
        match grouped_index.get(name) {
            Some(&i) => {
                sources.insert(name, Source::Grouped(i));
                members[i] = Some(input);
            }
            None => {
                sources.insert(name, Source::Drawn(drawn.len()));
                drawn.push(input);
            }
        }
    }
    let mut derived: Vec<(&Variable, &Expr)> = Vec::new();
    for v in &model.variables {
        if let Kind::Expr(e) = &v.kind {
            sources.insert(&v.name, Source::Derived(derived.len()));
            derived.push((v, e));
        }
    }
    let members: Vec<Input> = members
        .into_iter()
        .zip(&grouped_names)
        .map(|(m, name)| {
            m.ok_or_else(|| {
                fail(
                    0,
                    name,
                    "internal: a correlated input is not an input".into(),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    // Each plan's members: a range of `members`.
    let plan_members: Vec<std::ops::Range<usize>> = plans
        .iter()
        .scan(0, |start, p| {
            let range = *start..*start + p.names.len();
            *start = range.end;
            Some(range)
        })
        .collect();
    // Slots of the block environment: the sources in name order, then the expression
    // variables in evaluation order (each sees only those before it).
    let leaves: Vec<(&str, &Source)> = sources
        .iter()
        .filter(|(_, s)| !matches!(s, Source::Derived(_)))
        .map(|(name, s)| (*name, s))
        .collect();
    let slot_of = |name: &str, visible_derived: usize| -> Result<usize, String> {
        match sources.get(name) {
            Some(Source::Derived(i)) if *i < visible_derived => Ok(leaves.len() + i),
            Some(Source::Derived(_)) | None => Err(format!("unknown name `{name}`")),
            Some(_) => Ok(leaves
                .iter()
                .position(|(n, _)| *n == name)
                .expect("every leaf source is in `leaves`")),
        }
    };
    let derived_bound: Vec<Bound> = derived
        .iter()
        .enumerate()
        .map(|(i, (v, e))| {
            e.bind(&mut |name| slot_of(name, i))
                .map_err(|m| fail(v.line, &v.name, m))
        })
        .collect::<Result<_, _>>()?;
    let outputs_bound: Vec<Bound> = model
        .outputs
        .iter()
        .map(|o| {
            o.expr
                .bind(&mut |name| slot_of(name, derived.len()))
                .map_err(|m| fail(o.line, &o.name, m))
        })
        .collect::<Result<_, _>>()?;

    // The columns written: outputs whole, each random input's kept prefix; split by
    // Iman–Conover block so that blocks are filled in parallel.
    let kept_rows = kept_rows.min(n);
    let blocks = correlate::blocks(n);
    let mut outputs: Vec<Vec<f64>> = model.outputs.iter().map(|_| vec![0.0; n]).collect();
    let mut kept_drawn: Vec<Vec<f64>> = drawn.iter().map(|_| vec![0.0; kept_rows]).collect();
    let mut kept_grouped: Vec<Vec<f64>> = members.iter().map(|_| vec![0.0; kept_rows]).collect();
    let mut per_block: Vec<BlockColumns> = blocks
        .iter()
        .map(|_| BlockColumns {
            outputs: Vec::with_capacity(outputs.len()),
            kept_drawn: Vec::with_capacity(kept_drawn.len()),
            kept_grouped: Vec::with_capacity(kept_grouped.len()),
        })
        .collect();
    for column in &mut outputs {
        for (b, part) in split_by_blocks(column, &blocks).into_iter().enumerate() {
            per_block[b].outputs.push(part);
        }
    }
    for column in &mut kept_drawn {
        for (b, part) in split_by_blocks(column, &blocks).into_iter().enumerate() {
            per_block[b].kept_drawn.push(part);
        }
    }
    for column in &mut kept_grouped {
        for (b, part) in split_by_blocks(column, &blocks).into_iter().enumerate() {
            per_block[b].kept_grouped.push(part);
        }
    }

    let block_scores = if plans.is_empty() {
        correlate::BlockScores::new(&[])
    } else {
        correlate::BlockScores::new(&blocks)
    };
    let duration = model.meta.duration_years;
    // One task per block, so that the threads share them out as they come free; from the
    // last block, which may be twice as long, so that it does not end the run alone.
    per_block
        .into_par_iter()
        .enumerate()
        .rev()
        .with_max_len(1)
        .try_for_each_init(
            || BlockBuffers {
                drawn: drawn.iter().map(|_| vec![0.0; CHUNK]).collect(),
                grouped: members.iter().map(|_| Vec::new()).collect(),
                derived: derived.iter().map(|_| vec![0.0; CHUNK]).collect(),
                duration: vec![duration; CHUNK],
                scratch: Scratch::default(),
            },
            |buffers, (b, columns)| {
                let block = blocks[b].clone();
                let BlockColumns {
                    mut outputs,
                    mut kept_drawn,
                    mut kept_grouped,
                } = columns;
                // The correlated inputs' rows of this block, reordered.
                for ((v, stream, sampler), values) in members.iter().zip(&mut buffers.grouped) {
                    values.resize(block.len(), 0.0);
                    for (i, part) in values.chunks_mut(STREAM_CHUNK).enumerate() {
                        sampler
                            .fill_chunk(*stream, block.start / STREAM_CHUNK + i, part)
                            .map_err(|m| fail(v.line, &v.name, m))?;
                    }
                }
                for (plan, range) in plans.iter().zip(&plan_members) {
                    let mut columns: Vec<&mut [f64]> = buffers.grouped[range.clone()]
                        .iter_mut()
                        .map(Vec::as_mut_slice)
                        .collect();
                    correlate::impose_block(plan, &mut columns, seed, b, &block_scores)
                        .map_err(|m| fail(0, "correlations", m))?;
                }
                for (values, kept) in buffers.grouped.iter().zip(&mut kept_grouped) {
                    kept.copy_from_slice(&values[..kept.len()]);
                }
                // Stream chunk by stream chunk, sub-block by sub-block: draw the other inputs,
                // evaluate.
                for chunk_start in (0..block.len()).step_by(STREAM_CHUNK) {
                    let c = (block.start + chunk_start) / STREAM_CHUNK;
                    let len = STREAM_CHUNK.min(block.len() - chunk_start);
                    let mut generators: Vec<_> = drawn
                        .iter()
                        .map(|(_, stream, _)| chunk_rng(*stream, c))
                        .collect();
                    for sub in (chunk_start..chunk_start + len).step_by(CHUNK) {
                        // Rows of the sub-block, relative to the block.
                        let rows = sub..sub + CHUNK.min(chunk_start + len - sub);
                        for ((((v, _, sampler), rng), buffer), kept) in drawn
                            .iter()
                            .zip(&mut generators)
                            .zip(&mut buffers.drawn)
                            .zip(&mut kept_drawn)
                        {
                            let values = &mut buffer[..rows.len()];
                            sampler
                                .fill_from(rng, values)
                                .map_err(|m| fail(v.line, &v.name, m))?;
                            let kept_end = kept.len().min(rows.end);
                            if rows.start < kept_end {
                                kept[rows.start..kept_end]
                                    .copy_from_slice(&values[..kept_end - rows.start]);
                            }
                        }
                        let mut env: Vec<&[f64]> = leaves
                            .iter()
                            .map(|(_, source)| match source {
                                Source::Drawn(i) => &buffers.drawn[*i][..rows.len()],
                                Source::Grouped(i) => &buffers.grouped[*i][rows.clone()],
                                Source::Duration => &buffers.duration[..rows.len()],
                                Source::Derived(_) => unreachable!("not a leaf"),
                            })
                            .collect();
                        let mut free: &mut [Vec<f64>] = &mut buffers.derived;
                        for bound in &derived_bound {
                            let (values, rest) =
                                free.split_first_mut().expect("one buffer per variable");
                            free = rest;
                            let values = &mut values[..rows.len()];
                            bound.eval_into(&env, values, &mut buffers.scratch);
                            env.push(values);
                        }
                        for (bound, column) in outputs_bound.iter().zip(&mut outputs) {
                            bound.eval_into(&env, &mut column[rows.clone()], &mut buffers.scratch);
                        }
                    }
                }
                Ok(())
            },
        )?;

    let variables = drawn
        .iter()
        .map(|(v, _, _)| v.name.clone())
        .zip(kept_drawn)
        .chain(
            members
                .iter()
                .map(|(v, _, _)| v.name.clone())
                .zip(kept_grouped),
        )
        .collect();
    let outputs = model
        .outputs
        .iter()
        .map(|o| o.name.clone())
        .zip(outputs)
        .collect();
    Ok((variables, outputs))
}

/// Summary statistics of one set of draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    #[serde(with = "crate::assess::nan_as_null")]
    pub mean: f64,
    #[serde(with = "crate::assess::nan_as_null")]
    pub sd: f64,
    #[serde(with = "crate::assess::nan_as_null")]
    pub p5: f64,
    #[serde(with = "crate::assess::nan_as_null")]
    pub median: f64,
    #[serde(with = "crate::assess::nan_as_null")]
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
/// the count of NaN draws. The quantiles are the sorted order statistics, found without a
/// full sort ([`Brackets`]). Everything is computed in one parallel pass over
/// pieces of [`SUMMARY_PIECE`] draws: each piece's count, mean and sum of squared deviations
/// (two passes over the piece while it is in cache) and its keys against the quantiles'
/// brackets; the pieces' moments are merged in piece order (Chan, Golub & LeVeque 1979), so
/// the result is the same bits on any number of threads (the last digits of mean and sd,
/// ~1e-12 relative, can differ from versions that summed in draw order).
pub fn summarise(draws: &[f64]) -> Summary {
    summarise_with(draws, &mut Vec::new())
}

/// [`summarise`] with a reusable buffer for the keys of the fallback selection (one per
/// thread in [`results`]).
fn summarise_with(draws: &[f64], keys: &mut Vec<u64>) -> Summary {
    const QS: [f64; 3] = [0.05, 0.5, 0.95];
    let brackets = (draws.len() >= BRACKET_MIN_VALUES).then(|| Brackets::new(draws, QS));
    let pieces: Vec<(Moments, Option<BracketCounts<3>>)> = draws
        .par_chunks(SUMMARY_PIECE)
        .map(|piece| {
            let counts = brackets.as_ref().map(|b| b.count(piece));
            (Moments::of(piece), counts)
        })
        .collect();
    let mut moments = Moments::default();
    let mut counts = BracketCounts::default();
    for (piece_moments, piece_counts) in pieces {
        moments = moments.merge(piece_moments);
        if let Some(c) = piece_counts {
            counts.add(c);
        }
    }
    let nan_draws = draws.len() - moments.n;
    let [p5, median, p95] = match &brackets {
        Some(b) if moments.n >= BRACKET_MIN_VALUES => b.quantiles(draws, moments.n, counts, keys),
        _ => {
            all_keys(draws, keys);
            quantiles_of_keys(keys, QS)
        }
    };
    let n = moments.n as f64;
    Summary {
        mean: if moments.n == 0 {
            f64::NAN
        } else {
            moments.mean
        },
        sd: (moments.m2 / (n - 1.0).max(1.0)).sqrt(),
        p5,
        median,
        p95,
        nan_draws,
    }
}

/// Count, mean and sum of squared deviations from the mean of the non-NaN values of a piece.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: usize,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// Two passes over the piece: the mean, then the squared deviations from it.
    fn of(piece: &[f64]) -> Moments {
        let valid = piece.iter().filter(|x| !x.is_nan());
        let n = valid.clone().count();
        if n == 0 {
            return Moments::default();
        }
        let mean = valid.clone().sum::<f64>() / n as f64;
        let m2 = valid.map(|x| (x - mean).powi(2)).sum();
        Moments { n, mean, m2 }
    }

    /// The moments of two pieces together (Chan, Golub & LeVeque 1979).
    fn merge(self, other: Moments) -> Moments {
        if self.n == 0 {
            return other;
        }
        if other.n == 0 {
            return self;
        }
        let n = self.n + other.n;
        let (a, b) = (self.n as f64, other.n as f64);
        let delta = other.mean - self.mean;
        Moments {
            n,
            mean: self.mean + delta * b / n as f64,
            m2: self.m2 + other.m2 + delta * delta * a * b / n as f64,
        }
    }
}

/// Draws per parallel task of [`summarise`] (fixed, so that the result does not depend on
/// the number of threads).
const SUMMARY_PIECE: usize = 1 << 16;

/// Values below which the quantiles are selected over every key instead of [`Brackets`].
const BRACKET_MIN_VALUES: usize = 1 << 16;

/// Keys sampled by [`Brackets::new`] to bracket each quantile.
const BRACKET_SAMPLE: usize = 8192;

/// Every non-NaN draw's [`order_key`], into `work`.
fn all_keys(draws: &[f64], work: &mut Vec<u64>) {
    work.clear();
    work.extend(draws.iter().filter(|x| !x.is_nan()).map(|&x| order_key(x)));
}

/// For each quantile, an interval of keys [low, high] that very probably holds its order
/// statistics — quantiles in about one pass (Floyd–Rivest's idea): a strided sample of
/// [`BRACKET_SAMPLE`] keys, sorted, brackets each quantile's order statistics between two
/// sample keys ±4 standard deviations of the sample rank apart; one pass counts the keys
/// below each bracket and collects the keys inside it (a few percent of them); the order
/// statistics are then selected among those. When a bracket turns out not to hold its order
/// statistics (improbable; possible for any input) that quantile falls back to selection over
/// every key — so the result is always the exact order statistics, and only the time depends
/// on the sample.
struct Brackets<const K: usize> {
    qs: [f64; K],
    bounds: [(u64, u64); K],
}

/// Per quantile: the keys below its bracket (a count) and inside it (the keys).
struct BracketCounts<const K: usize> {
    below: [usize; K],
    inside: [Vec<u64>; K],
}

impl<const K: usize> Default for BracketCounts<K> {
    fn default() -> Self {
        BracketCounts {
            below: [0; K],
            inside: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl<const K: usize> BracketCounts<K> {
    /// Adds another piece's counts (the keys inside a bracket are only selected among, so
    /// the order they are collected in does not matter).
    fn add(&mut self, other: BracketCounts<K>) {
        for (j, inside) in other.inside.into_iter().enumerate() {
            self.below[j] += other.below[j];
            self.inside[j].extend(inside);
        }
    }
}

impl<const K: usize> Brackets<K> {
    /// From a strided sample of [`BRACKET_SAMPLE`] keys, sorted: each quantile's sample
    /// position ±4 standard deviations of the sample rank (+8). With no number in the sample,
    /// every key is inside.
    fn new(draws: &[f64], qs: [f64; K]) -> Brackets<K> {
        let mut sample: Vec<u64> = (0..BRACKET_SAMPLE)
            .map(|i| draws[i * draws.len() / BRACKET_SAMPLE])
            .filter(|x| !x.is_nan())
            .map(order_key)
            .collect();
        sample.sort_unstable();
        let m = sample.len();
        let bounds = std::array::from_fn(|j| {
            if m == 0 {
                return (0, u64::MAX);
            }
            let q = qs[j].clamp(0.0, 1.0);
            let centre = q * (m - 1) as f64;
            let margin = 4.0 * (m as f64 * q * (1.0 - q)).sqrt() + 8.0;
            let low = centre - margin;
            let high = centre + margin + 1.0;
            (
                if low < 0.0 { 0 } else { sample[low as usize] },
                if high >= (m - 1) as f64 {
                    u64::MAX
                } else {
                    sample[high as usize]
                },
            )
        });
        Brackets { qs, bounds }
    }

    /// One piece's keys against the brackets.
    fn count(&self, piece: &[f64]) -> BracketCounts<K> {
        let mut counts = BracketCounts::default();
        for &x in piece {
            if x.is_nan() {
                continue;
            }
            let key = order_key(x);
            for j in 0..K {
                let (low, high) = self.bounds[j];
                counts.below[j] += usize::from(key < low);
                if key >= low && key <= high {
                    counts.inside[j].push(key);
                }
            }
        }
        counts
    }

    /// The quantiles from the counts of every piece of `draws` (`valid` non-NaN draws): each
    /// quantile's order statistics selected among its bracket's keys, or — when the bracket
    /// does not hold them — among every key (built once into `work`).
    fn quantiles(
        &self,
        draws: &[f64],
        valid: usize,
        mut counts: BracketCounts<K>,
        work: &mut Vec<u64>,
    ) -> [f64; K] {
        let last = valid - 1;
        let mut out = [f64::NAN; K];
        // Every key, built at the first fallback (selections only reorder it).
        let mut all_built = false;
        for (j, o) in out.iter_mut().enumerate() {
            let h = last as f64 * self.qs[j];
            let lo = (h.floor() as usize).min(last);
            let hi = (h.ceil() as usize).min(last);
            // Order statistics `lo` (the `at`-th of `keys`) and `hi` (= lo or lo + 1).
            let select = |keys: &mut [u64], at: usize| {
                let (_, x, after) = keys.select_nth_unstable(at);
                let lo_key = *x;
                let hi_key = if hi == lo {
                    lo_key
                } else {
                    after.iter().copied().min().unwrap_or(lo_key)
                };
                (lo_key, hi_key)
            };
            let below = counts.below[j];
            let keys = &mut counts.inside[j];
            let held = |rank: usize| rank >= below && rank - below < keys.len();
            let (lo_key, hi_key) = if held(lo) && held(hi) {
                select(keys, lo - below)
            } else {
                if !all_built {
                    all_keys(draws, work);
                    all_built = true;
                }
                select(work, lo)
            };
            let (lo_value, hi_value) = (from_order_key(lo_key), from_order_key(hi_key));
            *o = lo_value + (h - lo as f64) * (hi_value - lo_value);
        }
        out
    }
}

/// The quantiles `qs` (ascending, 0–1) of the non-NaN values of `draws` as
/// [`quantile_sorted`] gives them on the sorted values, by [`Brackets`] (what [`summarise`]
/// does within its one pass; here for the tests). `valid` is the number of non-NaN draws;
/// `work` is a reusable buffer.
#[cfg(test)]
fn quantiles_bracketed<const K: usize>(
    draws: &[f64],
    valid: usize,
    qs: [f64; K],
    work: &mut Vec<u64>,
) -> [f64; K] {
    if valid < BRACKET_MIN_VALUES {
        all_keys(draws, work);
        return quantiles_of_keys(work, qs);
    }
    let brackets = Brackets::new(draws, qs);
    let mut counts = BracketCounts::default();
    for piece in draws.chunks(SUMMARY_PIECE) {
        counts.add(brackets.count(piece));
    }
    brackets.quantiles(draws, valid, counts, work)
}

/// The quantiles `qs` (ascending, 0–1) of the values whose [`order_key`]s are `v`, as
/// [`quantile_sorted`] gives them on the sorted values, found by selection; `v` is reordered
/// (integer comparisons are faster than `total_cmp`; the order is the same, so the order
/// statistics are the same values). Each quantile needs the order statistics ⌊h⌋ and ⌈h⌉
/// (h = (len − 1)·q): ⌊h⌋ by `select_nth_unstable` on the part of `v` not yet partitioned,
/// ⌈h⌉ = ⌊h⌋ + 1 as the least key after it.
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
    let (valid, above) = draws
        .par_chunks(SUMMARY_PIECE)
        .map(|piece| {
            let valid = piece.iter().filter(|x| !x.is_nan()).count();
            (valid, piece.iter().filter(|&&x| x > threshold).count())
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    above as f64 / valid.max(1) as f64
}

/// One output's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    use crate::scenario::links::LinkDist;
    use crate::scenario::model::parse_model;
    use crate::scenario::sensitivity::sensitivity;
    use rand::RngExt;
    use rand_chacha::ChaCha8Rng;

    fn keys_of(v: &[f64]) -> Vec<u64> {
        v.iter().map(|&x| order_key(x)).collect()
    }

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
            let got = quantiles_of_keys(&mut keys_of(&v), qs);
            for (q, g) in qs.iter().zip(got) {
                let want = quantile_sorted(&sorted, *q);
                assert_eq!(g.to_bits(), want.to_bits(), "n {n} q {q}: {g} vs {want}");
            }
        }
        assert!(quantiles_of_keys(&mut [], [0.5])[0].is_nan());
        // By hand: 1..=10, q = 0.05 → h = 0.45 → 1 + 0.45 · (2 − 1) = 1.45; median 5.5.
        let v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(
            quantiles_of_keys(&mut keys_of(&v), [0.05, 0.5]),
            [1.45, 5.5]
        );
    }

    /// Bracketed quantiles equal the sorted ones, bit for bit: on large inputs with NaNs,
    /// ties and both zeros; on sorted and reverse-sorted inputs (the strided sample is then
    /// still spread); and on inputs built so that a bracket misses (a strided sample of
    /// constant values in a column that is mostly something else), which take the fallback.
    #[test]
    fn bracketed_quantiles_equal_the_sorted_ones() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let n = 3 * BRACKET_MIN_VALUES + 11;
        let random: Vec<f64> = (0..n)
            .map(|i| match i % 17 {
                0 => f64::NAN,
                1 => -0.0,
                2 => 0.0,
                _ => (rng.random::<f64>() * 2000.0 - 500.0).round() / 4.0,
            })
            .collect();
        let mut ascending: Vec<f64> = (0..n).map(|i| i as f64 * 0.5).collect();
        let descending: Vec<f64> = ascending.iter().rev().copied().collect();
        // Every sampled position (a multiple of n / BRACKET_SAMPLE, roughly) holds 1e9, the
        // rest small values: the brackets (all at 1e9) hold no order statistic but the top.
        let stride = n / BRACKET_SAMPLE;
        let adversarial: Vec<f64> = (0..n)
            .map(|i| {
                if i % stride == 0 {
                    1e9
                } else {
                    (i % 1000) as f64
                }
            })
            .collect();
        ascending[17] = f64::NAN;
        let qs = [0.0, 0.05, 0.5, 0.95, 0.999, 1.0];
        for (name, v) in [
            ("random", &random),
            ("ascending", &ascending),
            ("descending", &descending),
            ("adversarial", &adversarial),
        ] {
            let mut sorted: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            sorted.sort_by(f64::total_cmp);
            let valid = v.iter().filter(|x| !x.is_nan()).count();
            let got = quantiles_bracketed(v, valid, qs, &mut Vec::new());
            for (q, g) in qs.iter().zip(got) {
                let want = quantile_sorted(&sorted, *q);
                assert_eq!(g.to_bits(), want.to_bits(), "{name} q {q}: {g} vs {want}");
            }
        }
    }

    /// `summarise` over several pieces with NaNs: mean and sd as a plain two-pass over the
    /// non-NaN values (to 1e-12 relative: the merged pieces add in another order), the
    /// quantiles those of the sorted values bit for bit, the same bits on 1 and 3 threads;
    /// and by hand on a small input (one piece, the all-keys path).
    #[test]
    fn summaries_by_pieces_equal_the_plain_ones() {
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        let n = 3 * SUMMARY_PIECE + 4321;
        let v: Vec<f64> = (0..n)
            .map(|i| {
                if i % 997 == 0 {
                    f64::NAN
                } else {
                    1e6 + (rng.random::<f64>() * 40.0).exp()
                }
            })
            .collect();
        let valid: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
        let m = valid.len() as f64;
        let mean = valid.iter().sum::<f64>() / m;
        let sd = (valid.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt();
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| summarise(&v))
        };
        let got = run(3);
        assert_eq!(format!("{got:?}"), format!("{:?}", run(1)));
        assert_eq!(got.nan_draws, n - valid.len());
        assert!(
            ((got.mean - mean) / mean).abs() < 1e-12,
            "{} {mean}",
            got.mean
        );
        assert!(((got.sd - sd) / sd).abs() < 1e-12, "{} {sd}", got.sd);
        let mut sorted = valid.clone();
        sorted.sort_by(f64::total_cmp);
        for (g, q) in [(got.p5, 0.05), (got.median, 0.5), (got.p95, 0.95)] {
            assert_eq!(g.to_bits(), quantile_sorted(&sorted, q).to_bits(), "q {q}");
        }
        // By hand: 1, 2, 3, 4 and a NaN: mean 2.5, sd √(5/3), median 2.5, p5 1.15.
        let s = summarise(&[4.0, f64::NAN, 1.0, 3.0, 2.0]);
        assert_eq!((s.mean, s.median, s.nan_draws), (2.5, 2.5, 1));
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert!((s.p5 - 1.15).abs() < 1e-15);
        // Only NaN: no numbers to summarise.
        let s = summarise(&[f64::NAN; 3]);
        assert!(s.mean.is_nan() && s.median.is_nan() && s.nan_draws == 3);
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

    /// A link that draws uniform values on [0, 10).
    struct UniformLink;

    impl DataLinks for UniformLink {
        fn sampler(&self, _link: &str) -> Result<ChunkSampler, String> {
            Ok(ChunkSampler::link(LinkDist::Uniform {
                min: 0.0,
                max: 10.0,
            }))
        }
    }

    /// Block-by-block evaluation ([`Keep::InputPrefix`]) gives the outputs of whole-column
    /// evaluation ([`Keep::All`]) bit for bit, and the kept prefixes of the inputs, on 1 and
    /// 3 threads: with correlated inputs (the bench model), and with a truncated input, a
    /// data link correlated with a distribution, the duration, a chain of expression
    /// variables and a last Iman–Conover block of two stream chunks, the second partial.
    #[test]
    fn block_evaluation_equals_whole_columns() {
        let text = r#"
[scenario]
name = "blocks"
duration_years = 3
as_of = "2025-12-31"
perspective = "partner"
[variables.a]
dist = "normal"
mean = 1.0
sd = 2.0
lower = 0.0
assumption = "t"
[variables.b]
dist = "pert"
min = 0.0
mode = 1.0
max = 5.0
assumption = "t"
[variables.link]
data = "exposure.fatalities(radius_km = 50)"
[variables.ab]
expr = "a * b + duration"
[variables.abl]
expr = "if(ab > link, ln(ab + 1), ab - link / 2)"
[outputs.y]
expr = "abl * 2 + max(a, link) - ab"
aspect = "security"
unit = "u"
direction = "higher_is_worse"
[outputs.z]
expr = "duration * b - (abl >= 1)"
aspect = "governance"
unit = "u"
direction = "higher_is_better"
[[correlations]]
a = "b"
b = "link"
rank = 0.6
assumption = "t"
"#;
        let small = parse_model(text, "blocks.toml").unwrap();
        let n = 3 * STREAM_CHUNK + 17;
        for (model, data) in [
            (bench_model(), &NoData as &dyn DataLinks),
            (small, &UniformLink),
        ] {
            let (all, _) = simulate_with(&model, n, 7, data, Keep::All).unwrap();
            for threads in [1, 3] {
                for rows in [0, 1000, STREAM_CHUNK + 5, n + 9] {
                    let (blocks, _) = rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap()
                        .install(|| simulate_with(&model, n, 7, data, Keep::InputPrefix(rows)))
                        .unwrap();
                    assert_eq!(bits(&blocks.outputs), bits(&all.outputs), "{}", model.file);
                    let inputs: Vec<&str> = model
                        .variables
                        .iter()
                        .filter(|v| !matches!(v.kind, Kind::Expr(_)))
                        .map(|v| v.name.as_str())
                        .collect();
                    assert_eq!(
                        blocks
                            .variables
                            .keys()
                            .map(String::as_str)
                            .collect::<Vec<_>>(),
                        {
                            let mut sorted = inputs.clone();
                            sorted.sort_unstable();
                            sorted
                        }
                    );
                    for name in inputs {
                        let kept = &blocks.variables[name];
                        assert_eq!(kept.len(), rows.min(n));
                        assert_eq!(kept[..], all.variables[name][..kept.len()], "{name}");
                    }
                }
            }
        }
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
