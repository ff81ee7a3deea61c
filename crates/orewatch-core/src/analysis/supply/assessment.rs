//! The supply assessment: one typed request in, one typed result out, with its provenance.
//! Every product (the CLI's `orewatch supply`, the brief's supply section, a later API) asks
//! this module and formats what it returns; none computes.
//!
//! Questions ([`SupplyQuestion`]):
//! - `market`: one commodity × series × stage × year — each country's quantity, share, scaled
//!   WGI and CAHRA verdict; HHI, HHI_WGI, Mali's and the Sahel's shares; the EU supply risk of
//!   this stage from the store's production and the EU's other inputs (`config/supply.toml`,
//!   Appendix 7), of every stage with figures (the bottleneck named); disruptions
//!   (`shocks`) and offtakes (`redirects`); the CAHRA exposure; and the EU's own view of the
//!   commodity ([`EuView`]: published SR/EI and their history, SR recomputed from the 2023
//!   inputs, SR now and with Mali's output stopped).
//! - `all`: one line per commodity (× stage) of a series.
//! - `over_time`: Mali's and the Sahel's shares, the HHI and the CAHRA-flagged share by year.
//! - `eu_check`: the EU's 2023 SR of every material recomputed from its own inputs
//!   ([`super::eu::eu_check`]).
//!
//! The CAHRA screening behind the exposure is chosen once, here ([`CahraBasis`]): the event
//! source (the one asked for, else the only one in the store), and for a market year the year
//! of the verdicts — the year asked for, else the market year when the source covers it
//! entirely, else the last year it covers entirely before it (never a later one).
//!
//! Units as in `analysis::supply`: shares and HHI_WGI as fractions / 0–10, HHI 0–10,000,
//! quantities in the market's unit.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::eu::{
    check_stages, eu_check, hhi_wgi_t, is_hit, needs, EuCheck, WeightedConcentration, WgiRule,
    WgiTable,
};
use super::inputs::{Cited, CommodityInputs, EuSourcing, StageInputs, SupplyInputs};
use super::{
    cahra_exposure, governance_for, governance_weighted, hhi_band, hhi_band_2023_note, is_critical,
    markets_over_time, offtake, supply_risk, year_figures, CahraExposure, GovernanceWeighted,
    HhiRange, Market, RiskInputs, YearFigures, SAHEL,
};
use crate::analysis::cahra::{
    last_full_year, year_fully_covered, year_has_any_data, CahraRules, Verdict,
};
use crate::analysis::cahra_countries::{screen_countries, CountryScreening};
use crate::analysis::events::{choose_source, stated_coverage, EventFilter, SourceCoverage};
use crate::analysis::AnalysisError;
use crate::ingest::plan::SourceReport;
use crate::model::{
    Dataset, EuCrmTables, EuShare, EuStage, EventSource, ProductionSeries, SupplyBasis,
};

/// What `orewatch supply` is asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyRequest {
    pub question: SupplyQuestion,
    /// Event source of the CAHRA screening (None: the only one in the store).
    pub event_source: Option<EventSource>,
}

/// The questions (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SupplyQuestion {
    Market(MarketRequest),
    All {
        series: Option<ProductionSeries>,
        year: Option<i32>,
    },
    OverTime {
        commodity: String,
        stage: Option<String>,
    },
    EuCheck {
        wgi: WgiRule,
    },
}

/// One market and what to do to it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MarketRequest {
    /// As the store names it (`gold`, `lithium`, `phosphate rock`, …).
    pub commodity: String,
    /// Default: the latest year with figures.
    pub year: Option<i32>,
    /// `mine` or `refinery` (default: mine where the series has stages).
    pub stage: Option<String>,
    /// Default: USGS MCS when it has the commodity, else the 1970–2015 series.
    pub series: Option<ProductionSeries>,
    pub shocks: Vec<Shock>,
    pub redirects: Vec<Redirect>,
    /// The year of the CAHRA verdicts (default: see the module doc).
    pub cahra_year: Option<i32>,
}

/// A producer's output × (1 + change) (−1 stops it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shock {
    pub iso3: String,
    pub commodity: String,
    pub change: f64,
}

/// A buyer's offtake of a fraction of a producer's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Redirect {
    pub iso3: String,
    pub commodity: String,
    pub buyer: String,
    pub fraction: f64,
}

/// What the assessment reads: the store's tables and their sources, the EU's tables, the
/// supply-risk inputs.
#[derive(Debug, Clone, Copy)]
pub struct SupplyData<'a> {
    pub dataset: &'a Dataset,
    pub sources: &'a [SourceReport],
    pub eu: &'a EuCrmTables,
    pub inputs: &'a SupplyInputs,
}

/// One input of the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRef {
    /// A path, or `bundled:…` / `config/supply.toml (embedded)`.
    pub path: String,
    pub what: String,
    pub sha256: Option<String>,
}

/// Where an answer comes from and with what.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Provenance {
    pub method: String,
    pub sources: Vec<SourceRef>,
    /// Parameters as used, defaults resolved (name → value).
    pub parameters: BTreeMap<String, String>,
    /// What the data cover (production years, event coverage), in words.
    pub coverage: Vec<String>,
    pub warnings: Vec<String>,
}

/// The answer with the request and its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyAssessment {
    pub request: SupplyRequest,
    pub provenance: Provenance,
    #[serde(flatten)]
    pub answer: SupplyAnswer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SupplyAnswer {
    Market(Box<MarketAssessment>),
    All(AllAssessment),
    OverTime(OverTimeAssessment),
    EuCheck(Box<EuCheckAssessment>),
}

// ---- market ----

/// The market's identification and the notes on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketMetadata {
    pub series: String,
    pub commodity: String,
    pub stage: Option<String>,
    pub year: i32,
    pub unit: String,
    pub world_row: Option<super::WorldCheck>,
    pub notes: Vec<String>,
    pub inputs: String,
    pub cahra: CahraStatus,
}

/// One country of a market.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryRow {
    pub iso3: String,
    pub country: String,
    pub quantity: f64,
    pub unit: String,
    pub share: f64,
    pub estimated: bool,
    pub wgi_scaled: Option<f64>,
    pub wgi_year: Option<i32>,
    /// The country's CAHRA verdict in the CAHRA year ("not screened" without one).
    pub cahra: String,
}

/// The indices of one market.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indices {
    pub hhi: HhiRange,
    pub band_low: String,
    pub band_high: String,
    pub note_2023: Option<String>,
    pub hhi_wgi: GovernanceWeighted,
    pub mali_share: f64,
    pub sahel_share: f64,
    pub other_share: f64,
    pub total: f64,
    pub supply_risk: SupplyRisk,
}

/// The EU supply risk of a market's stage from its production and the EU's other inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SupplyRisk {
    Computed {
        low: f64,
        high: f64,
        economic_importance_low: f64,
        economic_importance_high: f64,
        critical_low: bool,
        critical_high: bool,
        stage: EuStage,
        basis: SupplyBasis,
        /// HHI_WGI,t of global supply (the market, t from Appendix 7) and of EU sourcing.
        global: (f64, f64),
        eu_sourcing: Option<(f64, f64)>,
        /// How the inputs were taken, in words.
        notes: Vec<String>,
        source: String,
    },
    NotComputed {
        missing: Vec<String>,
    },
}

/// After the shocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShockResult {
    pub shocks: Vec<Shock>,
    pub lost_fraction_of_world_supply: f64,
    pub indices: Indices,
    pub shares: Vec<CountryRow>,
}

/// An offtake's volume and share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedirectResult {
    pub from: String,
    pub buyer: String,
    pub fraction: f64,
    pub secured_volume: f64,
    pub unit: String,
    pub share_of_world_supply: f64,
    pub note: String,
}

/// SR of every stage with figures, and the bottleneck (the highest upper bound).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRisks {
    pub stages: Vec<StageRisk>,
    pub bottleneck: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRisk {
    pub stage: String,
    pub low: f64,
    pub high: f64,
}

