//! Which first-level administrative region (admin-1) a point lies in: point-in-polygon
//! assignment of events and sites to the dataset's level-1 [`Region`]s.
//!
//! What it answers: for a (lat, lon), the admin-1 region whose polygon holds it — for sources
//! that carry no admin names (the reduced GED layout, USGS sites) and to normalise the names
//! sources do carry to one boundary set (Natural Earth). Also each region's area in km².
//!
//! Inputs: the dataset's regions (only `level == 1` are used; polygons in WGS84 lon/lat
//! degrees) and points in degrees. Outputs: indices into [`AdminIndex::regions`] (sorted by
//! `region_id`), never a mutated dataset.
//!
//! Method: a 1° grid over the regions' bounding boxes (each region listed in every cell its
//! box, widened by the snap tolerance, overlaps) narrows the candidates; the exact test is
//! `geo`'s [`Intersects`] of the point with the region's MultiPolygon, which counts a point ON
//! a boundary as inside. A point on a shared boundary (or in an overlap of two simplified
//! polygons) intersects several regions: the one with the lowest `region_id` (byte order)
//! wins, so the answer is deterministic.
//!
//! Points in no polygon: Natural Earth's simplified coastlines and borders cut off events
//! placed on the shore, on islands left out, or in river mouths. Such a point is *snapped* to
//! the nearest region when that region is within `snap_km` (default 5 km; 0 disables
//! snapping); otherwise it is outside every region. "Nearest" is measured as the haversine
//! distance from the point to the polygon's closest point in plane lon/lat (geo's
//! [`ClosestPoint`]): for a tolerance of a few km this differs from the true geodesic
//! distance to the polygon by well under the tolerance itself; ties go to the lowest
//! `region_id`. Snapped and outside points are counted separately in [`AdminAssignment`].
//!
//! Areas: [`AdminIndex::area_km2`] is the geodesic area on the WGS84 ellipsoid (geo's
//! [`GeodesicArea`], Karney's algorithm), each polygon oriented first (exterior
//! counter-clockwise) so that a clockwise ring is not read as the rest of the Earth.
//! Natural Earth's own `area_sqkm` attribute is 0 in all 310 shipped admin-1 features, so it
//! cannot be used (a test checks our areas against pyproj instead).
//!
//! What it does NOT do: admin-2, historical boundaries (Mali's file has the 8 pre-2016
//! regions plus Bamako: events in today's Ménaka or Taoudénit land in Gao or Timbuktu), or any
//! guess for points without finite coordinates (those are `no_coordinates`).

use std::collections::HashMap;

use geo::orient::{Direction, Orient};
use geo::{BoundingRect, Closest, ClosestPoint, GeodesicArea, Intersects, Point, Rect};
use serde::Serialize;

use super::AnalysisError;
use crate::geodesy::haversine_km;
use crate::model::{Event, Region, Site};

/// Default snap tolerance for points just outside the simplified polygons, in km.
pub const DEFAULT_SNAP_KM: f64 = 5.0;

/// Kilometres per degree of latitude on the mean sphere (π·R/180), used only to widen
/// bounding boxes (rounded down so the widening is never too small after the 1 % margin).
const KM_PER_DEGREE: f64 = 111.19;

/// How a point was placed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "placement")]
pub enum Placement {
    /// Inside (or on the boundary of) the region's polygon.
    Inside { region: u32 },
    /// Outside every polygon but within the snap tolerance of this region.
    Snapped { region: u32, distance_km: f64 },
    /// Outside every polygon and farther than the tolerance from all of them.
    Outside,
    /// Latitude or longitude not finite.
    NoCoordinates,
}

impl Placement {
    /// The region index, if the point was placed in one (inside or snapped).
    pub fn region(&self) -> Option<u32> {
        match *self {
            Placement::Inside { region } | Placement::Snapped { region, .. } => Some(region),
            Placement::Outside | Placement::NoCoordinates => None,
        }
    }
}

/// The placement of a batch of points (events or sites), in input order, with counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdminAssignment {
    /// One per input point: index into [`AdminIndex::regions`], or None.
    pub region_of: Vec<Option<u32>>,
    pub inside: usize,
    pub snapped: usize,
    pub outside: usize,
    pub no_coordinates: usize,
    /// The snap tolerance used, km.
    pub snap_km: f64,
}

/// Admin-1 regions with a grid over their bounding boxes.
#[derive(Debug, Clone)]
pub struct AdminIndex<'a> {
    regions: Vec<&'a Region>,
    boxes: Vec<Option<Rect<f64>>>,
    areas_km2: Vec<f64>,
    /// (floor(lat), floor(lon)) → regions whose widened box overlaps the cell.
    cells: HashMap<(i32, i32), Vec<u32>>,
    snap_km: f64,
}

