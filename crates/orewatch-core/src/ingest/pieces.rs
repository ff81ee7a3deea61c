//! A CSV file cut into pieces of whole records and parsed on several threads, the pieces'
//! results handed back in file order.
//!
//! What it answers: how to read one large CSV file (a global GED release, an ACLED export of
//! millions of rows) on every core and still get exactly what one sequential pass gives —
//! the same records, the same first-wins decisions, the same line numbers.
//!
//! - [`Splitter`] reads the input once, in blocks, and cuts it after a line end that ends a
//!   record: a `\n` or a lone `\r` outside quotes. Whether a byte is inside quotes is known from the parity
//!   of the quotes before it (the piece starts at a record boundary, so outside quotes). The
//!   parity agrees with the `csv` crate's reading only when every quote opens a field (it
//!   follows a `,`, a line end, the start of the record, or the `"` of a doubled quote) or
//!   closes one (it is followed by a `,`, a line end, the end of the file, or another `"`):
//!   each quote is checked as it is counted, and from the first one that does neither (`5"
//!   screen`, `"a"b`) the splitter walks the rest of the file byte by byte through the same
//!   small state machine as `csv_core`, so a stray quote never moves a cut. Every piece
//!   carries the 1-based line on which it starts (line ends counted as
//!   [`super::csv_rows`] counts them: `\n`, `\r\n` and a lone `\r` are one each). The
//!   splitter also computes the file's SHA-256 and size from the bytes it reads, so the file
//!   is read once.
//! - [`run`] runs the splitter on its own thread, the parse of each piece on `threads`
//!   workers, and hands each piece's result to `merge` on the calling thread in file order.
//!   At most `2 × threads + 2` pieces are in flight (read, parsed or waiting to be merged):
//!   memory is bounded by the pieces in flight, not by the file. A piece holds whole records,
//!   and a record longer than the CSV record limit ([`MAX_RECORD_BYTES`]) is not held whole
//!   (its piece is cut past the limit and its parse fails there, as a sequential read does).
//!
//! - Small files are read in one pass: a file of at most [`ONE_PASS_MAX_BYTES`] (64 MiB) is
//!   split, parsed and merged one piece of [`ONE_PASS_PIECE_BYTES`] after the other on the
//!   calling thread (`threads: 1`), with no thread started. Why: the threaded pieces hold up to
//!   `2 × threads + 2` pieces of 4 MiB and their parsed tables at once; on 2 cores, on GED
//!   files of 21.5 to 109 MB (a global GED release is 20–30 MB), measured, they took no less
//!   wall time than one pass and 50–60 MiB more memory (on a shared machine, where the second
//!   core is partly taken, so the limit stays below the largest size measured). Larger files
//!   (a global ACLED export) are where the other cores' parse pays. The same records,
//!   decisions and line numbers either way (the same parse and merge functions run).
//!
//! What it does NOT do: parse fields or decide what a record means (the readers' parse
//! functions do, one piece at a time), or keep anything between pieces (the readers' merge
//! functions keep what must be seen in file order, such as ids already seen).

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::csv_rows::MAX_RECORD_BYTES;

/// How a file is read in pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PieceOptions {
    /// Parse workers (at least one). With one, the pieces are split, parsed and merged one
    /// after the other on the calling thread (see [`run`]).
    pub threads: usize,
    /// A piece ends at the first record boundary at or after this many bytes (unless the file
    /// ends first).
    pub piece_bytes: usize,
    /// A file of at most this many bytes is read in one pass on the calling thread, whatever
    /// `threads` says; 0: every file on `threads` workers. Applied by the ingest plan, which
    /// knows the file's size ([`PieceOptions::for_file`]); a reader given these options
    /// directly uses `threads` as given.
    pub one_pass_max_bytes: u64,
}

/// Files up to this size are read in one pass on the calling thread, larger ones on every
/// core (the reason is in the module docs).
pub const ONE_PASS_MAX_BYTES: u64 = 64 << 20;

/// The pieces of a file read in one pass: small, since nothing runs beside their parse, so
/// that the piece and its parsed table add little to the events already held.
pub const ONE_PASS_PIECE_BYTES: usize = 1 << 20;

