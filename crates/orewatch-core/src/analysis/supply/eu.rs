//! Supply risk (SR) by the EU's method, and how closely it comes back to the published 2023 SR
//! from the EU's own inputs.
//!
//! Method (Blengini, G.A. et al. 2017, *Methodology for establishing the EU list of critical
//! raw materials — Guidelines*, doi:10.2873/769526, the supply-risk indicator; the method of
//! the 2023 study, Grohol & Veeh 2023):
//!
//! ```text
//! SR = [ (HHI_WGI,t)_GS · IR/2 + (HHI_WGI,t)_EU · (1 − IR/2) ] · (1 − EoL_RIR) · SI_SR
//! HHI_WGI,t = Σ_i S_i² · WGI_i · t_i        (S_i shares as fractions)
//! WGI_i = 5 − 2 · (mean of country i's six WGI estimates), clamped to 0–10 (10 worst)
//! ```
//!
//! GS is global supply, EU the EU's sourcing (domestic production plus imports), IR the import
//! reliance (0–1), EoL_RIR the end-of-life recycling input rate (0–1), SI_SR the substitution
//! index (0–1), t the trade variable (0.8 EU members and partners with agreements, 1
//! otherwise, above 1 under export restrictions). Where the study assessed only one of the two
//! supplies ("GSonly", "EUonly": [`SupplyBasis`]), that HHI takes both places, which reduces SR
//! to HHI_WGI,t · (1 − EoL_RIR) · SI_SR. The WGI rescaling maps the estimates' nominal range
//! −2.5 … +2.5 linearly onto 10 … 0; it is the one the CritMAT reimplementation of the method
//! uses (`(2.5 − mean) · 2`, Meyer et al., github.com/meyerdata/CritMAT,
//! `critmat/calculations/hhi_wgi_tp.py`, and its `supply_risk_eu.py` for the SR formula).
//!
//! The WGI year the study used is not stated in the tables. [`WgiRule`] applies one rule to
//! every country and material: by default the mean over 2016–2020 (the study's reference
//! period for supply); [`eu_check`] also gives each SR under every single WGI year 2014–2021.
//!
//! Reproduction ([`eu_check`]): for every material of the results table, at the stage and on
//! the supply basis the study used, SR from Appendix 7's shares and t, the store's WGI, and the
//! results table's IR, EoL-RIR and SI_SR. A `<0.1%` share is carried as [0, 0.1%): SR becomes
//! a range whose midpoint is the recomputed SR. The published SR is rounded to one decimal, so
//! the recomputed SR is rounded the same way before the comparison: a hit when the two
//! one-decimal values differ by at most 0.1 (the strict count, |unrounded − published| ≤ 0.1,
//! is reported beside it). A material whose inputs are incomplete is a miss naming what is
//! missing. Every other miss gets the causes the inputs reveal ([`EuCheckRow::causes`]):
//! a WGI year that brings it within 0.1, another supply basis or stage that does, a value a
//! `config/supply.toml` entry marks unverified, EU sourcing shares that leave most of the
//! EU's sourcing out or repeat the global shares; otherwise "not explained by the transcribed
//! inputs". Nothing is tuned per material.
//!
//! Units: shares, IR, EoL-RIR and SI_SR as fractions; HHI_WGI,t and SR on 0–10.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{supply_risk, wgi_scaled, RiskInputs};
use crate::model::{
    EuCrmTables, EuMaterialResult, EuShare, EuStage, GovernanceRecord, SupplyBasis, WGI_INDICATORS,
};

/// The tolerance of the reproduction: one step of the published SR's last decimal.
pub const TOLERANCE: f64 = 0.1;

/// The single WGI years whose SRs [`eu_check`] lists beside the rule's.
pub const SENSITIVITY_YEARS: std::ops::RangeInclusive<i32> = 2014..=2021;

/// Which WGI estimates a country's governance is taken from (one rule for every country).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WgiRule {
    /// The mean over the years `from..=to` of each year's mean of the six estimates (years
    /// without all six skipped).
    Mean { from: i32, to: i32 },
    /// One WGI year.
    Year { year: i32 },
    /// The latest year ≤ `year` with all six estimates.
    LatestUpTo { year: i32 },
}

impl Default for WgiRule {
    /// The mean of 2016–2020, the 2023 study's reference period for supply.
    fn default() -> Self {
        WgiRule::Mean {
            from: 2016,
            to: 2020,
        }
    }
}

