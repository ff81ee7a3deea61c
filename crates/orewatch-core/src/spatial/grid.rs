//! The regular latitude/longitude grid under both indexes, and the cells a spherical cap
//! covers.
//!
//! Cells are `cell_deg` degrees square; columns count eastward from −180°, rows northward from
//! −90°. `cell_deg` divides 360 exactly so that column numbers wrap at the antimeridian; the
//! last row may be cut short at the north pole (a point at exactly 90° belongs to it).
//!
//! A cap of angular radius δ around (φ0, λ0) lies within latitudes φ0 ± δ and, unless it holds
//! a pole (|φ0| + δ ≥ 90°), within longitudes λ0 ± asin(sin δ / cos φ0) (Bounding box of a
//! spherical cap; J. P. Matuschek, "Finding Points Within a Distance of a Latitude/Longitude
//! Using Bounding Coordinates"). A cap that holds a pole spans every longitude. Each bound is
//! widened by [`MARGIN_DEG`] so that rounding never leaves a point just inside R outside the
//! cells visited.

use crate::geodesy::EARTH_RADIUS_KM;

/// Widening of every cap bound, in degrees (about 1 cm): far above the rounding of the bound
/// arithmetic (~1e-13°), far below any radius of interest.
pub(crate) const MARGIN_DEG: f64 = 1e-7;

/// Smallest and largest cell sizes used, degrees: bounds the memory of a dense grid
/// (0.1° → 3,600 × 1,800 cells at most) and keeps huge radii from making one cell.
const MIN_CELL_DEG: f64 = 0.1;
const MAX_CELL_DEG: f64 = 30.0;

/// At most this many cells per indexed point in the points' bounding box, by default (but
/// always allow [`MIN_CELL_BUDGET`] cells): keeps the dense grid proportional to the data.
pub(crate) const MAX_CELLS_PER_POINT: f64 = 128.0;
const MIN_CELL_BUDGET: f64 = 4096.0;

/// ⌊x⌋ for finite x of moderate size, without a libm call (x86-64's baseline has no rounding
/// instruction, and this sits on the hot path of every lookup): truncate, then step down for
/// negative non-integers. Equal to `x.floor() as i64` for |x| < 2^53.
#[inline]
fn floor_i64(x: f64) -> i64 {
    let t = x as i64;
    if (t as f64) > x {
        t - 1
    } else {
        t
    }
}

/// Beyond this many cells from the origin, [`floor_cells`] divides (longitudes far outside
/// ±180°, which the hot paths never see): below it, the product's error stays far inside
/// [`EDGE_BAND`].
const FAST_CELLS_LIMIT: f64 = 1e6;

/// How close (in cells) the product `x · (1/cell)` may come to a whole number before
/// [`floor_cells`] falls back to the division. The product differs from the rounded quotient
/// `x / cell` by at most 3 units in the last place of a number below [`FAST_CELLS_LIMIT`]
/// (≈ 3.4e-10), so outside this band both have the same floor.
const EDGE_BAND: f64 = 1e-9;

/// ⌊x / cell⌋ as the division `x / cell_deg` would give it, computed with a multiply by
/// `inv_cell = 1 / cell_deg` in all but the rare cases where the product lies within
/// [`EDGE_BAND`] of a whole number (a point on or a hair from a cell edge): those divide, so
/// a point exactly on an edge goes to the same cell as with the division.
///
/// Why that is exact: let q = fl(x / c) and m = fl(x · fl(1/c)). Each rounding is relative
/// error ≤ u = 2⁻⁵³, so |m − x/c| ≤ (2u + u²)·|x/c| and |q − x/c| ≤ u·|x/c|, hence
/// |m − q| ≤ 3.01u·|m|(1 + 3u) < 3.4e-10 for |m| < 1e6. If the fractional part of m is in
/// (EDGE_BAND, 1 − EDGE_BAND), no integer lies within 1e-9 of m, so q has the same floor.
#[inline]
fn floor_cells(x: f64, cell_deg: f64, inv_cell: f64) -> i64 {
    let m = x * inv_cell;
    if m.abs() < FAST_CELLS_LIMIT {
        let f = floor_i64(m);
        // f ≤ m < f + 1: exact when |m| ≥ 1, within 2⁻⁵³ otherwise (far inside the band).
        let frac = m - f as f64;
        if frac > EDGE_BAND && frac < 1.0 - EDGE_BAND {
            return f;
        }
    }
    floor_i64(x / cell_deg)
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GridSpec {
    pub cell_deg: f64,
    pub ncols: u32,
    pub nrows: u32,
    /// 1 / cell_deg, for the cell lookups ([`floor_cells`]).
    inv_cell: f64,
}

/// The columns a cap covers: all of them, or `len` columns from `start` going east, wrapping
/// past the antimeridian when `start + len > ncols`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ColSpan {
    All,
    Range { start: u32, len: u32 },
}

/// The cells under a cap's bounding box: rows `row_lo..=row_hi` × `cols`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CapCells {
    pub row_lo: u32,
    pub row_hi: u32,
    pub cols: ColSpan,
}

impl GridSpec {
    /// A grid whose cells are about `radius_km / cells_per_radius` across (in latitude), but
    /// never so fine that the bounding box of the points (`lats`, `lons`, widened by
    /// `widen_km` when caps are indexed) holds more than `max_cells_per_point` cells per
    /// point: few points get a coarse grid, so building it costs no more than the points.
    pub fn for_points(
        radius_km: f64,
        cells_per_radius: f64,
        max_cells_per_point: f64,
        lats: &[f64],
        lons: &[f64],
        widen_km: f64,
    ) -> GridSpec {
        let radius_deg = (radius_km / EARTH_RADIUS_KM).to_degrees();
        let mut hint = radius_deg / cells_per_radius;
        let widen_deg = (widen_km / EARTH_RADIUS_KM).to_degrees();
        let (mut lat_lo, mut lat_hi, mut lon_lo, mut lon_hi) =
            (90.0f64, -90.0f64, 180.0f64, -180.0f64);
        let mut n = 0usize;
        for (&lat, &lon) in lats.iter().zip(lons) {
            if lat.is_finite() && lon.is_finite() {
                n += 1;
                (lat_lo, lat_hi) = (lat_lo.min(lat), lat_hi.max(lat));
                (lon_lo, lon_hi) = (lon_lo.min(lon), lon_hi.max(lon));
            }
        }
        if n > 0 {
            let height = (lat_hi - lat_lo + 2.0 * widen_deg).min(180.0);
            let width = (lon_hi - lon_lo + 2.0 * widen_deg * 3.0).min(360.0);
            let max_cells = (n as f64 * max_cells_per_point).max(MIN_CELL_BUDGET);
            hint = hint.max((height * width / max_cells).sqrt());
        }
        GridSpec::with_cell(hint)
    }

