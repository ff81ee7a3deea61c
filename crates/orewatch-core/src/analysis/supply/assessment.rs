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
//! of each producer's verdict — the year asked for (every producer), else per producer the
//! latest year, up to the market year, that its country's events cover entirely (a global file
//! covers every country; a country's own file only it), never a later one. A producer no year
//! covers gets the source's last entirely covered year (its verdict: insufficient data). The
//! years go with the share (`CahraExposure::verdict_years`, "MLI 2022, the other producers
//! 2019"): one verdict year for all would leave the share 0%–100% whenever only a few
//! countries' events reach the market year.
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
    cahra_exposure_by_year, choose_verdict_years, governance_for, governance_weighted, hhi_band,
    hhi_band_2023_note, is_critical, markets_over_time, offtake, supply_risk, year_figures,
    CahraExposure, GovernanceWeighted, HhiRange, Market, RiskInputs, YearFigures, SAHEL,
};
use crate::analysis::cahra::{
    last_full_year, year_fully_covered, year_has_any_data, CahraRules, Verdict,
};
use crate::analysis::cahra_countries::{screen_countries_with_coverage, CountryScreening};
use crate::analysis::coverage::{Covered, EventCoverage};
use crate::analysis::events::{
    choose_source, stated_coverage, EventFilter, PrecisionFilter, SourceCoverage,
};
use crate::analysis::AnalysisError;
use crate::model::SourceReport;
use crate::model::{
    Dataset, EuCrmTables, EuShare, EuStage, EventSource, ProductionSeries, SupplyBasis,
};

mod brief;
mod eu_risk;
mod market;
mod screening;
mod series;

pub use brief::{
    brief, criticality_picture, BriefHistory, BriefMarket, CriticalityPicture, CriticalityPoint,
    MergedMaterial, Offtake, Stop, SupplyBrief, DEAL_MATERIALS,
};
pub use eu_risk::{AlternativeRisk, EuNow, EuRecomputed, EuView, EuYear, SupplyRisk};
pub use market::{
    CahraStatus, CahraView, CountryRow, Indices, MarketAssessment, MarketMetadata, ProducerVerdict,
    RedirectResult, ShockResult, StageRisk, StageRisks,
};
pub use screening::CahraBasis;

use eu_risk::{eu_view, risk_of};
use market::{indices_of, market_assessment};
use series::{all_assessment, markets_of_both_series, over_time_assessment};
pub use series::{
    AllAssessment, AllMetadata, OverTimeAssessment, OverTimeCahra, OverTimeMetadata, SummaryRow,
    YearRow,
};

/// What `orewatch supply` is asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyRequest {
    pub question: SupplyQuestion,
    /// Event source of the CAHRA screening (None: the only one in the store).
    pub event_source: Option<EventSource>,
    /// The CAHRA screening counts only events with a location precision code ≤ this (None:
    /// every precision); see [`PrecisionFilter`].
    #[serde(default)]
    pub max_precision: Option<u8>,
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
    /// The WGI file(s) the governance inputs come from (the store's manifest).
    #[serde(default)]
    pub wgi: Vec<WgiVintage>,
    pub warnings: Vec<String>,
}

/// Which WGI the governance inputs come from: one WGI file of the store's manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WgiVintage {
    pub path: String,
    pub sha256: String,
    /// The release as the manifest states it (None: neither the file nor its name says).
    pub release: Option<String>,
    /// The first and last estimate years the file holds.
    pub first_year: Option<String>,
    pub last_year: Option<String>,
}

impl WgiVintage {
    /// The WGI files of a store's manifest.
    pub fn of(sources: &[SourceReport]) -> Vec<WgiVintage> {
        sources
            .iter()
            .filter(|s| s.kind == "wgi")
            .map(|s| WgiVintage {
                path: s.path.clone(),
                sha256: s.sha256.clone(),
                release: s.release.clone(),
                first_year: s.coverage.as_ref().map(|c| c.start.clone()),
                last_year: s.coverage.as_ref().map(|c| c.end.clone()),
            })
            .collect()
    }

    /// `World Bank WGI estimates 1996–2023, release not stated (FILE, sha256 f2a80328…)`.
    pub fn describe(&self) -> String {
        let years = match (&self.first_year, &self.last_year) {
            (Some(a), Some(b)) => format!(" {a}–{b}"),
            _ => String::new(),
        };
        let release = match &self.release {
            Some(r) => format!("release {r}"),
            None => "release not stated in the file or its name".to_string(),
        };
        format!(
            "World Bank WGI estimates{years}, {release} ({}, sha256 {}…)",
            self.path,
            self.sha256.get(..8).unwrap_or(&self.sha256)
        )
    }
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

/// The reproduction with the reader's notes on the tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuCheckAssessment {
    pub check: EuCheck,
    /// Published EI per material (the results table), for the criticality picture.
    pub economic_importance: Vec<(String, Option<f64>)>,
    pub table_notes: Vec<String>,
}

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
        wgi: WgiVintage::of(data.sources),
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
            let precision = PrecisionFilter::new(request.max_precision)?;
            let basis = CahraBasis::of(data.dataset, data.sources, request.event_source)?
                .map(|b| b.with_precision(precision));
            provenance
                .parameters
                .insert("location_precision".into(), precision.describe());
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

/// `low` or `low–high` at `digits` decimals (one number when they round alike).
pub fn range_text(low: f64, high: f64, digits: usize) -> String {
    if (high - low).abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        format!("{low:.digits$}")
    } else {
        format!("{low:.digits$}–{high:.digits$}")
    }
}

#[cfg(test)]
mod tests;
