//! SVG building blocks: the map projection, compact path data and text escaping.
//!
//! Answers "where on the page is this longitude/latitude?" and "how do I write this geometry
//! small and deterministically?". Units: input in WGS84 degrees, output in SVG user units
//! (pixels), written with one decimal (0.1 px) by [`fmt1`].
//!
//! The projection is equirectangular with x scaled by the cosine of the frame's middle
//! latitude, which keeps shapes near that latitude undistorted; for a frame 20° tall in the
//! tropics the error at the edges is a few percent, fine for a context map (not for measuring
//! distances: use `orewatch_core::geodesy` for that).

use std::fmt::Write;

/// A longitude/latitude box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub lon_min: f64,
    pub lon_max: f64,
    pub lat_min: f64,
    pub lat_max: f64,
}

impl Frame {
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        lon >= self.lon_min && lon <= self.lon_max && lat >= self.lat_min && lat <= self.lat_max
    }

    /// True when the two boxes overlap.
    pub fn intersects(&self, other: &Frame) -> bool {
        self.lon_min <= other.lon_max
            && other.lon_min <= self.lon_max
            && self.lat_min <= other.lat_max
            && other.lat_min <= self.lat_max
    }
}

/// Equirectangular projection of a [`Frame`] onto a `width_px` wide drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    pub frame: Frame,
    /// cos(middle latitude): how much a degree of longitude is shortened.
    pub x_scale: f64,
    /// Pixels per degree of latitude (and per cos-scaled degree of longitude).
    pub px_per_deg: f64,
    pub width_px: f64,
    pub height_px: f64,
}

impl Projection {
    /// `x = (lon − lon_min)·cos(φ_mid)·s`, `y = (lat_max − lat)·s`, with
    /// `s = width_px / ((lon_max − lon_min)·cos(φ_mid))` and `φ_mid` the frame's middle
    /// latitude; the height follows: `(lat_max − lat_min)·s`.
    pub fn new(frame: Frame, width_px: f64) -> Self {
        let mid_lat = (frame.lat_min + frame.lat_max) / 2.0;
        let x_scale = mid_lat.to_radians().cos();
        let px_per_deg = width_px / ((frame.lon_max - frame.lon_min) * x_scale);
        Projection {
            frame,
            x_scale,
            px_per_deg,
            width_px,
            height_px: (frame.lat_max - frame.lat_min) * px_per_deg,
        }
    }

    /// Page position (x right, y down) of a longitude/latitude in degrees.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.frame.lon_min) * self.x_scale * self.px_per_deg,
            (self.frame.lat_max - lat) * self.px_per_deg,
        )
    }
}

/// A number with exactly one decimal (`12.3`), never `-0.0`; the fixed format keeps the
/// output byte-identical across runs.
pub fn fmt1(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0.0".to_string()
    } else {
        format!("{r:.1}")
    }
}

/// Escapes text for HTML/SVG content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Appends one closed ring to SVG path data (`M x y L x y x y … Z`), projected, rounded to
/// 0.1 px, skipping every vertex closer than `min_step_px` to the last one kept. A ring that
/// shrinks below three points is left out. Returns whether something was written.
pub fn push_ring(d: &mut String, ring: &[(f64, f64)], proj: &Projection, min_step_px: f64) -> bool {
    let mut kept: Vec<(f64, f64)> = Vec::with_capacity(ring.len());
    for &(lon, lat) in ring {
        let p = proj.project(lon, lat);
        match kept.last() {
            Some(&(x, y)) if ((p.0 - x).powi(2) + (p.1 - y).powi(2)).sqrt() < min_step_px => {}
            _ => kept.push(p),
        }
    }
    // The closing vertex repeats the first: Z draws that segment.
    if kept.len() > 1 {
        let (fx, fy) = kept[0];
        if let Some(&(lx, ly)) = kept.last() {
            if ((lx - fx).powi(2) + (ly - fy).powi(2)).sqrt() < min_step_px {
                kept.pop();
            }
        }
    }
    if kept.len() < 3 {
        return false;
    }
    for (i, (x, y)) in kept.iter().enumerate() {
        let sep = match i {
            0 => "M",
            1 => "L",
            _ => " ",
        };
        let _ = write!(d, "{sep}{} {}", fmt1(*x), fmt1(*y));
    }
    d.push('Z');
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_hand_worked() {
        // Frame lon 0..20, lat 50..70: middle latitude 60°, cos 60° = 0.5.
        // s = 200 px / (20° · 0.5) = 20 px per degree; height = 20° · 20 = 400 px.
        let frame = Frame {
            lon_min: 0.0,
            lon_max: 20.0,
            lat_min: 50.0,
            lat_max: 70.0,
        };
        let p = Projection::new(frame, 200.0);
        assert!((p.x_scale - 0.5).abs() < 1e-12);
        assert!((p.px_per_deg - 20.0).abs() < 1e-9);
        assert!((p.height_px - 400.0).abs() < 1e-9);
        // (10°E, 60°N): x = 10 · 0.5 · 20 = 100, y = (70 − 60) · 20 = 200.
        let (x, y) = p.project(10.0, 60.0);
        assert!((x - 100.0).abs() < 1e-9 && (y - 200.0).abs() < 1e-9);
        // Corners: top-left (0°, 70°) -> (0, 0); bottom-right (20°, 50°) -> (200, 400).
        let (x, y) = p.project(0.0, 70.0);
        assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
        let (x, y) = p.project(20.0, 50.0);
        assert!((x - 200.0).abs() < 1e-9 && (y - 400.0).abs() < 1e-9);
    }

    #[test]
    fn fmt1_is_fixed_and_never_negative_zero() {
        assert_eq!(fmt1(1.25), "1.3");
        assert_eq!(fmt1(-0.04), "0.0");
        assert_eq!(fmt1(3.0), "3.0");
        assert_eq!(fmt1(-2.06), "-2.1");
    }

    #[test]
    fn escape_covers_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn ring_skips_close_vertices_and_drops_degenerate_rings() {
        let frame = Frame {
            lon_min: 0.0,
            lon_max: 10.0,
            lat_min: 0.0,
            lat_max: 10.0,
        };
        let p = Projection::new(frame, 100.0);
        // About 10 px per degree; the 0.01° step (0.1 px) is skipped.
        let ring = [(0.0, 0.0), (0.01, 0.0), (5.0, 0.0), (5.0, 5.0), (0.0, 0.0)];
        let mut d = String::new();
        assert!(push_ring(&mut d, &ring, &p, 0.5));
        // s = 100 / (10 · cos 5°) = 10.038 px/°; the closing vertex repeats the first (Z).
        assert_eq!(d, "M0.0 100.4L50.0 100.4 50.0 50.2Z");
        let tiny = [(1.0, 1.0), (1.01, 1.0), (1.0, 1.01), (1.0, 1.0)];
        let mut d = String::new();
        assert!(!push_ring(&mut d, &tiny, &p, 0.5));
        assert!(d.is_empty());
    }
}
