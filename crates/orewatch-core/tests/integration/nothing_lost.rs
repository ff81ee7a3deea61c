//! Nothing lost, as a property: every reader, fed a small slice of a real shipped file with one
//! mutation (a line deleted, duplicated, swapped with another or truncated, a byte flipped, a
//! byte-order mark added, the file re-encoded as Latin-1 or UTF-16), either refuses the file
//! with an error (only allowed when the mutation reached the header or the encoding) or
//!
//! 1. accounts for every row it read: rows read = accepted + quarantined (the USGS readers
//!    group product rows into one site, so there: accepted + quarantined ≤ rows read, and
//!    the MCS tables give one record per year column, so there every row is accounted for by
//!    the rows that gave no record being quarantined or blank); and
//! 2. gives no accepted record that differs from what the unmutated slice gave for the same id,
//!    unless the mutation touched that record (its text is in a touched CSV record or JSON
//!    feature).
//!
//! The slices are read from `../shared/data` (or `OREWATCH_DATA`) and the fixtures beside it
//! at test time, never copied; 32 cases per reader (a fixed seed) keep it to a few seconds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use orewatch_core::ingest::{
    acled, boundaries, ged, production_long, tabulated_sites, ucdp_actors, usgs_mcs, usgs_sites,
    wgi, IngestError, ReadOutcome,
};
use proptest::prelude::*;

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn read_data(rel: &str) -> Vec<u8> {
    let path = data_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first `rows` lines after the header, the header and `rows` lines from the middle.
fn csv_slice(bytes: &[u8], rows: usize) -> Vec<u8> {
    let lines = split_lines(bytes);
    let mid = lines.len() / 2;
    let mut out: Vec<u8> = lines[..=rows.min(lines.len() - 1)].concat();
    if mid > rows + 1 {
        out.extend(lines[mid..(mid + rows).min(lines.len())].concat());
    }
    out
}

/// Lines with their line ends.
fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    /// Cut line `.0` after `.1` per mille of its bytes; every later line goes.
    Truncate(usize, u16),
    /// XOR byte `.1` per mille into line `.0` with `.2` (never 0).
    Flip(usize, u16, u8),
    Bom,
    Latin1,
    Utf16,
}

fn mutation(n: usize) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0..n).prop_map(Mutation::Delete),
        (0..n).prop_map(Mutation::Duplicate),
        (0..n, 0..n).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (0..n, 0..1000u16).prop_map(|(i, p)| Mutation::Truncate(i, p)),
        (0..n, 0..1000u16, 1..=255u8).prop_map(|(i, p, x)| Mutation::Flip(i, p, x)),
        Just(Mutation::Bom),
        Just(Mutation::Latin1),
        Just(Mutation::Utf16),
    ]
}

/// The mutated bytes, the indexes of the units (lines or features) the mutation touched, the
/// new text it wrote, and whether the file as a whole was re-encoded.
struct Mutated {
    bytes: Vec<u8>,
    touched: BTreeSet<usize>,
    written: Vec<u8>,
    reencoded: bool,
}

