//! Exposure: how much armed violence surrounds each mine site, how recent, by whom, and
//! whether it is rising.
//!
//! For each site with coordinates and an as-of date, over the events of ONE source (see
//! [`super::events`]) at great-circle distance d ≤ R km ([`crate::geodesy::haversine_km`]) and
//! dated in the window (as_of − window_days, as_of] — start excluded, end included — by their
//! start date:
//! - per radius (default 25, 50, 100 km): events; fatalities best/low/high (low/high only when
//!   every event has them: ACLED reports one figure); events and fatalities targeting
//!   civilians (GED one-sided violence, ACLED civilian targeting); events and fatalities by
//!   UCDP violence type (plus "other" for ACLED events without one);
//! - the exposure index Σ w_e · k_d(d) · k_t(age): w_e = max(1, fatalities_best) (or 1 per
//!   event), k_t = 0.5^(age_days / half_life_days) with age_days = as_of − date, k_d one of
//!   uniform (1), linear (1 − d/R), gaussian (exp(−d² / 2σ²), σ = R/2). Units: weighted
//!   deaths (or events);
//! - the top actors by events and by fatalities (GED side_a/side_b, ACLED actor1/actor2;
//!   "Civilians" is the target, not an actor), with the side they were on and the month they
//!   were last seen;
//! - the trend: events in this window against the previous window of equal length
//!   (as_of − 2·window, as_of − window], their ratio ("new" when the previous is 0) and the
//!   exact two-sided binomial p-value of the split given the total (p = 0.5, as scipy's
//!   binomtest);
//! - the nearest event in the window and the nearest ever (up to as_of), at any distance:
//!   distance, month, sides.
//!
//! A site without coordinates is reported as not assessed, never placed.
//!
//! Coverage ([`assess_with_coverage`], with the store's [`EventCoverage`] and boundaries): a
//! site whose own country the event source does not cover for any day of the window is
//! "not covered" — not assessed, its counts empty, never 0. A site whose own country is
//! covered for part of the window only, or whose radius reaches a country (boundary within R
//! km, [`CountryReach`]) not covered for the whole window, keeps the counts of the data held
//! and is "partial", naming those countries. The trend is left out when the previous window
//! is not covered for the site's own country. [`assess`] checks nothing ("not checked").
//!
//! "Last seen" and event dates are given to the month: no product shows a day-level trail.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::coverage::{CountryReach, Covered, EventCoverage};
use super::events::EventFilter;
use super::stats::binomial_two_sided_half;
use super::AnalysisError;
use crate::model::{Event, Site, ViolenceType};
use crate::spatial::PointIndex;

/// The distance kernel k_d.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kernel {
    /// k_d = 1 within R.
    Uniform,
    /// k_d = 1 − d/R.
    Linear,
    /// k_d = exp(−d² / (2σ²)) with σ = R/2.
    Gaussian,
}

impl Kernel {
    pub fn parse(text: &str) -> Result<Kernel, AnalysisError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "uniform" => Ok(Kernel::Uniform),
            "linear" => Ok(Kernel::Linear),
            "gaussian" => Ok(Kernel::Gaussian),
            _ => Err(AnalysisError::bad(
                "kernel",
                text,
                "uniform, linear or gaussian",
            )),
        }
    }

    /// k_d for an event at `d_km` from the site, radius `r_km` (d ≤ R).
    pub fn weight(self, d_km: f64, r_km: f64) -> f64 {
        match self {
            Kernel::Uniform => 1.0,
            Kernel::Linear => 1.0 - d_km / r_km,
            Kernel::Gaussian => {
                let sigma = r_km / 2.0;
                (-(d_km * d_km) / (2.0 * sigma * sigma)).exp()
            }
        }
    }
}

/// The event weight w_e.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventWeight {
    /// w_e = max(1, fatalities_best): a non-lethal event still counts once.
    Fatalities,
    /// w_e = 1.
    Events,
}

impl EventWeight {
    pub fn parse(text: &str) -> Result<EventWeight, AnalysisError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "fatalities" => Ok(EventWeight::Fatalities),
            "events" => Ok(EventWeight::Events),
            _ => Err(AnalysisError::bad("weight", text, "fatalities or events")),
        }
    }

    fn of(self, event: &Event) -> f64 {
        match self {
            EventWeight::Fatalities => event.fatalities_best.max(1) as f64,
            EventWeight::Events => 1.0,
        }
    }
}

