//! The CAHRA screening as an assessment: one calendar year, some countries, every admin-1
//! region and every mine site of them, with the rules that fired and the numbers behind them.
//!
//! [`cahra`] chooses the ONE event source, the year (default: the last calendar year entirely
//! inside the source's stated coverage; a year with no data at all is an error naming what is
//! covered: [`screening_year`]), the countries (default: every country with admin-1 regions in
//! the store: [`screened_countries`]), and runs [`crate::analysis::cahra::screen_with_coverage`]
//! with the embedded rules (`config/cahra.toml`, or the rules text of the request) against the
//! coverage table derived from the store's source reports ([`EventCoverage::from_sources`]).
//! It keeps the regions of those countries and the sites whose country (or, without one,
//! their region's country) is among them.
//!
//! Coverage decides as in [`crate::analysis::cahra`]: a region-year whose country is not
//! entirely covered (a site: its country and every country within the radius) is
//! `insufficient data` unless a rule fires on the data held; the coverage rows of the screened
//! countries are part of the result ([`CahraAssessment::country_coverage`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Provenance, SourceRef};
use crate::analysis::cahra::{
    last_full_year, screen_with_coverage, year_has_any_data, CahraRules, EventPlacement,
    RegionVerdict, SiteVerdict, DEFAULT_RULES_NAME, DEFAULT_RULES_TOML,
};
use crate::analysis::coverage::{CountryCoverage, EventCoverage};
use crate::analysis::events::{choose_source, stated_coverage, EventFilter, SourceCoverage};
use crate::analysis::AnalysisError;
use crate::ingest::plan::SourceReport;
use crate::model::{Dataset, Event, EventSource, Region};

/// Rules other than the embedded ones: the text of a TOML file with every key of
/// `config/cahra.toml`, and the name it is known by (shown in errors and the provenance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesText {
    pub name: String,
    pub toml: String,
}

/// What to screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CahraRequest {
    /// None: the last calendar year entirely inside the source's stated coverage.
    pub year: Option<i32>,
    pub source: Option<EventSource>,
    /// ISO3 codes with admin-1 regions in the store; empty: all of them.
    pub countries: Vec<String>,
    /// Radius of a site's own surroundings, km.
    pub site_radius_km: f64,
    /// None: the embedded rules (`config/cahra.toml`).
    pub rules: Option<RulesText>,
}

impl Default for CahraRequest {
    fn default() -> Self {
        CahraRequest {
            year: None,
            source: None,
            countries: Vec::new(),
            site_radius_km: 50.0,
            rules: None,
        }
    }
}

/// How a verdict is decided (the `verdicts` note of every output).
pub const VERDICT_RULE: &str = "conflict-affected > high-risk > neither; insufficient data when \
    the year is not entirely inside the stated coverage, or (no rule firing) not entirely \
    covered for the region's country (for a site: its country and every country within the \
    radius), the unit's events are all imprecise, or missing data could make a rule fire";

/// The verdicts of one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CahraAssessment {
    pub request: CahraRequest,
    pub year: i32,
    pub source: EventSource,
    pub countries: Vec<String>,
    /// The source's stated coverage (its files' periods).
    pub coverage: SourceCoverage,
    /// The coverage rows (source, country) of the screened countries.
    pub country_coverage: Vec<CountryCoverage>,
    pub rules_file: String,
    pub rules_sha256: String,
    pub rules: CahraRules,
    pub site_radius_km: f64,
    pub placement: EventPlacement,
    /// How a verdict is decided ([`VERDICT_RULE`]).
    pub verdicts: String,
    /// Sorted by region id.
    pub regions: Vec<RegionVerdict>,
    /// Sorted by site id.
    pub sites: Vec<SiteVerdict>,
    pub provenance: Provenance,
}