impl WgiRule {
    pub fn describe(&self) -> String {
        match *self {
            WgiRule::Mean { from, to } => format!("mean of WGI {from}–{to}"),
            WgiRule::Year { year } => format!("WGI {year}"),
            WgiRule::LatestUpTo { year } => format!("latest WGI up to {year}"),
        }
    }
}

/// Each country's mean of the six WGI estimates by year (years with all six only).
#[derive(Debug, Clone, Default)]
pub struct WgiTable {
    by_country: BTreeMap<String, Vec<(i32, f64)>>,
}

impl WgiTable {
    pub fn new(governance: &[GovernanceRecord]) -> WgiTable {
        let mut by_country: BTreeMap<String, Vec<(i32, f64)>> = BTreeMap::new();
        for g in governance {
            let estimates: Option<Vec<f64>> =
                WGI_INDICATORS.iter().map(|&i| g.get(i).estimate).collect();
            if let Some(e) = estimates {
                by_country
                    .entry(g.iso3.clone())
                    .or_default()
                    .push((g.year, e.iter().sum::<f64>() / 6.0));
            }
        }
        for years in by_country.values_mut() {
            years.sort_by_key(|y| y.0);
            years.dedup_by_key(|y| y.0);
        }
        WgiTable { by_country }
    }

    /// The country's governance on 0–10 (10 worst) under the rule, None without estimates.
    pub fn scaled(&self, iso3: &str, rule: WgiRule) -> Option<f64> {
        let years = self.by_country.get(iso3)?;
        let mean = match rule {
            WgiRule::Mean { from, to } => {
                let picked: Vec<f64> = years
                    .iter()
                    .filter(|(y, _)| (from..=to).contains(y))
                    .map(|(_, m)| *m)
                    .collect();
                if picked.is_empty() {
                    return None;
                }
                picked.iter().sum::<f64>() / picked.len() as f64
            }
            WgiRule::Year { year } => years.iter().find(|(y, _)| *y == year)?.1,
            WgiRule::LatestUpTo { year } => years.iter().rev().find(|(y, _)| *y <= year)?.1,
        };
        Some(wgi_scaled(mean))
    }

    /// The WGI year a [`WgiRule::LatestUpTo`] picks for a country.
    pub fn latest_year_up_to(&self, iso3: &str, year: i32) -> Option<i32> {
        self.by_country
            .get(iso3)?
            .iter()
            .rev()
            .find(|(y, _)| *y <= year)
            .map(|(y, _)| *y)
    }

    pub fn is_empty(&self) -> bool {
        self.by_country.is_empty()
    }
}

/// HHI_WGI,t of one supply (0–10) as a range, with what the range comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightedConcentration {
    pub low: f64,
    pub high: f64,
    /// The listed shares' sum (range: `<0.1%` shares count 0 to 0.1%).
    pub share_sum_low: f64,
    pub share_sum_high: f64,
    pub countries: usize,
    /// Countries without WGI estimates (each counted 0 to 10 × S² × t).
    pub missing_wgi: Vec<String>,
}

impl WeightedConcentration {
    pub fn mid(&self) -> f64 {
        (self.low + self.high) / 2.0
    }
}

/// HHI_WGI,t = Σ S² · WGI · t over the shares (bounds of `<x%` shares carried).
pub fn hhi_wgi_t<'a>(
    shares: impl IntoIterator<Item = &'a EuShare>,
    wgi: &dyn Fn(&str) -> Option<f64>,
) -> WeightedConcentration {
    let mut out = WeightedConcentration {
        low: 0.0,
        high: 0.0,
        share_sum_low: 0.0,
        share_sum_high: 0.0,
        countries: 0,
        missing_wgi: Vec::new(),
    };
    for s in shares {
        let (lo, hi) = s.share.bounds();
        out.share_sum_low += lo;
        out.share_sum_high += hi;
        out.countries += 1;
        match wgi(&s.iso3) {
            Some(w) => {
                out.low += lo * lo * w * s.t;
                out.high += hi * hi * w * s.t;
            }
            None => {
                out.high += hi * hi * 10.0 * s.t;
                out.missing_wgi.push(s.iso3.clone());
            }
        }
    }
    out.missing_wgi.sort();
    out.missing_wgi.dedup();
    out
}