impl PieceOptions {
    /// Pieces of 4 MiB on `threads` workers; files up to [`ONE_PASS_MAX_BYTES`] in one pass.
    pub fn with_threads(threads: usize) -> PieceOptions {
        PieceOptions {
            threads: threads.max(1),
            piece_bytes: 4 << 20,
            one_pass_max_bytes: ONE_PASS_MAX_BYTES,
        }
    }

    /// These options for a file of `size_bytes`: read in one pass (one worker, pieces of at
    /// most [`ONE_PASS_PIECE_BYTES`]) when it is at most `one_pass_max_bytes`.
    pub fn for_file(self, size_bytes: u64) -> PieceOptions {
        if size_bytes <= self.one_pass_max_bytes {
            PieceOptions {
                threads: 1,
                piece_bytes: self.piece_bytes.min(ONE_PASS_PIECE_BYTES),
                ..self
            }
        } else {
            self
        }
    }
}

/// Whole records of the input: `bytes` start at a record boundary and end after the line end
/// of a record (or at the end of the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// 0 for the first piece of the file, then 1, 2, …
    pub index: usize,
    /// The 1-based line on which `bytes` start.
    pub first_line: u64,
    pub bytes: Vec<u8>,
}

/// The SHA-256 (hex) and size in bytes of everything the splitter read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    pub sha256: String,
    pub size_bytes: u64,
}

/// Where the splitter is within the quoting of a record, as `csv_core` reads it (comma
/// delimiter, `"` quotes with doubling, `\r` and `\n` terminators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// At the start of a field (after `,`, a line end or at the start of the input).
    FieldStart,
    /// In a field that did not start with a quote: quotes are plain text.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: a second quote is a quote character,
    /// anything else ends the quoted part.
    QuoteInQuoted,
}

impl Quoting {
    fn step(self, b: u8) -> Quoting {
        use Quoting::*;
        match (self, b) {
            (Quoted, b'"') => QuoteInQuoted,
            (Quoted, _) => Quoted,
            (QuoteInQuoted, b'"') => Quoted,
            (FieldStart, b'"') => Quoted,
            (_, b',' | b'\r' | b'\n') => FieldStart,
            _ => Unquoted,
        }
    }
}

/// Cuts an input into [`Piece`]s (see the module docs).
pub struct Splitter<R> {
    input: R,
    piece_bytes: usize,
    /// Bytes read but not yet handed out; `buf[0]` is at a record boundary.
    buf: Vec<u8>,
    /// `buf[..scanned]` has been scanned for quotes and line ends.
    scanned: usize,
    /// The first record boundary at or after `piece_bytes` in `buf[..scanned]` (0: none yet).
    boundary: usize,
    /// Parity mode: an odd number of quotes in `buf[..scanned]`.
    odd: bool,
    /// Set from the first stray quote on: the exact state at `scanned`.
    exact: Option<Quoting>,
    first_line: u64,
    index: usize,
    hasher: Sha256,
    size: u64,
    eof: bool,
    /// Set once a piece was handed out that ends inside a record longer than
    /// [`MAX_RECORD_BYTES`] (see [`Splitter::next_piece`]).
    cut_inside_record: bool,
}

impl<R: Read> Splitter<R> {
    pub fn new(input: R, piece_bytes: usize) -> Splitter<R> {
        Splitter {
            input,
            piece_bytes: piece_bytes.max(1),
            buf: Vec::new(),
            scanned: 0,
            boundary: 0,
            odd: false,
            exact: None,
            first_line: 1,
            index: 0,
            hasher: Sha256::new(),
            size: 0,
            eof: false,
            cut_inside_record: false,
        }
    }

