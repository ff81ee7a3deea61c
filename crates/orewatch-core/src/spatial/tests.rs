//! Every index against a brute-force haversine scan, on random points that include the
//! antimeridian, the poles and points placed at exactly R from a site.

use proptest::prelude::*;

use super::*;
use crate::geodesy::{haversine_km, EARTH_RADIUS_KM};

/// The point `distance_km` from (lat, lon) along `bearing_deg` (great-circle destination).
fn destination(lat: f64, lon: f64, bearing_deg: f64, distance_km: f64) -> (f64, f64) {
    let (p1, l1, b) = (lat.to_radians(), lon.to_radians(), bearing_deg.to_radians());
    let a = distance_km / EARTH_RADIUS_KM;
    let p2 = (p1.sin() * a.cos() + p1.cos() * a.sin() * b.cos()).asin();
    let l2 = l1 + (b.sin() * a.sin() * p1.cos()).atan2(a.cos() - p1.sin() * p2.sin());
    let lon2 = (l2.to_degrees() + 540.0).rem_euclid(360.0) - 180.0;
    (p2.to_degrees(), lon2)
}

fn brute_pairs(sites: &[(f64, f64)], events: &[(f64, f64)], r: f64) -> Vec<(u32, u32)> {
    let mut pairs = Vec::new();
    for (s, &(slat, slon)) in sites.iter().enumerate() {
        for (e, &(elat, elon)) in events.iter().enumerate() {
            if haversine_km(slon, slat, elon, elat) <= r {
                pairs.push((s as u32, e as u32));
            }
        }
    }
    pairs
}

fn lat_strategy() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -90.0..=90.0f64,
        1 => prop_oneof![Just(90.0), Just(-90.0), 89.0..90.0f64, -90.0..-89.0f64],
    ]
}

fn lon_strategy() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -180.0..=180.0f64,
        1 => prop_oneof![Just(180.0), Just(-180.0), 179.0..=180.0f64, -180.0..-179.0f64],
    ]
}

/// Sites, then events: some random, some clustered around the sites, some at exactly R.
/// (sites, events, radius km); points are (lat, lon).
type Scene = (Vec<(f64, f64)>, Vec<(f64, f64)>, f64);

