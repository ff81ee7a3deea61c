use geo_types::MultiPolygon;
use serde::{Deserialize, Serialize};

use super::Extra;

/// An administrative area and its boundary.
///
/// `region_id` is the code that identifies the area across files: Natural Earth `adm1_code`
/// for admin-1 (`MLI-2793`), the ISO 3166-1 numeric code for admin-0 (`466` for Mali). Two
/// files holding the same code hold one region, stored once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub region_id: String,
    /// 0 = country, 1 = first-level subdivision.
    pub level: u8,
    pub name: String,
    pub country_iso3: Option<String>,
    pub country_name: Option<String>,
    /// ISO 3166-2 code for admin-1 (`ML-1`).
    pub iso_3166_2: Option<String>,
    /// Polygons in WGS84 lon/lat degrees (a Polygon source is one-member MultiPolygon).
    /// Not serialised with the attributes: the store writes it as a WKB geometry column.
    #[serde(skip, default = "empty_multipolygon")]
    pub geometry: MultiPolygon<f64>,
    /// The file the stored geometry came from.
    pub source: String,
    pub extra: Extra,
}

fn empty_multipolygon() -> MultiPolygon<f64> {
    MultiPolygon(Vec::new())
}
