//! Forecasts from one origin: draws and their summary for every unit and month ahead.
//!
//! The model is fitted on outcomes up to the origin (the last observed month) and draws the
//! months origin + 1 ..= origin + horizon. Summaries per unit-month: mean of the draws, P(y ≥ 1),
//! P(y ≥ 25) (shares of draws) and type-7 quantiles 5/25/50/75/95%. The models draw each month
//! separately, so the chance of at least one death over the whole horizon is only bounded
//! ([`p_any_over_horizon`]): at least the largest monthly P(y ≥ 1) (whatever the dependence
//! between months), at most 1 − Π(1 − P(y ≥ 1)) (independent months) — violence is
//! autocorrelated, so the truth lies between, nearer the lower bound where conflict persists.

use serde::Serialize;

use super::evaluate::{check_training, fit_hurdle_with_training};
use super::features::FeatureSource;
use super::model::{draw, model_key, stream_seed, FeatureMatrix, Fitted, ModelSpec};
use super::panel::{Month, Target};
use super::score::quantile_type7;
use crate::analysis::AnalysisError;

/// Summary of one unit-month's draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct UnitMonthForecast {
    /// Index of the unit in the panel.
    pub unit: usize,
    pub month: Month,
    pub horizon: usize,
    /// Sorted draws; one value when all draws are equal.
    pub draws: Vec<f64>,
    pub summary: DrawSummary,
}

/// Forecasts of every unit for the `horizon` months after `origin`.
#[derive(Debug, Clone)]
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

/// Fits `spec` on outcomes up to `origin` and draws the next `horizon` months.
#[allow(clippy::too_many_arguments)]
pub fn forecast(
    spec: &ModelSpec,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
    target: Target,
    origin: Month,
    horizon: usize,
    samples: usize,
    seed: u64,
) -> Result<Outlook, AnalysisError> {
    forecast_with_training(
        spec, src, matrix, None, target, origin, horizon, samples, seed,
    )
}

/// As [`forecast`], with a hurdle model fitted on `training` (another panel's features, same
/// months and target; see [`super::evaluate::evaluate_with_training`]) and drawn from the
/// forecast panel's own features and months.
#[allow(clippy::too_many_arguments)]
pub fn forecast_with_training(
    spec: &ModelSpec,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
    training: Option<(&FeatureSource, &FeatureMatrix)>,
    target: Target,
    origin: Month,
    horizon: usize,
    samples: usize,
    seed: u64,
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
    let mut rows = Vec::with_capacity(horizon * panel.units.len());
    let mut buf = Vec::with_capacity(samples);
    for h in 1..=horizon {
        for u in 0..panel.units.len() {
            let series = panel.series(target, u);
            let seed = stream_seed(
                seed,
                model_key(&spec.name()),
                origin.0 as usize,
                h,
                panel.units[u].id as usize,
            );
            // The series is only read up to t; months after it may lie beyond the data.
            draw(
                &model,
                series,
                matrix.row(u, t),
                t,
                h,
                samples,
                seed,
                &mut buf,
            );
            rows.push(UnitMonthForecast {
                unit: u,
                month: origin.plus(h as i32),
                horizon: h,
                summary: DrawSummary::of_sorted(&buf),
                draws: buf.clone(),
            });
        }
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
