//! The deal: the partnership options side by side, as the brief shows them.
//!
//! One assessment over several scenarios run on common random numbers (the first is the
//! baseline, the status quo), for the perspective the scenarios state:
//! - per output and scenario: median and 90 % interval (5th–95th percentile) and, for every
//!   scenario but the baseline, P(better than the baseline) and P(worse) from paired draws —
//!   the same numbers as `orewatch scenario compare … --baseline KEY` (it calls the same
//!   [`compare_draws`]); a cell is marked at [`MARK_PROBABILITY`];
//! - which comparisons hold across the whole range (P ≥ [`HOLDS_PROBABILITY`]: the 90 %
//!   interval of the paired difference lies on one side of zero) and which flip;
//! - a histogram per output and scenario on a common range (for small distribution plots);
//! - the tail contrast ([`crate::scenario::contrast`]) of the key outputs' paired difference
//!   (contrast scenario − baseline);
//! - every input with its source, assumption or data link, and every declared correlation.
//!
//! A scenario that fails to parse or run is a column with its error, not a failed assessment.
//! Units are each output's own; probabilities are shares (0–1).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::scenario::{
    contrasts_of, provenance_of, simulate_one, ScenarioText, Simulated, DEFAULT_DRAWS, DEFAULT_SEED,
};
use super::Provenance;
use crate::scenario::compare::compare_draws;
use crate::scenario::contrast::TailContrast;
use crate::scenario::engine::{quantile_sorted, summarise};
use crate::scenario::links::StoreLinks;
use crate::scenario::model::{
    Aspect, Direction, Model, Perspective, Provenance as InputProvenance,
};

/// A cell is marked better (worse) than the baseline at this probability or above.
pub const MARK_PROBABILITY: f64 = 0.8;
/// A comparison holds across the whole 90 % range at this probability or above.
pub const HOLDS_PROBABILITY: f64 = 0.95;
/// Bins of the distribution histograms.
pub const BINS: usize = 32;

/// The key (file stem) of the scenario whose difference from the baseline gets tail
/// contrasts in the brief.
pub const CONTRAST_SCENARIO: &str = "us_deal";
/// The outputs that get a tail contrast in the brief.
pub const KEY_OUTPUTS: [&str; 4] = [
    "coup_risk_over_period",
    "deaths_near_gold_mines_per_year",
    "civilians_killed_by_state_and_partner_per_year",
    "net_state_mining_revenue_musd",
];

/// What to compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealRequest {
    /// The first is the baseline.
    pub scenarios: Vec<ScenarioText>,
    pub draws: usize,
    pub seed: u64,
    /// Key of the scenario whose difference from the baseline gets tail contrasts.
    pub contrast_scenario: String,
    pub contrast_outputs: Vec<String>,
}

impl DealRequest {
    /// The brief's request: the bundled scenarios (status quo first), the default draws and
    /// seed, the US deal's contrasts on the key outputs.
    pub fn bundled() -> Self {
        DealRequest {
            scenarios: ScenarioText::every_bundled(),
            draws: DEFAULT_DRAWS,
            seed: DEFAULT_SEED,
            contrast_scenario: CONTRAST_SCENARIO.into(),
            contrast_outputs: KEY_OUTPUTS.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The CLI command that prints the same numbers.
    pub fn command(&self) -> String {
        let bundled = ScenarioText::every_bundled();
        let files = if self.scenarios == bundled {
            "--bundled".to_string()
        } else {
            self.scenarios
                .iter()
                .map(|s| s.path.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!(
            "orewatch scenario compare {files} --baseline {} --draws {} --seed {} --contrast {}",
            self.scenarios
                .first()
                .map(ScenarioText::key)
                .unwrap_or_default(),
            self.draws,
            self.seed,
            self.contrast_outputs.join(",")
        )
    }
}

/// A scenario column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioColumn {
    pub key: String,
    pub name: String,
    /// Why it did not run (parse or run error), if it did not.
    pub error: Option<String>,
}

/// One output of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    #[serde(with = "super::nan_as_null")]
    pub p5: f64,
    #[serde(with = "super::nan_as_null")]
    pub median: f64,
    #[serde(with = "super::nan_as_null")]
    pub p95: f64,
    /// P(better than the baseline), paired; None for the baseline itself.
    pub p_better: Option<f64>,
    /// P(worse than the baseline), paired; ties count in neither.
    pub p_worse: Option<f64>,
    /// Share of draws per bin of the row's [`OutputRow::plot_range`].
    pub histogram: Vec<f64>,
}

/// One output across the scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputRow {
    pub name: String,
    pub aspect: Aspect,
    pub unit: String,
    pub direction: Direction,
    pub description: Option<String>,
    /// One per scenario column; None where the scenario did not run.
    pub cells: Vec<Option<Cell>>,
    /// Range of the histograms (1st–99th percentile over the scenarios).
    pub plot_range: (f64, f64),
}

/// Where an input's range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Source,
    Assumption,
    DataLink,
}

