//! Evaluation: rolling-origin forecasts scored against what happened, with the VIEWS
//! baselines in the same table.
//!
//! For every origin month o in `first_origin ..= last_origin` and horizon h in 1 ..= H, each
//! model draws `samples` values for every unit's target in month o + h (which must lie inside
//! the data). The hurdle model is refitted once per calendar year of origins (at the year's
//! first origin, on outcomes up to that origin; an evaluation starting mid-year refits at its
//! first origin), never with data after the origin it forecasts from. Every unit of the panel
//! is scored at every origin, including cells that join the panel only through a later event
//! (their earlier months are zeros; training leaves them out until their first event).
//!
//! Scores (see [`super::score`]): CRPS (NRG sample estimator), MSE of the sample mean, MSLE of
//! ln(1 + mean), Brier for P(y ≥ 1) and P(y ≥ 25), average precision of P(y ≥ 1), coverage of
//! the central 50% and 90% intervals (type-7 quantiles) and the PIT histogram — over all
//! unit-months (pooled) and over those with y > 0 (active). For CRPS (pooled and active) and
//! Brier(≥ 1) each non-baseline model is compared with the best baseline on that score: the
//! mean paired difference (model − baseline; negative is better) with a 90% moving-block
//! bootstrap interval, blocks of `block_len` consecutive origins.
//!
//! Training panel ([`evaluate_with_training`]): the hurdle models may be FITTED on another
//! panel (e.g. all of West Africa, for more positive cell-months per fit) while everything
//! scored stays the evaluated panel's: its units, targets, features at the origin, the history
//! mixture's own months and the baselines. Both panels must cover the same months (same month
//! indexes) and be built with the same code and target; the fit at origin t uses only the
//! training panel's data ≤ t, as on one panel. Events count in a panel only when their country
//! is one of the panel's, so a border cell's series can differ between the two panels: the
//! evaluated panel's series are the ones scored.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::features::{FeatureMatrix, FeatureSource};
use super::hurdle::{fit_hurdle, fit_hurdle_magnitude, HurdleConfig, HurdleFit};
use super::model::{draw, Fitted, ModelSpec};
use super::panel::{Month, Target};
use super::score::{average_precision, block_bootstrap_interval, score_sorted, ScoreSummary};
use crate::analysis::AnalysisError;

/// What to evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalSpec {
    pub first_origin: Month,
    pub last_origin: Month,
    /// Largest horizon, months (1 ..= 36).
    pub horizon: usize,
    /// Draws per unit-month.
    pub samples: usize,
    pub seed: u64,
    pub target: Target,
    pub models: Vec<ModelSpec>,
    pub bootstrap_replicates: usize,
    /// Consecutive origins per bootstrap block.
    pub block_len: u32,
}

impl EvalSpec {
    /// The baselines and the default model, 1,000 draws, seed 1, 1,000 bootstrap replicates
    /// in blocks of 12 origins.
    pub fn new(first_origin: Month, last_origin: Month, horizon: usize) -> EvalSpec {
        let mut models = ModelSpec::baselines();
        models.push(super::model::ModelName::DEFAULT.spec());
        EvalSpec {
            first_origin,
            last_origin,
            horizon,
            samples: 1000,
            seed: 1,
            target: Target::All,
            models,
            bootstrap_replicates: 1000,
            block_len: 12,
        }
    }
}

/// One model's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelScores {
    pub model: String,
    pub baseline: bool,
    pub pooled: ScoreSummary,
    pub active: ScoreSummary,
    /// The same scores by the unit's recent history at the origin ([`HISTORY_BINS`]): where a
    /// model wins or loses — breakouts (no deadly month) or persistent violence.
    pub by_history: Vec<HistoryScores>,
}

/// Bins of the number of months with deaths among a unit's last 12 at the origin.
pub const HISTORY_BINS: [(&str, usize, usize); 5] = [
    ("0", 0, 0),
    ("1", 1, 1),
    ("2-3", 2, 3),
    ("4-6", 4, 6),
    ("7-12", 7, 12),
];

