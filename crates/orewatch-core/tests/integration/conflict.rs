//! Conflict readers (UCDP GED, ACLED, UCDP actor list) on the real data in `../shared/data`
//! and the format fixtures in `../shared/fixtures`.
//!
//! Expected numbers were computed independently with Python's `csv` module (`csv.DictReader`
//! over each file; counts, sums and `low <= best <= high` checks written out in a few lines),
//! not with this crate.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use orewatch_core::ingest::{acled, ged, ucdp_actors, ReadOutcome};
use orewatch_core::model::{Event, EventFlag, ViolenceType};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn fixtures_dir() -> PathBuf {
    data_dir().join("../fixtures")
}

const GLOBAL: &str = "conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv";
const WEST_AFRICA: &str = "conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv";
const ACTORS: &str = "conflict/ucdp_actor_v22_1.csv";
const GED_FIXTURE: &str = "ucdp_ged_v23_1_sample_49col_west_africa.csv";
const GED_24_1_DIR: &str = "conflict/ged_v24_1_download";
const DAMAGED_FIXTURE: &str = "ucdp_ged_v24_1_download_niger_damaged_by_spreadsheet.csv";

/// The seven GED 24.1 Download Center files with their event counts (python: `len(list(
/// csv.DictReader(f)))` per file; all ids distinct within and across the files).
const GED_24_1_FILES: [(&str, usize); 7] = [
    ("ucdp_ged_v24_1_download_benin_2019_2022.csv", 16),
    ("ucdp_ged_v24_1_download_burkina_faso_2016_2022.csv", 909),
    ("ucdp_ged_v24_1_download_cote_d_ivoire_1990_2022.csv", 360),
    ("ucdp_ged_v24_1_download_guinea_bissau_1992_2022.csv", 22),
    ("ucdp_ged_v24_1_download_mali_1990_2022.csv", 1_801),
    ("ucdp_ged_v24_1_download_senegal_1989_2022.csv", 308),
    ("ucdp_ged_v24_1_download_togo_1991_2022.csv", 115),
];

/// The global GED file, read once for the tests that need it.
fn global_ged() -> &'static ReadOutcome<Event> {
    crate::shared::global_ged()
}

fn count_flag(events: &[Event], flag: EventFlag) -> usize {
    events.iter().filter(|e| e.has_flag(flag)).count()
}

#[test]
fn ged_global_file() {
    let out = global_ged();
    assert_eq!(out.layout, "UCDP GED reduced (14 columns)");
    // python: len(rows) = 167543, all ids distinct, every row valid.
    assert_eq!(out.rows_read, 167_543);
    assert_eq!(out.records.len(), 167_543);
    assert!(out.quarantined.is_empty(), "{:?}", out.quarantined.first());
    // python: rows with not (low <= best <= high) = 1373; none at (0, 0).
    assert_eq!(count_flag(&out.records, EventFlag::FatalityOrder), 1_373);
    assert_eq!(count_flag(&out.records, EventFlag::NullIsland), 0);
    assert_eq!(out.flagged, 1_373);
    // python: sum(best_death) = 1756391; one-sided rows = 25766; Mali rows = 735.
    let best: u64 = out.records.iter().map(|e| e.fatalities_best as u64).sum();
    assert_eq!(best, 1_756_391);
    let one_sided = out
        .records
        .iter()
        .filter(|e| e.violence_type == Some(ViolenceType::OneSided))
        .count();
    assert_eq!(one_sided, 25_766);
    assert_eq!(
        out.records.iter().filter(|e| e.civilian_targeting).count(),
        25_766
    );
    assert_eq!(
        out.records.iter().filter(|e| e.country == "Mali").count(),
        735
    );
    let first = out.records.iter().map(|e| e.date_start).min();
    let last = out.records.iter().map(|e| e.date_start).max();
    assert_eq!(first, NaiveDate::from_ymd_opt(1989, 1, 1));
    assert_eq!(last, NaiveDate::from_ymd_opt(2019, 12, 31));
    assert!(out
        .records
        .iter()
        .all(|e| e.release.as_deref() == Some("21.1") && e.date_end.is_none()));
}

