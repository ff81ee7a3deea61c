//! The hurdle model: P(deaths > 0) and, given deaths, how many — mixed with the unit's own
//! recent months.
//!
//! For a unit (PRIO-GRID cell or country), an origin t (the last observed month) and a
//! horizon h, the model draws `m` values of the deaths in month t + h:
//!
//! - **occurrence:** P(y > 0) from a ridge logistic regression on the unit's features at the
//!   origin ([`super::features`]), one model per horizon; optionally gradient-boosted trees
//!   ([`super::boost`]) alone, as a correction to the logistic's log-odds, or blended with it;
//! - **magnitude:** given y > 0, ln y = x·γ + ε by ridge least squares on the training rows
//!   with y > 0; a draw is exp(x·γ + s·ε*) with ε* resampled from that fit's residuals and s
//!   a widening factor, rounded to whole people (at least 1); optionally the size of one of the
//!   training positives of nearest fitted level, or of one of the unit's own deadly months;
//! - **history mixture:** each draw comes, with a probability that grows with the number k of
//!   deadly months among the unit's last `history_window` months (0 at k = 0), from those
//!   months as in the conflictology baseline, else from the regression. Violence persists: a
//!   cell with deaths in most recent months is best described by its own months; a quiet cell
//!   by what its features say. An optional long window does the same from the last 36 months.
//!
//! Fitting: on every observed (unit, origin t) (`Panel::first_observed`) with t + h ≤ the
//! fit's cutoff month and at least `min_history_months` months of history before t. The
//! occurrence may be fitted on a wider training panel than the one forecast (more violent
//! cell-months per fit), the magnitude on the forecast panel itself
//! (`magnitude_on_evaluated_panel`).
//!
//! Draws are sorted; when all m are equal the output holds one value standing for all of
//! them (see [`super::model::expand`]).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use serde::{Deserialize, Serialize};

use rayon::prelude::*;

use super::boost::{Bins, BoostParams, Boosted};
use super::features::{FeatureMatrix, FeatureSource, FEATURE_NAMES, N_FEATURES};
use super::fit::{dot, logistic, ridge, sigmoid, Design, Standardiser};
use super::model::{stream_seed, unit_interval};
use super::panel::Target;
use crate::analysis::AnalysisError;

/// The hurdle model's configuration. `Default` is the frozen `hurdle` model; a JSON
/// configuration may give only the fields that differ from it (missing fields take the
/// default's values, unknown fields are an error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HurdleConfig {
    /// Names from [`FEATURE_NAMES`].
    pub features: Vec<String>,
    /// Ridge penalty of the occurrence (logistic) model, on standardised features.
    pub lambda_occurrence: f64,
    /// Ridge penalty of the magnitude model.
    pub lambda_magnitude: f64,
    /// Months of history required before a training origin.
    pub min_history_months: usize,
    /// Only the training origins of the last this many months before the cutoff (None: every
    /// origin from `min_history_months` on): the fit follows the current level of violence
    /// rather than decades of quieter years.
    pub training_window_months: Option<usize>,
    /// Share of draws taken from the unit's own recent months (as `conflictology`) instead of
    /// the regression: a mixture that keeps a unit's recent violence in its forecast.
    pub history_mix: f64,
    /// Months of the unit's history the mixture draws from.
    pub history_window: usize,
    /// State-dependent mixture: when set, the share of history draws grows linearly with the
    /// number k of months with deaths in the unit's last `history_window` months, from
    /// `history_mix` at k = 1 to this value at k = `history_window` (0 at k = 0 as always).
    /// `None`: `history_mix` whatever k.
    pub history_mix_full: Option<f64>,
    /// With `history_mix_full`: the number of deadly months at which the share reaches
    /// `history_mix_full` (linear from `history_mix` at k = 1, constant above); None: the
    /// window (k = `history_window`).
    pub history_mix_saturation: Option<usize>,
    /// Long-window mixture (a conflictology12/36 blend): of the draws NOT taken from
    /// the last `history_window` months, this share is taken uniformly from the unit's last
    /// `history_long_window` months when any of them saw deaths (else from the regression as
    /// usual). 0: off.
    pub history_long_mix: f64,
    /// Months of the long-window mixture (36 for a conflictology36 blend).
    pub history_long_window: usize,
    /// Occurrence floor for recently active units: the regression part's P(y > 0) is at least
    /// this times the unit's share of months with deaths in its last `history_window` months.
    /// 0: no floor.
    pub occurrence_floor: f64,
    /// Share of the regression part's positive draws whose size is taken from the unit's own
    /// positive months in its last `history_window` months (when it has any) instead of the
    /// log-normal: keeps a violent unit's own scale. 0: always the log-normal.
    pub own_magnitude: f64,
    /// Months of the unit's history its own sizes are taken from (`own_magnitude`); None:
    /// `history_window`.
    pub own_magnitude_window: Option<usize>,
    /// Factor on the resampled log residuals of the magnitude (1: as fitted); above 1 widens
    /// the positive part of the forecast.
    pub residual_scale: f64,
    /// Factor on the log residuals for units with at least one deadly month in their last
    /// `history_window` months (a heavier tail for recently violent cells); None:
    /// `residual_scale` for every unit.
    pub residual_scale_active: Option<f64>,
    /// Occurrence by gradient-boosted trees on the same features instead of the logistic
    /// regression (None: the logistic). See [`super::boost`].
    pub boost: Option<Box<BoostParams>>,
    /// With `boost`: the trees start from the logistic regression's log-odds (they fit a
    /// correction to it) instead of the base rate.
    pub boost_from_logistic: bool,
    /// With `boost`: P(y > 0) = (1 − w)·p_logistic + w·p_trees; 1 = the trees alone.
    pub boost_weight: f64,
    /// Sizes of the regression part's positive draws: 0 = the log-normal (exp(x·γ + scaled
    /// residual)); k > 0 = the observed size of one of the k training positives whose fitted
    /// level x·γ is nearest the unit's (an empirical conditional distribution, as wide and
    /// heavy-tailed as the data at that level).
    pub magnitude_neighbours: usize,
    /// Features of the magnitude model when they differ from the occurrence model's
    /// (`features`); None: the same.
    pub magnitude_features: Option<Vec<String>>,
    /// With a training panel (see [`super::evaluate::evaluate_with_training`]): the magnitude
    /// (coefficients, residual pool, nearest-level sizes) is fitted on the evaluated panel and
    /// only the occurrence on the training panel. No effect without a training panel.
    pub magnitude_on_evaluated_panel: bool,
    /// With a training panel: the occurrence's log-odds z, learnt on the training panel, are
    /// recalibrated on the evaluated (forecast) panel's own training rows — P(y > 0) =
    /// σ(a + b·z), (a, b) by logistic regression per horizon (Platt scaling) — so that the
    /// chance of a death matches the forecast countries' own record. No effect without a
    /// training panel.
    pub recalibrate_on_evaluated_panel: bool,
    /// The model's name in tables and in its random streams (`hurdle` for the frozen default).
    pub name: String,
}