fn history_bin(deadly_months: usize) -> usize {
    HISTORY_BINS
        .iter()
        .position(|&(_, lo, hi)| (lo..=hi).contains(&deadly_months))
        .unwrap_or(HISTORY_BINS.len() - 1)
}

/// Mean scores of the unit-months of one history bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryScores {
    /// Deadly months among the last 12 at the origin ("0", "1", "2-3", "4-6", "7-12").
    pub deadly_months: String,
    /// Unit-months in the bin, and those with deaths.
    pub n: usize,
    pub n_active: usize,
    /// Mean CRPS over the bin, and over its unit-months with deaths.
    pub crps: f64,
    pub crps_active: f64,
    pub brier_1: f64,
    /// Mean forecast P(y ≥ 1).
    pub p_any: f64,
}

/// A headline score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Headline {
    /// CRPS.
    Crps,
    /// Brier score of P(deaths ≥ 1).
    #[serde(rename = "brier_1")]
    Brier1,
}

impl Headline {
    pub fn as_str(self) -> &'static str {
        match self {
            Headline::Crps => "crps",
            Headline::Brier1 => "brier_1",
        }
    }
}

/// The unit-months a score is averaged over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subset {
    /// Every scored unit-month.
    Pooled,
    /// Those with deaths (y ≥ 1).
    Active,
}

impl Subset {
    pub fn as_str(self) -> &'static str {
        match self {
            Subset::Pooled => "pooled",
            Subset::Active => "active",
        }
    }
}

/// The three headline scores, in table order: CRPS pooled, CRPS active, Brier(≥ 1) pooled.
pub const HEADLINES: [(Headline, Subset); 3] = [
    (Headline::Crps, Subset::Pooled),
    (Headline::Crps, Subset::Active),
    (Headline::Brier1, Subset::Pooled),
];

/// A model compared with the best baseline on one score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    pub model: String,
    pub score: Headline,
    pub subset: Subset,
    pub best_baseline: String,
    pub model_value: f64,
    pub baseline_value: f64,
    /// Mean of model − baseline (negative: the model is better).
    pub difference: f64,
    /// `difference` / `baseline_value`.
    pub relative: f64,
    /// 90% moving-block bootstrap interval of `difference`; None when no unit-month was
    /// scored in the subset.
    pub lower90: Option<f64>,
    pub upper90: Option<f64>,
}

impl Difference {
    /// `better` (interval below 0), `worse` (above 0) or `not distinguishable`.
    pub fn verdict(&self) -> &'static str {
        match (self.lower90, self.upper90) {
            (_, Some(hi)) if hi < 0.0 => "better",
            (Some(lo), _) if lo > 0.0 => "worse",
            _ => "not distinguishable",
        }
    }
}

/// One refit of the fitted models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefitInfo {
    /// The last month whose outcome the fit saw.
    pub cutoff: Month,
    pub training_rows_h1: usize,
    pub positive_share_h1: f64,
}

/// The evaluation's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub spec: EvalSpec,
    pub units: usize,
    pub origins: usize,
    /// Scored unit-months per model.
    pub unit_months: usize,
    /// Share of scored unit-months with y > 0.
    pub active_share: f64,
    pub scores: Vec<ModelScores>,
    pub differences: Vec<Difference>,
    pub refits: Vec<RefitInfo>,
}

#[derive(Debug, Clone, Default)]
struct Sums {
    n: usize,
    crps: f64,
    sq_err: f64,
    sq_log_err: f64,
    brier_1: f64,
    brier_25: f64,
    in50: usize,
    in90: usize,
    pit: [f64; 10],
}