/// Every parameter of an exposure run; written into the output's metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExposureParams {
    pub filter: EventFilter,
    pub as_of: NaiveDate,
    /// Ascending, distinct, positive.
    pub radii_km: Vec<f64>,
    /// Window length in days; None = every event up to as_of (no trend then).
    pub window_days: Option<u32>,
    pub half_life_days: f64,
    pub kernel: Kernel,
    pub weight: EventWeight,
    /// How many actors to list (default 5).
    pub top_actors: usize,
}

impl ExposureParams {
    /// The defaults of the issue: radii 25/50/100 km, 365-day window, 90-day half-life,
    /// uniform kernel, fatality weights, top 5 actors.
    pub fn new(filter: EventFilter, as_of: NaiveDate) -> ExposureParams {
        ExposureParams {
            filter,
            as_of,
            radii_km: vec![25.0, 50.0, 100.0],
            window_days: Some(365),
            half_life_days: 90.0,
            kernel: Kernel::Uniform,
            weight: EventWeight::Fatalities,
            top_actors: 5,
        }
    }

    /// Checks the parameters; sorts and dedups the radii.
    pub fn validate(mut self) -> Result<ExposureParams, AnalysisError> {
        self.radii_km = checked_radii(self.radii_km)?;
        check_window(self.window_days)?;
        if !(self.half_life_days.is_finite() && self.half_life_days > 0.0) {
            return Err(AnalysisError::bad(
                "half-life-days",
                self.half_life_days,
                "a positive number of days",
            ));
        }
        Ok(self)
    }

    /// First day inside the window (the day after as_of − window_days); None for "all".
    pub fn window_start(&self) -> Option<NaiveDate> {
        self.window_days
            .map(|w| self.as_of - Duration::days(w as i64) + Duration::days(1))
    }

    fn in_window(&self, date: NaiveDate) -> bool {
        date <= self.as_of && self.window_start().is_none_or(|s| date >= s)
    }

    fn in_previous_window(&self, date: NaiveDate) -> bool {
        match self.window_days {
            None => false,
            Some(w) => {
                let end = self.as_of - Duration::days(w as i64);
                let start = end - Duration::days(w as i64) + Duration::days(1);
                start <= date && date <= end
            }
        }
    }
}

/// The radii sorted ascending without repeats; an error unless each is in (0, 20,000] km.
pub(crate) fn checked_radii(mut radii_km: Vec<f64>) -> Result<Vec<f64>, AnalysisError> {
    if radii_km.is_empty() {
        return Err(AnalysisError::bad("radius-km", "", "at least one radius"));
    }
    for &r in &radii_km {
        if !(r.is_finite() && r > 0.0 && r <= 20_000.0) {
            return Err(AnalysisError::bad(
                "radius-km",
                r,
                "a positive number of kilometres, at most 20,000",
            ));
        }
    }
    radii_km.sort_by(f64::total_cmp);
    radii_km.dedup();
    Ok(radii_km)
}

/// An error for a window of 0 days (None = every event up to as_of).
pub(crate) fn check_window(window_days: Option<u32>) -> Result<(), AnalysisError> {
    if window_days == Some(0) {
        return Err(AnalysisError::bad(
            "window-days",
            0,
            "a positive number of days, or all",
        ));
    }
    Ok(())
}

/// Events and fatalities (best) of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    pub events: u64,
    pub fatalities_best: u64,
}

impl Tally {
    fn add(&mut self, fatalities: u32) {
        self.events += 1;
        self.fatalities_best += fatalities as u64;
    }
}

/// An actor active near a site in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorNear {
    pub name: String,
    /// `a` (GED side_a / ACLED actor1), `b`, or `a+b` when it appears on both.
    pub side: String,
    pub events: u64,
    /// Deaths in the events it took part in (as either side).
    pub fatalities_best: u64,
    /// `YYYY-MM` of its latest event here.
    pub last_seen: String,
}

/// The nearest event to a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearestEvent {
    /// The source's event id for UCDP GED (public, citable); None for ACLED, whose terms
    /// allow aggregates only.
    pub event_id: Option<String>,
    pub distance_km: f64,
    /// `YYYY-MM`.
    pub month: String,
    pub side_a: String,
    pub side_b: Option<String>,
    pub violence_type: Option<&'static str>,
    pub fatalities_best: u32,
}

