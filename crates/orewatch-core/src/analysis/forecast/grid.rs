//! PRIO-GRID: the 0.5° × 0.5° global grid of Tollefsen, Strand & Buhaug (2012, JPR 49(2)),
//! the spatial unit of the VIEWS forecasts.
//!
//! Cells are numbered `gid = row · 720 + col + 1` with 0-based `row = floor((lat + 90) / 0.5)`
//! counted from the south pole and `col = floor((lon + 180) / 0.5)` counted from the
//! antimeridian eastwards. A point on a cell edge belongs to the cell to its north / east
//! (floor), so the equator and the prime meridian start rows and columns. The north pole
//! (lat = 90) and lon = 180 are folded into the last row / first column. Units: degrees.

/// Cells per row (360° / 0.5°).
pub const COLS: u32 = 720;
/// Rows (180° / 0.5°).
pub const ROWS: u32 = 360;
/// Cell edge in degrees.
pub const CELL_DEG: f64 = 0.5;

/// One PRIO-GRID cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GridCell {
    /// 0-based row from the south.
    pub row: u32,
    /// 0-based column from the antimeridian.
    pub col: u32,
}

impl GridCell {
    /// The cell holding a point; None for coordinates outside [-90, 90] × [-180, 180] or NaN.
    pub fn of(lat: f64, lon: f64) -> Option<GridCell> {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return None;
        }
        let row = (((lat + 90.0) / CELL_DEG).floor() as u32).min(ROWS - 1);
        let col = ((lon + 180.0) / CELL_DEG).floor() as u32 % COLS;
        Some(GridCell { row, col })
    }

    /// The cell with this gid (1 ..= 259,200).
    pub fn from_gid(gid: u32) -> Option<GridCell> {
        if gid == 0 || gid > ROWS * COLS {
            return None;
        }
        Some(GridCell {
            row: (gid - 1) / COLS,
            col: (gid - 1) % COLS,
        })
    }

    pub fn gid(self) -> u32 {
        self.row * COLS + self.col + 1
    }

    /// Latitude of the cell centre, degrees.
    pub fn centre_lat(self) -> f64 {
        -90.0 + (self.row as f64 + 0.5) * CELL_DEG
    }

    /// Longitude of the cell centre, degrees.
    pub fn centre_lon(self) -> f64 {
        -180.0 + (self.col as f64 + 0.5) * CELL_DEG
    }

    /// The cells at Chebyshev distance exactly `ring` (ring 1: the 8 neighbours, ring 2: the
    /// 16 around them), wrapping across the antimeridian, none beyond the poles.
    pub fn ring(self, ring: u32) -> Vec<GridCell> {
        let r = ring as i64;
        let mut out = Vec::new();
        for dr in -r..=r {
            for dc in -r..=r {
                if dr.abs().max(dc.abs()) != r {
                    continue;
                }
                let row = self.row as i64 + dr;
                if row < 0 || row >= ROWS as i64 {
                    continue;
                }
                let col = (self.col as i64 + dc).rem_euclid(COLS as i64);
                out.push(GridCell {
                    row: row as u32,
                    col: col as u32,
                });
            }
        }
        out
    }
}

/// The gid of the cell holding a point (see [`GridCell::of`]).
pub fn gid_of(lat: f64, lon: f64) -> Option<u32> {
    GridCell::of(lat, lon).map(GridCell::gid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bamako_is_147945() {
        // row = floor((12.64 + 90) / 0.5) = floor(205.28) = 205;
        // col = floor((-8.00 + 180) / 0.5) = 344; gid = 205·720 + 344 + 1 = 147,945.
        assert_eq!(gid_of(12.64, -8.00), Some(147_945));
        let c = GridCell::from_gid(147_945).unwrap();
        assert_eq!((c.row, c.col), (205, 344));
        assert_eq!((c.centre_lat(), c.centre_lon()), (12.75, -7.75));
    }

    #[test]
    fn edges_belong_to_the_cell_north_and_east() {
        // The origin (0, 0) starts row 180 and column 360.
        assert_eq!(gid_of(0.0, 0.0), Some(180 * 720 + 360 + 1));
        assert_eq!(gid_of(-0.000_001, -0.000_001), Some(179 * 720 + 359 + 1));
        // Lat 12.5 is an edge: it belongs to row 205 (north), 12.499 to row 204.
        assert_eq!(GridCell::of(12.5, 1.0).unwrap().row, 205);
        assert_eq!(GridCell::of(12.499, 1.0).unwrap().row, 204);
        // Corners of the grid.
        assert_eq!(gid_of(-90.0, -180.0), Some(1));
        assert_eq!(gid_of(90.0, 179.9), Some(360 * 720));
        assert_eq!(gid_of(10.0, 180.0), gid_of(10.0, -180.0));
        assert_eq!(gid_of(91.0, 0.0), None);
        assert_eq!(gid_of(f64::NAN, 0.0), None);
    }

    #[test]
    fn both_hemispheres() {
        // Southern and eastern: Johannesburg −26.20, 28.05 → row floor(63.8/0.5)=127,
        // col floor(208.05/0.5)=416 → 127·720 + 416 + 1 = 91,857.
        assert_eq!(gid_of(-26.20, 28.05), Some(91_857));
        // Northern and western: Nouakchott 18.09, −15.98 → row 216, col 328 → 155,849.
        assert_eq!(gid_of(18.09, -15.98), Some(216 * 720 + 328 + 1));
        for gid in [1, 720, 721, 147_945, 259_200] {
            let c = GridCell::from_gid(gid).unwrap();
            assert_eq!(gid_of(c.centre_lat(), c.centre_lon()), Some(gid));
        }
        assert_eq!(GridCell::from_gid(0), None);
        assert_eq!(GridCell::from_gid(259_201), None);
    }

    #[test]
    fn rings_wrap_and_stop_at_poles() {
        let c = GridCell { row: 100, col: 0 };
        let r1 = c.ring(1);
        assert_eq!(r1.len(), 8);
        assert!(r1.contains(&GridCell { row: 100, col: 719 }));
        assert_eq!(c.ring(2).len(), 16);
        assert_eq!(GridCell { row: 0, col: 5 }.ring(1).len(), 5);
    }
}
