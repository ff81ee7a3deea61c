//! USGS Mineral Commodity Summaries world tables, as published (`mcsYYYY-<code>_world.csv`,
//! `<name>_mcsYYYY-<code>_world.csv`).
//!
//! What it reads: one row per country and measure (`Source,Country,Type,Prod_…,…`), with one
//! production column per year. Each production cell becomes one [`ProductionRecord`]
//! ([`ProductionSeries::UsgsMcs`]), so a row gives two records (e.g. 2022 and 2023).
//!
//! Layouts (all detected from the header, read by column name):
//! - production columns `Prod_<unit>_[est_]<year>`: unit `t` or `kt`, `est`/`Est` = estimated
//!   (`Prod_t_Est_2021`, `Prod_t_est_2022`, `Prod_kt_2021`); at least one is required;
//! - optional `Prod_notes` (or `Prod_note`), `Reserves_<unit>`, `Reserves_notes` and any other
//!   named column → `extra` (reserves are not production; they are kept verbatim);
//! - empty trailing header columns are ignored (a value under one goes to `extra` as
//!   `column N`); blank rows (every field empty) are skipped and counted in a note;
//! - a UTF-8 BOM and CRLF line ends are accepted.
//!
//! Cells: numbers may have thousands separators and stray spaces (`"19,500"`, `"393 "`);
//! `W` = withheld (quantity None, flag `W`); `—` = zero (quantity 0, flag `—`); `NA` (not
//! available) and `XX` (not applicable) give quantity None with that flag. Anything else is
//! quarantined, cell by cell (the row's other year is still read).
//!
//! Country: footnote digits glued to the name are removed (`China6` → `China`); a qualifier
//! after a comma is split off into `extra["qualifier"]` when the full name is not a country but
//! the part before the comma is (`Kazakhstan, concentrate` → `Kazakhstan` + `concentrate`;
//! `Korea, Republic of` stays whole). The name as published is kept in `extra["Country"]` when
//! it differs.
//!
//! Commodity and stage come from the `Type` text: `Mine production …` → `mine`, `Refinery
//! production …` → `refinery`; the commodity is the known commodity named in it (`Refinery
//! production, alumina - …` → `alumina`, `Mine production, bauxite` → `bauxite`, `Mine
//! production, contained lithium` → `lithium`), or, when the text names none (`Refinery
//! production` in the 2022 copper file), the commodity of the file's code (`coppe` → copper).
//!
//! Value type: estimated when the column says so, and also when `Prod_notes` says that column's
//! year is estimated too (`Production in 2021 is also estimated.`).
//!
//! Units: the column's `t`/`kt` spelt out with the content basis in the wording of the long
//! USGS file for the same series, so that [`super::production_dedup`] can compare figures:
//! `kt` copper → `thousand metric tons (copper content)`, `t` gold → `metric tons (gold
//! content)`, bauxite → `… (gross weight)`, alumina → `… (calcined equivalent weight)`, cobalt
//! → `… (contained cobalt)`, lithium → `… (lithium content)`, manganese → `… (manganese
//! content)`, phosphate rock → `… (gross weight, phosphate rock ore)`. A commodity outside this
//! list gets the scale alone (`metric tons`). Values are never converted.
//!
//! Edition: from the `Source` cell (`MCS2023`), else from the file name (`mcs2023-…`).
//!
//! What it does NOT do: read the `*_meta.xml` metadata (sniff says no), store reserves as
//! figures, or deduplicate across editions (see [`super::production_dedup`]).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::ingest::csv_rows::{self, CsvRows, Header, Row};
use crate::ingest::text::file_name_of;
use crate::ingest::{IngestError, ReadOutcome};
use crate::model::countries::{lookup, strip_footnote_digits, CountryMatch, UnmappedNames};
use crate::model::{ProductionRecord, ProductionSeries, ValueType};

/// Commodities recognised in a `Type` text, as word sequences, with the content basis the long
/// USGS file writes in their unit (None: scale only).
const COMMODITIES: &[(&str, Option<&str>)] = &[
    ("alumina", Some("calcined equivalent weight")),
    ("bauxite", Some("gross weight")),
    ("cobalt", Some("contained cobalt")),
    ("copper", Some("copper content")),
    ("gold", Some("gold content")),
    ("lithium", Some("lithium content")),
    ("manganese", Some("manganese content")),
    ("phosphate rock", Some("gross weight, phosphate rock ore")),
    ("graphite", None),
    ("iron ore", None),
    ("nickel", None),
    ("platinum", None),
    ("rare earths", None),
    ("silver", None),
    ("tungsten", None),
    ("uranium", None),
    ("zinc", None),
];

