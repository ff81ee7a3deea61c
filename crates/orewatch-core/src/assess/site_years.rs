//! Violence around mine sites year by year: for each chosen site and calendar year, the
//! events and deaths within each radius and the distance to the nearest event of that year,
//! each year checked against the event data's coverage; and the sites where violence
//! "arrived" (at least one event within the arrival radius in the recent years, none in the
//! earlier ones).
//!
//! Inputs: the store's events and sites and the manifest's source reports (for the coverage
//! table, [`EventCoverage`], and the country boundaries for [`CountryReach`]). Output: a
//! [`SiteYearsResult`] with one [`SiteYears`] per located site (sites without coordinates
//! listed apart, never placed).
//!
//! Each year is one run of [`assess_with_coverage`] with `as_of` = 31 December and a window
//! of that calendar year (365 or 366 days): an event counts in the year its `date_start`
//! falls in, within R km when its great-circle distance to the site is at most R. A year
//! whose site's own country has no event data is "not covered" and carries no numbers (never
//! 0); a year whose radius reaches a country without data for the whole year is "partial"
//! and keeps the counts of the data held, naming those countries.
//!
//! Arrival (see [`Arrival`]): a site is "arrived" when every earlier year is fully covered
//! with no event within the arrival radius and some recent year has one; "undetermined" when
//! an earlier year is not fully covered and shows no event, or a recent year is not covered.
//!
//! Units: km (great-circle, mean Earth radius), events (counts), deaths (UCDP best estimate).

use serde::{Deserialize, Serialize};

use super::{Provenance, SourceRef};
use crate::analysis::coverage::{CountryReach, EventCoverage};
use crate::analysis::events::EventFilter;
use crate::analysis::exposure::{assess_with_coverage, CoverageCheck, ExposureParams};
use crate::analysis::sites::SiteFilter;
use crate::analysis::AnalysisError;
use crate::ingest::plan::SourceReport;
use crate::model::{Dataset, EventSource, Site};

/// What to assess.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteYearsRequest {
    /// The event source (never mixed).
    pub source: EventSource,
    /// Keep events whose location precision code is at most this; None: every precision.
    pub max_precision: Option<u8>,
    /// Which sites, as `orewatch exposure --sites` terms, one filter per entry; a site is
    /// taken when any entry matches it (e.g. `kind=tabulated,country=MLI` and
    /// `kind=tabulated,country=BFA`).
    pub sites: Vec<String>,
    /// Calendar years, inclusive.
    pub first_year: i32,
    pub last_year: i32,
    /// Radii in km, ascending.
    pub radii_km: Vec<f64>,
    /// The radius of the arrival test (one of `radii_km`).
    pub arrival_radius_km: f64,
    /// The first of the recent years of the arrival test: earlier years are
    /// `first_year..recent_from`, recent years `recent_from..=last_year`.
    pub recent_from: i32,
}

impl SiteYearsRequest {
    /// The brief's "Since 2019": hand-tabulated mines of Mali and Burkina Faso, 2017–2022,
    /// 25/50/100 km, arrival within 50 km in 2020–2022 and none in 2017–2019.
    pub fn since_2019() -> SiteYearsRequest {
        SiteYearsRequest {
            source: EventSource::UcdpGed,
            max_precision: None,
            sites: vec![
                "kind=tabulated,country=MLI".to_string(),
                "kind=tabulated,country=BFA".to_string(),
            ],
            first_year: 2017,
            last_year: 2022,
            radii_km: vec![25.0, 50.0, 100.0],
            arrival_radius_km: 50.0,
            recent_from: 2020,
        }
    }

    fn check(&self) -> Result<(), AnalysisError> {
        if self.first_year > self.last_year {
            return Err(AnalysisError::bad(
                "years",
                format!("{}..{}", self.first_year, self.last_year),
                "a first year not after the last",
            ));
        }
        if !(self.first_year < self.recent_from && self.recent_from <= self.last_year) {
            return Err(AnalysisError::bad(
                "recent-from",
                self.recent_from,
                "a year after the first year and not after the last",
            ));
        }
        if !self.radii_km.contains(&self.arrival_radius_km) {
            return Err(AnalysisError::bad(
                "arrival-radius-km",
                self.arrival_radius_km,
                "one of the radii",
            ));
        }
        if self.sites.is_empty() {
            return Err(AnalysisError::bad("sites", "", "at least one site filter"));
        }
        Ok(())
    }
}

/// Events and deaths within one radius in one year; None when the year is not covered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RadiusCount {
    pub radius_km: f64,
    pub events: Option<u64>,
    pub deaths: Option<u64>,
}

/// One site's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteYear {
    pub year: i32,
    /// `covered`, `partial` (at the largest radius: see `partial_at_km`) or `not covered`.
    pub coverage: String,
    /// The smallest radius at which the year is partial (None when covered or not covered).
    pub partial_at_km: Option<f64>,
    /// Countries within the largest radius without data for the whole year (ISO3, sorted).
    pub uncovered_countries: Vec<String>,
    /// One per requested radius, ascending.
    pub within: Vec<RadiusCount>,
    /// Distance to the nearest event of the year, anywhere (None when not covered, or when
    /// the source holds no event that year).
    pub nearest_km: Option<f64>,
}

