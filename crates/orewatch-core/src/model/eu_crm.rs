//! The EU's 2023 criticality assessment as published (European Commission, *Study on the
//! Critical Raw Materials for the EU 2023 — Final Report*, Grohol & Veeh 2023): per material
//! the supply risk (SR), economic importance (EI) and SR's inputs; SR and EI of every
//! assessment since 2011 (Annex 4); the global supply shares and the EU's sourcing shares by
//! stage and country with the trade variable t (Appendix 7).
//!
//! Units: shares, import reliance and EoL-RIR as fractions 0–1 (the tables print percent);
//! SR and EI on the method's own scales (SR ≥ 0, EI 0–10); t dimensionless (0.8 EU members and
//! partners with agreements, 1 otherwise, above 1 under export restrictions).
//! Reader: `ingest::eu_crm`; method: `analysis::supply::eu`.

use serde::{Deserialize, Serialize};

use super::QuarantineRecord;

/// A stage of the value chain as the EU method names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EuStage {
    /// Mining / extraction (`E`): the store's `mine` stage.
    Extraction,
    /// Processing / refining (`P`): the store's `refinery` stage.
    Processing,
}

impl EuStage {
    pub fn as_str(self) -> &'static str {
        match self {
            EuStage::Extraction => "extraction",
            EuStage::Processing => "processing",
        }
    }

    /// The production stage of the store's USGS series at this EU stage.
    pub fn production_stage(self) -> &'static str {
        match self {
            EuStage::Extraction => "mine",
            EuStage::Processing => "refinery",
        }
    }

    /// The EU stage of a store production stage (`mine`, `refinery`).
    pub fn of_production_stage(stage: &str) -> Option<EuStage> {
        match stage {
            "mine" => Some(EuStage::Extraction),
            "refinery" => Some(EuStage::Processing),
            _ => None,
        }
    }
}

/// Which supply an SR is computed from (the results table's `GS+EU`, `GSonly`, `EUonly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplyBasis {
    /// Global supply weighted by IR/2 and EU sourcing by 1 − IR/2.
    GlobalAndEu,
    /// Global supply only (the EU's sourcing not assessed).
    GlobalOnly,
    /// EU sourcing only.
    EuOnly,
}

impl SupplyBasis {
    /// The results table's code.
    pub fn code(self) -> &'static str {
        match self {
            SupplyBasis::GlobalAndEu => "GS+EU",
            SupplyBasis::GlobalOnly => "GSonly",
            SupplyBasis::EuOnly => "EUonly",
        }
    }

    /// Parses a code of the results table (`GS+EU`, `GSonly`, `EUonly`; exact).
    pub fn from_code(code: &str) -> Option<SupplyBasis> {
        match code {
            "GS+EU" => Some(SupplyBasis::GlobalAndEu),
            "GSonly" => Some(SupplyBasis::GlobalOnly),
            "EUonly" => Some(SupplyBasis::EuOnly),
            _ => None,
        }
    }
}

/// The inputs of SR at one stage, as the results table gives them (None: empty or unreadable,
/// see the material's `flags`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EuStageResult {
    pub basis: Option<SupplyBasis>,
    /// The published SR at this stage.
    pub supply_risk: Option<f64>,
    /// Import reliance, fraction 0–1.
    pub import_reliance: Option<f64>,
}

/// One material of the results table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuMaterialResult {
    /// The results table's name (the canonical name every other table is mapped to).
    pub material: String,
    /// 1-based line in the results file.
    pub line: u64,
    /// The published SR (at `stage`).
    pub supply_risk: Option<f64>,
    pub economic_importance: Option<f64>,
    /// The stage SR is taken at (`eu_used_stage`).
    pub stage: Option<EuStage>,
    /// The stages assessed (`E`, `P`, `E+P`).
    pub stages_assessed: Vec<EuStage>,
    pub extraction: EuStageResult,
    pub processing: EuStageResult,
    /// Substitution index for EI and for SR (0–1).
    pub si_ei: Option<f64>,
    pub si_sr: Option<f64>,
    /// End-of-life recycling input rate, fraction 0–1.
    pub eol_rir: Option<f64>,
    /// What the reader found wrong with the row, in words (`line 14: …`).
    pub flags: Vec<String>,
}

