//! Exposure of mine sites as an assessment: the request `orewatch exposure` and the local
//! API take, and the records both give.
//!
//! [`exposure`] chooses the ONE event source (the only one in the store, or the one asked
//! for), takes the as-of date from the source's stated coverage unless given (and refuses one
//! outside it: [`as_of_in_coverage`]), selects the sites ([`SiteFilter`]), runs
//! [`crate::analysis::exposure::assess_with_coverage`] against the coverage table derived from
//! the store's source reports ([`EventCoverage::from_sources`], the table `orewatch ingest`
//! keeps in the manifest) and gives each row its site's admin-1 region ([`admin1_of_rows`]).
//! [`exposure_monthly`] gives the index month by month instead.
//!
//! A site whose own country has no event data for the window is `not covered`: its numbers
//! are unknown, never 0, and an [`ExposureRecord`] serialises them as `null`. One whose radius
//! reaches a country not covered for the whole window is `partial`, naming those countries.
//! Units are those of [`crate::analysis::exposure`] (km, days, deaths).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Provenance, SourceRef};
use crate::analysis::admin::AdminIndex;
use crate::analysis::coverage::{CountryCoverage, CountryReach, EventCoverage, GlobalCoverage};
use crate::analysis::events::{choose_source, stated_coverage, EventFilter, SourceCoverage};
use crate::analysis::exposure::{
    assess_monthly_with_coverage, assess_with_coverage, CoverageCheck, EventWeight, ExposureParams,
    ExposureRow, Kernel, MonthlyExposure,
};
use crate::analysis::sites::SiteFilter;
use crate::analysis::AnalysisError;
use crate::ingest::plan::SourceReport;
use crate::model::{Dataset, EventSource, Region, Site, ViolenceType};

/// What to assess; the defaults are the CLI's (also for the fields a serialised request
/// leaves out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExposureRequest {
    /// Site filter terms (`country=MLI,commodity=gold`, `id=MLI-HT-05`); empty: every site.
    pub sites: String,
    pub radii_km: Vec<f64>,
    /// None: every event up to the as-of date.
    pub window_days: Option<u32>,
    pub half_life_days: f64,
    pub kernel: Kernel,
    pub weight: EventWeight,
    /// None: the end of the source's stated coverage.
    pub as_of: Option<NaiveDate>,
    pub source: Option<EventSource>,
    pub max_precision_code: Option<u8>,
    pub violence: Vec<ViolenceType>,
    pub top_actors: usize,
}

impl Default for ExposureRequest {
    fn default() -> Self {
        ExposureRequest {
            sites: String::new(),
            radii_km: vec![25.0, 50.0, 100.0],
            window_days: Some(365),
            half_life_days: 90.0,
            kernel: Kernel::Uniform,
            weight: EventWeight::Fatalities,
            as_of: None,
            source: None,
            max_precision_code: None,
            violence: Vec::new(),
            top_actors: 5,
        }
    }
}

/// One row with its site's admin-1 region (the records `--out f.json` writes). Serialised
/// with the numbers of a row that was not assessed (no coordinates, or no event data for its
/// country in the window) as `null`: they are unknown, not 0 ([`UNKNOWN_WHEN_UNASSESSED`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ExposureRecord {
    pub row: ExposureRow,
    pub admin1_id: Option<String>,
    pub admin1_name: Option<String>,
}

/// The fields of a record that are `null` when its row was not assessed.
pub const UNKNOWN_WHEN_UNASSESSED: [&str; 12] = [
    "events",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "civilian",
    "state_based",
    "non_state",
    "one_sided",
    "other",
    "exposure_index",
    "nearest_in_window",
    "trend",
];

impl Serialize for ExposureRecord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WithAdmin<'a> {
            #[serde(flatten)]
            row: &'a ExposureRow,
            admin1_id: &'a Option<String>,
            admin1_name: &'a Option<String>,
        }
        let mut value = serde_json::to_value(WithAdmin {
            row: &self.row,
            admin1_id: &self.admin1_id,
            admin1_name: &self.admin1_name,
        })
        .map_err(serde::ser::Error::custom)?;
        if !self.row.assessed {
            for key in UNKNOWN_WHEN_UNASSESSED {
                value[key] = serde_json::Value::Null;
            }
        }
        value.serialize(s)
    }
}

