//! Forecasts from one origin: draws and their summary for every unit and month ahead.
//!
//! The draws of one month ahead are made for every unit in parallel, handed to a [`DrawSink`]
//! (which may write them out) and dropped before the next month: a forecast never holds more
//! than one month's draws, whatever the panel's size.
//!
//! The model is fitted on outcomes up to the origin (the last observed month) and draws the
//! months origin + 1 ..= origin + horizon. Summaries per unit-month: mean of the draws, P(y ≥ 1),
//! P(y ≥ 25) (shares of draws) and type-7 quantiles 5/25/50/75/95%. The models draw each month
//! separately, so the chance of at least one death over the whole horizon is only bounded
//! ([`p_any_over_horizon`]): at least the largest monthly P(y ≥ 1) (whatever the dependence
//! between months), at most 1 − Π(1 − P(y ≥ 1)) (independent months) — violence is
//! autocorrelated, so the truth lies between, nearer the lower bound where conflict persists.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::evaluate::{check_training, fit_hurdle_with_training, TrainingPanel};
use super::features::{FeatureMatrix, FeatureSource};
use super::model::{draw, model_key, stream_seed, Fitted, ModelSpec};
use super::panel::{Month, Target};
use super::score::quantile_type7;
use crate::analysis::AnalysisError;

/// Summary of one unit-month's draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DrawSummary {
    pub mean: f64,
    pub p_any: f64,
    pub p_25: f64,
    pub q05: f64,
    pub q25: f64,
    pub q50: f64,
    pub q75: f64,
    pub q95: f64,
}

impl DrawSummary {
    /// From sorted (possibly compressed: one value standing for all) draws.
    pub fn of_sorted(draws: &[f64]) -> DrawSummary {
        let n = draws.len().max(1) as f64;
        let share = |min: f64| draws.iter().filter(|&&v| v >= min).count() as f64 / n;
        DrawSummary {
            mean: draws.iter().sum::<f64>() / n,
            p_any: share(1.0),
            p_25: share(25.0),
            q05: quantile_type7(draws, 0.05),
            q25: quantile_type7(draws, 0.25),
            q50: quantile_type7(draws, 0.50),
            q75: quantile_type7(draws, 0.75),
            q95: quantile_type7(draws, 0.95),
        }
    }
}

/// One unit's forecast for one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitMonthForecast {
    /// Index of the unit in the panel.
    pub unit: usize,
    pub month: Month,
    pub horizon: usize,
    pub summary: DrawSummary,
}

/// The draws of every unit for one month ahead, handed to a [`DrawSink`] as they are made.
pub struct DrawBlock<'a> {
    pub horizon: usize,
    pub month: Month,
    /// Draws per unit-month.
    pub samples: usize,
    /// The panel's unit ids (PRIO-GRID gid for cells, position in the country list for
    /// countries), panel order.
    pub units: &'a [u32],
    /// Per unit (same order): its sorted draws, one value when all are equal (see
    /// [`super::model::expand`]).
    pub draws: &'a [Vec<f64>],
}

/// Where the draws go (e.g. a Parquet file written as a stream): one call per month ahead,
/// in horizon order. Nothing keeps the draws after the call.
pub trait DrawSink {
    fn write(&mut self, block: &DrawBlock) -> Result<(), String>;
}

/// A sink that drops the draws (only the summaries are wanted).
pub struct NoDraws;

impl DrawSink for NoDraws {
    fn write(&mut self, _: &DrawBlock) -> Result<(), String> {
        Ok(())
    }
}

/// Forecasts of every unit for the `horizon` months after `origin`: the summaries (the draws
/// went to the [`DrawSink`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outlook {
    pub model: String,
    pub origin: Month,
    pub horizon: usize,
    pub samples: usize,
    pub seed: u64,
    pub target: Target,
    /// By horizon, then unit.
    pub rows: Vec<UnitMonthForecast>,
}

/// Fits `spec` on outcomes up to `origin` (on `training` when given; see
/// [`super::evaluate::evaluate_with_training`]) and draws the next `horizon` months from the
/// panel's own features and months, handing each month's draws to `sink`.
#[allow(clippy::too_many_arguments)]
pub fn forecast(
    spec: &ModelSpec,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
    training: TrainingPanel,
    target: Target,
    origin: Month,
    horizon: usize,
    samples: usize,
    seed: u64,
    sink: &mut dyn DrawSink,
) -> Result<Outlook, AnalysisError> {
    let panel = src.panel();
    check_training(src, training)?;
    if !(1..=36).contains(&horizon) {
        return Err(AnalysisError::bad("horizon", horizon, "1 to 36 months"));
    }
    if samples == 0 {
        return Err(AnalysisError::bad("samples", 0, "at least 1 draw"));
    }
    let t = panel.month_index(origin).ok_or_else(|| {
        AnalysisError::bad(
            "origin",
            origin,
            format!(
                "a month inside the data ({} to {}): the origin is the last observed month",
                panel.first_month,
                panel.last_month()
            ),
        )
    })?;
    let fit = match spec {
        ModelSpec::Hurdle(config) => Some(fit_hurdle_with_training(
            config, src, matrix, training, target, t, horizon,
        )?),
        _ => None,
    };
    let model = match &fit {
        Some(f) => Fitted::Hurdle(f),
        None => Fitted::Baseline(spec),
    };
    let key = model_key(&spec.name());
    let units = panel.units.len();
    let ids: Vec<u32> = panel.units.iter().map(|u| u.id).collect();
    let mut rows = Vec::with_capacity(horizon * units);
    for h in 1..=horizon {
        // One month ahead at a time, units in parallel: the draws of one month are held, then
        // handed to the sink and dropped.
        let draws: Vec<Vec<f64>> = (0..units)
            .into_par_iter()
            .map_init(
                || Vec::with_capacity(samples),
                |buf, u| {
                    let series = panel.series(target, u);
                    let seed =
                        stream_seed(seed, key, origin.0 as usize, h, panel.units[u].id as usize);
                    // The series is only read up to t; months after it may lie beyond the data.
                    draw(&model, series, matrix.row(u, t), t, h, samples, seed, buf);
                    buf.clone()
                },
            )
            .collect();
        let month = origin.plus(h as i32);
        rows.extend(draws.iter().enumerate().map(|(u, d)| UnitMonthForecast {
            unit: u,
            month,
            horizon: h,
            summary: DrawSummary::of_sorted(d),
        }));
        sink.write(&DrawBlock {
            horizon: h,
            month,
            samples,
            units: &ids,
            draws: &draws,
        })
        .map_err(|e| AnalysisError::Data(format!("writing the draws of {month}: {e}")))?;
    }
    Ok(Outlook {
        model: spec.name(),
        origin,
        horizon,
        samples,
        seed,
        target,
        rows,
    })
}

/// Per unit: (lower, upper) bounds of P(at least one death over the horizon): the largest
/// monthly P(y ≥ 1), and 1 − Π(1 − P(y ≥ 1)) (independent months).
pub fn p_any_over_horizon(outlook: &Outlook, units: usize) -> Vec<(f64, f64)> {
    let mut largest = vec![0.0f64; units];
    let mut none = vec![1.0; units];
    for r in &outlook.rows {
        largest[r.unit] = largest[r.unit].max(r.summary.p_any);
        none[r.unit] *= 1.0 - r.summary.p_any;
    }
    largest
        .into_iter()
        .zip(none)
        .map(|(lo, q)| (lo, 1.0 - q))
        .collect()
}
