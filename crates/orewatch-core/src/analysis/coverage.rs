//! Which countries and periods the event data cover, per event source: so that the absence
//! of events in an uncovered country or period is never read as peace.
//!
//! Inputs: the manifest's per-file source reports ([`SourceReport`]): each event file's
//! period ([`super::events::file_coverage`]: two years in its name, else its GED release's
//! stated coverage, else the first to the last event it holds), the countries its events are
//! in, and its scope ([`FileScope`]). Output: an [`EventCoverage`] table, one
//! [`CountryCoverage`] per (event source, country) with events or a file of its own, plus
//! the periods that cover every country (global files); and the lookup
//! [`EventCoverage::covered`] that every analysis asks before counting events.
//!
//! Rules:
//! - a file covers its period for the countries it covers: every country when it is global
//!   ([`file_scope`]: its name says `global` or `world`, it is named as a UCDP full release or
//!   candidate file (`GEDEvent_v24_1.csv`, `ged241.csv`), or its events lie in all five UCDP
//!   regions), else only the countries its events are in (a one-country export covers that
//!   country, a regional extract the countries it lists);
//! - a country's covered period is the union of the periods of the files covering it (gaps
//!   between them are kept and reported).
//!
//! Countries are keyed by ISO 3166-1 alpha-3 ([`event_country_iso3`], which knows GED's own
//! spellings); a name without a code is kept under its name. Dates are inclusive at both ends.
//!
//! [`CountryReach`] answers the spatial half of the question: which countries' boundaries
//! (the store's Natural Earth admin-0 and admin-1 polygons, by their ISO3) lie within R km of
//! a point — so that an analysis counting events within R km of a site can say which
//! countries' data it relies on. Distance: great-circle (haversine, mean Earth radius) to the
//! closest point of the polygon (geo's [`HaversineClosestPoint`]), 0 inside it.
//!
//! What it does not do: decide whether a window *has* events (the analyses count them), or
//! trust a file's last event as the end of its data when it states a period.

use chrono::NaiveDate;
use geo::{BoundingRect, Closest, HaversineClosestPoint, Point, Polygon, Rect};
use serde::{Deserialize, Serialize};

use super::admin::{event_country_iso3, widen};
use super::events::{file_coverage, CoverageBasis};
use crate::geodesy::haversine_km;
use crate::ingest::plan::SourceReport;
use crate::model::{EventSource, Region};

/// Which countries a file covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileScope {
    /// Every country: a peaceful country is one without events in it.
    Global,
    /// Only the countries its events are in.
    Listed,
}

/// The five UCDP regions: a file with events in all of them is a global file.
const UCDP_REGIONS: [&str; 5] = ["Africa", "Americas", "Asia", "Europe", "Middle East"];

/// The scope of an event file from its name and the UCDP regions (GED `region` column) of its
/// events; see the module docs. `regions` may be empty (layouts without the column).
pub fn file_scope(file_name: &str, regions: &[String]) -> FileScope {
    let name = file_name.to_lowercase();
    let tokens: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let named_global = tokens.iter().any(|t| matches!(*t, "global" | "world"));
    let ucdp_release_name = name.starts_with("gedevent_v")
        || tokens.first().is_some_and(|t| {
            t.len() == 6 && t.starts_with("ged") && t[3..].bytes().all(|b| b.is_ascii_digit())
        });
    let all_regions = UCDP_REGIONS
        .iter()
        .all(|r| regions.iter().any(|seen| seen.split(", ").any(|s| s == *r)));
    if named_global || ucdp_release_name || all_regions {
        FileScope::Global
    } else {
        FileScope::Listed
    }
}

/// One file's contribution to a country's (or every country's) coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoveredPeriod {
    /// The file's name (not its path: the table is about periods, the manifest has paths).
    pub file: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub basis: CoverageBasis,
    pub scope: FileScope,
}