impl<'a> AdminIndex<'a> {
    /// Indexes the level-1 regions among `regions` with the default snap tolerance.
    pub fn new(regions: &'a [Region]) -> AdminIndex<'a> {
        // DEFAULT_SNAP_KM is valid: this cannot fail.
        Self::with_snap_km(regions, DEFAULT_SNAP_KM).unwrap_or_else(|_| Self::empty())
    }

    fn empty() -> AdminIndex<'a> {
        AdminIndex {
            regions: Vec::new(),
            boxes: Vec::new(),
            areas_km2: Vec::new(),
            cells: HashMap::new(),
            snap_km: 0.0,
        }
    }

    /// Indexes the level-1 regions among `regions`; `snap_km` ≥ 0 (0: no snapping, at most
    /// 100 km: snapping is for coastline simplification, not for assigning distant points).
    pub fn with_snap_km(
        regions: &'a [Region],
        snap_km: f64,
    ) -> Result<AdminIndex<'a>, AnalysisError> {
        Self::of_regions(regions.iter().filter(|r| r.level == 1).collect(), snap_km)
    }

    /// Indexes exactly the given regions, whatever their level (e.g. countries screened as
    /// one unit where no admin-1 regions are loaded); same rules as [`AdminIndex::with_snap_km`].
    pub fn of_regions(
        mut regions: Vec<&'a Region>,
        snap_km: f64,
    ) -> Result<AdminIndex<'a>, AnalysisError> {
        if !(snap_km.is_finite() && (0.0..=100.0).contains(&snap_km)) {
            return Err(AnalysisError::bad(
                "snap_km",
                snap_km,
                "a distance in km from 0 (no snapping) to 100",
            ));
        }
        regions.sort_by(|a, b| a.region_id.cmp(&b.region_id));
        let boxes: Vec<Option<Rect<f64>>> =
            regions.iter().map(|r| r.geometry.bounding_rect()).collect();
        let areas_km2 = regions.iter().map(|r| geodesic_area_km2(r)).collect();
        let mut cells: HashMap<(i32, i32), Vec<u32>> = HashMap::new();
        for (i, b) in boxes.iter().enumerate() {
            let Some(b) = b else { continue };
            let w = widen(b, snap_km);
            let (r0, r1) = (w.min().y.floor() as i32, w.max().y.floor() as i32);
            let (c0, c1) = (w.min().x.floor() as i32, w.max().x.floor() as i32);
            for row in r0..=r1 {
                for col in c0..=c1 {
                    cells.entry((row, col)).or_default().push(i as u32);
                }
            }
        }
        Ok(AdminIndex {
            regions,
            boxes,
            areas_km2,
            cells,
            snap_km,
        })
    }

    /// The indexed regions, sorted by `region_id`; indices returned by this index refer here.
    pub fn regions(&self) -> &[&'a Region] {
        &self.regions
    }

    pub fn len(&self) -> usize {
        self.regions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    pub fn snap_km(&self) -> f64 {
        self.snap_km
    }

    /// Geodesic area of region `i` in km².
    pub fn area_km2(&self, i: u32) -> f64 {
        self.areas_km2.get(i as usize).copied().unwrap_or(0.0)
    }

    /// The region whose polygon holds the point (boundary included; lowest `region_id` on a
    /// tie). No snapping: see [`AdminIndex::place`] for that.
    pub fn locate(&self, lat: f64, lon: f64) -> Option<&'a Region> {
        self.locate_index(lat, lon)
            .map(|i| self.regions[i as usize])
    }

    fn locate_index(&self, lat: f64, lon: f64) -> Option<u32> {
        if !lat.is_finite() || !lon.is_finite() {
            return None;
        }
        let point = Point::new(lon, lat);
        // Candidates are in ascending index (= region_id) order: the first hit wins.
        self.candidates(lat, lon).iter().copied().find(|&i| {
            self.boxes[i as usize].is_some_and(|b| b.intersects(&point))
                && self.regions[i as usize].geometry.intersects(&point)
        })
    }

    fn candidates(&self, lat: f64, lon: f64) -> &[u32] {
        self.cells
            .get(&(lat.floor() as i32, lon.floor() as i32))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Where the point goes: inside a region, snapped to the nearest one within the
    /// tolerance, outside, or nowhere (non-finite coordinates).
    pub fn place(&self, lat: f64, lon: f64) -> Placement {
        if !lat.is_finite() || !lon.is_finite() {
            return Placement::NoCoordinates;
        }
        if let Some(region) = self.locate_index(lat, lon) {
            return Placement::Inside { region };
        }
        if self.snap_km <= 0.0 {
            return Placement::Outside;
        }
        let point = Point::new(lon, lat);
        let mut best: Option<(u32, f64)> = None;
        for &i in self.candidates(lat, lon) {
            let Some(b) = self.boxes[i as usize] else {
                continue;
            };
            if !widen(&b, self.snap_km).intersects(&point) {
                continue;
            }
            let d = match self.regions[i as usize].geometry.closest_point(&point) {
                Closest::SinglePoint(q) | Closest::Intersection(q) => {
                    haversine_km(lon, lat, q.x(), q.y())
                }
                Closest::Indeterminate => continue,
            };
            // Candidates come in ascending index order: strict < keeps the lowest on a tie.
            if d <= self.snap_km && best.is_none_or(|(_, bd)| d < bd) {
                best = Some((i, d));
            }
        }
        match best {
            Some((region, distance_km)) => Placement::Snapped {
                region,
                distance_km,
            },
            None => Placement::Outside,
        }
    }

    /// Places every point (lat, lon) and counts how.
    pub fn assign_points(&self, points: impl IntoIterator<Item = (f64, f64)>) -> AdminAssignment {
        let mut out = AdminAssignment {
            region_of: Vec::new(),
            inside: 0,
            snapped: 0,
            outside: 0,
            no_coordinates: 0,
            snap_km: self.snap_km,
        };
        for (lat, lon) in points {
            let p = self.place(lat, lon);
            match p {
                Placement::Inside { .. } => out.inside += 1,
                Placement::Snapped { .. } => out.snapped += 1,
                Placement::Outside => out.outside += 1,
                Placement::NoCoordinates => out.no_coordinates += 1,
            }
            out.region_of.push(p.region());
        }
        out
    }

    /// Places events by their coordinates (whatever their precision: the caller decides what
    /// an imprecise location means).
    pub fn assign_events<'e>(
        &self,
        events: impl IntoIterator<Item = &'e Event>,
    ) -> AdminAssignment {
        self.assign_points(events.into_iter().map(|e| (e.lat, e.lon)))
    }

    /// Places sites; a site without coordinates counts as `no_coordinates`.
    pub fn assign_sites<'s>(&self, sites: impl IntoIterator<Item = &'s Site>) -> AdminAssignment {
        self.assign_points(
            sites
                .into_iter()
                .map(|s| (s.lat.unwrap_or(f64::NAN), s.lon.unwrap_or(f64::NAN))),
        )
    }
}

