//! Unit vectors of many points at once: the sine and cosine of four angles per step in AVX2
//! registers, for the points of a join that have candidate caps.
//!
//! What it answers: [`unit_vectors_at`] writes the unit vector of each selected (lat, lon)
//! point (degrees), as [`super::unit_vector`] does, but without a libm call per angle. The
//! vectors are not bit for bit libm's: each component is within [`TRIG_ERROR`] of libm's
//! (tested on millions of angles and on every reduction boundary), far inside the
//! [`super::UNIT_ERROR`] the chord test allows for, so every pair gets the same verdict (the
//! chord decides only clear cases; the haversine decides the border band).
//!
//! Method (four lanes at a time, radians x with |x| ≤ [`REDUCED_MAX`]): k = round(x · 2/π),
//! r = (x − k·P1) − k·P2 with π/2 = P1 + P2 split as in fdlibm (P1 has 33 significant bits, so
//! k·P1 is exact for |k| ≤ 2 and, by Sterbenz's lemma, so is x − k·P1), then sin r and cos r
//! on |r| ≤ π/4 by fdlibm's kernel polynomials (`__kernel_sin`, `__kernel_cos`: approximation
//! error below 2⁻⁵⁸), and the quadrant k mod 4 swaps and negates them. Error: r within
//! ~1e-16 of the exact reduced angle, each polynomial within a few units in the last place:
//! |sin, cos − exact| < 5e-16, the products of a unit vector's components < 1.2e-15.
//!
//! What it does NOT do: angles beyond [`REDUCED_MAX`] radians (longitudes outside about
//! ±200°), NaN or infinities go to libm (all four lanes of that step); CPUs without AVX2 take
//! [`super::unit_vector`] for every point.

use super::unit_vector;

/// The largest |angle| in radians the vector path reduces (|k| ≤ 2 then): about 200°.
pub(crate) const REDUCED_MAX: f64 = 3.5;

/// Bound on the difference between each component of a unit vector from
/// [`unit_vectors_at`] and [`super::unit_vector`]'s (both within a few ulps of the exact
/// vector; tested).
pub(crate) const TRIG_ERROR: f64 = 2e-15;

// libm's vectors are within ~1e-15 of the exact ones: these stay inside the chord test's
// allowance.
const _: () = assert!(TRIG_ERROR + 1e-15 <= super::UNIT_ERROR);

/// `out[j]` = the unit vector of point `idx[j]` (`lat`, `lon` in degrees), for every j.
/// Panics if `out` is shorter than `idx` or an index is out of bounds.
#[inline]
pub(crate) fn unit_vectors_at(lat: &[f64], lon: &[f64], idx: &[u16], out: &mut [[f64; 3]]) {
    let out = &mut out[..idx.len()];
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, the only feature the function is compiled for.
        unsafe { unit_vectors_at_avx2(lat, lon, idx, out) };
        return;
    }
    for (o, &i) in out.iter_mut().zip(idx) {
        *o = unit_vector(lat[i as usize], lon[i as usize]);
    }
}

// fdlibm's constants with the digits it publishes (each rounds to the f64 fdlibm uses).
#[allow(clippy::excessive_precision)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
mod fdlibm {
    /// fdlibm's split of π/2: `PIO2_1` (33 bits) + `PIO2_1T`.
    pub(super) const PIO2_1: f64 = 1.570_796_326_734_125_614_17e+00;
    pub(super) const PIO2_1T: f64 = 6.077_100_506_506_192_249_32e-11;
    pub(super) const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;

    /// fdlibm `__kernel_sin` coefficients.
    pub(super) const S1: f64 = -1.666_666_666_666_663_243_48e-01;
    pub(super) const S2: f64 = 8.333_333_333_322_489_461_24e-03;
    pub(super) const S3: f64 = -1.984_126_982_985_794_931_34e-04;
    pub(super) const S4: f64 = 2.755_731_370_707_006_767_89e-06;
    pub(super) const S5: f64 = -2.505_076_025_340_686_341_95e-08;
    pub(super) const S6: f64 = 1.589_690_995_211_550_102_21e-10;
    /// fdlibm `__kernel_cos` coefficients.
    pub(super) const C1: f64 = 4.166_666_666_666_660_190_37e-02;
    pub(super) const C2: f64 = -1.388_888_888_887_410_957_49e-03;
    pub(super) const C3: f64 = 2.480_158_728_947_672_941_78e-05;
    pub(super) const C4: f64 = -2.755_731_435_139_066_330_35e-07;
    pub(super) const C5: f64 = 2.087_572_321_298_174_827_90e-09;
    pub(super) const C6: f64 = -1.135_964_755_778_819_482_65e-11;
}
use fdlibm::*;

