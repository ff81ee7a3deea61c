//! The WGI reader on the real file `../shared/data/governance/wgi_all_countries_1996_2023.csv`.
//!
//! Expected numbers computed independently with python3's `csv` module: 5,350 rows, 214
//! economies × 25 years (1996, 1998, 2000, 2002–2023); 6 WGI codes differ from ISO3; 6,756
//! empty cells; six estimates below −3 (PV of Somalia 2007, 2008, 2009, 2010, 2011 and Iraq
//! 2004; minimum −3.312951), none above 3; percentiles within [0, 100].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use orewatch_core::ingest::{wgi, ReadOutcome};
use orewatch_core::model::{GovernanceRecord, WgiIndicator};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn read_wgi() -> ReadOutcome<GovernanceRecord> {
    let path = data_dir().join("governance/wgi_all_countries_1996_2023.csv");
    wgi::read_path(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn all_rows_read() {
    let out = read_wgi();
    assert_eq!(out.rows_read, 5_350);
    assert_eq!(out.records.len(), 5_350);
    assert!(out.quarantined.is_empty(), "{:?}", out.quarantined.first());
    let economies: std::collections::BTreeSet<&str> =
        out.records.iter().map(|r| r.iso3.as_str()).collect();
    assert_eq!(economies.len(), 214);
    assert!(out.records.iter().all(|r| wgi::is_wgi_year(r.year)));
}

#[test]
fn mali_2023_equals_the_file() {
    let out = read_wgi();
    let mali = out
        .records
        .iter()
        .find(|r| r.iso3 == "MLI" && r.year == 2023)
        .unwrap_or_else(|| panic!("no Mali 2023"));
    assert_eq!(mali.country, "Mali");
    assert_eq!(mali.wgi_code, "MLI");
    // (est, se, nsource, pctrank, lower, upper) as in the file.
    let expected = [
        (
            WgiIndicator::VA,
            -1.011747,
            0.118235,
            13,
            20.588236,
            15.686275,
            25.0,
        ),
        (
            WgiIndicator::PV,
            -2.729136,
            0.227245,
            6,
            0.473934,
            0.0,
            2.843602,
        ),
        (
            WgiIndicator::GE,
            -1.138598,
            0.208147,
            11,
            12.735849,
            7.075472,
            22.169811,
        ),
        (
            WgiIndicator::RQ,
            -0.679561,
            0.173639,
            10,
            25.943396,
            15.566038,
            36.792454,
        ),
        (
            WgiIndicator::RL,
            -0.97765,
            0.145614,
            14,
            18.396227,
            11.792453,
            24.528301,
        ),
        (
            WgiIndicator::CC,
            -0.861832,
            0.152046,
            13,
            21.226416,
            15.094339,
            28.773584,
        ),
    ];
    for (ind, est, se, n, pct, lo, hi) in expected {
        let v = mali.get(ind);
        assert_eq!(v.estimate, Some(est), "{ind:?}");
        assert_eq!(v.std_error, Some(se), "{ind:?}");
        assert_eq!(v.n_sources, Some(n), "{ind:?}");
        assert_eq!(v.pct_rank, Some(pct), "{ind:?}");
        assert_eq!(v.pct_rank_lower, Some(lo), "{ind:?}");
        assert_eq!(v.pct_rank_upper, Some(hi), "{ind:?}");
    }
    assert!(mali.flags.is_empty());
}

#[test]
fn six_code_mappings() {
    let out = read_wgi();
    let expected: BTreeMap<String, String> = [
        ("ADO", "AND"),
        ("KSV", "XKX"),
        ("ROM", "ROU"),
        ("TMP", "TLS"),
        ("WBG", "PSE"),
        ("ZAR", "COD"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(wgi::wgi_code_mappings(&out.records), expected);
    assert!(out
        .notes
        .iter()
        .any(|n| n.starts_with("6 WGI code(s) differ from ISO3")
            && n.contains("ZAR→COD")
            && n.contains("ROM→ROU")));
}

#[test]
fn extreme_estimates_are_flagged_not_dropped() {
    let out = read_wgi();
    assert_eq!(out.flagged, 6);
    let mut flagged: Vec<(String, i32)> = out
        .records
        .iter()
        .filter(|r| !r.flags.is_empty())
        .map(|r| (r.iso3.clone(), r.year))
        .collect();
    flagged.sort();
    let expected: Vec<(String, i32)> = [
        ("IRQ", 2004),
        ("SOM", 2007),
        ("SOM", 2008),
        ("SOM", 2009),
        ("SOM", 2010),
        ("SOM", 2011),
    ]
    .into_iter()
    .map(|(c, y)| (c.to_string(), y))
    .collect();
    assert_eq!(flagged, expected);
    let somalia_2009 = out
        .records
        .iter()
        .find(|r| r.iso3 == "SOM" && r.year == 2009)
        .unwrap_or_else(|| panic!("no Somalia 2009"));
    assert_eq!(somalia_2009.get(WgiIndicator::PV).estimate, Some(-3.312951));
    assert_eq!(
        somalia_2009.flags,
        vec!["pv estimate -3.312951 outside [-3, 3]"]
    );
}

#[test]
fn missing_values_are_none() {
    let out = read_wgi();
    let missing: usize = out
        .records
        .iter()
        .flat_map(|r| r.indicators.iter())
        .map(|v| {
            [
                v.estimate.is_none(),
                v.std_error.is_none(),
                v.n_sources.is_none(),
                v.pct_rank.is_none(),
                v.pct_rank_lower.is_none(),
                v.pct_rank_upper.is_none(),
            ]
            .iter()
            .filter(|m| **m)
            .count()
        })
        .sum();
    assert_eq!(missing, 6_756);
}
