//! Supply: how concentrated and governance-exposed a mineral's world supply is, and what a
//! disruption or an offtake of one producer's output does to it.
//!
//! A [`Market`] is one production series × commodity × stage × year, in that series' own
//! unit (the two series are never joined: the 1970–2015 lithium series is the gross weight of
//! mixed products, USGS lithium is lithium content; figures in different units are an error,
//! never summed). Producers are keyed by ISO3, so the source's different spellings of one
//! country (`Congo, DRC`, `Democratic Republic of Congo`, `Congo (Kinshasa)`) are one producer.
//!
//! Shares are fractions of the market total = the listed countries plus "Other countries";
//! the source's World row is compared with that total and the difference reported (flagged
//! beyond [`WORLD_TOLERANCE`]: USGS rounds its World totals).
//!
//! Indices:
//! - HHI = Σ sᵢ² × 10,000 (0–10,000). USGS lumps minor producers as "Other countries": that
//!   remainder is not one producer, so the HHI is a range — lower: the remainder spread over
//!   many small producers (its squares vanish); upper: the remainder split into producers
//!   each no larger than the smallest listed one (⌊o/s_min⌋ producers of s_min plus the rest).
//!   Bands of the 2010 US Horizontal Merger Guidelines: < 1,500 unconcentrated, 1,500–2,500
//!   moderately, > 2,500 highly concentrated (the 2023 Merger Guidelines lowered "highly" to
//!   > 1,800; given as a note).
//! - HHI_WGI,t = Σ sᵢ² · WGIᵢ · tᵢ (shares as fractions; 0–10), the governance-weighted
//!   concentration of the EU's criticality method (European Commission, JRC: Blengini et al.,
//!   *Methodology for establishing the EU list of critical raw materials — Guidelines*,
//!   2017). WGIᵢ here is the mean of the country's six WGI estimates (VA, PV, GE, RQ, RL, CC;
//!   all six required) rescaled as **WGI_scaled = clamp(5 − 2 · mean, 0, 10)**: the estimates'
//!   nominal range −2.5 … +2.5 maps linearly onto 10 … 0, 10 the worst governance. The WGI
//!   year is the latest edition year ≤ the market year. A producer without governance data
//!   contributes a range (0 to 10 × its squared share); "Other countries" likewise, combined
//!   with its HHI bounds. [`governance_weighted`] takes tᵢ from the caller (1 in the market
//!   tables; Appendix 7's t in the EU supply risk).
//! - Supply risk SR = [HHI_WGI,t,global · IR/2 + HHI_WGI,t,EU · (1 − IR/2)] · (1 − EoL_RIR) · SI
//!   ([`supply_risk`]); criticality: SR ≥ 1 and EI ≥ 2.8 ([`is_critical`]). The EU's method and
//!   its reproduction: [`eu`]; the per-commodity inputs with their citations
//!   (`config/supply.toml`): [`inputs`]; the one door the products use: [`assessment`].
//!
//! Exposure of supply to conflict-affected and high-risk areas ([`cahra_exposure`]): each
//! producer's share taken with its country's CAHRA verdict
//! ([`crate::analysis::cahra_countries`]) of that country's verdict year
//! ([`choose_verdict_years`]: the latest year up to the market year that its events cover
//! entirely — Mali's own events file reaches 2022, the global file 2019, so 2025 production is
//! weighed with Mali's 2022 verdict and the other producers' 2019 verdicts, and the years are
//! printed beside the share): the share from
//! conflict-affected and from high-risk countries, and a range for the flagged share — lower:
//! only the producers screened as flagged; upper: also every share whose verdict is unknown
//! (insufficient data, not screened — no polygon, or no country — and "Other countries").
//! The verdict is per country (flagged when one of its regions is), so the share is that of
//! countries *holding* CAHRA places, not production *from* them: production by region is not
//! in the data.
//!
//! Disruption ([`Market::shocked`]): a producer's output scaled by (1 + change); new shares and
//! indices and the lost fraction of the old total. Offtake ([`offtake`]): a fraction of a
//! producer's output secured by a buyer, as volume and share of the total. Consumption is not
//! in the store, so neither says what the buyer needs.
//!
//! Units: quantities in the market's unit; shares and HHI_WGI as fractions / 0–10; HHI on
//! 0–10,000.