impl EuMaterialResult {
    /// The stage's inputs.
    pub fn at(&self, stage: EuStage) -> &EuStageResult {
        match stage {
            EuStage::Extraction => &self.extraction,
            EuStage::Processing => &self.processing,
        }
    }
}

/// A share as printed: a number, or "below" a bound (`<0.1%`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareValue {
    /// A fraction 0–1.
    Exact(f64),
    /// Somewhere in [0, bound) (fraction).
    Below(f64),
}

impl ShareValue {
    /// The smallest and largest fraction the printed share allows.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            ShareValue::Exact(s) => (s, s),
            ShareValue::Below(b) => (0.0, b),
        }
    }
}

/// One country's share of a material's supply at a stage (Appendix 7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuShare {
    /// Canonical material name (the results table's).
    pub material: String,
    pub stage: EuStage,
    /// The report's country name as printed.
    pub country: String,
    pub iso3: String,
    pub share: ShareValue,
    /// The trade-related variable t.
    pub t: f64,
    pub line: u64,
}

/// An Appendix 7 row that could not be read: which material's shares it leaves incomplete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuRejectedShare {
    /// Canonical material name.
    pub material: String,
    /// Global supply (`global`) or EU sourcing (`eu_sourcing`).
    pub table: String,
    /// The row's stage when it could be read.
    pub stage: Option<EuStage>,
    pub record: QuarantineRecord,
}

/// SR and EI of one material in one assessment (Annex 4; None: not assessed, `-`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuScore {
    /// Canonical material name (Bauxite kept as its own material: merged into Aluminium in 2023).
    pub material: String,
    pub year: i32,
    pub supply_risk: Option<f64>,
    pub economic_importance: Option<f64>,
    pub line: u64,
}

/// One of the four files: where it came from and its checksum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuTableFile {
    /// `bundled:<name>` for the copy compiled into orewatch, else the path read.
    pub path: String,
    /// Which table of the report it transcribes.
    pub table: String,
    pub sha256: String,
    /// `UTF-8` or `Latin-1`.
    pub encoding: String,
    pub rows: u64,
}

/// The four tables, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EuCrmTables {
    /// Results table, one entry per material (a repeated identical row read once).
    pub results: Vec<EuMaterialResult>,
    /// Annex 4.
    pub history: Vec<EuScore>,
    /// Appendix 7, global supply.
    pub global: Vec<EuShare>,
    /// Appendix 7, EU sourcing.
    pub eu_sourcing: Vec<EuShare>,
    pub files: Vec<EuTableFile>,
    /// Share rows that could not be read (a share without `%`, a bad t or stage), with why.
    pub quarantined: Vec<EuRejectedShare>,
    /// Defects found and how they were read, each naming its file and line.
    pub notes: Vec<String>,
}

impl EuCrmTables {
    /// The results entry of a material (canonical name, exact).
    pub fn result(&self, material: &str) -> Option<&EuMaterialResult> {
        self.results.iter().find(|r| r.material == material)
    }

    /// The shares of `material` at `stage` from `table` (global or EU sourcing).
    pub fn shares<'a>(
        table: &'a [EuShare],
        material: &'a str,
        stage: EuStage,
    ) -> impl Iterator<Item = &'a EuShare> + 'a {
        table
            .iter()
            .filter(move |s| s.material == material && s.stage == stage)
    }

    /// Annex 4 scores of a material and of the materials merged into it in 2023
    /// (`ingest::eu_crm::MERGED_IN_2023`), by material, oldest first.
    pub fn history_with_merged(&self, material: &str, merged: &[(&str, &str)]) -> Vec<&EuScore> {
        let mut v: Vec<&EuScore> = self
            .history
            .iter()
            .filter(|s| {
                s.material == material
                    || merged
                        .iter()
                        .any(|(m, into)| *into == material && s.material == *m)
            })
            .collect();
        v.sort_by(|a, b| {
            (a.material != material, &a.material, a.year).cmp(&(
                b.material != material,
                &b.material,
                b.year,
            ))
        });
        v
    }

    /// Annex 4 scores of a material, oldest first.
    pub fn history_of(&self, material: &str) -> Vec<&EuScore> {
        let mut v: Vec<&EuScore> = self
            .history
            .iter()
            .filter(|s| s.material == material)
            .collect();
        v.sort_by_key(|s| s.year);
        v
    }
}
