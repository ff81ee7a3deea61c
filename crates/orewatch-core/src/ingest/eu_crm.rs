//! Reader for the four tables of the EU's 2023 criticality assessment (see
//! `config/eu_crm_2023/README.md`): the results per material, Annex 4 (SR and EI 2011–2023) and
//! Appendix 7's global supply and EU sourcing shares with the trade variable t.
//!
//! Inputs: the four files' bytes (the copy compiled into orewatch, [`bundled`], or a directory
//! holding the same four file names, [`read_dir`]). Output: [`EuCrmTables`] with shares,
//! import reliance and EoL-RIR as fractions, every material under the results table's name,
//! every country under ISO3, and `notes` naming each defect found with its file and line.
//!
//! How the transcriptions' defects are read:
//! - Encoding: bytes that are valid UTF-8 are UTF-8 (a BOM is dropped); anything else is
//!   decoded as Latin-1, the encoding of the two Appendix 7 files (`Türkiye` is byte 0xFC).
//! - Shares are text with a percent sign: `12.3%` is 0.123, `<0.1%` is
//!   [`ShareValue::Below`]`(0.001)`. A row whose share has no `%` (the EU sourcing table's
//!   `Silicon metal,P,Germany,6`), lies outside 0–100%, or whose stage or t cannot be read is
//!   quarantined with the reason, never guessed: its material's shares are then incomplete.
//! - Country names are the report's own (`Congo, D.R.`, `Korea, South`, `Türkiye`, and the
//!   misspellings `Brasilia`, `Brasil`, `Libanon`, `Turkyie`, `Surinam`): they map to ISO3 by
//!   [`EU_COUNTRY_NAMES`] and then the production files' table (`model::countries`), both
//!   explicit. A name neither holds is an error listing every such name with its lines.
//! - Material names map to the results table's names by [`MATERIAL_ALIASES`] (exact strings,
//!   inner whitespace collapsed for Annex 4's `Natural Teak⏎wood`); an unknown material in a
//!   share table is an error. Annex 4's `Bauxite` stays its own material (merged into
//!   Aluminium in 2023).
//! - Results table: a row repeated identically is read once (noted with both lines); two
//!   different rows for one material are an error. A number in a supply-basis column (the SR
//!   at extraction one column to the right of its place) or a percentage in an SR column
//!   (`281%`) is flagged on the material and that cell, its neighbour that lost its value and
//!   the stage SRs of the row are read as unknown — never as a number of the wrong column. The
//!   code `EU` (Molybdenum) is neither `EUonly` nor `GS+EU`: flagged and read as unknown.
//!
//! What it does not do: compute anything (`analysis::supply::eu` does), or decide between two
//! transcriptions that disagree (both values are kept; `config/supply.toml` says which).

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::csv_rows::{CsvRows, Header, Row};
use super::IngestError;
use crate::model::{
    EuCrmTables, EuMaterialResult, EuRejectedShare, EuScore, EuShare, EuStage, EuStageResult,
    EuTableFile, ShareValue, SupplyBasis,
};

/// The four file names, as shipped in `config/eu_crm_2023/`.
pub const RESULTS_FILE: &str = "results_2023_transcribed.csv";
pub const ANNEX4_FILE: &str = "sr_ei_2011_2023_annex4.csv";
pub const GLOBAL_FILE: &str = "global_supply_shares_appendix7.csv";
pub const EU_SOURCING_FILE: &str = "eu_sourcing_shares_appendix7.csv";

/// The report's tables the files transcribe (for citations).
pub const RESULTS_TABLE: &str = "results per material (SR, EI, SI, IR, EoL-RIR)";
pub const ANNEX4_TABLE: &str = "Annex 4, pp. 61–62 (SR and EI 2011–2023)";
pub const GLOBAL_TABLE: &str = "Appendix 7, p. 78 (global supply shares and t)";
pub const EU_SOURCING_TABLE: &str = "Appendix 7 (EU sourcing shares ≥ 1% and t)";