pub mod assessment;
pub mod eu;
pub mod inputs;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::cahra::Verdict;
use super::AnalysisError;
use crate::model::{GovernanceRecord, ProductionRecord, ProductionSeries, WGI_INDICATORS};

/// Relative difference between the World row and the sum of countries above which the World
/// row is flagged (USGS rounds World totals to two or three significant figures).
pub const WORLD_TOLERANCE: f64 = 0.02;

/// One producer of a market.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Producer {
    /// ISO3, or the source's name when the row is no country (kept, never guessed).
    pub key: String,
    /// The source's name(s) for it in this market.
    pub name: String,
    pub quantity: f64,
    pub estimated: bool,
}

/// The source's World row and how it compares with the sum of its parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorldCheck {
    pub label: String,
    pub quantity: f64,
    /// World row − (listed + other).
    pub difference: f64,
    /// difference / World row.
    pub relative: f64,
    /// |relative| > [`WORLD_TOLERANCE`], or the row excludes a producer (`excluding U.S.`).
    pub inconsistent: bool,
}

/// One series × commodity × stage × year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Market {
    pub series: ProductionSeries,
    pub commodity: String,
    pub stage: Option<String>,
    pub year: i32,
    pub unit: String,
    /// Listed producers with a quantity, largest first.
    pub producers: Vec<Producer>,
    /// The "Other countries" row, when the source has one.
    pub other: Option<f64>,
    pub world: Option<WorldCheck>,
    /// Producers whose figure the source withholds or lacks (`W`, `NA`): in no share.
    pub withheld: Vec<String>,
    pub notes: Vec<String>,
}

fn is_world(name: &str) -> bool {
    name.starts_with("World")
}

fn is_other(name: &str) -> bool {
    name.eq_ignore_ascii_case("Other countries") || name.eq_ignore_ascii_case("Other")
}

impl Market {
    /// Builds the market from production records (any order; other markets' records ignored).
    /// Errors: no figure at all, or figures in more than one unit.
    pub fn from_records(
        records: &[ProductionRecord],
        series: ProductionSeries,
        commodity: &str,
        stage: Option<&str>,
        year: i32,
    ) -> Result<Market, AnalysisError> {
        let rows: Vec<&ProductionRecord> = records
            .iter()
            .filter(|r| {
                r.series == series
                    && r.year == year
                    && r.commodity.eq_ignore_ascii_case(commodity)
                    && (stage.is_none() || r.stage.as_deref() == stage)
            })
            .collect();
        if rows.is_empty() {
            return Err(AnalysisError::Data(format!(
                "no {commodity} production for {year}{} in the {series:?} series",
                stage.map(|s| format!(" ({s})")).unwrap_or_default()
            )));
        }
        let units: std::collections::BTreeSet<&str> =
            rows.iter().map(|r| r.unit.as_str()).collect();
        if units.len() > 1 {
            return Err(AnalysisError::Data(format!(
                "{commodity} {year} figures come in {} units ({}): they measure different things \
                 and are not added; choose a stage",
                units.len(),
                units.into_iter().collect::<Vec<_>>().join("; ")
            )));
        }
        let mut market = Market {
            series,
            commodity: commodity.to_lowercase(),
            stage: stage.map(str::to_string),
            year,
            unit: rows[0].unit.clone(),
            producers: Vec::new(),
            other: None,
            world: None,
            withheld: Vec::new(),
            notes: Vec::new(),
        };
        let mut by_key: BTreeMap<String, Producer> = BTreeMap::new();
        let mut world: Option<(String, f64)> = None;
        for r in rows {
            if is_world(&r.country) {
                if let Some(q) = r.quantity {
                    world = Some((r.country.clone(), q));
                }
                continue;
            }
            let Some(q) = r.quantity else {
                market.withheld.push(r.country.clone());
                continue;
            };
            if is_other(&r.country) {
                *market.other.get_or_insert(0.0) += q;
                continue;
            }
            let key = r.iso3.clone().unwrap_or_else(|| r.country.clone());
            let estimated = r.value_type == crate::model::ValueType::Estimated;
            match by_key.get_mut(&key) {
                Some(p) => {
                    // Two rows for one country (two spellings in one year): the source
                    // counts them twice only if both carry output; keep the sum, say so.
                    market.notes.push(format!(
                        "{key}: two rows ({} and {}) added",
                        p.name, r.country
                    ));
                    p.quantity += q;
                    p.name = format!("{}; {}", p.name, r.country);
                    p.estimated |= estimated;
                }
                None => {
                    by_key.insert(
                        key.clone(),
                        Producer {
                            key,
                            name: r.country.clone(),
                            quantity: q,
                            estimated,
                        },
                    );
                }
            }
        }
        market.producers = by_key.into_values().collect();
        market
            .producers
            .sort_by(|a, b| b.quantity.total_cmp(&a.quantity).then(a.key.cmp(&b.key)));
        if let Some((label, quantity)) = world {
            let difference = quantity - market.total();
            let relative = if quantity != 0.0 {
                difference / quantity
            } else {
                0.0
            };
            let partial = label.contains("excluding");
            market.world = Some(WorldCheck {
                inconsistent: relative.abs() > WORLD_TOLERANCE || partial,
                label,
                quantity,
                difference,
                relative,
            });
        }
        if !market.withheld.is_empty() {
            market.notes.push(format!(
                "withheld or not available, in no share: {}",
                market.withheld.join(", ")
            ));
        }
        Ok(market)
    }

