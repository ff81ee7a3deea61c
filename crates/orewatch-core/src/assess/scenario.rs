//! Partnership scenarios as assessments: check a file, run one, compare several on common
//! random numbers.
//!
//! - [`check`]: parse the file and resolve its data links without drawing.
//! - [`run`]: each output's distribution (mean, median, 5–95 %, threshold probabilities) and
//!   the inputs behind it by one-at-a-time swings and rank correlation
//!   ([`crate::scenario::sensitivity`]).
//! - [`compare`]: every scenario with the same seed and draws (common random numbers); per
//!   pair, P(A better than B) in the output's direction and the paired difference A − B; with
//!   a baseline, every scenario against it, and the tail contrast of chosen outputs
//!   ([`crate::scenario::contrast`]).
//!
//! Units are each output's own; probabilities are shares (0–1). Data links are resolved from
//! the store the caller loaded ([`StoreLinks`]); a scenario with links and no store is an error.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Provenance, SourceRef};
use crate::scenario::bundled::{bundled, bundled_path};
use crate::scenario::compare::{compare_draws, PairComparison};
use crate::scenario::contrast::{tail_contrast, TailContrast};
use crate::scenario::engine::{
    check_run_size, results, simulate_with, DataLinks, Draws, Keep, NoData, OutputResult, RunError,
    Timings,
};
use crate::scenario::links::{LinkNeeds, Resolved, ResolvedLinks, StoreLinks};
use crate::scenario::model::{
    parse_model, Correlation, Kind, Model, Perspective, Provenance as InputProvenance,
    ScenarioError,
};
use crate::scenario::sensitivity::{sensitivity, Sensitivity, SUBSAMPLE};

/// The seed every product uses unless told otherwise (printed with every result).
pub const DEFAULT_SEED: u64 = 20_250_101;
/// The Monte Carlo draws every product uses unless told otherwise.
pub const DEFAULT_DRAWS: usize = 100_000;

/// A scenario file's text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioText {
    /// A file path, or `scenarios/<key>.toml` for a bundled scenario.
    pub path: String,
    pub text: String,
}

impl ScenarioText {
    /// The bundled scenario `key` (`status_quo`, `us_deal`, `us_deal_safeguards`,
    /// `no_partner`).
    pub fn bundled(key: &str) -> Option<ScenarioText> {
        bundled()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(k, text)| ScenarioText {
                path: bundled_path(k),
                text: text.to_string(),
            })
    }

    /// Every bundled scenario, status quo first.
    pub fn every_bundled() -> Vec<ScenarioText> {
        bundled()
            .into_iter()
            .map(|(k, text)| ScenarioText {
                path: bundled_path(k),
                text: text.to_string(),
            })
            .collect()
    }

    /// The file stem (`us_deal` for `scenarios/us_deal.toml`).
    pub fn key(&self) -> String {
        std::path::Path::new(&self.path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.clone())
    }

    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }

    pub fn parse(&self) -> Result<Model, ScenarioError> {
        parse_model(&self.text, &self.path)
    }
}

/// Why a scenario assessment could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioAssessError {
    #[error(transparent)]
    Parse(#[from] ScenarioError),
    #[error("{file}:{line}:1: variables.{variable}.data: {message}")]
    Link {
        file: String,
        line: usize,
        variable: String,
        message: String,
    },
    #[error("{file}: the scenario has data links but no store is loaded. Run `orewatch ingest` first (or pass --store DIR).")]
    NoStore { file: String },
    #[error(transparent)]
    Run(#[from] RunError),
    #[error("{0}")]
    Request(String),
}

/// Parses the run's scenario and checks its size (draws, values held) before anything is
/// loaded or drawn: callers run it before they touch the store.
pub fn precheck_run(req: &RunRequest) -> Result<(), ScenarioAssessError> {
    let model = req.scenario.parse()?;
    check_run_size(&model, req.draws, Keep::InputPrefix(SUBSAMPLE))?;
    Ok(())
}

/// Parses every scenario of the comparison and checks each run's size (see [`precheck_run`]).
pub fn precheck_compare(req: &CompareRequest) -> Result<(), ScenarioAssessError> {
    for text in &req.scenarios {
        let model = text.parse()?;
        check_run_size(
            &model,
            req.draws,
            keep_for(req.draws, !req.contrast_outputs.is_empty()),
        )?;
    }
    Ok(())
}

/// What a comparison keeps of each run: the random inputs whole for tail contrasts, else none.
fn keep_for(draws: usize, keep_inputs: bool) -> Keep {
    Keep::InputPrefix(if keep_inputs { draws } else { 0 })
}

/// One scenario file as a result names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// The file stem (`us_deal`).
    pub key: String,
    /// The name the file gives (`US deal`).
    pub name: String,
    pub path: String,
    pub sha256: String,
    pub perspective: Perspective,
    pub duration_years: f64,
    pub as_of: String,
}

