//! CSV files damaged by a spreadsheet re-save: recognising them, and recovering the records a
//! re-save kept whole.
//!
//! The damage: a comma-separated file opened in a spreadsheet that split each line on `;`
//! (a locale whose list separator is `;`) and saved it again with `;` between cells. Every
//! line becomes its original text up to its first `;` in the first `;`-separated piece
//! (quoted, its quotes doubled, when it held quotes), then `;` and more pieces (that text
//! again, then the rest of the line cut at each `;`), then empty cells. A record without `;`
//! in its text is thus whole in the first piece; one whose text held a `;` (GED's
//! multi-source `source_article`) is cut, and one whose text held a line break is split over
//! several lines.
//!
//! [`diagnose`] recognises the damage from the first two lines of a file, whatever its name:
//! on both, the first two `;`-separated pieces are the same non-empty text, and on the first
//! that text is a comma-separated record of at least three fields. A sound CSV never shows
//! this: its header holds no `;` outside quotes, and a `;` inside a data row's quoted text
//! (GED's `""a"";""b""` source lists) does not cut the row into two equal halves.
//!
//! [`recover`] keeps, of each line, its first piece when that piece is one whole record with
//! as many fields as the header (or one more, empty: a trailing comma). It returns a CSV text
//! with the header and the recovered records each on the line it had in the damaged file
//! (blank lines between, so every reader names the damaged file's lines), and the lines it
//! could not recover, each with its line and text for the quarantine. Lines holding only `;`
//! separators are counted. Nothing is guessed: a split record is not glued back together.
//!
//! What it does not do: repair day-first dates or decimal commas a spreadsheet may also have
//! written, or decide what the records mean (the readers do, on the recovered text).

/// What to do about a damaged file, for every message that refuses one.
pub const ADVICE: &str = "Get the original file again (a spreadsheet re-save damages CSV files), or pass --recover-quoted to read only the records the re-save kept whole (each recovered and unrecoverable line is counted; the unrecoverable ones are quarantined)";

/// What [`diagnose`] saw on a damaged file's first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resaved {
    /// The first damaged line (1-based): always 1, the header, when [`diagnose`] matches.
    pub line: u64,
    /// `;`-separated pieces on that line.
    pub pieces: usize,
    /// Comma-separated fields in its first piece.
    pub record_fields: usize,
    /// The start of that line, for the message (at most about 80 characters).
    pub excerpt: String,
}

impl Resaved {
    /// What was found on [`Resaved::line`] and what was expected, in words (for the error
    /// message, after `line N: `).
    pub fn describe(&self) -> String {
        format!(
            "`{}…` is one comma-separated record of {} fields followed by `;`, the same text again and {} more piece(s), and line {} is built the same way: the file looks re-saved by a spreadsheet with `;` between cells. Expected comma-separated rows, one field per column",
            self.excerpt,
            self.record_fields,
            self.pieces - 1,
            self.line + 1
        )
    }
}

/// A line of `bytes`: the bytes up to (not including) the next `\n`, `\r` stripped.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

/// The `;`-separated pieces of one line (CSV quoting with `"`).
fn pieces(line: &[u8]) -> Vec<Vec<u8>> {
    split_record(line, b';')
}

/// The fields of one line as a CSV record with `delimiter`; an empty line has none.
fn split_record(line: &[u8], delimiter: u8) -> Vec<Vec<u8>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record.iter().map(<[u8]>::to_vec).collect(),
        _ => Vec::new(),
    }
}

/// `(pieces, comma fields of the first piece)` of a line whose first two `;`-separated pieces
/// are the same non-empty text, else None.
fn repeated_first_piece(line: &[u8]) -> Option<(usize, usize)> {
    if !line.contains(&b';') {
        return None;
    }
    let parts = pieces(line);
    if parts.len() < 2 || parts[0].is_empty() || parts[0] != parts[1] {
        return None;
    }
    Some((parts.len(), split_record(&parts[0], b',').len()))
}

/// Whether `head` (the start of a file) shows the spreadsheet re-save damage; see the module
/// docs for the rule.
pub fn diagnose(head: &[u8]) -> Option<Resaved> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut it = lines(head).filter(|l| !l.is_empty());
    let first = it.next()?;
    let (pieces, record_fields) = repeated_first_piece(first)?;
    if record_fields < 3 {
        return None;
    }
    repeated_first_piece(it.next()?)?;
    let text = String::from_utf8_lossy(first);
    let excerpt: String = text.chars().take(80).collect();
    Some(Resaved {
        line: 1,
        pieces,
        record_fields,
        excerpt,
    })
}

/// A line [`recover`] could not turn into a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrecoverable {
    pub line: u64,
    /// Comma-separated fields found in the line's first piece.
    pub fields: usize,
    /// The line as read (invalid UTF-8 replaced).
    pub raw: String,
}

/// The records recovered from a damaged file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// CSV text: the header on line 1 and each recovered record on its original line.
    pub csv: Vec<u8>,
    /// Fields per record (the header's).
    pub width: usize,
    pub recovered: u64,
    pub unrecoverable: Vec<Unrecoverable>,
    /// Lines holding nothing but `;` separators and spaces.
    pub separator_only: u64,
}