/// The trend: this window against the previous one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub events: u64,
    pub previous_events: u64,
    /// events / previous_events; None when previous is 0.
    pub ratio: Option<f64>,
    /// `rising`, `falling`, `steady`, `new` (previous 0, now > 0) or `none` (both 0).
    pub label: &'static str,
    /// Exact two-sided binomial p-value of the split (p = 0.5); None when both are 0.
    pub p_value: Option<f64>,
}

/// One site at one radius.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExposureRow {
    pub site_id: String,
    pub site_name: String,
    pub site_kind: &'static str,
    pub country_iso3: Option<String>,
    pub commodities: Vec<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// False for a site without coordinates, or whose country the event data do not cover
    /// for the window: every number below is then empty (not 0).
    pub assessed: bool,
    /// "assessed", "no coordinates — not assessed" or "not covered — no event data for the
    /// site's country in the window".
    pub status: &'static str,
    /// `covered`, `partial` (see `uncovered_countries`), `not covered` (the site's own country
    /// has no data for the window), or `not checked` ([`assess`]).
    pub coverage: &'static str,
    /// ISO3 of the countries within the radius (the site's own included) whose event data do
    /// not cover the whole window, sorted.
    pub uncovered_countries: Vec<String>,
    /// What is missing where (`NER: no data 2020-01-01..2022-12-31`), and what was not checked.
    pub coverage_note: Option<String>,
    pub radius_km: f64,
    pub events: u64,
    pub fatalities_best: u64,
    pub fatalities_low: Option<u64>,
    pub fatalities_high: Option<u64>,
    pub civilian: Tally,
    pub state_based: Tally,
    pub non_state: Tally,
    pub one_sided: Tally,
    /// Events without a UCDP violence type (ACLED protests, riots, strategic developments).
    pub other: Tally,
    pub exposure_index: f64,
    pub trend: Option<Trend>,
    pub top_actors_by_events: Vec<ActorNear>,
    pub top_actors_by_fatalities: Vec<ActorNear>,
    pub nearest_in_window: Option<NearestEvent>,
    pub nearest_ever: Option<NearestEvent>,
}

/// The result: parameters, the events considered, one row per site and radius.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExposureReport {
    pub params: ExposureParams,
    /// Events of the source passing the filters and dated up to as_of.
    pub events_considered: u64,
    /// Rows sorted by radius, then exposure index (highest first), then site id; sites
    /// without coordinates last.
    pub rows: Vec<ExposureRow>,
}

const CIVILIANS: &str = "civilians";

/// What [`assess_with_coverage`] checks each site's window against: the coverage table and
/// the countries near each site.
#[derive(Debug, Clone)]
pub struct CoverageCheck<'a> {
    pub table: &'a EventCoverage,
    pub reach: CountryReach<'a>,
}

/// Status of a site whose country has no event data for the window.
const NOT_COVERED: &str = "not covered — no event data for the site's country in the window";

/// Assesses every given site, checking each window against the event data's coverage (see
/// the module docs). `events` may hold any sources: the filter picks one.
pub fn assess_with_coverage(
    sites: &[&Site],
    events: &[Event],
    params: ExposureParams,
    check: &CoverageCheck<'_>,
) -> Result<ExposureReport, AnalysisError> {
    let mut report = assess(sites, events, params)?;
    let p = &report.params;
    let source = p.filter.source;
    let last = p.as_of;
    let first = p
        .window_start()
        .or_else(|| check.table.source_start(source))
        .unwrap_or(last);
    let previous = p.window_days.map(|w| {
        let end = last - Duration::days(w as i64);
        (end - Duration::days(w as i64) + Duration::days(1), end)
    });
    let by_id: HashMap<&str, &Site> = sites.iter().map(|s| (s.site_id.as_str(), *s)).collect();
    for row in &mut report.rows {
        let (Some(lat), Some(lon)) = (row.lat, row.lon) else {
            continue;
        };
        let reached = check.reach.within(lat, lon, row.radius_km);
        let Some(own) = own_country(by_id[row.site_id.as_str()], &reached) else {
            row.coverage = "not checked";
            row.coverage_note = Some("the site's country is unknown: coverage not checked".into());
            continue;
        };
        let Some(WindowCoverage {
            label,
            uncovered,
            mut notes,
        }) = window_coverage(check, source, &own, &reached, first, last)
        else {
            let site = by_id[row.site_id.as_str()];
            let radius = row.radius_km;
            *row = empty_row(site, radius);
            row.status = NOT_COVERED;
            row.coverage = Covered::NotCovered.as_str();
            row.uncovered_countries = vec![own.clone()];
            row.coverage_note = Some(missing_note(&own, &[(first, last)]));
            continue;
        };
        if check.reach.is_empty() {
            notes.push(
                "no boundaries in the store: countries the radius reaches not checked".into(),
            );
        }
        if let Some((s, e)) = previous {
            if check.table.covered(source, &own, s, e) != Covered::Full {
                row.trend = None;
                notes.push(format!(
                    "trend left out: the previous window {s}..{e} is not covered for {own}"
                ));
            }
        }
        row.coverage = label;
        row.uncovered_countries = uncovered;
        row.coverage_note = (!notes.is_empty()).then(|| notes.join("; "));
    }
    sort_rows(&mut report.rows);
    Ok(report)
}

