//! Which countries a forecast may use: the countries forecast (or scored) and the wider set
//! the fitted models are trained on, checked against what the event source covers per country.
//!
//! Coverage ([`CountryCoverage`]): the first and last day the event source covers for a
//! country. A panel reads every month of its countries from its first month to its last; a
//! month outside a country's coverage would read as zero deaths — a false zero, absence of
//! data taken for peace. So:
//!
//! - a country **forecast or scored** must be covered over the panel's months, else the
//!   request is refused ([`check_covered`]);
//! - a **training** country enters a fit only if it is covered from the panel's first month
//!   through the fit's cutoff (the last month whose outcome the fit reads); otherwise it is
//!   left out of that fit and named in a warning ([`training_countries_for`]). In an
//!   evaluation that refits yearly, a country can thus be used by early fits and left out of
//!   later ones (bench/forecast_eval/PROTOCOL.md §2).
//!
//! The training list itself ([`Training`]): the default set
//! ([`crate::model::regions::SAHEL_AND_NEIGHBOURS`]), a user's list, or none (`own`: fit on the
//! forecast panel); the forecast countries are always added to it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::panel::{months_of_coverage, Month};
use crate::analysis::coverage::EventCoverage;
use crate::analysis::AnalysisError;
use crate::model::regions::{codes, SAHEL_AND_NEIGHBOURS};
use crate::model::EventSource;

/// The period an event source covers for each country.
pub trait CountryCoverage {
    /// First and last day covered for `iso3` (ISO 3166-1 alpha-3); None: not covered at all.
    fn period(&self, iso3: &str) -> Option<(NaiveDate, NaiveDate)>;

    /// First and last complete month covered for `iso3`.
    fn months(&self, iso3: &str) -> Option<(Month, Month)> {
        let (start, end) = self.period(iso3)?;
        let (first, last) = months_of_coverage(start, end);
        (first <= last).then_some((first, last))
    }
}

/// The store's coverage table ([`EventCoverage`], the manifest's per-(source, country)
/// periods: a country's own files plus the source's global files) for one event source. Of
/// disjoint covered spans, a country's coverage here is the latest (the panel must not reach
/// back across a gap).
#[derive(Debug, Clone)]
pub struct StoreCoverage {
    pub table: EventCoverage,
    pub source: EventSource,
}

impl CountryCoverage for StoreCoverage {
    fn period(&self, iso3: &str) -> Option<(NaiveDate, NaiveDate)> {
        self.table
            .ranges(self.source, iso3)
            .into_iter()
            .max_by_key(|r| r.1)
    }
}

/// The countries the fitted models are trained on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Training {
    /// The Sahel and its neighbours ([`SAHEL_AND_NEIGHBOURS`]) plus the forecast countries.
    #[default]
    Default,
    /// The forecast (or scored) panel alone.
    Own,
    /// These countries (ISO3) plus the forecast countries.
    Countries(Vec<String>),
}

