//! The forecast models and how they draw: the VIEWS baselines and the hurdle model
//! ([`super::hurdle`]). Each gives, for a unit, an origin month t (the last observed month) and
//! a horizon h (months ahead), `m` draws of the deaths in month t + h, sorted ascending.
//!
//! Baselines (VIEWS): `zero` (all draws 0), `last` (point mass at the origin month's value),
//! `mean12` (point mass at the mean of the last 12 months), `conflictology12` /
//! `conflictology36` (each draw one of the unit's last 12 / 36 monthly values, uniformly with
//! replacement; fewer at the start of the data).
//!
//! Random numbers: every unit-month has its own stream ([`stream_seed`]: the run's seed, the
//! model's name, the origin month, the horizon and the unit's id), so draws depend neither on
//! thread scheduling nor on which other units or models a run holds.
//!
//! Compressed draws: when all m draws are equal the output holds ONE value standing for all
//! of them; every score (CRPS, quantiles, probabilities, PIT) is then exactly that of the m
//! equal draws. [`expand`] writes out the m draws.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::hurdle::{HurdleConfig, HurdleFit};
use super::panel::Month;

/// The last forecast origin the fitted models' configurations were tuned on (targets up to
/// 2019-12); later origins are the fresh span they were judged on once
/// (bench/forecast_eval/PROTOCOL.md).
pub const LAST_TUNING_ORIGIN: Month = Month::new(2018, 12);

/// The models a user can name (`orewatch forecast --model`, `evaluate --models`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelName {
    Zero,
    Last,
    Mean12,
    Conflictology12,
    Conflictology36,
    Hurdle,
    HurdleRecent,
}

impl ModelName {
    /// Every named model, baselines first, in table order.
    pub const ALL: [ModelName; 7] = [
        ModelName::Zero,
        ModelName::Last,
        ModelName::Mean12,
        ModelName::Conflictology12,
        ModelName::Conflictology36,
        ModelName::Hurdle,
        ModelName::HurdleRecent,
    ];

    /// The default model of `orewatch forecast`, `evaluate` and the brief: the frozen model
    /// ranked first by the protocol's criterion on the fresh span (origins 2019-01..2021-12;
    /// bench/forecast_eval/PROTOCOL.md §4.3, the result in bench/RESULTS.md).
    pub const DEFAULT: ModelName = ModelName::HurdleRecent;

    pub fn as_str(self) -> &'static str {
        match self {
            ModelName::Zero => "zero",
            ModelName::Last => "last",
            ModelName::Mean12 => "mean12",
            ModelName::Conflictology12 => "conflictology12",
            ModelName::Conflictology36 => "conflictology36",
            ModelName::Hurdle => "hurdle",
            ModelName::HurdleRecent => "hurdle_recent",
        }
    }

    /// The model's full specification.
    pub fn spec(self) -> ModelSpec {
        match self {
            ModelName::Zero => ModelSpec::Zero,
            ModelName::Last => ModelSpec::Last,
            ModelName::Mean12 => ModelSpec::RollingMean { window: 12 },
            ModelName::Conflictology12 => ModelSpec::Conflictology { window: 12 },
            ModelName::Conflictology36 => ModelSpec::Conflictology { window: 36 },
            ModelName::Hurdle => ModelSpec::Hurdle(HurdleConfig::default()),
            ModelName::HurdleRecent => ModelSpec::Hurdle(HurdleConfig::recent()),
        }
    }
}

/// A model to run, with everything that defines it.
// A handful of specs exist per run (never in a hot loop or a large collection), so the size of
// the `Hurdle` variant does not matter; boxing it would only add noise at every use.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum ModelSpec {
    Zero,
    Last,
    RollingMean { window: usize },
    Conflictology { window: usize },
    Hurdle(HurdleConfig),
}

impl ModelSpec {
    /// The baselines, in table order.
    pub fn baselines() -> Vec<ModelSpec> {
        ModelName::ALL
            .iter()
            .map(|m| m.spec())
            .filter(ModelSpec::is_baseline)
            .collect()
    }

    pub fn name(&self) -> String {
        match self {
            ModelSpec::Zero => "zero".into(),
            ModelSpec::Last => "last".into(),
            ModelSpec::RollingMean { window } => format!("mean{window}"),
            ModelSpec::Conflictology { window } => format!("conflictology{window}"),
            ModelSpec::Hurdle(config) => config.name.clone(),
        }
    }

    pub fn is_baseline(&self) -> bool {
        !matches!(self, ModelSpec::Hurdle(_))
    }

    /// True for models that are fitted (and so use a training panel).
    pub fn is_fitted(&self) -> bool {
        !self.is_baseline()
    }
}

