//! GeoParquet 1.0 pieces: WKB geometry columns and the `geo` file metadata.
//!
//! Spec: <https://geoparquet.org/releases/v1.0.0/>. We write `version` "1.0.0", the
//! `primary_column`, `encoding` "WKB", the `geometry_types` actually present and the `bbox`;
//! the CRS is omitted, which the spec defines as OGC:CRS84 (WGS84 lon/lat).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BinaryArray, BinaryBuilder};
use geo_types::{Geometry, MultiPolygon, Point};
use serde_json::json;

/// Name of the geometry column in every GeoParquet table.
pub const GEOMETRY_COLUMN: &str = "geometry";

fn wkb_of(geometry: &Geometry<f64>) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    wkb::writer::write_geometry(&mut buf, geometry, &wkb::writer::WriteOptions::default())
        .map_err(|e| format!("cannot encode WKB: {e}"))?;
    Ok(buf)
}

/// A running bounding box and the set of geometry types seen.
#[derive(Default)]
struct Extent {
    bbox: Option<[f64; 4]>,
    types: std::collections::BTreeSet<&'static str>,
}

impl Extent {
    fn add_point(&mut self, x: f64, y: f64) {
        let b = self.bbox.get_or_insert([x, y, x, y]);
        b[0] = b[0].min(x);
        b[1] = b[1].min(y);
        b[2] = b[2].max(x);
        b[3] = b[3].max(y);
    }

    fn metadata(&self) -> String {
        let mut column = json!({
            "encoding": "WKB",
            "geometry_types": self.types.iter().collect::<Vec<_>>(),
        });
        if let Some(b) = self.bbox {
            column["bbox"] = json!(b);
        }
        json!({
            "version": "1.0.0",
            "primary_column": GEOMETRY_COLUMN,
            "columns": { GEOMETRY_COLUMN: column },
        })
        .to_string()
    }
}

/// The WKB of a point: little-endian byte order mark, type 1 (Point), x, y; what the `wkb`
/// crate writes for a 2D point, without its per-point allocation.
pub fn point_wkb(lon: f64, lat: f64) -> [u8; 21] {
    let mut out = [0u8; 21];
    out[0] = 1;
    out[1] = 1;
    out[5..13].copy_from_slice(&lon.to_le_bytes());
    out[13..21].copy_from_slice(&lat.to_le_bytes());
    out
}

/// The `geo` metadata JSON of a column holding the points `coords` (all present), as
/// [`point_column`] gives it.
pub fn points_metadata(coords: impl Iterator<Item = (f64, f64)>) -> String {
    let mut extent = Extent::default();
    for (lon, lat) in coords {
        extent.add_point(lon, lat);
        extent.types.insert("Point");
    }
    extent.metadata()
}

/// A WKB point column from optional (lon, lat) pairs (None -> null geometry), and the `geo`
/// metadata JSON describing it.
pub fn point_column(
    coords: impl Iterator<Item = Option<(f64, f64)>>,
) -> Result<(ArrayRef, String), String> {
    let mut builder = BinaryBuilder::new();
    let mut extent = Extent::default();
    for c in coords {
        match c {
            Some((lon, lat)) => {
                extent.add_point(lon, lat);
                extent.types.insert("Point");
                builder.append_value(wkb_of(&Geometry::Point(Point::new(lon, lat)))?);
            }
            None => builder.append_null(),
        }
    }
    Ok((Arc::new(builder.finish()), extent.metadata()))
}

/// A WKB polygon column: a one-member MultiPolygon is written as a Polygon, others as
/// MultiPolygon, so `geometry_types` says what a reader will find.
pub fn polygon_column<'a>(
    shapes: impl Iterator<Item = &'a MultiPolygon<f64>>,
) -> Result<(ArrayRef, String), String> {
    let mut builder = BinaryBuilder::new();
    let mut extent = Extent::default();
    for mp in shapes {
        for poly in &mp.0 {
            for c in poly.exterior().0.iter() {
                extent.add_point(c.x, c.y);
            }
        }
        let geometry = if mp.0.len() == 1 {
            extent.types.insert("Polygon");
            Geometry::Polygon(mp.0[0].clone())
        } else {
            extent.types.insert("MultiPolygon");
            Geometry::MultiPolygon(mp.clone())
        };
        builder.append_value(wkb_of(&geometry)?);
    }
    Ok((Arc::new(builder.finish()), extent.metadata()))
}