    /// The next piece, or None at the end of the input.
    ///
    /// A record longer than [`MAX_RECORD_BYTES`] (a quote left open makes the rest of the file
    /// one record) is not held whole: once the bytes scanned past `piece_bytes` without a
    /// record boundary exceed that limit, the buffer is handed out as it is — its parse fails
    /// on the record's length, as the sequential read does, naming the line where the record
    /// starts — and the next call is an error (the piece ended inside a record).
    pub fn next_piece(&mut self) -> std::io::Result<Option<Piece>> {
        if self.cut_inside_record {
            return Err(std::io::Error::other(format!(
                "a record (row) longer than {MAX_RECORD_BYTES} bytes; is a quote left open?"
            )));
        }
        loop {
            if self.boundary == 0
                && !self.eof
                && self.scanned as u64 > self.piece_bytes as u64 + MAX_RECORD_BYTES + 2
            {
                self.cut_inside_record = true;
                let end = self.buf.len();
                return Ok(Some(self.cut(end)));
            }
            if self.boundary > 0 {
                return Ok(Some(self.cut(self.boundary)));
            }
            if self.scanned < self.scannable() {
                self.scan();
                continue;
            }
            if self.eof {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                let end = self.buf.len();
                return Ok(Some(self.cut(end)));
            }
            self.fill()?;
        }
    }

    /// How far the buffer can be scanned: all of it at the end of the input, else all but
    /// the last byte (a closing quote's next byte must be known).
    fn scannable(&self) -> usize {
        if self.eof {
            self.buf.len()
        } else {
            self.buf.len().saturating_sub(1)
        }
    }

    /// The SHA-256 and size of the input, once [`Splitter::next_piece`] has returned None.
    pub fn digest(self) -> FileDigest {
        FileDigest {
            sha256: hex::encode(self.hasher.finalize()),
            size_bytes: self.size,
        }
    }

    /// Reads about a piece's worth of bytes more (or up to the end of the input).
    fn fill(&mut self) -> std::io::Result<()> {
        let want = self.buf.len() + self.piece_bytes.max(64 * 1024);
        self.buf.reserve(want - self.buf.len());
        while self.buf.len() < want {
            let start = self.buf.len();
            self.buf.resize(want, 0);
            let n = loop {
                match self.input.read(&mut self.buf[start..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.buf.truncate(start);
                        return Err(e);
                    }
                }
            };
            self.buf.truncate(start + n);
            self.hasher.update(&self.buf[start..]);
            self.size += n as u64;
            if n == 0 {
                self.eof = true;
                break;
            }
        }
        Ok(())
    }

    /// Scans the new bytes for quotes and for the first record boundary at or after
    /// `piece_bytes`.
    fn scan(&mut self) {
        let end = self.scannable();
        if self.exact.is_none() && !self.scan_parity(end) {
            // A stray quote: from here on, walk every byte (from the start of the buffer,
            // which is a record boundary).
            self.exact = Some(Quoting::FieldStart);
            self.scanned = 0;
            self.boundary = 0;
        }
        if let Some(mut state) = self.exact {
            let min = self.piece_bytes - 1;
            for i in self.scanned..end {
                let b = self.buf[i];
                let line_end = b == b'\n'
                    || (b == b'\r' && self.buf.get(i + 1).is_some_and(|&n| n != b'\n'))
                    || (b == b'\r' && i + 1 == self.buf.len());
                if line_end && state != Quoting::Quoted && self.boundary == 0 && i >= min {
                    self.boundary = i + 1;
                }
                state = state.step(b);
            }
            self.exact = Some(state);
        }
        self.scanned = end;
    }

    /// Scans `buf[scanned..end]` by quote parity; false at the first quote that neither opens
    /// nor closes a field (the caller then rescans exactly).
    fn scan_parity(&mut self, end: usize) -> bool {
        let buf = &self.buf;
        // A `\n` at `min` or later ends a piece of at least `piece_bytes`.
        let min = self.piece_bytes - 1;
        let mut region = self.scanned;
        let mut odd = self.odd;
        let mut boundary = self.boundary;
        // A record ends after a `\n` or a lone `\r` outside quotes (after a `\r\n`, the `\n`).
        let first_newline = |from: usize, to: usize, boundary: &mut usize| {
            let from = from.max(min);
            if *boundary == 0 && from < to {
                if let Some(at) = memchr::memchr2(b'\n', b'\r', &buf[from..to]) {
                    let p = from + at;
                    *boundary = if buf[p] == b'\r' && buf.get(p + 1) == Some(&b'\n') {
                        p + 2
                    } else {
                        p + 1
                    };
                }
            }
        };
        for q in memchr::memchr_iter(b'"', &buf[self.scanned..end]) {
            let p = self.scanned + q;
            if odd {
                // Closing (or the first of a doubled quote): a `,`, a line end, the end of
                // the input or another quote follows.
                if !matches!(buf.get(p + 1), None | Some(b',' | b'\r' | b'\n' | b'"')) {
                    return false;
                }
            } else {
                first_newline(region, p, &mut boundary);
                // Opening (or the second of a doubled quote): at the start of a field.
                if p > 0 && !matches!(buf[p - 1], b',' | b'\r' | b'\n' | b'"') {
                    return false;
                }
            }
            odd = !odd;
            region = p + 1;
        }
        if !odd {
            first_newline(region, end, &mut boundary);
        }
        self.odd = odd;
        self.boundary = boundary;
        true
    }

