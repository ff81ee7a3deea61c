//! Every commodity of a series in one table (`all`), and one commodity year by year in both
//! series (`over_time`).

use super::*;

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
    /// Each producer's verdict year in words (see `CahraBasis::verdict_years`).
    #[serde(default)]
    pub cahra_verdict_years: Option<String>,
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
    /// Each producer's verdict year in words (None: no year up to this one is entirely
    /// inside the event source's coverage).
    #[serde(default)]
    pub cahra_verdict_years: Option<String>,
    /// Share from countries flagged by the CAHRA screening (each country of its verdict year).
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

pub(super) fn all_assessment(
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
    let exposures = match basis {
        Some(b) => {
            let refs: Vec<&Market> = markets.iter().collect();
            b.exposures(&refs, None, dataset)?.0
        }
        None => vec![None; markets.len()],
    };
    let rows = markets
        .iter()
        .zip(exposures)
        .map(|(market, exposure)| {
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
                cahra_verdict_years: exposure.as_ref().map(|e| e.verdict_years_text()),
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

/// Every year's market of both series (the 1970–2015 lithium series is gross weight of mixed
/// products, never compared with USGS lithium content, so it is left out).
pub(super) fn markets_of_both_series(
    dataset: &Dataset,
    commodity: &str,
    stage: Option<&str>,
) -> Vec<Market> {
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

pub(super) fn over_time_assessment(
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
    let exposures = match basis {
        Some(b) => {
            let refs: Vec<&Market> = markets.iter().collect();
            b.exposures(&refs, None, dataset)?.0
        }
        None => vec![None; markets.len()],
    };
    let years = year_figures(&markets, None)
        .into_iter()
        .zip(&markets)
        .zip(exposures)
        .map(|((mut f, m), exposure)| {
            f.cahra = exposure;
            (f, m)
        })
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
            cahra_verdict_years: f.cahra.as_ref().map(|e| e.verdict_years_text()),
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
                years: "each country judged on the latest year up to the row's year that its \
                        events cover entirely (the verdict years are on each row)"
                    .into(),
            }),
        },
        years,
    })
}