    /// Listed producers plus "Other countries": the shares' denominator.
    pub fn total(&self) -> f64 {
        self.producers.iter().map(|p| p.quantity).sum::<f64>() + self.other.unwrap_or(0.0)
    }

    /// Each listed producer's share (fraction), in `producers` order.
    pub fn shares(&self) -> Vec<f64> {
        let total = self.total();
        self.producers
            .iter()
            .map(|p| if total > 0.0 { p.quantity / total } else { 0.0 })
            .collect()
    }

    /// The "Other countries" share (0 when there is none).
    pub fn other_share(&self) -> f64 {
        let total = self.total();
        match self.other {
            Some(o) if total > 0.0 => o / total,
            _ => 0.0,
        }
    }

    /// The share of the producer with this key (ISO3), 0 when it is not listed.
    pub fn share_of(&self, key: &str) -> f64 {
        self.producers
            .iter()
            .zip(self.shares())
            .find(|(p, _)| p.key == key)
            .map_or(0.0, |(_, s)| s)
    }

    /// The HHI range (0–10,000).
    pub fn hhi(&self) -> HhiRange {
        hhi_bounds(&self.shares(), self.other_share())
    }

    /// The market with `key`'s output multiplied by (1 + `change`) (−0.5: halved; −1:
    /// stopped). Error when the producer is not listed or the change is below −1.
    pub fn shocked(&self, key: &str, change: f64) -> Result<Market, AnalysisError> {
        if !change.is_finite() || change < -1.0 {
            return Err(AnalysisError::bad(
                "shock",
                change,
                "a change ≥ −1 (−1 stops the producer's output)",
            ));
        }
        let mut out = self.clone();
        let p = out
            .producers
            .iter_mut()
            .find(|p| p.key == key)
            .ok_or_else(|| {
                AnalysisError::Data(format!(
                    "{key} is not a listed producer of {} in {}",
                    self.commodity, self.year
                ))
            })?;
        p.quantity *= 1.0 + change;
        out.world = None;
        out.notes.push(format!("{key} output × {}", 1.0 + change));
        Ok(out)
    }
}

/// An HHI range on 0–10,000: `listed` is the listed producers' part alone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HhiRange {
    pub low: f64,
    pub high: f64,
    pub listed: f64,
}