/// The coverage of one (event source, country).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryCoverage {
    pub source: EventSource,
    /// ISO 3166-1 alpha-3; None when the source's country name has no known code.
    pub iso3: Option<String>,
    /// The country as the source names it.
    pub name: String,
    /// First and last covered day (the hull of `periods`).
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Days between `start` and `end` that no file covers, as inclusive ranges.
    pub gaps: Vec<(NaiveDate, NaiveDate)>,
    /// The files covering it (global files included), sorted by start, end, file.
    pub periods: Vec<CoveredPeriod>,
}

impl CountryCoverage {
    /// The period giving the end date (the latest-ending file; ties: the first listed).
    pub fn end_basis(&self) -> Option<&CoveredPeriod> {
        self.periods
            .iter()
            .filter(|p| p.end == self.end)
            .min_by(|a, b| a.file.cmp(&b.file))
    }

    /// The basis in words: `file name (x.csv, one-country file)`.
    pub fn basis_text(&self) -> String {
        let Some(p) = self.end_basis() else {
            return String::new();
        };
        let how = match p.basis {
            CoverageBasis::FileName => "years in the file name",
            CoverageBasis::Release => "the release's stated coverage",
            CoverageBasis::Observed => "first to last event held (no stated period)",
        };
        let scope = match p.scope {
            FileScope::Global => "global file",
            FileScope::Listed => "covers the countries it holds",
        };
        format!("{how}: {} ({scope})", p.file)
    }
}

/// Periods covering every country of one source (its global files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalCoverage {
    pub source: EventSource,
    pub periods: Vec<CoveredPeriod>,
}

/// The coverage table: per (source, country), plus each source's global periods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCoverage {
    /// Sorted by source, then ISO3 (countries without a code last, by name).
    pub countries: Vec<CountryCoverage>,
    /// Sorted by source.
    pub global: Vec<GlobalCoverage>,
}

/// Whether a window is covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "coverage")]
pub enum Covered {
    /// Every day of the window is covered.
    Full,
    /// Some days are: the uncovered ranges (inclusive).
    Partial {
        missing: Vec<(NaiveDate, NaiveDate)>,
    },
    /// No day is: no data for this country and source in the window.
    NotCovered,
}

impl Covered {
    pub fn as_str(&self) -> &'static str {
        match self {
            Covered::Full => "covered",
            Covered::Partial { .. } => "partial",
            Covered::NotCovered => "not covered",
        }
    }
}

fn source_kind(source: EventSource) -> &'static str {
    match source {
        EventSource::UcdpGed => "ucdp_ged",
        EventSource::Acled => "acled",
    }
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// A country's ISO3 (if known), its name as the source gives it, and its own files' periods.
type CountryFiles = (Option<String>, String, Vec<CoveredPeriod>);

