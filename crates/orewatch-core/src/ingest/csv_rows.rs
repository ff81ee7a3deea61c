//! The CSV row stream every CSV reader uses: records with the 1-based line where each starts,
//! a UTF-8 byte-order mark removed, fields decoded to text, the raw row for quarantine
//! records, and the header looked up by column name.
//!
//! What it does:
//! - [`CsvRows`] streams a CSV input record by record (comma-separated, `"` quoting, any
//!   number of fields per record, blank lines skipped as the `csv` crate does). A record is
//!   either a [`Row`] of text fields or, when a field is not valid UTF-8, a [`NotUtf8Row`] that
//!   the reader turns into a quarantine record ([`NotUtf8Row::quarantine`]): a bad byte costs
//!   one row, never the file. Only I/O failures are hard errors.
//! - [`Header`] holds the column names (trimmed, BOM removed) and finds columns by name;
//!   [`Header::value`] and [`Header::extra`] read a row through it.
//! - [`first_record`] and [`header_of`] give the first record of a file's head, for `sniff`.
//!
//! # Why line numbers are counted here
//! `csv::Position::line()` (csv 1.x) is wrong for the files we read: the crate counts a
//! record as starting right after the byte that ended the previous one, so after a CRLF line
//! end it reports the line of the `\n` (one short), and after blank lines it reports the first
//! blank line. The shipped GED files, the site CSVs and the GED fixture are CRLF, so every
//! quarantine record would name the wrong line. The stream therefore watches the bytes the
//! `csv` reader pulls from the input, remembers where the line ends are, and takes a record's
//! line as 1 + the number of line ends before its first byte — the first byte at or after
//! `Position::byte()` that is not `\r` or `\n`. A line end is `\n`, `\r\n`, or a lone `\r`;
//! line ends inside quoted fields count too, so a record after a multi-line field gets the
//! line an editor shows.
//!
//! What it does NOT do: choose a layout, check field counts, skip rows, or decide what a row
//! means — each reader does that with its own columns and words.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use csv::ByteRecord;

use crate::ingest::text::strip_bom;
use crate::ingest::IngestError;
use crate::model::{Extra, QuarantineRecord};

/// Opens a file for a reader; a failure is [`IngestError::Io`] naming the path.
pub(crate) fn open(path: &Path) -> Result<File, IngestError> {
    File::open(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The fields of the first record of `head` as read (BOM removed, not trimmed), or None when
/// `head` is empty or that record is not UTF-8 text. For `sniff`.
pub(crate) fn first_record(head: &[u8]) -> Option<Vec<String>> {
    match CsvRows::new(head, "").next_row() {
        Ok(Some(Ok(row))) => Some(row.fields),
        _ => None,
    }
}

/// The first record of `head` as a [`Header`], or None as for [`first_record`]. For `sniff`.
pub(crate) fn header_of(head: &[u8]) -> Option<Header> {
    first_record(head).map(Header::new)
}

/// Column names and their positions.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    names: Vec<String>,
    index: BTreeMap<String, usize>,
}

impl Header {
    /// Names are trimmed (also of no-break spaces) and a leading BOM removed; the first of two
    /// equal names wins; empty names are kept in place but cannot be looked up.
    pub(crate) fn new(names: Vec<String>) -> Header {
        let names: Vec<String> = names
            .into_iter()
            .map(|n| strip_bom(n.trim()).trim().to_string())
            .collect();
        let mut index = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            if !n.is_empty() {
                index.entry(n.clone()).or_insert(i);
            }
        }
        Header { names, index }
    }

    /// The position of column `name`.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The name of column `i` (empty when unnamed or beyond the header).
    pub(crate) fn name(&self, i: usize) -> &str {
        self.names.get(i).map(String::as_str).unwrap_or("")
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// The names in `required` that the header lacks.
    pub(crate) fn missing<'n>(&self, required: &[&'n str]) -> Vec<&'n str> {
        required.iter().copied().filter(|n| !self.has(n)).collect()
    }

    /// The row's value in column `name` as read; empty when the column or the field is absent.
    pub(crate) fn value<'r>(&self, row: &'r Row, name: &str) -> &'r str {
        self.position(name)
            .and_then(|i| row.fields.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// `extra` for a row: the columns listed in `keep`, plus every column whose name is not in
    /// `typed` (unnamed columns as `column N`, 1-based); values trimmed, empty ones omitted.
    pub(crate) fn extra(&self, row: &Row, typed: &[&str], keep: &[&str]) -> Extra {
        let mut extra = Extra::new();
        for (i, value) in row.fields.iter().enumerate() {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let name = self.name(i);
            if name.is_empty() {
                extra.insert(format!("column {}", i + 1), value.to_string());
            } else if keep.contains(&name) || !typed.contains(&name) {
                extra.insert(name.to_string(), value.to_string());
            }
        }
        extra
    }
}