    /// A grid with cells of about `hint_deg` (clamped to 0.1°–30°, adjusted to divide 360).
    pub fn with_cell(hint_deg: f64) -> GridSpec {
        let hint = if hint_deg.is_finite() {
            hint_deg.clamp(MIN_CELL_DEG, MAX_CELL_DEG)
        } else {
            MAX_CELL_DEG
        };
        let ncols = ((360.0 / hint).floor() as u32).max(1);
        let cell_deg = 360.0 / ncols as f64;
        let nrows = ((180.0 / cell_deg).ceil() as u32).max(1);
        GridSpec {
            cell_deg,
            ncols,
            nrows,
            inv_cell: 1.0 / cell_deg,
        }
    }

    /// The cell of a point, or None when a coordinate is not a finite number.
    #[inline]
    pub fn cell_of(&self, lat: f64, lon: f64) -> Option<(u32, u32)> {
        if !lat.is_finite() || !lon.is_finite() {
            return None;
        }
        Some((self.row_of(lat), self.col_of(lon)))
    }

    /// The row of a finite latitude: ⌊(lat + 90) / cell_deg⌋, clamped to the grid.
    #[inline]
    fn row_of(&self, lat: f64) -> u32 {
        let r = floor_cells(lat + 90.0, self.cell_deg, self.inv_cell);
        r.clamp(0, self.nrows as i64 - 1) as u32
    }

    /// The column of a finite longitude: ⌊(lon + 180) / cell_deg⌋, wrapped to the grid.
    #[inline]
    fn col_of(&self, lon: f64) -> u32 {
        // Longitudes in [-180, 180] need at most one wrap (180° itself is column 0).
        wrap_col(
            floor_cells(lon + 180.0, self.cell_deg, self.inv_cell),
            self.ncols as i64,
        )
    }

    /// The cells a cap of `radius_km` around (lat, lon) may touch. None for non-finite input.
    pub fn cap_cells(&self, lat: f64, lon: f64, radius_km: f64) -> Option<CapCells> {
        self.cap_cells_with(lat, lon, lat.to_radians().cos(), &CapRadius::new(radius_km))
    }

    /// [`GridSpec::cap_cells`] with the cosine of the latitude and the radius's constants
    /// computed by the caller (once per site and once per radius when indexing many caps).
    pub fn cap_cells_with(
        &self,
        lat: f64,
        lon: f64,
        cos_lat: f64,
        radius: &CapRadius,
    ) -> Option<CapCells> {
        if !lat.is_finite() || !lon.is_finite() {
            return None;
        }
        let lat_lo = lat - radius.delta_deg - MARGIN_DEG;
        let lat_hi = lat + radius.delta_deg + MARGIN_DEG;
        let row_lo = self.row_of(lat_lo.max(-90.0));
        let row_hi = self.row_of(lat_hi.min(90.0));
        let holds_pole = lat_hi >= 90.0 || lat_lo <= -90.0;
        let cols = if holds_pole {
            ColSpan::All
        } else {
            let ratio = radius.sin_delta / cos_lat;
            if ratio.is_nan() || ratio >= 1.0 - 1e-12 {
                ColSpan::All
            } else {
                let half_width = ratio.asin().to_degrees() + MARGIN_DEG;
                let c_lo = floor_i64((lon - half_width + 180.0) / self.cell_deg);
                let c_hi = floor_i64((lon + half_width + 180.0) / self.cell_deg);
                let len = c_hi - c_lo + 1;
                if len >= self.ncols as i64 {
                    ColSpan::All
                } else {
                    ColSpan::Range {
                        start: wrap_col(c_lo, self.ncols as i64),
                        len: len as u32,
                    }
                }
            }
        };
        Some(CapCells {
            row_lo,
            row_hi,
            cols,
        })
    }
}

/// A column number reduced to `0..n`: an integer division only when it is outside `-n..2n`
/// (longitudes beyond ±360°), which the hot paths never see.
#[inline]
fn wrap_col(c: i64, n: i64) -> u32 {
    let c = if c < 0 {
        c + n
    } else if c >= n {
        c - n
    } else {
        c
    };
    if (0..n).contains(&c) {
        c as u32
    } else {
        c.rem_euclid(n) as u32
    }
}

/// The constants of a cap radius that [`GridSpec::cap_cells_with`] needs: its angle δ in
/// degrees and sin δ.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CapRadius {
    delta_deg: f64,
    sin_delta: f64,
}

impl CapRadius {
    pub fn new(radius_km: f64) -> CapRadius {
        let delta = radius_km / EARTH_RADIUS_KM;
        CapRadius {
            delta_deg: delta.to_degrees(),
            sin_delta: delta.sin(),
        }
    }
}

/// [`Buckets::batch_key`] of a point whose cell holds nothing (or lies outside the window).
pub(crate) const KEY_EMPTY: u32 = u32::MAX;
/// [`Buckets::batch_key`] of a point that needs the exact lookup.
pub(crate) const KEY_RECHECK: u32 = u32::MAX - 1;

/// The constants of one axis (rows from latitudes, or columns from longitudes) for
/// [`Buckets::batch_keys_avx2`], four lanes wide.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct AxisConsts {
    offset: std::arch::x86_64::__m256d,
    inv_cell: std::arch::x86_64::__m256d,
    grid_len: std::arch::x86_64::__m256d,
    window_start: std::arch::x86_64::__m256d,
    window_len: std::arch::x86_64::__m256d,
}

#[cfg(target_arch = "x86_64")]
impl AxisConsts {
    /// `offset`: 90 for latitudes, 180 for longitudes; `grid_len`: the grid's rows or
    /// columns; the window's first row or column and its length.
    #[target_feature(enable = "avx2")]
    fn new(offset: f64, spec: &GridSpec, grid_len: u32, start: u32, len: u32) -> AxisConsts {
        use std::arch::x86_64::_mm256_set1_pd;
        AxisConsts {
            offset: _mm256_set1_pd(offset),
            inv_cell: _mm256_set1_pd(spec.inv_cell),
            grid_len: _mm256_set1_pd(grid_len as f64),
            window_start: _mm256_set1_pd(start as f64),
            window_len: _mm256_set1_pd(len as f64),
        }
    }

