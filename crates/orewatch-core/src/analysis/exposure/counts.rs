//! Exposure counts on the user's own columns: for each site and radius, the events within R km
//! dated in the window, and the deaths they carry.
//!
//! Answers the core of [`super::assess`] — `events` and `fatalities_best` per site and radius —
//! for events and sites held as plain columns (an analyst's DataFrames handed over through
//! Arrow), with the same rules: great-circle distance d ≤ R km
//! ([`crate::geodesy::haversine_km`], through [`PointIndex`]); window (as_of − window_days,
//! as_of], start excluded, end included, or every event up to as_of; radii sorted, distinct,
//! in (0, 20,000] km.
//!
//! Inputs: event latitude/longitude in degrees, the event date, optionally deaths per event;
//! site latitude/longitude in degrees, NaN for a site without coordinates (reported as not
//! assessed, never placed). An event with a coordinate that is not a finite latitude in
//! −90..90 or longitude in −180..180 is an error naming its row: nothing is dropped silently.
//! Output: one [`SiteCount`] per site and radius, site by site in input order, radii ascending.

use chrono::{Duration, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{check_window, checked_radii};
use crate::analysis::AnalysisError;
use crate::spatial::PointIndex;

/// Events as columns, one entry per event.
#[derive(Debug, Clone, Copy)]
pub struct EventColumns<'a> {
    pub lat: &'a [f64],
    pub lon: &'a [f64],
    /// The event's (start) date.
    pub date: &'a [NaiveDate],
    /// Deaths per event (GED `best`, ACLED `fatalities`); None when the data carry none.
    pub deaths: Option<&'a [u32]>,
}

/// Sites as columns; NaN coordinates mark a site without coordinates.
#[derive(Debug, Clone, Copy)]
pub struct SiteColumns<'a> {
    pub lat: &'a [f64],
    pub lon: &'a [f64],
}

/// The parameters of a count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountParams {
    /// Radii in km; sorted and deduplicated by [`count_near_sites`].
    pub radii_km: Vec<f64>,
    /// Window length in days ending at `as_of`; None = every event up to `as_of`.
    pub window_days: Option<u32>,
    /// Last day of the window (included). None = the latest event date in the data.
    pub as_of: Option<NaiveDate>,
}

/// One site at one radius.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteCount {
    /// The site's row in the input.
    pub site: usize,
    pub radius_km: f64,
    /// False for a site without coordinates: its counts are then None, never 0.
    pub assessed: bool,
    pub events: Option<u64>,
    /// Sum of the events' deaths; None without a deaths column or when not assessed.
    pub deaths: Option<u64>,
}

/// The result: the parameters applied (radii sorted, as_of resolved), the events in the
/// window, the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountResult {
    pub params: CountParams,
    /// Events dated in the window (at any distance).
    pub events_in_window: u64,
    pub rows: Vec<SiteCount>,
}

/// Counts, for every site and radius, the events within R km in the window and their deaths.
pub fn count_near_sites(
    sites: SiteColumns<'_>,
    events: EventColumns<'_>,
    params: CountParams,
) -> Result<CountResult, AnalysisError> {
    check_lengths(sites, events)?;
    let radii = checked_radii(params.radii_km)?;
    check_window(params.window_days)?;
    check_event_coordinates(events)?;
    check_site_coordinates(sites)?;
    let as_of = match params.as_of.or_else(|| events.date.iter().max().copied()) {
        Some(d) => d,
        None => {
            return Err(AnalysisError::bad(
                "as-of",
                "",
                "a date (the events table is empty, so there is no latest event date)",
            ))
        }
    };
    let first_day = params
        .window_days
        .map(|w| as_of - Duration::days(w as i64) + Duration::days(1));
    let in_window: Vec<u32> = (0..events.date.len())
        .filter(|&i| {
            let d = events.date[i];
            d <= as_of && first_day.is_none_or(|s| d >= s)
        })
        .map(|i| i as u32)
        .collect();
    let lat: Vec<f64> = in_window.iter().map(|&i| events.lat[i as usize]).collect();
    let lon: Vec<f64> = in_window.iter().map(|&i| events.lon[i as usize]).collect();
    let max_radius = *radii
        .last()
        .expect("checked_radii gives at least one radius");
    let index = PointIndex::new(&lat, &lon, max_radius)
        .map_err(|e| AnalysisError::Data(format!("cannot index the events: {e}")))?;
    let deaths_of = |i: u32| -> u64 {
        events
            .deaths
            .map_or(0, |d| d[in_window[i as usize] as usize] as u64)
    };

    let rows: Vec<SiteCount> = (0..sites.lat.len())
        .into_par_iter()
        .flat_map_iter(|s| {
            let (slat, slon) = (sites.lat[s], sites.lon[s]);
            let mut tally = vec![(0u64, 0u64); radii.len()];
            let assessed = !(slat.is_nan() || slon.is_nan());
            if assessed {
                index.for_each_within(slat, slon, max_radius, |i, d| {
                    // Radii ascending: the event counts for every radius from the first ≥ d.
                    let first = radii.partition_point(|&r| r < d);
                    if first < radii.len() {
                        tally[first].0 += 1;
                        tally[first].1 += deaths_of(i);
                    }
                });
                for k in 1..tally.len() {
                    tally[k].0 += tally[k - 1].0;
                    tally[k].1 += tally[k - 1].1;
                }
            }
            let has_deaths = events.deaths.is_some();
            radii
                .iter()
                .zip(tally)
                .map(move |(&radius_km, (n, deaths))| SiteCount {
                    site: s,
                    radius_km,
                    assessed,
                    events: assessed.then_some(n),
                    deaths: (assessed && has_deaths).then_some(deaths),
                })
        })
        .collect();
    Ok(CountResult {
        params: CountParams {
            radii_km: radii,
            window_days: params.window_days,
            as_of: Some(as_of),
        },
        events_in_window: in_window.len() as u64,
        rows,
    })
}