/// The coverage of one site's window: `covered` or `partial`, the countries not covered for
/// the whole window (sorted) and what they miss. None when the site's own country has no
/// data for any day of it.
struct WindowCoverage {
    label: &'static str,
    uncovered: Vec<String>,
    notes: Vec<String>,
}

fn window_coverage(
    check: &CoverageCheck<'_>,
    source: crate::model::EventSource,
    own: &str,
    reached: &[(String, f64)],
    first: NaiveDate,
    last: NaiveDate,
) -> Option<WindowCoverage> {
    let mut uncovered = Vec::new();
    let mut notes = Vec::new();
    let others = reached
        .iter()
        .map(|(c, _)| c.as_str())
        .filter(|c| *c != own);
    for (i, iso3) in std::iter::once(own).chain(others).enumerate() {
        match check.table.covered(source, iso3, first, last) {
            Covered::Full => {}
            Covered::NotCovered if i == 0 => return None,
            Covered::NotCovered => {
                uncovered.push(iso3.to_string());
                notes.push(missing_note(iso3, &[(first, last)]));
            }
            Covered::Partial { missing } => {
                uncovered.push(iso3.to_string());
                notes.push(missing_note(iso3, &missing));
            }
        }
    }
    uncovered.sort();
    let label = if uncovered.is_empty() {
        Covered::Full.as_str()
    } else {
        "partial"
    };
    Some(WindowCoverage {
        label,
        uncovered,
        notes,
    })
}

/// A site's own country (if known) and the countries within a radius, with distances.
type OwnAndReached = (Option<String>, Vec<(String, f64)>);

/// The site's own country: its ISO3, else the country whose boundary holds it.
fn own_country(site: &Site, reached: &[(String, f64)]) -> Option<String> {
    site.country_iso3.clone().or_else(|| {
        reached
            .iter()
            .find(|(_, d)| *d == 0.0)
            .map(|(c, _)| c.clone())
    })
}

fn missing_note(iso3: &str, missing: &[(NaiveDate, NaiveDate)]) -> String {
    let spans: Vec<String> = missing.iter().map(|(s, e)| format!("{s}..{e}")).collect();
    format!("{iso3}: no data {}", spans.join(", "))
}

/// Assesses every given site without checking coverage (rows say "not checked"; prefer
/// [`assess_with_coverage`]). `events` may hold any sources: the filter picks one.
pub fn assess(
    sites: &[&Site],
    events: &[Event],
    params: ExposureParams,
) -> Result<ExposureReport, AnalysisError> {
    let params = params.validate()?;
    let pool: Vec<&Event> = events
        .iter()
        .filter(|e| params.filter.accepts(e) && e.date_start <= params.as_of)
        .collect();
    let max_radius = *params.radii_km.last().unwrap_or(&100.0);
    let index = point_index(&pool, max_radius)?;
    let window: Vec<&Event> = pool
        .iter()
        .copied()
        .filter(|e| params.in_window(e.date_start))
        .collect();
    let window_index = point_index(&window, max_radius)?;

    let mut rows = Vec::with_capacity(sites.len() * params.radii_km.len());
    for site in sites {
        let (Some(lat), Some(lon)) = (site.lat, site.lon) else {
            for &r in &params.radii_km {
                rows.push(unassessed_row(site, r));
            }
            continue;
        };
        let mut near: Vec<(u32, f64)> = Vec::new();
        index.for_each_within(lat, lon, max_radius, |i, d| near.push((i, d)));
        near.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let nearest_in_window = window_index
            .nearest(lat, lon)
            .map(|(i, d)| nearest_event(window[i as usize], d));
        let nearest_ever = index
            .nearest(lat, lon)
            .map(|(i, d)| nearest_event(pool[i as usize], d));
        for &r in &params.radii_km {
            let within: Vec<(&Event, f64)> = near
                .iter()
                .take_while(|(_, d)| *d <= r)
                .map(|&(i, d)| (pool[i as usize], d))
                .collect();
            let mut row = site_row(site, lat, lon, r, &within, &params);
            row.nearest_in_window = nearest_in_window.clone();
            row.nearest_ever = nearest_ever.clone();
            rows.push(row);
        }
    }
    sort_rows(&mut rows);
    Ok(ExposureReport {
        params,
        events_considered: pool.len() as u64,
        rows,
    })
}