/// One input of the scenarios, with the scenarios that use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputLine {
    pub name: String,
    pub unit: Option<String>,
    pub kind: InputKind,
    pub text: String,
    pub scenarios: Vec<String>,
}

/// A rank correlation imposed between two inputs, with the scenarios that declare it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrelationLine {
    pub a: String,
    pub b: String,
    /// Target Spearman rank correlation.
    pub rank: f64,
    /// Source or assumption; None when the file gives neither.
    pub kind: Option<InputKind>,
    pub text: String,
    pub scenarios: Vec<String>,
}

/// One scenario against the baseline for one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub output: String,
    pub scenario: String,
    pub p_better: f64,
    pub p_worse: f64,
}

impl Comparison {
    /// "better", "worse", "unchanged" (every draw ties) or "flips".
    pub fn verdict(&self) -> &'static str {
        if self.p_better >= HOLDS_PROBABILITY {
            "better"
        } else if self.p_worse >= HOLDS_PROBABILITY {
            "worse"
        } else if self.p_better == 0.0 && self.p_worse == 0.0 {
            "unchanged"
        } else {
            "flips"
        }
    }
}

/// The deal, side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealAssessment {
    /// The scenarios' stated perspective (of the first that parsed).
    pub perspective: Option<Perspective>,
    pub draws: usize,
    pub seed: u64,
    /// Baseline first.
    pub scenarios: Vec<ScenarioColumn>,
    /// In aspect order.
    pub rows: Vec<OutputRow>,
    pub comparisons: Vec<Comparison>,
    pub contrasts: Vec<TailContrast>,
    pub inputs: Vec<InputLine>,
    /// Sourced or assumed rank correlations between inputs, in first-declared order.
    pub correlations: Vec<CorrelationLine>,
    pub provenance: Provenance,
}

/// Runs the request's scenarios and sets them side by side.
pub fn assess_deal(req: &DealRequest, links: Option<&StoreLinks>) -> DealAssessment {
    let runs: Vec<(String, Result<Simulated, String>)> = req
        .scenarios
        .iter()
        .map(|text| {
            let keep_inputs = text.key() == req.contrast_scenario;
            let run = simulate_one(text, req.draws, req.seed, links, keep_inputs)
                .map_err(|e| e.to_string());
            (text.key(), run)
        })
        .collect();
    let mut deal = deal_of(&runs, req.draws, req.seed);
    let base = runs.first().and_then(|(_, r)| r.as_ref().ok());
    let contrast = runs
        .iter()
        .find(|(k, _)| *k == req.contrast_scenario)
        .and_then(|(_, r)| r.as_ref().ok());
    if let (Some(b), Some(c)) = (base, contrast) {
        let outputs: Vec<String> = req
            .contrast_outputs
            .iter()
            .filter(|o| c.draws.outputs.contains_key(*o) && b.draws.outputs.contains_key(*o))
            .cloned()
            .collect();
        deal.contrasts = contrasts_of(c, b, &outputs).unwrap_or_default();
    }
    let texts: Vec<&ScenarioText> = req.scenarios.iter().collect();
    deal.provenance = provenance_of(&texts, links, Some(req.command()));
    for (key, run) in &runs {
        if let Err(e) = run {
            deal.provenance
                .warnings
                .push(format!("{key} did not run: {e}"));
        }
    }
    deal
}

/// Shares of `draws` in `bins` equal bins of `[lo, hi]`; draws outside are clamped into the
/// end bins; NaN draws are left out.
pub fn histogram(draws: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut counts = vec![0usize; bins];
    let width = (hi - lo) / bins as f64;
    let mut n = 0usize;
    for &x in draws.iter().filter(|x| !x.is_nan()) {
        n += 1;
        let i = if width > 0.0 {
            (((x - lo) / width).floor().max(0.0) as usize).min(bins - 1)
        } else {
            bins / 2
        };
        counts[i] += 1;
    }
    counts
        .into_iter()
        .map(|c| c as f64 / n.max(1) as f64)
        .collect()
}

