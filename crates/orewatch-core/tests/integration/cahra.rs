//! Admin-1 assignment and CAHRA screening on the real data in `../shared/data`.
//!
//! Expected numbers computed independently with shapely/pyproj (the CI venv's Python), script
//! logic: the 310 admin-1 regions = the West Africa file with Mali's 9 regions taken from
//! `mli_admin1_ne10m.geojson` (more vertices, as `dedup_regions` does); for each of the 6,965
//! GED West Africa events, the regions whose polygon `intersects` the point (STRtree), lowest
//! `adm1_code` on a tie; if none, `shapely.ops.nearest_points` to every region then haversine
//! (R = 6371.0088 km) to the closest, snapped when ≤ 5 km. Areas: pyproj
//! `Geod(ellps="WGS84").geometry_area_perimeter`.

use std::path::{Path, PathBuf};

use orewatch_core::analysis::admin::{event_country_iso3, AdminIndex};
use orewatch_core::ingest::boundaries;
use orewatch_core::model::{Event, Region};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn admin1_regions() -> Vec<Region> {
    let dir = data_dir().join("boundaries");
    let mut all = boundaries::read_path(&dir.join("mli_admin1_ne10m.geojson"))
        .unwrap()
        .records;
    all.extend(
        boundaries::read_path(&dir.join("west_africa_admin1_ne10m.geojson"))
            .unwrap()
            .records,
    );
    boundaries::dedup_regions(all).0
}

fn west_africa_events() -> Vec<Event> {
    crate::shared::west_africa_ged().records.clone()
}

#[test]
fn ged_west_africa_events_to_admin1_regions() {
    let regions = admin1_regions();
    let index = AdminIndex::new(&regions);
    assert_eq!(index.len(), 310);
    let events = west_africa_events();
    assert_eq!(events.len(), 6_965);
    let a = index.assign_events(&events);
    // shapely: 6,820 inside a polygon (4 of them on a shared boundary, intersecting two
    // regions), 144 within 5 km of one (coast, river mouths, simplified borders), 1 farther
    // (Sierra Leone, offshore).
    assert_eq!(
        (a.inside, a.snapped, a.outside, a.no_coordinates),
        (6_820, 144, 1, 0)
    );

    // Same country as GED's `country`: 6,909 (143 of them snapped); 55 land in a region of
    // another country. Per GED country (events, same, other, outside):
    // Mali 735/718/17/0, Burkina Faso 263/263/0/0, Niger 213/211/2/0, Sierra Leone
    // 1,298/1,281/16/1, Togo 101/91/10/0.
    let mut per_country: std::collections::BTreeMap<&str, [usize; 4]> = Default::default();
    for (e, r) in events.iter().zip(&a.region_of) {
        let c = per_country.entry(e.country.as_str()).or_default();
        c[0] += 1;
        match r {
            None => c[3] += 1,
            Some(i) => {
                let region = index.regions()[*i as usize];
                let iso = event_country_iso3(&e.country);
                assert!(iso.is_some(), "GED country {} not mapped", e.country);
                if region.country_iso3.as_deref() == iso {
                    c[1] += 1;
                } else {
                    c[2] += 1;
                }
            }
        }
    }
    let same: usize = per_country.values().map(|c| c[1]).sum();
    let other: usize = per_country.values().map(|c| c[2]).sum();
    assert_eq!((same, other), (6_909, 55));
    assert_eq!(per_country["Mali"], [735, 718, 17, 0]);
    assert_eq!(per_country["Burkina Faso"], [263, 263, 0, 0]);
    assert_eq!(per_country["Niger"], [213, 211, 2, 0]);
    assert_eq!(per_country["Sierra Leone"], [1_298, 1_281, 16, 1]);
    assert_eq!(per_country["Togo"], [101, 91, 10, 0]);
    assert_eq!(per_country["Ivory Coast"], [335, 334, 1, 0]);
}

#[test]
fn region_areas_match_pyproj() {
    // Natural Earth's `area_sqkm` is 0 in all 310 features: compared with pyproj instead.
    let regions = admin1_regions();
    assert!(regions
        .iter()
        .all(|r| r.extra.get("area_sqkm").map(String::as_str) == Some("0")));
    let index = AdminIndex::new(&regions);
    let area = |id: &str| {
        let i = index
            .regions()
            .iter()
            .position(|r| r.region_id == id)
            .unwrap();
        index.area_km2(i as u32)
    };
    for (id, expected) in [
        ("MLI-2793", 123_002.424_959), // Kayes
        ("MLI-2688", 504_983.997_296), // Timbuktu
        ("MLI-2792", 208.504_399),     // Bamako
        ("BEN-2169", 25_608.653_035),  // Borgou
    ] {
        let got = area(id);
        assert!(
            (got - expected).abs() / expected < 1e-6,
            "{id}: {got} vs {expected}"
        );
    }
}

