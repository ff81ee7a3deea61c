//! Long-format production tables: one figure per row.
//!
//! What it reads, by header (read by column name; extra columns go to `extra`):
//! - **OWID 1970–2015** (`country,year,commodity,quantity,unit,src`): Our World in Data's
//!   compilation of Clio-Infra/USGS and BGS 2016 mine production series →
//!   [`ProductionSeries::Owid1970_2015`], stage None, value type Reported (the file does not
//!   distinguish estimates), `src` (`clio_usgs`, `bgs2016`) in `extra`.
//! - **USGS MCS long** (`country,year,commodity,quantity,unit,source,iso3,stage,value_type,flag,
//!   qualifier,usgs_type,source_file`): world production figures collected from the MCS
//!   originals and the MCS 2026 transcription → [`ProductionSeries::UsgsMcs`]; the edition comes
//!   from `source` (`USGS MCS2023 world data release` → `MCS2023`); `usgs_type` is the measure;
//!   the file a figure was taken from (`source_file`) stays in `extra` under that name, which
//!   is how [`super::production_dedup`] knows the figure is derived ([`DERIVED_FROM_KEY`]).
//! - **MCS transcribed** (`source_repo,source_path,source_commit,commodity,country,stage,unit,
//!   year,raw_value,value_type`): figures typed from the MCS 2026 PDF tables by a third party;
//!   edition from the file name (`mcs2026_…` → `MCS2026`); `extra` says `confidence: lower …`.
//!
//! Units: kept as the source writes them, except the transcription's abbreviations, which are
//! spelt out the way the long USGS file writes the same series (`t (lithium content)` →
//! `metric tons (lithium content)`, `kt …` → `thousand metric tons …`; the original is kept in
//! `extra["unit"]`) so that [`super::production_dedup`] can compare them.
//!
//! Flags: the long file's words are stored as the model's codes (`withheld` → `W`, `zero` →
//! `—` with quantity 0, `not available` → `NA`, `not applicable` → `XX`).
//!
//! Known caveats of the OWID file, kept as published and repeated in the outcome's notes:
//! silver is in metric tons (the upstream compilation labels the series otherwise; the
//! magnitudes, e.g. World 2010 = 23,415, are metric tons), and the `World` lead series looks
//! like refined rather than mine output (World 2015 = 10,400 thousand t, about twice mine
//! output).
//!
//! What it does NOT do: convert units, join the two series, or deduplicate figures across files
//! (see [`super::production_dedup`]).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::ingest::countries::UnmappedNames;
use crate::ingest::csv_rows::{self, CsvRows, Header, Row};
use crate::ingest::usgs_mcs::{edition_in, parse_cell, spell_out_unit};
use crate::ingest::{IngestError, ReadOutcome};
use crate::model::{ProductionRecord, ProductionSeries, QuarantineRecord, ValueType};

/// The `extra` key under which a figure taken from the long USGS file names the file it was
/// derived from (the long file's own `source_file` column).
pub const DERIVED_FROM_KEY: &str = "source_file";

pub(crate) const OWID_COLUMNS: &[&str] =
    &["country", "year", "commodity", "quantity", "unit", "src"];
pub(crate) const USGS_LONG_COLUMNS: &[&str] = &[
    "country",
    "year",
    "commodity",
    "quantity",
    "unit",
    "source",
    "iso3",
    "stage",
    "value_type",
    "flag",
    "qualifier",
    "usgs_type",
    "source_file",
];
pub(crate) const TRANSCRIBED_COLUMNS: &[&str] = &[
    "source_repo",
    "source_path",
    "source_commit",
    "commodity",
    "country",
    "stage",
    "unit",
    "year",
    "raw_value",
    "value_type",
];

/// The long layouts this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Owid,
    UsgsLong,
    Transcribed,
}

impl Layout {
    fn detect(header: &[String]) -> Option<Layout> {
        let has_all = |cols: &[&str]| cols.iter().all(|c| header.iter().any(|h| h == c));
        if has_all(USGS_LONG_COLUMNS) {
            Some(Layout::UsgsLong)
        } else if has_all(TRANSCRIBED_COLUMNS) {
            Some(Layout::Transcribed)
        } else if has_all(OWID_COLUMNS) && !header.iter().any(|h| h == "source_file") {
            Some(Layout::Owid)
        } else {
            None
        }
    }