/// The copy compiled into orewatch (`config/eu_crm_2023/`): (file name, bytes), in the order
/// [`read_tables`] takes them.
pub const BUNDLED: [(&str, &[u8]); 4] = [
    (
        RESULTS_FILE,
        include_bytes!("../../../../config/eu_crm_2023/results_2023_transcribed.csv"),
    ),
    (
        ANNEX4_FILE,
        include_bytes!("../../../../config/eu_crm_2023/sr_ei_2011_2023_annex4.csv"),
    ),
    (
        GLOBAL_FILE,
        include_bytes!("../../../../config/eu_crm_2023/global_supply_shares_appendix7.csv"),
    ),
    (
        EU_SOURCING_FILE,
        include_bytes!("../../../../config/eu_crm_2023/eu_sourcing_shares_appendix7.csv"),
    ),
];

/// The report's country names that `model::countries` does not hold, with their ISO3 codes.
/// Misspellings of the transcription are listed as printed, each with its country.
pub const EU_COUNTRY_NAMES: &[(&str, &str)] = &[
    ("Bangladesh", "BGD"),
    ("Barbados", "BRB"),
    ("Belarus", "BLR"),
    // Misspellings of Brazil in the transcription.
    ("Brasil", "BRA"),
    ("Brasilia", "BRA"),
    ("Brunei Darussalam", "BRN"),
    ("Congo, D.R.", "COD"),
    ("Grenada", "GRD"),
    ("Hong Kong", "HKG"),
    ("Kuwait", "KWT"),
    ("Latvia", "LVA"),
    ("Lebanon", "LBN"),
    // Misspelling of Lebanon.
    ("Libanon", "LBN"),
    ("Lithuania", "LTU"),
    ("Mauritius", "MUS"),
    ("Moldova", "MDA"),
    ("Nauru", "NRU"),
    ("Nepal", "NPL"),
    ("Paraguay", "PRY"),
    ("San Marino", "SMR"),
    ("Singapore", "SGP"),
    // Misspelling of Suriname.
    ("Surinam", "SUR"),
    ("Trinidad and Tobago", "TTO"),
    ("Turkmenistan", "TKM"),
    // Misspelling of Türkiye.
    ("Turkyie", "TUR"),
    ("Yemen", "YEM"),
];

/// Other tables' material names → the results table's names.
pub const MATERIAL_ALIASES: &[(&str, &str)] = &[
    ("Barytes", "Baryte"),
    ("Borate", "Boron"),
    ("Heavy Rare earths Elements", "HREE"),
    ("HREEs", "HREE"),
    ("Kaolin clay", "Kaolin"),
    ("Limestone", "Lime"),
    ("LREEs", "LREE"),
    ("Natural Graphite", "Natural graphite"),
    ("Natural rubber", "Natural Rubber"),
    ("Natural teak wood", "Natural Teak wood"),
    ("PGMs", "PGM"),
    ("Phosphate Rock", "Phosphate rock"),
    ("Phosphorous", "Phosphorus"),
    ("Silica sand", "Silica Sand"),
    ("Sulphur", "Sulfur"),
    ("Talc", "Talc, Steatite & Pyrophyllite"),
    ("Titanium ores", "Titanium"),
];

/// Annex 4 materials assessed on their own before 2023 and merged into another material in
/// 2023 (they keep their own name in the history): (material, the 2023 material).
pub const MERGED_IN_2023: &[(&str, &str)] = &[("Bauxite", "Aluminium")];

