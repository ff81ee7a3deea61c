//! What a file that no reader takes is, in words: documentation, an archive, a workbook, or a
//! table closest to one of the layouts orewatch reads, with the columns it lacks.
//!
//! Inputs: the start of a file (up to 64 KiB, as the readers' `sniff` functions see it) and
//! its name. Output: a [`FileClass`]: documentation and metadata types (`.md`, `.txt`,
//! `.xml`, `.pdf`, `.html`) are [`FileClass::Documentation`]; anything else is
//! [`FileClass::Unreadable`] with a sentence saying what it is and what to do.
//!
//! The closest layout of a CSV file is the one with the largest share of its required
//! columns in the file's header (ties: fewer missing columns, then the order of
//! [`csv_layouts`]); for a JSON file, the GeoJSON/TopoJSON layout with the most of its keys in
//! the file's start. Only the first record is looked at: this names a likely mismatch, it
//! does not read the file.
//!
//! What it does not do: decide which reader takes a file (`plan::detect` asks the readers'
//! `sniff` functions first, and only files none takes come here).

use super::{acled, csv_rows, ged, production_long, tabulated_sites, ucdp_actors, wgi};

/// File name endings of documentation and metadata, listed but never read.
pub const DOCUMENTATION_EXTENSIONS: [&str; 6] = ["md", "txt", "xml", "pdf", "html", "htm"];

/// What a file no reader takes is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileClass {
    /// Documentation or metadata (by its file name ending): listed, not read.
    Documentation,
    /// A data file no reader takes: what it looks like and what to do.
    Unreadable(String),
}

/// A layout's name and the columns it needs. A name ending in `*` matches any column that
/// starts with the text before it (`Prod_*`).
pub struct CsvLayout {
    pub name: &'static str,
    pub columns: Vec<String>,
}

/// The CSV layouts orewatch reads, with their required columns.
pub fn csv_layouts() -> Vec<CsvLayout> {
    let owned = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let mut out: Vec<CsvLayout> = ged::LAYOUTS
        .iter()
        .map(|(name, cols)| CsvLayout {
            name,
            columns: owned(cols),
        })
        .collect();
    out.extend([
        CsvLayout {
            name: "ACLED export",
            columns: owned(&acled::REQUIRED),
        },
        CsvLayout {
            name: "UCDP actor list",
            columns: owned(&ucdp_actors::REQUIRED),
        },
        CsvLayout {
            name: "production, OWID long layout",
            columns: owned(production_long::OWID_COLUMNS),
        },
        CsvLayout {
            name: "production, USGS MCS long layout",
            columns: owned(production_long::USGS_LONG_COLUMNS),
        },
        CsvLayout {
            name: "production, MCS transcribed layout",
            columns: owned(production_long::TRANSCRIBED_COLUMNS),
        },
        CsvLayout {
            name: "USGS MCS world table",
            columns: owned(&["Source", "Country", "Type", "Prod_*"]),
        },
        CsvLayout {
            name: "World Bank WGI",
            columns: wgi::expected_columns(),
        },
        CsvLayout {
            name: "hand-tabulated mine sites",
            columns: owned(&tabulated_sites::SITE_REQUIRED),
        },
        CsvLayout {
            name: "company home-country table",
            columns: owned(&tabulated_sites::COMPANY_REQUIRED),
        },
    ]);
    out
}

/// JSON layouts: name and the keys (as `"key"` in the text) each needs.
const JSON_LAYOUTS: [(&str, &[&str]); 4] = [
    (
        "USGS Africa mineral GIS layer (GeoJSON)",
        &["FeatureCollection", "FeatureUID", "OperateNam"],
    ),
    (
        "Natural Earth admin-1 boundaries (GeoJSON)",
        &["FeatureCollection", "adm1_code"],
    ),
    (
        "Natural Earth admin-0 boundaries (GeoJSON)",
        &["FeatureCollection", "iso_n3", "iso_a3"],
    ),
    ("Natural Earth TopoJSON", &["Topology", "arcs"]),
];

/// The closest layout to a header: its name, the columns the header lacks, and how many of
/// its columns the header has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closest {
    pub layout: &'static str,
    pub missing: Vec<String>,
    pub present: usize,
}

fn has_column(header: &[String], column: &str) -> bool {
    match column.strip_suffix('*') {
        Some(prefix) => header.iter().any(|h| h.starts_with(prefix)),
        None => header.iter().any(|h| h == column),
    }
}

/// The CSV layout closest to `header` (see the module docs).
pub fn closest_csv(header: &[String]) -> Closest {
    let mut best: Option<(f64, usize, Closest)> = None;
    for layout in csv_layouts() {
        let missing: Vec<String> = layout
            .columns
            .iter()
            .filter(|c| !has_column(header, c))
            .cloned()
            .collect();
        let present = layout.columns.len() - missing.len();
        let share = present as f64 / layout.columns.len() as f64;
        let better = match &best {
            None => true,
            Some((s, m, _)) => share > *s || (share == *s && missing.len() < *m),
        };
        if better {
            best = Some((
                share,
                missing.len(),
                Closest {
                    layout: layout.name,
                    missing,
                    present,
                },
            ));
        }
    }
    best.map(|(_, _, c)| c).unwrap_or(Closest {
        layout: "",
        missing: Vec::new(),
        present: 0,
    })
}