#[test]
fn ged_west_africa_file_is_a_subset_of_the_global_file() {
    let west = crate::shared::west_africa_ged();
    // python: 6965 rows, 68 with low <= best <= high violated; Mali 735, Burkina Faso 263,
    // Niger 213.
    assert_eq!(west.rows_read, 6_965);
    assert_eq!(west.records.len(), 6_965);
    assert!(west.quarantined.is_empty());
    assert_eq!(count_flag(&west.records, EventFlag::FatalityOrder), 68);
    let mut by_country: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &west.records {
        *by_country.entry(e.country.as_str()).or_default() += 1;
    }
    assert_eq!(by_country["Mali"], 735);
    assert_eq!(by_country["Burkina Faso"], 263);
    assert_eq!(by_country["Niger"], 213);

    let global = global_ged();
    let index: HashMap<&str, &Event> = global
        .records
        .iter()
        .map(|e| (e.event_id.as_str(), e))
        .collect();
    for e in &west.records {
        let g = index.get(e.event_id.as_str()).copied();
        assert_eq!(g, Some(e), "id {} differs from the global file", e.event_id);
    }
}

#[test]
fn ged_full_release_fixture_and_its_headerless_candidate_form() {
    let path = fixtures_dir().join(GED_FIXTURE);
    let out = ged::read_path(&path).expect("reads");
    assert_eq!(out.layout, "UCDP GED full release (49 columns)");
    // python: 42 rows; type_of_violence 1/2/3 = 19/12/11; sum(best) = 495; empty adm_1 = 2,
    // empty adm_2 = 5; 3 rows hold a field with an embedded newline; no flag conditions.
    assert_eq!(out.rows_read, 42);
    assert_eq!(out.records.len(), 42);
    assert!(out.quarantined.is_empty(), "{:?}", out.quarantined.first());
    assert_eq!(out.flagged, 0);
    let mut types = [0usize; 3];
    for e in &out.records {
        if let Some(t) = e.violence_type {
            types[t.ucdp_code() as usize - 1] += 1;
        }
    }
    assert_eq!(types, [19, 12, 11]);
    assert_eq!(
        out.records
            .iter()
            .map(|e| e.fatalities_best as u64)
            .sum::<u64>(),
        495
    );
    assert_eq!(out.records.iter().filter(|e| e.admin1.is_none()).count(), 2);
    assert_eq!(out.records.iter().filter(|e| e.admin2.is_none()).count(), 5);
    assert_eq!(
        out.records
            .iter()
            .filter(|e| e.extra.values().any(|v| v.contains('\n')))
            .count(),
        3
    );
    let first = &out.records[0];
    assert_eq!(first.event_id, "285416");
    assert_eq!(first.release.as_deref(), Some("23.1"));
    assert_eq!(
        first.date_start,
        NaiveDate::from_ymd_opt(2019, 1, 1).unwrap()
    );
    assert_eq!(first.date_end, NaiveDate::from_ymd_opt(2019, 1, 3));
    assert_eq!(first.side_a, "Koglweogo");
    assert_eq!(out.records[41].event_id, "38880");

    // The same rows without the header line, as a candidate file.
    let mut bytes = Vec::new();
    fs::File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .expect("reads fixture");
    let body_start = bytes
        .iter()
        .position(|b| *b == b'\n')
        .expect("a header line")
        + 1;
    let body = &bytes[body_start..];
    assert!(ged::sniff(body, "GEDEvent_v23_1.csv"));
    let candidate = ged::read(body, "GEDEvent_v23_1.csv").expect("reads");
    assert_eq!(
        candidate.layout,
        "UCDP GED candidate, no header (23.1 columns, 49)"
    );
    assert_eq!(candidate.records, out.records);
}