impl SiteYear {
    /// The counts within `radius_km`, if it is one of the radii.
    pub fn at(&self, radius_km: f64) -> Option<&RadiusCount> {
        self.within.iter().find(|r| r.radius_km == radius_km)
    }
}

/// Whether violence arrived at a site (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    /// No event within the radius in any (fully covered) earlier year, at least one in a
    /// recent year.
    Arrived,
    /// Events within the radius in an earlier year.
    AlreadyPresent,
    /// None in any year (every year covered).
    NoneYet,
    /// The data cannot tell (a year without full coverage where it matters).
    Undetermined,
}

/// One site and its years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteYears {
    pub site_id: String,
    pub site_name: String,
    pub country_iso3: Option<String>,
    pub commodities: Vec<String>,
    pub lat: f64,
    pub lon: f64,
    /// How good the coordinates are, as the sites file says.
    pub coord_precision: Option<String>,
    /// `first_year..=last_year`, in order.
    pub years: Vec<SiteYear>,
    pub arrival: Arrival,
}

/// A chosen site without coordinates: not assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlocatedSite {
    pub site_id: String,
    pub site_name: String,
    pub country_iso3: Option<String>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteYearsResult {
    pub request: SiteYearsRequest,
    /// Located sites, by site id.
    pub sites: Vec<SiteYears>,
    pub unlocated: Vec<UnlocatedSite>,
    pub provenance: Provenance,
}

impl SiteYearsResult {
    /// The sites where violence arrived, by site id.
    pub fn arrived(&self) -> Vec<&SiteYears> {
        self.sites
            .iter()
            .filter(|s| s.arrival == Arrival::Arrived)
            .collect()
    }
}