/// The year to screen: `requested` when the source has any data for it, else an error; None:
/// the last calendar year entirely inside the coverage.
pub fn screening_year(
    coverage: &SourceCoverage,
    events: &[Event],
    requested: Option<i32>,
) -> Result<i32, AnalysisError> {
    match requested {
        Some(y) if year_has_any_data(coverage, events, y) => Ok(y),
        Some(y) => Err(AnalysisError::bad(
            "year",
            y,
            format!(
                "no {} data for {y}: the source covers {} to {} (stated) and holds no event \
                 dated {y}",
                coverage.source.as_str(),
                coverage.start,
                coverage.end
            ),
        )),
        None => last_full_year(coverage).ok_or_else(|| {
            AnalysisError::Data(format!(
                "{} covers {} to {}: no calendar year is entirely inside; pass a year",
                coverage.source.as_str(),
                coverage.start,
                coverage.end
            ))
        }),
    }
}

/// The countries to screen: those asked (ISO3, any case), each of which must have admin-1
/// regions in the store; none asked: every country that has.
pub fn screened_countries(
    regions: &[Region],
    asked: &[String],
) -> Result<BTreeSet<String>, AnalysisError> {
    let present: BTreeSet<String> = regions
        .iter()
        .filter(|r| r.level == 1)
        .filter_map(|r| r.country_iso3.clone())
        .collect();
    if present.is_empty() {
        return Err(AnalysisError::Data(
            "the store holds no admin-1 regions: ingest Natural Earth admin-1 boundaries first"
                .into(),
        ));
    }
    let mut out = BTreeSet::new();
    for code in asked.iter().map(|c| c.trim().to_ascii_uppercase()) {
        if code.is_empty() {
            continue;
        }
        if !present.contains(&code) {
            return Err(AnalysisError::bad(
                "countries",
                code,
                format!(
                    "ISO3 codes of countries with admin-1 regions in the store: {}",
                    present.iter().cloned().collect::<Vec<_>>().join(",")
                ),
            ));
        }
        out.insert(code);
    }
    Ok(if out.is_empty() { present } else { out })
}

/// The rules, their name and the SHA-256 of their text.
fn rules_of(req: &CahraRequest) -> Result<(CahraRules, String, String), AnalysisError> {
    match &req.rules {
        None => Ok((
            CahraRules::default_rules(),
            DEFAULT_RULES_NAME.to_string(),
            sha256_hex(DEFAULT_RULES_TOML.as_bytes()),
        )),
        Some(RulesText { name, toml }) => {
            let rules = CahraRules::from_toml_str(toml, name).map_err(|e| {
                AnalysisError::Data(format!(
                    "bad rules file: {e}. Start from a copy of config/cahra.toml (every key is \
                     required)."
                ))
            })?;
            Ok((rules, name.clone(), sha256_hex(toml.as_bytes())))
        }
    }
}

