//! Outlook: probabilistic forecasts of lethal violence per PRIO-GRID cell-month (or
//! country-month), and their evaluation against the VIEWS baselines.
//!
//! The products reach these through [`crate::assess::forecast`] (typed requests and results
//! with their provenance).
//!
//! - [`training`]: which countries a fit may read, given what the event source covers per
//!   country (no month outside a country's coverage is read as zero).
//! - [`grid`]: PRIO-GRID cell ids.
//! - [`panel`]: zero-filled monthly fatalities per unit for a set of countries.
//! - [`features`]: what is known about a unit at a forecast origin (no later data).
//! - [`fit`]: ridge logistic and linear regression; [`boost`]: boosted trees.
//! - [`model`]: the model list and the baselines; [`hurdle`]: the hurdle model.
//! - [`outlook`]: forecasts from one origin with their summaries; draws streamed to a sink.
//! - [`score`]: scoring rules (CRPS, Brier, average precision, coverage, PIT, bootstrap).
//! - [`evaluate`]: rolling-origin evaluation against the baselines.
//!
//! Units: fatalities are counts of people (UCDP GED `best`), months are calendar months,
//! horizons count months after the origin (the last observed month).

pub mod boost;
pub mod evaluate;
pub mod features;
pub mod fit;
pub mod grid;
pub mod hurdle;
pub mod model;
pub mod outlook;
pub mod panel;
pub mod score;
pub mod training;

#[cfg(test)]
mod tests;