fn point_index(events: &[&Event], radius_km: f64) -> Result<PointIndex, AnalysisError> {
    let lats: Vec<f64> = events.iter().map(|e| e.lat).collect();
    let lons: Vec<f64> = events.iter().map(|e| e.lon).collect();
    PointIndex::new(&lats, &lons, radius_km).map_err(|e| AnalysisError::Data(e.to_string()))
}

fn sort_rows(rows: &mut [ExposureRow]) {
    rows.sort_by(|a, b| {
        b.assessed
            .cmp(&a.assessed)
            .then(a.radius_km.total_cmp(&b.radius_km))
            .then(b.exposure_index.total_cmp(&a.exposure_index))
            .then(a.site_id.cmp(&b.site_id))
    });
}

fn month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

fn nearest_event(event: &Event, distance_km: f64) -> NearestEvent {
    NearestEvent {
        event_id: (event.source == crate::model::EventSource::UcdpGed)
            .then(|| event.event_id.clone()),
        distance_km,
        month: month(event.date_start),
        side_a: event.side_a.clone(),
        side_b: event.side_b.clone(),
        violence_type: event.violence_type.map(ViolenceType::as_str),
        fatalities_best: event.fatalities_best,
    }
}

fn unassessed_row(site: &Site, radius_km: f64) -> ExposureRow {
    let mut row = empty_row(site, radius_km);
    row.status = "no coordinates — not assessed";
    row
}

fn empty_row(site: &Site, radius_km: f64) -> ExposureRow {
    ExposureRow {
        site_id: site.site_id.clone(),
        site_name: site.name.clone(),
        site_kind: site.kind.as_str(),
        country_iso3: site.country_iso3.clone(),
        commodities: site.commodities.clone(),
        lat: site.lat,
        lon: site.lon,
        assessed: false,
        status: "assessed",
        coverage: "not checked",
        uncovered_countries: Vec::new(),
        coverage_note: None,
        radius_km,
        events: 0,
        fatalities_best: 0,
        fatalities_low: None,
        fatalities_high: None,
        civilian: Tally::default(),
        state_based: Tally::default(),
        non_state: Tally::default(),
        one_sided: Tally::default(),
        other: Tally::default(),
        exposure_index: 0.0,
        trend: None,
        top_actors_by_events: Vec::new(),
        top_actors_by_fatalities: Vec::new(),
        nearest_in_window: None,
        nearest_ever: None,
    }
}

/// Per-actor accumulation: events, deaths, sides seen, latest date.
#[derive(Default)]
struct ActorAcc {
    events: u64,
    fatalities: u64,
    side_a: bool,
    side_b: bool,
    last: Option<NaiveDate>,
}