/// The coverage rows behind an assessment: the rule, the rows of the sites' own countries and
/// of the countries their radii reach that are not covered, and the source's global periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageUsed {
    pub rule: String,
    pub countries: Vec<CountryCoverage>,
    pub global: Vec<GlobalCoverage>,
}

/// How coverage decides a row (the `rule` of [`CoverageUsed`]).
pub const COVERAGE_RULE: &str = "a site whose own country has no event data for any day of the \
    window is `not covered` (no numbers, never 0); one whose own country is covered for part of \
    the window, or whose radius reaches a country (Natural Earth boundary within R km) not \
    covered for the whole window, keeps the counts of the data held and is `partial`, naming \
    those countries";

/// The coverage rows of the sites' countries and of the `uncovered` countries named in rows.
pub fn coverage_used<'a>(
    table: &EventCoverage,
    source: EventSource,
    sites: &[&'a Site],
    uncovered: impl Iterator<Item = &'a str>,
) -> CoverageUsed {
    let codes: std::collections::BTreeSet<&str> = sites
        .iter()
        .filter_map(|s| s.country_iso3.as_deref())
        .chain(uncovered)
        .collect();
    CoverageUsed {
        rule: COVERAGE_RULE.into(),
        countries: table
            .countries
            .iter()
            .filter(|c| c.source == source && c.iso3.as_deref().is_some_and(|i| codes.contains(i)))
            .cloned()
            .collect(),
        global: table
            .global
            .iter()
            .filter(|g| g.source == source)
            .cloned()
            .collect(),
    }
}

/// The parameters the run used, the stated coverage and the rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExposureAssessment {
    pub request: ExposureRequest,
    pub params: ExposureParams,
    pub coverage: SourceCoverage,
    pub country_coverage: CoverageUsed,
    /// Events of the source passing the filters and dated up to the as-of date.
    pub events_considered: u64,
    /// Sorted by radius, then exposure index (highest first), then site id; sites without
    /// coordinates last.
    pub rows: Vec<ExposureRecord>,
    pub provenance: Provenance,
}

/// Month-by-month exposure (as-of = each month's last day).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyAssessment {
    pub request: ExposureRequest,
    pub params: ExposureParams,
    pub coverage: SourceCoverage,
    pub country_coverage: CoverageUsed,
    pub first: NaiveDate,
    pub rows: Vec<MonthlyExposure>,
    pub provenance: Provenance,
}

/// The as-of date: `requested` if it lies in the coverage, else an error naming it; None:
/// the end of the coverage.
pub fn as_of_in_coverage(
    coverage: &SourceCoverage,
    requested: Option<NaiveDate>,
) -> Result<NaiveDate, AnalysisError> {
    match requested {
        None => Ok(coverage.end),
        Some(date) if coverage.contains(date) => Ok(date),
        Some(date) => Err(AnalysisError::bad(
            "as-of",
            date,
            format!(
                "a date in the stated coverage of {} ({} to {}); {date} is outside the stated \
                 coverage, choose a date in it",
                coverage.source.as_str(),
                coverage.start,
                coverage.end
            ),
        )),
    }
}

/// The admin-1 region (id, name) of each row's site: point-in-polygon on the store's Natural
/// Earth admin-1 boundaries (snapped within 5 km off the simplified coastline); none outside
/// them or without coordinates.
pub fn admin1_of_rows(
    rows: &[ExposureRow],
    regions: &[Region],
) -> Vec<(Option<String>, Option<String>)> {
    let index = AdminIndex::new(regions);
    rows.iter()
        .map(|r| match (r.lat, r.lon) {
            (Some(lat), Some(lon)) => match index.place(lat, lon).region() {
                Some(i) => {
                    let region = index.regions()[i as usize];
                    (Some(region.region_id.clone()), Some(region.name.clone()))
                }
                None => (None, None),
            },
            _ => (None, None),
        })
        .collect()
}