fn apply(units: &[Vec<u8>], m: &Mutation, join: &dyn Fn(&[Vec<u8>]) -> Vec<u8>) -> Mutated {
    let mut u = units.to_vec();
    let mut touched = BTreeSet::new();
    let mut written = Vec::new();
    let mut reencoded = false;
    let mut bytes = None;
    match *m {
        Mutation::Delete(i) => {
            u.remove(i);
            touched.insert(i);
        }
        Mutation::Duplicate(i) => {
            u.insert(i, units[i].clone());
            touched.insert(i);
        }
        Mutation::Swap(a, b) => {
            u.swap(a, b);
            touched.extend([a, b]);
        }
        Mutation::Truncate(i, p) => {
            let keep = units[i].len() * usize::from(p) / 1000;
            u.truncate(i + 1);
            u[i].truncate(keep);
            touched.extend(i..units.len());
            written = u[i].clone();
        }
        Mutation::Flip(i, p, x) => {
            if !u[i].is_empty() {
                let at = (u[i].len() - 1) * usize::from(p) / 1000;
                u[i][at] ^= x;
            }
            touched.insert(i);
            written = u[i].clone();
        }
        Mutation::Bom => {
            u[0].splice(0..0, *b"\xEF\xBB\xBF");
        }
        Mutation::Latin1 => {
            for (i, line) in u.iter_mut().enumerate() {
                if !line.is_ascii() {
                    touched.insert(i);
                    *line = String::from_utf8_lossy(line)
                        .chars()
                        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                        .collect();
                    written.extend_from_slice(line);
                }
            }
        }
        Mutation::Utf16 => {
            let text = String::from_utf8_lossy(&join(units)).into_owned();
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            bytes = Some(b);
            touched.extend(0..units.len());
            reencoded = true;
        }
    }
    Mutated {
        bytes: bytes.unwrap_or_else(|| join(&u)),
        touched,
        written,
        reencoded,
    }
}

/// How a reader's outcome accounts for its rows.
#[derive(Clone, Copy)]
enum Accounting {
    /// rows read = accepted + quarantined.
    Exact,
    /// Several rows may make one record (USGS facilities: one site per FeatureUID).
    Grouped,
    /// One row may make several records (the MCS tables: one per year column).
    Spread,
}

fn check_accounting<T>(o: &ReadOutcome<T>, how: Accounting) -> Result<(), TestCaseError> {
    let (read, acc, q) = (o.rows_read as usize, o.records.len(), o.quarantined.len());
    match how {
        Accounting::Exact => prop_assert_eq!(read, acc + q, "rows read ≠ accepted + quarantined"),
        Accounting::Grouped => prop_assert!(acc + q <= read && (read == 0 || acc + q > 0)),
        Accounting::Spread => {
            prop_assert!(read == 0 || acc + q > 0 || o.notes.iter().any(|n| n.contains("blank")))
        }
    }
    Ok(())
}

/// One reader under test.
struct Reader<T> {
    read: fn(&[u8]) -> Result<ReadOutcome<T>, IngestError>,
    /// The record's id (records of the unmutated slice with the same id are its originals).
    key: fn(&T) -> String,
    /// Text the record's source row must hold (to tell whether the mutation touched it).
    needle: fn(&T) -> String,
    accounting: Accounting,
}

/// The byte ranges of the CSV records of `bytes` (a quoted field may span lines).
fn csv_record_ranges(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut starts = Vec::new();
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        starts.push(record.position().map_or(0, |p| p.byte() as usize));
    }
    let mut ranges: Vec<_> = starts.windows(2).map(|w| w[0]..w[1]).collect();
    if let Some(&last) = starts.last() {
        ranges.push(last..bytes.len());
    }
    ranges
}