/// Which supplies SR needs under a basis and import reliance: (global, EU sourcing). Under
/// GS+EU the global term weighs IR/2, so IR = 0 needs no global shares.
pub fn needs(basis: SupplyBasis, import_reliance: f64) -> (bool, bool) {
    match basis {
        SupplyBasis::GlobalAndEu => (import_reliance > 0.0, true),
        SupplyBasis::GlobalOnly => (true, false),
        SupplyBasis::EuOnly => (false, true),
    }
}

/// SR of one stage from the two HHI_WGI,t values (a supply the basis does not need may be
/// None); None when a needed one is missing.
pub fn stage_supply_risk(
    basis: SupplyBasis,
    global: Option<f64>,
    eu: Option<f64>,
    inputs: &RiskInputs,
) -> Option<f64> {
    let (need_global, need_eu) = needs(basis, inputs.import_reliance);
    let g = if need_global { global? } else { 0.0 };
    let e = if need_eu { eu? } else { 0.0 };
    Some(match basis {
        SupplyBasis::GlobalAndEu => supply_risk(g, e, inputs),
        SupplyBasis::GlobalOnly => supply_risk(g, g, inputs),
        SupplyBasis::EuOnly => supply_risk(e, e, inputs),
    })
}

/// A value `config/supply.toml` marks unverified, with the other transcription's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    /// The results table's material name.
    pub material: String,
    /// `eol_rir`, `import_reliance` or `substitution`.
    pub input: String,
    pub value: f64,
    pub why: String,
}

/// Whether a recomputed SR matches a published one (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The one-decimal values differ by at most 0.1.
    Hit,
    /// Computed, but farther off.
    Miss,
    /// An input is missing: a miss.
    Incomplete,
}

/// The inputs one reproduction used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInputs {
    pub import_reliance: Option<f64>,
    pub eol_rir: Option<f64>,
    pub substitution: Option<f64>,
    pub global: Option<WeightedConcentration>,
    pub eu_sourcing: Option<WeightedConcentration>,
}

/// One material of the reproduction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuCheckRow {
    pub material: String,
    /// Line of the material in the results file.
    pub line: u64,
    pub stage: Option<EuStage>,
    pub basis: Option<SupplyBasis>,
    pub published_sr: Option<f64>,
    /// The midpoint of the recomputed range (None: not computable).
    pub recomputed_sr: Option<f64>,
    pub recomputed_low: Option<f64>,
    pub recomputed_high: Option<f64>,
    /// recomputed − published.
    pub difference: Option<f64>,
    pub status: CheckStatus,
    /// |unrounded difference| ≤ 0.1.
    pub strict_hit: bool,
    /// What is missing (empty unless incomplete).
    pub missing: Vec<String>,
    /// Why a miss is off, as far as the inputs show.
    pub causes: Vec<String>,
    /// The recomputed SR (midpoint) under each single WGI year of [`SENSITIVITY_YEARS`].
    pub by_wgi_year: Vec<(i32, Option<f64>)>,
    pub inputs: CheckInputs,
}

/// Hits under one single WGI year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearHits {
    pub year: i32,
    pub hits: usize,
}

/// The reproduction of every material of the results table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuCheck {
    pub wgi_rule: WgiRule,
    pub tolerance: f64,
    pub rows: Vec<EuCheckRow>,
    pub total: usize,
    pub hits: usize,
    /// hits / total.
    pub hit_rate: f64,
    pub strict_hits: usize,
    pub incomplete: usize,
    /// Hits if every material took one single WGI year instead of the rule.
    pub hits_by_wgi_year: Vec<YearHits>,
}

/// Within the tolerance after rounding the recomputed SR to one decimal like the published.
pub fn is_hit(recomputed: f64, published: f64) -> bool {
    ((recomputed * 10.0).round() / 10.0 - published).abs() <= TOLERANCE + 1e-9
}

/// The inputs of one material at one stage, from the results table and Appendix 7.
struct StageCase<'a> {
    tables: &'a EuCrmTables,
    material: &'a EuMaterialResult,
    stage: EuStage,
    basis: SupplyBasis,
}

/// SR of a case under a WGI lookup, or the list of what is missing.
struct Computed {
    low: f64,
    high: f64,
    global: Option<WeightedConcentration>,
    eu: Option<WeightedConcentration>,
}

