//! Boundary readers and region deduplication on the real data in `../shared/data/boundaries`.
//!
//! Expected counts computed independently with python3 (json module): admin-0 GeoJSON 17
//! features (all Polygon/MultiPolygon, rings closed); admin-1 West Africa 310 features with
//! 310 distinct adm1_code; Mali admin-1 9 features, whose codes are all in the West Africa
//! file; TopoJSON `countries` 177 geometries, 3 without an id (N. Cyprus, Somaliland,
//! Kosovo), 174 distinct 3-digit ids; 16 of the 17 West African iso_n3 codes are among them
//! (not Cabo Verde, 132) -> 175 + 3 = 178 distinct admin-0 regions. Vertex counts: Mali is 474
//! positions in the admin-0 GeoJSON and 76 in the TopoJSON (arcs joined, shared vertices
//! once); TopoJSON total 10,587.

use std::path::{Path, PathBuf};

use orewatch_core::ingest::boundaries::{self, dedup_regions, vertex_count};
use orewatch_core::model::Region;

fn boundaries_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
        .join("boundaries")
}

fn read(name: &str) -> orewatch_core::ingest::ReadOutcome<Region> {
    boundaries::read_path(&boundaries_dir().join(name)).unwrap()
}

#[test]
fn admin1_files_dedup_to_310_regions() {
    let west = read("west_africa_admin1_ne10m.geojson");
    assert_eq!(west.layout, "Natural Earth admin-1 GeoJSON");
    assert_eq!((west.rows_read, west.records.len()), (310, 310));
    assert!(west.quarantined.is_empty());
    let mli = read("mli_admin1_ne10m.geojson");
    assert_eq!((mli.rows_read, mli.records.len()), (9, 9));
    assert!(mli
        .records
        .iter()
        .all(|r| r.level == 1 && r.country_iso3.as_deref() == Some("MLI")));

    let mut all = west.records;
    all.extend(mli.records);
    let (regions, notes) = dedup_regions(all);
    assert_eq!(regions.len(), 310);
    assert_eq!(notes.len(), 9);
    let kayes = regions.iter().find(|r| r.region_id == "MLI-2793").unwrap();
    assert_eq!(kayes.name, "Kayes");
    assert!(
        kayes.source.ends_with("mli_admin1_ne10m.geojson"),
        "{}",
        kayes.source
    );
    assert_eq!(
        vertex_count(&kayes.geometry),
        329,
        "the more detailed geometry"
    );
    assert!(kayes.extra["also_in"].ends_with("west_africa_admin1_ne10m.geojson"));
    assert_eq!(kayes.iso_3166_2.as_deref(), Some("ML-1"));
}

#[test]
fn admin0_files_dedup_to_178_regions() {
    let west = read("west_africa_admin0_ne50m.geojson");
    assert_eq!(west.layout, "Natural Earth admin-0 GeoJSON");
    assert_eq!((west.rows_read, west.records.len()), (17, 17));
    assert!(west.records.iter().any(|r| r.region_id == "012"));

    let world = read("world_countries_110m.topojson");
    assert_eq!(
        world.layout,
        "TopoJSON world countries (object `countries`)"
    );
    assert_eq!((world.rows_read, world.records.len()), (177, 177));
    assert!(world.quarantined.is_empty());
    assert_eq!(world.flagged, 3);
    assert!(world.notes.iter().any(|n| n.contains("`land`")));
    assert!(world.records.iter().any(|r| r.region_id == "no-iso:Kosovo"));
    // ISO numeric id → alpha-3 for every country with an id (174 = 177 − the 3 flagged).
    let iso3 = |id: &str| {
        world
            .records
            .iter()
            .find(|r| r.region_id == id)
            .and_then(|r| r.country_iso3.clone())
    };
    assert_eq!(
        world
            .records
            .iter()
            .filter(|r| r.country_iso3.is_some())
            .count(),
        174
    );
    assert_eq!(iso3("242").as_deref(), Some("FJI"));
    assert_eq!(iso3("840").as_deref(), Some("USA"));
    assert_eq!(iso3("180").as_deref(), Some("COD"));
    assert_eq!(iso3("466").as_deref(), Some("MLI"));
    assert_eq!(iso3("no-iso:Kosovo"), None);
    assert_eq!(
        world
            .records
            .iter()
            .map(|r| vertex_count(&r.geometry))
            .sum::<usize>(),
        10587
    );

    let mut all = west.records;
    all.extend(world.records);
    let (regions, notes) = dedup_regions(all);
    assert_eq!(regions.len(), 178);
    assert_eq!(notes.len(), 16);
    let mali = regions.iter().find(|r| r.region_id == "466").unwrap();
    assert!(mali.source.ends_with("west_africa_admin0_ne50m.geojson"));
    assert_eq!(vertex_count(&mali.geometry), 474);
    assert_eq!(mali.country_iso3.as_deref(), Some("MLI"));
    assert!(mali.extra["also_in"].ends_with("world_countries_110m.topojson"));
}

