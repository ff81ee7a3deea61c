//! [`CapIndex`]: fixed sites with one radius, for joining many points against them.
//!
//! Each site's cap (all points within R km) is registered in every grid cell its bounding box
//! overlaps, so a point needs one cell lookup and then only the exact test against the few
//! caps of that cell. [`join_within`] runs that over all events on the rayon thread pool and
//! returns the pair count, the fatality sum over pairs and per-site event counts.
//!
//! The join's lookup is batched: for a block of events, every cell key first (branch-free
//! arithmetic and one bit test in the bitmap of cells holding caps, `Buckets::batch_keys`:
//! four events at a time with AVX2 where the CPU has it, the scalar `Buckets::batch_key`
//! otherwise, the same keys bit for bit), then the unit vectors of the few events whose cell
//! holds caps, four at a time (`trig::unit_vectors_at`: AVX2 sine and cosine within 2e-15 of
//! libm's), then their exact tests (a cell's caps four at a time with AVX2,
//! `CapIndex::add_found_avx2`: the same verdicts as the scalar test, border lanes decided by
//! the haversine). Invariant: every path (AVX2 or scalar, one thread or many) gives the same
//! pairs as the brute-force haversine test; the tests check this on crowded cells and on
//! events at R ± a hair. Distances in km on the mean-radius sphere ([`crate::geodesy`]).
//!
//! The measurements behind these choices (what was tried, kept and dropped, with timings) are
//! in `bench/RESULTS.md`, section "CapIndex design history".

use rayon::prelude::*;

use super::grid::{Buckets, CapCells, CapRadius, ColSpan, GridSpec, KEY_EMPTY, KEY_RECHECK};
use super::trig::{unit_vectors_and_cos_lat, unit_vectors_at};
use super::{
    check_inputs, check_radius, chord2, chord2_of_km, chord_bounds, chord_verdict, unit_vector,
    ChordVerdict, SpatialError,
};
use crate::geodesy::haversine_km;

/// Cells per radius: smaller cells mean fewer candidates per point but more registrations per
/// cap. One cell per radius measured best once events are visited tile by tile (scale case:
/// build 0.07 s + join 0.47 s against 0.19 s + 0.58 s with two cells per radius).
const CELLS_PER_RADIUS: f64 = 1.0;

/// At most this many cells of the sites' bounding box (widened by R) per site: the build costs
/// about as much per cell of its window as per registration, so few sites get cells wider than
/// R (real case, 4,691 sites at 25 km: cells of 0.40° instead of 0.22°, a window of ~30,000
/// cells instead of ~119,000 and ~20,000 registrations instead of ~44,000; build 0.58 ms
/// against 0.83 ms, join unchanged within noise). Many sites keep one cell per radius (scale
/// case, 50,000 sites: the bound is not reached).
const MAX_CELLS_PER_SITE: f64 = 8.0;

/// From this many sites on, [`CapIndex::new`] prepares the sites (cells, unit vector) on the
/// rayon pool, in pieces of at least half of it.
const PARALLEL_PREP_MIN_SITES: usize = 2048;

/// A site as registered in a cell: its unit vector beside its id, so that testing a cell's
/// candidates reads one contiguous block of memory (the join is bound by memory latency).
/// `repr(C)` with explicit padding: 32 bytes, the unit vector first, so that the AVX2 test
/// ([`CapIndex::add_found_avx2`]) loads an entry as four f64 lanes (x, y, z, site and pad).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
struct CapEntry {
    unit: [f64; 3],
    site: u32,
    pad: u32,
}

/// Sites (lat, lon in degrees) with one radius in km, ready for point lookups.
#[derive(Debug, Clone)]
pub struct CapIndex {
    radius_km: f64,
    threshold2: f64,
    /// The chord² thresholds of [`chord_verdict`]: below `clear_in2` in, above `clear_out2`
    /// out, between them the haversine decides.
    clear_in2: f64,
    clear_out2: f64,
    lat: Vec<f64>,
    lon: Vec<f64>,
    buckets: Buckets<CapEntry>,
}