/// File-name codes (`mcs2024-<code>_world.csv`) of single-commodity files. `bauxi` is absent on
/// purpose: that file holds both bauxite and alumina.
const FILE_CODES: &[(&str, &str)] = &[
    ("cobal", "cobalt"),
    ("coppe", "copper"),
    ("gold", "gold"),
    ("lithi", "lithium"),
    ("manga", "manganese"),
    ("phosp", "phosphate rock"),
];

/// A production column: its position, year, scale and whether it holds estimates.
#[derive(Debug, Clone)]
struct ProdColumn {
    index: usize,
    name: String,
    year: i32,
    /// `t` or `kt`.
    scale: &'static str,
    estimated: bool,
}

/// Parses `Prod_<t|kt>_[est_]<year>` (case-insensitive). None for anything else.
fn prod_column(index: usize, name: &str) -> Option<ProdColumn> {
    let lower = name.to_lowercase();
    let parts: Vec<&str> = lower.split('_').collect();
    let (scale, estimated, year) = match parts.as_slice() {
        ["prod", scale, year] => (*scale, false, *year),
        ["prod", scale, "est", year] => (*scale, true, *year),
        _ => return None,
    };
    let scale = match scale {
        "t" => "t",
        "kt" => "kt",
        _ => return None,
    };
    if year.len() != 4 {
        return None;
    }
    let year = year.parse::<i32>().ok()?;
    Some(ProdColumn {
        index,
        name: name.to_string(),
        year,
        scale,
        estimated,
    })
}

/// The header's production columns, or the reason the header is not an MCS world table.
fn prod_columns(header: &[String]) -> Result<Vec<ProdColumn>, String> {
    for required in ["Country", "Type"] {
        if !header.iter().any(|h| h == required) {
            return Err(format!("no `{required}` column"));
        }
    }
    let mut prods = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if !name.to_lowercase().starts_with("prod_") {
            continue;
        }
        if let Some(p) = prod_column(i, name) {
            prods.push(p);
        } else if !is_notes_column(name) {
            return Err(format!("production column `{name}` not understood"));
        }
    }
    if prods.is_empty() {
        return Err("no production column".to_string());
    }
    Ok(prods)
}

fn is_notes_column(name: &str) -> bool {
    matches!(name.to_lowercase().as_str(), "prod_notes" | "prod_note")
}

const EXPECTED: &str = "`Source,Country,Type` and one or more `Prod_<t|kt>_[est_]<year>` \
                        columns (e.g. `Prod_t_2022,Prod_t_est_2023`), optionally `Prod_notes`, \
                        `Reserves_<unit>`, `Reserves_notes`";

/// Says whether this reader takes a file: a CSV (not the `_meta.xml`) whose header has
/// `Country`, `Type` and `Prod_<t|kt>_…_<year>` columns.
pub fn sniff(head: &[u8], file_name: &str) -> bool {
    if file_name.to_lowercase().ends_with(".xml") {
        return false;
    }
    csv_rows::header_of(head).is_some_and(|h| prod_columns(h.names()).is_ok())
}

/// Reads an MCS world table from disk.
pub fn read_path(path: &Path) -> Result<ReadOutcome<ProductionRecord>, IngestError> {
    let file = csv_rows::open(path)?;
    read(file, &path.to_string_lossy())
}