impl Sums {
    fn add(&mut self, s: &super::score::UnitScore) {
        self.n += 1;
        self.crps += s.crps;
        self.sq_err += s.sq_err;
        self.sq_log_err += s.sq_log_err;
        self.brier_1 += s.brier_1;
        self.brier_25 += s.brier_25;
        self.in50 += s.in50 as usize;
        self.in90 += s.in90 as usize;
        for (a, b) in self.pit.iter_mut().zip(&s.pit) {
            *a += b;
        }
    }
    fn merge(&mut self, o: &Sums) {
        self.n += o.n;
        self.crps += o.crps;
        self.sq_err += o.sq_err;
        self.sq_log_err += o.sq_log_err;
        self.brier_1 += o.brier_1;
        self.brier_25 += o.brier_25;
        self.in50 += o.in50;
        self.in90 += o.in90;
        for (a, b) in self.pit.iter_mut().zip(&o.pit) {
            *a += b;
        }
    }
    fn summary(&self, average_precision: Option<f64>) -> ScoreSummary {
        let n = self.n.max(1) as f64;
        let pit_total: f64 = self.pit.iter().sum();
        ScoreSummary {
            n: self.n,
            crps: self.crps / n,
            mse: self.sq_err / n,
            msle: self.sq_log_err / n,
            brier_1: self.brier_1 / n,
            brier_25: self.brier_25 / n,
            average_precision,
            coverage50: self.in50 as f64 / n,
            coverage90: self.in90 as f64 / n,
            pit: self
                .pit
                .map(|v| if pit_total > 0.0 { v / pit_total } else { 0.0 }),
        }
    }
}

/// Per unit-month values kept for the bootstrap and average precision.
#[derive(Debug, Clone, Copy)]
struct Kept {
    crps: f64,
    brier_1: f64,
    p_any: f32,
}

/// One origin's scores: per model sums (pooled, active) and kept values in (h, unit) order.
struct OriginScores {
    pooled: Vec<Sums>,
    active: Vec<Sums>,
    kept: Vec<Vec<Kept>>,
    outcomes: Vec<u32>,
    /// History bin of each unit-month (same order as `outcomes`).
    bins: Vec<u8>,
}

/// Mean scores per history bin of kept per-unit-month values.
fn history_scores(values: &[Kept], bins: &[u8], active: &[bool]) -> Vec<HistoryScores> {
    // Per bin: n, n active, Σ CRPS, Σ CRPS active, Σ Brier, Σ p_any.
    let mut acc = [(0usize, 0usize, 0.0, 0.0, 0.0, 0.0); HISTORY_BINS.len()];
    for ((k, &b), &a) in values.iter().zip(bins).zip(active) {
        let e = &mut acc[b as usize];
        e.0 += 1;
        e.2 += k.crps;
        e.4 += k.brier_1;
        e.5 += k.p_any as f64;
        if a {
            e.1 += 1;
            e.3 += k.crps;
        }
    }
    HISTORY_BINS
        .iter()
        .zip(acc)
        .map(
            |(&(label, _, _), (n, na, crps, crps_a, brier, p))| HistoryScores {
                deadly_months: label.to_string(),
                n,
                n_active: na,
                crps: crps / n.max(1) as f64,
                crps_active: crps_a / na.max(1) as f64,
                brier_1: brier / n.max(1) as f64,
                p_any: p / n.max(1) as f64,
            },
        )
        .collect()
}

/// A training panel: its features and feature matrix (same months and target as the panel
/// evaluated or forecast); None: fit on that panel itself.
pub type TrainingPanel<'a> = Option<(&'a FeatureSource<'a>, &'a FeatureMatrix)>;

/// Runs the evaluation. `src` and `matrix` must be built from the same panel and target.
pub fn evaluate(
    spec: &EvalSpec,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
) -> Result<Evaluation, AnalysisError> {
    evaluate_with_training(spec, src, matrix, &|_| None)
}

/// The origins at which an evaluation from `first` to `last` refits its models: the first
/// origin and every January after it.
pub fn refit_origins(first: Month, last: Month) -> Vec<Month> {
    let mut out = vec![first];
    let mut t = first.plus(1);
    while t <= last {
        if t.month() == 1 {
            out.push(t);
        }
        t = t.plus(1);
    }
    out
}

