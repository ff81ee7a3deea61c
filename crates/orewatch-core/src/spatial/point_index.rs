//! [`PointIndex`]: static points (events) bucketed by grid cell, for per-site questions: every
//! point within R km of a place, and the nearest point at any distance.

use super::grid::{Buckets, GridSpec, MAX_CELLS_PER_POINT};
use super::{
    check_inputs, check_radius, chord2, chord2_of_km, chord_verdict, unit_vector, ChordVerdict,
    SpatialError,
};
use crate::geodesy::{haversine_km, EARTH_RADIUS_KM};

/// Points (lat, lon in degrees) bucketed by cell.
#[derive(Debug, Clone)]
pub struct PointIndex {
    lat: Vec<f64>,
    lon: Vec<f64>,
    unit: Vec<[f64; 3]>,
    buckets: Buckets<u32>,
    /// Cell size in km along a meridian: the first radius of a nearest-point search.
    cell_km: f64,
}

impl PointIndex {
    /// Indexes the points with cells sized for queries of about `typical_radius_km`. Points
    /// with a non-finite coordinate keep their ids but are never returned.
    pub fn new(
        lats: &[f64],
        lons: &[f64],
        typical_radius_km: f64,
    ) -> Result<PointIndex, SpatialError> {
        check_inputs(lats, lons)?;
        check_radius(typical_radius_km)?;
        let spec =
            GridSpec::for_points(typical_radius_km, 1.0, MAX_CELLS_PER_POINT, lats, lons, 0.0);
        let cells: Vec<Option<(u32, u32)>> = lats
            .iter()
            .zip(lons)
            .map(|(&lat, &lon)| spec.cell_of(lat, lon))
            .collect();
        let mut window: Option<(u32, u32, u32, u32)> = None;
        for &(row, col) in cells.iter().flatten() {
            window = Some(match window {
                None => (row, row, col, col),
                Some((a, b, c, d)) => (a.min(row), b.max(row), c.min(col), d.max(col)),
            });
        }
        let buckets = Buckets::build(
            spec,
            window,
            |sink| {
                for (i, cell) in cells.iter().enumerate() {
                    if let Some((row, col)) = cell {
                        sink.put(i as u32, *row, *col);
                    }
                }
            },
            |i| i,
        );
        Ok(PointIndex {
            lat: lats.to_vec(),
            lon: lons.to_vec(),
            unit: lats
                .iter()
                .zip(lons)
                .map(|(&la, &lo)| unit_vector(la, lo))
                .collect(),
            buckets,
            cell_km: spec.cell_deg.to_radians() * EARTH_RADIUS_KM,
        })
    }

    pub fn len(&self) -> usize {
        self.lat.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lat.is_empty()
    }

    /// Calls `f(point, distance_km)` for every point within `radius_km` of (lat, lon)
    /// (distance ≤ radius), in no particular order. Does nothing for a non-finite place or a
    /// radius that is not a positive number.
    pub fn for_each_within(&self, lat: f64, lon: f64, radius_km: f64, mut f: impl FnMut(u32, f64)) {
        if check_radius(radius_km).is_err() {
            return;
        }
        let Some(cells) = self.buckets.spec.cap_cells(lat, lon, radius_km) else {
            return;
        };
        let threshold2 = chord2_of_km(radius_km.min(std::f64::consts::PI * EARTH_RADIUS_KM));
        let whole_sphere = radius_km >= std::f64::consts::PI * EARTH_RADIUS_KM;
        let p = unit_vector(lat, lon);
        let mut visit = |i: u32| {
            let k = i as usize;
            let verdict = if whole_sphere {
                ChordVerdict::In
            } else {
                chord_verdict(chord2(&p, &self.unit[k]), threshold2)
            };
            if verdict == ChordVerdict::Out {
                return;
            }
            let d = haversine_km(lon, lat, self.lon[k], self.lat[k]);
            if verdict == ChordVerdict::In || d <= radius_km {
                f(i, d);
            }
        };
        // A cap wider than the points are many: scanning every point is cheaper than its cells.
        if self.buckets.cap_cell_count(&cells) > self.buckets.len() {
            for i in 0..self.lat.len() as u32 {
                if self.lat[i as usize].is_finite() && self.lon[i as usize].is_finite() {
                    visit(i);
                }
            }
        } else {
            self.buckets.for_each_cap_cell(&cells, |row, col| {
                self.buckets.cell(row, col).iter().for_each(|&i| visit(i));
            });
        }
    }

    /// The nearest point to (lat, lon) and its distance in km; ties go to the lowest id. None
    /// when no point has finite coordinates. Searches caps of doubling radius: the nearest
    /// point within a cap that holds any point is the nearest of all.
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<(u32, f64)> {
        if !lat.is_finite() || !lon.is_finite() || self.buckets.len() == 0 {
            return None;
        }
        let half_circumference = std::f64::consts::PI * EARTH_RADIUS_KM;
        let mut radius = self.cell_km.max(1.0);
        loop {
            let mut best: Option<(u32, f64)> = None;
            self.for_each_within(lat, lon, radius, |i, d| {
                let better = match best {
                    None => true,
                    Some((bi, bd)) => d < bd || (d == bd && i < bi),
                };
                if better {
                    best = Some((i, d));
                }
            });
            if best.is_some() || radius >= half_circumference {
                return best;
            }
            radius = (radius * 2.0).min(half_circumference);
        }
    }
}