/// The deal from the runs (baseline first); contrasts and provenance are filled by the caller.
fn deal_of(
    runs: &[(String, Result<Simulated, String>)],
    draws: usize,
    seed: u64,
) -> DealAssessment {
    let scenarios: Vec<ScenarioColumn> = runs
        .iter()
        .map(|(key, r)| ScenarioColumn {
            key: key.clone(),
            name: r
                .as_ref()
                .map(|s| s.model.meta.name.clone())
                .unwrap_or_else(|_| key.clone()),
            error: r.as_ref().err().cloned(),
        })
        .collect();
    let ok: Vec<Option<&Simulated>> = runs.iter().map(|(_, r)| r.as_ref().ok()).collect();
    let first_model: Option<&Model> = ok.iter().flatten().map(|s| &s.model).next();
    let base = ok.first().copied().flatten();

    let mut rows = Vec::new();
    let mut comparisons = Vec::new();
    if let Some(model) = first_model {
        // P(better)/P(worse) per scenario and output, by the CLI's own paired comparison.
        type BetterWorse = (Option<f64>, Option<f64>);
        let paired: Vec<BTreeMap<String, BetterWorse>> = ok
            .iter()
            .enumerate()
            .map(|(i, s)| match (i, s, base) {
                (0, _, _) | (_, None, _) | (_, _, None) => BTreeMap::new(),
                (_, Some(s), Some(b)) => compare_draws(&s.model, &s.draws, &b.model, &b.draws)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| (c.output, (c.p_a_better, c.p_a_worse)))
                    .collect(),
            })
            .collect();
        for o in &model.outputs {
            let per_run: Vec<Option<&Vec<f64>>> = ok
                .iter()
                .map(|s| s.and_then(|s| s.draws.outputs.get(&o.name)))
                .collect();
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for d in per_run.iter().flatten() {
                let mut s: Vec<f64> = d.iter().copied().filter(|x| !x.is_nan()).collect();
                s.sort_by(f64::total_cmp);
                lo = lo.min(quantile_sorted(&s, 0.01));
                hi = hi.max(quantile_sorted(&s, 0.99));
            }
            if !(lo.is_finite() && hi.is_finite()) {
                (lo, hi) = (0.0, 1.0);
            }
            let cells = per_run
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let d = (*d)?;
                    let s = summarise(d);
                    let (p_better, p_worse) =
                        paired[i].get(&o.name).copied().unwrap_or((None, None));
                    if let (Some(pb), Some(pw)) = (p_better, p_worse) {
                        comparisons.push(Comparison {
                            output: o.name.clone(),
                            scenario: scenarios[i].name.clone(),
                            p_better: pb,
                            p_worse: pw,
                        });
                    }
                    Some(Cell {
                        p5: s.p5,
                        median: s.median,
                        p95: s.p95,
                        p_better,
                        p_worse,
                        histogram: histogram(d, lo, hi, BINS),
                    })
                })
                .collect();
            rows.push(OutputRow {
                name: o.name.clone(),
                aspect: o.aspect,
                unit: o.unit.clone(),
                direction: o.direction,
                description: o.description.clone(),
                cells,
                plot_range: (lo, hi),
            });
        }
        rows.sort_by_key(|r| r.aspect);
    }

    DealAssessment {
        perspective: first_model.map(|m| m.meta.perspective),
        draws,
        seed,
        scenarios,
        rows,
        comparisons,
        contrasts: Vec::new(),
        inputs: inputs_of(runs),
        correlations: correlations_of(runs),
        provenance: Provenance::new(),
    }
}

fn kind_of(p: &InputProvenance) -> Option<(InputKind, String)> {
    match p {
        InputProvenance::Source(s) => Some((InputKind::Source, s.clone())),
        InputProvenance::Assumption(s) => Some((InputKind::Assumption, s.clone())),
        InputProvenance::Data(s) => Some((InputKind::DataLink, s.clone())),
        InputProvenance::Derived => None,
    }
}