/// What stops the four tables from being read. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum EuCrmError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("{file}, line {line}, column {column}: '{value}': expected {expected}. Correct the cell or the transcription.")]
    Value {
        file: String,
        line: u64,
        column: String,
        value: String,
        expected: String,
    },
    #[error("{file}: {} country name(s) not in the EU country table: {}. Add each name with its ISO3 code to ingest::eu_crm::EU_COUNTRY_NAMES, or correct its spelling.", .names.len(), list_with_lines(.names))]
    UnmappedCountries {
        file: String,
        names: Vec<(String, Vec<u64>)>,
    },
    #[error("{file}: {} material name(s) not in the results table: {}. Add each to ingest::eu_crm::MATERIAL_ALIASES with the results table's name, or correct its spelling.", .names.len(), list_with_lines(.names))]
    UnmappedMaterials {
        file: String,
        names: Vec<(String, Vec<u64>)>,
    },
    #[error("{file}, lines {first} and {second}: two different rows for {material}. Keep the right one and delete the other.")]
    ConflictingRows {
        file: String,
        material: String,
        first: u64,
        second: u64,
    },
}

fn list_with_lines(names: &[(String, Vec<u64>)]) -> String {
    names
        .iter()
        .map(|(n, lines)| {
            let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
            format!("'{n}' (line {})", lines.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One file's bytes and the name it is reported under.
#[derive(Debug, Clone, Copy)]
pub struct TableInput<'a> {
    pub path: &'a str,
    pub bytes: &'a [u8],
}

/// The four tables as compiled into orewatch.
pub fn bundled() -> Result<EuCrmTables, EuCrmError> {
    let names: Vec<String> = BUNDLED
        .iter()
        .map(|(n, _)| format!("bundled:config/eu_crm_2023/{n}"))
        .collect();
    let input = |i: usize| TableInput {
        path: &names[i],
        bytes: BUNDLED[i].1,
    };
    read_tables(input(0), input(1), input(2), input(3))
}

/// The four tables from a directory holding the four file names of `config/eu_crm_2023/`.
pub fn read_dir(dir: &Path) -> Result<EuCrmTables, EuCrmError> {
    let mut bytes = Vec::new();
    let mut paths = Vec::new();
    for name in [RESULTS_FILE, ANNEX4_FILE, GLOBAL_FILE, EU_SOURCING_FILE] {
        let path = dir.join(name);
        bytes.push(std::fs::read(&path).map_err(|source| IngestError::Io {
            path: path.clone(),
            source,
        })?);
        paths.push(path.display().to_string());
    }
    let input = |i: usize| TableInput {
        path: &paths[i],
        bytes: &bytes[i],
    };
    read_tables(input(0), input(1), input(2), input(3))
}

/// Reads the four tables. The results table comes first: its names are the canonical ones.
pub fn read_tables(
    results: TableInput,
    annex4: TableInput,
    global: TableInput,
    eu_sourcing: TableInput,
) -> Result<EuCrmTables, EuCrmError> {
    let mut notes = Vec::new();
    let mut files = Vec::new();
    let (results, file) = read_results(results, &mut notes)?;
    files.push(file);
    let canonical: Vec<&str> = results.iter().map(|r| r.material.as_str()).collect();
    let (history, file) = read_annex4(annex4, &canonical, &mut notes)?;
    files.push(file);
    let mut quarantined = Vec::new();
    let (global, file) = read_shares(
        global,
        ShareTable::Global,
        &canonical,
        &mut quarantined,
        &mut notes,
    )?;
    files.push(file);
    let (eu_sourcing, file) = read_shares(
        eu_sourcing,
        ShareTable::EuSourcing,
        &canonical,
        &mut quarantined,
        &mut notes,
    )?;
    files.push(file);
    Ok(EuCrmTables {
        results,
        history,
        global,
        eu_sourcing,
        files,
        quarantined,
        notes,
    })
}

/// UTF-8 (BOM dropped) when the bytes are valid UTF-8, else Latin-1 (each byte one char).
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), "UTF-8"),
        Err(_) => (bytes.iter().map(|&b| char::from(b)).collect(), "Latin-1"),
    }
}

/// A decoded file's rows and header.
struct Table {
    path: String,
    header: Header,
    rows: Vec<Row>,
    file: EuTableFile,
}