fn check<T: PartialEq + Debug>(
    r: &Reader<T>,
    units: &[Vec<u8>],
    join: &dyn Fn(&[Vec<u8>]) -> Vec<u8>,
    csv_records: bool,
    m: &Mutation,
) -> Result<(), TestCaseError> {
    let original_bytes = join(units);
    let original = (r.read)(&original_bytes).expect("the unmutated slice reads");
    let mut by_key: BTreeMap<String, Vec<&T>> = BTreeMap::new();
    for rec in &original.records {
        by_key.entry((r.key)(rec)).or_default().push(rec);
    }
    let mutated = apply(units, m, join);
    let outcome = match (r.read)(&mutated.bytes) {
        Ok(o) => o,
        Err(e) => {
            // Refusing a CSV file is allowed only when the header or the encoding changed; a
            // JSON file cut or broken anywhere is broken JSON, a hard error by contract.
            prop_assert!(
                !csv_records || mutated.reencoded || mutated.touched.contains(&0),
                "{m:?}: error on a mutation that left the header alone: {e}"
            );
            return Ok(());
        }
    };
    check_accounting(&outcome, r.accounting)?;
    // The text of every touched unit, widened to whole CSV records.
    let mut touched_text = mutated.written.clone();
    let starts: Vec<usize> = units
        .iter()
        .scan(0, |at, u| {
            let s = *at;
            *at += u.len();
            Some(s)
        })
        .collect();
    let ranges = if csv_records {
        csv_record_ranges(&original_bytes)
    } else {
        Vec::new()
    };
    for &i in &mutated.touched {
        let span = starts[i]..starts[i] + units[i].len();
        touched_text.extend_from_slice(&units[i]);
        for range in ranges
            .iter()
            .filter(|g| g.start < span.end && span.start < g.end)
        {
            touched_text.extend_from_slice(&original_bytes[range.clone()]);
        }
    }
    let touched_text = String::from_utf8_lossy(&touched_text);
    // A changed header (unit 0) changes what every column means: every record is touched.
    let header_touched = mutated.touched.contains(&0);
    for rec in outcome.records.iter().filter(|_| !header_touched) {
        let same = by_key
            .get(&(r.key)(rec))
            .is_some_and(|originals| originals.contains(&rec));
        if !same {
            let needle = (r.needle)(rec);
            prop_assert!(
                touched_text.contains(&needle),
                "{m:?}: record {} differs from the unmutated file's, but its row ({needle}) was not touched: {rec:?}",
                (r.key)(rec)
            );
        }
    }
    Ok(())
}

fn check_csv<T: PartialEq + Debug>(r: Reader<T>, slice: Vec<u8>) {
    let units = split_lines(&slice);
    let join = |u: &[Vec<u8>]| u.concat();
    let mut runner = runner();
    runner
        .run(&mutation(units.len()), |m| {
            check(&r, &units, &join, true, &m)
        })
        .unwrap();
}

/// A GeoJSON FeatureCollection cut to `n` features, as units: the opening, each feature (with
/// its separating comma) and the closing, so line mutations act on whole features.
fn geojson_units(bytes: &[u8], n: usize) -> Vec<Vec<u8>> {
    let doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let features = doc["features"].as_array().unwrap();
    let mut units = vec![b"{\"type\":\"FeatureCollection\",\"features\":[\n".to_vec()];
    for f in features.iter().take(n) {
        units.push(format!("{f},\n").into_bytes());
    }
    units.push(b"{}]}\n".to_vec());
    units
}

fn check_geojson<T: PartialEq + Debug>(r: Reader<T>, units: Vec<Vec<u8>>) {
    // A trailing `{}` feature keeps the commas valid whatever is deleted or moved (it is
    // quarantined as a feature without geometry, the same in every case).
    let join = |u: &[Vec<u8>]| u.concat();
    let mut runner = runner();
    runner
        .run(&mutation(units.len()), |m| {
            check(&r, &units, &join, false, &m)
        })
        .unwrap();
}