/// A record decoded to text, with the 1-based line where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) line: u64,
    pub(crate) fields: Vec<String>,
}

impl Row {
    /// The whole row as CSV text (fields quoted where needed), for quarantine records.
    pub(crate) fn raw(&self) -> String {
        raw_text(self.fields.iter().map(String::as_str))
    }

    /// True when every field is empty or whitespace (the MCS files end with such rows).
    pub(crate) fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }

    /// A quarantine record for this row with the reason `expected {expected}` (boxed: it is the
    /// error side of the production and governance row parsers).
    pub(crate) fn quarantine(
        &self,
        file: &str,
        column: &str,
        value: &str,
        expected: &str,
    ) -> Box<QuarantineRecord> {
        Box::new(QuarantineRecord {
            file: file.to_string(),
            line: self.line,
            column: Some(column.to_string()),
            value: value.to_string(),
            reason: format!("expected {expected}"),
            raw: self.raw(),
        })
    }
}

/// A record with a field that is not valid UTF-8: quarantinable, not a reason to fail the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NotUtf8Row {
    pub(crate) line: u64,
    /// 0-based position of the first field that is not UTF-8.
    pub(crate) field: usize,
    /// The fields with invalid bytes replaced by U+FFFD.
    pub(crate) fields_lossy: Vec<String>,
}

impl NotUtf8Row {
    /// The quarantine record for this row: the bad field's column (its header name, else
    /// `column N`), its value with invalid bytes replaced, and `reason` in the reader's words.
    pub(crate) fn quarantine(&self, file: &str, header: &Header, reason: &str) -> QuarantineRecord {
        let name = header.name(self.field);
        QuarantineRecord {
            file: file.to_string(),
            line: self.line,
            column: Some(if name.is_empty() {
                format!("column {}", self.field + 1)
            } else {
                name.to_string()
            }),
            value: self
                .fields_lossy
                .get(self.field)
                .cloned()
                .unwrap_or_default(),
            reason: reason.to_string(),
            raw: raw_text(self.fields_lossy.iter().map(String::as_str)),
        }
    }
}

/// Fields joined by commas, quoted where needed.
fn raw_text<'a>(fields: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out
}

/// One item of the stream: a text row, or a row with a field that is not UTF-8.
pub(crate) type RowResult = Result<Row, NotUtf8Row>;

/// A streaming CSV reader yielding every record with the line it starts on. See the module
/// doc for why lines are counted here.
pub(crate) struct CsvRows<R: Read> {
    reader: csv::Reader<LineEndRecorder<R>>,
    record: ByteRecord,
    file: String,
    line_ends: Rc<RefCell<VecDeque<(u64, u8)>>>,
    /// Line ends before the last record's first byte.
    lines_passed: u64,
    at_start: bool,
    /// Blank rows the reader skipped (counted by the reader; see [`CsvRows::blank_note`]).
    pub(crate) blank: u64,
}

/// Passes the input on, remembering the offset of every `\r` and `\n` byte.
struct LineEndRecorder<R> {
    inner: R,
    offset: u64,
    line_ends: Rc<RefCell<VecDeque<(u64, u8)>>>,
}

