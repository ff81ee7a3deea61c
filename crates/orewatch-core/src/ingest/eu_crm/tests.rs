use super::*;

const RESULTS_HEADER: &str = "material_name,supply_risk,economic_importance,eu_used_stage,eu_stages,eu_used_supply_primary,supply_risk_primary,eu_used_supply_refined,supply_risk_refined,si_ei,si_sr,import_reliance_primary,import_reliance_refined,end_of_life,source_name,publish_year,date_year\n";

/// Lines: 2 Cobalt, 3 Coking coal (SR at extraction one column right), 4 LREE (`281%` in an
/// SR column), 5 Molybdenum (`EU`), 6 and 7 Tungsten twice, 8 Baryte.
fn results() -> String {
    format!(
        "{RESULTS_HEADER}\
Cobalt,2.8,6.8,Extraction,E+P,GSonly,2.8,GS+EU,0.5,0.97,0.98,81,1,22,EUREPORT,2025,2025
Coking coal,1.0,3.1,Extraction,E+P,GS+EU,,1.0,0.4,1.00,1.0,66,0,0,EUREPORT,2025,2025
LREE,3.7,5.9,Processing,E+P,GS+EU,281%,GS+EU,3.58,,,80,100,1,EUREPORT,2025,2025
Molybdenum,0.8,6.7,Extraction,E+P,GS+EU,0.8,EU,0.2,1.00,1.0,100,100,30,EUREPORT,2025,2025
Tungsten,1.2,8.7,Processing,E+P,GS+EU,0.5,GS+EU,1.2,0.95,0.96,21,80,42,EUREPORT,2025,2025
Tungsten,1.2,8.7,Processing,E+P,GS+EU,0.5,GS+EU,1.2,0.95,0.96,21,80,42,EUREPORT,2025,2025
Baryte,1.3,3.5,Extraction,E,GS+EU,1.3,,,0.87,0.92,74,,0,EUREPORT,2025,2025
Natural Teak wood,1.7,2.4,Extraction,E,GS+EU,1.7,,,0.96,0.96,100,,5,EUREPORT,2025,2025
"
    )
}

/// CRLF, a name over two lines (line 3–4), `-` for not assessed, an alias (Barytes).
const ANNEX4: &str = "Material,Year,SR,EI\r\nCobalt,2023,2.8,6.8\r\n\"Natural Teak\r\nwood\",2023,1.7,2.4\r\nBarytes,2011,-,-\r\nBauxite,2023,-,-\r\n";

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect()
}

/// Appendix 7 rows in Latin-1 (ü of Türkiye is the byte 0xFC), CRLF.
fn shares() -> Vec<u8> {
    latin1(
        "Material,Stage,Country,Share,t\r\n\
Cobalt,E,\"Congo, D.R.\",62.8%,1.1\r\n\
Cobalt,E,Türkiye,0.1%,1.0\r\n\
Cobalt,E,Vietnam,<0.1%,1.0\r\n\
Barytes,E,Brasilia,3.0%,1.0\r\n\
Cobalt,P,Finland,11.4%,0.8\r\n",
    )
}

fn read(results: &str, annex4: &str, global: &[u8], eu: &[u8]) -> Result<EuCrmTables, EuCrmError> {
    read_tables(
        TableInput {
            path: "results.csv",
            bytes: results.as_bytes(),
        },
        TableInput {
            path: "annex4.csv",
            bytes: annex4.as_bytes(),
        },
        TableInput {
            path: "global.csv",
            bytes: global,
        },
        TableInput {
            path: "eu.csv",
            bytes: eu,
        },
    )
}