impl ScenarioInfo {
    fn of(text: &ScenarioText, model: &Model) -> Self {
        ScenarioInfo {
            key: text.key(),
            name: model.meta.name.clone(),
            path: text.path.clone(),
            sha256: text.sha256(),
            perspective: model.meta.perspective,
            duration_years: model.meta.duration_years,
            as_of: model.meta.as_of.clone(),
        }
    }
}

/// One variable of a scenario with where its values come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    pub name: String,
    pub unit: Option<String>,
    pub provenance: InputProvenance,
    /// Its line in the file.
    pub line: usize,
}

/// A data link resolved from the store: the variable, its link and the distribution it gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub variable: String,
    #[serde(flatten)]
    pub resolved: Resolved,
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckAssessment {
    pub scenario: ScenarioInfo,
    pub variables: usize,
    pub sourced: usize,
    pub assumed: usize,
    pub data_linked: usize,
    pub derived: usize,
    pub outputs: usize,
    pub correlations: usize,
    pub data_links: Vec<LinkInfo>,
    pub provenance: Provenance,
}

/// Parses a scenario and resolves its data links without drawing.
pub fn check(
    scenario: &ScenarioText,
    links: Option<&StoreLinks>,
) -> Result<CheckAssessment, ScenarioAssessError> {
    let model = scenario.parse()?;
    let data_links = resolve_links(&model, links)?;
    let count = |f: fn(&InputProvenance) -> bool| {
        model.variables.iter().filter(|v| f(&v.provenance)).count()
    };
    Ok(CheckAssessment {
        scenario: ScenarioInfo::of(scenario, &model),
        variables: model.variables.len(),
        sourced: count(|p| matches!(p, InputProvenance::Source(_))),
        assumed: count(|p| matches!(p, InputProvenance::Assumption(_))),
        data_linked: count(|p| matches!(p, InputProvenance::Data(_))),
        derived: count(|p| matches!(p, InputProvenance::Derived)),
        outputs: model.outputs.len(),
        correlations: model.correlations.len(),
        data_links,
        provenance: provenance_of(&[scenario], links, None),
    })
}

/// `orewatch scenario run`: one scenario's distributions and the inputs behind them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    pub scenario: ScenarioText,
    pub draws: usize,
    pub seed: u64,
}

/// One output of a run: its distribution and its inputs by one-at-a-time swing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputRun {
    pub result: OutputResult,
    pub sensitivity: Option<Sensitivity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunAssessment {
    pub scenario: ScenarioInfo,
    pub draws: usize,
    pub seed: u64,
    /// In aspect order, then name.
    pub outputs: Vec<OutputRun>,
    pub inputs: Vec<InputInfo>,
    pub correlations: Vec<Correlation>,
    pub data_links: Vec<LinkInfo>,
    pub provenance: Provenance,
}

/// Wall-clock time of the stages of [`run_timed`] (seconds), for `--timings`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunTimings {
    pub links: f64,
    pub simulate: f64,
    pub summaries: f64,
    pub sensitivity: f64,
    /// The engine's own stages.
    pub engine: Timings,
}

/// Runs one scenario (see [`RunRequest`]).
pub fn run(
    req: &RunRequest,
    links: Option<&StoreLinks>,
) -> Result<RunAssessment, ScenarioAssessError> {
    run_timed(req, links).map(|(a, _)| a)
}

