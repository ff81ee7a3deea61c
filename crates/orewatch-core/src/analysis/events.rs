//! Which events an analysis uses, and the period each event source states it covers.
//!
//! The same violence is usually in both UCDP GED and ACLED, so an analysis uses ONE source:
//! [`choose_source`] takes the requested one, or the only one present, and refuses to guess
//! when both are present. [`EventFilter`] adds the location-precision and violence-type
//! filters. [`stated_coverage`] gives the period a source says it covers — from the file name
//! (`…_1989_2019.csv`), else the GED release (`21.1` covers 1989 to the end of 2020; a
//! candidate `23.0.4` covers to April 2023), else the first and last event dates — because a
//! default "as of" must be the end of the stated coverage, not the date of the latest stray
//! event.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::AnalysisError;
use crate::ingest::plan::SourceReport;
use crate::model::{Event, EventSource, ViolenceType};

/// The events an analysis takes: one source, optionally only precise locations and some
/// violence types.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventFilter {
    pub source: EventSource,
    /// Keep events whose location precision code is at most this (GED `where_prec` 1–7,
    /// ACLED `geo_precision` 1–3; 1 is the exact place). Events without a code are dropped
    /// when this is set.
    pub max_precision_code: Option<u8>,
    /// Keep only these violence types (empty: all events, including ACLED events that have no
    /// UCDP violence type).
    pub violence: Vec<ViolenceType>,
}

impl EventFilter {
    pub fn all(source: EventSource) -> EventFilter {
        EventFilter {
            source,
            max_precision_code: None,
            violence: Vec::new(),
        }
    }

    pub fn accepts(&self, event: &Event) -> bool {
        if event.source != self.source {
            return false;
        }
        if let Some(max) = self.max_precision_code {
            match event.location_precision {
                Some(p) if p <= max => {}
                _ => return false,
            }
        }
        if !self.violence.is_empty() {
            match event.violence_type {
                Some(v) if self.violence.contains(&v) => {}
                _ => return false,
            }
        }
        true
    }
}

/// Parses a source name as users type it (`GED`, `ucdp`, `ACLED`).
pub fn parse_source(text: &str) -> Result<EventSource, AnalysisError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "ged" | "ucdp" | "ucdp_ged" | "ucdp-ged" | "ucdp ged" => Ok(EventSource::UcdpGed),
        "acled" => Ok(EventSource::Acled),
        _ => Err(AnalysisError::bad("source", text, "GED or ACLED")),
    }
}

/// Parses violence types: `state-based`/`sb`/`1`, `non-state`/`ns`/`2`, `one-sided`/`os`/`3`.
pub fn parse_violence(text: &str) -> Result<ViolenceType, AnalysisError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "state-based" | "sb" | "1" => Ok(ViolenceType::StateBased),
        "non-state" | "ns" | "2" => Ok(ViolenceType::NonState),
        "one-sided" | "os" | "3" => Ok(ViolenceType::OneSided),
        _ => Err(AnalysisError::bad(
            "violence",
            text,
            "state-based (sb), non-state (ns) or one-sided (os)",
        )),
    }
}

/// The event source to use: the requested one (which must be present), else the only one
/// present. Both present and none requested is an error: mixing would count the same
/// violence twice.
pub fn choose_source(
    events: &[Event],
    requested: Option<EventSource>,
) -> Result<EventSource, AnalysisError> {
    let has = |s: EventSource| events.iter().any(|e| e.source == s);
    let present: Vec<EventSource> = [EventSource::UcdpGed, EventSource::Acled]
        .into_iter()
        .filter(|&s| has(s))
        .collect();
    match (requested, present.as_slice()) {
        (Some(s), _) if present.contains(&s) => Ok(s),
        (Some(s), _) => Err(AnalysisError::bad(
            "source",
            s.as_str(),
            format!(
                "an event source present in the store (present: {})",
                names(&present)
            ),
        )),
        (None, [only]) => Ok(*only),
        (None, []) => Err(AnalysisError::Data(
            "the store holds no events: ingest UCDP GED or ACLED first (orewatch ingest FILE)"
                .into(),
        )),
        (None, _) => Err(AnalysisError::Data(format!(
            "the store holds events from {}; choose one with --source (the same violence is \
             in both, mixing them would count it twice)",
            names(&present)
        ))),
    }
}