#[test]
fn latin1_shares_below_and_aliases_are_read_explicitly() {
    let t = read(&results(), ANNEX4, &shares(), &shares()).unwrap();
    let global = &t.files[2];
    assert_eq!(global.encoding, "Latin-1");
    assert_eq!(t.files[0].encoding, "UTF-8");
    let tur = t.global.iter().find(|s| s.iso3 == "TUR").unwrap();
    assert_eq!(tur.country, "Türkiye");
    assert_eq!(tur.share, ShareValue::Exact(0.001));
    assert_eq!(tur.line, 3);
    let cod = t.global.iter().find(|s| s.iso3 == "COD").unwrap();
    assert_eq!((cod.share, cod.t), (ShareValue::Exact(0.628), 1.1));
    let vnm = t.global.iter().find(|s| s.iso3 == "VNM").unwrap();
    assert_eq!(vnm.share, ShareValue::Below(0.001));
    assert_eq!(vnm.share.bounds(), (0.0, 0.001));
    // Barytes → Baryte, Brasilia → BRA.
    let bra = t.global.iter().find(|s| s.iso3 == "BRA").unwrap();
    assert_eq!(bra.material, "Baryte");
    assert!(t
        .notes
        .contains(&"global.csv: not UTF-8, decoded as Latin-1".to_string()));
    assert!(t.notes.contains(
        &"global.csv: 1 share(s) printed as '<x%': carried as the range 0 to x".to_string()
    ));
    // Annex 4: the two-line name, '-' as not assessed, Barytes, Bauxite kept.
    let teak = t
        .history
        .iter()
        .find(|s| s.material == "Natural Teak wood")
        .unwrap();
    assert_eq!((teak.line, teak.supply_risk), (3, Some(1.7)));
    let baryte = t.history.iter().find(|s| s.material == "Baryte").unwrap();
    assert_eq!(
        (baryte.year, baryte.supply_risk, baryte.line),
        (2011, None, 5)
    );
    assert!(t.history.iter().any(|s| s.material == "Bauxite"));
    // The same shares as UTF-8 read the same.
    let utf8 = read(
        &results(),
        ANNEX4,
        &String::from_utf8(
            shares()
                .iter()
                .map(|&b| b as char)
                .collect::<String>()
                .into_bytes(),
        )
        .unwrap()
        .into_bytes(),
        &shares(),
    )
    .unwrap();
    assert_eq!(utf8.global, t.global);
    assert_eq!(utf8.files[2].encoding, "UTF-8");
}

#[test]
fn shifted_and_duplicated_results_rows_are_reported_by_line_and_never_read_across_columns() {
    let t = read(&results(), ANNEX4, &shares(), &shares()).unwrap();
    assert_eq!(
        t.results
            .iter()
            .map(|r| r.material.as_str())
            .collect::<Vec<_>>(),
        [
            "Cobalt",
            "Coking coal",
            "LREE",
            "Molybdenum",
            "Tungsten",
            "Baryte",
            "Natural Teak wood"
        ]
    );
    let cobalt = t.result("Cobalt").unwrap();
    assert_eq!(cobalt.extraction.basis, Some(SupplyBasis::GlobalOnly));
    assert_eq!(cobalt.extraction.import_reliance, Some(0.81));
    assert_eq!(cobalt.eol_rir, Some(0.22));
    assert!(cobalt.flags.is_empty());

    // Coking coal: 1.0 in the processing basis column is the SR at extraction out of place.
    let coal = t.result("Coking coal").unwrap();
    assert_eq!(coal.line, 3);
    assert_eq!(coal.processing.basis, None);
    assert_eq!(coal.extraction.supply_risk, None);
    assert_eq!(
        coal.processing.supply_risk, None,
        "0.4 is not trusted either"
    );
    assert_eq!(coal.extraction.basis, Some(SupplyBasis::GlobalAndEu));
    assert_eq!(coal.supply_risk, Some(1.0));
    assert_eq!(coal.flags.len(), 1);
    assert!(coal.flags[0].starts_with(
        "results.csv, line 3 (Coking coal): eu_used_supply_refined holds the number 1.0"
    ));

    // LREE: 281% is no SR.
    let lree = t.result("LREE").unwrap();
    assert_eq!(
        (lree.extraction.supply_risk, lree.processing.supply_risk),
        (None, None)
    );
    assert!(
        lree.flags[0].starts_with("results.csv, line 4 (LREE): supply_risk_primary holds '281%'")
    );

    let mo = t.result("Molybdenum").unwrap();
    assert_eq!(mo.processing.basis, None);
    assert!(mo.flags[0].contains("eu_used_supply_refined is 'EU'"));

    // Tungsten once, with the repeat reported by both lines.
    assert_eq!(
        t.results
            .iter()
            .filter(|r| r.material == "Tungsten")
            .count(),
        1
    );
    assert!(t.notes.contains(
        &"results.csv, line 7: repeats line 6 (Tungsten) cell for cell: read once".to_string()
    ));
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("publish_year 2025 for the 2023 assessment")));

    // Two different rows for one material: an error naming both lines.
    let conflicting = results().replacen(
        "Tungsten,1.2,8.7,Processing,E+P,GS+EU,0.5,GS+EU,1.2,0.95,0.96,21,80,42",
        "Tungsten,1.3,8.7,Processing,E+P,GS+EU,0.5,GS+EU,1.2,0.95,0.96,21,80,42",
        1,
    );
    let e = read(&conflicting, ANNEX4, &shares(), &shares()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "results.csv, lines 6 and 7: two different rows for Tungsten. Keep the right one and delete the other."
    );
}