fn site_row(
    site: &Site,
    lat: f64,
    lon: f64,
    radius_km: f64,
    within: &[(&Event, f64)],
    params: &ExposureParams,
) -> ExposureRow {
    let mut row = empty_row(site, radius_km);
    row.assessed = true;
    row.lat = Some(lat);
    row.lon = Some(lon);
    let (mut low, mut high) = (Some(0u64), Some(0u64));
    let mut previous = 0u64;
    let mut actors: HashMap<&str, ActorAcc> = HashMap::new();
    for &(event, d) in within {
        if params.in_previous_window(event.date_start) {
            previous += 1;
        }
        if !params.in_window(event.date_start) {
            continue;
        }
        let best = event.fatalities_best;
        row.events += 1;
        row.fatalities_best += best as u64;
        low = low.zip(event.fatalities_low).map(|(a, b)| a + b as u64);
        high = high.zip(event.fatalities_high).map(|(a, b)| a + b as u64);
        if event.civilian_targeting {
            row.civilian.add(best);
        }
        match event.violence_type {
            Some(ViolenceType::StateBased) => row.state_based.add(best),
            Some(ViolenceType::NonState) => row.non_state.add(best),
            Some(ViolenceType::OneSided) => row.one_sided.add(best),
            None => row.other.add(best),
        }
        let age_days = (params.as_of - event.date_start).num_days() as f64;
        row.exposure_index += params.weight.of(event)
            * params.kernel.weight(d, radius_km)
            * 0.5f64.powf(age_days / params.half_life_days);
        let sides = [
            (Some(event.side_a.as_str()), true),
            (event.side_b.as_deref(), false),
        ];
        for (name, is_a) in sides {
            let Some(name) = name.filter(|n| !n.trim().eq_ignore_ascii_case(CIVILIANS)) else {
                continue;
            };
            let acc = actors.entry(name).or_default();
            acc.events += 1;
            acc.fatalities += best as u64;
            if is_a {
                acc.side_a = true;
            } else {
                acc.side_b = true;
            }
            acc.last = acc.last.max(Some(event.date_start));
        }
    }
    if row.events > 0 {
        row.fatalities_low = low;
        row.fatalities_high = high;
    } else {
        row.fatalities_low = Some(0);
        row.fatalities_high = Some(0);
    }
    if params.window_days.is_some() {
        row.trend = Some(trend(row.events, previous));
    }
    let mut list: Vec<ActorNear> = actors
        .into_iter()
        .map(|(name, acc)| ActorNear {
            name: name.to_string(),
            side: match (acc.side_a, acc.side_b) {
                (true, true) => "a+b",
                (true, false) => "a",
                _ => "b",
            }
            .to_string(),
            events: acc.events,
            fatalities_best: acc.fatalities,
            last_seen: acc.last.map(month).unwrap_or_default(),
        })
        .collect();
    list.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then(b.fatalities_best.cmp(&a.fatalities_best))
            .then(a.name.cmp(&b.name))
    });
    row.top_actors_by_events = list.iter().take(params.top_actors).cloned().collect();
    list.sort_by(|a, b| {
        b.fatalities_best
            .cmp(&a.fatalities_best)
            .then(b.events.cmp(&a.events))
            .then(a.name.cmp(&b.name))
    });
    row.top_actors_by_fatalities = list.into_iter().take(params.top_actors).collect();
    row
}

/// This window's events against the previous window's.
pub fn trend(events: u64, previous_events: u64) -> Trend {
    let total = events + previous_events;
    let p_value = (total > 0).then(|| binomial_two_sided_half(events, total));
    let ratio = (previous_events > 0).then(|| events as f64 / previous_events as f64);
    let label = match (events, previous_events) {
        (0, 0) => "none",
        (_, 0) => "new",
        (e, p) if e > p => "rising",
        (e, p) if e < p => "falling",
        _ => "steady",
    };
    Trend {
        events,
        previous_events,
        ratio,
        label,
        p_value,
    }
}

/// One site's exposure index at one radius for one month (as_of = the month's last day).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyExposure {
    pub site_id: String,
    pub radius_km: f64,
    /// `YYYY-MM`.
    pub month: String,
    /// None when the site's country has no event data for the month's window (never 0).
    pub events: Option<u64>,
    pub fatalities_best: Option<u64>,
    pub exposure_index: Option<f64>,
    /// As [`ExposureRow::coverage`].
    pub coverage: &'static str,
    /// As [`ExposureRow::uncovered_countries`], joined by `;`.
    pub uncovered_countries: String,
}