#[test]
fn acled_invented_examples() {
    let out = acled::read_path(&fixtures_dir().join("acled/acled_examples.csv")).expect("reads");
    assert_eq!(out.layout, "ACLED current export/API (2023 onward)");
    assert_eq!(out.rows_read, 4);
    assert!(out.quarantined.is_empty(), "{:?}", out.quarantined);
    let e: Vec<&Event> = out.records.iter().collect();
    let ids: Vec<&str> = e.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, vec!["XMP101", "XMP102", "XMP103", "XMP104"]);

    // XMP101: army vs rebels -> state-based battle.
    assert_eq!(e[0].side_a, "Military Forces of Exampleland (2021-)");
    assert_eq!(e[0].side_b.as_deref(), Some("Northern Example Front"));
    assert_eq!(e[0].violence_type, Some(ViolenceType::StateBased));
    assert_eq!(e[0].event_type.as_deref(), Some("Battles"));
    assert_eq!(
        e[0].date_start,
        NaiveDate::from_ymd_opt(2024, 3, 2).unwrap()
    );
    assert_eq!(e[0].fatalities_best, 7);
    assert_eq!(e[0].location_precision, Some(2));
    assert!(e[0].extra["notes"].contains("\"several\" killed"));
    assert!(e[0].flags.is_empty());

    // XMP102: attack on miners -> one-sided, civilian targeting, associates split.
    assert_eq!(e[1].violence_type, Some(ViolenceType::OneSided));
    assert!(e[1].civilian_targeting);
    assert_eq!(e[1].side_b.as_deref(), Some("Civilians (Exampleland)"));
    assert_eq!(e[1].side_b_associates, vec!["Miners (Exampleland)"]);
    assert_eq!(e[1].extra["source"], "Example Daily; Sample Wire");
    assert_eq!(
        e[1].date_start,
        NaiveDate::from_ymd_opt(2024, 3, 5).unwrap()
    );

    // XMP103: a protest, one side, kept and flagged.
    assert_eq!(e[2].side_b, None);
    assert_eq!(e[2].side_a_associates, vec!["Miners (Exampleland)"]);
    assert_eq!(e[2].violence_type, None);
    assert_eq!(e[2].flags, vec![EventFlag::NotPoliticalViolence]);
    assert_eq!(e[2].extra["tags"], "crowd size=around 200");

    // XMP104: rebels' IED on an army convoy -> state-based explosion, 2-day date precision.
    assert_eq!(
        e[3].event_type.as_deref(),
        Some("Explosions/Remote violence")
    );
    assert_eq!(e[3].violence_type, Some(ViolenceType::StateBased));
    assert_eq!(
        e[3].side_b.as_deref(),
        Some("Military Forces of Exampleland (2021-)")
    );
    assert_eq!(e[3].date_precision, Some(2));
    assert_eq!(out.flagged, 1);
}

#[test]
fn ucdp_actor_list() {
    let out = ucdp_actors::read_path(&data_dir().join(ACTORS)).expect("reads");
    assert_eq!(out.layout, "UCDP actor list (35 columns)");
    // python (utf-8-sig DictReader): 1725 rows, every id list numeric.
    assert_eq!(out.rows_read, 1_725);
    assert_eq!(out.records.len(), 1_725);
    assert!(out.quarantined.is_empty(), "{:?}", out.quarantined.first());
    assert_eq!(out.flagged, 0);
    assert!(out
        .records
        .iter()
        .all(|a| a.version.as_deref() == Some("22.1")));

    let by_id: HashMap<u32, &orewatch_core::model::Actor> =
        out.records.iter().map(|a| (a.actor_id, a)).collect();
    let by_name = |name: &str| {
        out.records
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name} is in the list"))
    };
    let jnim = by_name("JNIM");
    assert_eq!(jnim.actor_id, 6716);

    let ansar_dine = by_name("Ansar Dine");
    assert_eq!(ansar_dine.actor_id, 1157);
    assert_eq!(ansar_dine.alliance_ids, vec![6716]);
    assert_eq!(ansar_dine.alliance_names.as_deref(), Some("JNIM"));

    let flm = by_name("FLM");
    assert_eq!(flm.joined_group_names.as_deref(), Some("Ansar Dine, JNIM"));
    assert_eq!(flm.joined_group_ids, vec![1157, 6716]);
    let joined: Vec<&str> = flm
        .joined_group_ids
        .iter()
        .map(|id| by_id.get(id).map_or("?", |a| a.name.as_str()))
        .collect();
    assert_eq!(joined, vec!["Ansar Dine", "JNIM"]);
    assert_eq!(flm.splinter_of_ids, vec![1157]);

    // AQIM and al-Murabitun: no link to JNIM in either direction, by id or by name.
    let aqim = by_name("AQIM");
    let murabitun = by_name("al-Murabitun");
    assert_eq!(murabitun.joined_group_ids, vec![aqim.actor_id]);
    for a in [aqim, murabitun] {
        let ids = a
            .splinter_of_ids
            .iter()
            .chain(&a.alliance_ids)
            .chain(&a.joined_group_ids);
        assert!(ids.into_iter().all(|id| *id != jnim.actor_id), "{}", a.name);
        let names = [
            &a.splinter_of_names,
            &a.alliance_names,
            &a.joined_group_names,
        ];
        assert!(
            names
                .iter()
                .all(|n| !n.as_deref().unwrap_or("").contains("JNIM")),
            "{}",
            a.name
        );
        let jnim_ids = jnim
            .splinter_of_ids
            .iter()
            .chain(&jnim.alliance_ids)
            .chain(&jnim.joined_group_ids);
        assert!(jnim_ids.into_iter().all(|id| *id != a.actor_id));
    }
}