fn table(input: TableInput, report_table: &str, required: &[&str]) -> Result<Table, EuCrmError> {
    let (text, encoding) = decode(input.bytes);
    let mut stream = CsvRows::new(text.as_bytes(), input.path);
    let header = stream.header_expecting(format!("the columns {}", required.join(", ")))?;
    let missing = header.missing(required);
    if !missing.is_empty() {
        return Err(IngestError::UnknownLayout {
            path: input.path.into(),
            detail: format!("no column(s) {}", missing.join(", ")),
            expected: format!(
                "a transcription of {report_table} with {}",
                required.join(", ")
            ),
        }
        .into());
    }
    let mut rows = Vec::new();
    while let Some(row) = stream.next_row()? {
        // The decoded text is valid UTF-8, so every row is text.
        if let Ok(row) = row {
            if !row.is_blank() {
                rows.push(row);
            }
        }
    }
    let file = EuTableFile {
        path: input.path.to_string(),
        table: report_table.to_string(),
        sha256: hex::encode(Sha256::digest(input.bytes)),
        encoding: encoding.to_string(),
        rows: rows.len() as u64,
    };
    Ok(Table {
        path: input.path.to_string(),
        header,
        rows,
        file,
    })
}

impl Table {
    fn value<'r>(&self, row: &'r Row, column: &str) -> &'r str {
        self.header.value(row, column).trim()
    }

    fn error(&self, row: &Row, column: &str, expected: &str) -> EuCrmError {
        EuCrmError::Value {
            file: self.path.clone(),
            line: row.line,
            column: column.to_string(),
            value: self.value(row, column).to_string(),
            expected: expected.to_string(),
        }
    }
}

/// Inner whitespace (newlines too) collapsed to one space.
fn collapse(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The results table's name for `name`, None when neither it nor an alias is there.
fn canonical_material(name: &str, canonical: &[&str]) -> Option<String> {
    let name = collapse(name);
    if canonical.contains(&name.as_str()) {
        return Some(name);
    }
    MATERIAL_ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, to)| to.to_string())
        .filter(|to| canonical.contains(&to.as_str()))
}

/// ISO3 of a report country name: [`EU_COUNTRY_NAMES`], then `model::countries`.
pub fn country_iso3(name: &str) -> Option<&'static str> {
    let name = collapse(name);
    EU_COUNTRY_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, code)| *code)
        .or_else(|| crate::model::countries::iso3(&name))
}

/// A number, or None when the cell is empty.
fn number(cell: &str) -> Result<Option<f64>, ()> {
    if cell.is_empty() {
        return Ok(None);
    }
    cell.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Some)
        .ok_or(())
}

const RESULTS_COLUMNS: [&str; 14] = [
    "material_name",
    "supply_risk",
    "economic_importance",
    "eu_used_stage",
    "eu_stages",
    "eu_used_supply_primary",
    "supply_risk_primary",
    "eu_used_supply_refined",
    "supply_risk_refined",
    "si_ei",
    "si_sr",
    "import_reliance_primary",
    "import_reliance_refined",
    "end_of_life",
];