/// The HHI range (0–10,000) of listed `shares` (fractions) plus an unlisted remainder
/// `other` (fraction): lower when the remainder is spread over many tiny producers, upper
/// when it is split into producers each as large as the smallest listed one.
pub fn hhi_bounds(shares: &[f64], other: f64) -> HhiRange {
    let listed: f64 = shares.iter().map(|s| s * s).sum();
    let upper_other = remainder_upper(shares, other);
    HhiRange {
        low: listed * 10_000.0,
        high: (listed + upper_other) * 10_000.0,
        listed: listed * 10_000.0,
    }
}

/// The largest Σ of squared shares the remainder `other` can add when no unlisted producer is
/// larger than the smallest listed one (the whole remainder when nothing is listed).
fn remainder_upper(shares: &[f64], other: f64) -> f64 {
    if other <= 0.0 {
        return 0.0;
    }
    let smallest = shares
        .iter()
        .copied()
        .filter(|&s| s > 0.0)
        .fold(f64::INFINITY, f64::min);
    if !smallest.is_finite() || smallest >= other {
        return other * other;
    }
    let k = (other / smallest).floor();
    let rest = other - k * smallest;
    k * smallest * smallest + rest * rest
}

/// The concentration band of the 2010 US Horizontal Merger Guidelines.
pub fn hhi_band(hhi: f64) -> &'static str {
    if hhi < 1_500.0 {
        "unconcentrated"
    } else if hhi <= 2_500.0 {
        "moderately concentrated"
    } else {
        "highly concentrated"
    }
}

/// The 2023 Merger Guidelines' note for an HHI.
pub fn hhi_band_2023_note(hhi: f64) -> Option<&'static str> {
    (hhi > 1_800.0 && hhi <= 2_500.0)
        .then_some("highly concentrated under the 2023 Merger Guidelines (HHI > 1,800)")
}

/// The mean of six WGI estimates rescaled to 0–10, 10 the worst: clamp(5 − 2 · mean, 0, 10).
pub fn wgi_scaled(mean_estimate: f64) -> f64 {
    (5.0 - 2.0 * mean_estimate).clamp(0.0, 10.0)
}

/// A country's scaled governance for a year: the latest WGI year ≤ `year` with all six
/// estimates. Returns (WGI year, scaled value).
pub fn governance_for(
    governance: &[GovernanceRecord],
    iso3: &str,
    year: i32,
) -> Option<(i32, f64)> {
    governance
        .iter()
        .filter(|g| g.iso3 == iso3 && g.year <= year)
        .filter_map(|g| {
            let estimates: Option<Vec<f64>> =
                WGI_INDICATORS.iter().map(|&i| g.get(i).estimate).collect();
            estimates.map(|e| (g.year, wgi_scaled(e.iter().sum::<f64>() / 6.0)))
        })
        .max_by_key(|(y, _)| *y)
}

/// HHI_WGI,t (0–10) as a range, with what the range comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GovernanceWeighted {
    pub low: f64,
    pub high: f64,
    /// Listed producers without governance data: their keys and summed share.
    pub missing: Vec<String>,
    pub missing_share: f64,
    /// The WGI years used (per producer key).
    pub wgi_years: BTreeMap<String, i32>,
}

/// HHI_WGI,t of a market: Σ sᵢ² · WGIᵢ · tᵢ over listed producers (`restriction` gives tᵢ,
/// default 1), missing governance as a 0–10 range, "Other countries" as
/// [0, upper remainder × 10].
pub fn governance_weighted(
    market: &Market,
    governance: &[GovernanceRecord],
    restriction: &dyn Fn(&str) -> f64,
) -> GovernanceWeighted {
    let shares = market.shares();
    let mut out = GovernanceWeighted {
        low: 0.0,
        high: 0.0,
        missing: Vec::new(),
        missing_share: 0.0,
        wgi_years: BTreeMap::new(),
    };
    for (p, s) in market.producers.iter().zip(&shares) {
        let t = restriction(&p.key);
        match governance_for(governance, &p.key, market.year) {
            Some((wgi_year, w)) => {
                out.low += s * s * w * t;
                out.high += s * s * w * t;
                out.wgi_years.insert(p.key.clone(), wgi_year);
            }
            None => {
                out.high += s * s * 10.0 * t;
                out.missing.push(p.key.clone());
                out.missing_share += s;
            }
        }
    }
    out.high += remainder_upper(&shares, market.other_share()) * 10.0;
    out
}