/// Every file under `dir`, recursively, sorted.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("lists directory")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn sniffers_claim_only_their_own_files() {
    let mut files = Vec::new();
    files_under(&data_dir(), &mut files);
    files_under(&fixtures_dir(), &mut files);
    assert!(files.len() > 40, "found {} files", files.len());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let mut head = Vec::new();
        fs::File::open(&path)
            .expect("opens")
            .take(64 * 1024)
            .read_to_end(&mut head)
            .expect("reads head");
        let claims = (
            ged::sniff(&head, &name),
            acled::sniff(&head, &name),
            ucdp_actors::sniff(&head, &name),
        );
        let ged_24_1 = path.parent().is_some_and(|p| p.ends_with(GED_24_1_DIR));
        let expected = match name.as_str() {
            "ucdp_ged_v21_1_precise_global_1989_2019.csv"
            | "ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"
            | GED_FIXTURE => (true, false, false),
            _ if ged_24_1 => (true, false, false),
            // Damaged by a spreadsheet: not a GED file (see ged_24_1_damaged_export_*).
            DAMAGED_FIXTURE => (false, false, false),
            "acled_examples.csv" => (false, true, false),
            "ucdp_actor_v22_1.csv" => (false, false, true),
            _ => (false, false, false),
        };
        assert_eq!(claims, expected, "{}", path.display());
    }
}

#[test]
fn ged_24_1_download_center_files() {
    let dir = data_dir().join(GED_24_1_DIR);
    for (name, count) in GED_24_1_FILES {
        let out = ged::read_path(&dir.join(name)).expect("reads");
        assert_eq!(
            out.layout, "UCDP GED Download Center export (47 columns)",
            "{name}"
        );
        assert_eq!(out.rows_read, count as u64, "{name}");
        assert_eq!(out.records.len(), count, "{name}");
        assert!(
            out.quarantined.is_empty(),
            "{name}: {:?}",
            out.quarantined.first()
        );
        assert!(out
            .records
            .iter()
            .all(|e| e.release.as_deref() == Some("24.1")));
        // python: max(date_start) <= 2022-12-31 in every file; where_prec within 1..6.
        assert!(out
            .records
            .iter()
            .all(|e| e.date_start <= NaiveDate::from_ymd_opt(2022, 12, 31).unwrap()));
        assert!(out
            .records
            .iter()
            .all(|e| matches!(e.location_precision, Some(1..=6))));
    }
    let mali = ged::read_path(&dir.join(GED_24_1_FILES[4].0)).unwrap();
    // python: event 253124's source_article holds a line break ("…Attack That Injured 3
    // French Soldiers  \nCR  Radio France Internationale"), 16 Mali rows hold one; its
    // date_start is 01/11/2018, best_est 1, where_prec 1.
    let e = mali
        .records
        .iter()
        .find(|e| e.event_id == "253124")
        .unwrap();
    let article = e.extra.get("source_article").unwrap();
    assert!(article.contains("3 French Soldiers  \nCR  Radio France Internationale\""));
    assert!(article.starts_with("\"Menastream on Twitter,2018-01-12,#Mali\";"));
    assert_eq!(e.date_start, NaiveDate::from_ymd_opt(2018, 1, 11).unwrap());
    assert_eq!((e.fatalities_best, e.location_precision), (1, Some(1)));
    let with_newline = mali
        .records
        .iter()
        .filter(|e| {
            e.extra
                .get("source_article")
                .is_some_and(|a| a.contains('\n'))
        })
        .count();
    assert_eq!(with_newline, 16);
    // python: Burkina Faso event 488053 runs 12/01/2022 00:00:00 .. 12/31/2022 00:00:00.
    let bfa = ged::read_path(&dir.join(GED_24_1_FILES[1].0)).unwrap();
    let e = bfa.records.iter().find(|e| e.event_id == "488053").unwrap();
    assert_eq!(e.date_start, NaiveDate::from_ymd_opt(2022, 12, 1).unwrap());
    assert_eq!(e.date_end, NaiveDate::from_ymd_opt(2022, 12, 31));
    assert_eq!(e.fatalities_best, 2);
}

