//! Analyses: pure functions from the model (and parameters) to result tables. No I/O, no
//! printing. One module per question.
//!
//! - [`events`]: which events an analysis uses (one source at a time, precision and violence
//!   filters) and the period a source states it covers.

pub mod admin;
pub mod cahra;
pub mod events;

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
