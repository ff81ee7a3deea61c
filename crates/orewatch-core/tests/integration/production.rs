//! Production readers and dedup on the real data in `../shared/data/production`.
//!
//! Expected numbers were computed independently with python3's `csv` module (a script that
//! parses the MCS originals, the transcription and the long file, groups figures by
//! (ISO3 or name, year, commodity, stage, unit), and keeps the newest edition):
//! - OWID 1970–2015: 43,263 data rows, all valid.
//! - Long USGS file: 658 rows (MCS2024 334, MCS2023 172, MCS2022 78, MCS2026 74).
//! - Transcription: 74 rows.
//! - MCS originals: 18 `_world.csv` files, 410 data rows (plus 20 blank rows), 820 figures.
//! - All USGS figures: 820 + 74 + 658 = 1,552, which are 658 distinct facts; every figure of
//!   the long file equals the figure of the same edition in an original or the transcription
//!   (0 mismatches), and the long file always holds the newest edition's figure.
//! - 199 dropped figures differ from the kept one, all revisions between editions (0 within
//!   one edition).
//! - After dedup: 43,263 + 658 = 43,921 records.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use orewatch_core::ingest::production_dedup::dedup_production;
use orewatch_core::ingest::{production_long, usgs_mcs, wgi, ReadOutcome};
use orewatch_core::model::countries::{lookup, CountryMatch};
use orewatch_core::model::{ProductionRecord, ProductionSeries, ValueType};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn production_dir() -> PathBuf {
    data_dir().join("production")
}

