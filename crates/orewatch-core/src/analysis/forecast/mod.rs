//! Outlook: probabilistic forecasts of lethal violence per PRIO-GRID cell-month (or
//! country-month), evaluated against the VIEWS baselines.
//!
//! - [`grid`]: PRIO-GRID cell ids.
//! - [`panel`]: zero-filled monthly fatalities per unit for a set of countries.
//! - [`features`]: what is known about a unit at a forecast origin (no later data).
//! - [`fit`]: ridge logistic and linear regression.
//! - [`model`]: the baselines and the hurdle model, drawing samples.
//! - [`outlook`]: forecasts from one origin with their summaries.
//! - [`score`]: scoring rules (CRPS, Brier, average precision, coverage, PIT, bootstrap).
//! - [`evaluate`]: rolling-origin evaluation against the baselines; the hurdle may be fitted
//!   on a wider training panel than the one scored (round 4: the Sahel and its neighbours).
//!
//! Units: fatalities are counts of people (UCDP GED `best`), months are calendar months,
//! horizons count months after the origin (the last observed month).

pub mod boost;
pub mod evaluate;
pub mod features;
pub mod fit;
pub mod grid;
pub mod model;
pub mod outlook;
pub mod panel;
pub mod score;

#[cfg(test)]
mod tests;