/// Whether the CAHRA exposure was assessed (`assessed` is false, then true), and on what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CahraStatus {
    NotAssessed {
        assessed: bool,
        why: String,
    },
    Assessed {
        assessed: bool,
        source: EventSource,
        coverage_start: chrono::NaiveDate,
        coverage_end: chrono::NaiveDate,
        cahra_year: i32,
        rules: String,
        carried_forward: bool,
        method: String,
    },
}

/// A producer's screening detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerVerdict {
    pub iso3: String,
    pub verdict: Verdict,
    pub basis: String,
    pub units: usize,
    pub flagged_units: Vec<String>,
    pub flagged_area_share: f64,
    pub fired: Vec<String>,
}

/// The CAHRA exposure with the screened producers' details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CahraView {
    pub exposure: CahraExposure,
    pub producers: Vec<ProducerVerdict>,
}

/// One market, assessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketAssessment {
    pub metadata: MarketMetadata,
    pub market: Market,
    pub countries: Vec<CountryRow>,
    pub indices: Indices,
    pub shock: Option<ShockResult>,
    pub redirects: Vec<RedirectResult>,
    pub supply_risk_by_stage: Option<StageRisks>,
    pub cahra_exposure: Option<CahraView>,
    /// The EU's own view of the commodity (None: no EU inputs for it).
    pub eu: Option<EuView>,
}

/// The published figures of one EU assessment (Annex 4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuYear {
    /// The material (a material merged into this one in 2023 keeps its own name).
    pub material: String,
    pub year: i32,
    pub supply_risk: Option<f64>,
    pub economic_importance: Option<f64>,
}

/// SR recomputed at one stage from the EU's 2023 inputs ([`WgiRule::default`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuRecomputed {
    pub stage: EuStage,
    pub published: Option<f64>,
    pub recomputed: Option<f64>,
    pub within_tolerance: bool,
    pub missing: Vec<String>,
}

/// SR of one stage now, and with Mali's output stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuNow {
    pub stage: EuStage,
    /// The store's market it is computed from (series, stage, year).
    pub market_year: i32,
    pub production_stage: String,
    pub supply_risk: SupplyRisk,
    pub mali_share: f64,
    /// SR with Mali's output stopped (None: Mali is no listed producer).
    pub without_mali: Option<SupplyRisk>,
    /// SR after the request's shocks (None: no shocks).
    pub after_shocks: Option<SupplyRisk>,
    /// SR with each unverified input at its alternative value.
    pub alternatives: Vec<AlternativeRisk>,
}

/// SR with one unverified input replaced by the other transcription's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlternativeRisk {
    pub input: String,
    pub value: f64,
    pub why: String,
    pub supply_risk: SupplyRisk,
}

/// The EU's view of a commodity: published, recomputed, now and with Mali.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuView {
    pub material: String,
    pub note: Option<String>,
    pub stage: Option<EuStage>,
    pub supply_risk: Option<Cited>,
    pub economic_importance: Option<Cited>,
    /// "critical", "not critical", or "critical or not, depending on …" for ranges.
    pub criticality: String,
    pub published_by_stage: Vec<(EuStage, Option<Cited>)>,
    /// The inputs of each stage, as cited.
    pub inputs: Vec<(EuStage, StageInputs)>,
    /// Annex 4: every assessment since 2011.
    pub history: Vec<EuYear>,
    pub recomputed: Vec<EuRecomputed>,
    pub now: Vec<EuNow>,
    /// Stages with EU inputs but no figures in the store, in words.
    pub not_now: Vec<String>,
    /// The citations of the values shown, each once.
    pub sources: Vec<String>,
    /// Plain statements the numbers need (what the processing stage does not see, what an
    /// offtake does not change).
    pub statements: Vec<String>,
}

// ---- all, over time, EU check ----

/// One line per commodity (× stage) of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub commodity: String,
    pub stage: Option<String>,
    pub year: i32,
    pub unit: String,
    pub hhi_low: f64,
    pub hhi_high: f64,
    pub band: String,
    pub hhi_wgi_low: f64,
    pub hhi_wgi_high: f64,
    /// `0.41–0.44`, or `needs inputs`.
    pub supply_risk: String,
    pub mali_share: f64,
    pub sahel_share: f64,
    pub cahra_year: Option<i32>,
    pub cahra_flagged_low: Option<f64>,
    pub cahra_flagged_high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllMetadata {
    pub command: String,
    pub series: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllAssessment {
    pub metadata: AllMetadata,
    pub commodities: Vec<SummaryRow>,
    /// Markets that could not be formed (mixed units, …), with why.
    pub skipped: Vec<String>,
}

/// One year of one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearRow {
    pub series: String,
    pub year: i32,
    pub unit: String,
    pub mali_share: f64,
    pub sahel_share: f64,
    pub hhi_low: f64,
    pub hhi_high: f64,
    /// Share from countries flagged by the CAHRA screening of the same year (None: the year
    /// is not entirely inside the event source's coverage).
    pub cahra_flagged_low: Option<f64>,
    pub cahra_flagged_high: Option<f64>,
    pub mali_cahra: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverTimeMetadata {
    pub command: String,
    pub commodity: String,
    pub stage: Option<String>,
    pub series: String,
    pub cahra: Option<OverTimeCahra>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverTimeCahra {
    pub source: EventSource,
    pub coverage_start: chrono::NaiveDate,
    pub coverage_end: chrono::NaiveDate,
    pub years: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverTimeAssessment {
    pub metadata: OverTimeMetadata,
    pub years: Vec<YearRow>,
}

/// The reproduction with the reader's notes on the tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuCheckAssessment {
    pub check: EuCheck,
    /// Published EI per material (the results table), for the criticality picture.
    pub economic_importance: Vec<(String, Option<f64>)>,
    pub table_notes: Vec<String>,
}

// ---- the screening ----

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

    fn not_assessed(&self, market_year: i32) -> String {
        format!(
            "{market_year} precedes the {} coverage ({} to {})",
            self.filter.source.as_str(),
            self.coverage.start,
            self.coverage.end
        )
    }
}

// ---- the assessment ----

pub const METHOD: &str = "shares of listed countries + Other countries; HHI 0–10,000 (range for \
    Other countries); HHI_WGI = Σ s² · (5 − 2·mean WGI, clamped 0–10) · t (JRC 2017); EU supply \
    risk SR = [HHI_WGI,t(global) · IR/2 + HHI_WGI,t(EU) · (1 − IR/2)] · (1 − EoL_RIR) · SI_SR \
    (Blengini et al. 2017); orewatch_core::analysis::supply";

/// Answers a supply request.
pub fn assess(
    request: &SupplyRequest,
    data: &SupplyData,
) -> Result<SupplyAssessment, AnalysisError> {
    let mut provenance = Provenance {
        method: METHOD.to_string(),
        ..Provenance::default()
    };
    let answer = match &request.question {
        SupplyQuestion::EuCheck { wgi } => {
            if data.dataset.governance.is_empty() {
                return Err(AnalysisError::Data(
                    "the store holds no WGI figures: ingest ../shared/data/governance".into(),
                ));
            }
            provenance.parameters.insert("wgi".into(), wgi.describe());
            provenance.sources.extend(eu_sources(data.eu));
            provenance
                .sources
                .extend(store_sources(data.sources, &["wgi"]));
            provenance.warnings.extend(data.eu.notes.iter().cloned());
            let check = eu_check(
                data.eu,
                &data.dataset.governance,
                *wgi,
                &data.inputs.alternatives(),
            );
            SupplyAnswer::EuCheck(Box::new(EuCheckAssessment {
                economic_importance: data
                    .eu
                    .results
                    .iter()
                    .map(|r| (r.material.clone(), r.economic_importance))
                    .collect(),
                table_notes: data.eu.notes.clone(),
                check,
            }))
        }
        question => {
            if data.dataset.production.is_empty() {
                return Err(AnalysisError::Data(
                    "the store holds no production figures: ingest ../shared/data/production"
                        .into(),
                ));
            }
            let basis = CahraBasis::of(data.dataset, data.sources, request.event_source)?;
            provenance.sources.extend(store_sources(
                data.sources,
                &["production", "usgs_mcs", "wgi"],
            ));
            provenance.sources.push(SourceRef {
                path: data.inputs.origin.clone(),
                what: "EU supply-risk inputs".into(),
                sha256: None,
            });
            provenance.sources.extend(eu_sources(data.eu));
            if let Some(b) = &basis {
                provenance.coverage.push(format!(
                    "{} events: stated coverage {} to {}",
                    b.filter.source.as_str(),
                    b.coverage.start,
                    b.coverage.end
                ));
            } else {
                provenance
                    .warnings
                    .push("the store holds no events: the CAHRA exposure is not assessed".into());
            }
            match question {
                SupplyQuestion::Market(m) => SupplyAnswer::Market(Box::new(market_assessment(
                    m,
                    data,
                    basis.as_ref(),
                    &mut provenance,
                )?)),
                SupplyQuestion::All { series, year } => SupplyAnswer::All(all_assessment(
                    series.unwrap_or(ProductionSeries::UsgsMcs),
                    *year,
                    data,
                    basis.as_ref(),
                )?),
                SupplyQuestion::OverTime { commodity, stage } => {
                    SupplyAnswer::OverTime(over_time_assessment(
                        &commodity.to_lowercase(),
                        stage.as_deref(),
                        data,
                        basis.as_ref(),
                    )?)
                }
                SupplyQuestion::EuCheck { .. } => unreachable!("answered above"),
            }
        }
    };
    Ok(SupplyAssessment {
        request: request.clone(),
        provenance,
        answer,
    })
}

fn eu_sources(eu: &EuCrmTables) -> Vec<SourceRef> {
    eu.files
        .iter()
        .map(|f| SourceRef {
            path: f.path.clone(),
            what: format!("EU CRM 2023 Final Report, {}", f.table),
            sha256: Some(f.sha256.clone()),
        })
        .collect()
}

fn store_sources(sources: &[SourceReport], kinds: &[&str]) -> Vec<SourceRef> {
    sources
        .iter()
        .filter(|s| kinds.iter().any(|k| s.kind.contains(k)))
        .map(|s| SourceRef {
            path: s.path.clone(),
            what: format!("{} ({})", s.kind, s.layout),
            sha256: Some(s.sha256.clone()),
        })
        .collect()
}

/// The name of a production series as the outputs print it.
pub fn series_name(s: ProductionSeries) -> &'static str {
    match s {
        ProductionSeries::UsgsMcs => "USGS Mineral Commodity Summaries",
        ProductionSeries::Owid1970_2015 => "OWID 1970–2015 (Clio-Infra/USGS, BGS)",
    }
}

