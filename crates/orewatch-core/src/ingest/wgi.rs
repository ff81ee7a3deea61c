//! World Bank Worldwide Governance Indicators (WGI), one row per economy and year.
//!
//! What it reads: the wide table `country,iso3,wgi_code,year` followed by, for each of the six
//! indicators `va, pv, ge, rq, rl, cc`, the columns `<ind>_est, <ind>_se, <ind>_nsource,
//! <ind>_pctrank, <ind>_pctrank_lower, <ind>_pctrank_upper` (40 columns; read by name, any
//! other column goes to `extra`). One [`GovernanceRecord`] per row.
//!
//! Units: estimates are in standard-normal units (about −2.5 … 2.5, higher is better),
//! standard errors in the same units, `nsource` a count of sources, percentile ranks 0–100.
//! Missing values are empty or `..`.
//!
//! Codes: the World Bank's own code (`wgi_code`) is kept beside ISO3; six differ (`ADO`→`AND`,
//! `KSV`→`XKX`, `ROM`→`ROU`, `TMP`→`TLS`, `WBG`→`PSE`, `ZAR`→`COD`); the notes list the pairs
//! found and [`wgi_code_mappings`] returns them.
//!
//! Checks:
//! - quarantined: no country, an `iso3`/`wgi_code` that is not three capital letters, a year
//!   that is not an integer in 1900–2100, a value that is not a number, a negative standard
//!   error or number of sources, a fractional number of sources, a percentile outside
//!   [0, 100], or an estimate outside [−5, 5] (five standard deviations: not a WGI value);
//! - flagged (kept, reason in [`GovernanceRecord::flags`] and the notes): a year WGI does not
//!   have (1997, 1999, 2001, or before 1996), and an estimate outside [−3, 3]. The real file
//!   has six such estimates (PV of Somalia 2007–2011 and Iraq 2004, down to −3.31): they are
//!   genuine, so they are flagged, not quarantined.
//!
//! What it does NOT do: rescale, interpolate the missing years, or rank countries.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::ingest::csv_rows::{self, CsvRows, Header, Row};
use crate::ingest::{IngestError, ReadOutcome};
use crate::model::{GovernanceRecord, QuarantineRecord, WgiValues, WGI_INDICATORS};

const ID_COLUMNS: [&str; 4] = ["country", "iso3", "wgi_code", "year"];
const VALUE_SUFFIXES: [&str; 6] = [
    "est",
    "se",
    "nsource",
    "pctrank",
    "pctrank_lower",
    "pctrank_upper",
];

/// Estimates beyond this are flagged (kept).
pub const ESTIMATE_FLAG_LIMIT: f64 = 3.0;
/// Estimates beyond this are quarantined.
pub const ESTIMATE_HARD_LIMIT: f64 = 5.0;

/// The 40 expected column names, in the World Bank's order.
pub(crate) fn expected_columns() -> Vec<String> {
    let mut cols: Vec<String> = ID_COLUMNS.iter().map(|c| c.to_string()).collect();
    for ind in WGI_INDICATORS {
        for suffix in VALUE_SUFFIXES {
            cols.push(format!("{}_{}", ind.code(), suffix));
        }
    }
    cols
}

/// Says whether this reader takes a file: its header has `country,iso3,wgi_code,year` and the
/// WGI value columns.
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    csv_rows::header_of(head).is_some_and(|h| missing_columns(h.names()).is_empty())
}

fn missing_columns(header: &[String]) -> Vec<String> {
    expected_columns()
        .into_iter()
        .filter(|c| !header.iter().any(|h| h == c))
        .collect()
}

/// Whether the WGI has a year: 1996, 1998, 2000, then every year from 2002.
pub fn is_wgi_year(year: i32) -> bool {
    matches!(year, 1996 | 1998 | 2000) || year >= 2002
}

/// Reads a WGI file from disk.
pub fn read_path(path: &Path) -> Result<ReadOutcome<GovernanceRecord>, IngestError> {
    let file = csv_rows::open(path)?;
    read(file, &path.to_string_lossy())
}

