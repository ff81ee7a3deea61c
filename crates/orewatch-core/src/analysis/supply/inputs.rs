//! The EU supply-risk inputs per commodity (`config/supply.toml`), each value with its
//! citation, range-checked.
//!
//! A `[commodity.NAME]` table (NAME as the store's production tables name the commodity) maps
//! it to the EU study's material and gives EI, the published SR and the stage SR is taken at;
//! `[commodity.NAME.extraction]` and `[commodity.NAME.processing]` give the stage's supply
//! basis, import reliance, EoL-RIR, SI_SR, published SR and where its EU sourcing shares come
//! from. Every number is a table `{ value = x, source = "…" }` or, where sources disagree,
//! `{ low = a, high = b, source = "…", unverified = "why" }`; a value can also carry
//! `unverified = "why"` and `alternative = y` (the other transcription's value). `source`
//! names keys of the file's `[sources]` table (joined by `;`), or is free text.
//!
//! Range checks (an error names the file, line, key and value): import reliance, EoL-RIR and
//! SI_SR are fractions 0–1 (`import_reliance = 60` is an error: write 0.6), EI is 0–10, a
//! published SR is ≥ 0, `low ≤ high`, listed EU sourcing shares are fractions summing to at
//! most 1.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::eu::Alternative;
use crate::model::{EuStage, SupplyBasis};

/// The shipped inputs (values of the EU's 2023 study, cited).
pub const DEFAULT_INPUTS_TOML: &str = include_str!("../../../../../config/supply.toml");

/// Where the shipped inputs are reported as coming from.
pub const DEFAULT_INPUTS_ORIGIN: &str = "config/supply.toml (embedded)";

/// An input value with its citation: a point (`low == high`) or a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cited {
    pub low: f64,
    pub high: f64,
    /// The citation, `[sources]` keys resolved.
    pub source: String,
    /// Why the value is not settled (transcriptions disagree), if it is not.
    pub unverified: Option<String>,
    /// The other transcription's value, when there is one.
    pub alternative: Option<f64>,
    /// The line of the value in the inputs file.
    pub line: u64,
}

impl Cited {
    pub fn is_range(&self) -> bool {
        self.low != self.high
    }

    /// `0.81` or `1.1–1.2`.
    pub fn text(&self, digits: usize) -> String {
        if self.is_range() {
            format!("{:.digits$}–{:.digits$}", self.low, self.high)
        } else {
            format!("{:.digits$}", self.low)
        }
    }
}

/// The supply basis at a stage, with its citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitedBasis {
    pub basis: SupplyBasis,
    pub source: String,
    pub line: u64,
}

/// Where a stage's EU sourcing shares come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum EuSourcing {
    /// The EU sourcing table of Appendix 7 (bundled, or `--eu-tables`).
    Appendix7,
    /// Shares given in the inputs file (ISO3 → fraction; the rest unknown).
    Listed {
        shares: BTreeMap<String, f64>,
        source: String,
    },
}

/// One stage's inputs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StageInputs {
    pub basis: Option<CitedBasis>,
    pub import_reliance: Option<Cited>,
    pub eol_rir: Option<Cited>,
    pub substitution: Option<Cited>,
    /// The published SR at this stage.
    pub supply_risk: Option<Cited>,
    pub eu_sourcing: Option<EuSourcing>,
}

impl StageInputs {
    /// The inputs SR needs that are not given.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.basis.is_none() {
            out.push("basis");
        }
        if self.import_reliance.is_none() {
            out.push("import_reliance");
        }
        if self.eol_rir.is_none() {
            out.push("eol_rir");
        }
        if self.substitution.is_none() {
            out.push("substitution");
        }
        if self.eu_sourcing.is_none()
            && self
                .basis
                .as_ref()
                .is_some_and(|b| b.basis != SupplyBasis::GlobalOnly)
        {
            out.push("eu_sourcing");
        }
        out
    }
}

/// One commodity's inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommodityInputs {
    /// The store's commodity name.
    pub commodity: String,
    /// The EU study's material (the results table's name).
    pub eu_material: Option<String>,
    /// What the mapping from the store's commodity to the EU's material means.
    pub note: Option<String>,
    /// The stage the EU takes SR at.
    pub eu_stage: Option<EuStage>,
    pub economic_importance: Option<Cited>,
    /// The published SR (at `eu_stage`).
    pub supply_risk: Option<Cited>,
    pub extraction: Option<StageInputs>,
    pub processing: Option<StageInputs>,
}