/// The ISO3 code of an event's country as UCDP GED spells it: the shared country table
/// ([`crate::ingest::countries::iso3`]) first, then GED's own spellings that table lacks
/// (`Ivory Coast`, `DR Congo (Zaire)`, `Bosnia-Herzegovina`; a parenthesised former name such
/// as `Myanmar (Burma)` is dropped). None when still unknown. Used to report events placed in a
/// region of another country (simplified borders, cross-border events).
pub fn event_country_iso3(name: &str) -> Option<&'static str> {
    if let Some(code) = crate::ingest::countries::iso3(name) {
        return Some(code);
    }
    let base = name.split(" (").next().unwrap_or(name).trim();
    // GED spellings, and GED countries that produce none of the minerals in the production
    // table (every name of the GED 21.1 global file maps: tested on the real data).
    const GED_NAMES: &[(&str, &str)] = &[
        ("Bangladesh", "BGD"),
        ("Bosnia-Herzegovina", "BIH"),
        ("Comoros", "COM"),
        ("DR Congo", "COD"),
        ("Djibouti", "DJI"),
        ("Ivory Coast", "CIV"),
        ("Kingdom of eSwatini", "SWZ"),
        ("Kuwait", "KWT"),
        ("Lebanon", "LBN"),
        ("Macedonia, FYR", "MKD"),
        ("Malta", "MLT"),
        ("Moldova", "MDA"),
        ("Nepal", "NPL"),
        ("Paraguay", "PRY"),
        ("Trinidad and Tobago", "TTO"),
        ("United States of America", "USA"),
        ("Yemen", "YEM"),
    ];
    GED_NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(base))
        .map(|(_, c)| *c)
        .or_else(|| crate::ingest::countries::iso3(base))
}