/// A model ready to draw: a baseline, or a fitted hurdle.
pub enum Fitted<'a> {
    Baseline(&'a ModelSpec),
    Hurdle(&'a HurdleFit),
}

/// A model's key in [`stream_seed`]: FNV-1a of its name, so a model draws the same numbers
/// whatever its position in a list, in `forecast` and in `evaluate`.
pub fn model_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Seed of one unit-month's stream: a SplitMix64 mix of the run seed, the model, the origin
/// month (`Month.0`), the horizon and the unit's id (gid), so results depend neither on thread
/// scheduling nor on which other units the panel holds.
pub fn stream_seed(seed: u64, model: u64, origin: usize, horizon: usize, unit: usize) -> u64 {
    let mut z = seed;
    for v in [model, origin as u64, horizon as u64, unit as u64] {
        z = splitmix(z ^ splitmix(v.wrapping_add(0x9E37_79B9_7F4A_7C15)));
    }
    z
}

/// A u64 mapped to [0, 1) (its top 53 bits).
pub(super) fn unit_interval(z: u64) -> f64 {
    (z >> 11) as f64 / (1u64 << 53) as f64
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Sorted draws (compressed when all equal) of unit `u`'s target at origin `t` + `h`.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    model: &Fitted,
    series: &[u32],
    features: &[f64],
    t: usize,
    h: usize,
    m: usize,
    seed: u64,
    out: &mut Vec<f64>,
) {
    out.clear();
    match model {
        Fitted::Baseline(ModelSpec::Zero) => out.push(0.0),
        Fitted::Baseline(ModelSpec::Last) => out.push(series[t] as f64),
        Fitted::Baseline(ModelSpec::RollingMean { window }) => {
            let from = (t + 1).saturating_sub(*window);
            let sum: u64 = series[from..=t].iter().map(|&v| v as u64).sum();
            out.push(sum as f64 / (t + 1 - from) as f64);
        }
        Fitted::Baseline(ModelSpec::Conflictology { window }) => {
            let from = (t + 1).saturating_sub(*window);
            let mut atoms: Vec<u32> = series[from..=t].to_vec();
            atoms.sort_unstable();
            if atoms[0] == atoms[atoms.len() - 1] {
                out.push(atoms[0] as f64);
                return;
            }
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut counts = vec![0usize; atoms.len()];
            for _ in 0..m {
                counts[rng.random_range(0..atoms.len())] += 1;
            }
            for (a, c) in atoms.iter().zip(counts) {
                out.extend(std::iter::repeat_n(*a as f64, c));
            }
        }
        Fitted::Baseline(ModelSpec::Hurdle(_)) => {
            unreachable!("a hurdle spec is always fitted before drawing")
        }
        Fitted::Hurdle(fit) => {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let from = (t + 1).saturating_sub(fit.history_needed());
            fit.draw(features, &series[from..=t], h, m, &mut rng, out);
        }
    }
}

/// The m draws a compressed draw set stands for.
pub fn expand(draws: &[f64], m: usize) -> Vec<f64> {
    if draws.len() == 1 {
        vec![draws[0]; m]
    } else {
        draws.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_and_specs() {
        let names: Vec<&str> = ModelName::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(
            names,
            [
                "zero",
                "last",
                "mean12",
                "conflictology12",
                "conflictology36",
                "hurdle",
                "hurdle_recent"
            ]
        );
        for m in ModelName::ALL {
            // The spec's name is the user-facing name; serde spells it the same.
            assert_eq!(m.spec().name(), m.as_str());
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.as_str())
            );
        }
        assert_eq!(ModelSpec::baselines().len(), 5);
        assert!(!ModelName::Hurdle.spec().is_baseline());
        // Every configured feature exists.
        for m in [ModelName::Hurdle, ModelName::HurdleRecent] {
            let ModelSpec::Hurdle(c) = m.spec() else {
                panic!("{m:?} is a hurdle");
            };
            assert_eq!(c.columns().unwrap().len(), c.features.len());
            assert!(!c.magnitude_columns().unwrap().is_empty());
        }
    }

    #[test]
    fn specs_round_trip_as_json_and_partial_configs_take_the_defaults() {
        for m in ModelName::ALL {
            let spec = m.spec();
            let text = serde_json::to_string(&spec).unwrap();
            assert_eq!(serde_json::from_str::<ModelSpec>(&text).unwrap(), spec);
        }
        let partial: ModelSpec =
            serde_json::from_str(r#"{"model": "hurdle", "name": "candidate", "history_mix": 0.4}"#)
                .unwrap();
        let ModelSpec::Hurdle(c) = partial else {
            panic!("a hurdle");
        };
        assert_eq!(c.name, "candidate");
        assert_eq!(c.history_mix, 0.4);
        assert_eq!(c.features, HurdleConfig::default().features);
        // A misspelt field is an error, never ignored.
        assert!(
            serde_json::from_str::<ModelSpec>(r#"{"model": "hurdle", "histroy_mix": 0.4}"#)
                .is_err()
        );
    }
}