    fn columns(self) -> &'static [&'static str] {
        match self {
            Layout::Owid => OWID_COLUMNS,
            Layout::UsgsLong => USGS_LONG_COLUMNS,
            Layout::Transcribed => TRANSCRIBED_COLUMNS,
        }
    }

    fn describe(self) -> String {
        let name = match self {
            Layout::Owid => "OWID mine production by country 1970–2015",
            Layout::UsgsLong => "USGS MCS world production, long",
            Layout::Transcribed => "USGS MCS world table transcribed, long",
        };
        format!("{name} ({})", self.columns().join(","))
    }
}

/// Says whether this reader takes a file: its header holds all the columns of one of the three
/// long layouts.
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    csv_rows::header_of(head).is_some_and(|h| Layout::detect(h.names()).is_some())
}

/// Reads a long production file from disk. See the module doc for the layouts.
pub fn read_path(path: &Path) -> Result<ReadOutcome<ProductionRecord>, IngestError> {
    let file = csv_rows::open(path)?;
    read(file, &path.to_string_lossy())
}

/// Reads a long production file. `file` names it in quarantine records and errors; the
/// transcription's edition is taken from it (`mcs2026_…` → `MCS2026`).
pub fn read<R: Read>(input: R, file: &str) -> Result<ReadOutcome<ProductionRecord>, IngestError> {
    let mut rows = CsvRows::new(input, file);
    let columns = rows.header()?;
    let layout = Layout::detect(columns.names()).ok_or_else(|| IngestError::UnknownLayout {
        path: PathBuf::from(file),
        detail: format!("header `{}`", columns.names().join(",")),
        expected: format!(
            "one of: `{}` (OWID 1970–2015); `{}` (USGS MCS long); `{}` (MCS transcribed)",
            OWID_COLUMNS.join(","),
            USGS_LONG_COLUMNS.join(","),
            TRANSCRIBED_COLUMNS.join(",")
        ),
    })?;
    let mut out = ReadOutcome::new(layout.describe());
    let mut names = UnmappedNames::default();
    let file_edition = edition_in(file_name_of(file));
    let mut seen_silver = false;
    let mut seen_world_lead = false;

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
        let parsed = match layout {
            Layout::Owid => owid_record(&row, &columns, file, &mut names),
            Layout::UsgsLong => usgs_long_record(&row, &columns, file, &mut names),
            Layout::Transcribed => {
                transcribed_record(&row, &columns, file, file_edition.as_deref(), &mut names)
            }
        };
        match parsed {
            Ok(record) => {
                if layout == Layout::Owid {
                    seen_silver |= record.commodity == "silver";
                    seen_world_lead |= record.commodity == "lead" && record.country == "World";
                }
                out.records.push(record);
            }
            Err(q) => out.quarantined.push(*q),
        }
    }

    if seen_silver {
        out.notes.push(
            "silver figures are in metric tons (the upstream compilation labels the series \
             otherwise); kept as published"
                .to_string(),
        );
    }
    if seen_world_lead {
        out.notes.push(
            "the World lead series looks like refined, not mine, output (about twice the sum \
             of mine output); kept as published"
                .to_string(),
        );
    }
    if layout == Layout::Transcribed {
        match &file_edition {
            Some(ed) => out.notes.push(format!(
                "transcribed from the {ed} PDF tables by a third party: lower confidence than a \
                 USGS data release"
            )),
            None => out.notes.push(
                "no MCS edition in the file name (expected `mcsYYYY`): figures stored without \
                 edition, so any other edition wins over them in dedup"
                    .to_string(),
            ),
        }
    }
    out.notes.extend(names.notes());
    out.notes.extend(rows.blank_note());
    Ok(out)
}