fn commodities(dataset: &Dataset, series: ProductionSeries) -> Vec<String> {
    let set: BTreeSet<&str> = dataset
        .production
        .iter()
        .filter(|r| r.series == series)
        .map(|r| r.commodity.as_str())
        .collect();
    set.into_iter().map(str::to_string).collect()
}

fn default_stage(dataset: &Dataset, series: ProductionSeries, commodity: &str) -> Option<String> {
    let stages: Vec<&str> = dataset
        .production
        .iter()
        .filter(|r| r.series == series && r.commodity == commodity)
        .filter_map(|r| r.stage.as_deref())
        .collect();
    if stages.contains(&"mine") {
        Some("mine".into())
    } else {
        stages.first().map(|s| s.to_string())
    }
}

/// The latest year with figures of a commodity (and stage) in a series.
pub fn latest_year(
    dataset: &Dataset,
    series: ProductionSeries,
    commodity: &str,
    stage: Option<&str>,
) -> Option<i32> {
    dataset
        .production
        .iter()
        .filter(|r| {
            r.series == series
                && r.commodity == commodity
                && (stage.is_none() || r.stage.as_deref() == stage)
                && r.quantity.is_some()
        })
        .map(|r| r.year)
        .max()
}

fn market_assessment(
    req: &MarketRequest,
    data: &SupplyData,
    basis: Option<&CahraBasis>,
    provenance: &mut Provenance,
) -> Result<MarketAssessment, AnalysisError> {
    let dataset = data.dataset;
    let commodity = req.commodity.to_lowercase();
    let series = req.series.unwrap_or_else(|| {
        if dataset
            .production
            .iter()
            .any(|r| r.series == ProductionSeries::UsgsMcs && r.commodity == commodity)
        {
            ProductionSeries::UsgsMcs
        } else {
            ProductionSeries::Owid1970_2015
        }
    });
    let stage = req
        .stage
        .clone()
        .or_else(|| default_stage(dataset, series, &commodity));
    let year = match req.year {
        Some(y) => y,
        None => latest_year(dataset, series, &commodity, stage.as_deref()).ok_or_else(|| {
            let there = commodities(dataset, series);
            AnalysisError::Data(format!(
                "no {commodity} figures in the {} series; commodities there: {}",
                series_name(series),
                if there.is_empty() {
                    "none".to_string()
                } else {
                    there.join(", ")
                }
            ))
        })?,
    };
    provenance
        .parameters
        .insert("series".into(), series_name(series).into());
    provenance
        .parameters
        .insert("year".into(), year.to_string());
    if let Some(s) = &stage {
        provenance.parameters.insert("stage".into(), s.clone());
    }
    let market = Market::from_records(
        &dataset.production,
        series,
        &commodity,
        stage.as_deref(),
        year,
    )?;
    let inputs = data.inputs.commodity(&commodity);
    let indices = indices_of(&market, data, inputs);
    let by_stage = risk_by_stage(&market, data, inputs)?;

    let (cahra_status, cahra) = match basis {
        None => (
            CahraStatus::NotAssessed {
                assessed: false,
                why: "the store holds no events".into(),
            },
            None,
        ),
        Some(b) => match b.year_for(market.year, req.cahra_year, dataset)? {
            None => (
                CahraStatus::NotAssessed {
                    assessed: false,
                    why: b.not_assessed(market.year),
                },
                None,
            ),
            Some(y) => {
                let screening = b.screen(dataset, &[y])?;
                let exposure = cahra_exposure(&market, &screening.verdicts(y), y);
                (
                    CahraStatus::Assessed {
                        assessed: true,
                        source: b.filter.source,
                        coverage_start: b.coverage.start,
                        coverage_end: b.coverage.end,
                        cahra_year: y,
                        rules: "config/cahra.toml (embedded default)".into(),
                        carried_forward: y != market.year,
                        method: "country verdict = highest of its admin-1 regions' verdicts, or \
                                 the country screened as one unit where no admin-1 regions are \
                                 loaded (orewatch_core::analysis::cahra_countries); flagged share \
                                 = conflict-affected + high-risk, upper bound adds insufficient \
                                 data, not screened and Other countries"
                            .into(),
                    },
                    Some(cahra_view(&screening, exposure, &market)),
                )
            }
        },
    };
    let verdicts: BTreeMap<String, Verdict> = cahra
        .as_ref()
        .map(|c| {
            c.exposure
                .producers
                .iter()
                .filter_map(|(k, _, v)| v.map(|v| (k.clone(), v)))
                .collect()
        })
        .unwrap_or_default();
    let countries = country_rows(&market, data, &verdicts);

    let mut after = market.clone();
    for s in &req.shocks {
        if s.commodity.to_lowercase() != commodity {
            return Err(AnalysisError::Data(format!(
                "shock {}:{}:{}: the commodity is {commodity}, not {}",
                s.iso3, s.commodity, s.change, s.commodity
            )));
        }
        after = after.shocked(&s.iso3.to_uppercase(), s.change)?;
    }
    let shock = (!req.shocks.is_empty()).then(|| ShockResult {
        shocks: req.shocks.clone(),
        lost_fraction_of_world_supply: (market.total() - after.total()) / market.total(),
        indices: indices_of(&after, data, inputs),
        shares: country_rows(&after, data, &verdicts),
    });
    let mut redirects = Vec::new();
    for r in &req.redirects {
        if r.commodity.to_lowercase() != commodity {
            return Err(AnalysisError::Data(format!(
                "redirect {}:{}:{}:{}: the commodity is {commodity}, not {}",
                r.iso3, r.commodity, r.buyer, r.fraction, r.commodity
            )));
        }
        let (volume, share) = offtake(&market, &r.iso3.to_uppercase(), r.fraction)?;
        redirects.push(RedirectResult {
            from: r.iso3.to_uppercase(),
            buyer: r.buyer.to_uppercase(),
            fraction: r.fraction,
            secured_volume: volume,
            unit: market.unit.clone(),
            share_of_world_supply: share,
            note: "consumption is not in the store: the buyer's needs are not assessed".into(),
        });
    }
    let eu = inputs
        .filter(|i| i.eu_material.is_some())
        .map(|i| eu_view(i, &market, data, &after, req))
        .transpose()?;
    Ok(MarketAssessment {
        metadata: MarketMetadata {
            series: series_name(series).into(),
            commodity,
            stage,
            year,
            unit: market.unit.clone(),
            world_row: market.world.clone(),
            notes: market.notes.clone(),
            inputs: data.inputs.origin.clone(),
            cahra: cahra_status,
        },
        countries,
        indices,
        shock,
        redirects,
        supply_risk_by_stage: by_stage,
        cahra_exposure: cahra,
        eu,
        market,
    })
}