/// The 24.1 files merged with the 21.1 global file: 167,543 + 3,531 − 1,663 = 169,411 events
/// whichever order the files come in, the 1,663 shared ids taken from 24.1. Python, comparing
/// the fields every GED layout carries (start date, country, violence type, conflict, sides,
/// coordinates, low/best/high) for the shared ids: 1,567 equal, 96 different.
#[test]
fn ged_24_1_merges_with_21_1_in_either_order() {
    use orewatch_core::ingest::plan::{self, SourceKind};
    let mut files: Vec<(PathBuf, SourceKind)> =
        vec![(data_dir().join(GLOBAL), SourceKind::UcdpGed)];
    for (name, _) in GED_24_1_FILES {
        files.push((
            data_dir().join(GED_24_1_DIR).join(name),
            SourceKind::UcdpGed,
        ));
    }
    let forward = plan::ingest(&files, &mut |_| {}).expect("ingests");
    files.reverse();
    let backward = plan::ingest(&files, &mut |_| {}).expect("ingests");
    assert_eq!(forward.dataset.events.len(), 169_411);
    assert_eq!(forward.dataset.events, backward.dataset.events);
    for out in [&forward, &backward] {
        let newer: Vec<_> = out
            .sources
            .iter()
            .filter(|s| s.release.as_deref() == Some("24.1"))
            .collect();
        assert_eq!(newer.len(), 7);
        let sum = |f: fn(&plan::SourceReport) -> u64| newer.iter().map(|s| f(s)).sum::<u64>();
        assert_eq!(sum(|s| s.accepted), 3_531);
        assert_eq!(sum(|s| s.new), 3_531 - 1_663);
        assert_eq!(sum(|s| s.unchanged), 1_567);
        assert_eq!(sum(|s| s.updated), 96);
        let old = out
            .sources
            .iter()
            .find(|s| s.release.as_deref() == Some("21.1"))
            .unwrap();
        assert_eq!(old.new, 167_543);
    }
    // Every id of the 24.1 files carries release 24.1 in the table.
    let ids_24: std::collections::HashSet<String> = GED_24_1_FILES
        .iter()
        .flat_map(|(name, _)| {
            ged::read_path(&data_dir().join(GED_24_1_DIR).join(name))
                .unwrap()
                .records
                .into_iter()
                .map(|e| e.event_id)
        })
        .collect();
    assert_eq!(ids_24.len(), 3_531);
    let from_24 = forward
        .dataset
        .events
        .iter()
        .filter(|e| e.release.as_deref() == Some("24.1"))
        .inspect(|e| assert!(ids_24.contains(&e.event_id)))
        .count();
    assert_eq!(from_24, 3_531);
}

/// The Niger export wrecked by a spreadsheet re-save is recognised as such (not as GED) and
/// its whole records are recoverable. Python, line by line (`csv.reader(line, delimiter=';')`
/// first piece, then `csv.reader(piece)`): the header has 47 names; 315 lines hold a whole
/// record (47 fields, or 48 with the last empty), 430 do not (the first at line 5, 20 fields),
/// 118 hold only `;`.
#[test]
fn ged_24_1_damaged_export_is_recognised_and_recoverable() {
    use orewatch_core::ingest::resaved;
    let bytes = fs::read(fixtures_dir().join(DAMAGED_FIXTURE)).unwrap();
    let damage = resaved::diagnose(&bytes[..64 * 1024]).expect("damage recognised");
    assert_eq!(
        (damage.line, damage.record_fields, damage.pieces),
        (1, 47, 46)
    );
    let r = resaved::recover(&bytes);
    assert_eq!((r.width, r.recovered, r.separator_only), (47, 315, 118));
    assert_eq!(r.unrecoverable.len(), 430);
    assert_eq!(
        (r.unrecoverable[0].line, r.unrecoverable[0].fields),
        (5, 20)
    );
    let out = ged::read(r.csv.as_slice(), DAMAGED_FIXTURE).unwrap();
    assert_eq!(out.layout, "UCDP GED Download Center export (47 columns)");
    assert_eq!(out.rows_read, 315);
    // Every recovered record keeps the line it had in the damaged file.
    assert!(out.records.iter().all(|e| e.country == "Niger"));
    assert_eq!(out.records.len() + out.quarantined.len(), 315);
}