/// The EU supply-risk inputs of one commodity (all required; see config/supply.toml).
#[derive(Debug, Clone, PartialEq)]
pub struct RiskInputs {
    /// Import reliance, fraction 0–1.
    pub import_reliance: f64,
    /// End-of-life recycling input rate, fraction 0–1.
    pub eol_rir: f64,
    /// Substitution index for supply risk, 0–1.
    pub substitution: f64,
}

/// SR = [HHI_WGI,global · IR/2 + HHI_WGI,EU · (1 − IR/2)] · (1 − EoL_RIR) · SI.
pub fn supply_risk(hhi_wgi_global: f64, hhi_wgi_eu: f64, inputs: &RiskInputs) -> f64 {
    let ir = inputs.import_reliance;
    (hhi_wgi_global * ir / 2.0 + hhi_wgi_eu * (1.0 - ir / 2.0))
        * (1.0 - inputs.eol_rir)
        * inputs.substitution
}

/// The EU criticality thresholds: SR ≥ 1 and EI ≥ 2.8.
pub fn is_critical(supply_risk: f64, economic_importance: f64) -> bool {
    supply_risk >= 1.0 && economic_importance >= 2.8
}

/// A buyer's offtake of `fraction` of `key`'s output: (secured volume in the market's unit,
/// its share of the market total).
pub fn offtake(market: &Market, key: &str, fraction: f64) -> Result<(f64, f64), AnalysisError> {
    if !(0.0..=1.0).contains(&fraction) {
        return Err(AnalysisError::bad(
            "redirect",
            fraction,
            "a fraction of the producer's output in [0, 1]",
        ));
    }
    let p = market
        .producers
        .iter()
        .find(|p| p.key == key)
        .ok_or_else(|| {
            AnalysisError::Data(format!(
                "{key} is not a listed producer of {} in {}",
                market.commodity, market.year
            ))
        })?;
    let volume = p.quantity * fraction;
    let total = market.total();
    Ok((volume, if total > 0.0 { volume / total } else { 0.0 }))
}

/// The Sahel's three central states, whose combined share is reported beside Mali's.
pub const SAHEL: [&str; 3] = ["MLI", "BFA", "NER"];

impl Market {
    /// Mali, Burkina Faso and Niger together (fraction).
    pub fn sahel_share(&self) -> f64 {
        SAHEL.iter().map(|k| self.share_of(k)).sum()
    }
}

/// One year's figures of a market for time series: Mali's and the Sahel's shares, the HHI
/// range, and — when the screening covers that very year — the CAHRA exposure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearFigures {
    pub series: ProductionSeries,
    pub year: i32,
    pub mali_share: f64,
    pub sahel_share: f64,
    pub hhi: HhiRange,
    pub cahra: Option<CahraExposure>,
}

/// [`YearFigures`] of each market (same year's verdicts only: none are carried forward).
pub fn year_figures(
    markets: &[Market],
    screening: Option<&crate::analysis::cahra_countries::CountryScreening>,
) -> Vec<YearFigures> {
    markets
        .iter()
        .map(|m| YearFigures {
            series: m.series,
            year: m.year,
            mali_share: m.share_of("MLI"),
            sahel_share: m.sahel_share(),
            hhi: m.hhi(),
            cahra: screening
                .filter(|s| s.years.contains(&m.year))
                .map(|s| cahra_exposure(m, &s.verdicts(m.year), m.year)),
        })
        .collect()
}