fn cahra_view(screening: &CountryScreening, exposure: CahraExposure, market: &Market) -> CahraView {
    let producers = market
        .producers
        .iter()
        .filter_map(|p| {
            screening
                .countries
                .iter()
                .find(|c| c.country_iso3 == p.key && c.year == exposure.cahra_year)
        })
        .map(|c| ProducerVerdict {
            iso3: c.country_iso3.clone(),
            verdict: c.verdict,
            basis: c.basis.as_str().to_string(),
            units: c.units,
            flagged_units: c.flagged_units.clone(),
            flagged_area_share: c.flagged_area_share,
            fired: c
                .fired
                .iter()
                .map(|f| format!("{} ({}): {}", f.rule, f.scope, f.detail))
                .collect(),
        })
        .collect();
    CahraView {
        exposure,
        producers,
    }
}

fn country_rows(
    market: &Market,
    data: &SupplyData,
    verdicts: &BTreeMap<String, Verdict>,
) -> Vec<CountryRow> {
    market
        .producers
        .iter()
        .zip(market.shares())
        .map(|(p, share)| {
            let g = governance_for(&data.dataset.governance, &p.key, market.year);
            CountryRow {
                iso3: p.key.clone(),
                country: p.name.clone(),
                quantity: p.quantity,
                unit: market.unit.clone(),
                share,
                estimated: p.estimated,
                wgi_scaled: g.map(|(_, w)| w),
                wgi_year: g.map(|(y, _)| y),
                cahra: verdicts
                    .get(&p.key)
                    .map_or("not screened", |v| v.as_str())
                    .to_string(),
            }
        })
        .collect()
}

/// The EU material and stage of a market (None: no EU inputs, or a stage the EU does not name).
fn eu_stage_of(market: &Market) -> Option<EuStage> {
    market
        .stage
        .as_deref()
        .map_or(Some(EuStage::Extraction), EuStage::of_production_stage)
}

fn indices_of(market: &Market, data: &SupplyData, inputs: Option<&CommodityInputs>) -> Indices {
    let hhi = market.hhi();
    // HHI_WGI with t = 1 (the EU's t enters the supply risk below).
    let hhi_wgi = governance_weighted(market, &data.dataset.governance, &|_| 1.0);
    Indices {
        band_low: hhi_band(hhi.low).into(),
        band_high: hhi_band(hhi.high).into(),
        note_2023: hhi_band_2023_note(hhi.high).map(str::to_string),
        hhi,
        mali_share: market.share_of("MLI"),
        sahel_share: market.sahel_share(),
        other_share: market.other_share(),
        total: market.total(),
        supply_risk: risk_of(market, data, inputs),
        hhi_wgi,
    }
}

/// `lo–hi` of an optional cited value, or the missing key.
fn range_of(c: &Option<Cited>, key: &str, missing: &mut Vec<String>) -> (f64, f64) {
    match c {
        Some(c) => (c.low, c.high),
        None => {
            missing.push(key.to_string());
            (0.0, 0.0)
        }
    }
}

/// SR over the corners of the input ranges (SR rises with HHI_WGI,t and SI_SR and falls with
/// EoL-RIR; IR moves it either way, so both ends are tried).
fn sr_range(
    basis: SupplyBasis,
    global: (f64, f64),
    eu: (f64, f64),
    ir: (f64, f64),
    eol: (f64, f64),
    si: (f64, f64),
) -> (f64, f64) {
    let at = |g: f64, e: f64, ir: f64, eol: f64, si: f64| {
        let inputs = RiskInputs {
            import_reliance: ir,
            eol_rir: eol,
            substitution: si,
        };
        match basis {
            SupplyBasis::GlobalAndEu => supply_risk(g, e, &inputs),
            SupplyBasis::GlobalOnly => supply_risk(g, g, &inputs),
            SupplyBasis::EuOnly => supply_risk(e, e, &inputs),
        }
    };
    let low = at(global.0, eu.0, ir.0, eol.1, si.0).min(at(global.0, eu.0, ir.1, eol.1, si.0));
    let high = at(global.1, eu.1, ir.0, eol.0, si.1).max(at(global.1, eu.1, ir.1, eol.0, si.1));
    (low, high)
}

/// t of a country in Appendix 7's global table for the material and stage (1 when not listed).
fn trade_variable(eu: &EuCrmTables, material: &str, stage: EuStage, iso3: &str) -> Option<f64> {
    EuCrmTables::shares(&eu.global, material, stage)
        .find(|s| s.iso3 == iso3)
        .map(|s| s.t)
}

/// HHI_WGI,t of the EU's sourcing at a stage (latest WGI ≤ `year`); the unlisted rest of the
/// sourcing counts 0 … 10 × rest².
fn eu_sourcing_concentration(
    sourcing: &EuSourcing,
    eu: &EuCrmTables,
    material: &str,
    stage: EuStage,
    wgi: &WgiTable,
    year: i32,
) -> Result<WeightedConcentration, String> {
    let rows: Vec<EuShare> = match sourcing {
        EuSourcing::Appendix7 => EuCrmTables::shares(&eu.eu_sourcing, material, stage)
            .cloned()
            .collect(),
        EuSourcing::Listed { shares, .. } => shares
            .iter()
            .map(|(iso3, s)| EuShare {
                material: material.to_string(),
                stage,
                country: iso3.clone(),
                iso3: iso3.clone(),
                share: crate::model::ShareValue::Exact(*s),
                t: EuCrmTables::shares(&eu.eu_sourcing, material, stage)
                    .find(|r| &r.iso3 == iso3)
                    .map_or(1.0, |r| r.t),
                line: 0,
            })
            .collect(),
    };
    if rows.is_empty() {
        return Err(format!(
            "EU sourcing shares of {material} at {} (Appendix 7 has none)",
            stage.as_str()
        ));
    }
    let mut w = hhi_wgi_t(&rows, &|iso3: &str| {
        wgi.scaled(iso3, WgiRule::LatestUpTo { year })
    });
    let rest = (1.0 - w.share_sum_low).max(0.0);
    w.high += rest * rest * 10.0;
    Ok(w)
}