/// Reads an MCS world table. `file` names it in quarantine records; the edition (when the
/// `Source` cell lacks it) and the commodity code are taken from its file name.
pub fn read<R: Read>(input: R, file: &str) -> Result<ReadOutcome<ProductionRecord>, IngestError> {
    let mut rows = CsvRows::new(input, file);
    let columns = rows.header()?;
    let prods = prod_columns(columns.names()).map_err(|detail| IngestError::UnknownLayout {
        path: PathBuf::from(file),
        detail: format!("{detail} in header `{}`", columns.names().join(",")),
        expected: EXPECTED.to_string(),
    })?;
    let file_name = file_name_of(file);
    let file_edition = edition_in(file_name);
    let file_commodity = file_code_commodity(file_name);
    let layout = format!(
        "USGS MCS world table ({}; {} production column(s): {})",
        if columns.position("Reserves_notes").is_some() {
            "with reserves"
        } else {
            "production only"
        },
        prods.len(),
        prods
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut out = ReadOutcome::new(layout);
    let mut names = UnmappedNames::default();
    let mut without_edition = 0u64;
    // Column names typed or spread over records; everything else goes to extra.
    let mut typed: Vec<&str> = vec!["Source", "Country", "Type"];
    typed.extend(prods.iter().map(|p| p.name.as_str()));

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
        let country_text = columns.value(&row, "Country");
        let (country, qualifier) = split_country(country_text);
        if country.is_empty() {
            out.quarantined
                .push(*row.quarantine(file, "Country", country_text, "a country name"));
            continue;
        }
        let type_text = columns.value(&row, "Type").trim();
        let Some(stage) = stage_in(type_text) else {
            out.quarantined.push(*row.quarantine(
                file,
                "Type",
                type_text,
                "a Type saying `Mine production` or `Refinery production`",
            ));
            continue;
        };
        let Some(commodity) = commodity_in(type_text).or(file_commodity) else {
            out.quarantined.push(*row.quarantine(
                file,
                "Type",
                type_text,
                "a Type naming a known commodity (or a file name with its commodity code)",
            ));
            continue;
        };
        let edition = edition_in(columns.value(&row, "Source")).or_else(|| file_edition.clone());
        if edition.is_none() {
            without_edition += 1;
        }
        let iso3 = names.iso3(&country);
        let notes = notes_text(&row, &columns);

        let mut extra = columns.extra(&row, &typed, &[]);
        if let Some(q) = &qualifier {
            extra.insert("qualifier".to_string(), q.clone());
        }
        if country != country_text {
            extra.insert("Country".to_string(), country_text.to_string());
        }
        let source = columns.value(&row, "Source").trim();
        if !source.is_empty() && Some(source) != edition.as_deref() {
            extra.insert("Source".to_string(), source.to_string());
        }

        for prod in &prods {
            let cell = row.fields.get(prod.index).map(String::as_str).unwrap_or("");
            let Some((quantity, flag)) = parse_cell(cell) else {
                out.quarantined.push(*row.quarantine(
                    file,
                    &prod.name,
                    cell,
                    "a non-negative number, W (withheld), — (zero), NA or XX",
                ));
                continue;
            };
            let estimated = prod.estimated
                || notes.as_deref().is_some_and(|n| {
                    n.to_lowercase().contains("estimated") && n.contains(&prod.year.to_string())
                });
            let mut extra = extra.clone();
            extra.insert("production_column".to_string(), prod.name.clone());
            out.records.push(ProductionRecord {
                series: ProductionSeries::UsgsMcs,
                country: country.clone(),
                iso3: iso3.clone(),
                year: prod.year,
                commodity: commodity.to_string(),
                stage: Some(stage.to_string()),
                quantity,
                unit: unit_words(prod.scale, commodity),
                value_type: if estimated {
                    ValueType::Estimated
                } else {
                    ValueType::Reported
                },
                flag: flag.map(String::from),
                measure: Some(type_text.to_string()),
                edition: edition.clone(),
                source_file: file.to_string(),
                extra,
            });
        }
    }
    if without_edition > 0 {
        out.notes.push(format!(
            "{without_edition} row(s) without an MCS edition (neither the Source cell nor the \
             file name says MCSYYYY): any other edition wins over them in dedup"
        ));
    }
    out.notes.extend(names.notes());
    out.notes.extend(rows.blank_note());
    Ok(out)
}

/// The production notes of a row (`Prod_notes` or `Prod_note`), if any.
fn notes_text(row: &Row, columns: &Header) -> Option<String> {
    columns
        .names()
        .iter()
        .position(|n| is_notes_column(n))
        .and_then(|i| row.fields.get(i))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Splits the published country text into the country and an optional qualifier (see the
/// module doc).
fn split_country(text: &str) -> (String, Option<String>) {
    let name = strip_footnote_digits(text).replace('\u{a0}', " ");
    let name = name.trim();
    if lookup(name) == CountryMatch::Unknown {
        if let Some((before, after)) = name.rsplit_once(',') {
            if matches!(lookup(before), CountryMatch::Country(_)) {
                return (before.trim().to_string(), Some(after.trim().to_string()));
            }
        }
    }
    (name.to_string(), None)
}

fn stage_in(type_text: &str) -> Option<&'static str> {
    let lower = type_text.to_lowercase();
    if lower.contains("mine production") {
        Some("mine")
    } else if lower.contains("refinery production") {
        Some("refinery")
    } else {
        None
    }
}

/// The known commodity a `Type` text names, matched on whole words.
fn commodity_in(type_text: &str) -> Option<&'static str> {
    let lower = type_text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    COMMODITIES.iter().map(|(c, _)| *c).find(|commodity| {
        let wanted: Vec<&str> = commodity.split(' ').collect();
        words.windows(wanted.len()).any(|w| w == wanted.as_slice())
    })
}