/// Reads a WGI file. `file` names it in quarantine records and errors.
pub fn read<R: Read>(input: R, file: &str) -> Result<ReadOutcome<GovernanceRecord>, IngestError> {
    let mut rows = CsvRows::new(input, file);
    let columns = rows.header()?;
    let missing = missing_columns(columns.names());
    if !missing.is_empty() {
        return Err(IngestError::UnknownLayout {
            path: PathBuf::from(file),
            detail: format!(
                "header `{}` lacks {}",
                columns.names().join(","),
                missing.join(",")
            ),
            expected: format!("the WGI columns `{}`", expected_columns().join(",")),
        });
    }
    let typed = expected_columns();
    let typed: Vec<&str> = typed.iter().map(String::as_str).collect();
    let mut out = ReadOutcome::new(
        "World Bank WGI, wide (country,iso3,wgi_code,year + 6 indicators × est,se,nsource,\
         pctrank,pctrank_lower,pctrank_upper)",
    );
    let mut code_pairs: BTreeMap<String, String> = BTreeMap::new();
    let mut flagged: Vec<String> = Vec::new();

    while let Some(row) = rows.next_row()? {
        let row = match row {
            Ok(row) => row,
            Err(bad) => {
                out.rows_read += 1;
                out.quarantined
                    .push(bad.quarantine(file, &columns, "expected UTF-8 text"));
                continue;
            }
        };
        if row.is_blank() {
            rows.blank += 1;
            continue;
        }
        out.rows_read += 1;
        match record(&row, &columns, &typed, file) {
            Ok(record) => {
                if record.wgi_code != record.iso3 {
                    code_pairs.insert(record.wgi_code.clone(), record.iso3.clone());
                }
                if !record.flags.is_empty() {
                    out.flagged += 1;
                    flagged.push(format!(
                        "{} {}: {}",
                        record.country,
                        record.year,
                        record.flags.join(", ")
                    ));
                }
                out.records.push(record);
            }
            Err(q) => out.quarantined.push(*q),
        }
    }

    if !code_pairs.is_empty() {
        let pairs: Vec<String> = code_pairs
            .iter()
            .map(|(wgi, iso)| format!("{wgi}→{iso}"))
            .collect();
        out.notes.push(format!(
            "{} WGI code(s) differ from ISO3 (both kept): {}",
            pairs.len(),
            pairs.join(", ")
        ));
    }
    if !flagged.is_empty() {
        out.notes.push(format!(
            "{} row(s) kept but flagged: {}",
            flagged.len(),
            flagged.join("; ")
        ));
    }
    out.notes.extend(rows.blank_note());
    Ok(out)
}

/// The World Bank codes that differ from ISO3, as `wgi_code → iso3`.
pub fn wgi_code_mappings(records: &[GovernanceRecord]) -> BTreeMap<String, String> {
    records
        .iter()
        .filter(|r| r.wgi_code != r.iso3)
        .map(|r| (r.wgi_code.clone(), r.iso3.clone()))
        .collect()
}

fn record(
    row: &Row,
    columns: &Header,
    typed: &[&str],
    file: &str,
) -> Result<GovernanceRecord, Box<QuarantineRecord>> {
    let country = columns.value(row, "country").trim();
    if country.is_empty() {
        return Err(row.quarantine(file, "country", country, "a country name"));
    }
    let iso3 = code(row, columns, "iso3", file)?;
    let wgi_code = code(row, columns, "wgi_code", file)?;
    let year_text = columns.value(row, "year").trim();
    let year = year_text
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2100).contains(y))
        .ok_or_else(|| row.quarantine(file, "year", year_text, "a year between 1900 and 2100"))?;
    let mut flags = Vec::new();
    if !is_wgi_year(year) {
        flags.push(format!(
            "year {year} is not a WGI year (1996, 1998, 2000, then yearly from 2002)"
        ));
    }
    let mut indicators = [WgiValues::default(); 6];
    for (slot, ind) in indicators.iter_mut().zip(WGI_INDICATORS) {
        let code = ind.code();
        let col = |suffix: &str| format!("{code}_{suffix}");
        let est_col = col("est");
        slot.estimate = number(
            row,
            columns,
            &est_col,
            file,
            |v| v.abs() <= ESTIMATE_HARD_LIMIT,
            "a number in [-5, 5] (WGI estimates are standard-normal units) or empty/..",
        )?;
        if let Some(est) = slot.estimate {
            if est.abs() > ESTIMATE_FLAG_LIMIT {
                flags.push(format!("{code} estimate {est} outside [-3, 3]"));
            }
        }
        slot.std_error = number(
            row,
            columns,
            &col("se"),
            file,
            |v| v >= 0.0,
            "a non-negative number or empty/..",
        )?;
        slot.n_sources = number(
            row,
            columns,
            &col("nsource"),
            file,
            |v| v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX),
            "a non-negative whole number or empty/..",
        )?
        .map(|v| v as u32);
        let pct = |v: f64| (0.0..=100.0).contains(&v);
        let pct_expected = "a percentile in [0, 100] or empty/..";
        slot.pct_rank = number(row, columns, &col("pctrank"), file, pct, pct_expected)?;
        slot.pct_rank_lower = number(row, columns, &col("pctrank_lower"), file, pct, pct_expected)?;
        slot.pct_rank_upper = number(row, columns, &col("pctrank_upper"), file, pct, pct_expected)?;
    }
    Ok(GovernanceRecord {
        country: country.to_string(),
        iso3,
        wgi_code,
        year,
        indicators,
        flags,
        extra: columns.extra(row, typed, &[]),
    })
}