    /// Hands out `buf[..end]` as a piece; the rest stays (still scanned).
    fn cut(&mut self, end: usize) -> Piece {
        let rest = self.buf.split_off(end);
        let bytes = std::mem::replace(&mut self.buf, rest);
        // What is left starts at a record boundary and is scanned again for the next one.
        self.scanned = 0;
        self.boundary = 0;
        self.odd = false;
        if self.exact.is_some() {
            self.exact = Some(Quoting::FieldStart);
        }
        let piece = Piece {
            index: self.index,
            first_line: self.first_line,
            bytes,
        };
        self.first_line += line_ends(&piece.bytes);
        self.index += 1;
        piece
    }
}

/// Line ends in `bytes` as an editor counts them: `\n`, `\r\n` and a lone `\r` are one each.
pub(crate) fn line_ends(bytes: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    let lone_returns = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .count() as u64;
    newlines + lone_returns
}

/// Passes an input on, computing its SHA-256 and size (for the sequential readers, which read
/// a file once too).
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> HashingReader<R> {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    /// The digest of everything read so far.
    pub fn digest(self) -> FileDigest {
        FileDigest {
            sha256: hex::encode(self.hasher.finalize()),
            size_bytes: self.size,
        }
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// Runs the pipeline of the module docs: `parse` on `options.threads` workers, `merge` on the
/// calling thread in file order. Stops at the first error of reading or of `merge` (the
/// other threads are told to stop). Returns the file's digest.
///
/// With one worker, no thread is started: each piece is split, parsed and merged on the
/// calling thread before the next is read, so one piece is in memory at a time.
pub fn run<R, T, E>(
    input: R,
    options: PieceOptions,
    parse: impl Fn(Piece) -> T + Sync,
    mut merge: impl FnMut(T) -> Result<(), E>,
    io_error: impl Fn(std::io::Error) -> E,
) -> Result<FileDigest, E>
where
    R: Read + Send,
    T: Send,
{
    let threads = options.threads.max(1);
    if threads == 1 {
        return run_one_pass(input, options, parse, merge, io_error);
    }
    let in_flight = 2 * threads + 2;
    std::thread::scope(|scope| {
        // Tokens bound the pieces in flight: the splitter takes one per piece, the merge gives
        // it back once the piece is merged.
        let (give_token, take_token) = sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            let _ = give_token.send(());
        }
        let (send_piece, receive_piece) = sync_channel::<Piece>(in_flight);
        let (send_result, receive_result) = sync_channel::<(usize, T)>(in_flight);

        let splitting = scope.spawn(move || split_all(input, options, take_token, send_piece));
        // Shared by the workers and dropped with the last of them, so the splitter stops when
        // they have.
        let pieces = Arc::new(Mutex::new(receive_piece));
        let parse = &parse;
        for _ in 0..threads {
            let send_result: SyncSender<(usize, T)> = send_result.clone();
            let pieces = Arc::clone(&pieces);
            scope.spawn(move || loop {
                let next = match pieces.lock() {
                    Ok(receiver) => receiver.recv(),
                    Err(_) => return,
                };
                let Ok(piece) = next else { return };
                let index = piece.index;
                if send_result.send((index, parse(piece))).is_err() {
                    return;
                }
            });
        }
        drop(send_result);
        drop(pieces);

        let mut waiting: BTreeMap<usize, T> = BTreeMap::new();
        let mut next = 0;
        let mut failed = None;
        for (index, result) in receive_result.iter() {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&next) {
                next += 1;
                if let Err(e) = merge(result) {
                    failed = Some(e);
                    break;
                }
                let _ = give_token.send(());
            }
            if failed.is_some() {
                break;
            }
        }
        // Dropping the receivers and the token sender stops the workers and the splitter.
        drop(receive_result);
        drop(give_token);
        let split = splitting.join();
        if let Some(e) = failed {
            return Err(e);
        }
        match split {
            Ok(Ok(digest)) => Ok(digest),
            Ok(Err(e)) => Err(io_error(e)),
            Err(_) => Err(io_error(std::io::Error::other(
                "the thread reading the file failed",
            ))),
        }
    })
}