fn owid_record(
    row: &Row,
    columns: &Header,
    file: &str,
    names: &mut UnmappedNames,
) -> Result<ProductionRecord, Box<QuarantineRecord>> {
    let country = required(row, columns, "country", "a country name", file)?;
    let year = year_of(row, columns, "year", file)?;
    let commodity = required(row, columns, "commodity", "a commodity name", file)?;
    let quantity_text = columns.value(row, "quantity");
    let quantity = crate::ingest::text::parse_number(quantity_text)
        .filter(|q| *q >= 0.0)
        .ok_or_else(|| row.quarantine(file, "quantity", quantity_text, "a non-negative number"))?;
    let unit = required(row, columns, "unit", "a unit", file)?;
    let iso3 = names.iso3(country);
    Ok(ProductionRecord {
        series: ProductionSeries::Owid1970_2015,
        country: country.to_string(),
        iso3,
        year,
        commodity: commodity.to_lowercase(),
        stage: None,
        quantity: Some(quantity),
        unit: unit.to_string(),
        value_type: ValueType::Reported,
        flag: None,
        measure: None,
        edition: None,
        source_file: file.to_string(),
        extra: columns.extra(row, OWID_COLUMNS, &["src"]),
    })
}

fn usgs_long_record(
    row: &Row,
    columns: &Header,
    file: &str,
    names: &mut UnmappedNames,
) -> Result<ProductionRecord, Box<QuarantineRecord>> {
    let country = required(row, columns, "country", "a country name", file)?;
    let year = year_of(row, columns, "year", file)?;
    let commodity = required(row, columns, "commodity", "a commodity name", file)?;
    let unit = required(row, columns, "unit", "a unit", file)?;
    let source = columns.value(row, "source");
    let edition = edition_in(source).ok_or_else(|| {
        row.quarantine(
            file,
            "source",
            source,
            "a source naming the MCS edition (`USGS MCS2023 …`)",
        )
    })?;
    let stage = stage_of(row, columns, file)?;
    let value_type = value_type_of(row, columns, file)?;
    let flag_text = columns.value(row, "flag").trim();
    let flag = long_flag(flag_text).ok_or_else(|| {
        row.quarantine(
            file,
            "flag",
            flag_text,
            "empty, `withheld`, `zero`, `not available` or `not applicable` (or W, —, NA, XX)",
        )
    })?;
    let quantity_text = columns.value(row, "quantity").trim();
    let quantity = if quantity_text.is_empty() {
        if matches!(flag, Some("W") | Some("NA") | Some("XX")) {
            None
        } else {
            return Err(row.quarantine(
                file,
                "quantity",
                quantity_text,
                "a non-negative number (empty only when the flag says withheld or not available)",
            ));
        }
    } else {
        let q = crate::ingest::text::parse_number(quantity_text)
            .filter(|q| *q >= 0.0)
            .ok_or_else(|| {
                row.quarantine(file, "quantity", quantity_text, "a non-negative number")
            })?;
        Some(q)
    };
    let iso3_text = columns.value(row, "iso3").trim();
    let iso3 = if iso3_text.is_empty() {
        names.iso3(country)
    } else if iso3_text.len() == 3 && iso3_text.chars().all(|c| c.is_ascii_uppercase()) {
        Some(iso3_text.to_string())
    } else {
        return Err(row.quarantine(
            file,
            "iso3",
            iso3_text,
            "an ISO 3166-1 alpha-3 code (three capital letters) or empty",
        ));
    };
    let measure =
        crate::ingest::text::non_missing(columns.value(row, "usgs_type")).map(String::from);
    Ok(ProductionRecord {
        series: ProductionSeries::UsgsMcs,
        country: country.to_string(),
        iso3,
        year,
        commodity: commodity.to_lowercase(),
        stage: Some(stage),
        quantity,
        unit: unit.to_string(),
        value_type,
        flag: flag.map(String::from),
        measure,
        edition: Some(edition),
        source_file: file.to_string(),
        extra: columns.extra(
            row,
            USGS_LONG_COLUMNS,
            &["source", "qualifier", DERIVED_FROM_KEY],
        ),
    })
}

