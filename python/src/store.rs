//! The store questions: a request as JSON (the assessment's own serde request type) in, the
//! assessment's result as JSON out. Loading is the CLI's (the same store, the same bundled
//! tables); every number comes from the assessment in `orewatch-core`.

use std::path::{Path, PathBuf};

use orewatch_core::actors::aliases::{self, default_aliases};
use orewatch_core::actors::assess::{self as actors, AliasTable, Inputs};
use orewatch_core::analysis::supply::assessment::{self as supply, SupplyData};
use orewatch_core::analysis::supply::inputs::{self as supply_inputs, SupplyInputs};
use orewatch_core::assess::scenario::{self, ScenarioText};
use orewatch_core::ingest::eu_crm;
use orewatch_core::model::Dataset;
use orewatch_core::scenario::model::read_text;
use orewatch_store::{LinkData, Manifest, Store};
use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{error, message};

/// Answers one question on the store at `path`: `request` is the JSON of the question's
/// request type; the result is the JSON of its assessment.
#[pyfunction]
#[pyo3(signature = (path, question, request, aliases=None))]
pub fn store_call(
    py: Python<'_>,
    path: PathBuf,
    question: &str,
    request: &str,
    aliases: Option<PathBuf>,
) -> PyResult<String> {
    let question = question.to_string();
    let request = request.to_string();
    py.detach(move || answer(&path, &question, &request, aliases.as_deref()))
}

fn answer(path: &Path, question: &str, request: &str, aliases: Option<&Path>) -> PyResult<String> {
    match question {
        "datasets" => {
            let store = open(path)?;
            let manifest = store.manifest().map_err(|e| error(&e))?;
            to_json(&manifest)
        }
        "actors" => {
            let (dataset, manifest) = load(path)?;
            let table = alias_table(aliases)?;
            let req: actors::ActorsRequest = parse(request)?;
            let result = actors::actors(&inputs(&dataset, &manifest, &table), &req)
                .map_err(|e| error(&e))?;
            to_json(&result)
        }
        "actor" => {
            let (dataset, manifest) = load(path)?;
            let table = alias_table(aliases)?;
            let req: actors::ActorRecordRequest = parse(request)?;
            let result = actors::actor_record(&inputs(&dataset, &manifest, &table), &req)
                .map_err(|e| error(&e))?;
            to_json(&result)
        }
        "network" => {
            let (dataset, manifest) = load(path)?;
            let table = alias_table(aliases)?;
            let req: actors::NetworkRequest = parse(request)?;
            let result = actors::network(&inputs(&dataset, &manifest, &table), &req)
                .map_err(|e| error(&e))?;
            let doc = serde_json::json!({
                "network": orewatch_core::actors::export::json(
                    &result.graph, &result.metrics, serde_json::json!({})),
                "provenance": result.provenance,
                "site_links": result.site_links,
                "site_events": result.site_events,
            });
            Ok(doc.to_string())
        }
        "supply" => {
            let (dataset, manifest) = load(path)?;
            let req: supply::SupplyRequest = parse(request)?;
            let inputs = match aliases {
                // For supply the optional file is the inputs table (as --inputs).
                Some(file) => {
                    let text = read(file)?;
                    supply_inputs::parse(&text, &file.display().to_string())
                        .map_err(|e| error(&e))?
                }
                None => SupplyInputs::bundled(),
            };
            let eu = eu_crm::bundled().map_err(|e| error(&e))?;
            let result = supply::assess(
                &req,
                &SupplyData {
                    dataset: &dataset,
                    sources: &manifest.sources,
                    eu: &eu,
                    inputs: &inputs,
                },
            )
            .map_err(|e| error(&e))?;
            to_json(&result)
        }
        "scenario_run" => {
            let q: ScenarioQuestion = parse(request)?;
            let req = scenario::RunRequest {
                scenario: read_scenario(q.files.first().map(String::as_str).unwrap_or(""))?,
                draws: q.draws.unwrap_or(scenario::DEFAULT_DRAWS),
                seed: q.seed.unwrap_or(scenario::DEFAULT_SEED),
            };
            scenario::precheck_run(&req).map_err(|e| error(&e))?;
            let data = load_links(path, std::slice::from_ref(&req.scenario))?;
            let links = data.as_ref().map(LinkData::links);
            to_json(&scenario::run(&req, links.as_ref()).map_err(|e| error(&e))?)
        }
        "scenario_compare" => {
            let q: ScenarioQuestion = parse(request)?;
            let mut scenarios = if q.bundled {
                ScenarioText::every_bundled()
            } else {
                Vec::new()
            };
            for f in &q.files {
                scenarios.push(read_scenario(f)?);
            }
            if scenarios.len() < 2 {
                return Err(message(
                    "compare needs at least two scenarios: give two files or more, or bundled=True",
                ));
            }
            let req = scenario::CompareRequest {
                scenarios,
                draws: q.draws.unwrap_or(scenario::DEFAULT_DRAWS),
                seed: q.seed.unwrap_or(scenario::DEFAULT_SEED),
                baseline: q.baseline,
                contrast_outputs: q.contrast,
            };
            scenario::precheck_compare(&req).map_err(|e| error(&e))?;
            let data = load_links(path, &req.scenarios)?;
            let links = data.as_ref().map(LinkData::links);
            to_json(&scenario::compare(&req, links.as_ref()).map_err(|e| error(&e))?)
        }
        "scenario_check" => {
            let q: ScenarioQuestion = parse(request)?;
            let text = read_scenario(q.files.first().map(String::as_str).unwrap_or(""))?;
            // A parse error is reported before the store is touched (as the CLI).
            text.parse().map_err(|e| error(&e))?;
            let data = load_links(path, std::slice::from_ref(&text))?;
            let links = data.as_ref().map(LinkData::links);
            to_json(&scenario::check(&text, links.as_ref()).map_err(|e| error(&e))?)
        }
        other => Err(message(format!("unknown question {other:?}"))),
    }
}