fn owid() -> ReadOutcome<ProductionRecord> {
    let path = production_dir().join("mine_production_by_country_1970_2015.csv");
    production_long::read_path(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn usgs_long() -> ReadOutcome<ProductionRecord> {
    let path = production_dir().join("usgs_mcs_world_production_2020_2025.csv");
    production_long::read_path(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn transcribed() -> ReadOutcome<ProductionRecord> {
    let path = production_dir().join("usgs_mcs/transcribed/mcs2026_world_li_co_mn_transcribed.csv");
    production_long::read_path(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The MCS original world tables, sorted by path.
fn mcs_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for edition in ["MCS2022", "MCS2023", "MCS2024"] {
        let dir = production_dir().join("usgs_mcs").join(edition);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.to_string_lossy().ends_with("_world.csv") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn all_files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            all_files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn head_of(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(64 * 1024).read_to_end(&mut head);
    }
    head
}

#[test]
fn owid_1970_2015() {
    let out = owid();
    assert!(out.layout.starts_with("OWID"), "{}", out.layout);
    assert_eq!(out.rows_read, 43_263);
    assert_eq!(out.records.len(), 43_263);
    assert!(out.quarantined.is_empty(), "{:?}", &out.quarantined[..1]);
    assert!(out
        .records
        .iter()
        .all(|r| r.series == ProductionSeries::Owid1970_2015 && r.stage.is_none()));
    assert!(out.notes.iter().any(|n| n.starts_with("silver")));
    assert!(out.notes.iter().any(|n| n.contains("World lead")));
    // No unknown names; three kept without ISO3 on purpose.
    assert!(!out
        .notes
        .iter()
        .any(|n| n.contains("not in the ISO3 table")));
    let no_code = out
        .notes
        .iter()
        .find(|n| n.contains("without ISO3 on purpose"))
        .unwrap_or_else(|| panic!("{:?}", out.notes));
    assert!(no_code.starts_with("3 country name(s)"), "{no_code}");
    let mali_gold_2015 = out
        .records
        .iter()
        .find(|r| r.country == "Mali" && r.year == 2015 && r.commodity == "gold")
        .unwrap_or_else(|| panic!("no Mali gold 2015"));
    assert_eq!(mali_gold_2015.iso3.as_deref(), Some("MLI"));
    assert_eq!(mali_gold_2015.unit, "metric tons");
    let drc: Vec<&str> = out
        .records
        .iter()
        .filter(|r| r.iso3.as_deref() == Some("COD"))
        .map(|r| r.country.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(drc, vec!["Congo, DRC", "Democratic Republic of Congo"]);
}

#[test]
fn usgs_long_file() {
    let out = usgs_long();
    assert!(out.layout.starts_with("USGS MCS world production, long"));
    assert_eq!(out.rows_read, 658);
    assert_eq!(out.records.len(), 658);
    assert!(out.quarantined.is_empty());
    let mut editions = BTreeMap::new();
    for r in &out.records {
        *editions
            .entry(r.edition.clone().unwrap_or_default())
            .or_insert(0) += 1;
    }
    let expected: BTreeMap<String, i32> = [
        ("MCS2022", 78),
        ("MCS2023", 172),
        ("MCS2024", 334),
        ("MCS2026", 74),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(editions, expected);
    let withheld = out
        .records
        .iter()
        .filter(|r| r.flag.as_deref() == Some("W"))
        .count();
    let zero = out
        .records
        .iter()
        .filter(|r| r.flag.as_deref() == Some("—"))
        .count();
    assert_eq!((withheld, zero), (9, 4));
    // The file's iso3 column agrees with the country table for every name.
    for r in &out.records {
        let table = match lookup(&r.country) {
            CountryMatch::Country(code) => Some(code.to_string()),
            _ => None,
        };
        assert_eq!(r.iso3, table, "{}", r.country);
    }
}

#[test]
fn transcribed_mcs2026() {
    let out = transcribed();
    assert_eq!(out.records.len(), 74);
    assert!(out.quarantined.is_empty());
    let mali: Vec<(i32, Option<f64>, ValueType)> = out
        .records
        .iter()
        .filter(|r| r.iso3.as_deref() == Some("MLI"))
        .map(|r| (r.year, r.quantity, r.value_type))
        .collect();
    assert_eq!(
        mali,
        vec![
            (2024, Some(770.0), ValueType::Reported),
            (2025, Some(9400.0), ValueType::Estimated)
        ]
    );
    assert!(out
        .records
        .iter()
        .all(|r| r.edition.as_deref() == Some("MCS2026") && r.extra.contains_key("confidence")));
}

#[test]
fn mcs_originals() {
    let files = mcs_files();
    assert_eq!(files.len(), 18);
    let mut rows = 0;
    let mut figures = 0;
    for file in &files {
        let out = usgs_mcs::read_path(file).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.quarantined.is_empty(),
            "{}: {:?}",
            file.display(),
            out.quarantined
        );
        assert!(
            !out.notes
                .iter()
                .any(|n| n.contains("not in the ISO3 table")),
            "{}: {:?}",
            file.display(),
            out.notes
        );
        assert_eq!(
            out.records.len() as u64,
            2 * out.rows_read,
            "{}",
            file.display()
        );
        rows += out.rows_read;
        figures += out.records.len();
    }
    assert_eq!(rows, 410);
    assert_eq!(figures, 820);

    let lithium =
        usgs_mcs::read_path(&production_dir().join("usgs_mcs/MCS2024/mcs2024-lithi_world.csv"))
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(lithium
        .notes
        .iter()
        .any(|n| n.starts_with("15 blank row(s)")));
    let other = &lithium.records[18];
    assert_eq!(other.country, "Other countries");
    assert_eq!(
        other.extra.get("Country").map(String::as_str),
        Some("Other countries6")
    );
    assert_eq!(other.unit, "metric tons (lithium content)");

    let bauxite =
        usgs_mcs::read_path(&production_dir().join("usgs_mcs/MCS2023/mcs2023-bauxi_world.csv"))
            .unwrap_or_else(|e| panic!("{e}"));
    let alumina = bauxite
        .records
        .iter()
        .filter(|r| r.commodity == "alumina")
        .count();
    let bauxite_n = bauxite
        .records
        .iter()
        .filter(|r| r.commodity == "bauxite")
        .count();
    assert_eq!((alumina, bauxite_n), (40, 40));
    let brazil_2021 = bauxite
        .records
        .iter()
        .find(|r| r.country == "Brazil" && r.commodity == "bauxite" && r.year == 2021)
        .unwrap_or_else(|| panic!("no Brazil"));
    assert_eq!(brazil_2021.quantity, Some(33_000.0));
    assert_eq!(brazil_2021.stage.as_deref(), Some("mine"));
    // "Production in 2021 is also estimated."
    assert_eq!(brazil_2021.value_type, ValueType::Estimated);
}

fn all_production() -> Vec<ProductionRecord> {
    let mut records = owid().records;
    for file in mcs_files() {
        records.extend(
            usgs_mcs::read_path(&file)
                .unwrap_or_else(|e| panic!("{e}"))
                .records,
        );
    }
    records.extend(transcribed().records);
    records.extend(usgs_long().records);
    records
}

#[test]
fn dedup_keeps_each_fact_once() {
    let records = all_production();
    assert_eq!(records.len(), 43_263 + 820 + 74 + 658);
    let (kept, report) = dedup_production(records);
    assert_eq!(report.kept, 43_921);
    assert_eq!(kept.len(), 43_921);
    // The long file is derived: every one of its figures is dropped for an original.
    let long_name = production_dir()
        .join("usgs_mcs_world_production_2020_2025.csv")
        .to_string_lossy()
        .into_owned();
    assert_eq!(report.removed_per_file.get(&long_name), Some(&658));
    assert!(!report.kept_per_file.contains_key(&long_name));
    assert_eq!(report.removed(), 820 + 74 + 658 - 658);
    // The long file's figures equal the originals': no disagreement within an edition.
    assert_eq!(report.same_edition_conflicts().count(), 0);
    assert_eq!(report.conflicts.len(), 199);
    // Mali gold 2022: MCS2024's 64 t wins over MCS2023's estimate of 50 t.
    let mali_2022 = kept
        .iter()
        .find(|r| r.iso3.as_deref() == Some("MLI") && r.year == 2022 && r.commodity == "gold")
        .unwrap_or_else(|| panic!("no Mali gold 2022"));
    assert_eq!(mali_2022.quantity, Some(64.0));
    assert_eq!(mali_2022.edition.as_deref(), Some("MCS2024"));
    assert!(mali_2022.source_file.ends_with("mcs2024-gold_world.csv"));
    assert_eq!(
        mali_2022
            .extra
            .get("dedup_values_differ")
            .map(String::as_str),
        Some("yes")
    );
    let also = mali_2022
        .extra
        .get("dedup_also_in")
        .cloned()
        .unwrap_or_default();
    assert!(
        also.contains("usgs_mcs_world_production_2020_2025.csv: 64 (same)"),
        "{also}"
    );
    assert!(
        also.contains("mcs2023-gold_world.csv: 50 (differs)"),
        "{also}"
    );
    // Mali lithium 2024–2025 come from the transcription.
    let mali_li: Vec<(i32, Option<f64>)> = kept
        .iter()
        .filter(|r| r.iso3.as_deref() == Some("MLI") && r.commodity == "lithium")
        .map(|r| (r.year, r.quantity))
        .collect();
    assert_eq!(mali_li, vec![(2024, Some(770.0)), (2025, Some(9400.0))]);
}

/// No two readers claim the same file anywhere in the shared data and fixtures, and each
/// production/governance file is claimed by exactly the right reader.
#[test]
fn sniffers_do_not_overlap() {
    let shared = data_dir().join("..");
    let mut files = Vec::new();
    all_files_under(&data_dir(), &mut files);
    all_files_under(&shared.join("fixtures"), &mut files);
    assert!(files.len() > 40, "{} files", files.len());
    let mut claimed: BTreeMap<&str, usize> = BTreeMap::new();
    for path in &files {
        let head = head_of(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let claims: Vec<&str> = [
            ("production_long", production_long::sniff(&head, &name)),
            ("usgs_mcs", usgs_mcs::sniff(&head, &name)),
            ("wgi", wgi::sniff(&head, &name)),
        ]
        .into_iter()
        .filter(|(_, c)| *c)
        .map(|(r, _)| r)
        .collect();
        assert!(claims.len() <= 1, "{}: {claims:?}", path.display());
        let expected = if name.ends_with("_world.csv") {
            Some("usgs_mcs")
        } else if name == "wgi_all_countries_1996_2023.csv" {
            Some("wgi")
        } else if name == "mine_production_by_country_1970_2015.csv"
            || name == "usgs_mcs_world_production_2020_2025.csv"
            || name == "mcs2026_world_li_co_mn_transcribed.csv"
        {
            Some("production_long")
        } else {
            None
        };
        assert_eq!(claims.first().copied(), expected, "{}", path.display());
        if let Some(reader) = expected {
            *claimed.entry(reader).or_insert(0) += 1;
        }
    }
    let expected: BTreeMap<&str, usize> = [("production_long", 3), ("usgs_mcs", 18), ("wgi", 1)]
        .into_iter()
        .collect();
    assert_eq!(claimed, expected);
}