fn transcribed_record(
    row: &Row,
    columns: &Header,
    file: &str,
    edition: Option<&str>,
    names: &mut UnmappedNames,
) -> Result<ProductionRecord, Box<QuarantineRecord>> {
    let country = required(row, columns, "country", "a country name", file)?;
    let year = year_of(row, columns, "year", file)?;
    let commodity = required(row, columns, "commodity", "a commodity name", file)?;
    let unit = required(row, columns, "unit", "a unit", file)?;
    let stage = stage_of(row, columns, file)?;
    let value_type = value_type_of(row, columns, file)?;
    let raw_value = columns.value(row, "raw_value");
    let (quantity, flag) = parse_cell(raw_value).ok_or_else(|| {
        row.quarantine(
            file,
            "raw_value",
            raw_value,
            "a non-negative number, W (withheld), — (zero), NA or XX",
        )
    })?;
    let mut extra = columns.extra(
        row,
        TRANSCRIBED_COLUMNS,
        &["source_repo", "source_path", "source_commit"],
    );
    extra.insert(
        "confidence".to_string(),
        "lower: typed from the MCS PDF tables by a third party, not a USGS data release"
            .to_string(),
    );
    let spelt = spell_out_unit(unit);
    if spelt != unit {
        extra.insert("unit".to_string(), unit.to_string());
    }
    Ok(ProductionRecord {
        series: ProductionSeries::UsgsMcs,
        country: country.to_string(),
        iso3: names.iso3(country),
        year,
        commodity: commodity.to_lowercase(),
        stage: Some(stage),
        quantity,
        unit: spelt,
        value_type,
        flag: flag.map(String::from),
        measure: None,
        edition: edition.map(String::from),
        source_file: file.to_string(),
        extra,
    })
}

/// The long file's flag words as the model's codes. None when the text is not a known flag.
fn long_flag(text: &str) -> Option<Option<&'static str>> {
    match text.to_lowercase().as_str() {
        "" => Some(None),
        "withheld" | "w" => Some(Some("W")),
        "zero" | "—" => Some(Some("—")),
        "not available" | "na" => Some(Some("NA")),
        "not applicable" | "xx" => Some(Some("XX")),
        _ => None,
    }
}

fn required<'r>(
    row: &'r Row,
    columns: &Header,
    column: &str,
    expected: &str,
    file: &str,
) -> Result<&'r str, Box<QuarantineRecord>> {
    let value = columns.value(row, column).trim();
    if value.is_empty() {
        Err(row.quarantine(file, column, value, expected))
    } else {
        Ok(value)
    }
}

/// Years accepted as plausible for production data.
const YEARS: std::ops::RangeInclusive<i32> = 1800..=2100;

fn year_of(
    row: &Row,
    columns: &Header,
    column: &str,
    file: &str,
) -> Result<i32, Box<QuarantineRecord>> {
    let text = columns.value(row, column).trim();
    text.parse::<i32>()
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| row.quarantine(file, column, text, "a year between 1800 and 2100"))
}

fn stage_of(row: &Row, columns: &Header, file: &str) -> Result<String, Box<QuarantineRecord>> {
    let text = columns.value(row, "stage").trim();
    match text.to_lowercase().as_str() {
        "mine" => Ok("mine".to_string()),
        "refinery" => Ok("refinery".to_string()),
        _ => Err(row.quarantine(file, "stage", text, "`mine` or `refinery`")),
    }
}

fn value_type_of(
    row: &Row,
    columns: &Header,
    file: &str,
) -> Result<ValueType, Box<QuarantineRecord>> {
    let text = columns.value(row, "value_type").trim();
    match text.to_lowercase().as_str() {
        "reported" => Ok(ValueType::Reported),
        "estimated" => Ok(ValueType::Estimated),
        _ => Err(row.quarantine(file, "value_type", text, "`reported` or `estimated`")),
    }
}

