//! The EU supply risk of a market's stage from the store's production and the EU's other
//! inputs, and the EU's own view of a commodity (published, recomputed, now, with Mali).

use super::*;

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
    /// The store's market it is computed from: series, year and production stage (None:
    /// a series without stages).
    pub series: ProductionSeries,
    pub market_year: i32,
    pub production_stage: Option<String>,
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

/// The EU material and stage of a market (None: no EU inputs, or a stage the EU does not name).
fn eu_stage_of(market: &Market) -> Option<EuStage> {
    market
        .stage
        .as_deref()
        .map_or(Some(EuStage::Extraction), EuStage::of_production_stage)
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
pub(super) fn risk_of(
    market: &Market,
    data: &SupplyData,
    inputs: Option<&CommodityInputs>,
) -> SupplyRisk {
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

pub(super) fn eu_view(
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
            series: m.series,
            market_year: m.year,
            production_stage: m.stage.clone(),
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