/// The box widened by `km` on every side (1 % extra margin); longitude margin grows with the
/// cosine of the box's farthest latitude, capped at 180°.
pub(crate) fn widen(b: &Rect<f64>, km: f64) -> Rect<f64> {
    if km <= 0.0 {
        return *b;
    }
    let dlat = km / KM_PER_DEGREE * 1.01;
    let max_abs_lat = (b.max().y.abs().max(b.min().y.abs()) + dlat).min(89.9);
    let dlon = (dlat / max_abs_lat.to_radians().cos()).min(180.0);
    Rect::new(
        (b.min().x - dlon, b.min().y - dlat),
        (b.max().x + dlon, b.max().y + dlat),
    )
}

/// Geodesic area (WGS84 ellipsoid) of a region's polygons, km²; each polygon is oriented
/// (exterior counter-clockwise) before measuring.
pub fn geodesic_area_km2(region: &Region) -> f64 {
    region
        .geometry
        .0
        .iter()
        .map(|p| p.orient(Direction::Default).geodesic_area_unsigned())
        .sum::<f64>()
        / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{polygon, MultiPolygon};

    fn region(id: &str, poly: geo_types::Polygon<f64>) -> Region {
        Region {
            region_id: id.into(),
            level: 1,
            name: id.into(),
            country_iso3: Some("TST".into()),
            country_name: Some("Test".into()),
            iso_3166_2: None,
            geometry: MultiPolygon(vec![poly]),
            source: "test".into(),
            extra: Default::default(),
        }
    }

    /// Two unit squares sharing the edge lon = 1: B = [0,1]×[0,1], A = [1,2]×[0,1]
    /// (ids chosen so that the right square has the lower id).
    fn two_squares() -> Vec<Region> {
        vec![
            region(
                "B",
                polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
            ),
            region(
                "A",
                polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)],
            ),
        ]
    }

    #[test]
    fn inside_boundary_outside_and_snap() {
        let regions = two_squares();
        let index = AdminIndex::new(&regions);
        assert_eq!(index.len(), 2);
        assert_eq!(index.locate(0.5, 0.5).unwrap().region_id, "B");
        assert_eq!(index.locate(0.5, 1.5).unwrap().region_id, "A");
        // On the shared edge: both intersect, the lowest id (A) wins.
        assert_eq!(index.locate(0.5, 1.0).unwrap().region_id, "A");
        // A corner of B only.
        assert_eq!(index.locate(0.0, 0.0).unwrap().region_id, "B");
        assert!(index.locate(0.5, 2.5).is_none());
        // 0.03° south of B (≈ 3.3 km): snapped to B; 0.1° (≈ 11 km): outside.
        match index.place(-0.03, 0.5) {
            Placement::Snapped {
                region,
                distance_km,
            } => {
                assert_eq!(index.regions()[region as usize].region_id, "B");
                assert!((distance_km - 0.03 * 111.195).abs() < 0.01, "{distance_km}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(index.place(-0.1, 0.5), Placement::Outside);
        assert_eq!(index.place(f64::NAN, 0.5), Placement::NoCoordinates);
        // Equidistant from both (below the shared corner): lowest id.
        let p = index.place(-0.02, 1.0);
        assert_eq!(p.region(), Some(0), "{p:?}");
        // No snapping.
        let strict = AdminIndex::with_snap_km(&regions, 0.0).unwrap();
        assert_eq!(strict.place(-0.03, 0.5), Placement::Outside);
    }

    #[test]
    fn batch_counts_and_bad_tolerance() {
        let regions = two_squares();
        let index = AdminIndex::new(&regions);
        let a = index.assign_points([
            (0.5, 0.5),
            (0.5, 1.5),
            (-0.03, 0.5),
            (5.0, 5.0),
            (f64::NAN, 0.0),
        ]);
        assert_eq!(a.region_of, vec![Some(1), Some(0), Some(1), None, None]);
        assert_eq!(
            (a.inside, a.snapped, a.outside, a.no_coordinates),
            (2, 1, 1, 1)
        );
        for bad in [-1.0, f64::NAN, 500.0] {
            let err = AdminIndex::with_snap_km(&regions, bad).unwrap_err();
            assert!(err.to_string().contains("snap_km"), "{err}");
        }
    }

    #[test]
    fn area_of_a_one_degree_square_at_the_equator() {
        // Closed form on the WGS84 ellipsoid for [0,1]×[0,1]: 12,308.778 km² (GeographicLib
        // PolygonArea; a sphere of R = 6371.0088 gives 12,363.6). Clockwise input too.
        let regions = two_squares();
        let area = geodesic_area_km2(&regions[0]);
        assert!((area - 12_308.778).abs() < 0.5, "{area}");
        let mut cw = regions[0].clone();
        cw.geometry = MultiPolygon(vec![polygon![
            (x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)
        ]]);
        assert!((geodesic_area_km2(&cw) - area).abs() < 1e-6);
    }
}