/// The last path component of `file` (`/a/b/mcs2026_x.csv` → `mcs2026_x.csv`).
pub(crate) fn file_name_of(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str, file: &str) -> ReadOutcome<ProductionRecord> {
        match read(text.as_bytes(), file) {
            Ok(out) => out,
            Err(e) => panic!("{e}"),
        }
    }

    const OWID: &str = "country,year,commodity,quantity,unit,src\r\n\
        Mali,2015,Gold,46,metric tons,clio_usgs\r\n\
        \"Congo, DRC\",1970,Silver,46,metric tons,clio_usgs\r\n\
        World,2015,Lead,10400,thousand metric tons,clio_usgs\r\n\
        Atlantis,2015,Gold,1,metric tons,clio_usgs\r\n\
        Mali,20x5,Gold,46,metric tons,clio_usgs\r\n\
        Mali,2014,Gold,-3,metric tons,clio_usgs\r\n\
        ,2014,Gold,3,metric tons,clio_usgs\r\n";

    #[test]
    fn owid_layout() {
        let out = read_str(OWID, "owid.csv");
        assert!(out.layout.starts_with("OWID"));
        assert_eq!(out.rows_read, 7);
        assert_eq!(out.records.len(), 4);
        let mali = &out.records[0];
        assert_eq!(mali.series, ProductionSeries::Owid1970_2015);
        assert_eq!(mali.iso3.as_deref(), Some("MLI"));
        assert_eq!(mali.commodity, "gold");
        assert_eq!(mali.quantity, Some(46.0));
        assert_eq!(mali.unit, "metric tons");
        assert_eq!(mali.stage, None);
        assert_eq!(mali.extra.get("src").map(String::as_str), Some("clio_usgs"));
        assert_eq!(out.records[1].iso3.as_deref(), Some("COD"));
        assert_eq!(out.records[2].iso3, None);
        assert_eq!(out.quarantined.len(), 3);
        let q = &out.quarantined[0];
        assert_eq!(
            (q.line, q.column.as_deref(), q.value.as_str()),
            (6, Some("year"), "20x5")
        );
        assert_eq!(q.reason, "expected a year between 1800 and 2100");
        assert_eq!(q.raw, "Mali,20x5,Gold,46,metric tons,clio_usgs");
        let q = &out.quarantined[1];
        assert_eq!((q.line, q.column.as_deref()), (7, Some("quantity")));
        assert_eq!(q.reason, "expected a non-negative number");
        assert_eq!(out.quarantined[2].column.as_deref(), Some("country"));
        assert!(out.notes.iter().any(|n| n.contains("silver")));
        assert!(out.notes.iter().any(|n| n.contains("World lead")));
        assert!(out.notes.iter().any(|n| n.contains("Atlantis")));
    }

    const USGS_LONG: &str = "country,year,commodity,quantity,unit,source,iso3,stage,value_type,flag,qualifier,usgs_type,source_file\n\
        Mali,2022,gold,64,metric tons (gold content),USGS MCS2024 world data release,MLI,mine,reported,,,\"Gold - contained content, mine production, metric tons\",original/MCS2024/mcs2024-gold_world.csv\n\
        United States,2021,bauxite,,thousand metric tons (gross weight),USGS MCS2023 world data release,USA,mine,reported,withheld,,\"Mine production, bauxite\",original/MCS2023/mcs2023-bauxi_world.csv\n\
        Kazakhstan,2022,manganese,129,thousand metric tons (manganese content),USGS MCS2024 world data release,KAZ,mine,reported,,concentrate,\"Mine production, manganese content\",original/MCS2024/mcs2024-manga_world.csv\n\
        Other countries,2024,lithium,0,metric tons (lithium content),USGS MCS2026 PDF world table (transcribed),,mine,reported,zero,,,transcribed/x.csv\n\
        Mali,2022,gold,64,metric tons (gold content),USGS world data release,MLI,mine,reported,,,,x\n\
        Mali,2022,gold,64,metric tons (gold content),USGS MCS2024 world data release,MLI,smelter,reported,,,,x\n\
        Mali,2022,gold,,metric tons (gold content),USGS MCS2024 world data release,MLI,mine,reported,,,,x\n\
        Mali,2022,gold,64,metric tons (gold content),USGS MCS2024 world data release,MLI,mine,reported,secret,,,x\n\
        Mali,2022,gold,64,metric tons (gold content),USGS MCS2024 world data release,MLI,mine,guessed,,,,x\n";

    #[test]
    fn usgs_long_layout() {
        let out = read_str(USGS_LONG, "long.csv");
        assert!(out.layout.starts_with("USGS MCS world production, long"));
        assert_eq!(out.rows_read, 9);
        assert_eq!(out.records.len(), 4);
        let mali = &out.records[0];
        assert_eq!(mali.series, ProductionSeries::UsgsMcs);
        assert_eq!(mali.edition.as_deref(), Some("MCS2024"));
        assert_eq!(mali.stage.as_deref(), Some("mine"));
        assert_eq!(
            mali.measure.as_deref(),
            Some("Gold - contained content, mine production, metric tons")
        );
        assert_eq!(
            mali.extra.get(DERIVED_FROM_KEY).map(String::as_str),
            Some("original/MCS2024/mcs2024-gold_world.csv")
        );
        let us = &out.records[1];
        assert_eq!((us.quantity, us.flag.as_deref()), (None, Some("W")));
        assert_eq!(
            out.records[2].extra.get("qualifier").map(String::as_str),
            Some("concentrate")
        );
        let other = &out.records[3];
        assert_eq!(
            (other.quantity, other.flag.as_deref()),
            (Some(0.0), Some("—"))
        );
        assert_eq!(other.iso3, None);
        let reasons: Vec<(u64, &str)> = out
            .quarantined
            .iter()
            .map(|q| (q.line, q.column.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (6, "source"),
                (7, "stage"),
                (8, "quantity"),
                (9, "flag"),
                (10, "value_type")
            ]
        );
    }

    const TRANSCRIBED: &str = "source_repo,source_path,source_commit,commodity,country,stage,unit,year,raw_value,value_type\n\
        r,p,c,lithium,Mali,mine,t (lithium content),2024,770,reported\n\
        r,p,c,lithium,United States,mine,t (lithium content),2025,W,estimated\n\
        r,p,c,manganese,United States,mine,kt (manganese content),2025,—,estimated\n\
        r,p,c,lithium,Mali,mine,t (lithium content),2025,lots,estimated\n";

    #[test]
    fn transcribed_layout() {
        let out = read_str(TRANSCRIBED, "/x/mcs2026_world_li_co_mn_transcribed.csv");
        assert!(out.layout.starts_with("USGS MCS world table transcribed"));
        assert_eq!(out.records.len(), 3);
        let mali = &out.records[0];
        assert_eq!(mali.edition.as_deref(), Some("MCS2026"));
        assert_eq!(mali.unit, "metric tons (lithium content)");
        assert_eq!(
            mali.extra.get("unit").map(String::as_str),
            Some("t (lithium content)")
        );
        assert!(mali
            .extra
            .get("confidence")
            .is_some_and(|c| c.starts_with("lower")));
        assert_eq!(mali.quantity, Some(770.0));
        assert_eq!(out.records[1].flag.as_deref(), Some("W"));
        assert_eq!(out.records[1].value_type, ValueType::Estimated);
        assert_eq!(
            out.records[2].unit,
            "thousand metric tons (manganese content)"
        );
        assert_eq!(out.records[2].quantity, Some(0.0));
        let q = &out.quarantined[0];
        assert_eq!(
            (q.line, q.column.as_deref(), q.value.as_str()),
            (5, Some("raw_value"), "lots")
        );
        assert!(out.notes.iter().any(|n| n.contains("MCS2026")));
    }

    #[test]
    fn unknown_layout_and_sniff() {
        let err = read("a,b,c\n1,2,3\n".as_bytes(), "x.csv");
        assert!(matches!(err, Err(IngestError::UnknownLayout { .. })));
        assert!(sniff(OWID.as_bytes(), "owid.csv"));
        assert!(sniff(USGS_LONG.as_bytes(), "long.csv"));
        assert!(sniff(TRANSCRIBED.as_bytes(), "t.csv"));
        assert!(!sniff(
            b"Source,Country,Type,Prod_t_2020\n",
            "mcs2022-x_world.csv"
        ));
        assert!(!sniff(b"country,iso3,wgi_code,year,va_est\n", "wgi.csv"));
        assert!(!sniff(b"", "empty.csv"));
    }

    #[test]
    fn not_utf8_row_is_quarantined() {
        let mut bytes =
            b"country,year,commodity,quantity,unit,src\nMali,2015,Gold,46,metric tons,x\n".to_vec();
        bytes.extend_from_slice(b"Mal\xff,2015,Gold,46,metric tons,x\n");
        let out = match read(bytes.as_slice(), "f.csv") {
            Ok(out) => out,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(out.rows_read, 2);
        assert_eq!(out.records.len(), 1);
        assert_eq!(out.quarantined[0].line, 3);
        assert_eq!(out.quarantined[0].reason, "expected UTF-8 text");
    }
}