fn read_results(
    input: TableInput,
    notes: &mut Vec<String>,
) -> Result<(Vec<EuMaterialResult>, EuTableFile), EuCrmError> {
    let t = table(input, RESULTS_TABLE, &RESULTS_COLUMNS)?;
    let mut out: Vec<(EuMaterialResult, Vec<String>)> = Vec::new();
    let publish_years: std::collections::BTreeSet<&str> = t
        .rows
        .iter()
        .map(|r| t.value(r, "publish_year"))
        .filter(|y| !y.is_empty())
        .collect();
    if publish_years.iter().any(|&y| y != "2023") {
        notes.push(format!(
            "{}: the rows say publish_year {} for the 2023 assessment: the transcriber's label, ignored",
            t.path,
            publish_years.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    for row in &t.rows {
        let material = collapse(t.value(row, "material_name"));
        if material.is_empty() {
            return Err(t.error(row, "material_name", "a material name"));
        }
        let fields: Vec<String> = RESULTS_COLUMNS
            .iter()
            .map(|c| t.value(row, c).to_string())
            .collect();
        if let Some((first, first_fields)) = out.iter().find(|(r, _)| r.material == material) {
            if *first_fields == fields {
                notes.push(format!(
                    "{}, line {}: repeats line {} ({material}) cell for cell: read once",
                    t.path, row.line, first.line
                ));
                continue;
            }
            return Err(EuCrmError::ConflictingRows {
                file: t.path.clone(),
                material,
                first: first.line,
                second: row.line,
            });
        }
        let result = result_row(&t, row, material)?;
        notes.extend(result.flags.iter().cloned());
        out.push((result, fields));
    }
    Ok((out.into_iter().map(|(r, _)| r).collect(), t.file))
}

/// One results row. Cells that cannot be what their column holds are flagged, never moved.
fn result_row(t: &Table, row: &Row, material: String) -> Result<EuMaterialResult, EuCrmError> {
    let mut flags = Vec::new();
    let here = format!("{}, line {} ({material})", t.path, row.line);
    let required_number = |column: &str| -> Result<f64, EuCrmError> {
        match number(t.value(row, column)) {
            Ok(Some(x)) if x >= 0.0 => Ok(x),
            _ => Err(t.error(row, column, "a non-negative number")),
        }
    };
    let supply_risk = Some(required_number("supply_risk")?);
    let economic_importance = Some(required_number("economic_importance")?);
    let stage = match t.value(row, "eu_used_stage") {
        "Extraction" => Some(EuStage::Extraction),
        "Processing" => Some(EuStage::Processing),
        _ => return Err(t.error(row, "eu_used_stage", "Extraction or Processing")),
    };
    let stages_assessed = match t.value(row, "eu_stages") {
        "E" => vec![EuStage::Extraction],
        "P" => vec![EuStage::Processing],
        "E+P" => vec![EuStage::Extraction, EuStage::Processing],
        _ => return Err(t.error(row, "eu_stages", "E, P or E+P")),
    };
    // Optional fractions given in percent (0–100).
    let percent = |column: &str| -> Result<Option<f64>, EuCrmError> {
        match number(t.value(row, column)) {
            Ok(None) => Ok(None),
            Ok(Some(x)) if (0.0..=100.0).contains(&x) => Ok(Some(x / 100.0)),
            _ => Err(t.error(row, column, "a percentage 0–100 (without %) or nothing")),
        }
    };
    // Optional indices 0–1.
    let index = |column: &str| -> Result<Option<f64>, EuCrmError> {
        match number(t.value(row, column)) {
            Ok(None) => Ok(None),
            Ok(Some(x)) if (0.0..=1.0).contains(&x) => Ok(Some(x)),
            _ => Err(t.error(row, column, "an index 0–1 or nothing")),
        }
    };
    let extraction = stage_cells(
        t,
        row,
        &here,
        "eu_used_supply_primary",
        "supply_risk_primary",
        &mut flags,
    );
    let processing = stage_cells(
        t,
        row,
        &here,
        "eu_used_supply_refined",
        "supply_risk_refined",
        &mut flags,
    );
    // A value out of its column makes every stage SR of the row doubtful.
    let misplaced = extraction.misplaced || processing.misplaced;
    let stage_sr = |cells: &StageCells| if misplaced { None } else { cells.supply_risk };
    Ok(EuMaterialResult {
        line: row.line,
        supply_risk,
        economic_importance,
        stage,
        stages_assessed,
        extraction: EuStageResult {
            basis: extraction.basis,
            supply_risk: stage_sr(&extraction),
            import_reliance: percent("import_reliance_primary")?,
        },
        processing: EuStageResult {
            basis: processing.basis,
            supply_risk: stage_sr(&processing),
            import_reliance: percent("import_reliance_refined")?,
        },
        si_ei: index("si_ei")?,
        si_sr: index("si_sr")?,
        eol_rir: percent("end_of_life")?,
        flags,
        material,
    })
}

/// The supply-basis and SR cells of one stage of a results row.
struct StageCells {
    basis: Option<SupplyBasis>,
    supply_risk: Option<f64>,
    /// A number in the basis cell or a percentage in the SR cell: a value out of its column.
    misplaced: bool,
}

fn stage_cells(
    t: &Table,
    row: &Row,
    here: &str,
    basis_col: &str,
    sr_col: &str,
    flags: &mut Vec<String>,
) -> StageCells {
    let mut misplaced = false;
    let basis = match t.value(row, basis_col) {
        "" => None,
        "EU" => {
            flags.push(format!(
                "{here}: {basis_col} is 'EU', neither EUonly nor GS+EU: read as unknown"
            ));
            None
        }
        code => match SupplyBasis::from_code(code) {
            Some(b) => Some(b),
            None if number(code).is_ok() => {
                misplaced = true;
                flags.push(format!(
                    "{here}: {basis_col} holds the number {code} where GS+EU, GSonly or EUonly \
                     belongs: a value one column to the right of its place; this cell and the \
                     row's SRs by stage are read as unknown"
                ));
                None
            }
            None => {
                flags.push(format!(
                    "{here}: {basis_col} '{code}' is not GS+EU, GSonly or EUonly: read as unknown"
                ));
                None
            }
        },
    };
    let sr_text = t.value(row, sr_col);
    let supply_risk = match number(sr_text) {
        Ok(sr) => sr,
        Err(()) => {
            misplaced = true;
            flags.push(format!(
                "{here}: {sr_col} holds '{sr_text}', not a supply risk (a value of another \
                 column): this cell and the row's SRs by stage are read as unknown"
            ));
            None
        }
    };
    StageCells {
        basis,
        supply_risk,
        misplaced,
    }
}

fn read_annex4(
    input: TableInput,
    canonical: &[&str],
    notes: &mut Vec<String>,
) -> Result<(Vec<EuScore>, EuTableFile), EuCrmError> {
    let t = table(input, ANNEX4_TABLE, &["Material", "Year", "SR", "EI"])?;
    let mut out = Vec::new();
    let mut unmapped: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for row in &t.rows {
        let name = t.value(row, "Material");
        let material = match canonical_material(name, canonical) {
            Some(m) => m,
            None if MERGED_IN_2023
                .iter()
                .any(|(m, _)| *m == collapse(name).as_str()) =>
            {
                collapse(name)
            }
            None => {
                unmapped.entry(collapse(name)).or_default().push(row.line);
                continue;
            }
        };
        if name.contains('\n') {
            notes.push(format!(
                "{}, line {}: the material name '{}' spans two lines: read as '{material}'",
                t.path,
                row.line,
                name.replace('\n', "⏎")
            ));
        }
        let year: i32 = t
            .value(row, "Year")
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| t.error(row, "Year", "an assessment year such as 2023"))?;
        let score = |column: &str| -> Result<Option<f64>, EuCrmError> {
            match t.value(row, column) {
                "-" | "" => Ok(None),
                text => match number(text) {
                    Ok(Some(x)) if x >= 0.0 => Ok(Some(x)),
                    _ => Err(t.error(row, column, "a non-negative number or '-' (not assessed)")),
                },
            }
        };
        out.push(EuScore {
            material,
            year,
            supply_risk: score("SR")?,
            economic_importance: score("EI")?,
            line: row.line,
        });
    }
    if !unmapped.is_empty() {
        return Err(EuCrmError::UnmappedMaterials {
            file: t.path,
            names: unmapped.into_iter().collect(),
        });
    }
    Ok((out, t.file))
}

/// A share as printed: `12.3%`, `<0.1%`.
fn parse_share(text: &str) -> Option<ShareValue> {
    let (below, number) = match text.strip_prefix('<') {
        Some(rest) => (true, rest.trim()),
        None => (false, text),
    };
    let percent: f64 = number.strip_suffix('%')?.trim().parse().ok()?;
    if !(0.0..=100.0).contains(&percent) {
        return None;
    }
    Some(if below {
        ShareValue::Below(percent / 100.0)
    } else {
        ShareValue::Exact(percent / 100.0)
    })
}

/// The two share tables of Appendix 7.
#[derive(Debug, Clone, Copy)]
enum ShareTable {
    Global,
    EuSourcing,
}

impl ShareTable {
    fn key(self) -> &'static str {
        match self {
            ShareTable::Global => "global",
            ShareTable::EuSourcing => "eu_sourcing",
        }
    }

    fn report_table(self) -> &'static str {
        match self {
            ShareTable::Global => GLOBAL_TABLE,
            ShareTable::EuSourcing => EU_SOURCING_TABLE,
        }
    }
}