fn check_lengths(sites: SiteColumns<'_>, events: EventColumns<'_>) -> Result<(), AnalysisError> {
    let n = events.lat.len();
    let deaths = events.deaths.map_or(n, |d| d.len());
    if events.lon.len() != n || events.date.len() != n || deaths != n {
        return Err(AnalysisError::Data(format!(
            "the event columns differ in length (latitude {n}, longitude {}, date {}, deaths {deaths})",
            events.lon.len(),
            events.date.len()
        )));
    }
    if sites.lat.len() != sites.lon.len() {
        return Err(AnalysisError::Data(format!(
            "the site columns differ in length (latitude {}, longitude {})",
            sites.lat.len(),
            sites.lon.len()
        )));
    }
    Ok(())
}

fn check_event_coordinates(events: EventColumns<'_>) -> Result<(), AnalysisError> {
    for (i, (&lat, &lon)) in events.lat.iter().zip(events.lon).enumerate() {
        check_point("events", i, lat, lon)?;
    }
    Ok(())
}

fn check_site_coordinates(sites: SiteColumns<'_>) -> Result<(), AnalysisError> {
    for (i, (&lat, &lon)) in sites.lat.iter().zip(sites.lon).enumerate() {
        if lat.is_nan() && lon.is_nan() {
            continue; // no coordinates: not assessed
        }
        check_point("sites", i, lat, lon)?;
    }
    Ok(())
}