/// The EU supply risk of a market's stage: the market's shares with Appendix 7's t and the
/// latest WGI ≤ the market year as global supply, the EU's sourcing, IR, EoL-RIR and SI_SR of
/// `config/supply.toml`, EI for the criticality test.
fn risk_of(market: &Market, data: &SupplyData, inputs: Option<&CommodityInputs>) -> SupplyRisk {
    let Some(c) = inputs else {
        return SupplyRisk::NotComputed {
            missing: vec![format!(
                "EU inputs for {} (none in {})",
                market.commodity, data.inputs.origin
            )],
        };
    };
    let Some(stage) = eu_stage_of(market) else {
        return SupplyRisk::NotComputed {
            missing: vec![format!(
                "an EU stage for the {} stage",
                market.stage.as_deref().unwrap_or("-")
            )],
        };
    };
    let Some(s) = c.stage(stage) else {
        return SupplyRisk::NotComputed {
            missing: vec![format!(
                "EU inputs for {} at {}",
                c.commodity,
                stage.as_str()
            )],
        };
    };
    stage_risk(market, data, c, stage, s)
}

fn stage_risk(
    market: &Market,
    data: &SupplyData,
    c: &CommodityInputs,
    stage: EuStage,
    s: &StageInputs,
) -> SupplyRisk {
    let mut missing: Vec<String> = s.missing().into_iter().map(str::to_string).collect();
    let ei = range_of(&c.economic_importance, "economic_importance", &mut missing);
    let material = c.eu_material.clone().unwrap_or_else(|| c.commodity.clone());
    let (Some(basis), true) = (s.basis.as_ref().map(|b| b.basis), missing.is_empty()) else {
        return SupplyRisk::NotComputed { missing };
    };
    let mut none = Vec::new();
    let ir = range_of(&s.import_reliance, "", &mut none);
    let eol = range_of(&s.eol_rir, "", &mut none);
    let si = range_of(&s.substitution, "", &mut none);
    let wgi = WgiTable::new(&data.dataset.governance);
    let mut notes = Vec::new();
    let listed_t: Vec<&str> = market
        .producers
        .iter()
        .filter(|p| trade_variable(data.eu, &material, stage, &p.key).is_some())
        .map(|p| p.key.as_str())
        .collect();
    notes.push(format!(
        "t from Appendix 7 for {} of {} producers, 1 for the rest",
        listed_t.len(),
        market.producers.len()
    ));
    let g = governance_weighted(market, &data.dataset.governance, &|iso3| {
        trade_variable(data.eu, &material, stage, iso3).unwrap_or(1.0)
    });
    if !g.missing.is_empty() {
        notes.push(format!("no WGI for {}: counted 0–10", g.missing.join(", ")));
    }
    let (_, need_eu) = needs(basis, ir.1);
    let e = if need_eu {
        let Some(sourcing) = &s.eu_sourcing else {
            return SupplyRisk::NotComputed {
                missing: vec!["eu_sourcing".into()],
            };
        };
        match eu_sourcing_concentration(sourcing, data.eu, &material, stage, &wgi, market.year) {
            Ok(w) => Some((w.low, w.high)),
            Err(m) => return SupplyRisk::NotComputed { missing: vec![m] },
        }
    } else {
        None
    };
    let (low, high) = sr_range(basis, (g.low, g.high), e.unwrap_or((0.0, 0.0)), ir, eol, si);
    let mut sources: Vec<String> = Vec::new();
    for cited in [
        &s.import_reliance,
        &s.eol_rir,
        &s.substitution,
        &c.economic_importance,
    ]
    .into_iter()
    .flatten()
    {
        if !sources.contains(&cited.source) {
            sources.push(cited.source.clone());
        }
    }
    if let Some(EuSourcing::Listed { source, .. }) = &s.eu_sourcing {
        sources.push(source.clone());
    }
    SupplyRisk::Computed {
        low,
        high,
        economic_importance_low: ei.0,
        economic_importance_high: ei.1,
        critical_low: is_critical(low, ei.0),
        critical_high: is_critical(high, ei.1),
        stage,
        basis,
        global: (g.low, g.high),
        eu_sourcing: e,
        notes,
        source: sources.join("; "),
    }
}

/// SR of every stage of the market's series, commodity and year (None unless at least two
/// stages have figures and SR is computed for each).
fn risk_by_stage(
    market: &Market,
    data: &SupplyData,
    inputs: Option<&CommodityInputs>,
) -> Result<Option<StageRisks>, AnalysisError> {
    let stages: BTreeSet<String> = data
        .dataset
        .production
        .iter()
        .filter(|r| {
            r.series == market.series
                && r.commodity.eq_ignore_ascii_case(&market.commodity)
                && r.year == market.year
                && r.quantity.is_some()
        })
        .filter_map(|r| r.stage.clone())
        .collect();
    if stages.len() < 2 {
        return Ok(None);
    }
    let mut out = Vec::new();
    for stage in stages {
        let m = Market::from_records(
            &data.dataset.production,
            market.series,
            &market.commodity,
            Some(&stage),
            market.year,
        )?;
        match risk_of(&m, data, inputs) {
            SupplyRisk::Computed { low, high, .. } => out.push(StageRisk { stage, low, high }),
            SupplyRisk::NotComputed { .. } => return Ok(None),
        }
    }
    let bottleneck = out
        .iter()
        .max_by(|a, b| a.high.total_cmp(&b.high))
        .map(|s| s.stage.clone())
        .unwrap_or_default();
    Ok(Some(StageRisks {
        stages: out,
        bottleneck,
    }))
}

/// `critical`, `not critical` or the range case, from SR and EI (possibly ranges).
fn criticality(sr: Option<&Cited>, ei: Option<&Cited>) -> String {
    match (sr, ei) {
        (Some(sr), Some(ei)) => {
            let (low, high) = (is_critical(sr.low, ei.low), is_critical(sr.high, ei.high));
            match (low, high) {
                (true, true) => "critical (SR ≥ 1 and EI ≥ 2.8)".into(),
                (false, false) => "not critical (the thresholds are SR ≥ 1 and EI ≥ 2.8)".into(),
                _ => "critical or not, depending on which transcription holds".into(),
            }
        }
        _ => "criticality unknown: SR or EI missing".into(),
    }
}