impl Default for HurdleConfig {
    /// `hurdle`: seven features (the cell's 6-month-decayed time since its last event and its
    /// deaths over 12 months, its ring-1 neighbours' deaths and last event, its ring-2
    /// neighbours' deaths, the number of actors in it over 12 months, the country's last
    /// event), ridge penalties 1 (occurrence) and 10 (magnitude), log residuals widened 1.25×,
    /// the history share rising from 30% at one deadly month of twelve to 100% at four, the
    /// occurrence fitted on the training panel and the magnitude on the forecast panel. How
    /// each choice was made on the tuning spans: bench/RESULTS.md, "forecast tuning".
    fn default() -> Self {
        HurdleConfig {
            features: [
                "decay6_last_event",
                "y_sum12",
                "ring1_sum12",
                "ring1_decay6_last_event",
                "country_decay6_last_event",
                "ring2_sum12",
                "actors12",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            lambda_occurrence: 1.0,
            lambda_magnitude: 10.0,
            min_history_months: 36,
            training_window_months: None,
            history_mix: 0.3,
            history_window: 12,
            history_mix_full: Some(1.0),
            history_mix_saturation: Some(4),
            history_long_mix: 0.0,
            history_long_window: 36,
            occurrence_floor: 0.0,
            own_magnitude: 0.0,
            own_magnitude_window: None,
            residual_scale: 1.25,
            residual_scale_active: None,
            boost: None,
            boost_from_logistic: false,
            boost_weight: 1.0,
            magnitude_neighbours: 0,
            magnitude_features: None,
            magnitude_on_evaluated_panel: true,
            recalibrate_on_evaluated_panel: false,
            name: "hurdle".into(),
        }
    }
}

impl HurdleConfig {
    /// `hurdle_recent`: the hurdle learnt on recent years and recalibrated to the forecast
    /// countries. Occurrence: a logistic regression on twelve features — the seven of
    /// `hurdle`, the cell's deadly months among its last 12 and 36, its ring-1 neighbours'
    /// deadly cell-months over the last 3, the country's trend (last 3 months against the 9
    /// before) and the distance to the nearest cell with a death in the last 3 months — fitted
    /// on the last five years of training origins (60 months) of the Sahel and its
    /// neighbours, then recalibrated (Platt) on the forecast countries' own rows of the same
    /// years. Sizes: the log-normal of `hurdle`, fitted on the forecast countries. Mixture: 15%
    /// of draws from the cell's last 12 months at one deadly month, rising to 100% at four;
    /// of the other draws, 10% from its last 36 months when they saw deaths.
    pub fn recent() -> Self {
        HurdleConfig {
            features: [
                "decay6_last_event",
                "y_sum12",
                "ring1_sum12",
                "ring1_decay6_last_event",
                "country_decay6_last_event",
                "ring2_sum12",
                "actors12",
                "deadly12",
                "deadly36",
                "ring1_deadly3",
                "country_trend",
                "death_distance3",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            training_window_months: Some(60),
            recalibrate_on_evaluated_panel: true,
            history_mix: 0.15,
            history_long_mix: 0.1,
            name: "hurdle_recent".into(),
            ..HurdleConfig::default()
        }
    }

    /// The share of draws taken from the unit's own history when `active` of its last
    /// `window` months saw deaths.
    pub fn history_share(&self, active: usize, window: usize) -> f64 {
        saturating_share(
            self.history_mix,
            self.history_mix_full,
            active,
            window,
            self.history_mix_saturation,
        )
    }

    /// Months of a unit's history its draws need at an origin: the mixture's window, or the
    /// long-window mixture's when that is on and longer.
    pub fn history_needed(&self) -> usize {
        needed_window(
            self.history_window,
            self.history_long_mix,
            self.history_long_window,
        )
        .max(self.own_window())
    }

    /// Months of the unit's own sizes (0 when `own_magnitude` is off).
    fn own_window(&self) -> usize {
        if self.own_magnitude > 0.0 {
            self.own_magnitude_window.unwrap_or(self.history_window)
        } else {
            0
        }
    }

    pub fn columns(&self) -> Result<Vec<usize>, AnalysisError> {
        columns_of(&self.features)
    }

    /// The magnitude model's feature columns.
    pub fn magnitude_columns(&self) -> Result<Vec<usize>, AnalysisError> {
        columns_of(self.magnitude_features.as_ref().unwrap_or(&self.features))
    }
}

fn columns_of(features: &[String]) -> Result<Vec<usize>, AnalysisError> {
    features
        .iter()
        .map(|f| {
            FEATURE_NAMES.iter().position(|n| n == f).ok_or_else(|| {
                AnalysisError::bad("feature", f, format!("one of {}", FEATURE_NAMES.join(", ")))
            })
        })
        .collect()
}

/// The share of history draws for a unit with `active` months with deaths among its last
/// `window`: 0 without any; `base` at one; linear from `base` (k = 1) to `full` (k = window)
/// when `full` is set. Clamped to [0, 1].
pub fn mixture_share(base: f64, full: Option<f64>, active: usize, window: usize) -> f64 {
    saturating_share(base, full, active, window, None)
}

/// [`mixture_share`] reaching `full` at `saturation` deadly months (capped at the window)
/// instead of at a full window, constant above; `None`: at a full window.
pub fn saturating_share(
    base: f64,
    full: Option<f64>,
    active: usize,
    window: usize,
    saturation: Option<usize>,
) -> f64 {
    if active == 0 {
        return 0.0;
    }
    let top = saturation.unwrap_or(window).clamp(1, window.max(1));
    let share = match full {
        None => base,
        Some(full) if top > 1 => {
            let frac = (active.min(top) - 1) as f64 / (top - 1) as f64;
            base + (full - base) * frac
        }
        Some(full) => full,
    };
    share.clamp(0.0, 1.0)
}

/// The months of history a hurdle's draws read: `window`, or `long_window` when the long
/// mixture is on (`long_mix` > 0) and longer.
fn needed_window(window: usize, long_mix: f64, long_window: usize) -> usize {
    if long_mix > 0.0 {
        window.max(long_window).max(1)
    } else {
        window.max(1)
    }
}

/// The first training origin of a fit at `cutoff` for horizons up to `horizon`: after
/// `min_history_months`, and within `training_window_months` of the cutoff (never so late that
/// the longest horizon has no row).
fn first_training_origin(config: &HurdleConfig, cutoff: usize, horizon: usize) -> usize {
    let t0 = config.min_history_months;
    match config.training_window_months {
        Some(w) => cutoff
            .saturating_sub(w)
            .max(t0)
            .min(cutoff.saturating_sub(horizon)),
        None => t0,
    }
}

/// One horizon's fitted hurdle.
#[derive(Debug, Clone)]
struct HorizonFit {
    occurrence: Vec<f64>,
    /// Boosted occurrence (on top of `occurrence` when `boost_from_logistic`).
    trees: Option<Boosted>,
    magnitude: Vec<f64>,
    residuals: Vec<f64>,
    /// (fitted level x·γ, observed size) of the training positives, by level (only with
    /// `magnitude_neighbours`).
    levels: Vec<(f64, u32)>,
    /// Recalibration (a, b) of the occurrence's log-odds z: σ(a + b·z); (0, 1) = none.
    calibration: (f64, f64),
}

/// A hurdle model fitted with data up to a cutoff month.
#[derive(Debug, Clone)]
pub struct HurdleFit {
    columns: Vec<usize>,
    history_mix: f64,
    history_window: usize,
    history_mix_full: Option<f64>,
    history_mix_saturation: Option<usize>,
    history_long_mix: f64,
    history_long_window: usize,
    occurrence_floor: f64,
    own_magnitude: f64,
    own_window: usize,
    residual_scale: f64,
    residual_scale_active: Option<f64>,
    boost_from_logistic: bool,
    boost_weight: f64,
    magnitude_neighbours: usize,
    standardiser: Standardiser,
    magnitude_columns: Vec<usize>,
    magnitude_standardiser: Standardiser,
    horizons: Vec<HorizonFit>,
    /// Month index of the cutoff (the last month whose outcome the fit saw).
    pub cutoff: usize,
    /// Training rows of horizon 1 and their share with y > 0.
    pub rows_h1: usize,
    pub positive_share_h1: f64,
}

/// Fits the hurdle for horizons 1 ..= `horizon` on outcomes up to month index `cutoff`.
pub fn fit_hurdle(
    config: &HurdleConfig,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
    target: Target,
    cutoff: usize,
    horizon: usize,
) -> Result<HurdleFit, AnalysisError> {
    fit_hurdle_parts(config, src, matrix, target, cutoff, horizon, true)
}

/// Only the magnitude part of [`fit_hurdle`] (coefficients, residual pools, levels): the
/// occurrence is left empty, to be taken from another fit ([`HurdleFit::with_magnitude_of`]
/// on that fit). The magnitude does not depend on the occurrence, so it is the same as
/// [`fit_hurdle`]'s.
pub fn fit_hurdle_magnitude(
    config: &HurdleConfig,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
    target: Target,
    cutoff: usize,
    horizon: usize,
) -> Result<HurdleFit, AnalysisError> {
    fit_hurdle_parts(config, src, matrix, target, cutoff, horizon, false)
}

/// [`fit_hurdle`], with the occurrence (logistic and trees) fitted only when `fit_occurrence`.
fn fit_hurdle_parts(
    config: &HurdleConfig,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
    target: Target,
    cutoff: usize,
    horizon: usize,
    fit_occurrence: bool,
) -> Result<HurdleFit, AnalysisError> {
    let panel = src.panel();
    let columns = config.columns()?;
    let t0 = config.min_history_months;
    if cutoff < t0 + horizon {
        return Err(AnalysisError::Data(format!(
            "too little history to fit the hurdle model: the cutoff {} leaves fewer than {} \
             months after the first {} months of data",
            panel.month_at(cutoff),
            horizon,
            t0
        )));
    }
    let units = panel.units.len();
    let last_origin = cutoff - 1;
    let t0 = first_training_origin(config, cutoff, horizon);
    // Training rows: observed unit-months (see `Panel::first_observed`), by origin then unit, so
    // that the rows of origins ≤ cutoff − h are a prefix.
    let observed: Vec<usize> = (0..units).map(|u| panel.first_observed(u)).collect();
    let mut keys: Vec<(usize, usize)> = Vec::new();
    let mut rows_through: Vec<usize> = Vec::with_capacity(last_origin + 1 - t0);
    for t in t0..=last_origin {
        for (u, &from) in observed.iter().enumerate() {
            if from <= t {
                keys.push((t, u));
            }
        }
        rows_through.push(keys.len());
    }
    let mut raw = Vec::with_capacity(keys.len() * N_FEATURES);
    for &(t, u) in &keys {
        raw.extend_from_slice(matrix.row(u, t));
    }
    let standardiser = Standardiser::fit(&raw, N_FEATURES, &columns);
    let magnitude_columns = config.magnitude_columns()?;
    let magnitude_standardiser = if magnitude_columns == columns {
        standardiser.clone()
    } else {
        Standardiser::fit(&raw, N_FEATURES, &magnitude_columns)
    };
    let km = magnitude_columns.len() + 1;
    let k = columns.len() + 1;
    let mut rows = Vec::with_capacity(keys.len() * k);
    let mut buf = Vec::with_capacity(k);
    for row in raw.chunks_exact(N_FEATURES) {
        standardiser.design(row, &columns, &mut buf);
        rows.extend_from_slice(&buf);
    }
    let series: Vec<&[u32]> = (0..units).map(|u| panel.series(target, u)).collect();
    let mut horizons = Vec::with_capacity(horizon);
    let mut start: Option<Vec<f64>> = None;
    let mut rows_h1 = 0;
    let mut positive_share_h1 = 0.0;
    for h in 1..=horizon {
        // Origins t0 ..= cutoff − h.
        let n = rows_through[cutoff - h - t0];
        // Origins t0 ..= cutoff − h are a prefix of the rows: borrowed, not copied.
        let design = Design {
            rows: &rows[..n * k],
            k,
        };
        let y: Vec<u32> = keys[..n].iter().map(|&(t, u)| series[u][t + h]).collect();
        let any: Vec<bool> = y.iter().map(|&v| v > 0).collect();
        let occurrence = if fit_occurrence
            && (config.boost.is_none() || config.boost_from_logistic || config.boost_weight < 1.0)
        {
            let beta = logistic(&design, &any, config.lambda_occurrence, start.as_deref());
            start = Some(beta.clone());
            beta
        } else {
            Vec::new()
        };
        let positives: Vec<usize> = (0..n).filter(|&i| any[i]).collect();
        let mut pos_rows: Vec<f64> = Vec::with_capacity(positives.len() * km);
        for &i in &positives {
            magnitude_standardiser.design(
                &raw[i * N_FEATURES..(i + 1) * N_FEATURES],
                &magnitude_columns,
                &mut buf,
            );
            pos_rows.extend_from_slice(&buf);
        }
        let pos_design = Design {
            rows: &pos_rows,
            k: km,
        };
        let log_y: Vec<f64> = positives.iter().map(|&i| (y[i] as f64).ln()).collect();
        let magnitude = ridge(&pos_design, &log_y, config.lambda_magnitude);
        let residuals: Vec<f64> = pos_design
            .rows
            .chunks_exact(km)
            .zip(&log_y)
            .map(|(x, ly)| ly - dot(&magnitude, x))
            .collect();
        let levels = if config.magnitude_neighbours > 0 {
            let mut l: Vec<(f64, u32)> = pos_design
                .rows
                .chunks_exact(km)
                .zip(&positives)
                .map(|(x, &i)| (dot(&magnitude, x), y[i]))
                .collect();
            l.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            l
        } else {
            Vec::new()
        };
        if h == 1 {
            rows_h1 = n;
            positive_share_h1 = positives.len() as f64 / n.max(1) as f64;
        }
        horizons.push(HorizonFit {
            occurrence,
            trees: None,
            magnitude,
            residuals,
            levels,
            calibration: (0.0, 1.0),
        });
    }
    if let (true, Some(params)) = (fit_occurrence, &config.boost) {
        let bins = Bins::fit(&raw, N_FEATURES, &columns, params.bins);
        let mut codes = Vec::with_capacity(keys.len() * columns.len());
        let mut buf = Vec::with_capacity(columns.len());
        for row in raw.chunks_exact(N_FEATURES) {
            bins.code(row, &mut buf);
            codes.extend_from_slice(&buf);
        }
        let ids: Vec<u64> = panel.units.iter().map(|u| u.id as u64).collect();
        let trees: Vec<Boosted> = (1..=horizon)
            .into_par_iter()
            .map(|h| {
                let n = rows_through[cutoff - h - t0];
                let fit = &horizons[h - 1];
                let mut index = Vec::new();
                let mut y = Vec::new();
                let mut w = Vec::new();
                let mut offset = Vec::new();
                for (i, &(t, u)) in keys[..n].iter().enumerate() {
                    let any = series[u][t + h] > 0;
                    // Every positive; a deterministic share of negatives, weighted back up.
                    if !any {
                        let draw = unit_interval(stream_seed(0, ids[u], t, h, 0));
                        if draw >= params.negative_share {
                            continue;
                        }
                    }
                    index.push(i);
                    y.push(any);
                    w.push(if any {
                        1.0
                    } else {
                        1.0 / params.negative_share
                    });
                    if config.boost_from_logistic {
                        offset.push(dot(&fit.occurrence, &rows[i * k..(i + 1) * k]));
                    }
                }
                let offset = config.boost_from_logistic.then_some(offset.as_slice());
                Boosted::fit(&bins, &codes, &index, &y, &w, offset, params)
            })
            .collect();
        for (fit, t) in horizons.iter_mut().zip(trees) {
            fit.trees = Some(t);
        }
    }
    Ok(HurdleFit {
        columns,
        history_mix: config.history_mix,
        history_window: config.history_window.max(1),
        history_mix_full: config.history_mix_full,
        history_mix_saturation: config.history_mix_saturation,
        history_long_mix: config.history_long_mix.clamp(0.0, 1.0),
        history_long_window: config.history_long_window.max(1),
        occurrence_floor: config.occurrence_floor,
        own_magnitude: config.own_magnitude,
        own_window: config.own_window(),
        residual_scale: config.residual_scale,
        residual_scale_active: config.residual_scale_active,
        boost_from_logistic: config.boost_from_logistic,
        boost_weight: config.boost_weight.clamp(0.0, 1.0),
        magnitude_neighbours: config.magnitude_neighbours,
        standardiser,
        magnitude_columns,
        magnitude_standardiser,
        horizons,
        cutoff,
        rows_h1,
        positive_share_h1,
    })
}

impl HurdleFit {
    /// This fit's occurrence with `other`'s magnitude (coefficients, standardiser, residual
    /// pools and levels, every horizon): an occurrence fitted on a training panel combined
    /// with a magnitude fitted on the evaluated panel. Both must cover the same horizons.
    pub fn with_magnitude_of(mut self, other: &HurdleFit) -> HurdleFit {
        self.magnitude_columns = other.magnitude_columns.clone();
        self.magnitude_standardiser = other.magnitude_standardiser.clone();
        for (mine, theirs) in self.horizons.iter_mut().zip(&other.horizons) {
            mine.magnitude = theirs.magnitude.clone();
            mine.residuals = theirs.residuals.clone();
            mine.levels = theirs.levels.clone();
        }
        self
    }