fn file_code_commodity(file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_lowercase();
    let code = lower.split_once('-')?.1.split('_').next()?;
    FILE_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, commodity)| *commodity)
}

/// A unit in words: scale (`t`, `kt`) and the commodity's content basis (see the module doc).
pub fn unit_words(scale: &str, commodity: &str) -> String {
    let scale_words = match scale {
        "kt" => "thousand metric tons",
        _ => "metric tons",
    };
    match COMMODITIES.iter().find(|(c, _)| *c == commodity) {
        Some((_, Some(basis))) => format!("{scale_words} ({basis})"),
        _ => scale_words.to_string(),
    }
}

/// Spells out a leading `t`/`kt` abbreviation the way the long USGS file writes units
/// (`t (lithium content)` → `metric tons (lithium content)`); other units are unchanged.
pub fn spell_out_unit(unit: &str) -> String {
    let unit = unit.trim();
    for (abbrev, words) in [("kt", "thousand metric tons"), ("t", "metric tons")] {
        if unit == abbrev {
            return words.to_string();
        }
        if let Some(rest) = unit.strip_prefix(abbrev) {
            if rest.starts_with(' ') {
                return format!("{words}{rest}");
            }
        }
    }
    unit.to_string()
}

/// The MCS edition named in a text (`USGS MCS2023 world data release`, `mcs2024-gold_world.csv`
/// → `MCS2023`, `MCS2024`).
pub fn edition_in(text: &str) -> Option<String> {
    let upper = text.to_uppercase();
    let bytes = upper.as_bytes();
    let mut from = 0;
    while let Some(pos) = upper[from..].find("MCS") {
        let start = from + pos + 3;
        let digits = bytes.get(start..start + 4)?;
        let next_is_digit = bytes.get(start + 4).is_some_and(u8::is_ascii_digit);
        if digits.iter().all(u8::is_ascii_digit) && !next_is_digit {
            return Some(format!("MCS{}", &upper[start..start + 4]));
        }
        from = start;
    }
    None
}