fn check_point(table: &str, row: usize, lat: f64, lon: f64) -> Result<(), AnalysisError> {
    let bad = if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
        Some(("latitude", lat, "a finite number of degrees in -90..90"))
    } else if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
        Some(("longitude", lon, "a finite number of degrees in -180..180"))
    } else {
        None
    };
    match bad {
        Some((what, value, expected)) => Err(AnalysisError::Data(format!(
            "{table} row {row}: {what} {value} is not {expected}; fix or drop the row"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::haversine_km;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Hand-worked: one site at (0, 0); one degree of latitude is 6371.0088 · π / 180 =
    /// 111.195 km. Events at 0.1° (11.1 km), 0.2° (22.2 km), 0.3° (33.4 km) and 1° (111.2 km)
    /// north, deaths 1, 2, 4, 8, dated 2020-12-31, 2021-06-01, 2021-12-31, 2021-12-31; one more
    /// at 0.1° dated 2020-12-31 − 365 days. As of 2021-12-31, window 365 days = 2021-01-01 ..
    /// 2021-12-31: the events at 0.1° (dated 2020-12-31) fall out. 25 km: the 0.2° event →
    /// 1 event, 2 deaths; 50 km: + 0.3° → 2 events, 6 deaths; 200 km: + 1° → 3 events,
    /// 14 deaths. A second site without coordinates is not assessed.
    #[test]
    fn hand_worked_counts_window_and_radii() {
        let lat = [0.1, 0.2, 0.3, 1.0, 0.1];
        let lon = [0.0; 5];
        let date = [
            d("2020-12-31"),
            d("2021-06-01"),
            d("2021-12-31"),
            d("2021-12-31"),
            d("2019-12-31"),
        ];
        let deaths = [1, 2, 4, 8, 16];
        let events = EventColumns {
            lat: &lat,
            lon: &lon,
            date: &date,
            deaths: Some(&deaths),
        };
        let sites = SiteColumns {
            lat: &[0.0, f64::NAN],
            lon: &[0.0, f64::NAN],
        };
        let params = CountParams {
            radii_km: vec![200.0, 25.0, 50.0, 25.0],
            window_days: Some(365),
            as_of: Some(d("2021-12-31")),
        };
        let out = count_near_sites(sites, events, params).unwrap();
        assert_eq!(out.params.radii_km, vec![25.0, 50.0, 200.0]);
        assert_eq!(out.events_in_window, 3);
        let got: Vec<(usize, f64, Option<u64>, Option<u64>)> = out
            .rows
            .iter()
            .map(|r| (r.site, r.radius_km, r.events, r.deaths))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 25.0, Some(1), Some(2)),
                (0, 50.0, Some(2), Some(6)),
                (0, 200.0, Some(3), Some(14)),
                (1, 25.0, None, None),
                (1, 50.0, None, None),
                (1, 200.0, None, None),
            ]
        );
        assert!(!out.rows[3].assessed);

        // Every event up to as_of, default as_of = the latest date (2021-12-31), no deaths.
        let events = EventColumns {
            deaths: None,
            ..events
        };
        let all = CountParams {
            radii_km: vec![25.0],
            window_days: None,
            as_of: None,
        };
        let out = count_near_sites(sites, events, all).unwrap();
        assert_eq!(out.params.as_of, Some(d("2021-12-31")));
        // 0.1° twice and 0.2°: 3 events within 25 km.
        assert_eq!(out.rows[0].events, Some(3));
        assert_eq!(out.rows[0].deaths, None);
    }

    /// Against a brute force over every (site, event) pair with the haversine distance.
    #[test]
    fn equals_brute_force() {
        let mut state = 20261207u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let n = 3000;
        let lat: Vec<f64> = (0..n).map(|_| 10.0 + 6.0 * next()).collect();
        let lon: Vec<f64> = (0..n).map(|_| -6.0 + 8.0 * next()).collect();
        let date: Vec<NaiveDate> = (0..n)
            .map(|_| d("2019-01-01") + Duration::days((next() * 1000.0) as i64))
            .collect();
        let deaths: Vec<u32> = (0..n).map(|_| (next() * 20.0) as u32).collect();
        let slat: Vec<f64> = (0..40).map(|_| 10.0 + 6.0 * next()).collect();
        let slon: Vec<f64> = (0..40).map(|_| -6.0 + 8.0 * next()).collect();
        let radii = vec![10.0, 25.0, 80.0];
        let as_of = d("2020-10-01");
        let out = count_near_sites(
            SiteColumns {
                lat: &slat,
                lon: &slon,
            },
            EventColumns {
                lat: &lat,
                lon: &lon,
                date: &date,
                deaths: Some(&deaths),
            },
            CountParams {
                radii_km: radii.clone(),
                window_days: Some(200),
                as_of: Some(as_of),
            },
        )
        .unwrap();
        let start = as_of - Duration::days(199);
        for row in &out.rows {
            let (mut n, mut dead) = (0u64, 0u64);
            for e in 0..lat.len() {
                let near =
                    haversine_km(slon[row.site], slat[row.site], lon[e], lat[e]) <= row.radius_km;
                if near && date[e] >= start && date[e] <= as_of {
                    n += 1;
                    dead += deaths[e] as u64;
                }
            }
            assert_eq!((row.events, row.deaths), (Some(n), Some(dead)), "{row:?}");
        }
        assert!(out.rows.iter().any(|r| r.events.unwrap() > 0));
    }

    #[test]
    fn bad_coordinates_name_the_row() {
        let err = count_near_sites(
            SiteColumns {
                lat: &[0.0],
                lon: &[0.0],
            },
            EventColumns {
                lat: &[0.0, 95.0],
                lon: &[0.0, 0.0],
                date: &[d("2020-01-01"); 2],
                deaths: None,
            },
            CountParams {
                radii_km: vec![25.0],
                window_days: None,
                as_of: None,
            },
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "events row 1: latitude 95 is not a finite number of degrees in -90..90; fix or drop the row"
        );
    }
}