/// [`run`] with one worker: split, parse and merge one piece after the other on this thread.
fn run_one_pass<R: Read, T, E>(
    input: R,
    options: PieceOptions,
    parse: impl Fn(Piece) -> T,
    mut merge: impl FnMut(T) -> Result<(), E>,
    io_error: impl Fn(std::io::Error) -> E,
) -> Result<FileDigest, E> {
    let mut splitter = Splitter::new(input, options.piece_bytes);
    while let Some(piece) = splitter.next_piece().map_err(&io_error)? {
        merge(parse(piece))?;
    }
    Ok(splitter.digest())
}

/// `work` applied to each of `items` on `threads` workers, and `merge` given the results on
/// the calling thread in the order of `items` (for many small files: each read whole on a
/// worker, merged in order). At most `2 × threads` results are computed ahead of the merge.
/// Stops at the first error of `merge`, which is returned.
pub fn map_in_order<I, T, E>(
    items: Vec<I>,
    threads: usize,
    work: impl Fn(I) -> T + Sync,
    mut merge: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    I: Send,
    T: Send,
{
    let threads = threads.max(1);
    let in_flight = 2 * threads;
    std::thread::scope(|scope| {
        let (give_token, take_token) = sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            let _ = give_token.send(());
        }
        let queue = Arc::new(Mutex::new((take_token, items.into_iter().enumerate())));
        let (send_result, receive_result) = sync_channel::<(usize, T)>(in_flight);
        let work = &work;
        for _ in 0..threads {
            let send_result = send_result.clone();
            let queue = Arc::clone(&queue);
            scope.spawn(move || loop {
                let next = match queue.lock() {
                    // A token first (the merge is not too far behind), then an item.
                    Ok(mut q) => match q.0.recv() {
                        Ok(()) => q.1.next(),
                        Err(_) => None,
                    },
                    Err(_) => None,
                };
                let Some((index, item)) = next else { return };
                if send_result.send((index, work(item))).is_err() {
                    return;
                }
            });
        }
        drop(send_result);
        drop(queue);
        let mut waiting: BTreeMap<usize, T> = BTreeMap::new();
        let mut next = 0;
        for (index, result) in receive_result.iter() {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&next) {
                next += 1;
                // Dropping the receiver and the token sender stops the workers.
                merge(result)?;
                let _ = give_token.send(());
            }
        }
        Ok(())
    })
}