/// 32 cases from a fixed seed (proptest's deterministic ChaCha stream): the same cases in
/// every run.
fn runner() -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};
    TestRunner::new_with_rng(
        ProptestConfig {
            cases: 32,
            failure_persistence: None,
            ..ProptestConfig::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

fn event_key(e: &orewatch_core::model::Event) -> String {
    e.event_id.clone()
}

#[test]
fn ged_reduced_layout() {
    let r = Reader {
        read: |b| ged::read(b, "ucdp_ged_v21_1_precise_global_1989_2019.csv"),
        key: event_key,
        needle: event_key,
        accounting: Accounting::Exact,
    };
    let bytes = read_data("conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv");
    check_csv(r, csv_slice(&bytes, 20));
}

#[test]
fn ged_full_layout_fixture() {
    let r = Reader {
        read: |b| ged::read(b, "ucdp_ged_v23_1_sample.csv"),
        key: event_key,
        needle: event_key,
        accounting: Accounting::Exact,
    };
    check_csv(
        r,
        read_data("../fixtures/ucdp_ged_v23_1_sample_49col_west_africa.csv"),
    );
}

#[test]
fn acled_fixture() {
    let r = Reader {
        read: |b| acled::read(b, "acled_examples.csv"),
        key: event_key,
        needle: event_key,
        accounting: Accounting::Exact,
    };
    check_csv(r, read_data("../fixtures/acled/acled_examples.csv"));
}

#[test]
fn ucdp_actor_list() {
    let r = Reader {
        read: |b| ucdp_actors::read(b, "ucdp_actor_v22_1.csv"),
        key: |a| a.actor_id.to_string(),
        needle: |a| a.actor_id.to_string(),
        accounting: Accounting::Exact,
    };
    check_csv(
        r,
        csv_slice(&read_data("conflict/ucdp_actor_v22_1.csv"), 20),
    );
}

fn production_key(p: &orewatch_core::model::ProductionRecord) -> String {
    format!(
        "{}|{}|{}|{:?}|{}|{:?}",
        p.country, p.year, p.commodity, p.stage, p.unit, p.series
    )
}

#[test]
fn production_long_owid() {
    let r = Reader {
        read: |b| production_long::read(b, "mine_production_by_country_1970_2015.csv"),
        key: production_key,
        needle: |p| p.year.to_string(),
        accounting: Accounting::Exact,
    };
    check_csv(
        r,
        csv_slice(
            &read_data("production/mine_production_by_country_1970_2015.csv"),
            20,
        ),
    );
}

#[test]
fn production_long_mcs() {
    let r = Reader {
        read: |b| production_long::read(b, "usgs_mcs_world_production_2020_2025.csv"),
        key: production_key,
        needle: |p| p.year.to_string(),
        accounting: Accounting::Exact,
    };
    check_csv(
        r,
        csv_slice(
            &read_data("production/usgs_mcs_world_production_2020_2025.csv"),
            20,
        ),
    );
}

#[test]
fn usgs_mcs_world_table() {
    let r = Reader {
        read: |b| usgs_mcs::read(b, "mcs2024-gold_world.csv"),
        key: production_key,
        needle: |p| p.country.chars().take(4).collect(),
        accounting: Accounting::Spread,
    };
    check_csv(
        r,
        read_data("production/usgs_mcs/MCS2024/mcs2024-gold_world.csv"),
    );
}

#[test]
fn wgi_table() {
    let r = Reader {
        read: |b| wgi::read(b, "wgi_all_countries_1996_2023.csv"),
        key: |g| format!("{}|{}", g.iso3, g.year),
        needle: |g| g.wgi_code.clone(),
        accounting: Accounting::Exact,
    };
    check_csv(
        r,
        csv_slice(&read_data("governance/wgi_all_countries_1996_2023.csv"), 20),
    );
}

#[test]
fn tabulated_sites_table() {
    let r = Reader {
        read: |b| tabulated_sites::read(b, "mine_sites_mali_and_neighbours.csv"),
        key: |s| s.site_id.clone(),
        needle: |s| s.site_id.clone(),
        accounting: Accounting::Exact,
    };
    check_csv(r, read_data("mines/mine_sites_mali_and_neighbours.csv"));
}

#[test]
fn usgs_facilities_geojson() {
    let r = Reader {
        read: |b| usgs_sites::read(b, "usgs_africa_mineral_facilities.geojson"),
        key: |s| s.site_id.clone(),
        needle: |s| s.name.clone(),
        accounting: Accounting::Grouped,
    };
    check_geojson(
        r,
        geojson_units(
            &read_data("mines/usgs_africa_mineral_facilities.geojson"),
            24,
        ),
    );
}

#[test]
fn natural_earth_admin1_geojson() {
    let r = Reader {
        read: |b| boundaries::read(b, "mli_admin1_ne10m.geojson"),
        key: |g| g.region_id.clone(),
        needle: |g| g.region_id.clone(),
        accounting: Accounting::Exact,
    };
    check_geojson(
        r,
        geojson_units(&read_data("boundaries/mli_admin1_ne10m.geojson"), 9),
    );
}