/// Refuses a training panel that does not cover the evaluated panel's months (the month
/// indexes of the two must mean the same months).
pub fn check_training(src: &FeatureSource, training: TrainingPanel) -> Result<(), AnalysisError> {
    let (panel, Some((fit_src, _))) = (src.panel(), training) else {
        return Ok(());
    };
    let fit_panel = fit_src.panel();
    if fit_panel.first_month != panel.first_month || fit_panel.n_months != panel.n_months {
        return Err(AnalysisError::Data(format!(
            "the training panel covers {} to {}, the evaluated panel {} to {}: they must cover \
             the same months",
            fit_panel.first_month,
            fit_panel.last_month(),
            panel.first_month,
            panel.last_month()
        )));
    }
    Ok(())
}

/// Fits `config` on outcomes up to month index `cutoff`: on the training panel when there is
/// one (with the magnitude on the evaluated panel when `magnitude_on_evaluated_panel`), else
/// on the evaluated panel. Call [`check_training`] first.
pub fn fit_hurdle_with_training(
    config: &HurdleConfig,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
    training: TrainingPanel,
    target: Target,
    cutoff: usize,
    horizon: usize,
) -> Result<HurdleFit, AnalysisError> {
    let Some((fit_src, fit_matrix)) = training else {
        return fit_hurdle(config, src, matrix, target, cutoff, horizon);
    };
    let mut fit = fit_hurdle(config, fit_src, fit_matrix, target, cutoff, horizon)?;
    if config.magnitude_on_evaluated_panel {
        let own = fit_hurdle_magnitude(config, src, matrix, target, cutoff, horizon)?;
        fit = fit.with_magnitude_of(&own);
    }
    if config.recalibrate_on_evaluated_panel {
        fit = fit.recalibrated_on(src, matrix, target, config);
    }
    Ok(fit)
}

