//! [`CapIndex`]: fixed sites with one radius, for joining many points against them.
//!
//! Each site's cap (all points within R km) is registered in every grid cell its bounding box
//! overlaps, so a point needs one cell lookup and then only the exact test against the few
//! caps of that cell. [`join_within`] runs that over all events on the rayon thread pool and
//! returns the pair count, the fatality sum over pairs and per-site event counts.

use rayon::prelude::*;

use super::grid::{Buckets, ColSpan, GridSpec};
use super::{
    check_inputs, check_radius, chord2, chord2_of_km, chord_verdict, unit_vector, ChordVerdict,
    SpatialError,
};
use crate::geodesy::haversine_km;

/// Cells per radius: smaller cells mean fewer candidates per point but more registrations per
/// cap. Two measured best on the exposure benchmark (see bench/RESULTS.md).
const CELLS_PER_RADIUS: f64 = 2.0;

/// Sites (lat, lon in degrees) with one radius in km, ready for point lookups.
#[derive(Debug, Clone)]
pub struct CapIndex {
    radius_km: f64,
    threshold2: f64,
    lat: Vec<f64>,
    lon: Vec<f64>,
    unit: Vec<[f64; 3]>,
    buckets: Buckets,
}

impl CapIndex {
    /// Indexes the sites. Sites with a non-finite coordinate are kept (their ids stay stable)
    /// but match nothing.
    pub fn new(lats: &[f64], lons: &[f64], radius_km: f64) -> Result<CapIndex, SpatialError> {
        check_inputs(lats, lons)?;
        check_radius(radius_km)?;
        let spec = GridSpec::for_points(radius_km, CELLS_PER_RADIUS, lats, lons, radius_km);
        let caps: Vec<_> = lats
            .iter()
            .zip(lons)
            .map(|(&lat, &lon)| spec.cap_cells(lat, lon, radius_km))
            .collect();
        let window = cap_window(&spec, &caps);
        let buckets = Buckets::build(spec, window, |put| {
            for (i, cap) in caps.iter().enumerate() {
                if let Some(cells) = cap {
                    Buckets::for_each_grid_cell(&spec, cells, |row, col| put(i as u32, row, col));
                }
            }
        });
        Ok(CapIndex {
            radius_km,
            threshold2: chord2_of_km(radius_km),
            lat: lats.to_vec(),
            lon: lons.to_vec(),
            unit: lats
                .iter()
                .zip(lons)
                .map(|(&la, &lo)| unit_vector(la, lo))
                .collect(),
            buckets,
        })
    }

    pub fn radius_km(&self) -> f64 {
        self.radius_km
    }

    pub fn len(&self) -> usize {
        self.lat.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lat.is_empty()
    }

    /// Calls `f(site)` for every site within the radius of (lat, lon), in increasing site id.
    #[inline]
    pub fn for_each_site_near(&self, lat: f64, lon: f64, mut f: impl FnMut(u32)) {
        let Some((row, col)) = self.buckets.spec.cell_of(lat, lon) else {
            return;
        };
        let candidates = self.buckets.cell(row, col);
        if candidates.is_empty() {
            return;
        }
        let p = unit_vector(lat, lon);
        for &site in candidates {
            let s = site as usize;
            let inside = match chord_verdict(chord2(&p, &self.unit[s]), self.threshold2) {
                ChordVerdict::In => true,
                ChordVerdict::Out => false,
                ChordVerdict::Border => {
                    haversine_km(self.lon[s], self.lat[s], lon, lat) <= self.radius_km
                }
            };
            if inside {
                f(site);
            }
        }
    }
}

/// The grid window holding every cap's cells: the whole width when any cap wraps the
/// antimeridian or spans all longitudes. None when there is no cap.
fn cap_window(
    spec: &GridSpec,
    caps: &[Option<super::grid::CapCells>],
) -> Option<(u32, u32, u32, u32)> {
    let mut window: Option<(u32, u32, u32, u32)> = None;
    for cells in caps.iter().flatten() {
        let (c_lo, c_hi) = match cells.cols {
            ColSpan::Range { start, len } if start + len <= spec.ncols => (start, start + len - 1),
            _ => (0, spec.ncols - 1),
        };
        window = Some(match window {
            None => (cells.row_lo, cells.row_hi, c_lo, c_hi),
            Some((a, b, c, d)) => (
                a.min(cells.row_lo),
                b.max(cells.row_hi),
                c.min(c_lo),
                d.max(c_hi),
            ),
        });
    }
    window
}

/// The result of joining events to sites within R.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinTotals {
    /// Number of (event, site) pairs within R.
    pub pairs: u64,
    /// Sum over pairs of the events' fatalities (an event near two sites counts twice).
    pub fatalities: u64,
    /// Events within R of each site, indexed like the sites given to [`CapIndex::new`].
    pub per_site_events: Vec<u32>,
}

impl JoinTotals {
    fn empty(sites: usize) -> JoinTotals {
        JoinTotals {
            pairs: 0,
            fatalities: 0,
            per_site_events: vec![0; sites],
        }
    }

    fn merge(mut self, other: JoinTotals) -> JoinTotals {
        self.pairs += other.pairs;
        self.fatalities += other.fatalities;
        for (a, b) in self.per_site_events.iter_mut().zip(&other.per_site_events) {
            *a += b;
        }
        self
    }
}

/// Events per parallel task: large enough that per-task per-site arrays cost little.
const EVENTS_PER_TASK: usize = 1 << 16;

/// Joins events (lat, lon, fatalities) to the indexed sites: every pair at distance ≤ R.
/// Runs on the current rayon thread pool. Panics if the three event slices differ in length.
pub fn join_within(
    index: &CapIndex,
    ev_lat: &[f64],
    ev_lon: &[f64],
    ev_fatalities: &[u32],
) -> JoinTotals {
    assert!(
        ev_lat.len() == ev_lon.len() && ev_lat.len() == ev_fatalities.len(),
        "event columns differ in length"
    );
    let nsites = index.len();
    let tasks = ev_lat.len().div_ceil(EVENTS_PER_TASK);
    (0..tasks)
        .into_par_iter()
        .map(|task| {
            let start = task * EVENTS_PER_TASK;
            let end = (start + EVENTS_PER_TASK).min(ev_lat.len());
            let mut acc = JoinTotals::empty(nsites);
            for e in start..end {
                let fatalities = ev_fatalities[e] as u64;
                index.for_each_site_near(ev_lat[e], ev_lon[e], |site| {
                    acc.pairs += 1;
                    acc.fatalities += fatalities;
                    acc.per_site_events[site as usize] += 1;
                });
            }
            acc
        })
        .reduce(|| JoinTotals::empty(nsites), JoinTotals::merge)
}
