//! Spatial indexes for "which points lie within R km of which" on the sphere.
//!
//! Distances are great-circle kilometres from [`crate::geodesy::haversine_km`] (mean Earth
//! radius 6371.0088 km); a pair is within R when that distance is ≤ R. Every index here gives
//! exactly the pairs a brute-force scan with that same function gives (tested with proptest on
//! random points, the antimeridian, the poles and points placed at exactly R).
//!
//! Why a grid and not an R-tree: the points are static (events and sites are loaded once), the
//! radii of interest are small and known in advance (25–100 km), and lat/lon grids make the two
//! sphere-specific cases simple to get right: a cap that crosses the antimeridian takes the
//! cells on both sides (column numbers wrap), and a cap that contains a pole takes every column
//! of the rows it touches. An R-tree (rstar) in lon/lat would need the same wrap and pole
//! handling on top, and gives nothing for fixed radii; a grid lookup is two multiplies per point
//! (exact on cell edges: see `grid::floor_cells`).
//!
//! - [`CapIndex`]: caps (a site and a radius) registered in every cell they overlap; a point is
//!   tested only against the caps of its own cell. Built for joins of many points against fixed
//!   sites ([`join_within`]): one cell lookup per event, computed for blocks of events without
//!   a branch and checked against a bitmap of the cells that hold caps, so the many events
//!   near no site cost a few arithmetic operations each.
//! - [`PointIndex`]: points bucketed by cell; a query visits the cells under a cap's bounding
//!   box. Built for per-site questions over events (all events within R of a site, the nearest
//!   event at any distance).
//!
//! The exact test: candidates are first compared by chord length on the unit sphere (three
//! multiply-adds); only pairs whose chord² is within a relative 1e-9 of the threshold (plus an
//! absolute allowance for the unit vectors' rounding, which matters only for radii of metres
//! or less: see `chord_bounds`) are decided by `haversine_km` itself, so borderline pairs get
//! the same verdict as a brute-force haversine scan.

mod cap_index;
mod grid;
mod point_index;
mod trig;

pub use cap_index::{join_within, CapIndex, JoinTotals};
pub use point_index::PointIndex;

use thiserror::Error;

/// Invalid input to an index.
#[derive(Debug, Error, PartialEq)]
pub enum SpatialError {
    #[error("radius must be a positive number of kilometres, got {0}")]
    BadRadius(f64),
    #[error("latitude and longitude arrays differ in length ({lat} latitudes, {lon} longitudes)")]
    LengthMismatch { lat: usize, lon: usize },
    #[error("more than {max} points: the index numbers points with 32-bit ids")]
    TooManyPoints { max: usize },
}

/// Unit vector of a (lat, lon) point in degrees.
#[inline]
pub(crate) fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
    unit_vector_with(sin_lat, cos_lat, lon)
}

/// [`unit_vector`] from the sine and cosine of the latitude, when the caller needs them too.
#[inline]
pub(crate) fn unit_vector_with(sin_lat: f64, cos_lat: f64, lon: f64) -> [f64; 3] {
    let (sl, cl) = lon.to_radians().sin_cos();
    [cos_lat * cl, cos_lat * sl, sin_lat]
}

#[inline]
pub(crate) fn chord2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let dx = a[0] - b[0];
    let dy = a[1] - b[1];
    let dz = a[2] - b[2];
    dx * dx + dy * dy + dz * dz
}

/// The squared chord on the unit sphere of a great-circle distance of `radius_km`.
pub(crate) fn chord2_of_km(radius_km: f64) -> f64 {
    let half_angle = radius_km / crate::geodesy::EARTH_RADIUS_KM / 2.0;
    let c = 2.0 * half_angle.sin();
    c * c
}

/// Relative band around the chord threshold inside which the haversine decides.
pub(crate) const BORDER_BAND: f64 = 1e-9;

/// Bound on the absolute error of each component of a unit vector computed by
/// [`unit_vector`], with a wide margin: libm's sine and cosine and the two products are within
/// a few units in the last place (≤ 1e-15) of the exact vector of the rounded radians.
pub(crate) const UNIT_ERROR: f64 = 1e-14;

/// The verdict of the chord test: clearly in, clearly out, or too close to call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ChordVerdict {
    In,
    Out,
    Border,
}

#[inline]
pub(crate) fn chord_verdict(c2: f64, threshold2: f64) -> ChordVerdict {
    let (clear_in, clear_out) = chord_bounds(threshold2);
    if c2 < clear_in {
        ChordVerdict::In
    } else if c2 > clear_out {
        ChordVerdict::Out
    } else {
        ChordVerdict::Border
    }
}

/// The two bounds of [`chord_verdict`]: a chord² below the first is clearly in, above the
/// second clearly out. The band is the relative [`BORDER_BAND`] plus an absolute part for
/// the error of the unit vectors: with each component off by at most [`UNIT_ERROR`] in both
/// vectors, the computed chord² c'² of a chord c is within 2·√3·c·(2·UNIT_ERROR) + 12·UNIT_ERROR²
/// of c², below 8·c·UNIT_ERROR near the threshold c (the haversine's own rounding, a few ulps
/// of its sin² terms, is far smaller). For radii above a few metres the relative part is the
/// larger; for tiny radii the absolute part keeps the chord from deciding pairs it cannot.
#[inline]
pub(crate) fn chord_bounds(threshold2: f64) -> (f64, f64) {
    let band = threshold2 * BORDER_BAND
        + 8.0 * UNIT_ERROR * threshold2.sqrt()
        + 12.0 * UNIT_ERROR * UNIT_ERROR;
    (threshold2 - band, threshold2 + band)
}

pub(crate) fn check_inputs(lats: &[f64], lons: &[f64]) -> Result<(), SpatialError> {
    if lats.len() != lons.len() {
        return Err(SpatialError::LengthMismatch {
            lat: lats.len(),
            lon: lons.len(),
        });
    }
    if lats.len() >= u32::MAX as usize {
        return Err(SpatialError::TooManyPoints {
            max: u32::MAX as usize - 1,
        });
    }
    Ok(())
}

pub(crate) fn check_radius(radius_km: f64) -> Result<(), SpatialError> {
    if radius_km.is_finite() && radius_km > 0.0 {
        Ok(())
    } else {
        Err(SpatialError::BadRadius(radius_km))
    }
}

#[cfg(test)]
mod tests;