/// Every random input, once, with the scenarios that use it (sourced, assumed, linked).
fn inputs_of(runs: &[(String, Result<Simulated, String>)]) -> Vec<InputLine> {
    let mut inputs: BTreeMap<String, InputLine> = BTreeMap::new();
    for (key, r) in runs {
        let Ok(s) = r else { continue };
        for v in &s.model.variables {
            let Some((kind, text)) = kind_of(&v.provenance) else {
                continue;
            };
            let line = inputs.entry(v.name.clone()).or_insert_with(|| InputLine {
                name: v.name.clone(),
                unit: v.unit.clone(),
                kind,
                text,
                scenarios: Vec::new(),
            });
            line.scenarios.push(key.clone());
        }
    }
    let mut inputs: Vec<InputLine> = inputs.into_values().collect();
    inputs.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.name.cmp(&b.name)));
    inputs
}

/// Every declared correlation, once per (pair, target, provenance), with its scenarios.
fn correlations_of(runs: &[(String, Result<Simulated, String>)]) -> Vec<CorrelationLine> {
    let mut correlations: Vec<CorrelationLine> = Vec::new();
    for (key, r) in runs {
        let Ok(s) = r else { continue };
        for c in &s.model.correlations {
            let (kind, text) = match c.provenance.as_ref().and_then(kind_of) {
                Some((k, t)) => (Some(k), t),
                None => (None, String::new()),
            };
            let same = |l: &CorrelationLine| {
                l.a == c.a && l.b == c.b && l.rank == c.rank && l.kind == kind && l.text == text
            };
            match correlations.iter_mut().find(|l| same(l)) {
                Some(line) => line.scenarios.push(key.clone()),
                None => correlations.push(CorrelationLine {
                    a: c.a.clone(),
                    b: c.b.clone(),
                    rank: c.rank,
                    kind,
                    text,
                    scenarios: vec![key.clone()],
                }),
            }
        }
    }
    correlations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::scenario::{compare, CompareRequest};
    use crate::assess::tests::json_round_trip;

    #[test]
    fn histogram_hand_worked() {
        // Bins of [0, 4]: [0,1) gets 0 and 0.5; [1,2) 1.5; [2,3) 2.5; [3,4] 3.9 and 10 (clamped).
        let h = histogram(&[0.0, 0.5, 1.5, 2.5, 3.9, 10.0, f64::NAN], 0.0, 4.0, 4);
        let sixth = 1.0 / 6.0;
        assert_eq!(h, vec![2.0 * sixth, sixth, sixth, 2.0 * sixth]);
    }

    const HEAD: &str = "[scenario]\nname = \"{NAME}\"\nduration_years = 5\nas_of = \"2025-12-31\"\nperspective = \"mali_population\"\n";

    const SHARED: &str = r#"
[variables.x]
dist = "uniform"
min = 0.0
max = 10.0
source = "test: a shared input"
[variables.noise]
dist = "normal"
mean = 0.0
sd = 0.5
assumption = "test: only in B"
[outputs.revenue]
expr = "x + gain"
aspect = "resource_management"
unit = "million USD per year"
direction = "higher_is_better"
[outputs.harm]
expr = "x * 0 + 2"
aspect = "security"
unit = "deaths per year"
direction = "higher_is_worse"
[[correlations]]
a = "x"
b = "noise"
rank = 0.3
assumption = "test: a shared pair"
"#;

    fn text(key: &str, name: &str, gain: &str) -> ScenarioText {
        ScenarioText {
            path: format!("{key}.toml"),
            text: format!(
                "{}{SHARED}[variables.gain]\nexpr = \"{gain}\"\n",
                HEAD.replace("{NAME}", name)
            ),
        }
    }

    fn request() -> DealRequest {
        // A: gain 0; B: gain = 1 + noise, so B beats A on revenue when noise > −1, i.e. with
        // probability Φ(2) = 0.977; harm is 2 in both (same in every draw); c does not parse.
        DealRequest {
            scenarios: vec![
                text("a", "A", "0 * noise"),
                text("b", "B", "1 + noise"),
                ScenarioText {
                    path: "c.toml".into(),
                    text: "not toml".into(),
                },
            ],
            draws: 20_000,
            seed: 3,
            contrast_scenario: "b".into(),
            contrast_outputs: vec!["revenue".into()],
        }
    }

    #[test]
    fn built_from_paired_runs() {
        let deal = assess_deal(&request(), None);
        assert_eq!(deal.perspective, Some(Perspective::MaliPopulation));
        assert_eq!(deal.draws, 20_000);
        assert_eq!(deal.scenarios.len(), 3);
        assert!(deal.scenarios[2].error.is_some());
        assert!(deal.provenance.warnings[0].starts_with("c did not run"));
        // Rows in aspect order: security before resource management.
        let names: Vec<&str> = deal.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["harm", "revenue"]);
        let rev = &deal.rows[1];
        let b = rev.cells[1].as_ref().unwrap();
        // P(1 + N(0, 0.5²) > 0) = Φ(2) = 0.97725; standard error ≈ 0.001.
        let pb = b.p_better.unwrap();
        assert!((pb - 0.977_25).abs() < 0.005, "{pb}");
        assert!(rev.cells[2].is_none());
        assert_eq!(rev.cells[0].as_ref().unwrap().p_better, None);
        // Median of U(0, 10) + 1 + N(0, 0.25) ≈ 6.
        assert!((b.median - 6.0).abs() < 0.1, "{}", b.median);
        assert!((b.histogram.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let harm = &deal.comparisons[0];
        assert_eq!(
            (harm.output.as_str(), harm.verdict()),
            ("harm", "unchanged")
        );
        assert_eq!(deal.comparisons[1].verdict(), "better");
        // Contrast of B − A on revenue: noise is the only input that moves the difference.
        let t = &deal.contrasts[0];
        assert_eq!(t.bars[0].input, "noise");
        assert!(t.bars[0].low < t.centre && t.centre < t.bars[0].high);
        assert!((t.centre - 1.0).abs() < 0.02, "{}", t.centre);
        // x cancels in the pair but is rank-correlated (0.3) with noise: a smaller bar.
        if let Some(x) = t.bars.iter().find(|b| b.input == "x") {
            let noise = &t.bars[0];
            assert!(x.low < x.high, "{x:?}");
            assert!(x.high - x.low < 0.5 * (noise.high - noise.low));
        }
        // Inputs: x (source, in a and b), noise (assumption, in a and b).
        assert_eq!(deal.inputs.len(), 2);
        assert_eq!(deal.inputs[0].kind, InputKind::Source);
        assert_eq!(deal.inputs[0].scenarios, ["a", "b"]);
        assert_eq!(
            deal.correlations,
            [CorrelationLine {
                a: "x".into(),
                b: "noise".into(),
                rank: 0.3,
                kind: Some(InputKind::Assumption),
                text: "test: a shared pair".into(),
                scenarios: vec!["a".into(), "b".into()],
            }]
        );
        json_round_trip(&deal);
    }

    /// The deal's numbers are the compare assessment's, the one `orewatch scenario compare`
    /// prints: same P(better), same medians, same contrast.
    #[test]
    fn equals_the_cli_comparison() {
        let mut req = request();
        req.scenarios.pop();
        let deal = assess_deal(&req, None);
        let cmp = compare(
            &CompareRequest {
                scenarios: req.scenarios.clone(),
                draws: req.draws,
                seed: req.seed,
                baseline: Some("a".into()),
                contrast_outputs: req.contrast_outputs.clone(),
            },
            None,
        )
        .unwrap();
        let rev = deal.rows.iter().find(|r| r.name == "revenue").unwrap();
        let pair = &cmp.pairs[0];
        let o = pair.outputs.iter().find(|o| o.output == "revenue").unwrap();
        assert_eq!(rev.cells[1].as_ref().unwrap().p_better, o.p_a_better);
        let b_median = cmp.scenarios[1]
            .outputs
            .iter()
            .find(|o| o.name == "revenue")
            .unwrap()
            .summary
            .median;
        assert_eq!(rev.cells[1].as_ref().unwrap().median, b_median);
        assert_eq!(deal.contrasts, cmp.contrasts);
    }

    #[test]
    fn the_bundled_request_names_its_command() {
        let req = DealRequest::bundled();
        assert_eq!(req.scenarios[0].key(), "status_quo");
        assert_eq!(
            req.command(),
            "orewatch scenario compare --bundled --baseline status_quo --draws 100000 --seed 20250101 --contrast coup_risk_over_period,deaths_near_gold_mines_per_year,civilians_killed_by_state_and_partner_per_year,net_state_mining_revenue_musd"
        );
    }
}