/// Hand-worked decode. The file's transform is scale [0.0036000360003600037,
/// 0.0016925586033320105], translate [-180, -85.60903777459771].
/// * Fiji (id 242) is a MultiPolygon whose first ring is arc 0: deltas [99478, 40237], [69, 98]
///   -> quantized (99478, 40237), (99547, 40335) -> lon 99478 * 0.0036000360003600037 - 180 =
///   178.12438124381248, lat 40237 * 0.0016925586033320105 - 85.60903777459771 =
///   -17.505557252327606; then 178.37278372783732, -17.339686509201073.
/// * Mali (id 466) starts with arc -261, i.e. arc 260 reversed: its first vertex is arc 260's
///   LAST position, the sum of its 6 deltas (46801, 57931) -> (-11.514715147151463,
///   12.442574675028993). The joined ring has 76 positions and closes.
#[test]
fn topojson_vertices_match_a_hand_decode() {
    let world = read("world_countries_110m.topojson");
    let fiji = world.records.iter().find(|r| r.region_id == "242").unwrap();
    let ring = &fiji.geometry.0[0].exterior().0;
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(ring[0].x, 178.12438124381248) && close(ring[0].y, -17.505557252327606));
    assert!(close(ring[1].x, 178.37278372783732) && close(ring[1].y, -17.339686509201073));

    let mali = world.records.iter().find(|r| r.region_id == "466").unwrap();
    let ring = &mali.geometry.0[0].exterior().0;
    assert_eq!(ring.len(), 76);
    assert!(close(ring[0].x, -11.514715147151463) && close(ring[0].y, 12.442574675028993));
    assert_eq!(ring.first(), ring.last());
}

/// Cross-check against the `topojson` crate: its decode keeps the vertex shared by two joined
/// arcs twice; with consecutive repeats removed on both sides, every ring must be equal.
#[test]
fn topojson_decode_agrees_with_the_topojson_crate() {
    let path = boundaries_dir().join("world_countries_110m.topojson");
    let text = std::fs::read_to_string(&path).unwrap();
    let topo = match text.parse::<topojson::TopoJson>().unwrap() {
        topojson::TopoJson::Topology(t) => t,
        other => panic!("not a topology: {other:?}"),
    };
    let fc = topojson::to_geojson(&topo, "countries").unwrap();
    let theirs = serde_json::to_value(&fc).unwrap();
    let features = theirs["features"].as_array().unwrap();
    let ours = read("world_countries_110m.topojson").records;
    assert_eq!(features.len(), ours.len());

    fn dedup(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = Vec::new();
        for p in points {
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    }
    for (f, region) in features.iter().zip(&ours) {
        let g = &f["geometry"];
        let polys: Vec<&serde_json::Value> = match g["type"].as_str().unwrap() {
            "Polygon" => vec![&g["coordinates"]],
            _ => g["coordinates"].as_array().unwrap().iter().collect(),
        };
        assert_eq!(polys.len(), region.geometry.0.len(), "{}", region.name);
        for (p, poly) in polys.iter().zip(&region.geometry.0) {
            let their_rings = p.as_array().unwrap();
            let our_rings: Vec<_> = std::iter::once(poly.exterior())
                .chain(poly.interiors())
                .collect();
            assert_eq!(their_rings.len(), our_rings.len());
            for (tr, or) in their_rings.iter().zip(our_rings) {
                let t: Vec<(f64, f64)> = tr
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|pt| (pt[0].as_f64().unwrap(), pt[1].as_f64().unwrap()))
                    .collect();
                let o: Vec<(f64, f64)> = or.0.iter().map(|c| (c.x, c.y)).collect();
                assert_eq!(dedup(t), dedup(o), "{}", region.name);
            }
        }
    }
}