    /// For four coordinates, as [`Buckets::batch_key`] computes them: the cell number
    /// relative to the window (f64, whole), the mask of lanes whose cell the product vouches
    /// for (in 0..FAST_CELLS_LIMIT, clear of edges by [`EDGE_BAND`], inside the grid; false
    /// for NaN), and the mask of lanes inside the window.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn cell(
        &self,
        x: std::arch::x86_64::__m256d,
    ) -> (
        std::arch::x86_64::__m256d,
        std::arch::x86_64::__m256d,
        std::arch::x86_64::__m256d,
    ) {
        use std::arch::x86_64::*;
        let m = _mm256_mul_pd(_mm256_add_pd(x, self.offset), self.inv_cell);
        let f = _mm256_round_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(m);
        let frac = _mm256_sub_pd(m, f);
        let in_range = _mm256_and_pd(
            _mm256_cmp_pd::<_CMP_GE_OQ>(m, _mm256_setzero_pd()),
            _mm256_cmp_pd::<_CMP_LT_OQ>(m, _mm256_set1_pd(FAST_CELLS_LIMIT)),
        );
        let clear = _mm256_and_pd(
            _mm256_cmp_pd::<_CMP_GT_OQ>(frac, _mm256_set1_pd(EDGE_BAND)),
            _mm256_cmp_pd::<_CMP_LT_OQ>(frac, _mm256_set1_pd(1.0 - EDGE_BAND)),
        );
        let in_grid = _mm256_cmp_pd::<_CMP_LT_OQ>(f, self.grid_len);
        let exact = _mm256_and_pd(_mm256_and_pd(in_range, clear), in_grid);
        let w = _mm256_sub_pd(f, self.window_start);
        let in_window = _mm256_and_pd(
            _mm256_cmp_pd::<_CMP_GE_OQ>(w, _mm256_setzero_pd()),
            _mm256_cmp_pd::<_CMP_LT_OQ>(w, self.window_len),
        );
        (w, exact, in_window)
    }
}

/// Square tiles of cells over a [`Buckets`] window (see [`Buckets::tile_of`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tiling {
    shift: u32,
    per_row: u32,
    /// Number of tiles.
    pub count: usize,
}

/// A window of the grid (rows `row0..row0+nrows`, columns `col0..col0+ncols`, never wrapping)
/// holding, per cell, a list of items (ids, or ids with the data the lookup needs, so that a
/// cell's candidates sit together in memory) in compressed sparse row form.
#[derive(Debug, Clone)]
pub(crate) struct Buckets<T> {
    pub spec: GridSpec,
    row0: u32,
    nrows: u32,
    col0: u32,
    ncols: u32,
    offsets: Vec<u32>,
    items: Vec<T>,
    /// One bit per window cell (row-major, like `offsets`): set when the cell holds an item.
    /// 64 times smaller than the offsets, so it stays in L1 cache: a point in an empty cell
    /// costs one bit test ([`Buckets::occupied_cell`]).
    occupied: Vec<u64>,
}

/// A run of cells of one window row registered for one item: row `row`, columns
/// `col_lo..col_hi`, all relative to the window.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    row: u32,
    col_lo: u32,
    col_hi: u32,
    id: u32,
}

/// The registrations of items in cells, collected in one pass before they are grouped by cell
/// ([`Buckets::build`]): runs of cells along a row ([`Span`]s), in the order they were made,
/// and the number of spans per row.
pub(crate) struct CellSink {
    row0: u32,
    nrows: u32,
    col0: u32,
    ncols: u32,
    /// `row_counts[row + 1]` is the number of spans in window row `row`.
    row_counts: Vec<u32>,
    spans: Vec<Span>,
    /// Total number of (item, cell) registrations.
    entries: usize,
}

impl CellSink {
    fn new(row0: u32, nrows: u32, col0: u32, ncols: u32) -> CellSink {
        CellSink {
            row0,
            nrows,
            col0,
            ncols,
            row_counts: vec![0; nrows as usize + 1],
            spans: Vec::new(),
            entries: 0,
        }
    }

    /// Groups the registrations by cell: writes the end of every cell of the sink's rows
    /// (row-major, the entries before it) to `offsets` and the stored
    /// items to `items` (exactly `self.entries` of them), each cell's in registration order.
    ///
    /// A counting sort done row by row, so that every random access stays in a row-sized
    /// buffer in L1 cache: the spans are first grouped by row (a stable counting sort over
    /// the rows); then, for each row in turn, the items per column are counted, a prefix sum
    /// gives the row's offsets, the ids are scattered to their columns in a row buffer, and
    /// the stored items are written from it. (A counting sort over the whole window at once
    /// touches the per-cell counts at random, and for a few thousand caps that cost more
    /// than all the rest.)
    fn fill<T>(self, offsets: &mut [u32], items: &mut [T], item: &impl Fn(u32) -> T) {
        let CellSink {
            nrows,
            ncols,
            row_counts: mut row_starts,
            spans,
            entries,
            ..
        } = self;
        debug_assert_eq!(items.len(), entries);
        debug_assert_eq!(offsets.len(), nrows as usize * ncols as usize);
        // Spans grouped by row, in registration order within a row.
        for r in 1..row_starts.len() {
            row_starts[r] += row_starts[r - 1];
        }
        let by_row = if spans.windows(2).all(|w| w[0].row <= w[1].row) {
            spans
        } else {
            let mut cursor = row_starts.clone();
            let mut by_row = vec![Span::default(); spans.len()];
            for span in &spans {
                let slot = &mut cursor[span.row as usize];
                by_row[*slot as usize] = *span;
                *slot += 1;
            }
            by_row
        };

        let ncols_us = ncols as usize;
        // Per column of the current row: its count at [col + 1], then (prefix sum) its start
        // in the row at [col], then (scatter) its end.
        let mut col_counts = vec![0u32; ncols_us + 1];
        let mut row_ids: Vec<u32> = Vec::new();
        let mut done = 0usize;
        for (r, row_offsets) in offsets.chunks_exact_mut(ncols_us.max(1)).enumerate() {
            let row_base = done as u32;
            let spans = &by_row[row_starts[r] as usize..row_starts[r + 1] as usize];
            if spans.is_empty() {
                row_offsets.fill(row_base);
                continue;
            }
            col_counts.fill(0);
            for span in spans {
                for c in span.col_lo..span.col_hi {
                    col_counts[c as usize + 1] += 1;
                }
            }
            for c in 1..col_counts.len() {
                col_counts[c] += col_counts[c - 1];
            }
            for (o, &end) in row_offsets.iter_mut().zip(&col_counts[1..]) {
                *o = row_base + end;
            }
            let row_len = col_counts[ncols_us] as usize;
            row_ids.clear();
            row_ids.resize(row_len, 0);
            for span in spans {
                for c in span.col_lo..span.col_hi {
                    let slot = &mut col_counts[c as usize];
                    row_ids[*slot as usize] = span.id;
                    *slot += 1;
                }
            }
            for (out, &id) in items[done..done + row_len].iter_mut().zip(&row_ids) {
                *out = item(id);
            }
            done += row_len;
        }
        debug_assert_eq!(done, entries);
    }

