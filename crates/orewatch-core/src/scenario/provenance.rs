//! Where a scenario's number comes from: a cited source, a stated assumption, a data link
//! into the store, or derivation from other variables.

use serde::{Deserialize, Serialize};

/// Where an input's range comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    Source(String),
    Assumption(String),
    Data(String),
    Derived,
}