fn eu_view(
    c: &CommodityInputs,
    market: &Market,
    data: &SupplyData,
    after: &Market,
    req: &MarketRequest,
) -> Result<EuView, AnalysisError> {
    let material = c.eu_material.clone().unwrap_or_default();
    let history = data
        .eu
        .history_with_merged(&material, crate::ingest::eu_crm::MERGED_IN_2023)
        .into_iter()
        .map(|s| EuYear {
            material: s.material.clone(),
            year: s.year,
            supply_risk: s.supply_risk,
            economic_importance: s.economic_importance,
        })
        .collect();
    let published_by_stage = [EuStage::Extraction, EuStage::Processing]
        .into_iter()
        .filter_map(|st| c.stage(st).map(|s| (st, s.supply_risk.clone())))
        .collect();
    let stage_inputs = [EuStage::Extraction, EuStage::Processing]
        .into_iter()
        .filter_map(|st| c.stage(st).map(|s| (st, s.clone())))
        .collect();
    // SR recomputed from the 2023 inputs at each stage the results table gives.
    let rows = check_stages(
        data.eu,
        &material,
        &data.dataset.governance,
        WgiRule::default(),
        &data.inputs.alternatives(),
    );
    let recomputed = rows
        .iter()
        .filter_map(|r| {
            Some(EuRecomputed {
                stage: r.stage?,
                published: r.published_sr,
                recomputed: r.recomputed_sr,
                within_tolerance: matches!((r.recomputed_sr, r.published_sr), (Some(x), Some(p)) if is_hit(x, p)),
                missing: r.missing.clone(),
            })
        })
        .collect();
    // Now: the store's latest markets of each EU stage the inputs give.
    let mut now = Vec::new();
    let mut not_now = Vec::new();
    for stage in [EuStage::Extraction, EuStage::Processing] {
        let Some(s) = c.stage(stage) else {
            continue;
        };
        let production_stage = stage.production_stage();
        let m = if market.stage.as_deref() == Some(production_stage)
            || (market.stage.is_none() && stage == EuStage::Extraction)
        {
            Some(market.clone())
        } else {
            // The market's year when the stage has figures then, else the stage's latest.
            let same_year = Market::from_records(
                &data.dataset.production,
                market.series,
                &market.commodity,
                Some(production_stage),
                market.year,
            );
            same_year.ok().or_else(|| {
                let y = latest_year(
                    data.dataset,
                    market.series,
                    &market.commodity,
                    Some(production_stage),
                )?;
                Market::from_records(
                    &data.dataset.production,
                    market.series,
                    &market.commodity,
                    Some(production_stage),
                    y,
                )
                .ok()
            })
        };
        let Some(m) = m else {
            not_now.push(format!(
                "{}: no {} {production_stage} figures in the store ({} series)",
                stage.as_str(),
                market.commodity,
                series_name(market.series)
            ));
            continue;
        };
        let supply_risk = stage_risk(&m, data, c, stage, s);
        let without_mali = m
            .producers
            .iter()
            .any(|p| p.key == "MLI" && p.quantity > 0.0)
            .then(|| m.shocked("MLI", -1.0))
            .transpose()?
            .map(|stopped| stage_risk(&stopped, data, c, stage, s));
        let after_shocks = (!req.shocks.is_empty() && m.stage == market.stage)
            .then(|| stage_risk(after, data, c, stage, s));
        let mut alternatives = Vec::new();
        for name in ["import_reliance", "eol_rir", "substitution"] {
            let mut changed = s.clone();
            let field = match name {
                "import_reliance" => &mut changed.import_reliance,
                "eol_rir" => &mut changed.eol_rir,
                _ => &mut changed.substitution,
            };
            let Some(cited) = field.as_mut() else {
                continue;
            };
            let Some(value) = cited.alternative else {
                continue;
            };
            let why = cited.unverified.clone().unwrap_or_default();
            cited.low = value;
            cited.high = value;
            alternatives.push(AlternativeRisk {
                input: name.to_string(),
                value,
                why,
                supply_risk: stage_risk(&m, data, c, stage, &changed),
            });
        }
        now.push(EuNow {
            stage,
            market_year: m.year,
            production_stage: m.stage.clone().unwrap_or_else(|| "-".into()),
            supply_risk,
            mali_share: m.share_of("MLI"),
            without_mali,
            after_shocks,
            alternatives,
        });
    }
    let mut statements = Vec::new();
    if c.eu_stage == Some(EuStage::Processing) {
        let mali_processing = EuCrmTables::shares(&data.eu.global, &material, EuStage::Processing)
            .any(|s| s.iso3 == "MLI");
        let mali_mines = market.share_of("MLI") > 0.0
            || EuCrmTables::shares(&data.eu.global, &material, EuStage::Extraction)
                .any(|s| s.iso3 == "MLI");
        if !mali_processing {
            statements.push(format!(
                "The EU takes {}'s SR at processing{}: the processing shares count where the ore is refined, and Mali refines none (Appendix 7 lists no Malian processing share), so the processing-stage SR does not see Mali's ore{}.",
                c.commodity,
                c.supply_risk
                    .as_ref()
                    .map(|s| format!(" (published {})", s.text(1)))
                    .unwrap_or_default(),
                if mali_mines {
                    "; Mali's output enters the extraction-stage SR only"
                } else {
                    ""
                }
            ));
        }
    }
    if !req.redirects.is_empty() {
        statements.push(
            "An offtake (--redirect) changes what the buyer secures, not the world's shares: the HHI, HHI_WGI and SR above stay as they are."
                .into(),
        );
    }
    let mut sources: Vec<String> = Vec::new();
    let stage_values = [c.extraction.as_ref(), c.processing.as_ref()]
        .into_iter()
        .flatten()
        .flat_map(|s| {
            [
                &s.import_reliance,
                &s.eol_rir,
                &s.substitution,
                &s.supply_risk,
            ]
        });
    for cited in [&c.supply_risk, &c.economic_importance]
        .into_iter()
        .chain(stage_values)
        .flatten()
    {
        for part in cited.source.split("; ") {
            if !sources.iter().any(|s| s == part) {
                sources.push(part.to_string());
            }
        }
    }
    if let Some(a7) = data.inputs.sources.get("appendix7") {
        if [c.extraction.as_ref(), c.processing.as_ref()]
            .into_iter()
            .flatten()
            .any(|s| s.eu_sourcing == Some(EuSourcing::Appendix7))
            && !sources.contains(a7)
        {
            sources.push(a7.clone());
        }
    }
    Ok(EuView {
        criticality: criticality(c.supply_risk.as_ref(), c.economic_importance.as_ref()),
        not_now,
        sources,
        material,
        note: c.note.clone(),
        stage: c.eu_stage,
        supply_risk: c.supply_risk.clone(),
        economic_importance: c.economic_importance.clone(),
        published_by_stage,
        inputs: stage_inputs,
        history,
        recomputed,
        now,
        statements,
    })
}

// ---- all commodities ----

fn all_assessment(
    series: ProductionSeries,
    year: Option<i32>,
    data: &SupplyData,
    basis: Option<&CahraBasis>,
) -> Result<AllAssessment, AnalysisError> {
    let dataset = data.dataset;
    let keys: BTreeSet<(String, Option<String>)> = dataset
        .production
        .iter()
        .filter(|r| r.series == series)
        .map(|r| (r.commodity.clone(), r.stage.clone()))
        .collect();
    let mut markets = Vec::new();
    let mut skipped = Vec::new();
    for (commodity, stage) in keys {
        let Some(y) = year.or_else(|| latest_year(dataset, series, &commodity, stage.as_deref()))
        else {
            continue;
        };
        match Market::from_records(&dataset.production, series, &commodity, stage.as_deref(), y) {
            Ok(m) => markets.push(m),
            Err(e) => skipped.push(format!("{commodity} {y}: {e}")),
        }
    }
    // One screening for every CAHRA year the markets need.
    let mut cahra_years = BTreeMap::new();
    if let Some(b) = basis {
        for m in &markets {
            if let Some(y) = b.year_for(m.year, None, dataset)? {
                cahra_years.insert(m.year, y);
            }
        }
    }
    let screening = match basis {
        Some(b) if !cahra_years.is_empty() => {
            let years: Vec<i32> = cahra_years
                .values()
                .copied()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            Some(b.screen(dataset, &years)?)
        }
        _ => None,
    };
    let rows = markets
        .iter()
        .map(|market| {
            let exposure = screening.as_ref().and_then(|s| {
                cahra_years
                    .get(&market.year)
                    .map(|&y| cahra_exposure(market, &s.verdicts(y), y))
            });
            let idx = indices_of(market, data, data.inputs.commodity(&market.commodity));
            SummaryRow {
                supply_risk: match &idx.supply_risk {
                    SupplyRisk::Computed { low, high, .. } => range_text(*low, *high, 2),
                    SupplyRisk::NotComputed { .. } => "needs inputs".into(),
                },
                commodity: market.commodity.clone(),
                stage: market.stage.clone(),
                year: market.year,
                unit: market.unit.clone(),
                hhi_low: idx.hhi.low,
                hhi_high: idx.hhi.high,
                band: if idx.band_low == idx.band_high {
                    idx.band_low.clone()
                } else {
                    format!("{} to {}", idx.band_low, idx.band_high)
                },
                hhi_wgi_low: idx.hhi_wgi.low,
                hhi_wgi_high: idx.hhi_wgi.high,
                mali_share: idx.mali_share,
                sahel_share: idx.sahel_share,
                cahra_year: exposure.as_ref().map(|e| e.cahra_year),
                cahra_flagged_low: exposure.as_ref().map(|e| e.flagged_low),
                cahra_flagged_high: exposure.as_ref().map(|e| e.flagged_high),
            }
        })
        .collect();
    Ok(AllAssessment {
        metadata: AllMetadata {
            command: "orewatch supply --all".into(),
            series: series_name(series).into(),
        },
        commodities: rows,
        skipped,
    })
}