fn names(sources: &[EventSource]) -> String {
    if sources.is_empty() {
        return "none".into();
    }
    sources
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// How a file's coverage was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageBasis {
    /// Two years in the file name (`…_1989_2019.csv`).
    FileName,
    /// The UCDP GED release (`21.1`: 1989 to the end of 2020; `23.0.4`: to April 2023).
    Release,
    /// First and last event dates (no stated period found).
    Observed,
}

/// The stated period of one source file, inclusive at both ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileCoverage {
    pub path: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub basis: CoverageBasis,
}

/// The stated period of an event source: the union of its files' periods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceCoverage {
    pub source: EventSource,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub files: Vec<FileCoverage>,
}

impl SourceCoverage {
    /// Whether a date lies in the stated period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

fn kind_of(source: EventSource) -> &'static str {
    match source {
        EventSource::UcdpGed => "ucdp_ged",
        EventSource::Acled => "acled",
    }
}

/// The stated coverage of `source` from the manifest's source reports; None when no file of
/// that source is listed.
pub fn stated_coverage(sources: &[SourceReport], source: EventSource) -> Option<SourceCoverage> {
    let files: Vec<FileCoverage> = sources
        .iter()
        .filter(|r| r.kind == kind_of(source))
        .filter_map(file_coverage)
        .collect();
    let start = files.iter().map(|f| f.start).min()?;
    let end = files.iter().map(|f| f.end).max()?;
    Some(SourceCoverage {
        source,
        start,
        end,
        files,
    })
}

/// The stated period of one event file: two years in its name, else its GED release's stated
/// coverage, else its first to last event; None without any of these.
pub fn file_coverage(report: &SourceReport) -> Option<FileCoverage> {
    let observed = report.coverage.as_ref().and_then(|c| {
        Some((
            NaiveDate::parse_from_str(&c.start, "%Y-%m-%d").ok()?,
            NaiveDate::parse_from_str(&c.end, "%Y-%m-%d").ok()?,
        ))
    });
    let file_name = std::path::Path::new(&report.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (start, end, basis) = if let Some((y0, y1)) = years_in_name(&file_name) {
        (
            NaiveDate::from_ymd_opt(y0, 1, 1)?,
            NaiveDate::from_ymd_opt(y1, 12, 31)?,
            CoverageBasis::FileName,
        )
    } else if let Some(end) = report
        .release
        .as_deref()
        .filter(|_| report.kind == "ucdp_ged")
        .and_then(ged_release_end)
    {
        (
            NaiveDate::from_ymd_opt(1989, 1, 1)?,
            end,
            CoverageBasis::Release,
        )
    } else {
        let (s, e) = observed?;
        (s, e, CoverageBasis::Observed)
    };
    Some(FileCoverage {
        path: report.path.clone(),
        start,
        end,
        basis,
    })
}

/// `(1989, 2019)` from `…_1989_2019…`: the last two 4-digit numbers (1900–2100) that are
/// separated by `_` or `-`, the first not after the second.
fn years_in_name(name: &str) -> Option<(i32, i32)> {
    let bytes = name.as_bytes();
    let mut found = None;
    for i in 0..bytes.len().saturating_sub(8) {
        let a = &name.get(i..i + 4)?;
        let sep = bytes[i + 4];
        let b = &name.get(i + 5..i + 9)?;
        let boundary_before = i == 0 || !bytes[i - 1].is_ascii_digit();
        let boundary_after = bytes.get(i + 9).is_none_or(|c| !c.is_ascii_digit());
        if !(boundary_before && boundary_after && (sep == b'_' || sep == b'-')) {
            continue;
        }
        if let (Ok(y0), Ok(y1)) = (a.parse::<i32>(), b.parse::<i32>()) {
            if (1900..=2100).contains(&y0) && (1900..=2100).contains(&y1) && y0 <= y1 {
                found = Some((y0, y1));
            }
        }
    }
    found
}

/// The last day a GED release covers: `YY.1` → 31 December of 20YY − 1; a candidate
/// `YY.0.M` → the last day of month M of 20YY.
fn ged_release_end(release: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = release.trim().trim_start_matches('v').split('.').collect();
    let yy: i32 = parts.first()?.parse().ok()?;
    let year = 2000 + yy;
    match parts.as_slice() {
        [_, "1"] => NaiveDate::from_ymd_opt(year - 1, 12, 31),
        [_, "0", month] => {
            let m: u32 = month.parse().ok()?;
            let first_next = if m == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, m + 1, 1)?
            };
            first_next.pred_opt()
        }
        _ => None,
    }
}