impl StageCase<'_> {
    fn risk_inputs(&self, missing: &mut Vec<String>) -> Option<RiskInputs> {
        let m = self.material;
        let at = m.at(self.stage);
        let ir = match (self.basis, at.import_reliance) {
            (_, Some(ir)) => ir,
            // IR only weighs the two supplies against each other.
            (SupplyBasis::GlobalOnly | SupplyBasis::EuOnly, None) => 0.0,
            (SupplyBasis::GlobalAndEu, None) => {
                missing.push(format!("import reliance at {}", self.stage.as_str()));
                0.0
            }
        };
        if m.eol_rir.is_none() {
            missing.push("EoL-RIR".into());
        }
        if m.si_sr.is_none() {
            missing.push("SI_SR".into());
        }
        Some(RiskInputs {
            import_reliance: ir,
            eol_rir: m.eol_rir?,
            substitution: m.si_sr?,
        })
    }

    fn compute(
        &self,
        wgi: &dyn Fn(&str) -> Option<f64>,
        overrides: Option<(&str, f64)>,
    ) -> Result<Computed, Vec<String>> {
        let mut missing = Vec::new();
        let inputs = self.risk_inputs(&mut missing);
        let inputs = inputs.map(|mut i| {
            match overrides {
                Some(("eol_rir", v)) => i.eol_rir = v,
                Some(("import_reliance", v)) => i.import_reliance = v,
                Some(("substitution", v)) => i.substitution = v,
                _ => {}
            }
            i
        });
        let ir = inputs.as_ref().map_or(0.0, |i| i.import_reliance);
        let (need_global, need_eu) = needs(self.basis, ir);
        let name = self.material.material.as_str();
        let supply = |table: &[EuShare], key: &str, what: &str, missing: &mut Vec<String>| {
            let rows: Vec<&EuShare> = EuCrmTables::shares(table, name, self.stage).collect();
            let rejected: Vec<u64> = self
                .tables
                .quarantined
                .iter()
                .filter(|q| q.material == name && q.table == key)
                .filter(|q| q.stage.is_none_or(|s| s == self.stage))
                .map(|q| q.record.line)
                .collect();
            if !rejected.is_empty() {
                missing.push(format!(
                    "{what} shares at {} (unreadable row at line {})",
                    self.stage.as_str(),
                    rejected
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if rows.is_empty() {
                missing.push(format!("{what} shares at {}", self.stage.as_str()));
                return None;
            }
            let w = hhi_wgi_t(rows, wgi);
            if !w.missing_wgi.is_empty() {
                missing.push(format!("WGI of {}", w.missing_wgi.join(", ")));
            }
            Some(w)
        };
        let global = if need_global {
            supply(&self.tables.global, "global", "global supply", &mut missing)
        } else {
            None
        };
        let eu = if need_eu {
            supply(
                &self.tables.eu_sourcing,
                "eu_sourcing",
                "EU sourcing",
                &mut missing,
            )
        } else {
            None
        };
        let (Some(inputs), true) = (inputs, missing.is_empty()) else {
            return Err(missing);
        };
        let low = stage_supply_risk(
            self.basis,
            global.as_ref().map(|g| g.low),
            eu.as_ref().map(|e| e.low),
            &inputs,
        );
        let high = stage_supply_risk(
            self.basis,
            global.as_ref().map(|g| g.high),
            eu.as_ref().map(|e| e.high),
            &inputs,
        );
        match (low, high) {
            (Some(low), Some(high)) => Ok(Computed {
                low,
                high,
                global,
                eu,
            }),
            _ => Err(vec!["a supply the basis needs".into()]),
        }
    }
}

fn mid(c: &Computed) -> f64 {
    (c.low + c.high) / 2.0
}

/// Reproduces the published SR of every material of the results table (see the module doc).
pub fn eu_check(
    tables: &EuCrmTables,
    governance: &[GovernanceRecord],
    rule: WgiRule,
    alternatives: &[Alternative],
) -> EuCheck {
    let wgi_table = WgiTable::new(governance);
    let rows: Vec<EuCheckRow> = tables
        .results
        .iter()
        .map(|m| {
            check_material(
                tables,
                m,
                m.stage,
                m.supply_risk,
                &wgi_table,
                rule,
                alternatives,
            )
        })
        .collect();
    let total = rows.len();
    let hits = rows.iter().filter(|r| r.status == CheckStatus::Hit).count();
    let hits_by_wgi_year = SENSITIVITY_YEARS
        .map(|year| YearHits {
            year,
            hits: rows
                .iter()
                .filter(|r| r.status != CheckStatus::Incomplete)
                .filter(|r| {
                    let sr = r
                        .by_wgi_year
                        .iter()
                        .find(|(y, _)| *y == year)
                        .and_then(|p| p.1);
                    matches!((sr, r.published_sr), (Some(s), Some(p)) if is_hit(s, p))
                })
                .count(),
        })
        .collect();
    EuCheck {
        wgi_rule: rule,
        tolerance: TOLERANCE,
        total,
        hits,
        hit_rate: if total > 0 {
            hits as f64 / total as f64
        } else {
            0.0
        },
        strict_hits: rows.iter().filter(|r| r.strict_hit).count(),
        incomplete: rows
            .iter()
            .filter(|r| r.status == CheckStatus::Incomplete)
            .count(),
        hits_by_wgi_year,
        rows,
    }
}

/// The published SR of a material at each stage the results table gives a supply basis for,
/// recomputed from the 2023 inputs (the check of [`eu_check`] at every stage, not only the one
/// SR is taken at).
pub fn check_stages(
    tables: &EuCrmTables,
    material: &str,
    governance: &[GovernanceRecord],
    rule: WgiRule,
    alternatives: &[Alternative],
) -> Vec<EuCheckRow> {
    let wgi_table = WgiTable::new(governance);
    let Some(m) = tables.result(material) else {
        return Vec::new();
    };
    [EuStage::Extraction, EuStage::Processing]
        .into_iter()
        .filter(|&st| m.at(st).basis.is_some())
        .map(|st| {
            check_material(
                tables,
                m,
                Some(st),
                m.at(st).supply_risk,
                &wgi_table,
                rule,
                alternatives,
            )
        })
        .collect()
}

/// One material at one stage against one published SR.
fn check_material(
    tables: &EuCrmTables,
    m: &EuMaterialResult,
    stage: Option<EuStage>,
    published_sr: Option<f64>,
    wgi_table: &WgiTable,
    rule: WgiRule,
    alternatives: &[Alternative],
) -> EuCheckRow {
    let mut row = EuCheckRow {
        material: m.material.clone(),
        line: m.line,
        stage,
        basis: stage.and_then(|s| m.at(s).basis),
        published_sr,
        recomputed_sr: None,
        recomputed_low: None,
        recomputed_high: None,
        difference: None,
        status: CheckStatus::Incomplete,
        strict_hit: false,
        missing: Vec::new(),
        causes: Vec::new(),
        by_wgi_year: Vec::new(),
        inputs: CheckInputs {
            import_reliance: stage.and_then(|s| m.at(s).import_reliance),
            eol_rir: m.eol_rir,
            substitution: m.si_sr,
            global: None,
            eu_sourcing: None,
        },
    };
    let Some(stage) = stage else {
        row.missing.push("the stage SR is taken at".into());
        return row;
    };
    let Some(basis) = row.basis else {
        row.missing.push(format!(
            "the supply basis at {} (GS+EU, GSonly or EUonly)",
            stage.as_str()
        ));
        row.causes.extend(m.flags.iter().cloned());
        return row;
    };
    let case = StageCase {
        tables,
        material: m,
        stage,
        basis,
    };
    let wgi_of = |rule: WgiRule| move |iso3: &str| wgi_table.scaled(iso3, rule);
    row.by_wgi_year = SENSITIVITY_YEARS
        .map(|year| {
            let computed = case.compute(&wgi_of(WgiRule::Year { year }), None);
            (year, computed.ok().map(|c| mid(&c)))
        })
        .collect();
    let computed = match case.compute(&wgi_of(rule), None) {
        Ok(c) => c,
        Err(missing) => {
            row.missing = missing;
            // What can be computed without the missing rows is still shown.
            return row;
        }
    };
    let sr = mid(&computed);
    row.recomputed_sr = Some(sr);
    row.recomputed_low = Some(computed.low);
    row.recomputed_high = Some(computed.high);
    row.inputs.global = computed.global.clone();
    row.inputs.eu_sourcing = computed.eu.clone();
    let Some(published) = published_sr else {
        row.missing.push("the published SR".into());
        return row;
    };
    row.difference = Some(sr - published);
    row.strict_hit = (sr - published).abs() <= TOLERANCE + 1e-9;
    row.status = if is_hit(sr, published) {
        CheckStatus::Hit
    } else {
        CheckStatus::Miss
    };
    if row.status == CheckStatus::Miss {
        row.causes = causes(
            &case,
            &computed,
            published,
            &row.by_wgi_year,
            wgi_table,
            rule,
            alternatives,
        );
    }
    row
}

/// The causes the inputs reveal for a miss (see the module doc), most specific first.
fn causes(
    case: &StageCase,
    computed: &Computed,
    published: f64,
    by_year: &[(i32, Option<f64>)],
    wgi_table: &WgiTable,
    rule: WgiRule,
    alternatives: &[Alternative],
) -> Vec<String> {
    let m = case.material;
    let wgi = |iso3: &str| wgi_table.scaled(iso3, rule);
    let mut out: Vec<String> = m.flags.clone();
    for alt in alternatives.iter().filter(|a| a.material == m.material) {
        if let Ok(c) = case.compute(&wgi, Some((alt.input.as_str(), alt.value))) {
            out.push(format!(
                "{} is unverified ({}): with {} SR = {:.2}{}",
                alt.input,
                alt.why,
                alt.value,
                mid(&c),
                if is_hit(mid(&c), published) {
                    ", within 0.1"
                } else {
                    ""
                }
            ));
        }
    }
    let years: Vec<String> = by_year
        .iter()
        .filter(|(_, sr)| sr.is_some_and(|s| is_hit(s, published)))
        .map(|(y, _)| y.to_string())
        .collect();
    if !years.is_empty() {
        out.push(format!(
            "within 0.1 with the WGI of {} alone: the WGI year matters",
            years.join(", ")
        ));
    }
    for basis in [
        SupplyBasis::GlobalAndEu,
        SupplyBasis::GlobalOnly,
        SupplyBasis::EuOnly,
    ] {
        if basis == case.basis {
            continue;
        }
        let other = StageCase { basis, ..*case };
        if let Ok(c) = other.compute(&wgi, None) {
            if is_hit(mid(&c), published) {
                out.push(format!(
                    "the published SR matches the {} computation ({:.2}): the results table's {} may be mis-transcribed",
                    basis.code(),
                    mid(&c),
                    case.basis.code()
                ));
            }
        }
    }
    let other_stage = match case.stage {
        EuStage::Extraction => EuStage::Processing,
        EuStage::Processing => EuStage::Extraction,
    };
    if let Some(basis) = m.at(other_stage).basis {
        let other = StageCase {
            stage: other_stage,
            basis,
            ..*case
        };
        if let Ok(c) = other.compute(&wgi, None) {
            if is_hit(mid(&c), published) {
                out.push(format!(
                    "the published SR matches the SR at {} ({:.2}): the stage may be mis-transcribed",
                    other_stage.as_str(),
                    mid(&c)
                ));
            }
        }
    }
    if let Some(eu) = &computed.eu {
        if eu.share_sum_high < 0.9 {
            out.push(format!(
                "the EU sourcing shares listed sum to {:.0}%: the rest of the EU's sourcing is not in the table",
                eu.share_sum_high * 100.0
            ));
        }
        let global: BTreeMap<&str, f64> =
            EuCrmTables::shares(&case.tables.global, &m.material, case.stage)
                .map(|s| (s.iso3.as_str(), s.share.bounds().1))
                .collect();
        let eu_rows: Vec<&EuShare> =
            EuCrmTables::shares(&case.tables.eu_sourcing, &m.material, case.stage).collect();
        let repeats = eu_rows.len() >= 3
            && eu_rows.iter().all(|s| {
                global
                    .get(s.iso3.as_str())
                    .is_some_and(|g| (g - s.share.bounds().1).abs() <= 0.011)
            });
        if repeats {
            out.push("the EU sourcing shares repeat the global shares (each within 1 point): the EU's own sourcing may be missing from the table".into());
        }
    }
    if out.is_empty() {
        let sr = mid(computed);
        out.push(format!(
            "not explained by the transcribed inputs (published / recomputed = {:.2})",
            if sr > 0.0 { published / sr } else { f64::NAN }
        ));
    }
    out
}

#[cfg(test)]
mod tests;