fn extension(file_name: &str) -> String {
    std::path::Path::new(file_name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Whether `file_name` is a documentation or metadata type.
pub fn is_documentation(file_name: &str) -> bool {
    DOCUMENTATION_EXTENSIONS.contains(&extension(file_name).as_str())
}

/// What a file that no reader takes is; `head` is its start.
pub fn classify(head: &[u8], file_name: &str) -> FileClass {
    if is_documentation(file_name) {
        return FileClass::Documentation;
    }
    FileClass::Unreadable(describe_unreadable(head, file_name))
}

fn describe_unreadable(head: &[u8], file_name: &str) -> String {
    let ext = extension(file_name);
    if matches!(ext.as_str(), "xlsx" | "xls" | "ods") {
        return "a spreadsheet workbook, which orewatch does not read: save the sheet as CSV (comma-separated, UTF-8) and ingest that".into();
    }
    if ext == "zip" || head.starts_with(b"PK\x03\x04") {
        return "a zip archive: orewatch does not read inside archives. Unzip it (e.g. `unzip FILE -d DIR`) and ingest the extracted files".into();
    }
    if matches!(
        ext.as_str(),
        "gz" | "tgz" | "tar" | "7z" | "rar" | "bz2" | "xz"
    ) || head.starts_with(&[0x1f, 0x8b])
    {
        return "a compressed archive: orewatch does not read inside archives. Extract it and ingest the extracted files".into();
    }
    if head.is_empty() {
        return "an empty file".into();
    }
    if head.contains(&0) {
        return format!(
            "a binary file{}, not a text table: orewatch reads CSV, GeoJSON and TopoJSON",
            if ext.is_empty() {
                String::new()
            } else {
                format!(" (.{ext})")
            }
        );
    }
    let text = String::from_utf8_lossy(head);
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        return describe_json(&text);
    }
    let Some(header) = csv_rows::first_record(head) else {
        return "a file whose first line is not UTF-8 text: orewatch reads UTF-8 CSV, GeoJSON and TopoJSON".into();
    };
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let closest = closest_csv(&names);
    let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
    format!(
        "no reader takes its header ({} column(s): {}{}). The closest layout is {}, which needs columns it lacks: {}",
        names.len(),
        shown.join(","),
        if names.len() > shown.len() { ",…" } else { "" },
        closest.layout,
        closest.missing.join(", ")
    )
}

fn describe_json(text: &str) -> String {
    let mut best: Option<(usize, &str, Vec<&str>)> = None;
    for (name, keys) in JSON_LAYOUTS {
        let missing: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| !text.contains(&format!("\"{k}\"")))
            .collect();
        let present = keys.len() - missing.len();
        if best
            .as_ref()
            .is_none_or(|(p, _, m)| present > *p || (present == *p && missing.len() < m.len()))
        {
            best = Some((present, name, missing));
        }
    }
    let (_, name, missing) = best.unwrap_or((0, "", Vec::new()));
    format!(
        "a JSON file no reader takes. The closest layout is {name}, which needs keys its start lacks: {}",
        missing.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        text.split(',').map(str::to_string).collect()
    }

    #[test]
    fn closest_layout_and_missing_columns() {
        // A GED Download Center export with its death estimates renamed.
        let c = closest_csv(&names(
            "id,date_start,date_end,country,type_of_violence,side_a,side_b,latitude,longitude,deaths",
        ));
        assert_eq!(c.layout, "UCDP GED full release");
        assert_eq!(c.missing, vec!["best"]);
        let c = closest_csv(&names("Source,Country,Type,Reserves_t"));
        assert_eq!(c.layout, "USGS MCS world table");
        assert_eq!(c.missing, vec!["Prod_*"]);
        let c = closest_csv(&names("company,home"));
        assert_eq!(c.layout, "company home-country table");
        assert_eq!(c.missing, vec!["home_country"]);
    }

    #[test]
    fn classes() {
        assert_eq!(classify(b"# x", "README.md"), FileClass::Documentation);
        assert_eq!(classify(b"<x/>", "meta.XML"), FileClass::Documentation);
        let says = |head: &[u8], name: &str| match classify(head, name) {
            FileClass::Unreadable(s) => s,
            FileClass::Documentation => panic!("{name} is data"),
        };
        assert!(says(b"PK\x03\x04rest", "ged241-csv.zip").starts_with("a zip archive"));
        assert!(says(b"PK\x03\x04rest", "book.xlsx").starts_with("a spreadsheet workbook"));
        assert!(says(b"", "x.csv").starts_with("an empty file"));
        assert!(says(b"\x00\x01", "x.bin").starts_with("a binary file (.bin)"));
        let csv = says(b"a,b,c\n1,2,3\n", "x.csv");
        assert!(csv.contains("3 column(s): a,b,c"), "{csv}");
        assert!(csv.contains("The closest layout is"), "{csv}");
        let json = says(
            br#"{"type": "FeatureCollection", "features": [{"properties": {"iso_a3": "MLI"}}]}"#,
            "x.geojson",
        );
        assert!(
            json.contains("Natural Earth admin-0 boundaries (GeoJSON), which needs keys its start lacks: iso_n3"),
            "{json}"
        );
    }
}
