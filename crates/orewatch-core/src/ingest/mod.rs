//! Readers: one module per source format, each turning a file into model records.
//!
//! Every reader streams its input row by row, reads columns by name, reports the layout it
//! detected, and never loses a row: a row it cannot accept becomes a [`QuarantineRecord`]
//! naming the file, line, column, value and what was expected; a suspicious but possible row
//! is kept and flagged. Only a file that cannot be read at all (I/O error, unknown layout,
//! broken JSON) is a hard [`IngestError`].
//!
//! Readers do not deduplicate across files, link sites across sources or compute statistics:
//! that is the job of the ingest plan (`ingest::plan`) and the analyses.

pub mod acled;
pub mod boundaries;
pub mod countries;
pub mod csv_rows;
pub mod ged;
pub mod layouts;
pub mod link;
pub mod pieces;
pub mod plan;
pub mod production_dedup;
pub mod production_long;
pub mod resaved;
pub mod tabulated_sites;
pub mod text;
pub mod ucdp_actors;
pub mod usgs_mcs;
pub mod usgs_sites;
pub mod wgi;

use std::path::PathBuf;

use crate::model::QuarantineRecord;

/// What a reader produced from one file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOutcome<T> {
    /// The layout the reader detected, in words (`UCDP GED full (49 columns)`).
    pub layout: String,
    pub records: Vec<T>,
    pub quarantined: Vec<QuarantineRecord>,
    /// Data rows read (header and HXL tag rows excluded; for GeoJSON, features).
    pub rows_read: u64,
    /// Rows kept but flagged as suspicious.
    pub flagged: u64,
    /// Things the user should know (`1 site without coordinates: MLI-HT-14 …`).
    pub notes: Vec<String>,
}

impl<T> ReadOutcome<T> {
    pub fn new(layout: impl Into<String>) -> Self {
        ReadOutcome {
            layout: layout.into(),
            records: Vec::new(),
            quarantined: Vec::new(),
            rows_read: 0,
            flagged: 0,
            notes: Vec::new(),
        }
    }
}

/// Opens a source file; a failure is [`IngestError::Io`] naming the path.
pub(crate) fn open_source(path: &std::path::Path) -> Result<std::fs::File, IngestError> {
    std::fs::File::open(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// `(line, column, value, reason)` of each quarantined row, for tests to compare in one go.
#[cfg(test)]
impl<T> ReadOutcome<T> {
    pub(crate) fn quarantine_summary(&self) -> Vec<(u64, Option<&str>, &str, &str)> {
        self.quarantined
            .iter()
            .map(|q| {
                (
                    q.line,
                    q.column.as_deref(),
                    q.value.as_str(),
                    q.reason.as_str(),
                )
            })
            .collect()
    }
}

/// A file that cannot be ingested at all. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: cannot read the file: {source}. Check that the path exists and is readable.")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: unknown layout: {detail}. Expected {expected}. If this is a newer release of a supported source, please report its header.")]
    UnknownLayout {
        path: PathBuf,
        detail: String,
        expected: String,
    },
    #[error("{path}, line {line}: {found}. {}", resaved::ADVICE)]
    Damaged {
        path: PathBuf,
        line: u64,
        /// What was found and what was expected.
        found: String,
    },
    #[error("{path}, line {line}: {message}")]
    Malformed {
        path: PathBuf,
        line: u64,
        message: String,
    },
}