/// sin x and cos x of four angles (radians); None unless every |x| ≤ [`REDUCED_MAX`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn sin_cos4(
    x: std::arch::x86_64::__m256d,
) -> Option<(std::arch::x86_64::__m256d, std::arch::x86_64::__m256d)> {
    use std::arch::x86_64::*;
    let abs = _mm256_andnot_pd(_mm256_set1_pd(-0.0), x);
    // False for NaN: such lanes leave the vector path.
    let ok = _mm256_cmp_pd::<_CMP_LE_OQ>(abs, _mm256_set1_pd(REDUCED_MAX));
    if _mm256_movemask_pd(ok) != 0b1111 {
        return None;
    }
    let k = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(_mm256_mul_pd(
        x,
        _mm256_set1_pd(TWO_OVER_PI),
    ));
    let r = _mm256_sub_pd(
        _mm256_sub_pd(x, _mm256_mul_pd(k, _mm256_set1_pd(PIO2_1))),
        _mm256_mul_pd(k, _mm256_set1_pd(PIO2_1T)),
    );
    let z = _mm256_mul_pd(r, r);
    // sin r = r + r·z·(S1 + z·(S2 + …)); cos r = (1 − z/2) + z²·(C1 + z·(C2 + …)).
    let s = _mm256_add_pd(
        r,
        _mm256_mul_pd(_mm256_mul_pd(r, z), horner(z, [S1, S2, S3, S4, S5, S6])),
    );
    let c = _mm256_add_pd(
        _mm256_sub_pd(_mm256_set1_pd(1.0), _mm256_mul_pd(z, _mm256_set1_pd(0.5))),
        _mm256_mul_pd(_mm256_mul_pd(z, z), horner(z, [C1, C2, C3, C4, C5, C6])),
    );
    // Quadrant q = k mod 4: (sin, cos) = (s, c), (c, −s), (−s, −c), (−c, s).
    let q = _mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(k));
    let one = _mm256_set1_epi64x(1);
    let two = _mm256_set1_epi64x(2);
    let swap = _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(q, one), one));
    let sin_sign = _mm256_castsi256_pd(_mm256_slli_epi64::<62>(_mm256_and_si256(q, two)));
    let cos_sign = _mm256_castsi256_pd(_mm256_slli_epi64::<62>(_mm256_and_si256(
        _mm256_add_epi64(q, one),
        two,
    )));
    let sin = _mm256_xor_pd(_mm256_blendv_pd(s, c, swap), sin_sign);
    let cos = _mm256_xor_pd(_mm256_blendv_pd(c, s, swap), cos_sign);
    Some((sin, cos))
}

/// The polynomial c0 + z·(c1 + z·(… + z·c5)) in four lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn horner(z: std::arch::x86_64::__m256d, coeffs: [f64; 6]) -> std::arch::x86_64::__m256d {
    use std::arch::x86_64::*;
    let mut p = _mm256_set1_pd(coeffs[5]);
    for &c in coeffs[..5].iter().rev() {
        p = _mm256_add_pd(_mm256_mul_pd(p, z), _mm256_set1_pd(c));
    }
    p
}

/// The unit vectors (x, y, z lanes) and the latitudes' cosines of four points (degrees); None
/// unless every angle in radians is within [`REDUCED_MAX`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn unit4(lat: [f64; 4], lon: [f64; 4]) -> Option<[[f64; 4]; 4]> {
    use std::arch::x86_64::*;
    let to_rad = _mm256_set1_pd(std::f64::consts::PI / 180.0);
    // The same radians as f64::to_radians (one multiply by π/180).
    let la = _mm256_mul_pd(_mm256_set_pd(lat[3], lat[2], lat[1], lat[0]), to_rad);
    let lo = _mm256_mul_pd(_mm256_set_pd(lon[3], lon[2], lon[1], lon[0]), to_rad);
    let (sin_lat, cos_lat) = sin_cos4(la)?;
    let (sin_lon, cos_lon) = sin_cos4(lo)?;
    let mut out = [[0.0f64; 4]; 4];
    // SAFETY: each row holds four f64, the width of an unaligned 256-bit store.
    unsafe {
        _mm256_storeu_pd(out[0].as_mut_ptr(), _mm256_mul_pd(cos_lat, cos_lon));
        _mm256_storeu_pd(out[1].as_mut_ptr(), _mm256_mul_pd(cos_lat, sin_lon));
        _mm256_storeu_pd(out[2].as_mut_ptr(), sin_lat);
        _mm256_storeu_pd(out[3].as_mut_ptr(), cos_lat);
    }
    Some(out)
}

