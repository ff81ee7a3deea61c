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
use std::sync::OnceLock;

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

/// The global GED file, read once for the tests that need it.
fn global_ged() -> &'static ReadOutcome<Event> {
    static GLOBAL_OUT: OnceLock<ReadOutcome<Event>> = OnceLock::new();
    GLOBAL_OUT.get_or_init(|| ged::read_path(&data_dir().join(GLOBAL)).expect("reads"))
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
    let west = ged::read_path(&data_dir().join(WEST_AFRICA)).expect("reads");
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
        let expected = match name.as_str() {
            "ucdp_ged_v21_1_precise_global_1989_2019.csv"
            | "ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"
            | GED_FIXTURE => (true, false, false),
            "acled_examples.csv" => (false, true, false),
            "ucdp_actor_v22_1.csv" => (false, false, true),
            _ => (false, false, false),
        };
        assert_eq!(claims, expected, "{}", path.display());
    }
}
