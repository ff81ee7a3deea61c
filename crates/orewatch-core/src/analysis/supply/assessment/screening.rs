//! Which event source and which year of CAHRA verdicts the supply figures are weighed against:
//! one rule for the CLI and the brief (see the parent module's doc).

use super::*;

/// The event source and coverage the CAHRA screening of supply uses.
#[derive(Debug, Clone, PartialEq)]
pub struct CahraBasis {
    pub filter: EventFilter,
    pub coverage: SourceCoverage,
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
        }))
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

    /// The country screening of those years with the default rules.
    pub fn screen(
        &self,
        dataset: &Dataset,
        years: &[i32],
    ) -> Result<CountryScreening, AnalysisError> {
        screen_countries(
            dataset,
            &self.filter,
            &self.coverage,
            &CahraRules::default_rules(),
            years,
        )
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
