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
//! # Limits
//! A record (a row, with any line ends inside its quoted fields) may hold at most
//! [`MAX_RECORD_BYTES`] bytes. A longer one is an [`IngestError::Malformed`] naming the line
//! where it starts, raised while reading (the stream never holds more than that plus one read
//! buffer): the usual cause is a quote that is never closed, which makes the rest of the file
//! one field.
//!
//! What it does NOT do: choose a layout, check field counts, skip rows, or decide what a row
//! means — each reader does that with its own columns and words.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use csv::{ByteRecord, StringRecord};

use crate::ingest::text::strip_bom;
use crate::ingest::IngestError;
use crate::model::{Extra, QuarantineRecord};

/// Opens a file for a reader; a failure is [`IngestError::Io`] naming the path.
pub(crate) fn open(path: &Path) -> Result<super::SourceFile, IngestError> {
    super::open_source(path)
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

/// The record starting at byte `offset` of `bytes` (part of `file`, starting on line
/// `first_line`, at the start of the file or not) as CSV text, as [`Row::raw`] gives it; empty
/// when there is no whole text record there.
pub(crate) fn raw_at(
    bytes: &[u8],
    offset: u64,
    file: &str,
    first_line: u64,
    file_start: bool,
) -> String {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let mut rows = CsvRows::continuing(&bytes[start..], file, first_line, file_start && start == 0);
    match rows.next_record() {
        Ok(Some(Ok(row))) => row.raw(),
        _ => String::new(),
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

/// A record lent by [`CsvRows::next_record`]: text fields and the 1-based line where it
/// starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextRecord<'a> {
    pub(crate) line: u64,
    /// Byte offset in the input at which the record starts (see [`CsvRows::last_offset`]).
    pub(crate) offset: u64,
    pub(crate) record: &'a StringRecord,
}

impl TextRecord<'_> {
    /// Field `i` as read; empty when the record is shorter.
    pub(crate) fn get(&self, i: usize) -> &str {
        self.record.get(i).unwrap_or("")
    }

    pub(crate) fn len(&self) -> usize {
        self.record.len()
    }

    /// The whole row as CSV text, as [`Row::raw`].
    pub(crate) fn raw(&self) -> String {
        raw_text(self.record.iter())
    }
}

/// One item of the stream: a text row, or a row with a field that is not UTF-8.
pub(crate) type RowResult = Result<Row, NotUtf8Row>;

/// The longest record (row) the stream reads, in bytes: 1 MiB, about 30 times the longest
/// row of the shipped sources (a GED 24.1 row with its source texts).
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// The error [`LineEndRecorder`] raises for a record past [`MAX_RECORD_BYTES`].
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a record longer than {MAX_RECORD_BYTES} bytes")
    }
}

impl std::error::Error for RecordTooLong {}

/// A streaming CSV reader yielding every record with the line it starts on. See the module
/// doc for why lines are counted here.
pub(crate) struct CsvRows<R: Read> {
    reader: csv::Reader<LineEndRecorder<R>>,
    record: ByteRecord,
    /// The record lent by [`CsvRows::next_record`] (its buffers are reused for the next one).
    text: StringRecord,
    file: String,
    line_ends: Rc<RefCell<VecDeque<(u64, u8)>>>,
    /// The byte offset where the last record read ended (shared with the recorder).
    record_end: Rc<Cell<u64>>,
    /// Line ends before the last record's first byte.
    lines_passed: u64,
    at_start: bool,
    /// Byte offset (in the input) at which the last record read starts (it may point at
    /// blank lines before it: reading from there gives the same record first).
    last_offset: u64,
    /// Blank rows the reader skipped (counted by the reader; see [`CsvRows::blank_note`]).
    pub(crate) blank: u64,
}

/// The csv reader's buffer: large reads (the default is 8 KiB) keep the system calls few.
const READ_BUFFER_BYTES: usize = 1 << 20;

/// Passes the input on, remembering the offset of every `\r` and `\n` byte, and refuses to
/// read on once the record being read is longer than [`MAX_RECORD_BYTES`].
struct LineEndRecorder<R> {
    inner: R,
    offset: u64,
    line_ends: Rc<RefCell<VecDeque<(u64, u8)>>>,
    /// Where the last complete record ended: the csv reader asks for more bytes only once it
    /// has used every byte read so far, so all bytes from here to `offset` are one record.
    record_end: Rc<Cell<u64>>,
}