/// Decodes a WKB polygon column back into MultiPolygons (Polygon -> one member).
pub fn read_polygons(column: &dyn Array) -> Result<Vec<MultiPolygon<f64>>, String> {
    use geo_traits::to_geo::ToGeoGeometry;
    let binary = column
        .as_any()
        .downcast_ref::<BinaryArray>()
        .ok_or_else(|| "the geometry column is not binary WKB".to_string())?;
    let mut out = Vec::with_capacity(binary.len());
    for i in 0..binary.len() {
        if binary.is_null(i) {
            out.push(MultiPolygon(Vec::new()));
            continue;
        }
        let wkb = wkb::reader::read_wkb(binary.value(i))
            .map_err(|e| format!("bad WKB in row {i}: {e}"))?;
        match wkb.to_geometry() {
            Geometry::Polygon(p) => out.push(MultiPolygon(vec![p])),
            Geometry::MultiPolygon(mp) => out.push(mp),
            other => return Err(format!("row {i}: expected a polygon, found {other:?}")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{polygon, MultiPolygon};

    #[test]
    fn point_wkb_is_standard_little_endian() {
        let (col, meta) = point_column([Some((2.0, 4.0)), None].into_iter()).unwrap();
        let bin = col.as_any().downcast_ref::<BinaryArray>().unwrap();
        // byte order 1 (little endian), type 1 (Point), x = 2.0, y = 4.0
        assert_eq!(
            bin.value(0),
            &[1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 16, 64]
        );
        assert!(bin.is_null(1));
        let m: serde_json::Value = serde_json::from_str(&meta).unwrap();
        assert_eq!(m["version"], "1.0.0");
        assert_eq!(m["primary_column"], "geometry");
        assert_eq!(m["columns"]["geometry"]["encoding"], "WKB");
        assert_eq!(m["columns"]["geometry"]["geometry_types"], json!(["Point"]));
        assert_eq!(
            m["columns"]["geometry"]["bbox"],
            json!([2.0, 4.0, 2.0, 4.0])
        );
        assert!(m["columns"]["geometry"].get("crs").is_none());
    }

    #[test]
    fn point_wkb_is_what_the_wkb_crate_writes() {
        for (x, y) in [
            (2.0, 4.0),
            (-0.0, 0.0),
            (-179.999_999, 89.5),
            (13.884_89, -7.1),
        ] {
            let expected = wkb_of(&Geometry::Point(Point::new(x, y))).unwrap();
            assert_eq!(point_wkb(x, y).as_slice(), expected.as_slice());
        }
        let coords = [(2.0, 4.0), (-3.0, 5.5)];
        let (_, meta) = point_column(coords.iter().map(|c| Some(*c))).unwrap();
        assert_eq!(points_metadata(coords.into_iter()), meta);
    }

    #[test]
    fn polygons_round_trip() {
        let a = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)];
        let b = polygon![(x: 5.0, y: 5.0), (x: 6.0, y: 5.0), (x: 6.0, y: 7.0), (x: 5.0, y: 5.0)];
        let shapes = vec![MultiPolygon(vec![a.clone()]), MultiPolygon(vec![a, b])];
        let (col, meta) = polygon_column(shapes.iter()).unwrap();
        assert_eq!(read_polygons(col.as_ref()).unwrap(), shapes);
        let m: serde_json::Value = serde_json::from_str(&meta).unwrap();
        assert_eq!(
            m["columns"]["geometry"]["geometry_types"],
            json!(["MultiPolygon", "Polygon"])
        );
        assert_eq!(
            m["columns"]["geometry"]["bbox"],
            json!([0.0, 0.0, 6.0, 7.0])
        );
    }
}
