use serde::{Deserialize, Serialize};

/// A row that could not be accepted, with where and why. Quarantined rows are stored, never
/// silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QuarantineRecord {
    /// Path of the file as given to the ingest.
    pub file: String,
    /// 1-based line number where the row starts (a quoted field may span lines).
    pub line: u64,
    /// The offending column's name (or 1-based number when the file has no header), if any.
    pub column: Option<String>,
    /// The offending value, verbatim.
    pub value: String,
    /// What was expected, in words (`latitude in [-90, 90]`).
    pub reason: String,
    /// The whole raw row, fields joined by the source's delimiter.
    pub raw: String,
}