fn code(
    row: &Row,
    columns: &Header,
    column: &str,
    file: &str,
) -> Result<String, Box<QuarantineRecord>> {
    let text = columns.value(row, column).trim();
    if text.len() == 3 && text.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(text.to_string())
    } else {
        Err(row.quarantine(file, column, text, "a three-letter code in capitals"))
    }
}

/// A value cell: None when missing (empty or `..`), else a number passing `valid`.
fn number(
    row: &Row,
    columns: &Header,
    column: &str,
    file: &str,
    valid: impl Fn(f64) -> bool,
    expected: &str,
) -> Result<Option<f64>, Box<QuarantineRecord>> {
    let text = columns.value(row, column).trim();
    if text.is_empty() || text == ".." {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && valid(v) => Ok(Some(v)),
        _ => Err(row.quarantine(file, column, text, expected)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WgiIndicator;

    fn header() -> String {
        expected_columns().join(",")
    }

    /// A row with the given id fields and the same six values for every indicator.
    fn row(country: &str, iso3: &str, code: &str, year: &str, values: [&str; 6]) -> String {
        let mut fields = vec![
            country.to_string(),
            iso3.to_string(),
            code.to_string(),
            year.to_string(),
        ];
        for _ in 0..6 {
            fields.extend(values.iter().map(|v| v.to_string()));
        }
        fields.join(",")
    }

    fn read_str(text: &str) -> ReadOutcome<GovernanceRecord> {
        match read(text.as_bytes(), "wgi.csv") {
            Ok(out) => out,
            Err(e) => panic!("{e}"),
        }
    }

    const OK: [&str; 6] = [
        "-1.011747",
        "0.118235",
        "13",
        "20.588236",
        "15.686275",
        "25",
    ];

    #[test]
    fn reads_values_and_codes() {
        let text = [
            header(),
            row("Mali", "MLI", "MLI", "2023", OK),
            row(
                "\"Congo, Dem. Rep.\"",
                "COD",
                "ZAR",
                "2023",
                ["", "..", "", "..", "", ""],
            ),
        ]
        .join("\n");
        let out = read_str(&text);
        assert_eq!(out.rows_read, 2);
        assert_eq!(out.records.len(), 2);
        let mali = &out.records[0];
        let va = mali.get(WgiIndicator::VA);
        assert_eq!(va.estimate, Some(-1.011747));
        assert_eq!(va.std_error, Some(0.118235));
        assert_eq!(va.n_sources, Some(13));
        assert_eq!(va.pct_rank, Some(20.588236));
        assert_eq!(va.pct_rank_lower, Some(15.686275));
        assert_eq!(va.pct_rank_upper, Some(25.0));
        assert!(mali.flags.is_empty());
        let drc = &out.records[1];
        assert_eq!(drc.country, "Congo, Dem. Rep.");
        assert_eq!((drc.iso3.as_str(), drc.wgi_code.as_str()), ("COD", "ZAR"));
        assert_eq!(*drc.get(WgiIndicator::CC), WgiValues::default());
        assert_eq!(
            wgi_code_mappings(&out.records)
                .into_iter()
                .collect::<Vec<_>>(),
            vec![("ZAR".to_string(), "COD".to_string())]
        );
        assert!(out.notes.iter().any(|n| n.contains("ZAR→COD")));
    }

    #[test]
    fn flags_missing_years_and_extreme_estimates() {
        let text = [
            header(),
            row("Mali", "MLI", "MLI", "1997", OK),
            row(
                "Somalia",
                "SOM",
                "SOM",
                "2009",
                ["-3.312951", "0.2", "5", "0", "0", "1"],
            ),
        ]
        .join("\n");
        let out = read_str(&text);
        assert_eq!(out.records.len(), 2);
        assert_eq!(out.flagged, 2);
        assert!(out.records[0].flags[0].starts_with("year 1997 is not a WGI year"));
        assert_eq!(out.records[1].flags.len(), 6);
        assert_eq!(
            out.records[1].flags[0],
            "va estimate -3.312951 outside [-3, 3]"
        );
        assert!(out
            .notes
            .iter()
            .any(|n| n.starts_with("2 row(s) kept but flagged")));
    }

    #[test]
    fn quarantines_impossible_values() {
        let cases: [(String, &str, &str, &str); 8] = [
            (
                row(
                    "Mali",
                    "MLI",
                    "MLI",
                    "2023",
                    ["-5.5", "0.1", "3", "5", "1", "9"],
                ),
                "va_est",
                "-5.5",
                "a number in [-5, 5]",
            ),
            (
                row(
                    "Mali",
                    "MLI",
                    "MLI",
                    "2023",
                    ["-1", "0.1", "3", "105", "1", "9"],
                ),
                "va_pctrank",
                "105",
                "a percentile in [0, 100]",
            ),
            (
                row(
                    "Mali",
                    "MLI",
                    "MLI",
                    "2023",
                    ["-1", "0.1", "3", "5", "-1", "9"],
                ),
                "va_pctrank_lower",
                "-1",
                "a percentile in [0, 100]",
            ),
            (
                row(
                    "Mali",
                    "MLI",
                    "MLI",
                    "2023",
                    ["-1", "-0.1", "3", "5", "1", "9"],
                ),
                "va_se",
                "-0.1",
                "a non-negative number",
            ),
            (
                row(
                    "Mali",
                    "MLI",
                    "MLI",
                    "2023",
                    ["-1", "0.1", "2.5", "5", "1", "9"],
                ),
                "va_nsource",
                "2.5",
                "a non-negative whole number",
            ),
            (
                row(
                    "Mali",
                    "MLI",
                    "MLI",
                    "2023",
                    ["high", "0.1", "3", "5", "1", "9"],
                ),
                "va_est",
                "high",
                "a number in [-5, 5]",
            ),
            (
                row("Mali", "Mali", "MLI", "2023", OK),
                "iso3",
                "Mali",
                "a three-letter code",
            ),
            (
                row("Mali", "MLI", "MLI", "23x", OK),
                "year",
                "23x",
                "a year between",
            ),
        ];
        for (line, column, value, reason) in cases {
            let out = read_str(&[header(), line].join("\n"));
            assert!(out.records.is_empty(), "{column}");
            assert_eq!(out.rows_read, 1);
            let q = &out.quarantined[0];
            assert_eq!(q.line, 2);
            assert_eq!(q.column.as_deref(), Some(column));
            assert_eq!(q.value, value);
            assert!(
                q.reason.starts_with(&format!("expected {reason}")),
                "{}",
                q.reason
            );
        }
    }

    #[test]
    fn extra_columns_and_unknown_layout() {
        let text = format!(
            "{},region\n{},Sahel\n",
            header(),
            row("Mali", "MLI", "MLI", "2023", OK)
        );
        let out = read_str(&text);
        assert_eq!(
            out.records[0].extra.get("region").map(String::as_str),
            Some("Sahel")
        );
        let err = read("country,iso3,year\nMali,MLI,2023\n".as_bytes(), "x.csv");
        assert!(matches!(err, Err(IngestError::UnknownLayout { .. })));
    }

    #[test]
    fn wgi_years_and_sniff() {
        assert!(is_wgi_year(1996) && is_wgi_year(2000) && is_wgi_year(2002));
        assert!(!is_wgi_year(1997) && !is_wgi_year(1999) && !is_wgi_year(2001));
        assert!(!is_wgi_year(1995));
        assert!(sniff(header().as_bytes(), "wgi.csv"));
        assert!(!sniff(b"country,iso3,wgi_code,year,va_est\n", "wgi.csv"));
        assert!(!sniff(
            b"country,year,commodity,quantity,unit,src\n",
            "x.csv"
        ));
    }
}
