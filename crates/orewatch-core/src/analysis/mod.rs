//! Analyses: pure functions from the model (and parameters) to result tables. No I/O, no
//! printing. One module per question.
//!
//! - [`admin`]: which admin-1 region a point lies in (point-in-polygon), region areas.
//! - [`cahra`]: conflict-affected and high-risk areas by explicit, cited rules.
//! - [`coverage`]: which countries and periods each event source covers, and the lookup
//!   every analysis asks before reading the absence of events as the absence of violence.
//! - [`events`]: which events an analysis uses (one source at a time, precision and violence
//!   filters) and the period a source states it covers.
//! - [`exposure`]: armed violence around mine sites.
//! - [`forecast`]: probabilistic forecasts of fatalities per cell-month and their evaluation.
//! - [`sites`]: choosing sites (`--sites` filters).
//! - [`stats`]: exact tests shared by the analyses.
//! - [`supply`]: concentration and governance exposure of world supply; disruptions.

pub mod admin;
pub mod cahra;
pub mod cahra_countries;
pub mod coverage;
pub mod events;
pub mod exposure;
pub mod forecast;
pub mod sites;
pub mod stats;
pub mod supply;

use thiserror::Error;

/// A parameter or data problem that stops an analysis, worded for the user.
#[derive(Debug, Error, PartialEq)]
pub enum AnalysisError {
    #[error("invalid parameter {name} = {value}: {expected}")]
    BadParameter {
        name: &'static str,
        value: String,
        expected: String,
    },
    #[error("{0}")]
    Data(String),
}

impl AnalysisError {
    pub fn bad(name: &'static str, value: impl ToString, expected: impl Into<String>) -> Self {
        AnalysisError::BadParameter {
            name,
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}
