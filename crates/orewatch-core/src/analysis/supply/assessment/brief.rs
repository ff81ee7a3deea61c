//! What the brief's supply section shows, including the EU's criticality picture.

use super::*;

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
    /// The CAHRA verdicts' source and the last year its events cover entirely (for at least
    /// one country).
    pub cahra_source: Option<EventSource>,
    pub cahra_last_full_year: Option<i32>,
    /// The countries (ISO3) whose own events cover all of `cahra_last_full_year`; every other
    /// country's verdict of that year is insufficient data. None: a global file covers it.
    #[serde(default)]
    pub cahra_covered_countries: Option<Vec<String>>,
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
    // One screening: every verdict year of the latest markets and of the gold history.
    let all: Vec<&Market> = markets.iter().chain(&history_markets).collect();
    let exposures = match &basis {
        Some(b) => b
            .exposures(&all, None, dataset)
            .map(|(e, _)| e)
            .unwrap_or_else(|_| vec![None; all.len()]),
        None => vec![None; all.len()],
    };
    let (latest_exposures, history_exposures) = exposures.split_at(markets.len());
    let brief_markets = markets
        .iter()
        .zip(latest_exposures)
        .map(|(m, cahra)| {
            let hhi = m.hhi();
            let cahra = cahra.clone();
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
        let mut figures = year_figures(&history_markets, None);
        for (f, e) in figures.iter_mut().zip(history_exposures) {
            f.cahra = e.clone();
        }
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
        cahra_covered_countries: basis
            .as_ref()
            .and_then(|b| b.covered_in(last_full_year(&b.coverage)?)),
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
        .map(|((c, _), (a, b))| {
            if a == b {
                format!("{c} {a}")
            } else {
                format!("{c} {a}–{b}")
            }
        })
        .collect()
}