/// The last day of the month of `date`.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    let (y, m) = (date.year(), date.month());
    let first_next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    first_next.and_then(|d| d.pred_opt()).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::plan::Coverage;

    fn report(
        path: &str,
        kind: &str,
        release: Option<&str>,
        observed: (&str, &str),
    ) -> SourceReport {
        SourceReport {
            path: path.into(),
            kind: kind.into(),
            release: release.map(str::to_string),
            coverage: Some(Coverage {
                start: observed.0.into(),
                end: observed.1.into(),
            }),
            ..Default::default()
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn coverage_from_file_name_then_release_then_observed() {
        let sources = [
            report(
                "/d/ucdp_ged_v21_1_precise_global_1989_2019.csv",
                "ucdp_ged",
                Some("21.1"),
                ("1989-01-01", "2019-12-31"),
            ),
            report(
                "/d/GEDEvent_v22_1.csv",
                "ucdp_ged",
                Some("22.1"),
                ("1989-01-02", "2021-12-30"),
            ),
            report(
                "/d/GEDEvent_v23_0_4.csv",
                "ucdp_ged",
                Some("23.0.4"),
                ("2023-04-01", "2023-04-29"),
            ),
            report(
                "/d/acled_export.csv",
                "acled",
                None,
                ("2020-01-03", "2024-06-28"),
            ),
        ];
        let ged = stated_coverage(&sources, EventSource::UcdpGed).unwrap();
        assert_eq!(ged.files[0].basis, CoverageBasis::FileName);
        assert_eq!(
            (ged.files[0].start, ged.files[0].end),
            (d("1989-01-01"), d("2019-12-31"))
        );
        assert_eq!(ged.files[1].basis, CoverageBasis::Release);
        assert_eq!(ged.files[1].end, d("2021-12-31"));
        assert_eq!(ged.files[2].end, d("2023-04-30"));
        assert_eq!((ged.start, ged.end), (d("1989-01-01"), d("2023-04-30")));
        let acled = stated_coverage(&sources, EventSource::Acled).unwrap();
        assert_eq!(acled.files[0].basis, CoverageBasis::Observed);
        assert_eq!(acled.end, d("2024-06-28"));
        assert!(stated_coverage(&sources[..1], EventSource::Acled).is_none());
    }

    #[test]
    fn years_in_names() {
        assert_eq!(years_in_name("x_1989_2019.csv"), Some((1989, 2019)));
        assert_eq!(years_in_name("acled-2018-2024.csv"), Some((2018, 2024)));
        assert_eq!(years_in_name("ged_v21_1.csv"), None);
        assert_eq!(years_in_name("x_2019_1989.csv"), None);
        assert_eq!(years_in_name("x_119890_2019.csv"), None);
    }

    #[test]
    fn parsing_names() {
        assert_eq!(parse_source("GED"), Ok(EventSource::UcdpGed));
        assert_eq!(parse_source("acled"), Ok(EventSource::Acled));
        assert!(parse_source("gdelt").is_err());
        assert_eq!(parse_violence("os"), Ok(ViolenceType::OneSided));
        assert!(parse_violence("riots").is_err());
        assert_eq!(month_end(d("2020-02-10")), d("2020-02-29"));
        assert_eq!(month_end(d("2019-12-01")), d("2019-12-31"));
    }
}