/// `low` or `low–high` at `digits` decimals (one number when they round alike).
pub fn range_text(low: f64, high: f64, digits: usize) -> String {
    if (high - low).abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        format!("{low:.digits$}")
    } else {
        format!("{low:.digits$}–{high:.digits$}")
    }
}

// ---- over time ----

/// Every year's market of both series (the 1970–2015 lithium series is gross weight of mixed
/// products, never compared with USGS lithium content, so it is left out).
fn markets_of_both_series(dataset: &Dataset, commodity: &str, stage: Option<&str>) -> Vec<Market> {
    let mut markets = Vec::new();
    for series in [ProductionSeries::Owid1970_2015, ProductionSeries::UsgsMcs] {
        // The 1970–2015 series has no stages; USGS has mine/refinery.
        let stage = match series {
            ProductionSeries::Owid1970_2015 => None,
            ProductionSeries::UsgsMcs => stage,
        };
        if commodity == "lithium" && series == ProductionSeries::Owid1970_2015 {
            continue;
        }
        markets.extend(markets_over_time(
            &dataset.production,
            series,
            commodity,
            stage,
        ));
    }
    markets
}

/// The CAHRA screening of every market year the source covers entirely (None: no events or
/// no such year).
fn screening_of_years(
    markets: &[Market],
    dataset: &Dataset,
    basis: Option<&CahraBasis>,
) -> Result<Option<CountryScreening>, AnalysisError> {
    let Some(b) = basis else {
        return Ok(None);
    };
    let years: BTreeSet<i32> = markets
        .iter()
        .map(|m| m.year)
        .filter(|&y| year_fully_covered(&b.coverage, y))
        .collect();
    if years.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        b.screen(dataset, &years.into_iter().collect::<Vec<_>>())?,
    ))
}

fn over_time_assessment(
    commodity: &str,
    stage: Option<&str>,
    data: &SupplyData,
    basis: Option<&CahraBasis>,
) -> Result<OverTimeAssessment, AnalysisError> {
    let dataset = data.dataset;
    let stage = stage
        .map(str::to_string)
        .or_else(|| default_stage(dataset, ProductionSeries::UsgsMcs, commodity));
    let markets = markets_of_both_series(dataset, commodity, stage.as_deref());
    if markets.is_empty() {
        return Err(AnalysisError::Data(format!(
            "no {commodity} figures in either series"
        )));
    }
    let screening = screening_of_years(&markets, dataset, basis)?;
    let years = year_figures(&markets, screening.as_ref())
        .into_iter()
        .zip(&markets)
        .map(|(f, m)| YearRow {
            series: match f.series {
                ProductionSeries::UsgsMcs => "usgs".into(),
                ProductionSeries::Owid1970_2015 => "owid".into(),
            },
            year: f.year,
            unit: m.unit.clone(),
            mali_share: f.mali_share,
            sahel_share: f.sahel_share,
            hhi_low: f.hhi.low,
            hhi_high: f.hhi.high,
            cahra_flagged_low: f.cahra.as_ref().map(|e| e.flagged_low),
            cahra_flagged_high: f.cahra.as_ref().map(|e| e.flagged_high),
            mali_cahra: f.cahra.as_ref().and_then(|e| {
                e.producers
                    .iter()
                    .find(|(k, _, _)| k == "MLI")
                    .and_then(|(_, _, v)| v.map(|v| v.as_str().to_string()))
            }),
        })
        .collect();
    Ok(OverTimeAssessment {
        metadata: OverTimeMetadata {
            command: "orewatch supply --over-time".into(),
            commodity: commodity.to_string(),
            stage,
            series: "owid (1970–2015) and usgs (2020–) rows, never joined; 2016–2019 missing"
                .into(),
            cahra: basis.map(|b| OverTimeCahra {
                source: b.filter.source,
                coverage_start: b.coverage.start,
                coverage_end: b.coverage.end,
                years: "only years entirely inside the coverage; verdicts of the same year".into(),
            }),
        },
        years,
    })
}

// ---- the brief ----

/// One mineral of the brief's table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefMarket {
    pub market: Market,
    pub hhi: HhiRange,
    pub band: String,
    pub hhi_wgi: GovernanceWeighted,
    pub mali_share: f64,
    pub sahel_share: f64,
    pub cahra: Option<CahraExposure>,
}

/// A commodity's yearly figures in both series, for the brief's history charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefHistory {
    pub commodity: String,
    pub owid: Vec<YearFigures>,
    pub usgs: Vec<YearFigures>,
}

/// A stop of one producer's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    pub commodity: String,
    pub year: i32,
    pub lost_fraction: f64,
    pub hhi_before: HhiRange,
    pub hhi_after: HhiRange,
}

/// An offtake of part of one producer's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offtake {
    pub commodity: String,
    pub year: i32,
    pub fraction: f64,
    pub volume: f64,
    pub unit: String,
    pub share: f64,
}

/// A material of the EU's criticality picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriticalityPoint {
    pub material: String,
    pub supply_risk: f64,
    pub economic_importance: f64,
    pub critical: bool,
    /// One of the deal's minerals (Mali's gold and lithium).
    pub deal: bool,
    /// One of the other minerals of the brief (cobalt, manganese, aluminium/bauxite,
    /// phosphate rock, copper).
    pub brief: bool,
    /// The other transcription's SR and EI where they disagree (Aluminium).
    pub other_transcription: Option<(f64, f64)>,
    /// Annex 4's SR and EI of 2017 and 2020 (None: not assessed then).
    pub y2017: Option<(f64, f64)>,
    pub y2020: Option<(f64, f64)>,
    /// Materials assessed on their own until 2020 and merged into this one in 2023, with their
    /// 2017 and 2020 SR and EI (Bauxite into Aluminium).
    pub merged: Vec<MergedMaterial>,
}

/// A material merged into another in 2023, with its earlier scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedMaterial {
    pub material: String,
    pub y2017: Option<(f64, f64)>,
    pub y2020: Option<(f64, f64)>,
}

/// The EU's criticality picture: SR against EI for every material of the results table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriticalityPicture {
    pub points: Vec<CriticalityPoint>,
    pub sr_threshold: f64,
    pub ei_threshold: f64,
    pub critical_count: usize,
    pub source: String,
}

/// Everything the brief's supply section shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyBrief {
    /// The latest USGS market of every commodity (mine stage; alumina: refinery).
    pub markets: Vec<BriefMarket>,
    pub history: Option<BriefHistory>,
    pub gold_stop: Option<Stop>,
    pub lithium_offtake: Option<Offtake>,
    /// The CAHRA verdicts' source and the last year its events cover entirely.
    pub cahra_source: Option<EventSource>,
    pub cahra_last_full_year: Option<i32>,
    /// Commodities with figures in one series only, with that series' years (see
    /// `one_series_only`).
    pub one_series_only: Vec<String>,
    pub criticality: CriticalityPicture,
    /// Lithium's EU view (SR now and with Mali stopped).
    pub lithium_eu: Option<EuView>,
}

/// The deal's minerals (Mali's gold and lithium) and the brief's other minerals, by the EU's
/// material names.
pub const DEAL_MATERIALS: [&str; 2] = ["Gold", "Lithium"];