    /// The occurrence model's coefficients at horizon `h` (intercept first, then the
    /// configuration's features, on standardised scale).
    pub fn occurrence_coefficients(&self, h: usize) -> &[f64] {
        &self.horizons[h - 1].occurrence
    }

    /// The magnitude model's coefficients at horizon `h` and its residual count.
    pub fn magnitude_coefficients(&self, h: usize) -> (&[f64], usize) {
        let fit = &self.horizons[h - 1];
        (&fit.magnitude, fit.residuals.len())
    }

    /// P(y > 0) and the magnitude's location for a unit's features at horizon `h`.
    pub fn occurrence_probability(&self, features: &[f64], h: usize) -> f64 {
        let mut x = Vec::with_capacity(self.columns.len() + 1);
        self.standardiser.design(features, &self.columns, &mut x);
        self.probability(features, &x, h)
    }

    /// P(y > 0) from the raw features and their design row.
    fn probability(&self, features: &[f64], x: &[f64], h: usize) -> f64 {
        let (a, b) = self.horizons[h - 1].calibration;
        let z = self.log_odds(features, x, h);
        sigmoid(a + b * z)
    }

    /// The occurrence's log-odds before recalibration.
    fn log_odds(&self, features: &[f64], x: &[f64], h: usize) -> f64 {
        let fit = &self.horizons[h - 1];
        match &fit.trees {
            None => dot(&fit.occurrence, x),
            Some(trees) => {
                let offset = if self.boost_from_logistic {
                    dot(&fit.occurrence, x)
                } else {
                    0.0
                };
                let p = sigmoid(offset + trees.logit(features));
                let p = if self.boost_weight < 1.0 {
                    let linear = sigmoid(dot(&fit.occurrence, x));
                    (1.0 - self.boost_weight) * linear + self.boost_weight * p
                } else {
                    p
                };
                let p = p.clamp(1e-12, 1.0 - 1e-12);
                (p / (1.0 - p)).ln()
            }
        }
    }