/// Screens one year (see the module docs).
pub fn cahra(
    dataset: &Dataset,
    sources: &[SourceReport],
    req: &CahraRequest,
) -> Result<CahraAssessment, AnalysisError> {
    let (rules, rules_file, rules_sha256) = rules_of(req)?;
    let source = choose_source(&dataset.events, req.source)?;
    let coverage = stated_coverage(sources, source).ok_or_else(|| {
        AnalysisError::Data(format!(
            "no {} file is listed in the store's manifest: its coverage is unknown",
            source.as_str()
        ))
    })?;
    let year = screening_year(&coverage, &dataset.events, req.year)?;
    let countries = screened_countries(&dataset.regions, &req.countries)?;
    let table = EventCoverage::from_sources(sources);
    let report = screen_with_coverage(
        dataset,
        &EventFilter::all(source),
        &coverage,
        &table,
        &rules,
        &[year],
        req.site_radius_km,
    )?;
    let regions: Vec<RegionVerdict> = report
        .regions
        .into_iter()
        .filter(|r| {
            r.country_iso3
                .as_ref()
                .is_some_and(|c| countries.contains(c))
        })
        .collect();
    let region_country = |id: &Option<String>| {
        id.as_ref().and_then(|id| {
            dataset
                .regions
                .iter()
                .find(|r| r.level == 1 && &r.region_id == id)
                .and_then(|r| r.country_iso3.clone())
        })
    };
    let sites: Vec<SiteVerdict> = report
        .sites
        .into_iter()
        .filter(|s| {
            s.country_iso3
                .clone()
                .or_else(|| region_country(&s.region_id))
                .is_some_and(|c| countries.contains(&c))
        })
        .collect();
    let country_coverage: Vec<CountryCoverage> = table
        .countries
        .into_iter()
        .filter(|c| c.source == source && c.iso3.as_ref().is_some_and(|i| countries.contains(i)))
        .collect();
    let mut provenance = Provenance::new();
    provenance.sources = sources
        .iter()
        .filter(|s| report.coverage.files.iter().any(|f| f.path == s.path))
        .map(|s| SourceRef {
            path: s.path.clone(),
            sha256: s.sha256.clone(),
            kind: s.kind.clone(),
        })
        .collect();
    provenance.sources.push(SourceRef {
        path: rules_file.clone(),
        sha256: rules_sha256.clone(),
        kind: "cahra_rules".into(),
    });
    let countries: Vec<String> = countries.into_iter().collect();
    provenance.command = Some(format!(
        "orewatch cahra --year {year} --source {} --countries {} --radius-km {}{}",
        match source {
            EventSource::UcdpGed => "GED",
            EventSource::Acled => "ACLED",
        },
        countries.join(","),
        req.site_radius_km,
        match &req.rules {
            Some(r) => format!(" --rules {}", r.name),
            None => String::new(),
        }
    ));
    if regions
        .iter()
        .any(|r| r.result.verdict == crate::analysis::cahra::Verdict::InsufficientData)
    {
        provenance.warnings.push(
            "some regions are `insufficient data`: the event data do not cover them for the \
             whole year, or cannot decide; never read as `neither`"
                .into(),
        );
    }
    Ok(CahraAssessment {
        request: req.clone(),
        year,
        source,
        countries,
        coverage: report.coverage,
        country_coverage,
        rules_file,
        rules_sha256,
        rules: report.rules,
        site_radius_km: req.site_radius_km,
        placement: report.placement,
        verdicts: VERDICT_RULE.into(),
        regions,
        sites,
        provenance,
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(id: &str, iso3: &str, level: u8) -> Region {
        Region {
            region_id: id.into(),
            level,
            name: id.into(),
            country_iso3: Some(iso3.into()),
            country_name: None,
            iso_3166_2: None,
            geometry: geo_types::MultiPolygon(Vec::new()),
            source: "test".into(),
            extra: Default::default(),
        }
    }

    #[test]
    fn countries_default_to_those_with_admin1_regions_and_unknown_ones_are_named() {
        let regions = [
            region("MLI-1", "MLI", 1),
            region("BFA-1", "BFA", 1),
            region("466", "NER", 0),
        ];
        let all = screened_countries(&regions, &[]).unwrap();
        assert_eq!(all.into_iter().collect::<Vec<_>>(), ["BFA", "MLI"]);
        let one = screened_countries(&regions, &["mli".into()]).unwrap();
        assert_eq!(one.into_iter().collect::<Vec<_>>(), ["MLI"]);
        let err = screened_countries(&regions, &["NER".into()]).unwrap_err();
        assert!(
            matches!(
                err,
                AnalysisError::BadParameter {
                    name: "countries",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("BFA,MLI"), "{err}");
        assert!(screened_countries(&[], &[]).is_err());
    }

    #[test]
    fn the_request_round_trips_and_bad_rules_are_named() {
        let req = CahraRequest {
            year: Some(2019),
            source: Some(EventSource::UcdpGed),
            countries: vec!["MLI".into()],
            site_radius_km: 25.0,
            rules: Some(RulesText {
                name: "mine.toml".into(),
                toml: "[armed_conflict]\nmin_deaths = 1\n".into(),
            }),
        };
        crate::assess::tests::json_round_trip(&req);
        let defaults: CahraRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(defaults, CahraRequest::default());
        let err = rules_of(&req).unwrap_err().to_string();
        assert!(err.starts_with("bad rules file: mine.toml"), "{err}");
        let (_, name, sha) = rules_of(&CahraRequest::default()).unwrap();
        assert_eq!(name, DEFAULT_RULES_NAME);
        assert_eq!(sha.len(), 64);
    }
}
