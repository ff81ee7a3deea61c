//! One market assessed: shares, governance, HHI, SR of each stage, shocks, offtakes and the
//! CAHRA exposure.

use super::*;

/// The market's identification and the notes on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketMetadata {
    pub series: String,
    pub commodity: String,
    pub stage: Option<String>,
    pub year: i32,
    pub unit: String,
    pub world_row: Option<crate::analysis::supply::WorldCheck>,
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
        /// The latest verdict year used.
        cahra_year: i32,
        /// Each producer's verdict year in words (`MLI 2022, the other producers 2019`).
        #[serde(default)]
        verdict_years: String,
        rules: String,
        /// Some verdict is of a year before the market year.
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

pub(super) fn market_assessment(
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
        Some(b) => match b.exposures(&[&market], req.cahra_year, dataset)? {
            (exposures, Some(screening)) if exposures[0].is_some() => {
                let exposure = exposures
                    .into_iter()
                    .next()
                    .flatten()
                    .expect("checked above");
                let y = exposure.cahra_year;
                let carried_forward = exposure.verdict_years.values().any(|&v| v != market.year);
                (
                    CahraStatus::Assessed {
                        assessed: true,
                        source: b.filter.source,
                        coverage_start: b.coverage.start,
                        coverage_end: b.coverage.end,
                        cahra_year: y,
                        verdict_years: exposure.verdict_years_text(),
                        rules: "config/cahra.toml (embedded default)".into(),
                        carried_forward,
                        method: "country verdict = highest of its admin-1 regions' verdicts, or \
                                 the country screened as one unit where no admin-1 regions are \
                                 loaded (orewatch_core::analysis::cahra_countries); each country \
                                 judged on the latest year up to the market year that its events \
                                 cover entirely (unless a CAHRA year is asked); flagged share \
                                 = conflict-affected + high-risk, upper bound adds insufficient \
                                 data, not screened and Other countries"
                            .into(),
                    },
                    Some(cahra_view(&screening, exposure, &market)),
                )
            }
            _ => (
                CahraStatus::NotAssessed {
                    assessed: false,
                    why: b.not_assessed(market.year),
                },
                None,
            ),
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
            screening.countries.iter().find(|c| {
                let year = exposure.verdict_years.get(&p.key);
                c.country_iso3 == p.key && c.year == *year.unwrap_or(&exposure.cahra_year)
            })
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

pub(super) fn indices_of(
    market: &Market,
    data: &SupplyData,
    inputs: Option<&CommodityInputs>,
) -> Indices {
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