/// As [`evaluate`], with the fitted models trained, at each refit (month index of its cutoff),
/// on the panel `training` gives for that cutoff (another panel's features and feature matrix,
/// same months and target; None: the evaluated panel itself).
pub fn evaluate_with_training<'t>(
    spec: &EvalSpec,
    src: &FeatureSource,
    matrix: &FeatureMatrix,
    training: &dyn Fn(usize) -> TrainingPanel<'t>,
) -> Result<Evaluation, AnalysisError> {
    let panel = src.panel();
    if !(1..=36).contains(&spec.horizon) {
        return Err(AnalysisError::bad(
            "horizon",
            spec.horizon,
            "1 to 36 months",
        ));
    }
    if spec.samples == 0 {
        return Err(AnalysisError::bad("samples", 0, "at least 1 draw"));
    }
    if spec.models.is_empty() {
        return Err(AnalysisError::bad("models", "", "at least one model"));
    }
    let first = panel.month_index(spec.first_origin).ok_or_else(|| {
        AnalysisError::bad(
            "from",
            spec.first_origin,
            format!(
                "an origin inside the data ({} to {})",
                panel.first_month,
                panel.last_month()
            ),
        )
    })?;
    let last = panel.month_index(spec.last_origin).ok_or_else(|| {
        AnalysisError::bad(
            "to",
            spec.last_origin,
            format!(
                "an origin inside the data ({} to {})",
                panel.first_month,
                panel.last_month()
            ),
        )
    })?;
    if last < first {
        return Err(AnalysisError::bad(
            "to",
            spec.last_origin,
            "no earlier than --from",
        ));
    }
    if spec.block_len == 0 {
        return Err(AnalysisError::bad(
            "block-len",
            0,
            "at least 1 origin per bootstrap block",
        ));
    }
    if panel.n_months <= spec.horizon {
        return Err(AnalysisError::Data(format!(
            "the data hold {} months, no more than the {}-month horizon: nothing to evaluate",
            panel.n_months, spec.horizon
        )));
    }
    if last + spec.horizon >= panel.n_months {
        return Err(AnalysisError::bad(
            "to",
            spec.last_origin,
            format!(
                "an origin whose {}-month horizon ends inside the data (last month {}): at most {}",
                spec.horizon,
                panel.last_month(),
                panel.month_at(panel.n_months - 1 - spec.horizon)
            ),
        ));
    }

    let refit_at: Vec<usize> = refit_origins(spec.first_origin, spec.last_origin)
        .into_iter()
        .filter_map(|m| panel.month_index(m))
        .collect();
    let mut fits: Vec<(usize, Vec<Option<HurdleFit>>)> = Vec::new();
    for &cutoff in &refit_at {
        let training = training(cutoff);
        check_training(src, training)?;
        let per_model = spec
            .models
            .iter()
            .map(|m| match m {
                ModelSpec::Hurdle(config) => fit_hurdle_with_training(
                    config,
                    src,
                    matrix,
                    training,
                    spec.target,
                    cutoff,
                    spec.horizon,
                )
                .map(Some),
                _ => Ok(None),
            })
            .collect::<Result<Vec<_>, _>>()?;
        fits.push((cutoff, per_model));
    }
    let refits = fits
        .iter()
        .filter_map(|(cutoff, per_model)| {
            per_model.iter().flatten().next().map(|f| RefitInfo {
                cutoff: panel.month_at(*cutoff),
                training_rows_h1: f.rows_h1,
                positive_share_h1: f.positive_share_h1,
            })
        })
        .collect();

    let units = panel.units.len();
    let n_models = spec.models.len();
    let mut per_origin: Vec<OriginScores> = (first..=last)
        .into_par_iter()
        .map(|t| {
            let (_, fitted) = fits
                .iter()
                .rev()
                .find(|(cutoff, _)| *cutoff <= t)
                .expect("the first origin is a refit point");
            let models: Vec<Fitted> = spec
                .models
                .iter()
                .zip(fitted)
                .map(|(m, f)| match f {
                    Some(fit) => Fitted::Hurdle(fit),
                    None => Fitted::Baseline(m),
                })
                .collect();
            let mut out = OriginScores {
                pooled: vec![Sums::default(); n_models],
                active: vec![Sums::default(); n_models],
                kept: vec![Vec::with_capacity(spec.horizon * units); n_models],
                outcomes: Vec::with_capacity(spec.horizon * units),
                bins: Vec::with_capacity(spec.horizon * units),
            };
            let keys: Vec<u64> = spec
                .models
                .iter()
                .map(|m| super::model::model_key(&m.name()))
                .collect();
            let mut buf = Vec::with_capacity(spec.samples);
            for h in 1..=spec.horizon {
                for u in 0..units {
                    let series = panel.series(spec.target, u);
                    let y = series[t + h];
                    out.outcomes.push(y);
                    let deadly = series[(t + 1).saturating_sub(12)..=t]
                        .iter()
                        .filter(|&&v| v > 0)
                        .count();
                    out.bins.push(history_bin(deadly) as u8);
                    let features = matrix.row(u, t);
                    for (mi, model) in models.iter().enumerate() {
                        let seed = super::model::stream_seed(
                            spec.seed,
                            keys[mi],
                            panel.month_at(t).0 as usize,
                            h,
                            panel.units[u].id as usize,
                        );
                        draw(model, series, features, t, h, spec.samples, seed, &mut buf);
                        let s = score_sorted(&buf, y as f64);
                        out.pooled[mi].add(&s);
                        if y > 0 {
                            out.active[mi].add(&s);
                        }
                        out.kept[mi].push(Kept {
                            crps: s.crps,
                            brier_1: s.brier_1,
                            p_any: s.p_any as f32,
                        });
                    }
                }
            }
            out
        })
        .collect();

    // Per model: totals, kept values in (origin, h, unit) order.
    let outcomes: Vec<u32> = per_origin
        .iter()
        .flat_map(|o| o.outcomes.iter().copied())
        .collect();
    let time: Vec<u32> = per_origin
        .iter()
        .enumerate()
        .flat_map(|(i, o)| std::iter::repeat_n(i as u32, o.outcomes.len()))
        .collect();
    let active_mask: Vec<bool> = outcomes.iter().map(|&y| y > 0).collect();
    let bins: Vec<u8> = per_origin
        .iter()
        .flat_map(|o| o.bins.iter().copied())
        .collect();
    let mut scores = Vec::with_capacity(n_models);
    let mut kept: Vec<Vec<Kept>> = Vec::with_capacity(n_models);
    for (mi, model) in spec.models.iter().enumerate() {
        let mut pooled = Sums::default();
        let mut active = Sums::default();
        for o in &per_origin {
            pooled.merge(&o.pooled[mi]);
            active.merge(&o.active[mi]);
        }
        // Moved out of the per-origin results (not copied): they are not read again.
        let values: Vec<Kept> = per_origin
            .iter_mut()
            .flat_map(|o| std::mem::take(&mut o.kept[mi]))
            .collect();
        let p_any: Vec<f64> = values.iter().map(|k| k.p_any as f64).collect();
        let ap = average_precision(&p_any, &active_mask);
        scores.push(ModelScores {
            model: model.name(),
            baseline: model.is_baseline(),
            pooled: pooled.summary(ap),
            active: active.summary(None),
            by_history: history_scores(&values, &bins, &active_mask),
        });
        kept.push(values);
    }

    // Differences against the best baseline on each headline score.
    let mut differences = Vec::new();
    for (score, subset) in HEADLINES {
        let pick = |k: &Kept| match score {
            Headline::Crps => k.crps,
            Headline::Brier1 => k.brier_1,
        };
        let summary = |ms: &ModelScores| -> f64 {
            let s = match subset {
                Subset::Pooled => &ms.pooled,
                Subset::Active => &ms.active,
            };
            match score {
                Headline::Crps => s.crps,
                Headline::Brier1 => s.brier_1,
            }
        };
        let Some(best) = (0..n_models)
            .filter(|&i| scores[i].baseline)
            .min_by(|&a, &b| summary(&scores[a]).total_cmp(&summary(&scores[b])))
        else {
            continue;
        };
        for mi in (0..n_models).filter(|&i| !scores[i].baseline) {
            let (diffs, times): (Vec<f64>, Vec<u32>) = kept[mi]
                .iter()
                .zip(&kept[best])
                .zip(&time)
                .zip(&active_mask)
                .filter(|(_, &a)| subset == Subset::Pooled || a)
                .map(|(((m, b), &t), _)| (pick(m) - pick(b), t))
                .unzip();
            let interval = (!diffs.is_empty()).then(|| {
                block_bootstrap_interval(
                    &diffs,
                    &times,
                    spec.block_len,
                    spec.bootstrap_replicates,
                    spec.seed,
                )
            });
            let model_value = summary(&scores[mi]);
            let baseline_value = summary(&scores[best]);
            let difference = diffs.iter().sum::<f64>() / diffs.len().max(1) as f64;
            differences.push(Difference {
                model: scores[mi].model.clone(),
                score,
                subset,
                best_baseline: scores[best].model.clone(),
                model_value,
                baseline_value,
                difference,
                relative: difference / baseline_value,
                lower90: interval.map(|i| i.0),
                upper90: interval.map(|i| i.1),
            });
        }
    }

    let unit_months = outcomes.len();
    Ok(Evaluation {
        spec: spec.clone(),
        units,
        origins: last + 1 - first,
        unit_months,
        active_share: active_mask.iter().filter(|&&a| a).count() as f64 / unit_months.max(1) as f64,
        scores,
        differences,
        refits,
    })
}