/// The source, its coverage, the parameters and the provenance of a request.
fn prepare(
    dataset: &Dataset,
    sources: &[SourceReport],
    req: &ExposureRequest,
) -> Result<(SourceCoverage, ExposureParams, Provenance), AnalysisError> {
    let source = choose_source(&dataset.events, req.source)?;
    let coverage = stated_coverage(sources, source).ok_or_else(|| {
        AnalysisError::Data(format!(
            "the manifest lists no {} file: cannot tell the period it covers",
            source.as_str()
        ))
    })?;
    let as_of = as_of_in_coverage(&coverage, req.as_of)?;
    let params = ExposureParams {
        filter: EventFilter {
            source,
            max_precision_code: req.max_precision_code,
            violence: req.violence.clone(),
        },
        as_of,
        radii_km: req.radii_km.clone(),
        window_days: req.window_days,
        half_life_days: req.half_life_days,
        kernel: req.kernel,
        weight: req.weight,
        top_actors: req.top_actors,
    }
    .validate()?;
    let event_kind = match source {
        EventSource::UcdpGed => "ucdp_ged",
        EventSource::Acled => "acled",
    };
    let mut provenance = Provenance::new();
    provenance.sources = sources
        .iter()
        .filter(|s| s.kind == event_kind || s.kind == "usgs_sites" || s.kind == "tabulated_sites")
        .map(|s| SourceRef {
            path: s.path.clone(),
            sha256: s.sha256.clone(),
            kind: s.kind.clone(),
        })
        .collect();
    Ok((coverage, params, provenance))
}

/// The CLI command that prints the same numbers.
fn command(req: &ExposureRequest, params: &ExposureParams, monthly: bool) -> String {
    let mut c = String::from("orewatch exposure");
    if !req.sites.is_empty() {
        c += &format!(" --sites {}", req.sites);
    }
    let radii: Vec<String> = params.radii_km.iter().map(f64::to_string).collect();
    c += &format!(" --radius-km {}", radii.join(","));
    match params.window_days {
        Some(w) => c += &format!(" --window-days {w}"),
        None => c += " --window-days all",
    }
    c += &format!(
        " --half-life-days {} --as-of {} --source {}",
        params.half_life_days,
        params.as_of,
        match params.filter.source {
            EventSource::UcdpGed => "GED",
            EventSource::Acled => "ACLED",
        }
    );
    if monthly {
        c += " --every month";
    }
    c
}

/// Every selected site's exposure (see the module docs).
pub fn exposure(
    dataset: &Dataset,
    sources: &[SourceReport],
    req: &ExposureRequest,
) -> Result<ExposureAssessment, AnalysisError> {
    let filter = SiteFilter::parse(&req.sites)?;
    let (coverage, params, mut provenance) = prepare(dataset, sources, req)?;
    let sites = filter.select(&dataset.sites)?;
    provenance.command = Some(command(req, &params, false));
    let table = EventCoverage::from_sources(sources);
    let check = CoverageCheck {
        table: &table,
        reach: CountryReach::new(&dataset.regions),
    };
    let source = params.filter.source;
    let report = assess_with_coverage(&sites, &dataset.events, params, &check)?;
    let country_coverage = coverage_used(
        &table,
        source,
        &sites,
        report
            .rows
            .iter()
            .flat_map(|r| r.uncovered_countries.iter().map(String::as_str)),
    );
    let admin1 = admin1_of_rows(&report.rows, &dataset.regions);
    let rows = report
        .rows
        .into_iter()
        .zip(admin1)
        .map(|(row, (admin1_id, admin1_name))| ExposureRecord {
            row,
            admin1_id,
            admin1_name,
        })
        .collect();
    Ok(ExposureAssessment {
        request: req.clone(),
        params: report.params,
        coverage,
        country_coverage,
        events_considered: report.events_considered,
        rows,
        provenance,
    })
}