/// Each site's exposure month by month, `as_of` set to the last day of every month from
/// `first` to `last` (inclusive; any day of a month stands for that month). Same parameters
/// as [`assess`] otherwise (`params.as_of` is ignored). Sites without coordinates are
/// skipped (they are listed by [`assess`]).
pub fn assess_monthly(
    sites: &[&Site],
    events: &[Event],
    params: ExposureParams,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<MonthlyExposure>, AnalysisError> {
    let mut params = params.validate()?;
    if first > last {
        return Err(AnalysisError::bad(
            "every month range",
            format!("{first}..{last}"),
            "a first month not after the last",
        ));
    }
    let month_ends = month_ends(first, last);
    let final_as_of = *month_ends.last().unwrap_or(&last);
    let pool: Vec<&Event> = events
        .iter()
        .filter(|e| params.filter.accepts(e) && e.date_start <= final_as_of)
        .collect();
    let max_radius = *params.radii_km.last().unwrap_or(&100.0);
    let index = point_index(&pool, max_radius)?;
    let mut out = Vec::new();
    for site in sites {
        let (Some(lat), Some(lon)) = (site.lat, site.lon) else {
            continue;
        };
        let mut near: Vec<(&Event, f64)> = Vec::new();
        index.for_each_within(lat, lon, max_radius, |i, d| {
            near.push((pool[i as usize], d))
        });
        for &r in &params.radii_km.clone() {
            for &as_of in &month_ends {
                params.as_of = as_of;
                let (mut events_n, mut deaths, mut index_value) = (0u64, 0u64, 0.0f64);
                for &(event, d) in near.iter().filter(|(_, d)| *d <= r) {
                    if !params.in_window(event.date_start) {
                        continue;
                    }
                    events_n += 1;
                    deaths += event.fatalities_best as u64;
                    let age_days = (as_of - event.date_start).num_days() as f64;
                    index_value += params.weight.of(event)
                        * params.kernel.weight(d, r)
                        * 0.5f64.powf(age_days / params.half_life_days);
                }
                out.push(MonthlyExposure {
                    site_id: site.site_id.clone(),
                    radius_km: r,
                    month: month(as_of),
                    events: Some(events_n),
                    fatalities_best: Some(deaths),
                    exposure_index: Some(index_value),
                    coverage: "not checked",
                    uncovered_countries: String::new(),
                });
            }
        }
    }
    Ok(out)
}

/// Like [`assess_monthly`], each month's window checked against the coverage as in
/// [`assess_with_coverage`]: a month whose window has no data for the site's country has no
/// numbers (None, never 0).
pub fn assess_monthly_with_coverage(
    sites: &[&Site],
    events: &[Event],
    params: ExposureParams,
    first: NaiveDate,
    last: NaiveDate,
    check: &CoverageCheck<'_>,
) -> Result<Vec<MonthlyExposure>, AnalysisError> {
    let params = params.validate()?;
    let source = params.filter.source;
    let mut rows = assess_monthly(sites, events, params.clone(), first, last)?;
    let by_id: HashMap<&str, &Site> = sites.iter().map(|s| (s.site_id.as_str(), *s)).collect();
    // (site, radius bits) -> (its own country, the countries its radius reaches)
    let mut reach_of: HashMap<(&str, u64), OwnAndReached> = HashMap::new();
    for row in &mut rows {
        let site = by_id[row.site_id.as_str()];
        let (Some(lat), Some(lon)) = (site.lat, site.lon) else {
            continue;
        };
        let (own, reached) = reach_of
            .entry((site.site_id.as_str(), row.radius_km.to_bits()))
            .or_insert_with(|| {
                let reached = check.reach.within(lat, lon, row.radius_km);
                (own_country(site, &reached), reached)
            });
        let Some(own) = own.as_deref() else {
            continue;
        };
        let Ok(start) = NaiveDate::parse_from_str(&format!("{}-01", row.month), "%Y-%m-%d") else {
            continue;
        };
        let mut p = params.clone();
        p.as_of = super::events::month_end(start);
        let window_first = p
            .window_start()
            .or_else(|| check.table.source_start(source))
            .unwrap_or(p.as_of);
        match window_coverage(check, source, own, reached, window_first, p.as_of) {
            None => {
                row.coverage = Covered::NotCovered.as_str();
                row.uncovered_countries = own.to_string();
                row.events = None;
                row.fatalities_best = None;
                row.exposure_index = None;
            }
            Some(w) => {
                row.coverage = w.label;
                row.uncovered_countries = w.uncovered.join(";");
            }
        }
    }
    Ok(rows)
}

fn month_ends(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut ends = Vec::new();
    let mut d = super::events::month_end(first);
    let stop = super::events::month_end(last);
    while d <= stop {
        ends.push(d);
        d = super::events::month_end(d + Duration::days(1));
    }
    ends
}

mod counts;
pub use counts::{
    count_near_sites, CountParams, CountResult, EventColumns, SiteColumns, SiteCount,
};

#[cfg(test)]
mod tests;
