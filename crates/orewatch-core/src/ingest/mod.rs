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
/// Kept at its old path: the table is in the model ([`crate::model::countries`]).
pub use crate::model::countries;
pub mod csv_rows;
pub mod eu_crm;
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

/// The largest JSON file a reader parses whole (GeoJSON, TopoJSON), in bytes: 512 MiB, about
/// ten times Natural Earth's largest layer. JSON nesting is limited by serde_json (128
/// levels), so no input overflows the stack.
pub const MAX_JSON_BYTES: u64 = 512 * 1024 * 1024;

/// Parses a whole JSON document from `input` (at most [`MAX_JSON_BYTES`]); `expected` says in
/// words what the reader takes. A larger input stops being read at the limit.
pub(crate) fn read_json<R: std::io::Read>(
    input: R,
    file: &str,
    expected: &str,
) -> Result<serde_json::Value, IngestError> {
    read_json_limited(input, file, expected, MAX_JSON_BYTES)
}

fn read_json_limited<R: std::io::Read>(
    input: R,
    file: &str,
    expected: &str,
    max_bytes: u64,
) -> Result<serde_json::Value, IngestError> {
    let mut limited = std::io::Read::take(input, max_bytes + 1);
    let value = serde_json::from_reader(std::io::BufReader::new(&mut limited));
    let too_large = limited.limit() == 0;
    value.map_err(|e| IngestError::Malformed {
        path: PathBuf::from(file),
        line: e.line() as u64,
        message: if too_large {
            format!("the file is larger than {max_bytes} bytes, the limit for a JSON source; expected {expected}")
        } else {
            format!("not valid JSON ({e}); expected {expected}")
        },
    })
}

/// Opens a source file; a failure is [`IngestError::Io`] naming the path.
pub(crate) fn open_source(path: &std::path::Path) -> Result<SourceFile, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let at_open = Fingerprint::of(&file).map_err(io)?;
    Ok(SourceFile {
        file,
        at_open,
        read: 0,
    })
}

/// A file's size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    pub(crate) len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Fingerprint {
    pub(crate) fn of(file: &std::fs::File) -> std::io::Result<Fingerprint> {
        let meta = file.metadata()?;
        Ok(Fingerprint {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }

    /// The error for a file whose fingerprint went from `self` to `now` while it was read
    /// (`read` bytes were read).
    pub(crate) fn changed(&self, now: &Fingerprint, read: u64) -> Option<std::io::Error> {
        (now != self || read != self.len).then(|| {
            std::io::Error::other(format!(
                "it changed while it was read ({} bytes when opened, {} bytes read, {} bytes now{}). Ingest it again once nothing is writing to it",
                self.len,
                read,
                now.len,
                if now.modified != self.modified { ", modified since" } else { "" }
            ))
        })
    }
}

/// A source file being read: at its end, its size and modification time must be those it had
/// when opened and every byte must have been read, else the read fails ("it changed while it
/// was read"): a reader never returns records of a file that was being written.
pub(crate) struct SourceFile {
    file: std::fs::File,
    at_open: Fingerprint,
    read: u64,
}

impl std::io::Read for SourceFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        self.read += n as u64;
        if n == 0 && !buf.is_empty() {
            let now = Fingerprint::of(&self.file)?;
            if let Some(e) = self.at_open.changed(&now, self.read) {
                return Err(e);
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_past_the_size_limit_stops_being_read_at_the_limit() {
        // An endless input: the reader stops at the limit with an error, never reads on.
        let endless = std::io::Read::chain(&b"[1"[..], std::io::repeat(b' '));
        let e = read_json_limited(endless, "huge.json", "JSON", 1 << 20).unwrap_err();
        assert!(e.to_string().contains("larger than 1048576 bytes"), "{e}");
        // At the limit exactly, a document is read.
        let mut doc = b"[1]".to_vec();
        doc.resize(1 << 20, b' ');
        assert!(read_json_limited(&doc[..], "ok.json", "JSON", 1 << 20).is_ok());
        let e = read_json_limited(&b"[1,"[..], "bad.json", "JSON", 1 << 20).unwrap_err();
        assert!(e.to_string().contains("not valid JSON"), "{e}");
    }

    /// A file appended to while it is read: the read fails at its end, naming the change,
    /// instead of returning the records of a moving file. Unchanged, it reads to the end.
    #[test]
    fn a_file_that_changes_while_it_is_read_is_an_error() {
        use std::io::{Read, Write};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("growing.csv");
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let mut all = String::new();
        open_source(&path)
            .unwrap()
            .read_to_string(&mut all)
            .unwrap();
        assert_eq!(all, "a,b\n1,2\n");

        let mut file = open_source(&path).unwrap();
        let mut head = [0u8; 4];
        file.read_exact(&mut head).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"3,4\n")
            .unwrap();
        let e = file.read_to_end(&mut Vec::new()).unwrap_err();
        let message = e.to_string();
        assert!(
            message.contains(
                "it changed while it was read (8 bytes when opened, 12 bytes read, 12 bytes now"
            ),
            "{message}"
        );
    }
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
