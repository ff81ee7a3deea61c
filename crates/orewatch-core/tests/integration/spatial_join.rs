//! The spatial join on the real data: the 167,543 global GED events against the 4,691 USGS
//! Africa point rows (the three layers' Point features as they stand, duplicates included, in
//! file order: facilities, deposits, exploration), R = 25 km, whole period.
//!
//! Expected numbers are the issue's, computed independently (GeoPandas sjoin on bounding boxes
//! then a numpy haversine filter): 62,412 event–site pairs, 3,182,458 best-estimate deaths
//! summed over pairs, 1,785 of the 4,691 points with at least one event.

use std::path::{Path, PathBuf};

use orewatch_core::spatial::{join_within, CapIndex};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// (lat, lon) of every Point feature of a GeoJSON file, in file order.
fn point_rows(path: &Path) -> Vec<(f64, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["geometry"]["type"] == "Point")
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (c[1].as_f64().unwrap(), c[0].as_f64().unwrap())
        })
        .collect()
}

#[test]
fn global_ged_against_usgs_africa_points_at_25_km() {
    let mines = data_dir().join("mines");
    let mut sites = Vec::new();
    for layer in ["facilities", "deposits", "exploration"] {
        sites.extend(point_rows(
            &mines.join(format!("usgs_africa_mineral_{layer}.geojson")),
        ));
    }
    assert_eq!(sites.len(), 4_691);
    let events = &crate::shared::global_ged().records;
    assert_eq!(events.len(), 167_543);

    let (slat, slon): (Vec<f64>, Vec<f64>) = sites.iter().copied().unzip();
    let elat: Vec<f64> = events.iter().map(|e| e.lat).collect();
    let elon: Vec<f64> = events.iter().map(|e| e.lon).collect();
    let best: Vec<u32> = events.iter().map(|e| e.fatalities_best).collect();
    let index = CapIndex::new(&slat, &slon, 25.0).unwrap();
    let totals = join_within(&index, &elat, &elon, &best);
    assert_eq!(totals.pairs, 62_412);
    assert_eq!(totals.fatalities, 3_182_458);
    let with_events = totals.per_site_events.iter().filter(|&&n| n > 0).count();
    assert_eq!(with_events, 1_785);
}