impl CommodityInputs {
    pub fn stage(&self, stage: EuStage) -> Option<&StageInputs> {
        match stage {
            EuStage::Extraction => self.extraction.as_ref(),
            EuStage::Processing => self.processing.as_ref(),
        }
    }
}

/// The inputs file, parsed and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyInputs {
    /// The file (or `config/supply.toml (embedded)`).
    pub origin: String,
    pub sources: BTreeMap<String, String>,
    pub commodities: BTreeMap<String, CommodityInputs>,
}

impl SupplyInputs {
    /// The shipped inputs. The file is checked by a test, so this cannot fail in a build.
    pub fn bundled() -> SupplyInputs {
        parse(DEFAULT_INPUTS_TOML, DEFAULT_INPUTS_ORIGIN)
            .unwrap_or_else(|e| panic!("config/supply.toml is checked by tests: {e}"))
    }

    pub fn commodity(&self, name: &str) -> Option<&CommodityInputs> {
        self.commodities.get(&name.to_lowercase())
    }

    /// The values marked unverified that carry an alternative, for the reproduction's causes.
    pub fn alternatives(&self) -> Vec<Alternative> {
        let mut out = Vec::new();
        for c in self.commodities.values() {
            let Some(material) = &c.eu_material else {
                continue;
            };
            for stage in [c.extraction.as_ref(), c.processing.as_ref()]
                .into_iter()
                .flatten()
            {
                for (name, value) in [
                    ("import_reliance", &stage.import_reliance),
                    ("eol_rir", &stage.eol_rir),
                    ("substitution", &stage.substitution),
                ] {
                    if let Some(Cited {
                        alternative: Some(alt),
                        unverified,
                        ..
                    }) = value
                    {
                        let a = Alternative {
                            material: material.clone(),
                            input: name.to_string(),
                            value: *alt,
                            why: unverified.clone().unwrap_or_default(),
                        };
                        if !out.contains(&a) {
                            out.push(a);
                        }
                    }
                }
            }
        }
        out
    }
}