    /// Registers item `id` in the cells `cols` of grid row `row` (all inside the window).
    #[inline]
    pub fn put_span(&mut self, id: u32, row: u32, cols: std::ops::Range<u32>) {
        if cols.is_empty() {
            return;
        }
        let r = row - self.row0;
        debug_assert!(r < self.nrows);
        debug_assert!(cols.start >= self.col0 && cols.end <= self.col0 + self.ncols);
        self.row_counts[r as usize + 1] += 1;
        self.entries += cols.len();
        self.spans.push(Span {
            row: r,
            col_lo: cols.start - self.col0,
            col_hi: cols.end - self.col0,
            id,
        });
    }

    /// Registers item `id` in one cell (inside the window).
    #[inline]
    pub fn put(&mut self, id: u32, row: u32, col: u32) {
        self.put_span(id, row, col..col + 1);
    }

    /// Registers item `id` in every cell of a cap on the whole grid (columns wrap at the
    /// antimeridian); every such cell must lie inside the window.
    pub fn put_cap(&mut self, id: u32, spec: &GridSpec, cells: &CapCells) {
        for row in cells.row_lo..=cells.row_hi {
            match cells.cols {
                ColSpan::All => self.put_span(id, row, 0..spec.ncols),
                ColSpan::Range { start, len } => {
                    // Columns east of the last one wrap to 0 (at most once: len < ncols).
                    let east = len.min(spec.ncols.saturating_sub(start));
                    self.put_span(id, row, start..start + east);
                    self.put_span(id, row, 0..len - east);
                }
            }
        }
    }
}

/// The occupancy bitmap of a window from its offsets: bit i set when cell i holds an item.
fn occupancy(offsets: &[u32]) -> Vec<u64> {
    let cells = offsets.len() - 1;
    let mut occupied = vec![0u64; cells.div_ceil(64)];
    for (w, word) in occupied.iter_mut().enumerate() {
        let (lo, hi) = (w * 64, (w * 64 + 64).min(cells));
        let mut bits = 0u64;
        for (b, pair) in offsets[lo..=hi].windows(2).enumerate() {
            bits |= u64::from(pair[1] != pair[0]) << b;
        }
        *word = bits;
    }
    occupied
}

impl<T: Copy> Buckets<T> {
    /// Builds the buckets in one pass over the items: `register` puts each item id in the
    /// cells it belongs to (all inside `window`, the (row_lo, row_hi, col_lo, col_hi) range,
    /// inclusive), as runs of cells along a row; `item` makes the stored item of an id. Within
    /// a cell, items keep the order in which they were registered.
    ///
    /// Method: the registrations are collected, then grouped by cell by a counting sort done
    /// row by row (`CellSink::fill`); the bitmap of occupied cells is read off the offsets.
    pub fn build(
        spec: GridSpec,
        window: Option<(u32, u32, u32, u32)>,
        register: impl FnOnce(&mut CellSink),
        item: impl Fn(u32) -> T,
    ) -> Buckets<T>
    where
        T: Default,
    {
        let Some((r_lo, r_hi, c_lo, c_hi)) = window else {
            return Buckets::empty(spec);
        };
        let (nrows, ncols) = (r_hi - r_lo + 1, c_hi - c_lo + 1);
        let mut sink = CellSink::new(r_lo, nrows, c_lo, ncols);
        register(&mut sink);
        let mut offsets = vec![0u32; nrows as usize * ncols as usize + 1];
        let mut items = vec![T::default(); sink.entries];
        sink.fill(&mut offsets[1..], &mut items, &item);
        let occupied = occupancy(&offsets);
        Buckets {
            spec,
            row0: r_lo,
            nrows,
            col0: c_lo,
            ncols,
            offsets,
            items,
            occupied,
        }
    }

    /// Buckets with no window: every lookup finds nothing.
    fn empty(spec: GridSpec) -> Buckets<T> {
        Buckets {
            spec,
            row0: 0,
            nrows: 0,
            col0: 0,
            ncols: 0,
            offsets: vec![0],
            items: Vec::new(),
            occupied: Vec::new(),
        }
    }

    /// The window cell (row-major index) holding a point, if that cell holds any item; None
    /// for a non-finite point, a point outside the window or in an empty cell. The cell is the
    /// one [`GridSpec::cell_of`] gives; the order of the tests puts the cheap rejections first
    /// (most points of a join meet no item).
    #[inline]
    pub fn occupied_cell(&self, lat: f64, lon: f64) -> Option<usize> {
        if !lat.is_finite() || !lon.is_finite() {
            return None;
        }
        let r = self.spec.row_of(lat).wrapping_sub(self.row0);
        if r >= self.nrows {
            return None;
        }
        let c = self.spec.col_of(lon).wrapping_sub(self.col0);
        if c >= self.ncols {
            return None;
        }
        let i = r as usize * self.ncols as usize + c as usize;
        // In bounds: i < nrows · ncols ≤ 64 · occupied.len().
        if self.occupied[i / 64] & (1 << (i % 64)) == 0 {
            return None;
        }
        Some(i)
    }

    /// The key of a point for a batched lookup, computed without a branch so that a loop
    /// over many points runs at the speed of its arithmetic: the window cell index
    /// ([`Buckets::occupied_cell`]'s) when that cell holds items, [`KEY_EMPTY`] when the point
    /// is outside the window or its cell is empty, [`KEY_RECHECK`] when the fast arithmetic
    /// cannot vouch for the cell (a coordinate within [`EDGE_BAND`] of a cell edge, non-finite,
    /// south of −90°, at or east of 180°, at the north pole's clamped row, or far out of range):
    /// the caller then asks [`Buckets::occupied_cell`], which is exact. Outside those cases
    /// the product's floor is the division's (see [`floor_cells`]), so the key is the same
    /// cell.
    #[inline]
    pub fn batch_key(&self, lat: f64, lon: f64) -> u32 {
        let inv = self.spec.inv_cell;
        let (mr, mc) = ((lat + 90.0) * inv, (lon + 180.0) * inv);
        // False for NaN: non-finite points recheck (and the exact lookup rejects them).
        let fast = 0.0..FAST_CELLS_LIMIT;
        let in_range = fast.contains(&mr) && fast.contains(&mc);
        // Truncation is the floor of a non-negative number (saturating casts: no UB).
        let (r, c) = (mr as u32, mc as u32);
        let (fr, fc) = (mr - r as f64, mc - c as f64);
        let clear_of_edges =
            fr > EDGE_BAND && fr < 1.0 - EDGE_BAND && fc > EDGE_BAND && fc < 1.0 - EDGE_BAND;
        let exact = in_range & clear_of_edges & (r < self.spec.nrows) & (c < self.spec.ncols);
        let (wr, wc) = (r.wrapping_sub(self.row0), c.wrapping_sub(self.col0));
        let in_window = (wr < self.nrows) & (wc < self.ncols);
        // Any index in bounds for the bit test; its verdict only counts when in_window.
        let i = if in_window {
            wr as usize * self.ncols as usize + wc as usize
        } else {
            0
        };
        let bit = self.occupied.get(i / 64).map_or(0, |w| (w >> (i % 64)) & 1);
        let key = if in_window && bit == 1 {
            i as u32
        } else {
            KEY_EMPTY
        };
        if exact {
            key
        } else {
            KEY_RECHECK
        }
    }

