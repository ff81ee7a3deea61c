//! Which event source and which year of CAHRA verdicts the supply figures are weighed against:
//! one rule for the CLI and the brief (see the parent module's doc).

use chrono::Datelike;

use super::super::VerdictYears;
use super::*;

/// The event source and coverage the CAHRA screening of supply uses: the source's stated
/// coverage chooses the verdict year; each country's own coverage (`table`) decides whether its
/// verdict for that year rests on data (a country its events do not cover that year is
/// insufficient data, counted in the upper bound only).
#[derive(Debug, Clone, PartialEq)]
pub struct CahraBasis {
    pub filter: EventFilter,
    pub coverage: SourceCoverage,
    pub table: EventCoverage,
}

impl CahraBasis {
    /// The basis for a store: None when it holds no events (asking for a source then is an
    /// error); the source asked for, else the only one present; its stated coverage.
    pub fn of(
        dataset: &Dataset,
        sources: &[SourceReport],
        asked: Option<EventSource>,
    ) -> Result<Option<CahraBasis>, AnalysisError> {
        if dataset.events.is_empty() {
            if asked.is_some() {
                return Err(AnalysisError::Data(
                    "event source: the store holds no events".into(),
                ));
            }
            return Ok(None);
        }
        let source = choose_source(&dataset.events, asked)?;
        let coverage = stated_coverage(sources, source).ok_or_else(|| {
            AnalysisError::Data(format!(
                "no {} file is listed in the store's manifest: its coverage is unknown",
                source.as_str()
            ))
        })?;
        Ok(Some(CahraBasis {
            filter: EventFilter::all(source),
            coverage,
            table: EventCoverage::from_sources(sources),
        }))
    }

    /// The same basis counting only the location precisions `precision` keeps.
    pub fn with_precision(mut self, precision: PrecisionFilter) -> CahraBasis {
        self.filter.max_precision_code = precision.max_code;
        self
    }

    /// The year of the verdicts for a market year (see the module doc); None when the market
    /// year precedes every entirely covered year.
    pub fn year_for(
        &self,
        market_year: i32,
        asked: Option<i32>,
        dataset: &Dataset,
    ) -> Result<Option<i32>, AnalysisError> {
        if let Some(y) = asked {
            if !year_has_any_data(&self.coverage, &dataset.events, y) {
                return Err(AnalysisError::Data(format!(
                    "cahra_year {y}: no {} data for {y} (stated coverage {} to {})",
                    self.filter.source.as_str(),
                    self.coverage.start,
                    self.coverage.end
                )));
            }
            return Ok(Some(y));
        }
        if year_fully_covered(&self.coverage, market_year) {
            return Ok(Some(market_year));
        }
        Ok(last_full_year(&self.coverage).filter(|&y| y < market_year))
    }

    /// Each producer's verdict year for a market (the module doc's rule): the year asked for,
    /// for every producer; else per producer the latest year up to [`Self::year_for`]'s that
    /// its country's events cover entirely. None when no year is assessed.
    pub fn verdict_years(
        &self,
        market: &Market,
        asked: Option<i32>,
        dataset: &Dataset,
    ) -> Result<Option<VerdictYears>, AnalysisError> {
        let Some(fallback) = self.year_for(market.year, asked, dataset)? else {
            return Ok(None);
        };
        let keys: Vec<&str> = market.producers.iter().map(|p| p.key.as_str()).collect();
        if asked.is_some() {
            return Ok(Some(choose_verdict_years(
                &keys,
                fallback,
                fallback,
                |_| None,
            )));
        }
        let first = self.coverage.start.year();
        Ok(Some(choose_verdict_years(&keys, fallback, first, |y| {
            self.covered_in(y)
        })))
    }

    /// The CAHRA exposure of each market (None where none is assessed), from one screening of
    /// every verdict year they need (returned too; None when no market is assessed).
    pub fn exposures(
        &self,
        markets: &[&Market],
        asked: Option<i32>,
        dataset: &Dataset,
    ) -> Result<(Vec<Option<CahraExposure>>, Option<CountryScreening>), AnalysisError> {
        let mut chosen = Vec::with_capacity(markets.len());
        let mut years = BTreeSet::new();
        for m in markets {
            let v = self.verdict_years(m, asked, dataset)?;
            if let Some(v) = &v {
                years.extend(v.years());
            }
            chosen.push(v);
        }
        if years.is_empty() {
            return Ok((vec![None; markets.len()], None));
        }
        let screening = self.screen(dataset, &years.iter().copied().collect::<Vec<_>>())?;
        let verdicts: BTreeMap<i32, BTreeMap<&str, Verdict>> =
            years.iter().map(|&y| (y, screening.verdicts(y))).collect();
        let exposures = markets
            .iter()
            .zip(&chosen)
            .map(|(m, v)| v.as_ref().map(|v| cahra_exposure_by_year(m, &verdicts, v)))
            .collect();
        Ok((exposures, Some(screening)))
    }

    /// The country screening of those years with the default rules, each country-year checked
    /// against the country's own coverage.
    pub fn screen(
        &self,
        dataset: &Dataset,
        years: &[i32],
    ) -> Result<CountryScreening, AnalysisError> {
        screen_countries_with_coverage(
            dataset,
            &self.filter,
            &self.coverage,
            &self.table,
            &CahraRules::default_rules(),
            years,
        )
    }

    /// The countries whose own events cover all of `year` (ISO3, sorted); None when a global
    /// file of the source covers it (every country is covered then).
    pub fn covered_in(&self, year: i32) -> Option<Vec<String>> {
        let (first, last) = (
            chrono::NaiveDate::from_ymd_opt(year, 1, 1)?,
            chrono::NaiveDate::from_ymd_opt(year, 12, 31)?,
        );
        let source = self.filter.source;
        let global = self
            .table
            .global
            .iter()
            .filter(|g| g.source == source)
            .flat_map(|g| &g.periods)
            .any(|p| p.start <= first && p.end >= last);
        if global {
            return None;
        }
        let mut covered: Vec<String> = self
            .table
            .countries
            .iter()
            .filter(|c| c.source == source)
            .filter_map(|c| c.iso3.clone())
            .filter(|iso3| self.table.covered(source, iso3, first, last) == Covered::Full)
            .collect();
        covered.sort();
        covered.dedup();
        Some(covered)
    }

    pub(super) fn not_assessed(&self, market_year: i32) -> String {
        format!(
            "{market_year} precedes the {} coverage ({} to {})",
            self.filter.source.as_str(),
            self.coverage.start,
            self.coverage.end
        )
    }
}
