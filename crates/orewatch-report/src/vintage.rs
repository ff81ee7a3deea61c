//! Each country's data vintage: how far the UCDP GED events the brief draws reach for Mali
//! and each of its neighbours, read from the coverage table
//! (`orewatch_core::analysis::coverage::EventCoverage`, built from the store's source
//! reports), never typed in. The banner states the end dates; the maps hatch the countries
//! whose data end before the latest end, so that a country without recent data never reads
//! as a peaceful one.
//!
//! Dates are inclusive (`YYYY-MM-DD`).

use std::fmt::Write;

use chrono::NaiveDate;
use orewatch_core::analysis::coverage::EventCoverage;
use orewatch_core::model::{EventSource, Region};

use crate::map::{MALI_ISO3, MALI_NEIGHBOURS};
use crate::svg::escape;
use crate::BriefInput;

/// One country's covered period for UCDP GED.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryVintage {
    pub iso3: String,
    /// The boundary file's name for it, else the event source's, else the ISO3.
    pub name: String,
    /// First and last covered day; None: no event data cover the country.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Days inside the period that no file covers.
    pub gaps: Vec<(NaiveDate, NaiveDate)>,
    /// Where the end date comes from (file and basis), empty when there is no data.
    pub basis: String,
}

impl CountryVintage {
    pub fn end(&self) -> Option<NaiveDate> {
        self.period.map(|p| p.1)
    }
}

fn country_name(regions: &[Region], table: &EventCoverage, iso3: &str) -> String {
    regions
        .iter()
        .filter(|r| r.level == 0 && r.country_iso3.as_deref() == Some(iso3))
        .map(|r| r.name.clone())
        .min()
        .or_else(|| {
            table
                .country(EventSource::UcdpGed, iso3)
                .map(|c| c.name.clone())
        })
        .unwrap_or_else(|| iso3.to_string())
}

/// Mali and its neighbours (Mali first, then by ISO3), each with its UCDP GED coverage.
pub fn country_vintages(input: &BriefInput) -> Vec<CountryVintage> {
    let table = EventCoverage::from_sources(input.sources);
    let mut neighbours = MALI_NEIGHBOURS.to_vec();
    neighbours.sort();
    std::iter::once(MALI_ISO3)
        .chain(neighbours)
        .map(|iso3| {
            let ranges = table.ranges(EventSource::UcdpGed, iso3);
            let period = ranges.first().zip(ranges.last()).map(|(a, b)| (a.0, b.1));
            let basis = match (period, table.country(EventSource::UcdpGed, iso3)) {
                (None, _) => String::new(),
                (Some(_), Some(c)) => c.basis_text(),
                (Some(_), None) => global_basis(&table),
            };
            CountryVintage {
                iso3: iso3.to_string(),
                name: country_name(&input.dataset.regions, &table, iso3),
                period,
                gaps: ranges
                    .windows(2)
                    .filter_map(|w| Some((w[0].1.succ_opt()?, w[1].0.pred_opt()?)))
                    .collect(),
                basis,
            }
        })
        .collect()
}

/// The basis of a country covered by global files only: the latest-ending global file.
fn global_basis(table: &EventCoverage) -> String {
    table
        .global
        .iter()
        .filter(|g| g.source == EventSource::UcdpGed)
        .flat_map(|g| g.periods.iter())
        .max_by(|a, b| a.end.cmp(&b.end).then(b.file.cmp(&a.file)))
        .map(|p| format!("global file: {}", p.file))
        .unwrap_or_default()
}

/// The first and last calendar years a country's UCDP GED data cover entirely (from the hull
/// of its covered ranges), for the country as UCDP GED names it; None when none.
pub fn full_years(input: &BriefInput, ged_country: &str) -> Option<(i32, i32)> {
    use chrono::Datelike;
    let iso3 = orewatch_core::analysis::admin::event_country_iso3(ged_country)?;
    let table = EventCoverage::from_sources(input.sources);
    let ranges = table.ranges(EventSource::UcdpGed, iso3);
    let (start, end) = (ranges.first()?.0, ranges.last()?.1);
    let first = if start.ordinal() == 1 {
        start.year()
    } else {
        start.year() + 1
    };
    let last = if end.succ_opt().is_some_and(|d| d.year() > end.year()) {
        end.year()
    } else {
        end.year() - 1
    };
    (first <= last).then_some((first, last))
}

/// The latest end date among the countries.
pub fn latest_end(vintages: &[CountryVintage]) -> Option<NaiveDate> {
    vintages.iter().filter_map(CountryVintage::end).max()
}

/// The countries (ISO3) whose data end before the latest end, or that have none: the maps
/// hatch them.
pub fn stale_countries(vintages: &[CountryVintage]) -> Vec<&CountryVintage> {
    let latest = latest_end(vintages);
    vintages
        .iter()
        .filter(|v| latest.is_some() && v.end() < latest)
        .collect()
}

/// "Mali, Burkina Faso and Niger".
pub fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The sentence giving each end date and the countries it applies to, latest first
/// (HTML-escaped), e.g. "end on 2022-12-31 for Mali and Burkina Faso, and on 2019-12-31 for
/// Niger"; countries without data are named last.
pub fn end_dates_sentence(vintages: &[CountryVintage]) -> String {
    let mut ends: Vec<NaiveDate> = vintages.iter().filter_map(CountryVintage::end).collect();
    ends.sort_by(|a, b| b.cmp(a));
    ends.dedup();
    let mut parts: Vec<String> = ends
        .iter()
        .enumerate()
        .map(|(i, end)| {
            let names: Vec<&str> = vintages
                .iter()
                .filter(|v| v.end() == Some(*end))
                .map(|v| v.name.as_str())
                .collect();
            format!(
                "{}on {end} for {}",
                if i == 0 { "" } else { "and " },
                escape(&join_names(&names))
            )
        })
        .collect();
    let none: Vec<&str> = vintages
        .iter()
        .filter(|v| v.period.is_none())
        .map(|v| v.name.as_str())
        .collect();
    if !none.is_empty() {
        parts.push(format!("no data for {}", escape(&join_names(&none))));
    }
    format!("end {}", parts.join(", "))
}

/// The per-country table of the banner.
pub fn vintage_table(vintages: &[CountryVintage]) -> String {
    let mut s = String::from(
        r#"<table class="sources vintage"><thead><tr><th>country</th><th>ISO3</th><th>UCDP GED events from</th><th>to</th><th>end date from</th></tr></thead><tbody>"#,
    );
    let latest = latest_end(vintages);
    for v in vintages {
        let (from, to) = match v.period {
            Some((a, b)) => (a.to_string(), b.to_string()),
            None => ("no data".to_string(), "—".to_string()),
        };
        let stale = latest.is_some() && v.end() < latest;
        let mut basis = escape(&v.basis);
        if !v.gaps.is_empty() {
            let gaps: Vec<String> = v.gaps.iter().map(|(a, b)| format!("{a}..{b}")).collect();
            let _ = write!(basis, "; not covered: {}", escape(&gaps.join(", ")));
        }
        let _ = write!(
            s,
            r#"<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>"#,
            if stale { r#" class="stale""# } else { "" },
            escape(&v.name),
            escape(&v.iso3),
            from,
            to,
            if stale { " (hatched)" } else { "" },
            basis
        );
    }
    s.push_str("</tbody></table>");
    s
}