    /// Recalibrates this fit's occurrence on `src`'s panel (the evaluated panel): for each
    /// horizon h, a logistic regression of y > 0 on [1, z] over the panel's training rows
    /// (observed units, origins from `min_history_months` to cutoff − h), z the occurrence's
    /// log-odds. Same rows as the fit itself would use on that panel.
    pub fn recalibrated_on(
        mut self,
        src: &FeatureSource,
        matrix: &FeatureMatrix,
        target: Target,
        config: &HurdleConfig,
    ) -> HurdleFit {
        let panel = src.panel();
        let cutoff = self.cutoff;
        let observed: Vec<usize> = (0..panel.units.len())
            .map(|u| panel.first_observed(u))
            .collect();
        let mut x = Vec::with_capacity(self.columns.len() + 1);
        let first = first_training_origin(config, cutoff, self.horizons.len());
        for h in 1..=self.horizons.len() {
            if cutoff < first + h {
                continue;
            }
            let mut rows = Vec::new();
            let mut y = Vec::new();
            for t in first..=cutoff - h {
                for (u, &from) in observed.iter().enumerate() {
                    if from > t {
                        continue;
                    }
                    let features = matrix.row(u, t);
                    self.standardiser.design(features, &self.columns, &mut x);
                    rows.push(1.0);
                    rows.push(self.log_odds(features, &x, h));
                    y.push(panel.series(target, u)[t + h] > 0);
                }
            }
            if y.iter().any(|&v| v) && y.iter().any(|&v| !v) {
                let beta = logistic(&Design { rows: &rows, k: 2 }, &y, 1e-6, None);
                self.horizons[h - 1].calibration = (beta[0], beta[1]);
            }
        }
        self
    }