/// Appendix 7 rows. A row whose stage, share or t cannot be read is quarantined (the
/// material's shares are then incomplete, and `analysis::supply::eu` says so); an unknown
/// country or material name is an error.
fn read_shares(
    input: TableInput,
    which: ShareTable,
    canonical: &[&str],
    quarantined: &mut Vec<EuRejectedShare>,
    notes: &mut Vec<String>,
) -> Result<(Vec<EuShare>, EuTableFile), EuCrmError> {
    let t = table(
        input,
        which.report_table(),
        &["Material", "Stage", "Country", "Share", "t"],
    )?;
    let mut out = Vec::new();
    let mut unmapped_countries: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut unmapped_materials: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut below = 0;
    for row in &t.rows {
        let Some(material) = canonical_material(t.value(row, "Material"), canonical) else {
            unmapped_materials
                .entry(collapse(t.value(row, "Material")))
                .or_default()
                .push(row.line);
            continue;
        };
        let country = collapse(t.value(row, "Country"));
        let Some(iso3) = country_iso3(&country) else {
            unmapped_countries
                .entry(country)
                .or_default()
                .push(row.line);
            continue;
        };
        let stage = match t.value(row, "Stage") {
            "E" => Some(EuStage::Extraction),
            "P" => Some(EuStage::Processing),
            _ => None,
        };
        let share = parse_share(t.value(row, "Share"));
        let trade = number(t.value(row, "t"))
            .ok()
            .flatten()
            .filter(|x| *x > 0.0 && *x <= 2.0);
        let (stage, share, trade) = match (stage, share, trade) {
            (Some(stage), Some(share), Some(trade)) => (stage, share, trade),
            (stage, share, _) => {
                let (column, expected) = if stage.is_none() {
                    ("Stage", "E (extraction) or P (processing)")
                } else if share.is_none() {
                    ("Share", "a percentage such as 12.3% or <0.1%")
                } else {
                    ("t", "the trade variable t, a number in (0, 2]")
                };
                let record = *row.quarantine(&t.path, column, t.value(row, column), expected);
                notes.push(format!(
                    "{}, line {}, column {column}: '{}': expected {expected}; the row ({material}) \
                     is quarantined and the material's {} shares are incomplete",
                    t.path,
                    row.line,
                    t.value(row, column),
                    which.key().replace('_', " ")
                ));
                quarantined.push(EuRejectedShare {
                    material,
                    table: which.key().to_string(),
                    stage,
                    record,
                });
                continue;
            }
        };
        below += usize::from(matches!(share, ShareValue::Below(_)));
        out.push(EuShare {
            material,
            stage,
            country,
            iso3: iso3.to_string(),
            share,
            t: trade,
            line: row.line,
        });
    }
    if !unmapped_countries.is_empty() {
        return Err(EuCrmError::UnmappedCountries {
            file: t.path,
            names: unmapped_countries.into_iter().collect(),
        });
    }
    if !unmapped_materials.is_empty() {
        return Err(EuCrmError::UnmappedMaterials {
            file: t.path,
            names: unmapped_materials.into_iter().collect(),
        });
    }
    if t.file.encoding == "Latin-1" {
        notes.push(format!("{}: not UTF-8, decoded as Latin-1", t.path));
    }
    if below > 0 {
        notes.push(format!(
            "{}: {below} share(s) printed as '<x%': carried as the range 0 to x",
            t.path
        ));
    }
    Ok((out, t.file))
}

#[cfg(test)]
mod tests;