/// The 2019 screen of the 310 regions with the global GED file (the events a default store
/// holds: the West Africa file's rows are the same GED ids), default rules.
///
/// Independent check (shapely/pyproj, same placement as above, GED rows of 2016–2019, the
/// default thresholds written out in Python): 19 conflict-affected, 2 high-risk, 289 neither
/// (GED 21.1 as shipped states 1989–2019 and holds only where_prec 1–2 events, so no
/// insufficient data in 2019). Mali: Timbuktu, Gao, Mopti conflict-affected; Kidal high-risk
/// (persistence only: armed conflict in 2017 and 2018, 15 state-based deaths in 2019);
/// Bamako, Kayes, Sikasso, Ségou, Koulikoro neither. Burkina Faso 5 / 1 / 39, Niger 2 / 0 / 6.
#[test]
fn cahra_2019_with_ged() {
    use orewatch_core::analysis::cahra::{screen, CahraRules, Verdict};
    use orewatch_core::analysis::events::{stated_coverage, EventFilter};
    use orewatch_core::model::SourceReport;
    use orewatch_core::model::{Dataset, EventSource};

    let file = data_dir().join("conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv");
    let dataset = Dataset {
        regions: admin1_regions(),
        events: crate::shared::global_ged().records.clone(),
        ..Default::default()
    };
    let sources = [SourceReport {
        path: file.to_string_lossy().into_owned(),
        kind: "ucdp_ged".into(),
        ..Default::default()
    }];
    let coverage = stated_coverage(&sources, EventSource::UcdpGed).unwrap();
    let report = screen(
        &dataset,
        &EventFilter::all(EventSource::UcdpGed),
        &coverage,
        &CahraRules::default_rules(),
        &[2019],
        50.0,
    )
    .unwrap();
    assert_eq!(report.regions.len(), 310);
    let count = |prefix: &str, v: Verdict| {
        report
            .regions
            .iter()
            .filter(|r| r.region_id.starts_with(prefix) && r.result.verdict == v)
            .count()
    };
    assert_eq!(
        [
            count("", Verdict::ConflictAffected),
            count("", Verdict::HighRisk),
            count("", Verdict::Neither),
            count("", Verdict::InsufficientData)
        ],
        [19, 2, 289, 0]
    );
    assert_eq!(
        [
            count("BFA", Verdict::ConflictAffected),
            count("BFA", Verdict::HighRisk),
            count("BFA", Verdict::Neither)
        ],
        [5, 1, 39]
    );
    assert_eq!(
        [
            count("NER", Verdict::ConflictAffected),
            count("NER", Verdict::HighRisk),
            count("NER", Verdict::Neither)
        ],
        [2, 0, 6]
    );
    let mali: Vec<(&str, Verdict, Vec<&str>)> = report
        .regions
        .iter()
        .filter(|r| r.region_id.starts_with("MLI"))
        .map(|r| {
            (
                r.name.as_str(),
                r.result.verdict,
                r.result.fired().map(|c| c.rule.as_str()).collect(),
            )
        })
        .collect();
    use Verdict::*;
    assert_eq!(
        mali,
        vec![
            (
                "Timbuktu",
                ConflictAffected,
                vec!["armed_conflict.fatalities", "persistence"]
            ),
            ("Kidal", HighRisk, vec!["persistence"]),
            (
                "Gao",
                ConflictAffected,
                vec![
                    "armed_conflict.fatalities",
                    "widespread_violence.one_sided_fatalities",
                    "persistence"
                ]
            ),
            ("Bamako", Neither, vec![]),
            ("Kayes", Neither, vec![]),
            ("Sikasso", Neither, vec![]),
            (
                "Mopti",
                ConflictAffected,
                vec![
                    "armed_conflict.fatalities",
                    "armed_conflict.density",
                    "widespread_violence.one_sided_fatalities",
                    "widespread_violence.one_sided_density",
                    "widespread_violence.civilian_targeting_events",
                    "persistence"
                ]
            ),
            ("Ségou", Neither, vec![]),
            ("Koulikoro", Neither, vec![]),
        ]
    );
    // Mopti's numbers (Python): 94 events; state-based 253, non-state 64, one-sided 380
    // deaths in 40 civilian-targeting events; armed conflict in 2 of 2016–2018.
    let mopti = report
        .regions
        .iter()
        .find(|r| r.region_id == "MLI-2809")
        .unwrap();
    let c = &mopti.result.counts;
    assert_eq!(
        (
            c.events,
            c.fatalities_state_based,
            c.fatalities_non_state,
            c.fatalities_one_sided,
            c.civilian_targeting_events
        ),
        (94, 253, 64, 380, 40)
    );
    assert_eq!(mopti.result.conflict_years_before.len(), 2);
    let kidal = report
        .regions
        .iter()
        .find(|r| r.region_id == "MLI-2689")
        .unwrap();
    assert_eq!(kidal.result.conflict_years_before.len(), 2);
    assert_eq!(kidal.result.counts.fatalities_state_based, 15);
}