/// The splitter's thread: every piece to `send`, one token per piece.
fn split_all<R: Read>(
    input: R,
    options: PieceOptions,
    tokens: Receiver<()>,
    send: SyncSender<Piece>,
) -> std::io::Result<FileDigest> {
    let mut splitter = Splitter::new(input, options.piece_bytes);
    while let Some(piece) = splitter.next_piece()? {
        if tokens.recv().is_err() || send.send(piece).is_err() {
            // The merge stopped (its error is reported); read no further.
            return Err(std::io::Error::other("the ingest of this file stopped"));
        }
    }
    Ok(splitter.digest())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(input: &[u8], piece_bytes: usize) -> Vec<Piece> {
        let mut s = Splitter::new(input, piece_bytes);
        let mut out = Vec::new();
        while let Some(p) = s.next_piece().expect("reads") {
            out.push(p);
        }
        let digest = s.digest();
        assert_eq!(digest.size_bytes, input.len() as u64);
        assert_eq!(digest.sha256, hex::encode(Sha256::digest(input)));
        out
    }

    /// The records of `bytes` as the csv crate reads them.
    fn records(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        reader
            .byte_records()
            .map(|r| r.expect("parses").iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    /// Every cut is a record boundary of the whole input: the pieces' records, one after the
    /// other, are the input's records, and each piece starts on the right line.
    fn check(input: &[u8]) {
        for piece_bytes in [1, 2, 3, 5, 8, 13, 64, 1 << 20] {
            let ps = pieces(input, piece_bytes);
            let joined: Vec<u8> = ps.iter().flat_map(|p| p.bytes.clone()).collect();
            assert_eq!(joined, input);
            let mut line = 1;
            let mut all = Vec::new();
            for (i, p) in ps.iter().enumerate() {
                assert_eq!(p.index, i);
                assert_eq!(p.first_line, line, "piece {i} of {piece_bytes}");
                line += line_ends(&p.bytes);
                all.extend(records(&p.bytes));
            }
            assert_eq!(
                all,
                records(input),
                "pieces of {piece_bytes} bytes of {:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn cuts_never_fall_inside_quoted_newlines() {
        check(b"h1,h2\n\"a\nb\",c\n\"x\r\n\r\ny\",\"\"\"q\"\"\"\nlast,1");
        check(b"id,text\r\n1,\"two\r\nlines, and \"\"quotes\"\"\"\r\n2,plain\r\n3,\"\n\"\r\n");
        // A field ending in a doubled quote right before the line end.
        check(b"a,\"x\"\"\"\nb,\"\"\n\"\"\"\"\nc\n");
    }

    #[test]
    fn stray_quotes_switch_to_the_exact_walk() {
        // `5" screen` (a quote inside an unquoted field) and `"a"b` (text after a closing
        // quote): the csv crate reads the quote as text, so parity alone would be wrong.
        check(b"h,t\n1,5\" screen\n2,\"x\ny\"\n3,\"a\"b\"\n4,\"c\nd\"\n5,e\n");
        check(b"h\n\"a\"b\nc,\"d\ne\"\nf\n");
    }

    #[test]
    fn line_numbers_count_crlf_and_lone_cr_once() {
        assert_eq!(line_ends(b"a\r\nb\rc\nd"), 3);
        check(b"h\r\n\r\na\rb\r\n\"c\r\nd\"\re\n");
    }

    #[test]
    fn lone_carriage_returns_end_records_and_pieces() {
        // An old Mac file: no `\n` at all, yet it is cut into pieces of whole records.
        let input = b"h,v\r1,\"a\rb\"\r2,c\r3,d\r";
        check(input);
        assert_eq!(pieces(input, 1).len(), 4);
    }

    #[test]
    fn a_record_past_the_limit_is_not_held_whole() {
        // A quote left open on line 3, then 3 MiB of lines: the piece ends a little past the
        // limit (not at the end of the input), and the next call is an error.
        let mut input = b"a,b\n1,2\n3,\"open\n".to_vec();
        for _ in 0..(3 << 20) / 64 {
            input.extend(std::iter::repeat_n(b'x', 63));
            input.push(b'\n');
        }
        // Pieces of 10 bytes: the first ends past byte 10, inside the open record (the records
        // before it come with it).
        let mut splitter = Splitter::new(input.as_slice(), 10);
        let first = splitter.next_piece().unwrap().unwrap();
        assert_eq!(first.first_line, 1);
        let limit = MAX_RECORD_BYTES as usize;
        let len = first.bytes.len();
        assert!(len > limit && len < limit + (1 << 20), "{len}");
        let e = splitter.next_piece().unwrap_err();
        assert!(e.to_string().contains("longer than 1048576 bytes"), "{e}");
    }

    #[test]
    fn empty_input_has_no_piece() {
        assert!(pieces(b"", 10).is_empty());
    }

    #[test]
    fn run_merges_in_file_order_with_bounded_pieces() {
        let mut text = String::from("id,v\n");
        for i in 0..2000 {
            text.push_str(&format!("{i},\"line\n{i}\"\n"));
        }
        for threads in [1, 2, 3] {
            let mut seen = Vec::new();
            let digest = run(
                text.as_bytes(),
                PieceOptions {
                    threads,
                    piece_bytes: 97,
                    one_pass_max_bytes: 0,
                },
                |p: Piece| (p.index, p.first_line, records(&p.bytes).len()),
                |(index, line, n)| {
                    seen.push((index, line, n));
                    Ok::<(), String>(())
                },
                |e| e.to_string(),
            )
            .expect("runs");
            assert_eq!(digest.size_bytes, text.len() as u64);
            assert!(seen.iter().enumerate().all(|(i, s)| s.0 == i));
            assert_eq!(seen.iter().map(|s| s.2).sum::<usize>(), 2001);
        }
        // A merge error stops the run and is returned.
        let err = run(
            text.as_bytes(),
            PieceOptions {
                threads: 2,
                piece_bytes: 50,
                one_pass_max_bytes: 0,
            },
            |p: Piece| p.index,
            |i| {
                if i == 3 {
                    Err(format!("stop at {i}"))
                } else {
                    Ok(())
                }
            },
            |e| e.to_string(),
        )
        .unwrap_err();
        assert_eq!(err, "stop at 3");
    }

    #[test]
    fn small_files_are_read_in_one_pass() {
        let options = PieceOptions::with_threads(4);
        // At the limit: one worker, small pieces; one byte over it: as given.
        let small = options.for_file(ONE_PASS_MAX_BYTES);
        assert_eq!(
            (small.threads, small.piece_bytes),
            (1, ONE_PASS_PIECE_BYTES)
        );
        assert_eq!(options.for_file(ONE_PASS_MAX_BYTES + 1), options);
        let never = PieceOptions {
            one_pass_max_bytes: 0,
            ..options
        };
        assert_eq!(never.for_file(1).threads, 4);
        // In one pass, a merge error stops the read at that piece, as on several threads.
        let text: String = (0..100).map(|i| format!("{i},x\n")).collect();
        let mut merged = Vec::new();
        let err = run(
            text.as_bytes(),
            PieceOptions {
                threads: 1,
                piece_bytes: 10,
                one_pass_max_bytes: 0,
            },
            |p: Piece| p.index,
            |i| {
                merged.push(i);
                if i == 3 {
                    Err(format!("stop at {i}"))
                } else {
                    Ok(())
                }
            },
            |e| e.to_string(),
        );
        assert_eq!(err.unwrap_err(), "stop at 3");
        assert_eq!(merged, vec![0, 1, 2, 3]);
    }

    #[test]
    fn map_in_order_merges_in_order_and_stops_at_an_error() {
        for threads in [1, 2, 3] {
            let mut seen = Vec::new();
            map_in_order(
                (0..50u64).collect(),
                threads,
                |i| {
                    // Later items finish first.
                    std::thread::sleep(std::time::Duration::from_micros(50 - i));
                    i * i
                },
                |sq| {
                    seen.push(sq);
                    Ok::<(), String>(())
                },
            )
            .unwrap();
            assert_eq!(seen, (0..50u64).map(|i| i * i).collect::<Vec<_>>());
            let mut merged = 0;
            let err = map_in_order(
                (0..50u64).collect(),
                threads,
                |i| i,
                |i| {
                    merged += 1;
                    if i >= 7 {
                        Err(format!("stop at {i}"))
                    } else {
                        Ok(())
                    }
                },
            )
            .unwrap_err();
            assert_eq!((err.as_str(), merged), ("stop at 7", 8));
        }
    }

    mod generated {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any bytes made of commas, quotes, line ends and text — well-formed CSV or not —
            /// are cut only at the csv crate's record boundaries.
            #[test]
            fn cuts_agree_with_the_csv_crate(
                parts in proptest::collection::vec(
                    prop_oneof![Just(","), Just("\""), Just("\"\""), Just("\n"), Just("\r\n"),
                                Just("\r"), Just("a"), Just("bc")],
                    0..60,
                ),
            ) {
                check(parts.concat().as_bytes());
            }
        }
    }
}