/// A market's shares by the CAHRA verdict of their country (fractions of the market total; they
/// sum to 1), each verdict of the year in `verdict_years`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CahraExposure {
    pub market_year: i32,
    /// The latest year of the verdicts used (the market year, or a year before it).
    pub cahra_year: i32,
    /// Each listed producer's verdict year (see [`VerdictYears`]).
    #[serde(default)]
    pub verdict_years: BTreeMap<String, i32>,
    pub conflict_affected: f64,
    pub high_risk: f64,
    pub neither: f64,
    pub insufficient_data: f64,
    /// Listed producers with no verdict (no polygon, or a row that is no country).
    pub not_screened: f64,
    /// The "Other countries" row: unknown producers, so unknown verdicts.
    pub other_countries: f64,
    /// conflict-affected + high-risk.
    pub flagged_low: f64,
    /// flagged_low + insufficient data + not screened + Other countries.
    pub flagged_high: f64,
    /// Each listed producer (ISO3 or source name) with its share and verdict, largest first.
    pub producers: Vec<(String, f64, Option<Verdict>)>,
}

/// Every year's market of a commodity in one series and stage (years without any figure, or
/// whose figures cannot form a market, are absent), oldest first.
pub fn markets_over_time(
    records: &[ProductionRecord],
    series: ProductionSeries,
    commodity: &str,
    stage: Option<&str>,
) -> Vec<Market> {
    let years: std::collections::BTreeSet<i32> = records
        .iter()
        .filter(|r| {
            r.series == series
                && r.commodity.eq_ignore_ascii_case(commodity)
                && (stage.is_none() || r.stage.as_deref() == stage)
                && r.quantity.is_some()
        })
        .map(|r| r.year)
        .collect();
    years
        .into_iter()
        .filter_map(|year| Market::from_records(records, series, commodity, stage, year).ok())
        .collect()
}

/// A market's shares by the verdicts (`ISO3 → verdict` of `cahra_year`).
pub fn cahra_exposure(
    market: &Market,
    verdicts: &BTreeMap<&str, Verdict>,
    cahra_year: i32,
) -> CahraExposure {
    let mut e = CahraExposure {
        market_year: market.year,
        cahra_year,
        conflict_affected: 0.0,
        high_risk: 0.0,
        neither: 0.0,
        insufficient_data: 0.0,
        not_screened: 0.0,
        other_countries: market.other_share(),
        flagged_low: 0.0,
        flagged_high: 0.0,
        verdict_years: market
            .producers
            .iter()
            .map(|p| (p.key.clone(), cahra_year))
            .collect(),
        producers: Vec::with_capacity(market.producers.len()),
    };
    for (p, share) in market.producers.iter().zip(market.shares()) {
        let verdict = verdicts.get(p.key.as_str()).copied();
        match verdict {
            Some(Verdict::ConflictAffected) => e.conflict_affected += share,
            Some(Verdict::HighRisk) => e.high_risk += share,
            Some(Verdict::Neither) => e.neither += share,
            Some(Verdict::InsufficientData) => e.insufficient_data += share,
            None => e.not_screened += share,
        }
        e.producers.push((p.key.clone(), share, verdict));
    }
    e.flagged_low = e.conflict_affected + e.high_risk;
    e.flagged_high = e.flagged_low + e.insufficient_data + e.not_screened + e.other_countries;
    e
}

impl CahraExposure {
    /// The verdict years with their screened producers (a producer without a verdict has no
    /// year that means anything), the year holding most of the market's listed share first
    /// (then the later year): `[(2019, [CHN, AUS, …]), (2022, [MLI])]`.
    pub fn verdict_year_groups(&self) -> Vec<(i32, Vec<String>)> {
        let mut groups: BTreeMap<i32, (f64, Vec<String>)> = BTreeMap::new();
        for (key, share, verdict) in &self.producers {
            if verdict.is_none() {
                continue;
            }
            let year = self
                .verdict_years
                .get(key)
                .copied()
                .unwrap_or(self.cahra_year);
            let g = groups.entry(year).or_insert((0.0, Vec::new()));
            g.0 += share;
            g.1.push(key.clone());
        }
        let mut groups: Vec<(i32, f64, Vec<String>)> =
            groups.into_iter().map(|(y, (s, k))| (y, s, k)).collect();
        groups.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        groups.into_iter().map(|(y, _, k)| (y, k)).collect()
    }