/// [`run`], with the time each stage took.
pub fn run_timed(
    req: &RunRequest,
    links: Option<&StoreLinks>,
) -> Result<(RunAssessment, RunTimings), ScenarioAssessError> {
    precheck_run(req)?;
    let mut timings = RunTimings::default();
    let mut lap = {
        let mut last = Instant::now();
        move || {
            let now = Instant::now();
            let secs = (now - last).as_secs_f64();
            last = now;
            secs
        }
    };
    let model = req.scenario.parse()?;
    let data_links = resolve_links(&model, links)?;
    let resolved: Vec<(String, Resolved)> = data_links
        .iter()
        .map(|l| (l.variable.clone(), l.resolved.clone()))
        .collect();
    let already = ResolvedLinks(&resolved);
    let data: &dyn DataLinks = if resolved.is_empty() {
        &NoData
    } else {
        &already
    };
    timings.links = lap();
    // Sensitivity reads the first SUBSAMPLE draws of each input; nothing else is kept whole.
    let (sim, engine) = simulate_with(
        &model,
        req.draws,
        req.seed,
        data,
        Keep::InputPrefix(SUBSAMPLE),
    )?;
    timings.engine = engine;
    timings.simulate = lap();
    let summaries = results(&model, &sim);
    timings.summaries = lap();
    let mut sens: BTreeMap<String, Sensitivity> = sensitivity(&model, &sim)?
        .into_iter()
        .map(|s| (s.output.clone(), s))
        .collect();
    timings.sensitivity = lap();
    let outputs = summaries
        .into_iter()
        .map(|r| OutputRun {
            sensitivity: sens.remove(&r.name),
            result: r,
        })
        .collect();
    let assessment = RunAssessment {
        scenario: ScenarioInfo::of(&req.scenario, &model),
        draws: req.draws,
        seed: req.seed,
        outputs,
        inputs: inputs_of(&model),
        correlations: model.correlations.clone(),
        data_links,
        provenance: provenance_of(
            &[&req.scenario],
            links,
            Some(format!(
                "orewatch scenario run {} --draws {} --seed {}",
                req.scenario.path, req.draws, req.seed
            )),
        ),
    };
    Ok((assessment, timings))
}

/// `orewatch scenario compare`: several scenarios on common random numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRequest {
    pub scenarios: Vec<ScenarioText>,
    pub draws: usize,
    pub seed: u64,
    /// The key (file stem) of the scenario every other is compared with; None: every pair
    /// (i, j), i < j, in the order given.
    pub baseline: Option<String>,
    /// Outputs whose paired difference (scenario − baseline) gets a tail contrast; needs a
    /// baseline.
    pub contrast_outputs: Vec<String>,
}

/// One scenario's outputs in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioOutputs {
    pub scenario: ScenarioInfo,
    pub outputs: Vec<OutputResult>,
    pub data_links: Vec<LinkInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareAssessment {
    pub draws: usize,
    pub seed: u64,
    pub baseline: Option<String>,
    /// In the order given.
    pub scenarios: Vec<ScenarioOutputs>,
    /// With a baseline: (scenario, baseline) for every other scenario, P(scenario better);
    /// without: every pair (i, j), i < j, P(i better than j).
    pub pairs: Vec<PairComparison>,
    /// Per non-baseline scenario, per requested output.
    pub contrasts: Vec<TailContrast>,
    pub provenance: Provenance,
}