impl<R: Read> Read for LineEndRecorder<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.offset.saturating_sub(self.record_end.get()) > MAX_RECORD_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                RecordTooLong,
            ));
        }
        let n = self.inner.read(buf)?;
        let mut line_ends = self.line_ends.borrow_mut();
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            line_ends.push_back((self.offset + i as u64, buf[i]));
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R: Read> CsvRows<R> {
    /// `file` names the input in errors and quarantine records.
    pub(crate) fn new(input: R, file: &str) -> Self {
        Self::continuing(input, file, 1, true)
    }

    /// A stream over part of a file: `input` starts at a record boundary on line
    /// `first_line`; `file_start` says whether it is the start of the file (a byte-order mark
    /// is removed from the first record only there).
    pub(crate) fn continuing(input: R, file: &str, first_line: u64, file_start: bool) -> Self {
        let line_ends = Rc::new(RefCell::new(VecDeque::new()));
        let record_end = Rc::new(Cell::new(0));
        let recorder = LineEndRecorder {
            inner: input,
            offset: 0,
            line_ends: Rc::clone(&line_ends),
            record_end: Rc::clone(&record_end),
        };
        let reader = csv::ReaderBuilder::new()
            .buffer_capacity(READ_BUFFER_BYTES)
            .has_headers(false)
            .flexible(true)
            .from_reader(recorder);
        CsvRows {
            reader,
            record: ByteRecord::new(),
            text: StringRecord::new(),
            file: file.to_string(),
            line_ends,
            record_end,
            lines_passed: first_line.saturating_sub(1),
            at_start: file_start,
            last_offset: 0,
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

    /// Reads the next record into `self.record`; returns its line and whether it is the
    /// first record of the input, or None at the end. Only an I/O failure or unparseable CSV
    /// is an error.
    fn read_next(&mut self) -> Result<Option<(u64, bool)>, IngestError> {
        let more = match self.reader.read_byte_record(&mut self.record) {
            Ok(more) => more,
            Err(e) => {
                let line = match e.position() {
                    Some(p) => self.line_at(p.byte()),
                    None => 0,
                };
                return Err(match e.into_kind() {
                    csv::ErrorKind::Io(source)
                        if source
                            .get_ref()
                            .is_some_and(|inner| inner.is::<RecordTooLong>()) =>
                    {
                        IngestError::Malformed {
                            path: PathBuf::from(&self.file),
                            line: self.line_at(self.record_end.get()),
                            message: format!(
                                "a record (row) longer than {MAX_RECORD_BYTES} bytes starts here; is a quote left open (the rest of the file then reads as one field)? Fix the file and ingest it again"
                            ),
                        }
                    }
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
        self.record_end.set(self.reader.position().byte());
        let offset = self.record.position().map_or(0, |p| p.byte());
        self.last_offset = offset;
        let line = self.line_at(offset);
        let first_record = std::mem::take(&mut self.at_start);
        Ok(Some((line, first_record)))
    }

    /// `self.record` decoded to owned text (BOM removed from the first field of the first
    /// record), or the row with the first field that is not UTF-8.
    fn decode(&self, line: u64, first_record: bool) -> RowResult {
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
        match bad_field {
            None => Ok(Row { line, fields }),
            Some(field) => Err(NotUtf8Row {
                line,
                field,
                fields_lossy: fields,
            }),
        }
    }

    /// The next record: `Ok(None)` at the end; a record with a field that is not UTF-8 is
    /// `Ok(Some(Err(_)))`. Only an I/O failure is an error.
    pub(crate) fn next_row(&mut self) -> Result<Option<RowResult>, IngestError> {
        Ok(self
            .read_next()?
            .map(|(line, first_record)| self.decode(line, first_record)))
    }

    /// Like [`CsvRows::next_row`], but the fields are lent from a record the stream reuses,
    /// so reading a row allocates nothing (for readers of large files). A record with a field
    /// that is not UTF-8 is `Ok(Some(Err(_)))`, as for `next_row`.
    pub(crate) fn next_record(
        &mut self,
    ) -> Result<Option<Result<TextRecord<'_>, NotUtf8Row>>, IngestError> {
        // Hand the previous record's buffers back to the byte record the csv reader fills.
        self.record = std::mem::take(&mut self.text).into_byte_record();
        let Some((line, first_record)) = self.read_next()? else {
            return Ok(None);
        };
        match StringRecord::from_byte_record(std::mem::take(&mut self.record)) {
            Ok(text) => {
                self.text = text;
                if first_record && self.text.get(0).is_some_and(|f| f.starts_with('\u{feff}')) {
                    let fields: Vec<&str> = self
                        .text
                        .iter()
                        .enumerate()
                        .map(|(i, f)| if i == 0 { strip_bom(f) } else { f })
                        .collect();
                    self.text = StringRecord::from(fields);
                }
            }
            Err(not_text) => {
                self.record = not_text.into_byte_record();
                match self.decode(line, first_record) {
                    Err(bad) => return Ok(Some(Err(bad))),
                    Ok(row) => self.text = StringRecord::from(row.fields),
                }
            }
        }
        Ok(Some(Ok(TextRecord {
            line,
            offset: self.last_offset,
            record: &self.text,
        })))
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

    /// Like [`CsvRows::header`], with `expected` (the layouts the reader takes, in words) in
    /// the error for an empty input.
    pub(crate) fn header_expecting(&mut self, expected: String) -> Result<Header, IngestError> {
        self.header().map_err(|e| match e {
            IngestError::UnknownLayout { path, detail, .. } => IngestError::UnknownLayout {
                path,
                detail,
                expected,
            },
            other => other,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The start lines of every record of `input`, read through a reader that hands out
    /// `chunk` bytes at a time (to cross the csv buffer at every possible place).
    fn lines_of(input: &[u8], chunk: usize) -> Vec<u64> {
        let mut rows = CsvRows::new(Trickle { data: input, chunk }, "t.csv");
        let mut lines = Vec::new();
        loop {
            match rows.next_row() {
                Ok(Some(Ok(row))) => lines.push(row.line),
                Ok(Some(Err(bad))) => lines.push(bad.line),
                Ok(None) => return lines,
                Err(e) => panic!("{e}"),
            }
        }
    }

    /// A reader giving at most `chunk` bytes per call.
    struct Trickle<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn all_chunkings(input: &str, expected: &[u64]) {
        for chunk in [1, 2, 3, 7, 64 * 1024] {
            assert_eq!(
                lines_of(input.as_bytes(), chunk),
                expected,
                "chunk {chunk}, input {input:?}"
            );
        }
    }

    #[test]
    fn line_numbers_with_crlf_lf_and_quoted_newlines() {
        for eol in ["\n", "\r\n", "\r"] {
            let text = ["h1,h2", "a,b", "\"multi", "line\",c", "", "d,e"].join(eol);
            all_chunkings(&text, &[1, 2, 3, 6]);
        }
    }

    #[test]
    fn line_numbers_with_quoted_crlf_inside_an_lf_file_and_the_reverse() {
        all_chunkings("h\n\"a\r\nb\"\nc\n", &[1, 2, 4]);
        all_chunkings("h\r\n\"a\nb\"\r\nc\r\n", &[1, 2, 4]);
        // A field holding several line ends, and one ending on a line end.
        all_chunkings("h\r\n\"x\r\n\r\ny\r\n\"\r\nz", &[1, 2, 6]);
    }

    #[test]
    fn line_numbers_after_blank_lines() {
        all_chunkings("\r\n\r\nh\r\n\r\n\r\na\r\nb\r\n\r\n", &[3, 6, 7]);
        all_chunkings("\n\nh\n\n\na\nb\n\n", &[3, 6, 7]);
        // Mixed line ends in one file; no end after the last record.
        all_chunkings("h\r\na\nb\r\rc\n\r\nd", &[1, 2, 3, 5, 7]);
    }

    #[test]
    fn line_numbers_past_the_csv_buffer() {
        // Far more than the csv crate's 8 KiB buffer, with a CRLF at every possible offset
        // relative to it and multi-line quoted fields in between.
        let mut text = String::from("h1,h2\r\n");
        let mut expected = vec![1];
        let mut line = 2;
        for i in 0..3000 {
            expected.push(line);
            if i % 7 == 0 {
                text.push_str(&format!("{i},\"two\r\nlines\"\r\n"));
                line += 2;
            } else {
                text.push_str(&format!("{i},{}\r\n", "x".repeat(i % 13)));
                line += 1;
            }
        }
        for chunk in [1, 4093, 64 * 1024] {
            assert_eq!(lines_of(text.as_bytes(), chunk), expected, "chunk {chunk}");
        }
    }

    #[test]
    fn bom_removed_from_the_first_field_of_the_first_record_only() {
        let text = "\u{feff}id,name\r\n\u{feff}1,a\r\n";
        let mut rows = CsvRows::new(text.as_bytes(), "t.csv");
        let header = rows.header().expect("header");
        assert_eq!(header.names(), ["id", "name"]);
        assert_eq!(header.position("id"), Some(0));
        let row = rows
            .next_row()
            .expect("reads")
            .expect("a row")
            .expect("UTF-8");
        assert_eq!(row.fields, ["\u{feff}1", "a"]);
        assert_eq!(row.line, 2);
        assert_eq!(
            first_record("\u{feff}a,b\n".as_bytes()),
            Some(vec!["a".to_string(), "b".to_string()])
        );
    }

    #[test]
    fn not_utf8_row_is_quarantinable_and_the_stream_goes_on() {
        let mut bytes = b"id,name,\r\n1,ok,\r\n2,\"caf\xe9\r\nbar\",z\xff\r\n".to_vec();
        bytes.extend_from_slice(b"3,\xff,\r\n4,x,y\r\n");
        let mut rows = CsvRows::new(bytes.as_slice(), "t.csv");
        let header = rows.header().expect("header");
        assert_eq!(rows.next_row().unwrap().unwrap().unwrap().line, 2);
        let bad = rows.next_row().unwrap().unwrap().unwrap_err();
        assert_eq!((bad.line, bad.field), (3, 1));
        let q = bad.quarantine("t.csv", &header, "UTF-8 text");
        assert_eq!(q.line, 3);
        assert_eq!(q.column.as_deref(), Some("name"));
        assert_eq!(q.value, "caf\u{fffd}\r\nbar");
        assert_eq!(q.reason, "UTF-8 text");
        assert_eq!(q.raw, "2,\"caf\u{fffd}\r\nbar\",z\u{fffd}");
        let bad = rows.next_row().unwrap().unwrap().unwrap_err();
        assert_eq!(bad.line, 5);
        let row = rows.next_row().unwrap().unwrap().unwrap();
        assert_eq!((row.line, row.fields.len()), (6, 3));
        assert!(rows.next_row().unwrap().is_none());
        // An unnamed column is named by its number.
        let bad = NotUtf8Row {
            line: 9,
            field: 2,
            fields_lossy: vec!["a".into(), "b".into(), "\u{fffd}".into()],
        };
        let q = bad.quarantine("t.csv", &header, "UTF-8 text");
        assert_eq!(q.column.as_deref(), Some("column 3"));
    }

    #[test]
    fn header_errors() {
        let err = CsvRows::new("".as_bytes(), "e.csv").header().unwrap_err();
        assert!(matches!(err, IngestError::UnknownLayout { .. }), "{err}");
        let err = CsvRows::new(&b"a,\xff\nb,c\n"[..], "n.csv")
            .header()
            .unwrap_err();
        assert!(
            matches!(err, IngestError::Malformed { line: 1, .. }),
            "{err}"
        );
        assert_eq!(first_record(b""), None);
        assert_eq!(first_record(b"a,\xff\n"), None);
        assert!(header_of(b"a, b\n").is_some_and(|h| h.has("b")));
    }

    #[test]
    fn header_lookup_by_name() {
        let header = Header::new(vec![
            " id ".into(),
            "name\u{a0}".into(),
            "".into(),
            "id".into(),
        ]);
        assert_eq!(header.names(), ["id", "name", "", "id"]);
        assert_eq!(
            header.position("id"),
            Some(0),
            "the first of equal names wins"
        );
        assert_eq!(header.position(""), None);
        assert_eq!(header.len(), 4);
        assert_eq!(header.name(1), "name");
        assert_eq!(header.name(9), "");
        assert_eq!(header.missing(&["id", "x", "name"]), vec!["x"]);
        let row = Row {
            line: 2,
            fields: vec!["7".into(), " Mali ".into(), "extra".into()],
        };
        assert_eq!(header.value(&row, "name"), " Mali ");
        assert_eq!(header.value(&row, "missing"), "");
        let extra = header.extra(&row, &["id", "name"], &["name"]);
        assert_eq!(extra.get("name").map(String::as_str), Some("Mali"));
        assert_eq!(extra.get("column 3").map(String::as_str), Some("extra"));
        assert!(!extra.contains_key("id"));
    }

    #[test]
    fn raw_row_is_requoted_csv() {
        let row = Row {
            line: 4,
            fields: vec![
                "a,b".into(),
                "say \"hi\"".into(),
                "two\nlines".into(),
                "".into(),
            ],
        };
        assert_eq!(row.raw(), "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",");
        assert!(!row.is_blank());
        let q = row.quarantine("f.csv", "x", "v", "a thing");
        assert_eq!((q.line, q.reason.as_str()), (4, "expected a thing"));
        let blank = Row {
            line: 5,
            fields: vec![" ".into(), "".into()],
        };
        assert!(blank.is_blank());
        let mut rows = CsvRows::new("h\n".as_bytes(), "f.csv");
        assert_eq!(rows.blank_note(), None);
        rows.blank = 2;
        assert!(rows.blank_note().is_some_and(|n| n.starts_with("2 blank")));
    }

    mod generated {
        use super::*;
        use proptest::prelude::*;

        /// A field: plain text, or quoted text that may hold commas, quotes and line ends.
        fn field() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-z ]{0,4}",
                proptest::collection::vec(
                    prop_oneof![
                        Just("a"),
                        Just(","),
                        Just("\"\""),
                        Just("\n"),
                        Just("\r\n"),
                        Just("\r")
                    ],
                    0..6
                )
                .prop_map(|parts| format!("\"{}\"", parts.concat())),
            ]
        }

        /// A record: a first field starting with a letter (so it is never a blank line), then
        /// more fields.
        fn record() -> impl Strategy<Value = String> {
            ("[a-z]", field(), proptest::collection::vec(field(), 0..4)).prop_map(
                |(letter, first, rest)| {
                    let first = if first.starts_with('"') {
                        first
                    } else {
                        format!("{letter}{first}")
                    };
                    std::iter::once(first)
                        .chain(rest)
                        .collect::<Vec<_>>()
                        .join(",")
                },
            )
        }

        fn line_end() -> impl Strategy<Value = &'static str> {
            prop_oneof![Just("\n"), Just("\r\n"), Just("\r")]
        }

        /// Line ends in `text`, as an editor counts them (`\r\n` is one).
        fn count_line_ends(text: &str) -> u64 {
            let bytes = text.as_bytes();
            let mut n = 0;
            for (i, b) in bytes.iter().enumerate() {
                let crlf = *b == b'\r' && bytes.get(i + 1) == Some(&b'\n');
                if (*b == b'\n' || *b == b'\r') && !crlf {
                    n += 1;
                }
            }
            n
        }

        proptest! {
            #[test]
            fn every_record_gets_the_line_it_starts_on(
                records in proptest::collection::vec(
                    (record(), line_end(), proptest::collection::vec(line_end(), 0..3)),
                    1..12,
                ),
                chunk in 1usize..40,
            ) {
                let mut text = String::new();
                let mut expected = Vec::new();
                for (record, end, blanks) in &records {
                    // Blank lines before the record; a `\r` then `\n` is one line end.
                    text.push_str(&blanks.concat());
                    expected.push(1 + count_line_ends(&text));
                    text.push_str(record);
                    text.push_str(end);
                }
                prop_assert_eq!(lines_of(text.as_bytes(), chunk), expected);
            }
        }
    }

    /// Reads every row; returns the rows' lines or the error.
    fn read_all<R: Read>(input: R) -> Result<Vec<u64>, IngestError> {
        let mut rows = CsvRows::new(input, "long.csv");
        let mut lines = Vec::new();
        while let Some(row) = rows.next_row()? {
            lines.push(row.map_or_else(|bad| bad.line, |r| r.line));
        }
        Ok(lines)
    }

    #[test]
    fn a_record_past_the_limit_is_an_error_naming_its_line() {
        // A quote left open on line 3: the rest of the file (2 MiB) would be one field.
        let mut bytes = b"a,b\r\n1,2\r\n3,\"open\r\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 2 << 20));
        let e = read_all(&bytes[..]).unwrap_err();
        let IngestError::Malformed { line, message, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(*line, 3);
        assert!(message.contains("longer than 1048576 bytes"), "{message}");
        assert!(message.contains("quote left open"), "{message}");
        // An endless line: the stream stops after about the limit plus one buffer, not at the
        // end of the input (there is none).
        let e = read_all(std::io::repeat(b'y')).unwrap_err();
        assert!(matches!(e, IngestError::Malformed { line: 1, .. }), "{e}");
        // A long record within the limit (900 KiB, with line ends inside quotes) is read, and
        // the records after it too, on their true lines.
        let mut ok = b"h\n\"".to_vec();
        ok.extend(std::iter::repeat_n(b'z', 450 << 10));
        ok.extend_from_slice(b"\n");
        ok.extend(std::iter::repeat_n(b'z', 450 << 10));
        ok.extend_from_slice(b"\"\nnext\n");
        assert_eq!(read_all(&ok[..]).unwrap(), [1, 2, 4]);
    }

    /// Many records summing to far more than the limit are fine: the limit is per record.
    #[test]
    fn the_limit_is_per_record() {
        let row = format!("{},{}\n", "a".repeat(1000), "b".repeat(1000));
        let text = row.repeat(3000); // 6 MB
        assert_eq!(read_all(text.as_bytes()).unwrap().len(), 3000);
    }
}