/// What `--max-precision 2` would drop from Mali per year (the 24.1 export holds every
/// precision). Independent count, python over the raw CSV:
///
/// ```python
/// import csv, collections
/// n, d, dn, dd = (collections.Counter() for _ in range(4))
/// for r in csv.DictReader(open("ucdp_ged_v24_1_download_mali_1990_2022.csv", newline="", encoding="utf-8")):
///     y, b = int(r["date_start"][6:10]), int(r["best_est"])
///     n[y] += 1; d[y] += b
///     if int(r["where_prec"]) > 2: dn[y] += 1; dd[y] += b
/// ```
#[test]
fn precision_drops_per_year_for_mali() {
    use orewatch_core::analysis::precision::precision_drops;
    use orewatch_core::model::EventSource;
    let mali = ged::read_path(&data_dir().join(GED_24_1_DIR).join(GED_24_1_FILES[4].0)).unwrap();
    // (year, events, dropped events, deaths, dropped deaths)
    let expected: [(i32, u64, u64, u64, u64); 27] = [
        (1990, 15, 3, 582, 259),
        (1991, 11, 5, 247, 124),
        (1992, 8, 4, 86, 66),
        (1993, 1, 1, 0, 0),
        (1994, 41, 10, 729, 250),
        (1995, 4, 0, 4, 0),
        (1997, 1, 1, 22, 22),
        (1999, 4, 2, 59, 27),
        (2002, 1, 0, 5, 0),
        (2004, 2, 1, 20, 7),
        (2005, 1, 0, 12, 0),
        (2007, 8, 2, 39, 3),
        (2008, 10, 3, 113, 39),
        (2009, 9, 3, 127, 57),
        (2010, 2, 1, 28, 6),
        (2011, 4, 1, 23, 1),
        (2012, 43, 9, 359, 63),
        (2013, 83, 11, 881, 133),
        (2014, 30, 5, 291, 32),
        (2015, 55, 10, 256, 48),
        (2016, 52, 9, 191, 37),
        (2017, 126, 27, 605, 76),
        (2018, 236, 51, 1281, 201),
        (2019, 199, 50, 1227, 153),
        (2020, 232, 71, 1509, 321),
        (2021, 215, 54, 1287, 213),
        (2022, 408, 109, 3650, 767),
    ];
    let drops = precision_drops(&mali.records, EventSource::UcdpGed, 2);
    let got: Vec<(i32, u64, u64, u64, u64)> = drops
        .iter()
        .map(|d| {
            (
                d.year,
                d.events,
                d.dropped_events,
                d.deaths,
                d.dropped_deaths,
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(drops.iter().all(|d| d.iso3.as_deref() == Some("MLI")));
    // Every 24.1 row has a where_prec.
    assert!(drops.iter().all(|d| d.without_code == 0));
    let y2022 = drops.last().unwrap();
    assert_eq!(y2022.share_events, 109.0 / 408.0);
    assert_eq!(y2022.share_deaths, Some(767.0 / 3650.0));
    // Totals: 1,801 events, 443 coarser than code 2; 13,633 deaths, 2,905 of them.
    let total: (u64, u64) = drops
        .iter()
        .fold((0, 0), |(a, b), d| (a + d.events, b + d.dropped_events));
    assert_eq!(total, (1_801, 443));
}

/// Reads `bytes` (the file `name`) sequentially and in pieces of `piece_bytes` on 1, 2 and 3
/// threads; every outcome must be the sequential one, record for record, and the digest the
/// file's SHA-256.
fn ged_same_in_pieces(bytes: &[u8], name: &str, piece_bytes: usize) -> ReadOutcome<Event> {
    use orewatch_core::ingest::pieces::PieceOptions;
    use sha2::Digest;
    let sequential = ged::read(bytes, name).expect("reads");
    let sha256 = hex::encode(sha2::Sha256::digest(bytes));
    for threads in [1, 2, 3] {
        let options = PieceOptions {
            threads,
            piece_bytes,
            one_pass_max_bytes: 0,
        };
        let (pieces, digest) = ged::read_in_pieces(bytes, name, None, options).expect("reads");
        assert_eq!(
            pieces, sequential,
            "{name}: {threads} threads, pieces of {piece_bytes} bytes"
        );
        assert_eq!(
            (digest.sha256.as_str(), digest.size_bytes),
            (sha256.as_str(), bytes.len() as u64)
        );
    }
    sequential
}

/// Every shipped GED layout read in pieces gives what one sequential pass gives: the reduced
/// layout (global and West African files), the seven Download Center exports (quoted fields
/// with newlines and doubled quotes, a trailing comma), the 49-column full release and its
/// header-less candidate form.
#[test]
fn ged_shipped_files_read_in_pieces_equal_the_sequential_read() {
    let global = fs::read(data_dir().join(GLOBAL)).expect("reads");
    let out = ged_same_in_pieces(&global, GLOBAL, 1 << 20);
    assert_eq!(out.records.len(), 167_543);
    ged_same_in_pieces(
        &fs::read(data_dir().join(WEST_AFRICA)).unwrap(),
        WEST_AFRICA,
        4096,
    );
    for (name, events) in GED_24_1_FILES {
        let path = data_dir().join(GED_24_1_DIR).join(name);
        let out = ged_same_in_pieces(&fs::read(&path).unwrap(), name, 8192);
        assert_eq!(out.records.len(), events);
    }
    let fixture = fs::read(fixtures_dir().join(GED_FIXTURE)).unwrap();
    ged_same_in_pieces(&fixture, GED_FIXTURE, 1000);
    let body_start = fixture.iter().position(|b| *b == b'\n').unwrap() + 1;
    let out = ged_same_in_pieces(&fixture[body_start..], "GEDEvent_v23_1.csv", 1000);
    assert_eq!(out.records.len(), 42);
}

/// A generated Download Center export (the Mali 24.1 file's header, its first record
/// repeated with new ids): 3,000 records of several lines each (an embedded CRLF in
/// `source_article`), with a duplicate of a record placed in another piece, and a bad
/// longitude after the multi-line records.
fn generated_download_export() -> (Vec<u8>, usize) {
    let path = data_dir().join(GED_24_1_DIR).join(GED_24_1_FILES[4].0);
    let text = fs::read_to_string(path).unwrap();
    let mut rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rows.records().map(|r| r.unwrap());
    let header = records.next().unwrap();
    let template = records
        .find(|r| r.iter().any(|f| f.contains('\n')))
        .expect("a record with an embedded newline");
    let id_col = header.iter().position(|h| h == "id").unwrap();
    let lon_col = header.iter().position(|h| h == "longitude").unwrap();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(Vec::new());
    out.write_record(&header).unwrap();
    let record = |id: u64, lon: &str| -> Vec<String> {
        let mut r: Vec<String> = template.iter().map(str::to_string).collect();
        r[id_col] = id.to_string();
        r[lon_col] = lon.to_string();
        r
    };
    for i in 0..3000u64 {
        let id = if i == 2500 { 10_000 + 7 } else { 10_000 + i };
        let lon = if i == 2900 { "-200" } else { "-0.404" };
        out.write_record(record(id, lon)).unwrap();
    }
    let lines_per_record = template
        .iter()
        .map(|f| f.matches('\n').count())
        .sum::<usize>()
        + 1;
    (out.into_inner().unwrap(), lines_per_record)
}

#[test]
fn ged_generated_file_read_in_pieces_keeps_duplicates_and_true_lines() {
    use orewatch_core::ingest::pieces::Splitter;
    let (bytes, lines_per_record) = generated_download_export();
    let piece_bytes = 64 * 1024;
    // The duplicate (record 2,501) and the record it repeats (record 8) are in different
    // pieces.
    let mut splitter = Splitter::new(bytes.as_slice(), piece_bytes);
    let mut starts = Vec::new();
    while let Some(p) = splitter.next_piece().unwrap() {
        starts.push(p.first_line);
    }
    assert!(starts.len() > 4, "{starts:?}");
    let line_of = |record: usize| (2 + record * lines_per_record) as u64;
    let piece_of = |line: u64| starts.iter().rposition(|&s| s <= line).unwrap();
    assert_ne!(piece_of(line_of(7)), piece_of(line_of(2500)));

    let out = ged_same_in_pieces(&bytes, "ucdp_ged_v24_1_generated.csv", piece_bytes);
    assert_eq!(out.rows_read, 3000);
    assert_eq!(out.records.len(), 2998);
    let q: Vec<(u64, &str)> = out
        .quarantined
        .iter()
        .map(|q| (q.line, q.reason.as_str()))
        .collect();
    let first_seen = format!(
        "duplicate id within file (first seen on line {})",
        line_of(7)
    );
    assert_eq!(
        q,
        vec![
            (line_of(2500), first_seen.as_str()),
            (line_of(2900), "longitude in [-180, 180]"),
        ]
    );
    // Records span several lines each: the lines are true editor lines, far beyond the
    // record numbers.
    assert!(lines_per_record > 1);
    ged_same_in_pieces(&bytes, "ucdp_ged_v24_1_generated.csv", 1000);
}

/// The whole ingest plan — shipped GED files of two releases merged — gives the same sources,
/// events and quarantine read sequentially or in pieces on 1, 2 and 3 threads, with the
/// smaller or all files read in one pass.
#[test]
fn ingest_plan_in_pieces_equals_the_sequential_plan() {
    use orewatch_core::ingest::pieces::PieceOptions;
    use orewatch_core::ingest::plan::{self, IngestOptions, Reading, SourceKind};
    let mut files: Vec<(PathBuf, SourceKind)> =
        vec![(data_dir().join(GLOBAL), SourceKind::UcdpGed)];
    for (name, _) in GED_24_1_FILES {
        files.push((
            data_dir().join(GED_24_1_DIR).join(name),
            SourceKind::UcdpGed,
        ));
    }
    files.push((
        fixtures_dir().join("acled/acled_examples.csv"),
        SourceKind::Acled,
    ));
    let run = |reading| {
        let options = IngestOptions {
            reading,
            ..IngestOptions::default()
        };
        let (out, events) = plan::ingest_compact_with(&files, &options, &mut |_| {}).unwrap();
        (out.sources, out.dataset.quarantine, events.into_events())
    };
    let sequential = run(Reading::Sequential);
    assert_eq!(sequential.2.len(), 169_411 + 4);
    // Every file in pieces (0), the small files in one pass and the 21.5 MB global file in
    // pieces (1 MiB), every file in one pass (MAX).
    let cases = [(1, 0), (2, 0), (3, 0), (2, 1 << 20), (2, u64::MAX)];
    for (threads, one_pass_max_bytes) in cases {
        let pieces = run(Reading::Pieces(PieceOptions {
            threads,
            piece_bytes: 256 * 1024,
            one_pass_max_bytes,
        }));
        assert!(
            pieces == sequential,
            "{threads} threads, one pass up to {one_pass_max_bytes} bytes"
        );
    }
}

/// A quote left open in a GED file: read in pieces, the file fails with the sequential read's
/// error (the record's length, on the line where it starts), without holding the rest of the
/// file as one piece.
#[test]
fn ged_open_quote_fails_in_pieces_as_in_one_pass() {
    use orewatch_core::ingest::pieces::PieceOptions;
    let text = fs::read_to_string(data_dir().join(WEST_AFRICA)).unwrap();
    let mut bytes = Vec::new();
    for line in text.lines().take(200) {
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(b"999999,\"an open quote\n");
    // Lines without a quote: the quote stays open to the end of the file.
    while bytes.len() < 3 << 20 {
        bytes.extend_from_slice(b"219115,2016,1,Burkina Faso,12.370278,-1.524722\n");
    }
    let name = "ged_open_quote.csv";
    let sequential = ged::read(bytes.as_slice(), name).unwrap_err().to_string();
    assert!(sequential.contains("line 201"), "{sequential}");
    for threads in [1, 2] {
        let options = PieceOptions {
            threads,
            piece_bytes: 4096,
            one_pass_max_bytes: 0,
        };
        let pieces = ged::read_in_pieces(bytes.as_slice(), name, None, options).unwrap_err();
        assert_eq!(pieces.to_string(), sequential, "{threads} threads");
    }
}

/// A directory of many small event files (the West Africa GED file cut into 40 overlapping
/// parts, some of whose rows changed, plus the ACLED examples), read file by file side by side:
/// the same sources (counts of new, unchanged and updated events), events and quarantine as
/// the sequential plan, at 1, 2 and 3 threads.
#[test]
fn many_small_event_files_read_side_by_side_equal_the_sequential_plan() {
    use orewatch_core::ingest::pieces::PieceOptions;
    use orewatch_core::ingest::plan::{self, IngestOptions, Reading, SourceKind};
    let text = fs::read_to_string(data_dir().join(WEST_AFRICA)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.take(6000).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(PathBuf, SourceKind)> = Vec::new();
    for k in 0..40 {
        // Rows [150k, 150k + 200): 50 rows shared with the next part; in odd parts the
        // shared rows' last field is changed (an update of the earlier part's events).
        let mut body = format!("{header}\n");
        for (i, row) in rows.iter().enumerate().skip(150 * k).take(200) {
            if k % 2 == 1 && i < 150 * k + 50 {
                let (rest, _) = row.rsplit_once(',').unwrap();
                body.push_str(&format!("{rest},999\n"));
            } else {
                body.push_str(row);
                body.push('\n');
            }
        }
        let path = dir.path().join(format!("ged_part_{k:02}.csv"));
        fs::write(&path, body).unwrap();
        files.push((path, SourceKind::UcdpGed));
    }
    files.push((
        fixtures_dir().join("acled/acled_examples.csv"),
        SourceKind::Acled,
    ));
    let run = |reading| {
        let options = IngestOptions {
            reading,
            ..IngestOptions::default()
        };
        let (out, events) = plan::ingest_compact_with(&files, &options, &mut |_| {}).unwrap();
        (out.sources, out.dataset.quarantine, events.into_events())
    };
    let sequential = run(Reading::Sequential);
    let updated: u64 = sequential.0.iter().map(|s| s.updated).sum();
    let unchanged: u64 = sequential.0.iter().map(|s| s.unchanged).sum();
    assert!(updated > 0 && unchanged > 0, "{updated} {unchanged}");
    for threads in [1, 2, 3] {
        let pieces = run(Reading::Pieces(PieceOptions {
            threads,
            piece_bytes: 64 * 1024,
            one_pass_max_bytes: 0,
        }));
        assert!(pieces == sequential, "{threads} threads");
    }
}