/// An inputs file that cannot be used. Each message names the file, and the line and key
/// where there is one.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InputsError {
    #[error("{origin}: {message}")]
    Toml { origin: String, message: String },
    #[error("{origin}, line {line}: {key} = {value}: expected {expected}")]
    Value {
        origin: String,
        line: u64,
        key: String,
        value: String,
        expected: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    sources: BTreeMap<String, String>,
    #[serde(default)]
    commodity: BTreeMap<String, RawCommodity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommodity {
    eu_material: Option<String>,
    note: Option<String>,
    eu_stage: Option<RawText>,
    economic_importance: Option<RawCited>,
    supply_risk: Option<RawCited>,
    extraction: Option<RawStage>,
    processing: Option<RawStage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    basis: Option<RawText>,
    import_reliance: Option<RawCited>,
    eol_rir: Option<RawCited>,
    substitution: Option<RawCited>,
    supply_risk: Option<RawCited>,
    eu_sourcing: Option<RawSourcing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    value: Spanned<String>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCited {
    value: Option<Spanned<f64>>,
    low: Option<Spanned<f64>>,
    high: Option<Spanned<f64>>,
    source: String,
    unverified: Option<String>,
    alternative: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSourcing {
    from: Option<Spanned<String>>,
    shares: Option<BTreeMap<String, Spanned<f64>>>,
    source: Option<String>,
}

/// What a number may be.
#[derive(Clone, Copy)]
enum Kind {
    Fraction,
    EconomicImportance,
    SupplyRisk,
}

impl Kind {
    fn check(self, x: f64) -> Result<(), String> {
        let ok = x.is_finite()
            && match self {
                Kind::Fraction => (0.0..=1.0).contains(&x),
                Kind::EconomicImportance => (0.0..=10.0).contains(&x),
                Kind::SupplyRisk => x >= 0.0,
            };
        if ok {
            return Ok(());
        }
        Err(match self {
            Kind::Fraction if x > 1.0 && x <= 100.0 => format!(
                "a fraction in 0–1 ({x} looks like a percentage: write {})",
                x / 100.0
            ),
            Kind::Fraction => "a fraction in 0–1".to_string(),
            Kind::EconomicImportance => "an economic importance in 0–10".to_string(),
            Kind::SupplyRisk => "a supply risk ≥ 0".to_string(),
        })
    }
}

struct Parser<'a> {
    text: &'a str,
    origin: &'a str,
    sources: &'a BTreeMap<String, String>,
}

impl Parser<'_> {
    fn line(&self, offset: usize) -> u64 {
        1 + self.text[..offset.min(self.text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count() as u64
    }

    fn error(
        &self,
        offset: usize,
        key: &str,
        value: impl ToString,
        expected: String,
    ) -> InputsError {
        InputsError::Value {
            origin: self.origin.to_string(),
            line: self.line(offset),
            key: key.to_string(),
            value: value.to_string(),
            expected,
        }
    }

    /// `results; annex4` → the two citations; text that is no key stays as written.
    fn citation(&self, source: &str) -> String {
        source
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                self.sources
                    .get(s)
                    .cloned()
                    .unwrap_or_else(|| s.to_string())
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn number(&self, n: &Spanned<f64>, key: &str, kind: Kind) -> Result<f64, InputsError> {
        let x = *n.get_ref();
        kind.check(x)
            .map_err(|expected| self.error(n.span().start, key, x, expected))?;
        Ok(x)
    }

    fn cited(
        &self,
        raw: Option<&RawCited>,
        key: &str,
        kind: Kind,
    ) -> Result<Option<Cited>, InputsError> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        let (low, high, at) = match (&raw.value, &raw.low, &raw.high) {
            (Some(v), None, None) => {
                let x = self.number(v, key, kind)?;
                (x, x, v.span().start)
            }
            (None, Some(l), Some(h)) => {
                let (lo, hi) = (
                    self.number(l, &format!("{key}.low"), kind)?,
                    self.number(h, &format!("{key}.high"), kind)?,
                );
                if lo > hi {
                    return Err(self.error(
                        l.span().start,
                        &format!("{key}.low"),
                        lo,
                        format!("low ≤ high ({hi})"),
                    ));
                }
                (lo, hi, l.span().start)
            }
            _ => {
                return Err(InputsError::Toml {
                    origin: self.origin.to_string(),
                    message: format!("{key}: give either value = x or both low = a and high = b"),
                })
            }
        };
        let alternative = raw
            .alternative
            .as_ref()
            .map(|a| self.number(a, &format!("{key}.alternative"), kind))
            .transpose()?;
        Ok(Some(Cited {
            low,
            high,
            source: self.citation(&raw.source),
            unverified: raw.unverified.clone(),
            alternative,
            line: self.line(at),
        }))
    }

    fn stage(&self, raw: Option<&RawStage>, key: &str) -> Result<Option<StageInputs>, InputsError> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        let basis = raw
            .basis
            .as_ref()
            .map(|b| {
                let code = b.value.get_ref();
                SupplyBasis::from_code(code)
                    .map(|basis| CitedBasis {
                        basis,
                        source: self.citation(&b.source),
                        line: self.line(b.value.span().start),
                    })
                    .ok_or_else(|| {
                        self.error(
                            b.value.span().start,
                            &format!("{key}.basis"),
                            format!("\"{code}\""),
                            "GS+EU, GSonly or EUonly".into(),
                        )
                    })
            })
            .transpose()?;
        let eu_sourcing = match &raw.eu_sourcing {
            None => None,
            Some(RawSourcing {
                from: Some(from),
                shares: None,
                ..
            }) if from.get_ref() == "appendix7" => Some(EuSourcing::Appendix7),
            Some(RawSourcing {
                from: None,
                shares: Some(shares),
                source: Some(source),
            }) => {
                let mut out = BTreeMap::new();
                let mut sum = 0.0;
                for (iso3, s) in shares {
                    let x = self.number(s, &format!("{key}.eu_sourcing.shares.{iso3}"), Kind::Fraction)?;
                    sum += x;
                    out.insert(iso3.to_uppercase(), x);
                }
                if sum > 1.0 + 1e-9 {
                    let at = shares.values().next().map_or(0, |s| s.span().start);
                    return Err(self.error(
                        at,
                        &format!("{key}.eu_sourcing.shares"),
                        format!("a sum of {sum}"),
                        "shares summing to at most 1".into(),
                    ));
                }
                Some(EuSourcing::Listed {
                    shares: out,
                    source: self.citation(source),
                })
            }
            Some(_) => {
                return Err(InputsError::Toml {
                    origin: self.origin.to_string(),
                    message: format!(
                        "{key}.eu_sourcing: expected {{ from = \"appendix7\" }} or {{ shares = {{ ISO3 = fraction, … }}, source = \"…\" }}"
                    ),
                })
            }
        };
        Ok(Some(StageInputs {
            basis,
            import_reliance: self.cited(
                raw.import_reliance.as_ref(),
                &format!("{key}.import_reliance"),
                Kind::Fraction,
            )?,
            eol_rir: self.cited(
                raw.eol_rir.as_ref(),
                &format!("{key}.eol_rir"),
                Kind::Fraction,
            )?,
            substitution: self.cited(
                raw.substitution.as_ref(),
                &format!("{key}.substitution"),
                Kind::Fraction,
            )?,
            supply_risk: self.cited(
                raw.supply_risk.as_ref(),
                &format!("{key}.supply_risk"),
                Kind::SupplyRisk,
            )?,
            eu_sourcing,
        }))
    }
}

/// Parses and checks an inputs file; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<SupplyInputs, InputsError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| InputsError::Toml {
        origin: origin.to_string(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let p = Parser {
        text,
        origin,
        sources: &raw.sources,
    };
    let mut commodities = BTreeMap::new();
    for (name, c) in &raw.commodity {
        let key = format!("commodity.{name}");
        let eu_stage = c
            .eu_stage
            .as_ref()
            .map(|s| match s.value.get_ref().as_str() {
                "extraction" => Ok(EuStage::Extraction),
                "processing" => Ok(EuStage::Processing),
                other => Err(p.error(
                    s.value.span().start,
                    &format!("{key}.eu_stage"),
                    format!("\"{other}\""),
                    "extraction or processing".into(),
                )),
            })
            .transpose()?;
        commodities.insert(
            name.to_lowercase(),
            CommodityInputs {
                commodity: name.to_lowercase(),
                eu_material: c.eu_material.clone(),
                note: c.note.clone(),
                eu_stage,
                economic_importance: p.cited(
                    c.economic_importance.as_ref(),
                    &format!("{key}.economic_importance"),
                    Kind::EconomicImportance,
                )?,
                supply_risk: p.cited(
                    c.supply_risk.as_ref(),
                    &format!("{key}.supply_risk"),
                    Kind::SupplyRisk,
                )?,
                extraction: p.stage(c.extraction.as_ref(), &format!("{key}.extraction"))?,
                processing: p.stage(c.processing.as_ref(), &format!("{key}.processing"))?,
            },
        );
    }
    Ok(SupplyInputs {
        origin: origin.to_string(),
        sources: raw.sources.clone(),
        commodities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "[sources]
results = \"results table, as transcribed in results.csv\"

[commodity.gold]
eu_material = \"Gold\"
eu_stage = { value = \"extraction\", source = \"results\" }
economic_importance = { low = 2.3, high = 2.4, source = \"results; a second table\", unverified = \"two tables\" }

[commodity.gold.extraction]
basis = { value = \"GS+EU\", source = \"results\" }
import_reliance = { value = 0.6, source = \"results\" }
eol_rir = { value = 0.05, source = \"results\", unverified = \"another transcription\", alternative = 0.17 }
substitution = { value = 0.99, source = \"results\" }
eu_sourcing = { from = \"appendix7\" }
";

    #[test]
    fn values_sources_ranges_and_alternatives() {
        let inputs = parse(FILE, "supply.toml").unwrap();
        let gold = inputs.commodity("Gold").unwrap();
        assert_eq!(gold.eu_stage, Some(EuStage::Extraction));
        let ei = gold.economic_importance.as_ref().unwrap();
        assert_eq!((ei.low, ei.high, ei.line), (2.3, 2.4, 7));
        assert_eq!(
            ei.source,
            "results table, as transcribed in results.csv; a second table"
        );
        assert_eq!(ei.text(1), "2.3–2.4");
        let ex = gold.extraction.as_ref().unwrap();
        assert_eq!(ex.basis.as_ref().unwrap().basis, SupplyBasis::GlobalAndEu);
        assert_eq!(ex.import_reliance.as_ref().unwrap().line, 11);
        assert_eq!(ex.eu_sourcing, Some(EuSourcing::Appendix7));
        assert!(ex.missing().is_empty());
        assert_eq!(
            inputs.alternatives(),
            [Alternative {
                material: "Gold".into(),
                input: "eol_rir".into(),
                value: 0.17,
                why: "another transcription".into()
            }]
        );
    }

    #[test]
    fn out_of_range_values_name_the_key_and_the_line() {
        let bad = FILE.replace(
            "import_reliance = { value = 0.6",
            "import_reliance = { value = 60",
        );
        assert_eq!(
            parse(&bad, "supply.toml").unwrap_err().to_string(),
            "supply.toml, line 11: commodity.gold.extraction.import_reliance = 60: expected a \
             fraction in 0–1 (60 looks like a percentage: write 0.6)"
        );
        let bad = FILE.replace("low = 2.3, high = 2.4", "low = 2.5, high = 2.4");
        assert_eq!(
            parse(&bad, "supply.toml").unwrap_err().to_string(),
            "supply.toml, line 7: commodity.gold.economic_importance.low = 2.5: expected low ≤ high (2.4)"
        );
        let bad = FILE.replace("\"GS+EU\"", "\"GS and EU\"");
        assert_eq!(
            parse(&bad, "supply.toml").unwrap_err().to_string(),
            "supply.toml, line 10: commodity.gold.extraction.basis = \"GS and EU\": expected GS+EU, GSonly or EUonly"
        );
        let bad = FILE.replace(
            "eu_sourcing = { from = \"appendix7\" }",
            "eu_sourcing = { shares = { CHL = 0.7, PER = 0.6 }, source = \"x\" }",
        );
        assert!(parse(&bad, "supply.toml")
            .unwrap_err()
            .to_string()
            .starts_with(
                "supply.toml, line 14: commodity.gold.extraction.eu_sourcing.shares = a sum of 1.2"
            ));
        // Unknown keys are errors from the TOML reader, with its line.
        let bad = FILE.replace("substitution =", "substitute =");
        let e = parse(&bad, "supply.toml").unwrap_err().to_string();
        assert!(
            e.starts_with("supply.toml: TOML parse error at line 13"),
            "{e}"
        );
    }

    /// Every value of config/supply.toml is the bundled results table's (a range holds it at
    /// one end, the other end being Annex 4's 2023 value).
    #[test]
    fn the_shipped_file_holds_the_results_tables_values() {
        let inputs = SupplyInputs::bundled();
        let tables = crate::ingest::eu_crm::bundled().unwrap();
        let holds = |c: &Option<Cited>, x: Option<f64>, what: &str| {
            let c = c.as_ref().unwrap_or_else(|| panic!("{what} missing"));
            let x = x.unwrap_or_else(|| panic!("{what}: no value in the table"));
            assert!(
                (c.low - x).abs() < 1e-12 || (c.high - x).abs() < 1e-12,
                "{what}: {c:?} vs {x}"
            );
        };
        for name in [
            "gold",
            "lithium",
            "cobalt",
            "manganese",
            "bauxite",
            "phosphate rock",
            "copper",
        ] {
            let c = inputs.commodity(name).unwrap();
            let material = c.eu_material.as_deref().unwrap();
            let r = tables.result(material).unwrap();
            assert_eq!(c.eu_stage, r.stage, "{name}");
            holds(&c.economic_importance, r.economic_importance, name);
            holds(&c.supply_risk, r.supply_risk, name);
            let annex = tables
                .history_of(material)
                .into_iter()
                .find(|s| s.year == 2023)
                .unwrap();
            holds(&c.supply_risk, annex.supply_risk, name);
            holds(&c.economic_importance, annex.economic_importance, name);
            for stage in [EuStage::Extraction, EuStage::Processing] {
                let Some(s) = c.stage(stage) else {
                    continue;
                };
                let at = r.at(stage);
                let what = format!("{name} {}", stage.as_str());
                assert_eq!(s.basis.as_ref().map(|b| b.basis), at.basis, "{what}");
                holds(&s.import_reliance, at.import_reliance, &what);
                holds(&s.eol_rir, r.eol_rir, &what);
                holds(&s.substitution, r.si_sr, &what);
                holds(&s.supply_risk, at.supply_risk, &what);
                assert!(s.missing().is_empty(), "{what}: {:?}", s.missing());
            }
        }
        let alternatives = inputs.alternatives();
        let unverified: Vec<&str> = alternatives.iter().map(|a| a.material.as_str()).collect();
        assert_eq!(unverified, ["Copper", "Phosphate rock"]);
    }
}