/// [`unit_vectors_at`] with AVX2: four points per step (the last step padded with the first
/// point), libm for a step holding an angle outside [`REDUCED_MAX`] or not finite.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn unit_vectors_at_avx2(lat: &[f64], lon: &[f64], idx: &[u16], out: &mut [[f64; 3]]) {
    for (quad, out) in idx.chunks(4).zip(out.chunks_mut(4)) {
        let at = |j: usize| quad.get(j).map_or(quad[0], |&i| i) as usize;
        let i = [at(0), at(1), at(2), at(3)];
        let Some(v) = unit4(i.map(|i| lat[i]), i.map(|i| lon[i])) else {
            for (o, &i) in out.iter_mut().zip(quad) {
                *o = unit_vector(lat[i as usize], lon[i as usize]);
            }
            continue;
        };
        for (j, o) in out.iter_mut().enumerate() {
            *o = [v[0][j], v[1][j], v[2][j]];
        }
    }
}

/// The unit vector and the latitude's cosine of every point (`lat`, `lon` in degrees), as
/// [`super::unit_vector`] and `lat.to_radians().cos()` give them within [`TRIG_ERROR`] (four
/// points at a time with AVX2 where the CPU has it; libm otherwise and for angles outside
/// [`REDUCED_MAX`] or not finite). Panics if the four slices differ in length.
pub(crate) fn unit_vectors_and_cos_lat(
    lat: &[f64],
    lon: &[f64],
    units: &mut [[f64; 3]],
    cos_lat: &mut [f64],
) {
    let n = lat.len();
    assert!(
        lon.len() == n && units.len() == n && cos_lat.len() == n,
        "unit_vectors_and_cos_lat: slices differ in length"
    );
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, the only feature the function is compiled for.
        done = unsafe { unit_vectors_avx2(lat, lon, units, cos_lat) };
    }
    for i in done..n {
        let (sin_lat, cos) = lat[i].to_radians().sin_cos();
        units[i] = super::unit_vector_with(sin_lat, cos, lon[i]);
        cos_lat[i] = cos;
    }
}