/// Sorted, merged inclusive ranges (adjacent days joined).
fn merge(mut ranges: Vec<(NaiveDate, NaiveDate)>) -> Vec<(NaiveDate, NaiveDate)> {
    ranges.sort();
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1.succ_opt().unwrap_or(last.1) => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

impl EventCoverage {
    /// The table from the manifest's source reports (event files only). A report without a
    /// scope (manifests written before scopes were recorded) gets [`file_scope`] of its name.
    pub fn from_sources(sources: &[SourceReport]) -> EventCoverage {
        let mut table = EventCoverage::default();
        for source in [EventSource::UcdpGed, EventSource::Acled] {
            // (no code?, ISO3 or name) -> (ISO3, name, the periods of its own files)
            let mut by_country: std::collections::BTreeMap<(bool, String), CountryFiles> =
                Default::default();
            let mut global = Vec::new();
            for report in sources.iter().filter(|r| r.kind == source_kind(source)) {
                let Some(fc) = file_coverage(report) else {
                    continue;
                };
                let name = file_name(&report.path);
                let scope = report.scope.unwrap_or_else(|| file_scope(&name, &[]));
                let period = CoveredPeriod {
                    file: name,
                    start: fc.start,
                    end: fc.end,
                    basis: fc.basis,
                    scope,
                };
                if scope == FileScope::Global {
                    global.push(period.clone());
                }
                for country in &report.countries {
                    let iso3 = event_country_iso3(country).map(str::to_string);
                    // Countries with a code sort first, by code; the others by name.
                    let key = match &iso3 {
                        Some(code) => (false, code.clone()),
                        None => (true, country.clone()),
                    };
                    let entry = by_country
                        .entry(key)
                        .or_insert_with(|| (iso3.clone(), country.clone(), Vec::new()));
                    if scope == FileScope::Listed {
                        entry.2.push(period.clone());
                    }
                }
            }
            global.sort_by(|a, b| (a.start, a.end, &a.file).cmp(&(b.start, b.end, &b.file)));
            global.dedup();
            for (_, (iso3, name, mut periods)) in by_country {
                periods.extend(global.iter().cloned());
                periods.sort_by(|a, b| (a.start, a.end, &a.file).cmp(&(b.start, b.end, &b.file)));
                periods.dedup();
                let merged = merge(periods.iter().map(|p| (p.start, p.end)).collect());
                let (Some(first), Some(last)) = (merged.first(), merged.last()) else {
                    continue;
                };
                let gaps = merged
                    .windows(2)
                    .filter_map(|w| Some((w[0].1.succ_opt()?, w[1].0.pred_opt()?)))
                    .collect();
                table.countries.push(CountryCoverage {
                    source,
                    iso3,
                    name,
                    start: first.0,
                    end: last.1,
                    gaps,
                    periods,
                });
            }
            if !global.is_empty() {
                table.global.push(GlobalCoverage {
                    source,
                    periods: global,
                });
            }
        }
        table
    }

    /// The row of one (source, ISO3), if the table has one.
    pub fn country(&self, source: EventSource, iso3: &str) -> Option<&CountryCoverage> {
        self.countries
            .iter()
            .find(|c| c.source == source && c.iso3.as_deref() == Some(iso3))
    }

    /// The covered ranges of (source, ISO3), merged: its own files' and the source's global
    /// files' periods (a country without events is covered by the global files alone).
    pub fn ranges(&self, source: EventSource, iso3: &str) -> Vec<(NaiveDate, NaiveDate)> {
        let own: Vec<(NaiveDate, NaiveDate)> = self
            .country(source, iso3)
            .map(|c| c.periods.iter().map(|p| (p.start, p.end)).collect())
            .unwrap_or_default();
        let global = self
            .global
            .iter()
            .filter(|g| g.source == source)
            .flat_map(|g| g.periods.iter().map(|p| (p.start, p.end)));
        merge(own.into_iter().chain(global).collect())
    }

    /// Whether the window `first ..= last` is covered for (source, ISO3): fully, partly (with
    /// the uncovered ranges) or not at all. An empty window (first > last) is fully covered.
    pub fn covered(
        &self,
        source: EventSource,
        iso3: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Covered {
        if first > last {
            return Covered::Full;
        }
        let mut missing = Vec::new();
        // The first day not yet accounted for; None once `last` is reached.
        let mut cursor = Some(first);
        let mut any = false;
        for (s, e) in self.ranges(source, iso3) {
            let Some(c) = cursor else { break };
            if e < c {
                continue;
            }
            if s > last {
                break;
            }
            if s > c {
                missing.push((c, s.pred_opt().unwrap_or(s)));
            }
            any = true;
            cursor = if e >= last { None } else { e.succ_opt() };
        }
        if let Some(c) = cursor {
            missing.push((c, last));
        }
        match (any, missing.is_empty()) {
            (false, _) => Covered::NotCovered,
            (true, true) => Covered::Full,
            (true, false) => Covered::Partial { missing },
        }
    }

    /// The earliest covered day of a source (any country), for windows reaching back to "all".
    pub fn source_start(&self, source: EventSource) -> Option<NaiveDate> {
        let own = self
            .countries
            .iter()
            .filter(|c| c.source == source)
            .map(|c| c.start);
        let global = self
            .global
            .iter()
            .filter(|g| g.source == source)
            .flat_map(|g| g.periods.iter().map(|p| p.start));
        own.chain(global).min()
    }
}

/// The countries whose boundaries lie near a point; see the module docs.
#[derive(Debug, Clone)]
pub struct CountryReach<'a> {
    /// (ISO3, the polygon's bounding box, the polygon), sorted by ISO3.
    polygons: Vec<(&'a str, Rect<f64>, &'a Polygon<f64>)>,
}

impl<'a> CountryReach<'a> {
    /// Every polygon of every region with an ISO3 (admin-0 and admin-1 alike).
    pub fn new(regions: &'a [Region]) -> CountryReach<'a> {
        let mut polygons: Vec<(&'a str, Rect<f64>, &'a Polygon<f64>)> = regions
            .iter()
            .filter_map(|r| Some((r.country_iso3.as_deref()?, r)))
            .flat_map(|(iso3, r)| {
                r.geometry
                    .0
                    .iter()
                    .filter_map(move |p| Some((iso3, p.bounding_rect()?, p)))
            })
            .collect();
        polygons.sort_by(|a, b| a.0.cmp(b.0));
        CountryReach { polygons }
    }

    /// True when no boundary is loaded (nothing can be said about neighbours).
    pub fn is_empty(&self) -> bool {
        self.polygons.is_empty()
    }

    /// Each country (ISO3) with a boundary within `radius_km` of the point, with its distance
    /// in km (0 inside), sorted by ISO3.
    pub fn within(&self, lat: f64, lon: f64, radius_km: f64) -> Vec<(String, f64)> {
        let from = Point::new(lon, lat);
        let mut out: Vec<(String, f64)> = Vec::new();
        for (iso3, bbox, polygon) in &self.polygons {
            let wide = widen(bbox, radius_km);
            let (min, max) = (wide.min(), wide.max());
            if lat < min.y || lat > max.y || lon < min.x || lon > max.x {
                continue;
            }
            let distance = match polygon.haversine_closest_point(&from) {
                Closest::Intersection(_) => 0.0,
                Closest::SinglePoint(p) => haversine_km(lon, lat, p.x(), p.y()),
                Closest::Indeterminate => continue,
            };
            if distance > radius_km {
                continue;
            }
            match out.last_mut() {
                Some((last, d)) if last == iso3 => *d = d.min(distance),
                _ => out.push((iso3.to_string(), distance)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::plan::Coverage;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn report(
        path: &str,
        release: Option<&str>,
        observed: (&str, &str),
        countries: &[&str],
    ) -> SourceReport {
        SourceReport {
            path: path.into(),
            kind: "ucdp_ged".into(),
            release: release.map(str::to_string),
            coverage: Some(Coverage {
                start: observed.0.into(),
                end: observed.1.into(),
            }),
            countries: countries.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }
    }

    /// The shipped data's shape: a global 21.1 file to 2019, one-country 24.1 exports to 2022
    /// (Burkina Faso's from 2016), no Niger export; plus an ACLED export without a stated period.
    fn sources() -> Vec<SourceReport> {
        let mut acled = report(
            "/d/acled_sahel.csv",
            None,
            ("2021-03-02", "2024-06-28"),
            &["Mali", "Niger"],
        );
        acled.kind = "acled".into();
        vec![
            report(
                "/d/ucdp_ged_v21_1_precise_global_1989_2019.csv",
                Some("21.1"),
                ("1989-01-01", "2019-12-31"),
                &["Burkina Faso", "Mali", "Niger", "Ivory Coast"],
            ),
            report(
                "/d/ucdp_ged_v24_1_download_mali_1990_2022.csv",
                Some("24.1"),
                ("1990-03-01", "2022-12-28"),
                &["Mali"],
            ),
            report(
                "/d/ucdp_ged_v24_1_download_burkina_faso_2016_2022.csv",
                Some("24.1"),
                ("2016-01-15", "2022-12-31"),
                &["Burkina Faso"],
            ),
            // A renamed export: its release's stated coverage (24.1: to 2023-12-31).
            report(
                "/d/civ.csv",
                Some("24.1"),
                ("1990-01-01", "2020-05-01"),
                &["Ivory Coast"],
            ),
            acled,
        ]
    }

    #[test]
    fn scopes() {
        assert_eq!(
            file_scope("ucdp_ged_v21_1_precise_global_1989_2019.csv", &[]),
            FileScope::Global
        );
        assert_eq!(file_scope("GEDEvent_v24_1.csv", &[]), FileScope::Global);
        assert_eq!(file_scope("ged241.csv", &[]), FileScope::Global);
        assert_eq!(
            file_scope("ucdp_ged_v24_1_download_mali_1990_2022.csv", &[]),
            FileScope::Listed
        );
        assert_eq!(
            file_scope("ucdp_ged_v21_1_precise_west_africa_1989_2019.csv", &[]),
            FileScope::Listed
        );
        let regions: Vec<String> = ["Africa", "Americas", "Asia", "Europe, Middle East"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(file_scope("export.csv", &regions), FileScope::Global);
        assert_eq!(file_scope("export.csv", &regions[..3]), FileScope::Listed);
        assert_eq!(file_scope("worldly.csv", &[]), FileScope::Listed);
    }

    #[test]
    fn table_per_source_and_country() {
        let t = EventCoverage::from_sources(&sources());
        let row = |iso: &str| t.country(EventSource::UcdpGed, iso).unwrap();
        // Mali: 1989-2019 (global file, name) and 1990-2022 (its export, name).
        assert_eq!(
            (row("MLI").start, row("MLI").end),
            (d("1989-01-01"), d("2022-12-31"))
        );
        assert_eq!(
            row("MLI").end_basis().unwrap().file,
            "ucdp_ged_v24_1_download_mali_1990_2022.csv"
        );
        assert!(row("MLI")
            .basis_text()
            .starts_with("years in the file name: ucdp_ged_v24_1_download_mali"));
        assert_eq!(
            (row("BFA").start, row("BFA").end),
            (d("1989-01-01"), d("2022-12-31"))
        );
        // Niger: the global file only, to 2019-12-31 (never its last event).
        assert_eq!(
            (row("NER").start, row("NER").end),
            (d("1989-01-01"), d("2019-12-31"))
        );
        assert_eq!(row("NER").periods.len(), 1);
        // Côte d'Ivoire (GED: "Ivory Coast"): its renamed 24.1 export covers to 2023-12-31.
        assert_eq!(row("CIV").end, d("2023-12-31"));
        assert_eq!(row("CIV").name, "Ivory Coast");
        assert_eq!(
            row("CIV").end_basis().unwrap().basis,
            CoverageBasis::Release
        );
        // ACLED: the countries it holds, first to last event.
        let acled = t.country(EventSource::Acled, "NER").unwrap();
        assert_eq!((acled.start, acled.end), (d("2021-03-02"), d("2024-06-28")));
        assert_eq!(acled.end_basis().unwrap().basis, CoverageBasis::Observed);
        assert!(t.country(EventSource::Acled, "BFA").is_none());
        assert_eq!(t.global.len(), 1);
        assert_eq!(t.source_start(EventSource::UcdpGed), Some(d("1989-01-01")));
        // Sorted by source then ISO3.
        let keys: Vec<_> = t
            .countries
            .iter()
            .map(|c| (c.source, c.iso3.clone().unwrap()))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn lookup_full_partial_not_covered() {
        let t = EventCoverage::from_sources(&sources());
        let ged = EventSource::UcdpGed;
        assert_eq!(
            t.covered(ged, "MLI", d("2022-01-01"), d("2022-12-31")),
            Covered::Full
        );
        assert_eq!(
            t.covered(ged, "NER", d("2022-01-01"), d("2022-12-31")),
            Covered::NotCovered
        );
        assert_eq!(
            t.covered(ged, "NER", d("2019-07-01"), d("2020-06-30")),
            Covered::Partial {
                missing: vec![(d("2020-01-01"), d("2020-06-30"))]
            }
        );
        // A country without events is covered by the global file (there, no events = peace).
        assert_eq!(
            t.covered(ged, "GHA", d("2015-01-01"), d("2015-12-31")),
            Covered::Full
        );
        assert_eq!(
            t.covered(ged, "GHA", d("2021-01-01"), d("2021-12-31")),
            Covered::NotCovered
        );
        // ACLED holds only Mali and Niger: Burkina Faso is not covered by it.
        assert_eq!(
            t.covered(EventSource::Acled, "BFA", d("2022-01-01"), d("2022-12-31")),
            Covered::NotCovered
        );
        assert_eq!(
            t.covered(EventSource::Acled, "MLI", d("2021-01-01"), d("2021-12-31")),
            Covered::Partial {
                missing: vec![(d("2021-01-01"), d("2021-03-01"))]
            }
        );
        assert_eq!(
            t.covered(ged, "MLI", d("2023-01-01"), d("2022-12-31")),
            Covered::Full,
            "empty window"
        );
    }

    #[test]
    fn countries_within_a_radius() {
        use geo_types::{polygon, MultiPolygon};
        // Two unit squares side by side at the equator: A = [0,1]x[0,1], B = [1,2]x[0,1].
        let square = |iso3: &str, x0: f64| Region {
            region_id: iso3.into(),
            level: 0,
            name: iso3.into(),
            country_iso3: Some(iso3.into()),
            country_name: None,
            iso_3166_2: None,
            geometry: MultiPolygon(vec![polygon![
                (x: x0, y: 0.0), (x: x0 + 1.0, y: 0.0), (x: x0 + 1.0, y: 1.0), (x: x0, y: 1.0)
            ]]),
            source: "t".into(),
            extra: Default::default(),
        };
        let regions = vec![square("BBB", 1.0), square("AAA", 0.0)];
        let reach = CountryReach::new(&regions);
        // A point at (lon 0.5, lat 0.5): inside A; B's edge at lon 1 is 0.5° of longitude away
        // on the parallel 0.5°: haversine(0.5, 0.5, 1.0, 0.5) = 55.595 km (the closest point
        // of B is on its edge at the same latitude, to within metres).
        let d = haversine_km(0.5, 0.5, 1.0, 0.5);
        assert!((d - 55.595).abs() < 0.01, "{d}");
        let near = reach.within(0.5, 0.5, 50.0);
        assert_eq!(near, vec![("AAA".to_string(), 0.0)]);
        let near = reach.within(0.5, 0.5, 60.0);
        assert_eq!(near.len(), 2);
        assert_eq!(near[1].0, "BBB");
        assert!((near[1].1 - d).abs() < 0.01, "{near:?}");
        // Far away: nothing.
        assert!(reach.within(30.0, 30.0, 100.0).is_empty());
        assert!(CountryReach::new(&[]).is_empty());
    }

    #[test]
    fn gaps_between_files_are_kept() {
        let sources = vec![
            report(
                "/d/mali_1990_2005.csv",
                None,
                ("1990-01-01", "2005-12-31"),
                &["Mali"],
            ),
            report(
                "/d/mali_2010_2022.csv",
                None,
                ("2010-01-01", "2022-12-31"),
                &["Mali"],
            ),
        ];
        let t = EventCoverage::from_sources(&sources);
        let mali = t.country(EventSource::UcdpGed, "MLI").unwrap();
        assert_eq!(mali.gaps, vec![(d("2006-01-01"), d("2009-12-31"))]);
        assert_eq!(
            t.covered(
                EventSource::UcdpGed,
                "MLI",
                d("2005-01-01"),
                d("2010-12-31")
            ),
            Covered::Partial {
                missing: vec![(d("2006-01-01"), d("2009-12-31"))]
            }
        );
        assert_eq!(
            t.covered(
                EventSource::UcdpGed,
                "MLI",
                d("2007-01-01"),
                d("2008-12-31")
            ),
            Covered::NotCovered
        );
    }
}