/// Every selected site's index month by month from `first` (None: the start of the
/// coverage) to the as-of date.
pub fn exposure_monthly(
    dataset: &Dataset,
    sources: &[SourceReport],
    req: &ExposureRequest,
    first: Option<NaiveDate>,
) -> Result<MonthlyAssessment, AnalysisError> {
    let filter = SiteFilter::parse(&req.sites)?;
    let (coverage, params, mut provenance) = prepare(dataset, sources, req)?;
    let first = first.unwrap_or(coverage.start);
    if first < coverage.start || first > params.as_of {
        return Err(AnalysisError::bad(
            "from",
            first,
            format!(
                "a date between the start of the coverage ({}) and the as-of date ({})",
                coverage.start, params.as_of
            ),
        ));
    }
    let sites = filter.select(&dataset.sites)?;
    provenance.command = Some(command(req, &params, true) + &format!(" --from {first}"));
    let as_of = params.as_of;
    let table = EventCoverage::from_sources(sources);
    let check = CoverageCheck {
        table: &table,
        reach: CountryReach::new(&dataset.regions),
    };
    let rows = assess_monthly_with_coverage(
        &sites,
        &dataset.events,
        params.clone(),
        first,
        as_of,
        &check,
    )?;
    let country_coverage = coverage_used(
        &table,
        params.filter.source,
        &sites,
        rows.iter()
            .flat_map(|r| r.uncovered_countries.split(';'))
            .filter(|c| !c.is_empty()),
    );
    Ok(MonthlyAssessment {
        request: req.clone(),
        params,
        coverage,
        country_coverage,
        first,
        rows,
        provenance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::events::{CoverageBasis, FileCoverage};

    fn coverage() -> SourceCoverage {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        SourceCoverage {
            source: EventSource::UcdpGed,
            start: d(1989, 1, 1),
            end: d(2019, 12, 31),
            files: vec![FileCoverage {
                path: "ged.csv".into(),
                start: d(1989, 1, 1),
                end: d(2019, 12, 31),
                basis: CoverageBasis::FileName,
            }],
        }
    }

    #[test]
    fn as_of_defaults_to_the_end_of_the_coverage_and_stays_inside_it() {
        let c = coverage();
        assert_eq!(as_of_in_coverage(&c, None).unwrap(), c.end);
        let inside = NaiveDate::from_ymd_opt(2010, 6, 30);
        assert_eq!(as_of_in_coverage(&c, inside).unwrap(), inside.unwrap());
        let err = as_of_in_coverage(&c, NaiveDate::from_ymd_opt(2022, 12, 31)).unwrap_err();
        assert!(matches!(
            err,
            AnalysisError::BadParameter { name: "as-of", .. }
        ));
        assert!(
            err.to_string().contains("1989-01-01 to 2019-12-31"),
            "{err}"
        );
    }

    #[test]
    fn a_request_from_json_takes_the_cli_defaults_for_the_fields_left_out() {
        let req: ExposureRequest = serde_json::from_str(
            r#"{"sites": "country=MLI", "radii_km": [10.0], "kernel": "gaussian", "as_of": "2019-06-30"}"#,
        )
        .unwrap();
        assert_eq!(
            req,
            ExposureRequest {
                sites: "country=MLI".into(),
                radii_km: vec![10.0],
                kernel: Kernel::Gaussian,
                as_of: NaiveDate::from_ymd_opt(2019, 6, 30),
                ..ExposureRequest::default()
            }
        );
        crate::assess::tests::json_round_trip(&req);
        let err = serde_json::from_str::<ExposureRequest>(r#"{"radius": [10.0]}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `radius`"), "{err}");
    }

    #[test]
    fn an_empty_store_names_what_is_missing() {
        let err = exposure(&Dataset::default(), &[], &ExposureRequest::default()).unwrap_err();
        assert!(err.to_string().contains("no event"), "{err}");
    }
}