/// The vector part of [`unit_vectors_and_cos_lat`]: whole steps of four; returns how many
/// points it wrote (the rest, fewer than four, is the caller's).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn unit_vectors_avx2(
    lat: &[f64],
    lon: &[f64],
    units: &mut [[f64; 3]],
    cos_lat: &mut [f64],
) -> usize {
    let steps = lat.len() / 4;
    for q in 0..steps {
        let r = 4 * q..4 * q + 4;
        let (la, lo): ([f64; 4], [f64; 4]) = (
            lat[r.clone()].try_into().unwrap_or([0.0; 4]),
            lon[r.clone()].try_into().unwrap_or([0.0; 4]),
        );
        match unit4(la, lo) {
            Some(v) => {
                for j in 0..4 {
                    units[4 * q + j] = [v[0][j], v[1][j], v[2][j]];
                    cos_lat[4 * q + j] = v[3][j];
                }
            }
            None => {
                for i in r {
                    let (sin_lat, cos) = lat[i].to_radians().sin_cos();
                    units[i] = super::unit_vector_with(sin_lat, cos, lon[i]);
                    cos_lat[i] = cos;
                }
            }
        }
    }
    4 * steps
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Angles in degrees for the tests: random over ±200°, every multiple of 45° (the
    /// quadrant boundaries of the reduction) and a few ulps either side, tiny and zero.
    fn test_angles() -> Vec<f64> {
        let mut next = crate::test_util::uniform_sequence(0x853c_49e6_748f_ea9bu64);
        let mut a: Vec<f64> = (0..1_000_000).map(|_| -200.0 + 400.0 * next()).collect();
        for k in -4..=4 {
            let mut x = 45.0 * k as f64;
            for _ in 0..4 {
                x = x.next_down();
            }
            for _ in 0..9 {
                a.push(x);
                x = x.next_up();
            }
        }
        a.extend([
            0.0,
            -0.0,
            1e-300,
            -1e-300,
            f64::MIN_POSITIVE,
            180.0,
            -180.0,
            90.0,
        ]);
        a
    }

    /// The vector path's unit vectors against libm's, within TRIG_ERROR per component (and
    /// the measured worst case far below it), on angles of every quadrant.
    #[test]
    fn vector_unit_vectors_match_libm_within_the_bound() {
        let angles = test_angles();
        let n = angles.len();
        // Latitudes from the angles folded into ±90°, longitudes the angles themselves.
        let lat: Vec<f64> = angles.iter().map(|&a| a.clamp(-90.0, 90.0)).collect();
        let lon: Vec<f64> = angles.iter().rev().copied().collect();
        let mut worst = 0.0f64;
        for start in (0..n).step_by(u16::MAX as usize) {
            let end = (start + u16::MAX as usize).min(n);
            let idx: Vec<u16> = (0..(end - start) as u16).rev().collect();
            let mut out = vec![[9.0; 3]; idx.len()];
            unit_vectors_at(&lat[start..end], &lon[start..end], &idx, &mut out);
            for (&i, got) in idx.iter().zip(&out) {
                let (la, lo) = (lat[start + i as usize], lon[start + i as usize]);
                let want = unit_vector(la, lo);
                for d in 0..3 {
                    let err = (got[d] - want[d]).abs();
                    worst = worst.max(err);
                    assert!(err <= TRIG_ERROR, "({la}, {lo}) component {d}: {err:e}");
                }
            }
        }
        // A few ulps: the bound has a wide margin, and the test would catch a wrong quadrant.
        assert!(worst < 1e-15, "worst {worst:e}");
    }

    /// The contiguous form (the index build's): the same vectors as the indexed form and
    /// the latitudes' cosines within TRIG_ERROR of libm's, for every length (the scalar tail).
    #[test]
    fn contiguous_unit_vectors_and_cosines_match_libm() {
        let angles = test_angles();
        let lat: Vec<f64> = angles
            .iter()
            .map(|&a| (a * 0.45).clamp(-90.0, 90.0))
            .collect();
        let lon: Vec<f64> = angles.iter().rev().copied().collect();
        for len in [0, 1, 3, 4, 5, 9, 70_001] {
            let (mut units, mut cos) = (vec![[0.0; 3]; len], vec![0.0; len]);
            unit_vectors_and_cos_lat(&lat[..len], &lon[..len], &mut units, &mut cos);
            for i in 0..len {
                let want = unit_vector(lat[i], lon[i]);
                let want_cos = lat[i].to_radians().cos();
                assert!(
                    (cos[i] - want_cos).abs() <= TRIG_ERROR,
                    "{}: {}",
                    lat[i],
                    cos[i]
                );
                for d in 0..3 {
                    assert!(
                        (units[i][d] - want[d]).abs() <= TRIG_ERROR,
                        "({}, {}) component {d}",
                        lat[i],
                        lon[i]
                    );
                }
            }
        }
        // A step with a far longitude falls back to libm, bit for bit.
        let (mut units, mut cos) = (vec![[0.0; 3]; 4], vec![0.0; 4]);
        let (la, lo) = ([1.0, 2.0, 3.0, 4.0], [10.0, 720.5, 30.0, 40.0]);
        unit_vectors_and_cos_lat(&la, &lo, &mut units, &mut cos);
        assert_eq!(units[1], unit_vector(2.0, 720.5));
        assert_eq!(cos[3], 4.0f64.to_radians().cos());
    }

    /// Out of the reduced range (far longitudes, non-finite): libm's vectors exactly; every
    /// count of points (the padded last step) and mixed steps.
    #[test]
    fn far_and_non_finite_angles_take_libm_and_short_steps_are_padded() {
        let lat = [10.0, -45.0, 90.0, 0.0, 33.3, f64::NAN, 12.0];
        let lon = [400.0, -170.0, 180.0, -1e300, 22.2, 5.0, f64::INFINITY];
        for len in 0..=lat.len() {
            let idx: Vec<u16> = (0..len as u16).collect();
            let mut out = vec![[0.0; 3]; len];
            unit_vectors_at(&lat, &lon, &idx, &mut out);
            for (j, got) in out.iter().enumerate() {
                let want = unit_vector(lat[j], lon[j]);
                for d in 0..3 {
                    let same = (got[d] - want[d]).abs() <= TRIG_ERROR
                        || (got[d].is_nan() && want[d].is_nan());
                    assert!(same, "point {j} of {len}: {got:?} against {want:?}");
                }
            }
        }
        // The first step (lon 400°, -1e300) goes to libm: bit for bit.
        let mut out = [[0.0; 3]; 4];
        unit_vectors_at(&lat, &lon, &[0, 1, 2, 3], &mut out);
        assert_eq!(out[0], unit_vector(10.0, 400.0));
        assert_eq!(out[3], unit_vector(0.0, -1e300));
    }
}