impl CapIndex {
    /// Indexes the sites. Sites with a non-finite coordinate are kept (their ids stay stable)
    /// but match nothing.
    pub fn new(lats: &[f64], lons: &[f64], radius_km: f64) -> Result<CapIndex, SpatialError> {
        check_inputs(lats, lons)?;
        check_radius(radius_km)?;
        let spec = GridSpec::for_points(
            radius_km,
            CELLS_PER_RADIUS,
            MAX_CELLS_PER_SITE,
            lats,
            lons,
            radius_km,
        );
        // Per site: its unit vector (once; a site is registered in several cells) and the
        // cosine of its latitude, four sites at a time (`unit_vectors_and_cos_lat`), then its
        // cells. On the rayon pool for many sites (a sine and a cosine of each coordinate and
        // an arcsine per site: ~40 % of the build for the real case's 4,691 sites with libm).
        let radius = CapRadius::new(radius_km);
        let n = lats.len();
        let mut units = vec![[0.0f64; 3]; n];
        let mut cos_lat = vec![0.0f64; n];
        let mut caps: Vec<Option<CapCells>> = vec![None; n];
        let prep = |start: usize,
                    units: &mut [[f64; 3]],
                    cos_lat: &mut [f64],
                    caps: &mut [Option<CapCells>]| {
            let range = start..start + units.len();
            let (lats, lons) = (&lats[range.clone()], &lons[range]);
            unit_vectors_and_cos_lat(lats, lons, units, cos_lat);
            for (i, cap) in caps.iter_mut().enumerate() {
                *cap = spec.cap_cells_with(lats[i], lons[i], cos_lat[i], &radius);
            }
        };
        if n >= PARALLEL_PREP_MIN_SITES {
            // Pieces of at least half the threshold, two per thread, a multiple of four.
            let piece = (n.div_ceil(2 * rayon::current_num_threads()))
                .max(PARALLEL_PREP_MIN_SITES / 2)
                .next_multiple_of(4);
            units
                .par_chunks_mut(piece)
                .zip(cos_lat.par_chunks_mut(piece))
                .zip(caps.par_chunks_mut(piece))
                .enumerate()
                .for_each(|(k, ((units, cos_lat), caps))| prep(k * piece, units, cos_lat, caps));
        } else {
            prep(0, &mut units, &mut cos_lat, &mut caps);
        }
        let window = cap_window(&spec, &caps);
        let buckets = Buckets::build(
            spec,
            window,
            |sink| {
                for (i, cap) in caps.iter().enumerate() {
                    if let Some(cells) = cap {
                        sink.put_cap(i as u32, &spec, cells);
                    }
                }
            },
            |site| CapEntry {
                unit: units[site as usize],
                site,
                pad: 0,
            },
        );
        let threshold2 = chord2_of_km(radius_km);
        let (clear_in2, clear_out2) = chord_bounds(threshold2);
        Ok(CapIndex {
            radius_km,
            threshold2,
            clear_in2,
            clear_out2,
            lat: lats.to_vec(),
            lon: lons.to_vec(),
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
        let Some(cell) = self.buckets.occupied_cell(lat, lon) else {
            return;
        };
        let candidates = self.buckets.cell_items(cell);
        let p = unit_vector(lat, lon);
        for entry in candidates {
            let (site, s) = (entry.site, entry.site as usize);
            let inside = match chord_verdict(chord2(&p, &entry.unit), self.threshold2) {
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

    /// Adds the pairs of one event to `acc`, given its cell (a window cell index from
    /// [`Buckets::occupied_cell`] or [`Buckets::batch_key`]). Same decisions as
    /// [`CapIndex::for_each_site_near`]: the chord decides clear cases, the haversine those
    /// within the border band.
    #[inline]
    fn add_event_in(&self, cell: usize, lat: f64, lon: f64, fatalities: u64, acc: &mut JoinTotals) {
        self.add_event_at(cell, &unit_vector(lat, lon), lat, lon, fatalities, acc);
    }

    /// [`CapIndex::add_event_in`] with the event's unit vector `p` given (within
    /// [`UNIT_ERROR`](super::UNIT_ERROR) of the exact one, as the chord bounds assume).
    #[inline]
    fn add_event_at(
        &self,
        cell: usize,
        p: &[f64; 3],
        lat: f64,
        lon: f64,
        fatalities: u64,
        acc: &mut JoinTotals,
    ) {
        // The event's pairs are counted in a register and added once: adding to `acc` per
        // pair made a chain of loads and stores through memory.
        let pairs = self.count_pairs(self.buckets.cell_items(cell), p, lat, lon, acc);
        acc.pairs += pairs;
        acc.fatalities += pairs * fatalities;
    }

    /// The pairs of an event (unit vector `p`) with the caps `entries`, one at a time: adds
    /// each pair to its site's count in `acc` and returns their number.
    #[inline]
    fn count_pairs(
        &self,
        entries: &[CapEntry],
        p: &[f64; 3],
        lat: f64,
        lon: f64,
        acc: &mut JoinTotals,
    ) -> u64 {
        let mut pairs = 0u64;
        for entry in entries {
            let s = entry.site as usize;
            let c2 = chord2(p, &entry.unit);
            let inside = if c2 < self.clear_in2 {
                true
            } else if c2 > self.clear_out2 {
                false
            } else {
                self.border_inside(s, lat, lon)
            };
            if inside {
                pairs += 1;
                acc.per_site_events[s] += 1;
            }
        }
        pairs
    }

    /// The pairs of a block's events with candidates (`found`: their indices in the block,
    /// `units`: their unit vectors, `keys`: the block's cell keys): [`CapIndex::add_event_at`]
    /// for each, with the AVX2 test where the CPU has it.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn add_found(
        &self,
        keys: &[u32],
        found: &[u16],
        units: &[[f64; 3]],
        lat: &[f64],
        lon: &[f64],
        fatalities: &[u32],
        acc: &mut JoinTotals,
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, the only feature the function is compiled for.
            unsafe { self.add_found_avx2(keys, found, units, lat, lon, fatalities, acc) };
            return;
        }
        for (&i, p) in found.iter().zip(units) {
            let i = i as usize;
            let f = fatalities[i] as u64;
            self.add_event_at(keys[i] as usize, p, lat[i], lon[i], f, acc);
        }
    }

    /// [`CapIndex::add_found`] with AVX2: a cell's caps four at a time (the four entries
    /// loaded and transposed into x, y and z lanes; the chord² by the same operations in the
    /// same order as [`chord2`], so the same verdicts), the clear-in and clear-out tests as
    /// lane masks, the border lanes by the haversine, and the sites of the lanes inside
    /// counted bit by bit; the last one to three caps of a cell one at a time.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments)]
    fn add_found_avx2(
        &self,
        keys: &[u32],
        found: &[u16],
        units: &[[f64; 3]],
        lat: &[f64],
        lon: &[f64],
        fatalities: &[u32],
        acc: &mut JoinTotals,
    ) {
        use std::arch::x86_64::*;
        let clear_in = _mm256_set1_pd(self.clear_in2);
        let clear_out = _mm256_set1_pd(self.clear_out2);
        for (&i, p) in found.iter().zip(units) {
            let i = i as usize;
            let (la, lo) = (lat[i], lon[i]);
            let entries = self.buckets.cell_items(keys[i] as usize);
            let (px, py, pz) = (
                _mm256_set1_pd(p[0]),
                _mm256_set1_pd(p[1]),
                _mm256_set1_pd(p[2]),
            );
            let mut pairs = 0u64;
            let mut quads = entries.chunks_exact(4);
            for q in &mut quads {
                // SAFETY: a CapEntry is 32 bytes of initialised data (repr(C): three f64, two
                // u32), so four f64 lanes read from its start stay inside it.
                let (e0, e1, e2, e3) = unsafe {
                    (
                        _mm256_loadu_pd((&q[0] as *const CapEntry).cast()),
                        _mm256_loadu_pd((&q[1] as *const CapEntry).cast()),
                        _mm256_loadu_pd((&q[2] as *const CapEntry).cast()),
                        _mm256_loadu_pd((&q[3] as *const CapEntry).cast()),
                    )
                };
                // (x0 x1 z0 z1), (y0 y1 w0 w1), (x2 x3 z2 z3), (y2 y3 w2 w3).
                let t0 = _mm256_unpacklo_pd(e0, e1);
                let t1 = _mm256_unpackhi_pd(e0, e1);
                let t2 = _mm256_unpacklo_pd(e2, e3);
                let t3 = _mm256_unpackhi_pd(e2, e3);
                let x = _mm256_permute2f128_pd::<0x20>(t0, t2);
                let y = _mm256_permute2f128_pd::<0x20>(t1, t3);
                let z = _mm256_permute2f128_pd::<0x31>(t0, t2);
                let (dx, dy, dz) = (
                    _mm256_sub_pd(px, x),
                    _mm256_sub_pd(py, y),
                    _mm256_sub_pd(pz, z),
                );
                let c2 = _mm256_add_pd(
                    _mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)),
                    _mm256_mul_pd(dz, dz),
                );
                let inside = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(c2, clear_in));
                let outside = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(c2, clear_out));
                let mut mask = inside as u32;
                let mut border = !(inside | outside) as u32 & 0b1111;
                while border != 0 {
                    let k = border.trailing_zeros() as usize;
                    if self.border_inside(q[k].site as usize, la, lo) {
                        mask |= 1 << k;
                    }
                    border &= border - 1;
                }
                pairs += mask.count_ones() as u64;
                while mask != 0 {
                    acc.per_site_events[q[mask.trailing_zeros() as usize].site as usize] += 1;
                    mask &= mask - 1;
                }
            }
            pairs += self.count_pairs(quads.remainder(), p, la, lo, acc);
            acc.pairs += pairs;
            acc.fatalities += pairs * fatalities[i] as u64;
        }
    }

    /// The haversine's verdict for a pair within the chord's border band (rare). Out of line
    /// and cold: inlined, the compiler hoisted the cosine of the event's latitude out of the
    /// candidate loop and computed it for every event with candidates (19,181 libm calls per
    /// join in the real case against a handful of border pairs).
    #[cold]
    #[inline(never)]
    fn border_inside(&self, s: usize, lat: f64, lon: f64) -> bool {
        haversine_km(self.lon[s], self.lat[s], lon, lat) <= self.radius_km
    }

    /// [`CapIndex::add_event_in`] for an event whose cell is not known yet.
    #[inline]
    fn add_event(&self, lat: f64, lon: f64, fatalities: u64, acc: &mut JoinTotals) {
        if let Some(cell) = self.buckets.occupied_cell(lat, lon) {
            self.add_event_in(cell, lat, lon, fatalities, acc);
        }
    }

    /// Adds the pairs of a run of events, in blocks: first every event's cell key without a
    /// branch ([`Buckets::batch_keys`]), then the unit vectors of the few events whose cell
    /// holds caps, four at a time ([`unit_vectors_at`]), then their exact tests. Most events
    /// of a join meet no cap; this way each costs a few arithmetic operations and a bit test
    /// instead of a chain of dependent branches. Events whose key asks for the exact lookup
    /// ([`KEY_RECHECK`]) take [`CapIndex::add_event`].
    fn add_events(&self, lat: &[f64], lon: &[f64], fatalities: &[u32], acc: &mut JoinTotals) {
        const BLOCK: usize = 256;
        let mut keys = [0u32; BLOCK];
        let mut found = [0u16; BLOCK];
        let mut units = [[0.0f64; 3]; BLOCK];
        for ((lat, lon), fatalities) in lat
            .chunks(BLOCK)
            .zip(lon.chunks(BLOCK))
            .zip(fatalities.chunks(BLOCK))
        {
            let keys = &mut keys[..lat.len()];
            self.buckets.batch_keys(lat, lon, keys);
            // The events with candidates, past four empty keys at a time.
            let mut n = 0;
            for (q, quad) in keys.chunks(4).enumerate() {
                if quad.iter().all(|&key| key == KEY_EMPTY) {
                    continue;
                }
                for (j, &key) in quad.iter().enumerate() {
                    let i = 4 * q + j;
                    if key == KEY_RECHECK {
                        self.add_event(lat[i], lon[i], fatalities[i] as u64, acc);
                    } else if key != KEY_EMPTY {
                        found[n] = i as u16;
                        n += 1;
                    }
                }
            }
            let found = &found[..n];
            unit_vectors_at(lat, lon, found, &mut units);
            self.add_found(keys, found, &units, lat, lon, fatalities, acc);
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

/// Joins events (lat, lon, fatalities) to the indexed sites: every pair at distance ≤ R.
/// Runs on the current rayon thread pool. Panics if the three event slices differ in length.
pub fn join_within(
    index: &CapIndex,
    ev_lat: &[f64],
    ev_lon: &[f64],
    ev_fatalities: &[u32],
) -> JoinTotals {
    let tile_sort = index.buckets.bytes() > TILE_SORT_MIN_INDEX_BYTES;
    join_within_ordered(index, ev_lat, ev_lon, ev_fatalities, tile_sort)
}

/// [`join_within`] with the event order chosen: tile by tile (`tile_sort`) or as given. Both
/// give the same totals (tested).
pub(crate) fn join_within_ordered(
    index: &CapIndex,
    ev_lat: &[f64],
    ev_lon: &[f64],
    ev_fatalities: &[u32],
    tile_sort: bool,
) -> JoinTotals {
    assert!(
        ev_lat.len() == ev_lon.len() && ev_lat.len() == ev_fatalities.len(),
        "event columns differ in length"
    );
    let nsites = index.len();
    let n = ev_lat.len();
    // Many chunks per thread balance the load (events come clustered by country, so some
    // chunks hold most of the candidates); the totals are folded per rayon job, not per chunk,
    // so small chunks cost no extra per-site arrays. Tile-sorted chunks are copied: at most
    // 2^20 events each, and fewer, larger ones.
    let threads = rayon::current_num_threads();
    let chunk = if tile_sort {
        (n / (4 * threads).max(1)).clamp(1 << 12, 1 << 20)
    } else {
        (n / (CHUNKS_PER_THREAD * threads).max(1)).clamp(1 << 11, 1 << 20)
    };
    let tasks = n.div_ceil(chunk);
    (0..tasks)
        .into_par_iter()
        .fold(
            || JoinTotals::empty(nsites),
            |mut acc, task| {
                let range = task * chunk..((task + 1) * chunk).min(n);
                if !tile_sort {
                    // A small index stays in cache whatever the order: events as they come.
                    index.add_events(
                        &ev_lat[range.clone()],
                        &ev_lon[range.clone()],
                        &ev_fatalities[range],
                        &mut acc,
                    );
                    return acc;
                }
                let sorted = TileSorted::of(
                    index,
                    &ev_lat[range.clone()],
                    &ev_lon[range.clone()],
                    &ev_fatalities[range],
                );
                for i in 0..sorted.lat.len() {
                    let fatalities = sorted.fatalities[i] as u64;
                    index.add_event(sorted.lat[i], sorted.lon[i], fatalities, &mut acc);
                }
                acc
            },
        )
        .reduce(|| JoinTotals::empty(nsites), JoinTotals::merge)
}

/// Chunks of events per thread in the join (events in input order): the real case's 167,543
/// events on 2 threads make 32 chunks of ~5,200.
const CHUNKS_PER_THREAD: usize = 16;

/// Below this size (offsets and entries) the index stays in the shared cache and events are
/// looked up in their input order: the tile sort would cost more than it saves (real case,
/// 4,691 sites, 2.9 MB: join 3.3–3.8 ms unsorted against 4.8–7.1 ms sorted, one thread).
const TILE_SORT_MIN_INDEX_BYTES: usize = 8 << 20;

/// Tiles events are grouped by are 2^4 = 16 cells a side: 16 × 16 cells' offsets and entries
/// (a few tens of KiB) stay in cache while a tile's events are tested.
const TILE_SHIFT: u32 = 4;

/// A chunk of events copied tile by tile (a counting sort; input order within a tile). Events
/// outside the index's window can meet no site and are left out. Looking events up in this
/// order, from contiguous copies, turns a join that waits on memory for every event into one
/// that works from cache; chunks bound the copies' memory.
struct TileSorted {
    lat: Vec<f64>,
    lon: Vec<f64>,
    fatalities: Vec<u32>,
}

impl TileSorted {
    fn of(index: &CapIndex, lat: &[f64], lon: &[f64], fatalities: &[u32]) -> TileSorted {
        let buckets = &index.buckets;
        let tiling = buckets.tiling(TILE_SHIFT);
        let ntiles = tiling.count;
        let keys: Vec<u32> = lat
            .iter()
            .zip(lon)
            .map(|(&la, &lo)| buckets.tile_of(la, lo, tiling).unwrap_or(u32::MAX))
            .collect();
        let mut starts = vec![0u32; ntiles + 1];
        for &k in &keys {
            if k != u32::MAX {
                starts[k as usize + 1] += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let kept = starts[ntiles] as usize;
        let mut out = TileSorted {
            lat: vec![0.0; kept],
            lon: vec![0.0; kept],
            fatalities: vec![0; kept],
        };
        for (e, &k) in keys.iter().enumerate() {
            if k != u32::MAX {
                let slot = starts[k as usize] as usize;
                starts[k as usize] += 1;
                out.lat[slot] = lat[e];
                out.lon[slot] = lon[e];
                out.fatalities[slot] = fatalities[e];
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event of the join against every site with the haversine: the reference.
    fn brute(
        slat: &[f64],
        slon: &[f64],
        elat: &[f64],
        elon: &[f64],
        f: &[u32],
        r: f64,
    ) -> JoinTotals {
        let mut t = JoinTotals::empty(slat.len());
        for s in 0..slat.len() {
            for e in 0..elat.len() {
                if haversine_km(slon[s], slat[s], elon[e], elat[e]) <= r {
                    t.pairs += 1;
                    t.fatalities += f[e] as u64;
                    t.per_site_events[s] += 1;
                }
            }
        }
        t
    }

    /// Radii from a millimetre to 25 km with events placed at R and a hair either side of it,
    /// along meridians and parallels (where the chord's cancellation is largest for tiny
    /// radii): the join and the per-point lookup agree with the brute-force haversine.
    #[test]
    fn tiny_radii_and_events_at_r_equal_brute_force() {
        for r in [1e-6, 1e-3, 0.01, 1.0, 25.0] {
            let (slat, slon) = (vec![12.3, -4.0, 60.0], vec![-1.5, 28.0, 100.0]);
            let index = CapIndex::new(&slat, &slon, r).unwrap();
            let deg = (r / crate::geodesy::EARTH_RADIUS_KM).to_degrees();
            let (elat, elon) = points_at_radius(
                &slat,
                &slon,
                deg,
                &[1.0 - 1e-9, 1.0 - 1e-12, 1.0, 1.0 + 1e-12, 1.0 + 1e-9],
            );
            let f: Vec<u32> = (0..elat.len() as u32).map(|i| i % 3 + 1).collect();
            let expected = brute(&slat, &slon, &elat, &elon, &f, r);
            assert!(expected.pairs > 10, "{r} km: {} pairs", expected.pairs);
            assert_eq!(join_within(&index, &elat, &elon, &f), expected, "{r} km");
            let mut per_site = vec![0u32; slat.len()];
            for (&la, &lo) in elat.iter().zip(&elon) {
                index.for_each_site_near(la, lo, |s| per_site[s as usize] += 1);
            }
            assert_eq!(per_site, expected.per_site_events, "{r} km");
        }
    }

    /// Points at `f` times the angular radius `deg` (degrees) north, south and east of every
    /// site, for each factor `f`, each also nudged by one ulp (north/south) or diagonally.
    fn points_at_radius(
        slat: &[f64],
        slon: &[f64],
        deg: f64,
        factors: &[f64],
    ) -> (Vec<f64>, Vec<f64>) {
        let (mut elat, mut elon) = (Vec::new(), Vec::new());
        for (&la, &lo) in slat.iter().zip(slon) {
            let dlon = deg / la.to_radians().cos();
            for f in factors {
                for (a, b) in [(la + deg * f, lo), (la - deg * f, lo), (la, lo + dlon * f)] {
                    for (x, y) in [(a, b), (a.next_up(), b), (a.next_down(), b.next_up())] {
                        elat.push(x);
                        elon.push(y);
                    }
                }
            }
        }
        (elat, elon)
    }

    /// Many caps per cell (the AVX2 test's blocks of four and the one to three left over),
    /// events at R and a hair either side of every site (border lanes inside a block of four),
    /// radii from a millimetre to 25 km: the join equals the brute-force haversine, and the
    /// per-point lookup too.
    #[test]
    fn crowded_cells_with_events_at_r_equal_brute_force() {
        for r in [1e-3, 1.0, 25.0] {
            let deg = (r / crate::geodesy::EARTH_RADIUS_KM).to_degrees();
            // 4 to 11 sites per cluster, within a fraction of R of each other.
            let (mut slat, mut slon) = (Vec::new(), Vec::new());
            for (c, (la, lo)) in [(12.3, -1.5), (-4.0, 28.0), (0.2, 179.99)]
                .iter()
                .enumerate()
            {
                for k in 0..(4 + 3 * c + c % 2) {
                    slat.push(la + deg * 0.1 * (k % 3) as f64);
                    slon.push(lo + deg * 0.07 * k as f64);
                }
            }
            let index = CapIndex::new(&slat, &slon, r).unwrap();
            let (elat, elon) = points_at_radius(
                &slat,
                &slon,
                deg,
                &[1.0 - 1e-9, 1.0 - 1e-12, 1.0, 1.0 + 1e-12, 1.0 + 1e-9, 0.5],
            );
            let f: Vec<u32> = (0..elat.len() as u32).map(|i| i % 4 + 1).collect();
            let expected = brute(&slat, &slon, &elat, &elon, &f, r);
            assert!(expected.pairs > 500, "{r} km: {} pairs", expected.pairs);
            let cell = index.buckets.occupied_cell(slat[0], slon[0]).unwrap();
            assert!(
                index.buckets.cell_items(cell).len() >= 4,
                "{r} km: cell not crowded"
            );
            assert_eq!(join_within(&index, &elat, &elon, &f), expected, "{r} km");
            let mut per_site = vec![0u32; slat.len()];
            for (&la, &lo) in elat.iter().zip(&elon) {
                index.for_each_site_near(la, lo, |s| per_site[s as usize] += 1);
            }
            assert_eq!(per_site, expected.per_site_events, "{r} km");
        }
    }

    /// Sites for the build tests: random over the sphere and clustered (many caps per cell),
    /// plus the poles, the antimeridian and caps that hold a pole or wrap, and non-finite ones.
    fn build_test_sites(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut next = crate::test_util::uniform_sequence(seed);
        let (mut lat, mut lon) = (Vec::new(), Vec::new());
        for i in 0..n {
            if i % 3 == 0 {
                lat.push(-90.0 + 180.0 * next());
                lon.push(-180.0 + 360.0 * next());
            } else {
                lat.push(5.0 + 3.0 * next());
                lon.push(10.0 + 4.0 * next());
            }
        }
        for (la, lo) in [
            (90.0, 0.0),
            (-90.0, 45.0),
            (89.95, 179.99),
            (-89.9, -179.9),
            (0.0, 180.0),
            (0.0, -180.0),
            (12.0, 179.95),
            (-33.0, -179.99),
            (f64::NAN, 10.0),
            (10.0, f64::INFINITY),
        ] {
            lat.push(la);
            lon.push(lo);
        }
        (lat, lon)
    }

    /// With enough sites for the parallel site preparation (on the pool), the
    /// index gives the brute-force join on one thread and on three.
    #[test]
    fn parallel_built_index_joins_like_brute_force() {
        let (slat, slon) = build_test_sites(PARALLEL_PREP_MIN_SITES + 500, 7);
        let mut next = crate::test_util::uniform_sequence(11);
        let (mut elat, mut elon) = (Vec::new(), Vec::new());
        for i in 0..4000 {
            let s = (i * 7) % slat.len();
            // Near a site (within ±0.4°), or anywhere.
            if i % 2 == 0 && slat[s].is_finite() && slon[s].is_finite() {
                elat.push((slat[s] + 0.8 * next() - 0.4).clamp(-90.0, 90.0));
                elon.push(slon[s] + 0.8 * next() - 0.4);
            } else {
                elat.push(-90.0 + 180.0 * next());
                elon.push(-180.0 + 360.0 * next());
            }
        }
        let f: Vec<u32> = (0..elat.len() as u32).map(|i| i % 7).collect();
        let expected = brute(&slat, &slon, &elat, &elon, &f, 25.0);
        assert!(expected.pairs > 1000, "{} pairs", expected.pairs);
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let got = pool.install(|| {
                let index = CapIndex::new(&slat, &slon, 25.0).unwrap();
                join_within(&index, &elat, &elon, &f)
            });
            assert_eq!(got, expected, "{threads} threads");
        }
    }

    /// The batched join's three kinds of event (cell with caps, empty cell or outside the
    /// window, rechecked because on a cell edge) against brute force, with events placed on
    /// the index's own cell edges next to the sites.
    #[test]
    fn batched_join_handles_empty_cells_and_cell_edges_exactly() {
        let slat = [12.3, 12.31, -4.0, 0.0, 35.0];
        let slon = [-1.5, -1.52, 28.0, 179.9, 10.0];
        let r = 25.0;
        let index = CapIndex::new(&slat, &slon, r).unwrap();
        let cell = index.buckets.spec.cell_deg;
        let (mut elat, mut elon) = (Vec::new(), Vec::new());
        for (&la, &lo) in slat.iter().zip(&slon) {
            // The cell edges around each site, and points on them along and across.
            let r0 = ((la + 90.0) / cell).floor() as i64;
            let c0 = ((lo + 180.0) / cell).floor() as i64;
            for k in -2..=3i64 {
                let edge_lat = (r0 + k) as f64 * cell - 90.0;
                let edge_lon = (c0 + k) as f64 * cell - 180.0;
                for t in -4..=4 {
                    let step = t as f64 * 0.03;
                    elat.extend([edge_lat, edge_lat.next_up(), la + step]);
                    elon.extend([lo + step, lo - step, edge_lon]);
                }
            }
            // Far from every site: empty cells inside the window and points outside it.
            elat.extend([la + 3.0, la - 40.0, la]);
            elon.extend([lo + 3.0, lo, lo + 90.0]);
        }
        // Across the antimeridian from site 3, and non-finite.
        elat.extend([0.0, 0.0, f64::NAN]);
        elon.extend([-179.95, 180.0, 0.0]);
        let f: Vec<u32> = (0..elat.len() as u32).map(|i| i % 5 + 1).collect();
        let expected = brute(&slat, &slon, &elat, &elon, &f, r);
        assert!(
            expected.pairs > 100,
            "too few pairs to test: {}",
            expected.pairs
        );
        // Several event orders and chunkings through the block loop.
        assert_eq!(
            join_within_ordered(&index, &elat, &elon, &f, false),
            expected
        );
        assert_eq!(
            join_within_ordered(&index, &elat, &elon, &f, true),
            expected
        );
        let mut acc = JoinTotals::empty(slat.len());
        index.add_events(&elat, &elon, &f, &mut acc);
        assert_eq!(acc, expected);
    }
}