/// A USGS table cell: `(quantity, flag)`, or None when it is none of the accepted forms.
pub(crate) fn parse_cell(text: &str) -> Option<(Option<f64>, Option<&'static str>)> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    match t {
        "W" => Some((None, Some("W"))),
        "—" | "–" => Some((Some(0.0), Some("—"))),
        "NA" => Some((None, Some("NA"))),
        "XX" => Some((None, Some("XX"))),
        _ => crate::ingest::text::parse_number(t)
            .filter(|q| *q >= 0.0)
            .map(|q| (Some(q), None)),
    }
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

    #[test]
    fn production_columns() {
        let p = prod_column(3, "Prod_t_Est_2021").map(|p| (p.year, p.scale, p.estimated));
        assert_eq!(p, Some((2021, "t", true)));
        let p = prod_column(3, "Prod_kt_est_2023").map(|p| (p.year, p.scale, p.estimated));
        assert_eq!(p, Some((2023, "kt", true)));
        let p = prod_column(3, "Prod_t_2020").map(|p| (p.year, p.scale, p.estimated));
        assert_eq!(p, Some((2020, "t", false)));
        assert!(prod_column(3, "Prod_Mt_2020").is_none());
        assert!(prod_column(3, "Prod_notes").is_none());
    }

    #[test]
    fn cells() {
        assert_eq!(parse_cell("19,500"), Some((Some(19500.0), None)));
        assert_eq!(parse_cell("     325"), Some((Some(325.0), None)));
        assert_eq!(parse_cell("393 "), Some((Some(393.0), None)));
        assert_eq!(parse_cell("W"), Some((None, Some("W"))));
        assert_eq!(parse_cell("—"), Some((Some(0.0), Some("—"))));
        assert_eq!(parse_cell("NA"), Some((None, Some("NA"))));
        assert_eq!(parse_cell("XX"), Some((None, Some("XX"))));
        assert_eq!(parse_cell(""), None);
        assert_eq!(parse_cell("-5"), None);
        assert_eq!(parse_cell("lots"), None);
    }

    #[test]
    fn editions_units_commodities() {
        assert_eq!(
            edition_in("USGS MCS2023 world data release").as_deref(),
            Some("MCS2023")
        );
        assert_eq!(
            edition_in("cobalt_mcs2022-cobal_world.csv").as_deref(),
            Some("MCS2022")
        );
        assert_eq!(edition_in("MCS20233"), None);
        assert_eq!(edition_in("no edition"), None);
        assert_eq!(
            spell_out_unit("t (lithium content)"),
            "metric tons (lithium content)"
        );
        assert_eq!(
            spell_out_unit("kt (manganese content)"),
            "thousand metric tons (manganese content)"
        );
        assert_eq!(spell_out_unit("tonnes"), "tonnes");
        assert_eq!(
            unit_words("kt", "copper"),
            "thousand metric tons (copper content)"
        );
        assert_eq!(unit_words("t", "zinc"), "metric tons");
        assert_eq!(
            commodity_in("Refinery production, alumina - calcined equivalent weights"),
            Some("alumina")
        );
        assert_eq!(
            commodity_in("Mine production, bauxite, dry tons"),
            Some("bauxite")
        );
        assert_eq!(
            commodity_in("Mine production, phosphate rock ore"),
            Some("phosphate rock")
        );
        assert_eq!(commodity_in("Refinery production"), None);
        assert_eq!(
            file_code_commodity("copper_mcs2022-coppe_world.csv"),
            Some("copper")
        );
        assert_eq!(file_code_commodity("mcs2024-bauxi_world.csv"), None);
    }

    #[test]
    fn country_names() {
        assert_eq!(split_country("China6"), ("China".to_string(), None));
        assert_eq!(
            split_country("Kazakhstan, concentrate"),
            ("Kazakhstan".to_string(), Some("concentrate".to_string()))
        );
        assert_eq!(
            split_country("Korea, Republic of"),
            ("Korea, Republic of".to_string(), None)
        );
        assert_eq!(
            split_country("Vietnam\u{a0}"),
            ("Vietnam".to_string(), None)
        );
        assert_eq!(
            split_country("World total (rounded), excluding U.S. production"),
            (
                "World total (rounded), excluding U.S. production".to_string(),
                None
            )
        );
    }

    /// The 2022 layout: BOM, CRLF, two production columns, `Est`, no notes.
    const MCS2022: &str = "\u{feff}Source,Country,Type,Prod_kt_2020,Prod_kt_Est_2021\r\n\
        MCS2022,United States,\"Mine production, contained copper\",1200,1200\r\n\
        MCS2022,\"Kazakhstan, concentrate\",\"Mine production, contained copper\",552,520\r\n\
        MCS2022,China,Refinery production,\"10,000\",10000\r\n\
        MCS2022,Chile,Smelter production,1,2\r\n\
        MCS2022,Peru,\"Mine production, contained copper\",W,lots\r\n\
        MCS2022,,\"Mine production, contained copper\",1,2\r\n";

    #[test]
    fn layout_2022() {
        let out = read_str(MCS2022, "MCS2022/copper_mcs2022-coppe_world.csv");
        assert!(out.layout.contains("production only"), "{}", out.layout);
        assert_eq!(out.rows_read, 6);
        // 3 full rows × 2 + Peru's W cell.
        assert_eq!(out.records.len(), 7);
        let us = &out.records[1];
        assert_eq!((us.year, us.value_type), (2021, ValueType::Estimated));
        assert_eq!(us.unit, "thousand metric tons (copper content)");
        assert_eq!(us.edition.as_deref(), Some("MCS2022"));
        assert_eq!(us.iso3.as_deref(), Some("USA"));
        assert_eq!(
            us.extra.get("production_column").map(String::as_str),
            Some("Prod_kt_Est_2021")
        );
        let kaz = &out.records[2];
        assert_eq!(kaz.country, "Kazakhstan");
        assert_eq!(kaz.iso3.as_deref(), Some("KAZ"));
        assert_eq!(
            kaz.extra.get("qualifier").map(String::as_str),
            Some("concentrate")
        );
        assert_eq!(
            kaz.extra.get("Country").map(String::as_str),
            Some("Kazakhstan, concentrate")
        );
        let china = &out.records[4];
        assert_eq!(
            (china.commodity.as_str(), china.stage.as_deref()),
            ("copper", Some("refinery"))
        );
        assert_eq!(china.quantity, Some(10000.0));
        let peru = &out.records[6];
        assert_eq!((peru.quantity, peru.flag.as_deref()), (None, Some("W")));
        let q: Vec<(u64, &str, &str)> = out
            .quarantined
            .iter()
            .map(|q| (q.line, q.column.as_deref().unwrap_or(""), q.value.as_str()))
            .collect();
        assert_eq!(
            q,
            vec![
                (5, "Type", "Smelter production"),
                (6, "Prod_kt_Est_2021", "lots"),
                (7, "Country", ""),
            ]
        );
        assert_eq!(
            out.quarantined[1].reason,
            "expected a non-negative number, W (withheld), — (zero), NA or XX"
        );
    }

    /// The 2023/2024 layout: notes, reserves, empty trailing header columns, footnote digits,
    /// non-breaking spaces, blank rows at the end.
    const MCS2024: &str = "\u{feff}Source,Country,Type,Prod_kt_2022,Prod_kt_est_2023,Prod_notes,Reserves_kt,Reserves_notes,,\r\n\
        MCS2024,Brazil,\"Refinery production, alumina - calcined equivalent weights\",\"12,000\",11000,Also estimated in 2022,XX,Not applicable,,\r\n\
        MCS2024,China6,\"Mine production, bauxite, dry tons\",\"93,000\",90000,,710000,,,\r\n\
        MCS2024,Other countries\u{a0},\"Mine production, bauxite, dry tons\",     325,—,,NA,,,\r\n\
        MCS2024,Atlantis,\"Mine production, bauxite, dry tons\",1,2,,,,,oops\r\n\
        ,,,,,,,,,\r\n\
        ,,,,,,,,,\r\n";

    #[test]
    fn layout_2024() {
        let out = read_str(MCS2024, "mcs2024-bauxi_world.csv");
        assert!(out.layout.contains("with reserves"), "{}", out.layout);
        assert_eq!(out.rows_read, 4);
        assert_eq!(out.records.len(), 8);
        assert!(out.quarantined.is_empty());
        let brazil = &out.records[0];
        assert_eq!(brazil.commodity, "alumina");
        assert_eq!(
            brazil.unit,
            "thousand metric tons (calcined equivalent weight)"
        );
        // Reported column, but the note says 2022 is estimated too.
        assert_eq!(brazil.value_type, ValueType::Estimated);
        assert_eq!(
            brazil.extra.get("Reserves_kt").map(String::as_str),
            Some("XX")
        );
        assert_eq!(
            brazil.extra.get("Prod_notes").map(String::as_str),
            Some("Also estimated in 2022")
        );
        let china = &out.records[2];
        assert_eq!(china.country, "China");
        assert_eq!(china.iso3.as_deref(), Some("CHN"));
        assert_eq!(china.commodity, "bauxite");
        assert_eq!(china.unit, "thousand metric tons (gross weight)");
        assert_eq!(china.value_type, ValueType::Reported);
        assert_eq!(
            china.extra.get("Country").map(String::as_str),
            Some("China6")
        );
        let other = &out.records[5];
        assert_eq!(other.country, "Other countries");
        assert_eq!(
            (other.quantity, other.flag.as_deref()),
            (Some(0.0), Some("—"))
        );
        assert_eq!(out.records[4].quantity, Some(325.0));
        let atlantis = &out.records[6];
        assert_eq!(
            atlantis.extra.get("column 10").map(String::as_str),
            Some("oops")
        );
        assert!(out.notes.iter().any(|n| n.contains("Atlantis")));
        assert!(out.notes.iter().any(|n| n.starts_with("2 blank row(s)")));
    }

    #[test]
    fn unknown_layouts_and_sniff() {
        let err = read("Source,Country,Type,Prod_Mt_2022\n".as_bytes(), "x.csv");
        assert!(matches!(err, Err(IngestError::UnknownLayout { .. })));
        let err = read("Source,Country,Kind,Prod_t_2022\n".as_bytes(), "x.csv");
        assert!(matches!(err, Err(IngestError::UnknownLayout { .. })));
        assert!(sniff(MCS2022.as_bytes(), "copper_mcs2022-coppe_world.csv"));
        assert!(sniff(MCS2024.as_bytes(), "mcs2024-bauxi_world.csv"));
        assert!(!sniff(b"<?xml version=\"1.0\"?>", "mcs2024-bauxi_meta.xml"));
        assert!(!sniff(
            b"country,year,commodity,quantity,unit,src\n",
            "owid.csv"
        ));
    }
}