fn days_in_year(year: i32) -> u32 {
    if chrono::NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

/// Runs the assessment on a loaded store (`dataset`, and the manifest's `sources`).
pub fn assess_site_years(
    req: &SiteYearsRequest,
    dataset: &Dataset,
    sources: &[SourceReport],
) -> Result<SiteYearsResult, AnalysisError> {
    req.check()?;
    let filters = req
        .sites
        .iter()
        .map(|t| SiteFilter::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut chosen: Vec<&Site> = dataset
        .sites
        .iter()
        .filter(|s| filters.iter().any(|f| f.matches(s)))
        .collect();
    chosen.sort_by(|a, b| a.site_id.cmp(&b.site_id));
    let table = EventCoverage::from_sources(sources);
    let check = CoverageCheck {
        table: &table,
        reach: CountryReach::new(&dataset.regions),
    };
    let filter = EventFilter {
        max_precision_code: req.max_precision,
        ..EventFilter::all(req.source)
    };
    let mut radii = req.radii_km.clone();
    radii.sort_by(f64::total_cmp);
    radii.dedup();

    let located: Vec<&Site> = chosen
        .iter()
        .copied()
        .filter(|s| s.lat.is_some() && s.lon.is_some())
        .collect();
    let mut years_of: Vec<Vec<SiteYear>> = vec![Vec::new(); located.len()];
    for year in req.first_year..=req.last_year {
        let as_of = chrono::NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| AnalysisError::bad("years", year, "a calendar year"))?;
        let mut params = ExposureParams::new(filter.clone(), as_of);
        params.radii_km = radii.clone();
        params.window_days = Some(days_in_year(year));
        params.top_actors = 0;
        let report = assess_with_coverage(&located, &dataset.events, params, &check)?;
        for (slot, site) in years_of.iter_mut().zip(&located) {
            let rows: Vec<_> = radii
                .iter()
                .filter_map(|&r| {
                    report
                        .rows
                        .iter()
                        .find(|x| x.site_id == site.site_id && x.radius_km == r)
                })
                .collect();
            let not_covered = rows.iter().any(|r| r.coverage == "not covered");
            let partial_at_km = rows
                .iter()
                .find(|r| r.coverage == "partial")
                .map(|r| r.radius_km);
            let outer = rows.last();
            let coverage = if not_covered {
                "not covered"
            } else if partial_at_km.is_some() {
                "partial"
            } else {
                outer.map_or("not checked", |r| r.coverage)
            };
            slot.push(SiteYear {
                year,
                coverage: coverage.to_string(),
                partial_at_km,
                uncovered_countries: outer
                    .map(|r| r.uncovered_countries.clone())
                    .unwrap_or_default(),
                within: rows
                    .iter()
                    .map(|r| RadiusCount {
                        radius_km: r.radius_km,
                        events: (!not_covered).then_some(r.events),
                        deaths: (!not_covered).then_some(r.fatalities_best),
                    })
                    .collect(),
                nearest_km: if not_covered {
                    None
                } else {
                    outer.and_then(|r| r.nearest_in_window.as_ref().map(|n| n.distance_km))
                },
            });
        }
    }
    let sites: Vec<SiteYears> = located
        .iter()
        .zip(years_of)
        .map(|(site, years)| SiteYears {
            site_id: site.site_id.clone(),
            site_name: site.name.clone(),
            country_iso3: site.country_iso3.clone(),
            commodities: site.commodities.clone(),
            lat: site.lat.unwrap_or_default(),
            lon: site.lon.unwrap_or_default(),
            coord_precision: site.coord_precision.clone(),
            arrival: arrival(&years, req),
            years,
        })
        .collect();
    let unlocated: Vec<UnlocatedSite> = chosen
        .iter()
        .filter(|s| s.lat.is_none() || s.lon.is_none())
        .map(|s| UnlocatedSite {
            site_id: s.site_id.clone(),
            site_name: s.name.clone(),
            country_iso3: s.country_iso3.clone(),
        })
        .collect();
    let mut provenance = provenance(req, sources);
    provenance.warnings = warnings(&sites, &unlocated);
    Ok(SiteYearsResult {
        request: req.clone(),
        sites,
        unlocated,
        provenance,
    })
}

/// Years without full coverage, per site ("Essakane (BFA-HT-02): 2020, 2021, 2022 partial —
/// NER without data within 25 km"), and the sites without coordinates.
fn warnings(sites: &[SiteYears], unlocated: &[UnlocatedSite]) -> Vec<String> {
    let mut out = Vec::new();
    for site in sites {
        for label in ["not covered", "partial"] {
            let years: Vec<&SiteYear> = site.years.iter().filter(|y| y.coverage == label).collect();
            let Some(first) = years.first() else {
                continue;
            };
            let list: Vec<String> = years.iter().map(|y| y.year.to_string()).collect();
            let why = match first.partial_at_km {
                Some(r) if label == "partial" => format!(
                    "{} without data within {r} km",
                    first.uncovered_countries.join(", ")
                ),
                _ => format!(
                    "no event data for {}",
                    site.country_iso3.as_deref().unwrap_or("the site's country")
                ),
            };
            out.push(format!(
                "{} ({}): {} {label} — {why}",
                site.site_name,
                site.site_id,
                list.join(", ")
            ));
        }
    }
    for u in unlocated {
        out.push(format!(
            "{} ({}): no coordinates, not assessed",
            u.site_name, u.site_id
        ));
    }
    out
}

/// The arrival verdict of one site's years (see [`Arrival`]).
pub fn arrival(years: &[SiteYear], req: &SiteYearsRequest) -> Arrival {
    let events = |y: &SiteYear| y.at(req.arrival_radius_km).and_then(|r| r.events);
    let (earlier, recent): (Vec<&SiteYear>, Vec<&SiteYear>) =
        years.iter().partition(|y| y.year < req.recent_from);
    if earlier.iter().any(|y| events(y).is_some_and(|n| n > 0)) {
        return Arrival::AlreadyPresent;
    }
    // Partial at a radius beyond the arrival radius does not matter to it.
    let fully = |y: &SiteYear| {
        y.coverage == "covered" || y.partial_at_km.is_some_and(|r| r > req.arrival_radius_km)
    };
    let earlier_clear = earlier.iter().all(|y| fully(y));
    let recent_hit = recent.iter().any(|y| events(y).is_some_and(|n| n > 0));
    match (earlier_clear, recent_hit) {
        (true, true) => Arrival::Arrived,
        (false, _) => Arrival::Undetermined,
        (true, false) if recent.iter().all(|y| fully(y)) => Arrival::NoneYet,
        (true, false) => Arrival::Undetermined,
    }
}

fn provenance(req: &SiteYearsRequest, sources: &[SourceReport]) -> Provenance {
    let mut p = Provenance::new();
    let kind = match req.source {
        EventSource::UcdpGed => "ucdp_ged",
        EventSource::Acled => "acled",
    };
    p.sources = sources
        .iter()
        .filter(|s| s.kind == kind || s.kind == "tabulated_sites" || s.kind == "boundaries")
        .map(|s| SourceRef {
            path: s.path.clone(),
            sha256: s.sha256.clone(),
            kind: s.kind.clone(),
        })
        .collect();
    let radii: Vec<String> = req.radii_km.iter().map(|r| r.to_string()).collect();
    p.command = Some(format!(
        "orewatch exposure --sites {} --radius-km {} --as-of YEAR-12-31 --window-days DAYS_IN_YEAR{} (once per year {}–{} and per site filter)",
        req.sites.first().map(String::as_str).unwrap_or(""),
        radii.join(","),
        req.max_precision
            .map(|p| format!(" --max-precision {p}"))
            .unwrap_or_default(),
        req.first_year,
        req.last_year,
    ));
    p
}

#[cfg(test)]
mod tests;