impl Training {
    /// The countries to train on for a forecast of `countries`: the list with `countries`
    /// appended (each once, list order first); None when fitting on the forecast panel itself
    /// (`Own`, or a list that adds no country).
    pub fn countries_with(&self, countries: &[String]) -> Option<Vec<String>> {
        let mut out: Vec<String> = match self {
            Training::Own => return None,
            Training::Default => codes(&SAHEL_AND_NEIGHBOURS),
            Training::Countries(list) => list.iter().map(|c| normalise(c)).collect(),
        };
        out.dedup();
        for c in countries {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        (out.len() > countries.len()).then_some(out)
    }
}

/// An ISO3 code as panels spell it.
pub fn normalise(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// A training country left out of a fit: its data do not reach the fit's cutoff (or do not
/// reach back to the panel's first month).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    pub country: String,
    /// Its covered months; None: not covered at all.
    pub covered: Option<(Month, Month)>,
}

impl LeftOut {
    /// Why, e.g. "UCDP GED covers it from 1989-01 to 2019-12 only".
    pub fn describe(&self, source: &str) -> String {
        match self.covered {
            Some((first, last)) => format!("{source} covers it from {first} to {last} only"),
            None => format!("{source} does not cover it"),
        }
    }
}

/// Of `requested` training countries, those covered from `first` (the panel's first month)
/// through `cutoff` (the fit's last outcome month), in list order, and those left out.
pub fn training_countries_for(
    requested: &[String],
    coverage: &dyn CountryCoverage,
    first: Month,
    cutoff: Month,
) -> (Vec<String>, Vec<LeftOut>) {
    let mut used = Vec::new();
    let mut left_out = Vec::new();
    for c in requested {
        let covered = coverage.months(c);
        match covered {
            Some((from, to)) if from <= first && cutoff <= to => used.push(c.clone()),
            _ => left_out.push(LeftOut {
                country: c.clone(),
                covered,
            }),
        }
    }
    (used, left_out)
}

/// Refuses a country forecast or scored whose coverage does not span `first ..= last`.
/// `what` names the months' role for the message (e.g. "the forecast origin").
pub fn check_covered(
    countries: &[String],
    coverage: &dyn CountryCoverage,
    source: &str,
    first: Month,
    last: Month,
    what: &str,
) -> Result<(), AnalysisError> {
    for c in countries {
        match coverage.months(c) {
            Some((from, to)) if from <= first && last <= to => {}
            Some((from, to)) => {
                return Err(AnalysisError::Data(format!(
                    "{c}: {source} covers it from {from} to {to}, but {what} needs {first} to \
                     {last}. Leave {c} out, choose an earlier origin or span, or ingest a {source} \
                     file covering {c} to {last} (absence of data is not absence of violence)"
                )))
            }
            None => {
                return Err(AnalysisError::Data(format!(
                    "{c}: {source} in the store does not cover it. Check the ISO3 code or ingest \
                     a {source} file covering {c}"
                )))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Coverage by hand: country → (first day, last day).
    struct ByCountry(BTreeMap<&'static str, (NaiveDate, NaiveDate)>);

    impl CountryCoverage for ByCountry {
        fn period(&self, iso3: &str) -> Option<(NaiveDate, NaiveDate)> {
            self.0.get(iso3).copied()
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn shipped_like() -> ByCountry {
        // As the shipped data: MLI, BFA, SEN to 2022-12-31; NER and MRT to 2019-12-31; BEN
        // covered only from 2019 (a file starting later than the panel).
        ByCountry(BTreeMap::from([
            ("MLI", (day(1989, 1, 1), day(2022, 12, 31))),
            ("BFA", (day(1989, 1, 1), day(2022, 12, 31))),
            ("SEN", (day(1989, 1, 1), day(2022, 12, 31))),
            ("NER", (day(1989, 1, 1), day(2019, 12, 31))),
            ("MRT", (day(1989, 1, 1), day(2019, 12, 31))),
            ("BEN", (day(2019, 1, 1), day(2022, 12, 31))),
        ]))
    }

    #[test]
    fn training_countries_must_be_covered_through_the_cutoff() {
        let cov = shipped_like();
        let list = codes(&["MLI", "BFA", "NER", "MRT", "SEN", "BEN", "XXX"]);
        let first = Month::new(1989, 1);
        // Cutoff 2019-12: NER and MRT still covered; BEN starts too late; XXX unknown.
        let (used, out) = training_countries_for(&list, &cov, first, Month::new(2019, 12));
        assert_eq!(used, ["MLI", "BFA", "NER", "MRT", "SEN"]);
        assert_eq!(
            out.iter().map(|l| l.country.as_str()).collect::<Vec<_>>(),
            ["BEN", "XXX"]
        );
        // Cutoff 2020-01: NER and MRT end a month earlier and are left out.
        let (used, out) = training_countries_for(&list, &cov, first, Month::new(2020, 1));
        assert_eq!(used, ["MLI", "BFA", "SEN"]);
        assert_eq!(out[0].country, "NER");
        assert_eq!(
            out[0].covered,
            Some((Month::new(1989, 1), Month::new(2019, 12)))
        );
        assert_eq!(
            out[0].describe("UCDP GED"),
            "UCDP GED covers it from 1989-01 to 2019-12 only"
        );
        assert_eq!(
            out.last().unwrap().describe("UCDP GED"),
            "UCDP GED does not cover it"
        );
    }

    #[test]
    fn a_partly_covered_last_month_is_not_covered() {
        // Coverage ending 2022-12-15: the last complete month is 2022-11.
        let cov = ByCountry(BTreeMap::from([(
            "MLI",
            (day(1989, 1, 1), day(2022, 12, 15)),
        )]));
        assert_eq!(
            cov.months("MLI"),
            Some((Month::new(1989, 1), Month::new(2022, 11)))
        );
        let mli = codes(&["MLI"]);
        let first = Month::new(1989, 1);
        assert!(check_covered(&mli, &cov, "GED", first, Month::new(2022, 11), "x").is_ok());
        let err = check_covered(&mli, &cov, "GED", first, Month::new(2022, 12), "the origin")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("MLI: GED covers it from 1989-01 to 2022-11"),
            "{err}"
        );
        assert!(err.contains("the origin needs 1989-01 to 2022-12"), "{err}");
    }

    #[test]
    fn coverage_from_the_store_table() {
        use crate::analysis::coverage::{CountryCoverage as Row, CoveredPeriod, FileScope};
        use crate::analysis::events::CoverageBasis;
        let period = |file: &str, start, end, scope| CoveredPeriod {
            file: file.into(),
            start,
            end,
            basis: CoverageBasis::FileName,
            scope,
        };
        let global = period(
            "global.csv",
            day(1989, 1, 1),
            day(2019, 12, 31),
            FileScope::Global,
        );
        let row = |iso3: &str, periods: Vec<CoveredPeriod>| Row {
            source: EventSource::UcdpGed,
            iso3: Some(iso3.into()),
            name: iso3.into(),
            start: periods[0].start,
            end: periods.last().unwrap().end,
            gaps: Vec::new(),
            periods,
        };
        let table = EventCoverage {
            countries: vec![
                // A one-country file touching the global file's period: merged.
                row(
                    "BFA",
                    vec![period(
                        "bfa.csv",
                        day(2020, 1, 1),
                        day(2022, 12, 31),
                        FileScope::Listed,
                    )],
                ),
                // A one-country file after a gap: the latest span.
                row(
                    "TCD",
                    vec![period(
                        "tcd.csv",
                        day(2021, 1, 1),
                        day(2022, 12, 31),
                        FileScope::Listed,
                    )],
                ),
            ],
            global: vec![crate::analysis::coverage::GlobalCoverage {
                source: EventSource::UcdpGed,
                periods: vec![global],
            }],
        };
        let cov = StoreCoverage {
            table,
            source: EventSource::UcdpGed,
        };
        assert_eq!(
            cov.period("BFA"),
            Some((day(1989, 1, 1), day(2022, 12, 31)))
        );
        // A country without events is covered by the global file alone (peace is data there).
        assert_eq!(
            cov.period("BEN"),
            Some((day(1989, 1, 1), day(2019, 12, 31)))
        );
        assert_eq!(
            cov.period("TCD"),
            Some((day(2021, 1, 1), day(2022, 12, 31)))
        );
        let acled = StoreCoverage {
            source: EventSource::Acled,
            ..cov
        };
        assert_eq!(acled.period("BFA"), None);
    }

    #[test]
    fn the_training_list_merge() {
        let mli_bfa = codes(&["MLI", "BFA"]);
        // Default: the Sahel and neighbours, the forecast countries already in it.
        assert_eq!(
            Training::Default.countries_with(&mli_bfa),
            Some(codes(&SAHEL_AND_NEIGHBOURS))
        );
        // A forecast country outside the list is appended.
        let mut expected = codes(&SAHEL_AND_NEIGHBOURS);
        expected.push("TCD".into());
        assert_eq!(
            Training::Default.countries_with(&codes(&["MLI", "TCD"])),
            Some(expected)
        );
        assert_eq!(Training::Own.countries_with(&mli_bfa), None);
        // A list adding nothing is the panel itself; codes are normalised.
        assert_eq!(
            Training::Countries(codes(&["bfa "])).countries_with(&mli_bfa),
            None
        );
        assert_eq!(
            Training::Countries(codes(&["NER"])).countries_with(&mli_bfa),
            Some(codes(&["NER", "MLI", "BFA"]))
        );
        // Serde spelling of the request field.
        assert_eq!(
            serde_json::to_string(&Training::Countries(codes(&["NER"]))).unwrap(),
            r#"{"countries":["NER"]}"#
        );
        assert_eq!(serde_json::to_string(&Training::Own).unwrap(), r#""own""#);
    }
}