impl<R: Read> Read for LineEndRecorder<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut line_ends = self.line_ends.borrow_mut();
        for (i, &byte) in buf[..n].iter().enumerate() {
            if byte == b'\n' || byte == b'\r' {
                line_ends.push_back((self.offset + i as u64, byte));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R: Read> CsvRows<R> {
    /// `file` names the input in errors and quarantine records.
    pub(crate) fn new(input: R, file: &str) -> Self {
        let line_ends = Rc::new(RefCell::new(VecDeque::new()));
        let recorder = LineEndRecorder {
            inner: input,
            offset: 0,
            line_ends: Rc::clone(&line_ends),
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(recorder);
        CsvRows {
            reader,
            record: ByteRecord::new(),
            file: file.to_string(),
            line_ends,
            lines_passed: 0,
            at_start: true,
            blank: 0,
        }
    }

    /// The 1-based line of a record that the csv crate says starts at byte `offset`.
    ///
    /// Every line end before the record's first byte has been read from the input by then
    /// (the csv reader has read the whole record), so the recorded line ends are complete up
    /// to that byte.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut line_ends = self.line_ends.borrow_mut();
        let mut start = offset;
        while let Some((at, byte)) = line_ends.pop_front() {
            if at > start {
                line_ends.push_front((at, byte));
                break;
            }
            if at == start {
                // A record does not start on a line end: it starts after it.
                start += 1;
            }
            // `\r\n` is one line end, counted at its `\n`; a lone `\r` is one too. The byte
            // after a `\r` at or before `start` has been read, so it is in the queue if it is
            // a `\n`.
            let crlf = byte == b'\r' && line_ends.front() == Some(&(at + 1, b'\n'));
            if !crlf {
                self.lines_passed += 1;
            }
        }
        self.lines_passed + 1
    }

    /// The next record: `Ok(None)` at the end; a record with a field that is not UTF-8 is
    /// `Ok(Some(Err(_)))`. Only an I/O failure is an error.
    pub(crate) fn next_row(&mut self) -> Result<Option<RowResult>, IngestError> {
        let more = match self.reader.read_byte_record(&mut self.record) {
            Ok(more) => more,
            Err(e) => {
                let line = match e.position() {
                    Some(p) => self.line_at(p.byte()),
                    None => 0,
                };
                return Err(match e.into_kind() {
                    csv::ErrorKind::Io(source) => IngestError::Io {
                        path: PathBuf::from(&self.file),
                        source,
                    },
                    other => IngestError::Malformed {
                        path: PathBuf::from(&self.file),
                        line,
                        message: format!("cannot parse CSV: {other:?}"),
                    },
                });
            }
        };
        if !more {
            return Ok(None);
        }
        let offset = self.record.position().map_or(0, |p| p.byte());
        let line = self.line_at(offset);
        let first_record = std::mem::take(&mut self.at_start);
        let mut fields = Vec::with_capacity(self.record.len());
        let mut bad_field = None;
        for (i, bytes) in self.record.iter().enumerate() {
            let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
                Some(rest) if first_record && i == 0 => rest,
                _ => bytes,
            };
            match std::str::from_utf8(bytes) {
                Ok(text) => fields.push(text.to_string()),
                Err(_) => {
                    bad_field.get_or_insert(i);
                    fields.push(String::from_utf8_lossy(bytes).into_owned());
                }
            }
        }
        Ok(Some(match bad_field {
            None => Ok(Row { line, fields }),
            Some(field) => Err(NotUtf8Row {
                line,
                field,
                fields_lossy: fields,
            }),
        }))
    }

    /// Reads the first record as the header. An empty input is `UnknownLayout`; a header that
    /// is not UTF-8 is `Malformed`.
    pub(crate) fn header(&mut self) -> Result<Header, IngestError> {
        match self.next_row()? {
            Some(Ok(row)) => Ok(Header::new(row.fields)),
            Some(Err(bad)) => Err(IngestError::Malformed {
                path: PathBuf::from(&self.file),
                line: bad.line,
                message: "the header row is not UTF-8 text".to_string(),
            }),
            None => Err(IngestError::UnknownLayout {
                path: PathBuf::from(&self.file),
                detail: "the file is empty".to_string(),
                expected: "a header row".to_string(),
            }),
        }
    }

    /// A note about skipped blank rows, if any.
    pub(crate) fn blank_note(&self) -> Option<String> {
        (self.blank > 0).then(|| {
            format!(
                "{} blank row(s) (every field empty) skipped; they hold no data",
                self.blank
            )
        })
    }
}