    /// [`Buckets::batch_key`] of every point of a block: `keys[i]` for (`lat[i]`, `lon[i]`).
    /// On x86-64 CPUs with AVX2 (detected at run time), four points at a time in vector
    /// registers ([`Buckets::batch_keys_avx2`]); the keys are the scalar function's, bit for
    /// bit (tested). Panics if the three slices differ in length.
    #[inline]
    pub fn batch_keys(&self, lat: &[f64], lon: &[f64], keys: &mut [u32]) {
        assert!(
            lat.len() == keys.len() && lon.len() == keys.len(),
            "batch_keys: slices differ in length"
        );
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, the only feature the function is compiled for.
            unsafe { self.batch_keys_avx2(lat, lon, keys) };
            return;
        }
        self.batch_keys_scalar(lat, lon, keys);
    }

    /// [`Buckets::batch_keys`] one point at a time (the reference, and the path on CPUs
    /// without AVX2).
    pub(crate) fn batch_keys_scalar(&self, lat: &[f64], lon: &[f64], keys: &mut [u32]) {
        for ((key, &la), &lo) in keys.iter_mut().zip(lat).zip(lon) {
            *key = self.batch_key(la, lo);
        }
    }

    /// [`Buckets::batch_keys`] with AVX2: for four points at once, the same floating-point
    /// operations as [`Buckets::batch_key`] (an add and a multiply per coordinate, no fused
    /// multiply-add, so the same roundings), the floor by the rounding instruction (equal to
    /// the truncation for the non-negative products below [`FAST_CELLS_LIMIT`], the only ones
    /// whose cell is used), the edge, range and window tests as lane masks, and the window
    /// cell index in f64 (whole numbers below 2^53: exact), and the bitmap test by a masked
    /// gather of the bitmap words of the lanes inside the window: no branch per point.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn batch_keys_avx2(&self, lat: &[f64], lon: &[f64], keys: &mut [u32]) {
        use std::arch::x86_64::*;
        let lat4 = lat.chunks_exact(4);
        let lon4 = lon.chunks_exact(4);
        let (lat_rest, lon_rest) = (lat4.remainder(), lon4.remainder());
        let mut keys4 = keys.chunks_exact_mut(4);
        let rows = AxisConsts::new(90.0, &self.spec, self.spec.nrows, self.row0, self.nrows);
        let cols = AxisConsts::new(180.0, &self.spec, self.spec.ncols, self.col0, self.ncols);
        let window_cols = _mm256_set1_pd(self.ncols as f64);
        let (empty, recheck) = (
            _mm256_set1_epi64x(KEY_EMPTY as i64),
            _mm256_set1_epi64x(KEY_RECHECK as i64),
        );
        let (low6, one) = (_mm256_set1_epi64x(63), _mm256_set1_epi64x(1));
        // The low 32 bits of each 64-bit lane, gathered into the low half.
        let low_halves = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
        for ((la, lo), k) in lat4.zip(lon4).zip(&mut keys4) {
            let (r, r_exact, r_in) = rows.cell(_mm256_set_pd(la[3], la[2], la[1], la[0]));
            let (c, c_exact, c_in) = cols.cell(_mm256_set_pd(lo[3], lo[2], lo[1], lo[0]));
            let exact = _mm256_castpd_si256(_mm256_and_pd(r_exact, c_exact));
            let in_window = _mm256_and_si256(exact, _mm256_castpd_si256(_mm256_and_pd(r_in, c_in)));
            // Window cell index (exact in f64), as 64-bit lanes; 0 outside the window.
            let cell = _mm256_cvttpd_epi32(_mm256_add_pd(_mm256_mul_pd(r, window_cols), c));
            let cell = _mm256_and_si256(_mm256_cvtepi32_epi64(cell), in_window);
            // SAFETY: only the lanes of `in_window` are read (the others keep 0); their cell
            // index is below nrows · ncols ≤ 64 · occupied.len(), so the word index
            // cell / 64 is inside `occupied`.
            let words = unsafe {
                _mm256_mask_i64gather_epi64::<8>(
                    _mm256_setzero_si256(),
                    self.occupied.as_ptr().cast::<i64>(),
                    _mm256_srli_epi64::<6>(cell),
                    in_window,
                )
            };
            let bit = _mm256_and_si256(_mm256_srlv_epi64(words, _mm256_and_si256(cell, low6)), one);
            let hit = _mm256_and_si256(_mm256_cmpeq_epi64(bit, one), in_window);
            let key = _mm256_blendv_epi8(empty, cell, hit);
            let key = _mm256_blendv_epi8(recheck, key, exact);
            let key = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(key, low_halves));
            k[0] = _mm_extract_epi32::<0>(key) as u32;
            k[1] = _mm_extract_epi32::<1>(key) as u32;
            k[2] = _mm_extract_epi32::<2>(key) as u32;
            k[3] = _mm_extract_epi32::<3>(key) as u32;
        }
        let rest = keys4.into_remainder();
        self.batch_keys_scalar(lat_rest, lon_rest, rest);
    }

    /// The items of a window cell given by [`Buckets::occupied_cell`].
    #[inline]
    pub fn cell_items(&self, i: usize) -> &[T] {
        &self.items[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The items of a cell (empty outside the window).
    #[inline]
    pub fn cell(&self, row: u32, col: u32) -> &[T] {
        let (r, c) = (row.wrapping_sub(self.row0), col.wrapping_sub(self.col0));
        if r >= self.nrows || c >= self.ncols {
            return &[];
        }
        let i = r as usize * self.ncols as usize + c as usize;
        &self.items[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The tile (a square of `tile` × `tile` cells of the window) holding a point, numbered
    /// row-major from 0 to [`Buckets::tile_count`]; None outside the window. Visiting points
    /// tile by tile keeps the cells they look up in cache.
    #[inline]
    pub fn tile_of(&self, lat: f64, lon: f64, tiling: Tiling) -> Option<u32> {
        let (row, col) = self.spec.cell_of(lat, lon)?;
        let (r, c) = (row.wrapping_sub(self.row0), col.wrapping_sub(self.col0));
        if r >= self.nrows || c >= self.ncols {
            return None;
        }
        Some((r >> tiling.shift) * tiling.per_row + (c >> tiling.shift))
    }

    /// Tiles of 2^`shift` × 2^`shift` cells over this window.
    pub fn tiling(&self, shift: u32) -> Tiling {
        let side = 1u32 << shift;
        Tiling {
            shift,
            per_row: self.ncols.div_ceil(side),
            count: self.nrows.div_ceil(side) as usize * self.ncols.div_ceil(side) as usize,
        }
    }

    /// Total number of (item, cell) entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Bytes held by the offsets and the entries.
    pub fn bytes(&self) -> usize {
        self.offsets.len() * std::mem::size_of::<u32>()
            + self.items.len() * std::mem::size_of::<T>()
    }

    /// Calls `f` with every (row, col) of a cap's cells that lies in the window (columns
    /// wrap at the antimeridian). Cells outside the window hold nothing and are skipped, so a
    /// huge cap costs no more than the window.
    pub fn for_each_cap_cell(&self, cells: &CapCells, mut f: impl FnMut(u32, u32)) {
        self.for_each_cap_row_span(cells, |row, a, b| (a..b).for_each(|col| f(row, col)));
    }

    /// How many cells [`Buckets::for_each_cap_cell`] would visit.
    pub fn cap_cell_count(&self, cells: &CapCells) -> usize {
        let mut count = 0usize;
        self.for_each_cap_row_span(cells, |_, a, b| count += (b - a) as usize);
        count
    }

    fn for_each_cap_row_span(&self, cells: &CapCells, mut f: impl FnMut(u32, u32, u32)) {
        if self.nrows == 0 {
            return;
        }
        let row_lo = cells.row_lo.max(self.row0);
        let row_hi = cells.row_hi.min(self.row0 + self.nrows - 1);
        if row_lo > row_hi {
            return;
        }
        let n = self.spec.ncols;
        // The cap's columns as at most two non-wrapping half-open intervals.
        let intervals = match cells.cols {
            ColSpan::All => [(0, n), (0, 0)],
            ColSpan::Range { start, len } if start + len <= n => [(start, start + len), (0, 0)],
            ColSpan::Range { start, len } => [(start, n), (0, start + len - n)],
        };
        let (w_lo, w_hi) = (self.col0, self.col0 + self.ncols);
        for row in row_lo..=row_hi {
            for &(a, b) in &intervals {
                let (a, b) = (a.max(w_lo), b.min(w_hi));
                if a < b {
                    f(row, a, b);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_without_libm_equals_floor() {
        for x in [
            0.0,
            0.5,
            1.0,
            -0.0,
            -0.5,
            -1.0,
            -1.5,
            2.999_999_999,
            -2.000_000_001,
            1e15,
            -1e15,
        ] {
            assert_eq!(floor_i64(x), x.floor() as i64, "{x}");
        }
    }

    /// The cell the division gives (the definition [`floor_cells`] must reproduce).
    fn cell_by_division(g: &GridSpec, lat: f64, lon: f64) -> (u32, u32) {
        let r = floor_i64((lat + 90.0) / g.cell_deg).clamp(0, g.nrows as i64 - 1) as u32;
        let c = wrap_col(floor_i64((lon + 180.0) / g.cell_deg), g.ncols as i64);
        (r, c)
    }

    /// x and its four nearest neighbours among the floats.
    fn around(x: f64) -> [f64; 5] {
        [
            x.next_down().next_down(),
            x.next_down(),
            x,
            x.next_up(),
            x.next_up().next_up(),
        ]
    }

    #[test]
    fn multiplied_cells_equal_divided_cells_on_and_near_every_edge() {
        // Cell sizes of real grids (25 km one cell per radius, the real case's coarsened grid,
        // the 0.1° floor, awkward divisors of 360, the 30° ceiling).
        for hint in [0.1, 0.2248, 0.4013, 0.37, 1.0, 7.3, 30.0] {
            let g = GridSpec::with_cell(hint);
            for k in 0..=g.nrows as i64 {
                // Edges as a caller would write them, and as the lookup computes them.
                let edge = k as f64 * g.cell_deg - 90.0;
                for lat in around(edge)
                    .into_iter()
                    .chain(around(edge.clamp(-90.0, 90.0)))
                {
                    let lat = lat.clamp(-90.0, 90.0);
                    assert_eq!(
                        g.cell_of(lat, 0.0).unwrap(),
                        cell_by_division(&g, lat, 0.0),
                        "cell {} lat {lat:e}",
                        g.cell_deg
                    );
                }
            }
            for k in 0..=g.ncols as i64 {
                let edge = k as f64 * g.cell_deg - 180.0;
                for lon in around(edge) {
                    assert_eq!(
                        g.cell_of(0.0, lon).unwrap(),
                        cell_by_division(&g, 0.0, lon),
                        "cell {} lon {lon:e}",
                        g.cell_deg
                    );
                }
            }
            // Quotients that are whole numbers take the division (the product may miss them).
            for k in 0..=g.ncols as i64 {
                let x = k as f64 * g.cell_deg;
                assert_eq!(
                    floor_cells(x, g.cell_deg, g.inv_cell),
                    floor_i64(x / g.cell_deg)
                );
            }
        }
    }

    #[test]
    fn multiplied_cells_equal_divided_cells_on_random_points_and_far_longitudes() {
        let mut next = crate::test_util::uniform_sequence(0x9e37_79b9_7f4a_7c15u64);
        for hint in [0.1, 0.2248, 0.4013, 3.0] {
            let g = GridSpec::with_cell(hint);
            for _ in 0..200_000 {
                let (lat, lon) = (-90.0 + 180.0 * next(), -180.0 + 360.0 * next());
                assert_eq!(g.cell_of(lat, lon).unwrap(), cell_by_division(&g, lat, lon));
            }
            // Beyond ±1e6 cells the product is not trusted: the division decides.
            for lon in [-1e9, -3.7e8, 5e7, 1e12] {
                assert_eq!(g.cell_of(0.0, lon).unwrap(), cell_by_division(&g, 0.0, lon));
            }
        }
    }

    #[test]
    fn occupied_cell_is_the_non_empty_cell_of_the_point_and_nothing_else() {
        let spec = GridSpec::with_cell(1.0);
        // Window rows 10..=12, columns 5..=8 (latitudes −80..−77, longitudes −175..−171).
        let b: Buckets<u32> = Buckets::build(
            spec,
            Some((10, 12, 5, 8)),
            |sink| {
                sink.put_span(1, 10, 6..9);
                sink.put(2, 12, 5);
            },
            |id| id,
        );
        let mut occupied = 0;
        for row in 8..=14u32 {
            for col in 3..=10u32 {
                // The cell's south-west corner (on two edges) and its centre.
                let (lat0, lon0) = (row as f64 - 90.0, col as f64 - 180.0);
                for (lat, lon) in [(lat0, lon0), (lat0 + 0.5, lon0 + 0.5)] {
                    assert_eq!(spec.cell_of(lat, lon), Some((row, col)));
                    let items = b.cell(row, col);
                    match b.occupied_cell(lat, lon) {
                        Some(i) => {
                            assert!(!items.is_empty(), "({row}, {col}) is empty");
                            assert_eq!(b.cell_items(i), items);
                            occupied += 1;
                        }
                        None => assert!(items.is_empty(), "({row}, {col}) was skipped"),
                    }
                }
            }
        }
        // Cells (10, 6), (10, 7), (10, 8) and (12, 5), each at two points.
        assert_eq!(occupied, 8);
        assert_eq!(b.occupied_cell(f64::NAN, -174.5), None);
        assert_eq!(b.occupied_cell(-79.5, f64::INFINITY), None);
        // An empty index has no window: nothing is occupied.
        let empty: Buckets<u32> = Buckets::build(spec, None, |_| {}, |id| id);
        assert_eq!(empty.occupied_cell(0.0, 0.0), None);
    }

    #[test]
    fn batch_keys_agree_with_the_exact_lookup_or_ask_for_it() {
        // A window over part of the grid with scattered occupied cells; points random, on
        // edges (rechecked), outside the window, non-finite, at the poles and the antimeridian.
        let spec = GridSpec::with_cell(0.4013);
        let b: Buckets<u32> = Buckets::build(
            spec,
            Some((130, 320, 380, 600)),
            |sink| {
                for id in 0..2000u32 {
                    let row = 130 + (id * 7919) % 191;
                    let col = 380 + (id * 104_729) % 221;
                    sink.put_span(id, row, col..(col + 1 + id % 3).min(601));
                }
            },
            |id| id,
        );
        let mut next = crate::test_util::uniform_sequence(0x2545_f491_4f6c_dd1du64);
        let mut points: Vec<(f64, f64)> = (0..200_000)
            .map(|_| (-90.0 + 180.0 * next(), -180.0 + 360.0 * next()))
            .collect();
        // Inside the window, where most cells are tested.
        points.extend((0..200_000).map(|_| (-38.0 + 76.0 * next(), -27.0 + 90.0 * next())));
        for k in 130..=321 {
            for lat in around(k as f64 * spec.cell_deg - 90.0) {
                points.push((lat, 10.0 + next()));
            }
        }
        for k in 380..=601 {
            for lon in around(k as f64 * spec.cell_deg - 180.0) {
                points.push((next() * 10.0, lon));
            }
        }
        points.extend([
            (90.0, 0.0),
            (-90.0, 0.0),
            (0.0, 180.0),
            (0.0, -180.0),
            (f64::NAN, 0.0),
            (0.0, f64::INFINITY),
            (-91.0, 0.0),
            (0.0, 400.0),
        ]);
        let (mut recheck, mut found) = (0usize, 0usize);
        for &(lat, lon) in &points {
            match b.batch_key(lat, lon) {
                KEY_RECHECK => recheck += 1,
                KEY_EMPTY => assert_eq!(b.occupied_cell(lat, lon), None, "({lat}, {lon})"),
                key => {
                    assert_eq!(
                        b.occupied_cell(lat, lon),
                        Some(key as usize),
                        "({lat}, {lon})"
                    );
                    found += 1;
                }
            }
        }
        assert!(found > 10_000, "too few occupied cells hit: {found}");
        // Every edge point and the special ones recheck; random points almost never.
        assert!(
            (5 * (192 + 222)..5 * (192 + 222) + 100).contains(&recheck),
            "{recheck} rechecks"
        );
    }

    /// The vector path of `batch_keys` (AVX2 where the CPU has it) gives the scalar keys bit
    /// for bit: random points, points on and a hair from every cell edge of the window, at
    /// the grid's edges (poles, antimeridian, the clamped north row), non-finite and far out
    /// of range; blocks of every length mod 4; a window at the grid's corner and none at all.
    #[test]
    fn vector_batch_keys_equal_scalar_batch_keys() {
        let mut next = crate::test_util::uniform_sequence(0x5851_f42d_4c95_7f2du64);
        for (hint, window) in [
            (0.4013, Some((130, 320, 380, 600))),
            (1.0, Some((0, 179, 0, 359))),
            (7.3, Some((20, 24, 45, 48))),
            (0.1, None),
        ] {
            let spec = GridSpec::with_cell(hint);
            let b: Buckets<u32> = Buckets::build(
                spec,
                window,
                |sink| {
                    let Some((r0, r1, c0, c1)) = window else {
                        return;
                    };
                    for id in 0..3000u32 {
                        let row = r0 + (id * 7919) % (r1 - r0 + 1);
                        let col = c0 + (id * 104_729) % (c1 - c0 + 1);
                        sink.put_span(id, row, col..(col + 1 + id % 3).min(c1 + 1));
                    }
                },
                |id| id,
            );
            let mut points: Vec<(f64, f64)> = (0..100_000)
                .map(|_| (-90.0 + 180.0 * next(), -180.0 + 360.0 * next()))
                .collect();
            if let Some((r0, r1, c0, c1)) = window {
                let (lat0, lon0) = (r0 as f64 * spec.cell_deg - 90.0, c0 as f64 * spec.cell_deg);
                let (h, w) = ((r1 - r0 + 1) as f64, (c1 - c0 + 1) as f64);
                points.extend((0..100_000).map(|_| {
                    let lat = lat0 + h * spec.cell_deg * next();
                    (lat.min(90.0), lon0 - 180.0 + w * spec.cell_deg * next())
                }));
                for k in r0..=r1 + 1 {
                    for lat in around(k as f64 * spec.cell_deg - 90.0) {
                        points.push((lat, lon0 - 180.0 + w * spec.cell_deg * next()));
                    }
                }
                for k in c0..=c1 + 1 {
                    for lon in around(k as f64 * spec.cell_deg - 180.0) {
                        points.push((lat0 + h * spec.cell_deg * next(), lon));
                    }
                }
            }
            for special in [
                90.0,
                -90.0,
                180.0,
                -180.0,
                0.0,
                -0.0,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -91.0,
                400.0,
                -1e300,
                1e300,
                f64::MIN_POSITIVE,
            ] {
                for other in [0.0, 12.5, special] {
                    points.extend([(special, other), (other, special)]);
                }
                points.extend(around(special).map(|x| (x, 10.0)));
                points.extend(around(special).map(|x| (10.0, x)));
            }
            let (lat, lon): (Vec<f64>, Vec<f64>) = points.into_iter().unzip();
            for len in [0, 1, 2, 3, 4, 5, 7, 256, lat.len()] {
                let mut fast = vec![0u32; len];
                let mut reference = vec![1u32; len];
                b.batch_keys(&lat[..len], &lon[..len], &mut fast);
                b.batch_keys_scalar(&lat[..len], &lon[..len], &mut reference);
                assert_eq!(fast, reference, "cell {hint}, {len} points");
            }
            // Offsets into the points (other alignments of the blocks of four).
            for start in 1..4 {
                let mut fast = vec![0u32; lat.len() - start];
                let mut reference = vec![1u32; lat.len() - start];
                b.batch_keys(&lat[start..], &lon[start..], &mut fast);
                b.batch_keys_scalar(&lat[start..], &lon[start..], &mut reference);
                assert_eq!(fast, reference, "cell {hint}, from {start}");
            }
            if window.is_some() {
                let found = (0..lat.len())
                    .filter(|&i| b.batch_key(lat[i], lon[i]) < KEY_RECHECK)
                    .count();
                assert!(found > 1000, "too few occupied cells hit: {found}");
            }
        }
    }

    #[test]
    fn cell_size_divides_360() {
        let (lats, lons): (Vec<f64>, Vec<f64>) = (0..100_000)
            .map(|i| ((i % 300) as f64 / 10.0, (i / 300) as f64 / 10.0))
            .unzip();
        let g = GridSpec::for_points(25.0, 2.0, MAX_CELLS_PER_POINT, &lats, &lons, 25.0);
        assert!((g.cell_deg * g.ncols as f64 - 360.0).abs() < 1e-9);
        // 25 km is 0.2248° of latitude; half of it is 0.1124°: 3,202 columns.
        assert_eq!(g.ncols, 3202);
        assert!(g.nrows as f64 * g.cell_deg >= 180.0);
        // Three points in a 10° box may use 4,096 cells: 10 / 64 = 0.156° at least.
        let g = GridSpec::for_points(
            25.0,
            2.0,
            MAX_CELLS_PER_POINT,
            &[0.0, 10.0, 5.0],
            &[0.0, 10.0, 5.0],
            0.0,
        );
        assert_eq!(g.ncols, 2304);
    }

    #[test]
    fn edges_belong_north_and_east_and_poles_and_antimeridian_clamp_or_wrap() {
        let g = GridSpec::with_cell(1.0);
        assert_eq!(g.cell_of(0.0, 0.0), Some((90, 180)));
        // Longitudes beyond one turn take the slow wrap and land where their equivalent does.
        assert_eq!(g.cell_of(0.0, 540.0), g.cell_of(0.0, 180.0));
        assert_eq!(g.cell_of(0.0, -545.0), g.cell_of(0.0, 175.0));
        assert_eq!(g.cell_of(0.0, -545.0), Some((90, 355)));
        assert_eq!(g.cell_of(90.0, 180.0), Some((179, 0)));
        assert_eq!(g.cell_of(-90.0, -180.0), Some((0, 0)));
        assert_eq!(g.cell_of(f64::NAN, 0.0), None);
    }

    #[test]
    fn cap_across_the_antimeridian_wraps() {
        let g = GridSpec::with_cell(1.0);
        // 100 km around (0°, 179.9°E): ±0.899° of longitude → columns 359 and 0, wrapping.
        let cells = g.cap_cells(0.0, 179.9, 100.0).unwrap();
        assert_eq!(cells.cols, ColSpan::Range { start: 359, len: 2 });
        assert_eq!((cells.row_lo, cells.row_hi), (89, 90));
    }

    #[test]
    fn cap_holding_a_pole_spans_all_columns() {
        let g = GridSpec::with_cell(1.0);
        let cells = g.cap_cells(89.9, 10.0, 50.0).unwrap();
        assert_eq!(cells.cols, ColSpan::All);
        assert_eq!(cells.row_hi, 179);
    }

    #[test]
    fn few_points_get_coarser_cells_up_to_the_cell_budget() {
        // 1,000 points spread over a 64° × 64° box: at most 8 cells per point is 8,000 cells,
        // i.e. cells of at least √(64·64/8000) = 0.716°, above the 0.225° of a 25 km radius.
        let (lats, lons): (Vec<f64>, Vec<f64>) = (0..1000)
            .map(|i| ((i % 32) as f64 * 64.0 / 31.0, (i / 32) as f64 * 64.0 / 31.0))
            .unzip();
        let g = GridSpec::for_points(25.0, 1.0, 8.0, &lats, &lons, 0.0);
        assert_eq!(
            g.ncols,
            (360.0f64 / (64.0 * 64.0 / 8000.0f64).sqrt()).floor() as u32
        );
        let g = GridSpec::for_points(25.0, 1.0, MAX_CELLS_PER_POINT, &lats, &lons, 0.0);
        assert_eq!(g.ncols, 1601); // one cell per radius: 360 / 0.2248° rounded down
    }

    #[test]
    fn buckets_group_items_by_cell_in_registration_order() {
        let spec = GridSpec::with_cell(1.0);
        // Window rows 10..=12, columns 5..=8; rows registered out of order, one row empty.
        let b: Buckets<u32> = Buckets::build(
            spec,
            Some((10, 12, 5, 8)),
            |sink| {
                sink.put_span(0, 12, 5..7);
                sink.put_span(1, 10, 6..9);
                sink.put(2, 12, 6);
                sink.put_span(3, 10, 5..7);
                sink.put_span(4, 12, 8..8); // empty: registers nothing
                sink.put_cap(
                    5,
                    &spec,
                    &CapCells {
                        row_lo: 12,
                        row_hi: 12,
                        cols: ColSpan::Range { start: 8, len: 1 },
                    },
                );
            },
            |id| id * 10,
        );
        let cells: Vec<Vec<u32>> = (10..=12)
            .flat_map(|row| (5..=8).map(move |col| (row, col)))
            .map(|(row, col)| b.cell(row, col).to_vec())
            .collect();
        #[rustfmt::skip]
        let expected: Vec<Vec<u32>> = vec![
            vec![30], vec![10, 30], vec![10], vec![10], // row 10
            vec![], vec![], vec![], vec![],             // row 11
            vec![0], vec![0, 20], vec![], vec![50],     // row 12
        ];
        assert_eq!(cells, expected);
        assert_eq!(b.len(), 9);
        assert_eq!(b.cell(9, 6), &[] as &[u32]);
        assert_eq!(b.cell(12, 9), &[] as &[u32]);
    }
}