#[test]
fn unmapped_countries_and_materials_and_bad_cells_are_errors_naming_them() {
    let mut global = shares();
    global.extend_from_slice(&latin1(
        "Cobalt,E,Ruritania,1.0%,1.0\r\nCobalt,P,Ruritania,2.0%,1.0\r\nCobalt,E,Korea,1.0%,1.0\r\n",
    ));
    let e = read(&results(), ANNEX4, &global, &shares()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "global.csv: 2 country name(s) not in the EU country table: 'Korea' (line 9); \
         'Ruritania' (line 7, 8). Add each name with its ISO3 code to \
         ingest::eu_crm::EU_COUNTRY_NAMES, or correct its spelling."
    );

    let mut eu = shares();
    eu.extend_from_slice(b"Unobtainium,E,Chile,5%,1\r\n");
    let e = read(&results(), ANNEX4, &shares(), &eu).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "eu.csv: 1 material name(s) not in the results table: 'Unobtainium' (line 7)."
        ),
        "{e}"
    );

    // A share without % (or beyond 100%), a bad t: the row is quarantined, never guessed.
    let mut bad = shares();
    bad.extend_from_slice(
        b"Cobalt,E,Chile,12,1.0\r\nCobalt,E,Peru,120%,1.0\r\nCobalt,E,Cuba,1%,x\r\n",
    );
    let t = read(&results(), ANNEX4, &bad, &shares()).unwrap();
    assert_eq!(t.global.len(), 5);
    let q: Vec<(u64, Option<&str>, &str, &str)> = t
        .quarantined
        .iter()
        .map(|q| {
            (
                q.record.line,
                q.record.column.as_deref(),
                q.record.value.as_str(),
                q.record.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        q,
        [
            (
                7,
                Some("Share"),
                "12",
                "expected a percentage such as 12.3% or <0.1%"
            ),
            (
                8,
                Some("Share"),
                "120%",
                "expected a percentage such as 12.3% or <0.1%"
            ),
            (
                9,
                Some("t"),
                "x",
                "expected the trade variable t, a number in (0, 2]"
            ),
        ]
    );
    assert!(t
        .quarantined
        .iter()
        .all(|q| q.material == "Cobalt" && q.table == "global"));
    assert_eq!(t.quarantined[0].record.raw, "Cobalt,E,Chile,12,1.0");
    assert!(t.notes.contains(&"global.csv, line 7, column Share: '12': expected a percentage such as 12.3% or <0.1%; the row (Cobalt) is quarantined and the material's global shares are incomplete".to_string()));
    let bad_ir = results().replacen(",81,1,22,", ",81%,1,22,", 1);
    let e = read(&bad_ir, ANNEX4, &shares(), &shares()).unwrap_err();
    assert!(e.to_string().starts_with(
        "results.csv, line 2, column import_reliance_primary: '81%': expected a percentage 0–100"
    ));
}

#[test]
fn the_bundled_tables_read_with_their_known_defects() {
    let t = bundled().unwrap();
    // 91 rows, the Tungsten repeat read once.
    assert_eq!(t.results.len(), 90);
    assert_eq!(t.files[0].rows, 91);
    let flagged: Vec<(&str, u64)> = t
        .results
        .iter()
        .filter(|r| !r.flags.is_empty())
        .map(|r| (r.material.as_str(), r.line))
        .collect();
    assert_eq!(
        flagged,
        [
            ("Coking coal", 14),
            ("Diatomite", 16),
            ("LREE", 44),
            ("Magnesite", 50),
            ("Molybdenum", 53),
            ("Natural cork", 54),
            ("Strontium", 79)
        ]
    );
    assert!(t
        .notes
        .iter()
        .any(|n| n.ends_with("line 88: repeats line 87 (Tungsten) cell for cell: read once")));
    assert_eq!(
        t.files
            .iter()
            .map(|f| f.encoding.as_str())
            .collect::<Vec<_>>(),
        ["UTF-8", "UTF-8", "Latin-1", "Latin-1"]
    );
    // Every other share row of Appendix 7 is read (2,561 global, 907 − 1 EU sourcing).
    assert_eq!((t.global.len(), t.eu_sourcing.len()), (2561, 906));
    assert!(t
        .global
        .iter()
        .any(|s| s.country == "Türkiye" && s.iso3 == "TUR"));
    // One EU sourcing share is printed without % (Silicon metal, Germany, "6"): quarantined.
    assert_eq!(t.quarantined.len(), 1);
    let q = &t.quarantined[0];
    assert_eq!(
        (
            q.material.as_str(),
            q.table.as_str(),
            q.record.line,
            q.record.value.as_str()
        ),
        ("Silicon metal", "eu_sourcing", 712, "6")
    );
    assert_eq!(t.history.len(), 355);
}