fn parse<T: DeserializeOwned>(request: &str) -> PyResult<T> {
    serde_json::from_str(request).map_err(|e| message(format!("bad request: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| error(&e))
}

fn read(file: &Path) -> PyResult<String> {
    std::fs::read_to_string(file).map_err(|e| message(format!("reading {}: {e}", file.display())))
}

fn open(path: &Path) -> PyResult<Store> {
    let store = Store::open(path);
    if store.is_empty() {
        return Err(message(format!(
            "the store at {} is empty. Run `orewatch ingest` (default data) or `orewatch ingest PATHS…` first.",
            path.display()
        )));
    }
    Ok(store)
}

fn load(path: &Path) -> PyResult<(Dataset, Manifest)> {
    open(path)?
        .load()
        .map_err(|e| message(format!("loading the store at {}: {e}", path.display())))
}

fn alias_table(file: Option<&Path>) -> PyResult<AliasTable> {
    Ok(match file {
        None => AliasTable {
            name: "config/actor_aliases.toml (shipped)".to_string(),
            entries: default_aliases().map_err(|e| error(&e))?,
        },
        Some(path) => {
            let name = path.display().to_string();
            AliasTable {
                entries: aliases::parse(&read(path)?, &name).map_err(|e| error(&e))?,
                name,
            }
        }
    })
}

fn inputs<'a>(dataset: &'a Dataset, manifest: &'a Manifest, table: &'a AliasTable) -> Inputs<'a> {
    Inputs {
        dataset,
        sources: &manifest.sources,
        aliases: table,
    }
}

fn load_links(path: &Path, scenarios: &[ScenarioText]) -> PyResult<Option<LinkData>> {
    let needs = scenario::link_needs(scenarios);
    if needs == Default::default() {
        return Ok(None);
    }
    let store = open(path)?;
    store
        .load_for_links(&needs)
        .map(Some)
        .map_err(|e| message(format!("loading the store at {}: {e}", path.display())))
}

/// The scenario questions' arguments, named as the CLI's.
#[derive(serde::Deserialize)]
struct ScenarioQuestion {
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    bundled: bool,
    draws: Option<usize>,
    seed: Option<u64>,
    baseline: Option<String>,
    #[serde(default)]
    contrast: Vec<String>,
}

fn read_scenario(file: &str) -> PyResult<ScenarioText> {
    let path = Path::new(file);
    Ok(ScenarioText {
        path: path.display().to_string(),
        text: read_text(path).map_err(|e| error(&e))?,
    })
}