/// The criticality picture from the results table and Annex 4.
pub fn criticality_picture(eu: &EuCrmTables, inputs: &SupplyInputs) -> CriticalityPicture {
    let brief: Vec<&str> = inputs
        .commodities
        .values()
        .filter_map(|c| c.eu_material.as_deref())
        .collect();
    let annex = |material: &str, year: i32| {
        eu.history_of(material)
            .into_iter()
            .find(|s| s.year == year)
            .and_then(|s| s.supply_risk.zip(s.economic_importance))
    };
    let points: Vec<CriticalityPoint> = eu
        .results
        .iter()
        .filter_map(|r| {
            let (sr, ei) = r.supply_risk.zip(r.economic_importance)?;
            let other = annex(&r.material, 2023).filter(|o| *o != (sr, ei));
            Some(CriticalityPoint {
                material: r.material.clone(),
                supply_risk: sr,
                economic_importance: ei,
                critical: is_critical(sr, ei),
                deal: DEAL_MATERIALS.contains(&r.material.as_str()),
                brief: brief.contains(&r.material.as_str()),
                other_transcription: other,
                y2017: annex(&r.material, 2017),
                y2020: annex(&r.material, 2020),
                merged: crate::ingest::eu_crm::MERGED_IN_2023
                    .iter()
                    .filter(|(_, into)| *into == r.material)
                    .map(|(m, _)| MergedMaterial {
                        material: m.to_string(),
                        y2017: annex(m, 2017),
                        y2020: annex(m, 2020),
                    })
                    .collect(),
            })
        })
        .collect();
    CriticalityPicture {
        critical_count: points.iter().filter(|p| p.critical).count(),
        points,
        sr_threshold: 1.0,
        ei_threshold: 2.8,
        source: format!(
            "EU CRM 2023 Final Report: results table ({}) and Annex 4 ({})",
            crate::ingest::eu_crm::RESULTS_FILE,
            crate::ingest::eu_crm::ANNEX4_FILE
        ),
    }
}

/// The latest USGS market of a commodity at the mine stage (refinery for alumina).
fn latest_usgs(dataset: &Dataset, commodity: &str) -> Option<Market> {
    let stage = if commodity == "alumina" {
        "refinery"
    } else {
        "mine"
    };
    let year = latest_year(dataset, ProductionSeries::UsgsMcs, commodity, Some(stage))?;
    Market::from_records(
        &dataset.production,
        ProductionSeries::UsgsMcs,
        commodity,
        Some(stage),
        year,
    )
    .ok()
}

/// What the brief's supply section shows (the screening on UCDP GED, when the store has it).
pub fn brief(data: &SupplyData) -> Result<SupplyBrief, AnalysisError> {
    let dataset = data.dataset;
    let has_ged = dataset
        .events
        .iter()
        .any(|e| e.source == EventSource::UcdpGed);
    let basis = if has_ged {
        CahraBasis::of(dataset, data.sources, Some(EventSource::UcdpGed))
            .ok()
            .flatten()
    } else {
        None
    };
    let markets: Vec<Market> = commodities(dataset, ProductionSeries::UsgsMcs)
        .iter()
        .filter_map(|c| latest_usgs(dataset, c))
        .collect();
    let history_markets = markets_of_both_series(dataset, "gold", Some("mine"));
    // One screening: the verdict years of the latest markets and the covered history years.
    let mut years: BTreeSet<i32> = BTreeSet::new();
    if let Some(b) = &basis {
        for m in &markets {
            if let Some(y) = b.year_for(m.year, None, dataset)? {
                years.insert(y);
            }
        }
        years.extend(
            history_markets
                .iter()
                .map(|m| m.year)
                .filter(|&y| year_fully_covered(&b.coverage, y)),
        );
    }
    let screening = match &basis {
        Some(b) if !years.is_empty() => b
            .screen(dataset, &years.iter().copied().collect::<Vec<_>>())
            .ok(),
        _ => None,
    };
    let brief_markets = markets
        .iter()
        .map(|m| {
            let hhi = m.hhi();
            let cahra = match (&basis, &screening) {
                (Some(b), Some(s)) => b
                    .year_for(m.year, None, dataset)
                    .ok()
                    .flatten()
                    .filter(|y| s.years.contains(y))
                    .map(|y| cahra_exposure(m, &s.verdicts(y), y)),
                _ => None,
            };
            BriefMarket {
                band: if hhi_band(hhi.low) == hhi_band(hhi.high) {
                    hhi_band(hhi.low).to_string()
                } else {
                    format!("{} to {}", hhi_band(hhi.low), hhi_band(hhi.high))
                },
                hhi,
                hhi_wgi: governance_weighted(m, &dataset.governance, &|_| 1.0),
                mali_share: m.share_of("MLI"),
                sahel_share: m.sahel_share(),
                cahra,
                market: m.clone(),
            }
        })
        .collect();
    let history = (!history_markets.is_empty()).then(|| {
        let figures = year_figures(&history_markets, screening.as_ref());
        BriefHistory {
            commodity: "gold".into(),
            owid: figures
                .iter()
                .filter(|f| f.series == ProductionSeries::Owid1970_2015)
                .cloned()
                .collect(),
            usgs: figures
                .into_iter()
                .filter(|f| f.series == ProductionSeries::UsgsMcs)
                .collect(),
        }
    });
    let gold_stop = markets
        .iter()
        .find(|m| m.commodity == "gold")
        .and_then(|g| {
            let after = g.shocked("MLI", -1.0).ok()?;
            Some(Stop {
                commodity: "gold".into(),
                year: g.year,
                lost_fraction: (g.total() - after.total()) / g.total(),
                hhi_before: g.hhi(),
                hhi_after: after.hhi(),
            })
        });
    let lithium = markets.iter().find(|m| m.commodity == "lithium");
    let lithium_offtake = lithium.and_then(|li| {
        let (volume, share) = offtake(li, "MLI", 0.5).ok()?;
        Some(Offtake {
            commodity: "lithium".into(),
            year: li.year,
            fraction: 0.5,
            volume,
            unit: li.unit.clone(),
            share,
        })
    });
    let lithium_eu = match (lithium, data.inputs.commodity("lithium")) {
        (Some(li), Some(c)) if !dataset.governance.is_empty() => {
            Some(eu_view(c, li, data, li, &MarketRequest::default())?)
        }
        _ => None,
    };
    Ok(SupplyBrief {
        markets: brief_markets,
        history,
        gold_stop,
        lithium_offtake,
        cahra_source: basis.as_ref().map(|b| b.filter.source),
        cahra_last_full_year: basis.as_ref().and_then(|b| last_full_year(&b.coverage)),
        one_series_only: one_series_only(dataset),
        criticality: criticality_picture(data.eu, data.inputs),
        lithium_eu,
    })
}

/// Commodities of one series only, with that series' years: those of the USGS series without
/// 1970–2015 figures, and those of the 1970–2015 series without USGS figures that the Sahel
/// (MLI, BFA, NER) produced in it (`uranium 1970–2015`).
fn one_series_only(dataset: &Dataset) -> Vec<String> {
    let mut years: BTreeMap<(&str, ProductionSeries), (i32, i32)> = BTreeMap::new();
    let mut sahel: BTreeSet<&str> = BTreeSet::new();
    for r in dataset.production.iter().filter(|r| r.quantity.is_some()) {
        let e = years
            .entry((r.commodity.as_str(), r.series))
            .or_insert((r.year, r.year));
        e.0 = e.0.min(r.year);
        e.1 = e.1.max(r.year);
        if r.quantity.is_some_and(|q| q > 0.0)
            && r.iso3.as_deref().is_some_and(|c| SAHEL.contains(&c))
        {
            sahel.insert(r.commodity.as_str());
        }
    }
    let has = |c: &str, s| years.contains_key(&(c, s));
    years
        .iter()
        .filter(|((c, s), _)| match s {
            ProductionSeries::UsgsMcs => !has(c, ProductionSeries::Owid1970_2015),
            ProductionSeries::Owid1970_2015 => {
                !has(c, ProductionSeries::UsgsMcs) && sahel.contains(c)
            }
        })
        .map(|((c, _), (a, b))| format!("{c} {a}–{b}"))
        .collect()
}

/// The Sahel's three central states as the supply figures count them.
pub fn sahel_label() -> String {
    format!("Sahel ({})", SAHEL.join(", "))
}

#[cfg(test)]
mod tests;