/// Compares scenarios (see [`CompareRequest`]).
pub fn compare(
    req: &CompareRequest,
    links: Option<&StoreLinks>,
) -> Result<CompareAssessment, ScenarioAssessError> {
    precheck_compare(req)?;
    let runs = simulate_all(
        &req.scenarios,
        req.draws,
        req.seed,
        links,
        !req.contrast_outputs.is_empty(),
    )?;
    let baseline =
        match &req.baseline {
            None if !req.contrast_outputs.is_empty() => return Err(ScenarioAssessError::Request(
                "a tail contrast compares each scenario with a baseline: name one (--baseline KEY)"
                    .into(),
            )),
            None => None,
            Some(key) => Some(
                req.scenarios
                    .iter()
                    .position(|s| s.key() == *key)
                    .ok_or_else(|| {
                        ScenarioAssessError::Request(format!(
                            "--baseline {key}: no scenario with that key; the keys are {}",
                            req.scenarios
                                .iter()
                                .map(ScenarioText::key)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    })?,
            ),
        };
    let pair_indices: Vec<(usize, usize)> = match baseline {
        Some(b) => (0..runs.len())
            .filter(|&i| i != b)
            .map(|i| (i, b))
            .collect(),
        None => (0..runs.len())
            .flat_map(|i| (i + 1..runs.len()).map(move |j| (i, j)))
            .collect(),
    };
    let mut pairs = Vec::new();
    for &(i, j) in &pair_indices {
        let (a, b) = (&runs[i], &runs[j]);
        let outputs = compare_draws(&a.model, &a.draws, &b.model, &b.draws)
            .map_err(ScenarioAssessError::Request)?;
        pairs.push(PairComparison {
            a: a.model.meta.name.clone(),
            b: b.model.meta.name.clone(),
            a_index: i,
            b_index: j,
            outputs,
        });
    }
    let mut contrasts = Vec::new();
    if let Some(b) = baseline {
        for (_, run) in runs.iter().enumerate().filter(|(i, _)| *i != b) {
            contrasts.extend(contrasts_of(run, &runs[b], &req.contrast_outputs)?);
        }
    }
    let texts: Vec<&ScenarioText> = req.scenarios.iter().collect();
    let command = format!(
        "orewatch scenario compare {}{} --draws {} --seed {}{}",
        req.scenarios
            .iter()
            .map(|s| s.path.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        req.baseline
            .as_ref()
            .map(|b| format!(" --baseline {b}"))
            .unwrap_or_default(),
        req.draws,
        req.seed,
        if req.contrast_outputs.is_empty() {
            String::new()
        } else {
            format!(" --contrast {}", req.contrast_outputs.join(","))
        }
    );
    Ok(CompareAssessment {
        draws: req.draws,
        seed: req.seed,
        baseline: req.baseline.clone(),
        scenarios: runs
            .into_iter()
            .map(|r| ScenarioOutputs {
                outputs: results(&r.model, &r.draws),
                scenario: r.info,
                data_links: r.data_links,
            })
            .collect(),
        pairs,
        contrasts,
        provenance: provenance_of(&texts, links, Some(command)),
    })
}

/// One scenario parsed, its links resolved and its draws made.
pub(crate) struct Simulated {
    pub info: ScenarioInfo,
    pub model: Model,
    pub draws: Draws,
    pub data_links: Vec<LinkInfo>,
}

/// Parses, resolves and simulates every scenario with one seed (common random numbers),
/// keeping each one's random inputs whole when `keep_inputs` (for tail contrasts).
pub(crate) fn simulate_all(
    scenarios: &[ScenarioText],
    draws: usize,
    seed: u64,
    links: Option<&StoreLinks>,
    keep_inputs: bool,
) -> Result<Vec<Simulated>, ScenarioAssessError> {
    scenarios
        .iter()
        .map(|text| simulate_one(text, draws, seed, links, keep_inputs))
        .collect()
}

pub(crate) fn simulate_one(
    text: &ScenarioText,
    draws: usize,
    seed: u64,
    links: Option<&StoreLinks>,
    keep_inputs: bool,
) -> Result<Simulated, ScenarioAssessError> {
    let model = text.parse()?;
    let keep = keep_for(draws, keep_inputs);
    check_run_size(&model, draws, keep)?;
    let data_links = resolve_links(&model, links)?;
    let resolved: Vec<(String, Resolved)> = data_links
        .iter()
        .map(|l| (l.variable.clone(), l.resolved.clone()))
        .collect();
    let already = ResolvedLinks(&resolved);
    let data: &dyn DataLinks = if resolved.is_empty() {
        &NoData
    } else {
        &already
    };
    let (sim, _) = simulate_with(&model, draws, seed, data, keep)?;
    Ok(Simulated {
        info: ScenarioInfo::of(text, &model),
        model,
        draws: sim,
        data_links,
    })
}

/// The tail contrasts of `run` − `baseline` for `outputs` (names both scenarios have).
pub(crate) fn contrasts_of(
    run: &Simulated,
    baseline: &Simulated,
    outputs: &[String],
) -> Result<Vec<TailContrast>, ScenarioAssessError> {
    let random: BTreeMap<String, Vec<f64>> = run
        .model
        .variables
        .iter()
        .filter(|v| !matches!(v.kind, Kind::Expr(_)))
        .filter_map(|v| Some((v.name.clone(), run.draws.variables.get(&v.name)?.clone())))
        .filter(|(_, d)| d.len() == run.draws.n)
        .collect();
    outputs
        .iter()
        .map(|name| {
            let (Some(a), Some(b), Some(o)) = (
                run.draws.outputs.get(name),
                baseline.draws.outputs.get(name),
                run.model.outputs.iter().find(|o| o.name == *name),
            ) else {
                return Err(ScenarioAssessError::Request(format!(
                    "--contrast {name}: not an output of both {} and {}",
                    run.info.path, baseline.info.path
                )));
            };
            Ok(tail_contrast(
                name,
                &o.unit,
                (&run.model.meta.name, a),
                (&baseline.model.meta.name, b),
                &random,
            ))
        })
        .collect()
}

/// Every data link of `model` resolved (no draws), in file order.
pub(crate) fn resolve_links(
    model: &Model,
    links: Option<&StoreLinks>,
) -> Result<Vec<LinkInfo>, ScenarioAssessError> {
    model
        .variables
        .iter()
        .filter_map(|v| match &v.kind {
            Kind::Data(link) => Some((v, link)),
            _ => None,
        })
        .map(|(v, link)| {
            let links = links.ok_or_else(|| ScenarioAssessError::NoStore {
                file: model.file.clone(),
            })?;
            links
                .resolve(link)
                .map(|resolved| LinkInfo {
                    variable: v.name.clone(),
                    resolved,
                })
                .map_err(|message| ScenarioAssessError::Link {
                    file: model.file.clone(),
                    line: v.line,
                    variable: v.name.clone(),
                    message,
                })
        })
        .collect()
}

/// What the scenarios' data links read from the store (nothing when they have none). A file
/// that does not parse reads nothing (its error comes when it is assessed).
pub fn link_needs(scenarios: &[ScenarioText]) -> LinkNeeds {
    let models: Vec<Model> = scenarios.iter().filter_map(|s| s.parse().ok()).collect();
    LinkNeeds::of(models.iter().flat_map(|m| {
        m.variables.iter().filter_map(|v| match &v.kind {
            Kind::Data(link) => Some(link.as_str()),
            _ => None,
        })
    }))
}

/// True when any of the scenarios reads the store (has a data link that parses or not).
pub fn reads_store(scenarios: &[ScenarioText]) -> bool {
    scenarios.iter().any(|s| {
        s.parse()
            .is_ok_and(|m| m.variables.iter().any(|v| matches!(v.kind, Kind::Data(_))))
    })
}

fn inputs_of(model: &Model) -> Vec<InputInfo> {
    model
        .variables
        .iter()
        .map(|v| InputInfo {
            name: v.name.clone(),
            unit: v.unit.clone(),
            provenance: v.provenance.clone(),
            line: v.line,
        })
        .collect()
}

pub(crate) fn provenance_of(
    scenarios: &[&ScenarioText],
    links: Option<&StoreLinks>,
    command: Option<String>,
) -> Provenance {
    let mut p = Provenance::new();
    p.command = command;
    p.sources = scenarios
        .iter()
        .map(|s| SourceRef {
            path: s.path.clone(),
            sha256: s.sha256(),
            kind: "scenario".into(),
        })
        .collect();
    if let Some(links) = links {
        p.sources.extend(links.sources.iter().map(|s| SourceRef {
            path: s.path.clone(),
            sha256: s.sha256.clone(),
            kind: s.kind.clone(),
        }));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::tests::json_round_trip;

    fn text(name: &str, y: &str) -> ScenarioText {
        ScenarioText {
            path: format!("{name}.toml"),
            text: format!(
                r#"
[scenario]
name = "{name}"
duration_years = 1
as_of = "2025-12-31"
perspective = "region"
[variables.x]
dist = "uniform"
min = 0.0
max = 1.0
assumption = "shared input"
[outputs.y]
expr = "{y}"
aspect = "governance"
unit = "index"
direction = "higher_is_better"
thresholds = [0.5]
"#
            ),
        }
    }

    #[test]
    fn run_gives_distributions_and_sensitivity_and_round_trips() {
        let req = RunRequest {
            scenario: text("a", "2 * x"),
            draws: 20_000,
            seed: DEFAULT_SEED,
        };
        let a = run(&req, None).unwrap();
        assert_eq!(a.outputs.len(), 1);
        // y = 2·U(0, 1): mean 1, P(y > 0.5) = 0.75 (SE 0.003).
        let y = &a.outputs[0].result;
        assert!((y.summary.mean - 1.0).abs() < 0.02, "{y:?}");
        assert!((y.above[0].1 - 0.75).abs() < 0.01);
        let s = a.outputs[0].sensitivity.as_ref().unwrap();
        assert_eq!(s.inputs[0].input, "x");
        assert_eq!(a.scenario.key, "a");
        assert!(a
            .provenance
            .command
            .as_deref()
            .unwrap()
            .contains("--seed 20250101"));
        json_round_trip(&a);
        json_round_trip(&req);
    }

    #[test]
    fn compare_against_a_baseline_pairs_each_scenario_with_it() {
        // B = x + 0.1 beats A = x in every paired draw; C = x − 0.1 loses in every one.
        let req = CompareRequest {
            scenarios: vec![text("a", "x"), text("b", "x + 0.1"), text("c", "x - 0.1")],
            draws: 5_000,
            seed: 7,
            baseline: Some("a".into()),
            contrast_outputs: vec!["y".into()],
        };
        let c = compare(&req, None).unwrap();
        assert_eq!(c.pairs.len(), 2);
        assert_eq!((c.pairs[0].a.as_str(), c.pairs[0].b.as_str()), ("b", "a"));
        assert_eq!(c.pairs[0].outputs[0].p_a_better, Some(1.0));
        assert_eq!(c.pairs[1].outputs[0].p_a_better, Some(0.0));
        // The difference does not depend on x: its contrast has no bar, centre ±0.1.
        assert_eq!(c.contrasts.len(), 2);
        assert!((c.contrasts[0].centre - 0.1).abs() < 1e-12);
        assert!(c.contrasts[0].bars.is_empty(), "{:?}", c.contrasts[0]);
        json_round_trip(&c);
        // Without a baseline, every pair in order; a contrast then needs one.
        let mut all = req.clone();
        all.baseline = None;
        assert!(matches!(
            compare(&all, None),
            Err(ScenarioAssessError::Request(_))
        ));
        all.contrast_outputs.clear();
        let c = compare(&all, None).unwrap();
        let names: Vec<(&str, &str)> = c
            .pairs
            .iter()
            .map(|p| (p.a.as_str(), p.b.as_str()))
            .collect();
        assert_eq!(names, [("a", "b"), ("a", "c"), ("b", "c")]);
    }

    #[test]
    fn a_linked_scenario_without_a_store_says_so() {
        let mut t = text("l", "x + w");
        t.text
            .push_str("[variables.w]\ndata = \"wgi(MLI, CC, latest)\"\n");
        let err = check(&t, None).unwrap_err().to_string();
        assert!(err.contains("no store is loaded"), "{err}");
    }

    #[test]
    fn bundled_scenarios_are_found_by_key() {
        let all = ScenarioText::every_bundled();
        assert_eq!(all[0].key(), "status_quo");
        assert_eq!(
            ScenarioText::bundled("us_deal").unwrap().path,
            "scenarios/us_deal.toml"
        );
        assert!(ScenarioText::bundled("nope").is_none());
        assert!(reads_store(&all));
    }
}
