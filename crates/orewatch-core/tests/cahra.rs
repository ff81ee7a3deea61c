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
use orewatch_core::ingest::{boundaries, ged};
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
    ged::read_path(&data_dir().join("conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"))
        .unwrap()
        .records
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