    /// The verdict years in words, the main year last: `MLI 2022, the other producers 2019`
    /// (one year: `all producers 2019`; producers without a verdict are not named).
    pub fn verdict_years_text(&self) -> String {
        let groups = self.verdict_year_groups();
        match groups.split_first() {
            None => "no listed producer screened".to_string(),
            Some(((year, _), [])) => format!("all producers {year}"),
            Some(((main, _), rest)) => {
                let mut parts: Vec<String> = rest
                    .iter()
                    .map(|(y, keys)| format!("{} {y}", keys.join(", ")))
                    .collect();
                parts.push(format!("the other producers {main}"));
                parts.join(", ")
            }
        }
    }
}

/// Which year's verdict each producer of a market gets (the rule: see
/// [`choose_verdict_years`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictYears {
    /// Producer key → the year of its verdict.
    pub by_producer: BTreeMap<String, i32>,
    /// Producers no year up to `fallback` covers entirely: they get `fallback`'s verdict
    /// (insufficient data, or not screened).
    pub uncovered: Vec<String>,
    /// The latest year the source covers entirely, not after the market year.
    pub fallback: i32,
}

impl VerdictYears {
    /// Every distinct year a screening must hold.
    pub fn years(&self) -> std::collections::BTreeSet<i32> {
        let mut y: std::collections::BTreeSet<i32> = self.by_producer.values().copied().collect();
        y.insert(self.fallback);
        y
    }
}

/// Per producer, the latest year from `fallback` down to `first_year` that the event source
/// covers entirely for its country: `covered(y)` is None when every country is covered in `y`
/// (a global file), else the ISO3 codes covered. A producer no such year covers gets
/// `fallback` (and is listed in `uncovered`). So a country with its own, later events file
/// (Mali to 2022) is judged on its latest full year, the others on the global file's last year
/// (2019), and no verdict is ever of a later year than `fallback`.
pub fn choose_verdict_years(
    keys: &[&str],
    fallback: i32,
    first_year: i32,
    covered: impl Fn(i32) -> Option<Vec<String>>,
) -> VerdictYears {
    let mut by_producer = BTreeMap::new();
    let mut year = fallback;
    while year >= first_year && by_producer.len() < keys.len() {
        let here = covered(year);
        for k in keys {
            let is_covered = here.as_ref().is_none_or(|c| c.iter().any(|c| c == k));
            if is_covered && !by_producer.contains_key(*k) {
                by_producer.insert(k.to_string(), year);
            }
        }
        year -= 1;
    }
    let uncovered: Vec<String> = keys
        .iter()
        .filter(|k| !by_producer.contains_key(**k))
        .map(|k| k.to_string())
        .collect();
    for k in &uncovered {
        by_producer.insert(k.clone(), fallback);
    }
    VerdictYears {
        by_producer,
        uncovered,
        fallback,
    }
}

/// A market's exposure with each producer's verdict of its own year (`verdicts`: year → ISO3
/// → verdict, holding every year of `years`).
pub fn cahra_exposure_by_year(
    market: &Market,
    verdicts: &BTreeMap<i32, BTreeMap<&str, Verdict>>,
    years: &VerdictYears,
) -> CahraExposure {
    let year_of = |key: &str| {
        years
            .by_producer
            .get(key)
            .copied()
            .unwrap_or(years.fallback)
    };
    let merged: BTreeMap<&str, Verdict> = market
        .producers
        .iter()
        .filter_map(|p| {
            verdicts
                .get(&year_of(&p.key))
                .and_then(|v| v.get(p.key.as_str()))
                .map(|&v| (p.key.as_str(), v))
        })
        .collect();
    let latest = market
        .producers
        .iter()
        .map(|p| year_of(&p.key))
        .max()
        .unwrap_or(years.fallback);
    let mut e = cahra_exposure(market, &merged, latest);
    e.verdict_years = market
        .producers
        .iter()
        .map(|p| (p.key.clone(), year_of(&p.key)))
        .collect();
    e
}

#[cfg(test)]
mod tests;