/// Recovers the records whose first piece is whole (see the module docs). `bytes` is the
/// whole damaged file.
pub fn recover(bytes: &[u8]) -> Recovery {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out = Recovery {
        csv: Vec::with_capacity(bytes.len() / 2),
        width: 0,
        recovered: 0,
        unrecoverable: Vec::new(),
        separator_only: 0,
    };
    let mut written_lines = 0u64;
    let mut header_seen = false;
    for (i, line) in lines(bytes).enumerate() {
        let number = i as u64 + 1;
        if line.iter().all(|b| matches!(b, b';' | b' ' | b'\t')) {
            if line.contains(&b';') {
                out.separator_only += 1;
            }
            continue;
        }
        let first = pieces(line).into_iter().next().unwrap_or_default();
        let fields = split_record(&first, b',');
        let whole = if header_seen {
            fields.len() == out.width
                || (fields.len() == out.width + 1 && fields.last().is_some_and(|f| f.is_empty()))
        } else {
            header_seen = true;
            out.width = fields.len();
            true
        };
        if !whole || first.contains(&b'\n') {
            out.unrecoverable.push(Unrecoverable {
                line: number,
                fields: fields.len(),
                raw: String::from_utf8_lossy(line).into_owned(),
            });
            continue;
        }
        // Blank lines up to the record's own line: readers skip them and count them.
        while written_lines + 1 < number {
            out.csv.push(b'\n');
            written_lines += 1;
        }
        out.csv.extend_from_slice(&first);
        out.csv.push(b'\n');
        written_lines += 1;
        if number > 1 {
            out.recovered += 1;
        }
    }
    out
}

impl Recovery {
    /// The reason given for every unrecoverable line in the quarantine.
    pub fn reason(&self, fields: usize) -> String {
        format!(
            "one whole record of {} comma-separated fields in the line's first `;`-separated piece (the spreadsheet re-save damage); found {fields}: the re-save cut this record at a `;` in its text or split it over several lines, and the pieces are not glued back together",
            self.width
        )
    }

    /// One line summing up the recovery, for the source's notes.
    pub fn note(&self) -> String {
        format!(
            "recovered from a spreadsheet-damaged file (--recover-quoted): {} record(s) recovered, {} line(s) unrecoverable (quarantined), {} line(s) of bare `;` separators",
            self.recovered,
            self.unrecoverable.len(),
            self.separator_only
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A three-column file damaged as the module docs describe: header, a record with quotes,
    /// a plain record, a record split over two lines, a line of bare separators.
    const DAMAGED: &str = concat!(
        "id,name,n;id,name,n;;\r\n",
        "2,c,3,;2,c,3,;;\r\n",
        "\"1,\"\"a\";\"1,\"\"a\";b\"\",2;\r\n",
        "\"3,\"\"two\";\"3,\"\"two\";\r\n",
        "lines\"\",4\";lines\"\",4\";;\r\n",
        ";;;\r\n",
        "4,d,5;4,d,5;;\r\n",
    );

    #[test]
    fn recognises_the_damage_and_not_a_sound_file() {
        let d = diagnose(DAMAGED.as_bytes()).expect("damaged");
        assert_eq!((d.line, d.pieces, d.record_fields), (1, 4, 3));
        assert!(d.describe().starts_with("`id,name,n;id,name,n;;…` is one"));
        // Sound files: commas with a `;` inside quotes, a semicolon-separated file, one line,
        // and header-less rows whose quoted text holds `"";""` (GED candidate files).
        assert_eq!(diagnose(b"id,name,n\r\n1,\"a;b\",2\r\n"), None);
        assert_eq!(diagnose(b"id;name;n\r\n1;a,5;2\r\n"), None);
        assert_eq!(diagnose(b"id,name,n;id,name,n\r\n"), None);
        assert_eq!(diagnose(b""), None);
        let candidate = b"1,x,\"\"\"a,1\"\";\"\"b,2\"\"\",y\n2,x,\"\"\"c\"\";\"\"d\"\"\",y\n";
        assert_eq!(diagnose(candidate), None);
        // The second line repeats its first piece too, whatever its width.
        assert_eq!(diagnose(b"a,b,c;a,b,c\n1,2;3,4\n"), None);
        assert!(diagnose(b"\xEF\xBB\xBFa,b,c;a,b,c\n1,2;1,2;x\n").is_some());
    }

    #[test]
    fn recovers_whole_records_on_their_own_lines() {
        let r = recover(DAMAGED.as_bytes());
        assert_eq!(r.width, 3);
        assert_eq!(r.recovered, 2);
        assert_eq!(r.separator_only, 1);
        let lost: Vec<(u64, usize)> = r.unrecoverable.iter().map(|u| (u.line, u.fields)).collect();
        // Line 3's first piece is `1,"a` (cut at the `;` of `a;b`: 2 fields), line 4's
        // `3,"two` (split over two lines), line 5's `lines",4` (2 fields each).
        assert_eq!(lost, vec![(3, 2), (4, 2), (5, 2)]);
        assert_eq!(r.unrecoverable[2].raw, "lines\"\",4\";lines\"\",4\";;");
        let text = String::from_utf8(r.csv.clone()).unwrap();
        assert_eq!(
            text, "id,name,n\n2,c,3,\n\n\n\n\n4,d,5\n",
            "records on lines 2 and 7"
        );
        assert!(r.reason(2).starts_with("one whole record of 3"));
    }
}