    /// Months of history [`HurdleFit::draw`] reads (the last ones up to the origin).
    pub fn history_needed(&self) -> usize {
        needed_window(
            self.history_window,
            self.history_long_mix,
            self.history_long_window,
        )
        .max(self.own_window)
    }

    /// `recent`: the unit's last months up to the origin (at most [`Self::history_needed`]);
    /// the mixture uses the last `history_window` of them, the long mixture the last
    /// `history_long_window`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn draw(
        &self,
        features: &[f64],
        recent: &[u32],
        h: usize,
        m: usize,
        rng: &mut ChaCha8Rng,
        out: &mut Vec<f64>,
    ) {
        let fit = &self.horizons[h - 1];
        let history = &recent[recent.len().saturating_sub(self.history_window)..];
        let long = &recent[recent.len().saturating_sub(self.history_long_window)..];
        let mut x = Vec::with_capacity(self.columns.len() + 1);
        self.standardiser.design(features, &self.columns, &mut x);
        let active = history.iter().filter(|&&v| v > 0).count();
        let mut p = self.probability(features, &x, h);
        if self.occurrence_floor > 0.0 && active > 0 {
            p = p.max((self.occurrence_floor * active as f64 / history.len() as f64).min(1.0));
        }
        // Draws from the unit's history (mixture), then from the regression.
        let share = saturating_share(
            self.history_mix,
            self.history_mix_full,
            active,
            history.len(),
            self.history_mix_saturation,
        );
        let from_history = if share > 0.0 {
            Binomial::new(m as u64, share)
                .map(|b| b.sample(rng) as usize)
                .unwrap_or(0)
        } else {
            0
        };
        // Of the rest, a share from the long window when it saw deaths (off by default: no
        // random number is used then, so the default's streams are unchanged).
        let from_long = if self.history_long_mix > 0.0 && long.iter().any(|&v| v > 0) {
            Binomial::new((m - from_history) as u64, self.history_long_mix)
                .map(|b| b.sample(rng) as usize)
                .unwrap_or(0)
        } else {
            0
        };
        let rest = m - from_history - from_long;
        let k = match Binomial::new(rest as u64, p) {
            Ok(b) => b.sample(rng) as usize,
            Err(_) => 0,
        };
        out.clear();
        let k = if fit.residuals.is_empty() { 0 } else { k };
        let mu = if self.magnitude_columns == self.columns {
            dot(&fit.magnitude, &x)
        } else {
            let mut xm = Vec::with_capacity(self.magnitude_columns.len() + 1);
            self.magnitude_standardiser
                .design(features, &self.magnitude_columns, &mut xm);
            dot(&fit.magnitude, &xm)
        };
        let own_pool = &recent[recent.len().saturating_sub(self.own_window)..];
        let own_active = own_pool.iter().filter(|&&v| v > 0).count();
        let own = self.own_magnitude > 0.0 && own_active > 0;
        let scale = match self.residual_scale_active {
            Some(s) if active > 0 => s,
            _ => self.residual_scale,
        };
        for _ in 0..k {
            if own && rng.random::<f64>() < self.own_magnitude {
                // The size of one of the unit's own positive months.
                let mut pick = rng.random_range(0..own_active);
                for &v in own_pool {
                    if v > 0 {
                        if pick == 0 {
                            out.push(v as f64);
                            break;
                        }
                        pick -= 1;
                    }
                }
                continue;
            }
            if self.magnitude_neighbours > 0 && !fit.levels.is_empty() {
                // One of the k positives whose fitted level is nearest mu.
                let len = fit.levels.len();
                let kk = self.magnitude_neighbours.min(len);
                let at = fit.levels.partition_point(|&(l, _)| l < mu);
                let from = at.saturating_sub(kk / 2).min(len - kk);
                out.push(fit.levels[from + rng.random_range(0..kk)].1.max(1) as f64);
                continue;
            }
            let r = fit.residuals[rng.random_range(0..fit.residuals.len())];
            out.push((mu + scale * r).exp().round().max(1.0));
        }
        for _ in 0..from_history {
            out.push(history[rng.random_range(0..history.len())] as f64);
        }
        for _ in 0..from_long {
            out.push(long[rng.random_range(0..long.len())] as f64);
        }
        if out.iter().all(|&v| v == 0.0) {
            out.clear();
            out.push(0.0);
            return;
        }
        out.resize(m, 0.0);
        out.sort_unstable_by(f64::total_cmp);
        if out[0] == out[m - 1] {
            out.truncate(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::expand;
    use super::*;
    use rand::SeedableRng;

    /// A hurdle fit with no features: P(y > 0) = σ(`logit`), log size `ln_size` + a residual.
    fn fixed_fit(
        logit: f64,
        ln_size: f64,
        residuals: Vec<f64>,
        config: &HurdleConfig,
    ) -> HurdleFit {
        HurdleFit {
            columns: Vec::new(),
            history_mix: config.history_mix,
            history_window: config.history_window,
            history_mix_full: config.history_mix_full,
            history_mix_saturation: config.history_mix_saturation,
            history_long_mix: config.history_long_mix,
            history_long_window: config.history_long_window,
            occurrence_floor: config.occurrence_floor,
            own_magnitude: config.own_magnitude,
            own_window: config.own_window(),
            residual_scale: config.residual_scale,
            residual_scale_active: config.residual_scale_active,
            boost_from_logistic: false,
            boost_weight: 1.0,
            magnitude_neighbours: config.magnitude_neighbours,
            standardiser: Standardiser {
                mean: Vec::new(),
                scale: Vec::new(),
            },
            magnitude_columns: Vec::new(),
            magnitude_standardiser: Standardiser {
                mean: Vec::new(),
                scale: Vec::new(),
            },
            horizons: vec![HorizonFit {
                occurrence: vec![logit],
                trees: None,
                magnitude: vec![ln_size],
                residuals,
                levels: Vec::new(),
                calibration: (0.0, 1.0),
            }],
            cutoff: 0,
            rows_h1: 0,
            positive_share_h1: 0.0,
        }
    }

    /// Every option off: no mixture, no floor, no own sizes, residuals as fitted.
    fn plain() -> HurdleConfig {
        HurdleConfig {
            history_mix: 0.0,
            history_mix_full: None,
            occurrence_floor: 0.0,
            own_magnitude: 0.0,
            residual_scale: 1.0,
            ..HurdleConfig::default()
        }
    }

    fn draws(fit: &HurdleFit, history: &[u32], m: usize) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut out = Vec::new();
        fit.draw(&[], history, 1, m, &mut rng, &mut out);
        expand(&out, m)
    }

    fn share(d: &[f64], f: impl Fn(f64) -> bool) -> f64 {
        d.iter().filter(|&&v| f(v)).count() as f64 / d.len() as f64
    }

    #[test]
    fn mixture_share_by_hand() {
        // Constant: 0 without deadly months, the base otherwise.
        assert_eq!(mixture_share(0.3, None, 0, 12), 0.0);
        assert_eq!(mixture_share(0.3, None, 1, 12), 0.3);
        assert_eq!(mixture_share(0.3, None, 12, 12), 0.3);
        // Linear from 0.3 at k = 1 to 0.9 at k = 12: k = 6 → 0.3 + 0.6 · 5/11.
        assert_eq!(mixture_share(0.3, Some(0.9), 1, 12), 0.3);
        assert!((mixture_share(0.3, Some(0.9), 6, 12) - (0.3 + 0.6 * 5.0 / 11.0)).abs() < 1e-15);
        assert!((mixture_share(0.3, Some(0.9), 12, 12) - 0.9).abs() < 1e-15);
        // A short window (start of the data) and clamping.
        assert_eq!(mixture_share(0.3, Some(0.9), 1, 1), 0.9);
        assert_eq!(mixture_share(0.3, Some(1.5), 12, 12), 1.0);
        assert_eq!(mixture_share(-0.2, None, 3, 12), 0.0);
        let c = HurdleConfig::default();
        assert_eq!(c.history_share(0, 12), 0.0);
        assert_eq!(c.history_share(1, 12), 0.3);
        assert_eq!(c.history_share(12, 12), 1.0);
        // The default saturates at four deadly months: 0.3 + 0.7·(k − 1)/3.
        assert!((c.history_share(2, 12) - (0.3 + 0.7 / 3.0)).abs() < 1e-15);
        assert!((c.history_share(3, 12) - (0.3 + 1.4 / 3.0)).abs() < 1e-15);
        assert_eq!(c.history_share(4, 12), 1.0);
        assert_eq!(c.history_share(7, 12), 1.0);
        // Without saturation the ramp runs over the whole window.
        let ramp = HurdleConfig {
            history_mix_saturation: None,
            ..HurdleConfig::default()
        };
        assert!((ramp.history_share(4, 12) - (0.3 + 0.7 * 3.0 / 11.0)).abs() < 1e-15);
        let constant = HurdleConfig {
            history_mix_full: None,
            ..HurdleConfig::default()
        };
        assert_eq!(constant.history_share(12, 12), 0.3);
    }

    #[test]
    fn saturating_share_by_hand() {
        // 0.3 at k = 1 to 1.0 at k = 3, constant above: k = 2 → 0.65.
        assert_eq!(saturating_share(0.3, Some(1.0), 0, 12, Some(3)), 0.0);
        assert_eq!(saturating_share(0.3, Some(1.0), 1, 12, Some(3)), 0.3);
        assert!((saturating_share(0.3, Some(1.0), 2, 12, Some(3)) - 0.65).abs() < 1e-15);
        assert_eq!(saturating_share(0.3, Some(1.0), 3, 12, Some(3)), 1.0);
        assert_eq!(saturating_share(0.3, Some(1.0), 7, 12, Some(3)), 1.0);
        // None = the window, i.e. mixture_share; a saturation above the window is the window.
        for k in 0..=12 {
            let plain = mixture_share(0.3, Some(0.9), k, 12);
            assert_eq!(saturating_share(0.3, Some(0.9), k, 12, None), plain);
            assert_eq!(saturating_share(0.3, Some(0.9), k, 12, Some(40)), plain);
        }
        // Saturation 1: the full share from the first deadly month.
        assert_eq!(saturating_share(0.3, Some(0.8), 1, 12, Some(1)), 0.8);
        let c = HurdleConfig {
            history_mix_saturation: Some(3),
            ..HurdleConfig::default()
        };
        assert!((c.history_share(2, 12) - 0.65).abs() < 1e-15);
        assert_eq!(HurdleConfig::default().history_needed(), 12);
        let long = HurdleConfig {
            history_long_mix: 0.1,
            ..HurdleConfig::default()
        };
        assert_eq!(long.history_needed(), 36);
    }

    #[test]
    fn saturating_mixture_draws() {
        // P(y > 0) ≈ 0 from the regression; two deadly months of 12 (4 and 9 deaths), share
        // 0.3 → 1.0 saturating at k = 3: 0.65 of draws from the history, half of them 4.
        let config = HurdleConfig {
            history_mix: 0.3,
            history_mix_full: Some(1.0),
            history_mix_saturation: Some(3),
            ..plain()
        };
        let fit = fixed_fit(-50.0, 0.0, vec![0.0], &config);
        let m = 20_000;
        let mut h = vec![0u32; 12];
        h[2] = 4;
        h[9] = 9;
        let d = draws(&fit, &h, m);
        let expected = 0.65 * 2.0 / 12.0;
        let sd = (expected * (1.0 - expected) / m as f64).sqrt();
        assert!((share(&d, |v| v > 0.0) - expected).abs() < 5.0 * sd);
        assert!((share(&d, |v| v == 4.0) - expected / 2.0).abs() < 5.0 * sd);
    }

    #[test]
    fn long_window_mixture_draws() {
        // Regression P(y > 0) ≈ 0. 36 months: the last 12 quiet, 6 deaths 20 months back and
        // 30 deaths 30 months back. Long share 0.3: 0.3 of draws from the 36 months, so
        // P(draw = 6) = P(draw = 30) = 0.3/36; nothing from the 12-month mixture (k12 = 0).
        let config = HurdleConfig {
            history_mix: 0.3,
            history_long_mix: 0.3,
            history_long_window: 36,
            ..plain()
        };
        let fit = fixed_fit(-50.0, 0.0, vec![0.0], &config);
        assert_eq!(fit.history_needed(), 36);
        let m = 40_000;
        let mut recent = vec![0u32; 36];
        recent[35 - 20] = 6;
        recent[35 - 30] = 30;
        let d = draws(&fit, &recent, m);
        let p = 0.3 / 36.0;
        let sd = (p * (1.0 - p) / m as f64).sqrt();
        assert!((share(&d, |v| v == 6.0) - p).abs() < 5.0 * sd);
        assert!((share(&d, |v| v == 30.0) - p).abs() < 5.0 * sd);
        assert_eq!(share(&d, |v| v == 0.0 || v == 6.0 || v == 30.0), 1.0);
        // One deadly month in the last 12 (5 deaths): 0.3 from the 12 months (P 0.3/12 of a
        // 5), then 0.3 of the remaining 0.7 from the 36 months (which hold 5, 6 and 30):
        // P(5) = 0.3/12 + 0.7·0.3/36.
        recent[35] = 5;
        let d = draws(&fit, &recent, m);
        let p5 = 0.3 / 12.0 + 0.7 * 0.3 / 36.0;
        let sd = (p5 * (1.0 - p5) / m as f64).sqrt();
        assert!((share(&d, |v| v == 5.0) - p5).abs() < 5.0 * sd);
        let p6 = 0.7 * 0.3 / 36.0;
        let sd = (p6 * (1.0 - p6) / m as f64).sqrt();
        assert!((share(&d, |v| v == 6.0) - p6).abs() < 5.0 * sd);
        // Off (long share 0): the same 36 months with a quiet last 12 give all zeros.
        let off = fixed_fit(
            -50.0,
            0.0,
            vec![0.0],
            &HurdleConfig {
                history_long_mix: 0.0,
                ..config
            },
        );
        recent[35] = 0;
        assert_eq!(draws(&off, &recent, 100), vec![0.0; 100]);
    }

    #[test]
    fn state_mixture_draws_more_history_for_busier_units() {
        // P(y > 0) ≈ 0 from the regression: every positive draw comes from the history.
        let config = HurdleConfig {
            history_mix: 0.2,
            history_mix_full: Some(0.8),
            ..plain()
        };
        let fit = fixed_fit(-50.0, 0.0, vec![0.0], &config);
        let m = 20_000;
        // One deadly month of 12 (7 deaths): 0.2 of draws from the history, 1/12 of those 7.
        let mut quiet = vec![0u32; 12];
        quiet[4] = 7;
        let d = draws(&fit, &quiet, m);
        let expected = 0.2 / 12.0;
        let sd = (expected * (1.0 - expected) / m as f64).sqrt();
        assert!((share(&d, |v| v == 7.0) - expected).abs() < 5.0 * sd);
        // Twelve of twelve (all 5): 0.8 of draws are 5.
        let d = draws(&fit, &[5; 12], m);
        let sd = (0.8f64 * 0.2 / m as f64).sqrt();
        assert!((share(&d, |v| v == 5.0) - 0.8).abs() < 5.0 * sd);
        // No deadly month: all zero (compressed to one value).
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut out = Vec::new();
        fit.draw(&[], &[0; 12], 1, m, &mut rng, &mut out);
        assert_eq!(out, vec![0.0]);
    }

    #[test]
    fn occurrence_floor_lifts_recently_active_units() {
        let config = HurdleConfig {
            history_mix: 0.0,
            occurrence_floor: 1.0,
            ..plain()
        };
        // σ(−50) ≈ 0, size e^ln(3) = 3; six deadly months of twelve → P(y > 0) = 0.5.
        let fit = fixed_fit(-50.0, 3f64.ln(), vec![0.0], &config);
        let m = 20_000;
        let history = [0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2];
        let d = draws(&fit, &history, m);
        let sd = (0.25 / m as f64).sqrt();
        assert!((share(&d, |v| v == 3.0) - 0.5).abs() < 5.0 * sd);
        assert_eq!(share(&d, |v| v == 0.0 || v == 3.0), 1.0);
        // Without the floor the regression's ≈ 0 stands.
        let fit = fixed_fit(
            -50.0,
            3f64.ln(),
            vec![0.0],
            &HurdleConfig {
                occurrence_floor: 0.0,
                ..config
            },
        );
        assert_eq!(draws(&fit, &history, m), vec![0.0; m]);
    }

    #[test]
    fn own_magnitude_and_residual_scale() {
        // P(y > 0) ≈ 1; sizes from the unit's own positive months {3, 40} only.
        let config = HurdleConfig {
            history_mix: 0.0,
            own_magnitude: 1.0,
            ..plain()
        };
        let fit = fixed_fit(50.0, 10f64.ln(), vec![-1.0, 1.0], &config);
        let history = [0, 3, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0];
        let m = 20_000;
        let d = draws(&fit, &history, m);
        assert_eq!(share(&d, |v| v == 3.0 || v == 40.0), 1.0);
        let sd = (0.25 / m as f64).sqrt();
        assert!((share(&d, |v| v == 40.0) - 0.5).abs() < 5.0 * sd);
        // Without own sizes: 10·e^(±s) rounded, s = 2 → 1 (10·e^−2 = 1.35) and 74 (73.89).
        let fit = fixed_fit(
            50.0,
            10f64.ln(),
            vec![-1.0, 1.0],
            &HurdleConfig {
                own_magnitude: 0.0,
                residual_scale: 2.0,
                ..config.clone()
            },
        );
        let d = draws(&fit, &history, m);
        assert_eq!(share(&d, |v| v == 1.0 || v == 74.0), 1.0);
        assert!((share(&d, |v| v == 74.0) - 0.5).abs() < 5.0 * sd);
        // Scale 2 only for recently active units: this one (two deadly months) gets 1 and 74;
        // a quiet unit keeps scale 1: 10·e^(±1) → 4 (3.68) and 27 (27.18).
        let fit = fixed_fit(
            50.0,
            10f64.ln(),
            vec![-1.0, 1.0],
            &HurdleConfig {
                own_magnitude: 0.0,
                residual_scale: 1.0,
                residual_scale_active: Some(2.0),
                ..config
            },
        );
        let d = draws(&fit, &history, m);
        assert_eq!(share(&d, |v| v == 1.0 || v == 74.0), 1.0);
        let d = draws(&fit, &[0; 12], m);
        assert_eq!(share(&d, |v| v == 4.0 || v == 27.0), 1.0);
        assert!((share(&d, |v| v == 27.0) - 0.5).abs() < 5.0 * sd);
    }

    #[test]
    fn neighbour_sizes_come_from_the_nearest_levels() {
        // P(y > 0) ≈ 1, fitted level ln 10; training positives at levels 1..=6 with sizes
        // 1, 2, 3, 50, 60, 70: the 2 nearest to ln 10 ≈ 2.303 are levels 2 and 3 (sizes 2, 3).
        let config = HurdleConfig {
            magnitude_neighbours: 2,
            ..plain()
        };
        let mut fit = fixed_fit(50.0, 10f64.ln(), vec![0.0], &config);
        fit.horizons[0].levels = vec![
            (1.0, 1),
            (2.0, 2),
            (3.0, 3),
            (4.0, 50),
            (5.0, 60),
            (6.0, 70),
        ];
        let m = 20_000;
        let d = draws(&fit, &[0; 12], m);
        assert_eq!(share(&d, |v| v == 2.0 || v == 3.0), 1.0);
        let sd = (0.25 / m as f64).sqrt();
        assert!((share(&d, |v| v == 3.0) - 0.5).abs() < 5.0 * sd);
        // k = 3 at a level above all of them: the top three (50, 60, 70).
        let mut fit = fixed_fit(
            50.0,
            100.0,
            vec![0.0],
            &HurdleConfig {
                magnitude_neighbours: 3,
                ..plain()
            },
        );
        fit.horizons[0].levels = vec![(1.0, 1), (2.0, 2), (4.0, 50), (5.0, 60), (6.0, 70)];
        let d = draws(&fit, &[0; 12], m);
        assert_eq!(share(&d, |v| v >= 50.0), 1.0);
        // k larger than the positives: all of them.
        let mut fit = fixed_fit(
            50.0,
            0.0,
            vec![0.0],
            &HurdleConfig {
                magnitude_neighbours: 10,
                ..plain()
            },
        );
        fit.horizons[0].levels = vec![(1.0, 4), (2.0, 9)];
        let d = draws(&fit, &[0; 12], m);
        assert_eq!(share(&d, |v| v == 4.0 || v == 9.0), 1.0);
        assert!(share(&d, |v| v == 9.0) > 0.45);
    }
}