fn scene() -> impl Strategy<Value = Scene> {
    let radius = prop_oneof![Just(25.0), Just(100.0), 0.5..2000.0f64, Just(8000.0)];
    (
        prop::collection::vec((lat_strategy(), lon_strategy()), 1..12),
        radius,
    )
        .prop_flat_map(|(sites, r)| {
            let n = sites.len();
            let random = prop::collection::vec((lat_strategy(), lon_strategy()), 0..40);
            let near = prop::collection::vec((0..n, 0.0..360.0f64, 0.0..1.6f64), 0..40);
            let at_r = prop::collection::vec((0..n, 0.0..360.0f64), 0..20);
            (Just(sites), Just(r), random, near, at_r)
        })
        .prop_map(|(sites, r, random, near, at_r)| {
            let mut events = random;
            for (s, bearing, frac) in near {
                events.push(destination(sites[s].0, sites[s].1, bearing, r * frac));
            }
            for (s, bearing) in at_r {
                events.push(destination(sites[s].0, sites[s].1, bearing, r));
            }
            (sites, events, r)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn cap_index_equals_brute_force((sites, events, r) in scene()) {
        let (slat, slon): (Vec<f64>, Vec<f64>) = sites.iter().copied().unzip();
        let index = CapIndex::new(&slat, &slon, r).unwrap();
        let mut pairs = Vec::new();
        for (e, &(lat, lon)) in events.iter().enumerate() {
            index.for_each_site_near(lat, lon, |s| pairs.push((s, e as u32)));
        }
        pairs.sort_unstable();
        prop_assert_eq!(pairs, brute_pairs(&sites, &events, r));
    }

    #[test]
    fn point_index_equals_brute_force((sites, events, r) in scene()) {
        let (elat, elon): (Vec<f64>, Vec<f64>) = events.iter().copied().unzip();
        let index = PointIndex::new(&elat, &elon, 25.0).unwrap();
        let mut pairs = Vec::new();
        for (s, &(lat, lon)) in sites.iter().enumerate() {
            index.for_each_within(lat, lon, r, |e, d| {
                assert_eq!(d, haversine_km(lon, lat, elon[e as usize], elat[e as usize]));
                pairs.push((s as u32, e));
            });
        }
        pairs.sort_unstable();
        prop_assert_eq!(pairs, brute_pairs(&sites, &events, r));
    }

    #[test]
    fn nearest_equals_brute_force((sites, events, _r) in scene()) {
        let (elat, elon): (Vec<f64>, Vec<f64>) = events.iter().copied().unzip();
        let index = PointIndex::new(&elat, &elon, 25.0).unwrap();
        for &(lat, lon) in &sites {
            let mut expected: Option<(u32, f64)> = None;
            for (e, &(la, lo)) in events.iter().enumerate() {
                let d = haversine_km(lon, lat, lo, la);
                if expected.is_none_or(|(_, bd)| d < bd) {
                    expected = Some((e as u32, d));
                }
            }
            prop_assert_eq!(index.nearest(lat, lon), expected);
        }
    }

    #[test]
    fn join_totals_equal_brute_force((sites, events, r) in scene(), seed in 0u32..1000) {
        let (slat, slon): (Vec<f64>, Vec<f64>) = sites.iter().copied().unzip();
        let (elat, elon): (Vec<f64>, Vec<f64>) = events.iter().copied().unzip();
        let fatalities: Vec<u32> = (0..events.len() as u32).map(|i| (i * 7 + seed) % 11).collect();
        let index = CapIndex::new(&slat, &slon, r).unwrap();
        let totals = join_within(&index, &elat, &elon, &fatalities);
        // Both event orders (tile by tile, as given) give the same totals.
        let tiled = super::cap_index::join_within_ordered(&index, &elat, &elon, &fatalities, true);
        let plain = super::cap_index::join_within_ordered(&index, &elat, &elon, &fatalities, false);
        prop_assert_eq!(&tiled, &totals);
        prop_assert_eq!(&plain, &totals);
        let brute = brute_pairs(&sites, &events, r);
        let mut per_site = vec![0u32; sites.len()];
        let mut deaths = 0u64;
        for &(s, e) in &brute {
            per_site[s as usize] += 1;
            deaths += fatalities[e as usize] as u64;
        }
        prop_assert_eq!(totals, JoinTotals { pairs: brute.len() as u64, fatalities: deaths, per_site_events: per_site });
    }
}

#[test]
fn exactly_at_r_on_a_meridian_is_in() {
    // One degree of latitude is R·π/180 km; an event exactly that far north is within R.
    let r = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
    let index = CapIndex::new(&[10.0], &[20.0], r).unwrap();
    let d = haversine_km(20.0, 10.0, 20.0, 11.0);
    let mut hits = Vec::new();
    index.for_each_site_near(11.0, 20.0, |s| hits.push(s));
    assert_eq!(hits, if d <= r { vec![0] } else { vec![] });
    index.for_each_site_near(11.0 + 1e-6, 20.0, |s| hits.push(s));
    assert!(hits.len() <= 1);
}

#[test]
fn events_across_the_antimeridian_and_at_the_pole_are_found() {
    let index = CapIndex::new(&[0.0, 89.95], &[179.95, 0.0], 25.0).unwrap();
    let mut hits = Vec::new();
    index.for_each_site_near(0.0, -179.95, |s| hits.push(s)); // 11.1 km across the line
    index.for_each_site_near(90.0, 123.0, |s| hits.push(s)); // the pole, 5.6 km from site 1
    index.for_each_site_near(89.95, 180.0, |s| hits.push(s)); // across the pole, 11.1 km
    assert_eq!(hits, vec![0, 1, 1]);
}

#[test]
fn bad_inputs_are_errors() {
    assert_eq!(
        CapIndex::new(&[0.0], &[0.0], -1.0).unwrap_err(),
        SpatialError::BadRadius(-1.0)
    );
    assert!(CapIndex::new(&[0.0], &[0.0], f64::NAN).is_err());
    assert_eq!(
        PointIndex::new(&[0.0, 1.0], &[0.0], 25.0).unwrap_err(),
        SpatialError::LengthMismatch { lat: 2, lon: 1 }
    );
}

#[test]
fn non_finite_points_match_nothing_but_keep_ids() {
    let index = PointIndex::new(&[f64::NAN, 12.0], &[0.0, -8.0], 25.0).unwrap();
    let mut hits = Vec::new();
    index.for_each_within(12.0, -8.0, 1.0, |i, d| hits.push((i, d)));
    assert_eq!(hits, vec![(1, 0.0)]);
    assert_eq!(index.nearest(0.0, 0.0).map(|(i, _)| i), Some(1));
    let empty = PointIndex::new(&[], &[], 25.0).unwrap();
    assert_eq!(empty.nearest(0.0, 0.0), None);
}

/// Enough sites that the cap index coarsens its grid to its cell budget (thousands of sites over
/// Africa, as in the real case), at the radii of the exposure command, against brute force.
#[test]
fn many_sites_with_a_coarsened_grid_equal_brute_force() {
    // A fixed linear congruential sequence (no seed handling needed, reproducible).
    let mut next = crate::test_util::uniform_sequence(0x2545_f491_4f6c_dd1du64);
    let sites: Vec<(f64, f64)> = (0..3000)
        .map(|_| (-35.0 + 72.0 * next(), -18.0 + 70.0 * next()))
        .collect();
    for r in [25.0, 50.0, 100.0] {
        let mut events: Vec<(f64, f64)> = (0..1500)
            .map(|_| (-40.0 + 82.0 * next(), -25.0 + 85.0 * next()))
            .collect();
        for _ in 0..1500 {
            let s = sites[(next() * sites.len() as f64) as usize % sites.len()];
            events.push(destination(s.0, s.1, 360.0 * next(), r * 1.2 * next()));
        }
        for s in sites.iter().take(200) {
            events.push(destination(s.0, s.1, 360.0 * next(), r));
        }
        let (slat, slon): (Vec<f64>, Vec<f64>) = sites.iter().copied().unzip();
        let index = CapIndex::new(&slat, &slon, r).unwrap();
        let mut pairs = Vec::new();
        for (e, &(lat, lon)) in events.iter().enumerate() {
            index.for_each_site_near(lat, lon, |s| pairs.push((s, e as u32)));
        }
        pairs.sort_unstable();
        let brute = brute_pairs(&sites, &events, r);
        assert!(
            brute.len() > 1000,
            "{r} km: too few pairs to test ({})",
            brute.len()
        );
        assert_eq!(pairs, brute, "{r} km");
    }
}
