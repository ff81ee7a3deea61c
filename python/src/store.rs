//! The store questions: a request as JSON (the assessment's own serde request type) in, the
//! assessment's result as JSON out, with the geometry of its rows (WKB, an Arrow C stream of
//! one binary column `geometry`, row for row) when they have one. Loading is the CLI's (the
//! same store, the same bundled tables, the same `--max-precision` filter of the loaded
//! events); every number comes from the assessment in `orewatch-core`, and ingesting is
//! `orewatch_store::ingest`, as for `orewatch ingest`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use orewatch_core::actors::aliases::{self, default_aliases};
use orewatch_core::actors::assess::{self as actors, AliasTable, Inputs};
use orewatch_core::analysis::events::PrecisionFilter;
use orewatch_core::analysis::forecast::model::ModelName;
use orewatch_core::analysis::forecast::outlook::NoDraws;
use orewatch_core::analysis::supply::assessment::{self as supply, SupplyData};
use orewatch_core::analysis::supply::inputs::{self as supply_inputs, SupplyInputs};
use orewatch_core::assess::cahra::{cahra, CahraRequest};
use orewatch_core::assess::exposure::{exposure, ExposureRequest};
use orewatch_core::assess::forecast::{evaluate, forecast, EvaluationRequest, ForecastRequest};
use orewatch_core::assess::scenario::{self, ScenarioText};
use orewatch_core::ingest::eu_crm;
use orewatch_core::model::Dataset;
use orewatch_core::scenario::model::read_text;
use orewatch_store::ingest::{ingest_into, parse_release, Progress, Request as IngestRequest};
use orewatch_store::{point_column, polygon_column, LinkData, Manifest, Store};
use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::columns::export_stream;
use crate::{error, message};

/// Answers one question on the store at `path`: `request` is the JSON of the question's
/// request type; the result is the JSON of its assessment, and the geometry of its rows (an
/// Arrow C stream capsule) when they have one.
#[pyfunction]
#[pyo3(signature = (path, question, request, aliases=None))]
pub fn store_call<'py>(
    py: Python<'py>,
    path: PathBuf,
    question: &str,
    request: &str,
    aliases: Option<PathBuf>,
) -> PyResult<(String, Option<Bound<'py, PyAny>>)> {
    let question = question.to_string();
    let request = request.to_string();
    let (json, geometry) = py.detach(move || -> PyResult<(String, Option<Geometry>)> {
        match question.as_str() {
            "exposure" | "cahra" => answer_with_geometry(&path, &question, &request),
            _ => Ok((
                answer(&path, &question, &request, aliases.as_deref())?,
                None,
            )),
        }
    })?;
    let geometry = match geometry {
        None => None,
        Some(column) => Some(export_stream(py, geometry_batch(column)?)?),
    };
    Ok((json, geometry))
}

/// The WKB geometry column of a result's rows.
type Geometry = ArrayRef;

fn geometry_batch(column: Geometry) -> PyResult<RecordBatch> {
    let schema = Schema::new(vec![Field::new("geometry", DataType::Binary, true)]);
    RecordBatch::try_new(Arc::new(schema), vec![column]).map_err(|e| error(&e))
}

/// `--max-precision` and what it means, as the CLI applies it to the loaded events.
#[derive(serde::Deserialize)]
struct WithPrecision<T> {
    request: T,
    max_precision: Option<u8>,
    /// CAHRA: `admin1` (regions) or `site`: which rows the geometry is of.
    #[serde(default)]
    level: Option<String>,
    /// `forecast --model NAME`: the named model's specification replaces the request's.
    #[serde(default)]
    model: Option<ModelName>,
    /// `evaluate --models A,B`: the named models' specifications replace the request's.
    #[serde(default)]
    models: Option<Vec<ModelName>>,
}

fn load_filtered(path: &Path, max_precision: Option<u8>) -> PyResult<(Dataset, Manifest, String)> {
    let (mut dataset, manifest) = load(path)?;
    let filter = PrecisionFilter::new(max_precision).map_err(|e| error(&e))?;
    filter.retain(&mut dataset.events);
    Ok((dataset, manifest, filter.describe()))
}

fn answer_with_geometry(
    path: &Path,
    question: &str,
    request: &str,
) -> PyResult<(String, Option<Geometry>)> {
    let wkb_error = |e: String| message(format!("encoding the geometry as WKB: {e}"));
    match question {
        "exposure" => {
            let (dataset, manifest) = load(path)?;
            let req: ExposureRequest = parse(request)?;
            let a = exposure(&dataset, &manifest.sources, &req).map_err(|e| error(&e))?;
            let (column, _) =
                point_column(a.rows.iter().map(|r| r.row.lon.zip(r.row.lat))).map_err(wkb_error)?;
            Ok((to_json(&a)?, Some(column)))
        }
        _ => {
            let q: WithPrecision<CahraRequest> = parse(request)?;
            let (dataset, manifest, precision) = load_filtered(path, q.max_precision)?;
            let a = cahra(&dataset, &manifest.sources, &q.request).map_err(|e| error(&e))?;
            let column = match q.level.as_deref().unwrap_or("admin1") {
                "site" => {
                    point_column(a.sites.iter().map(|s| s.lon.zip(s.lat)))
                        .map_err(wkb_error)?
                        .0
                }
                _ => {
                    let shapes = a
                        .regions
                        .iter()
                        .map(|r| {
                            dataset
                                .regions
                                .iter()
                                .find(|g| g.level == 1 && g.region_id == r.region_id)
                                .map(|g| &g.geometry)
                                .ok_or_else(|| {
                                    message(format!(
                                        "region {} has no boundary in the store",
                                        r.region_id
                                    ))
                                })
                        })
                        .collect::<PyResult<Vec<_>>>()?;
                    polygon_column(shapes.into_iter()).map_err(wkb_error)?.0
                }
            };
            let doc = serde_json::json!({"assessment": a, "location_precision": precision});
            Ok((doc.to_string(), Some(column)))
        }
    }
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
        "forecast" => {
            let mut q: WithPrecision<ForecastRequest> = parse(request)?;
            if let Some(m) = q.model {
                q.request.model = m.spec();
            }
            let (dataset, manifest, precision) = load_filtered(path, q.max_precision)?;
            let result = forecast(&q.request, &dataset, &manifest.sources, &mut NoDraws)
                .map_err(|e| error(&e))?;
            to_json(&serde_json::json!({"result": result, "location_precision": precision}))
        }
        "evaluate" => {
            let mut q: WithPrecision<EvaluationRequest> = parse(request)?;
            if let Some(models) = &q.models {
                q.request.models = models.iter().map(|m| m.spec()).collect();
            }
            let (dataset, manifest, precision) = load_filtered(path, q.max_precision)?;
            let result =
                evaluate(&q.request, &dataset, &manifest.sources).map_err(|e| error(&e))?;
            to_json(&serde_json::json!({"result": result, "location_precision": precision}))
        }
        "ingest" => {
            let q: IngestQuestion = parse(request)?;
            let release = q
                .release
                .as_deref()
                .map(parse_release)
                .transpose()
                .map_err(|e| message(format!("release: {e}")))?;
            if q.threads == Some(0) {
                return Err(message("threads 0: expected at least 1 thread"));
            }
            let request = IngestRequest {
                paths: q.paths.iter().map(PathBuf::from).collect(),
                replace: q.replace,
                skip_unknown: q.skip_unknown,
                release,
                recover_quoted: q.recover_quoted,
                threads: q.threads,
            };
            let store = Store::open(path);
            let (manifest, not_read) =
                ingest_into(&store, &request, &mut |_: Progress| {}).map_err(|e| error(&e))?;
            let skipped: Vec<_> = not_read
                .skipped
                .iter()
                .map(|u| serde_json::json!({"path": u.path, "problem": u.problem}))
                .collect();
            to_json(&serde_json::json!({
                "manifest": manifest,
                "documentation": not_read.documentation,
                "skipped": skipped,
            }))
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

/// The ingest's arguments, named as the CLI's flags.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IngestQuestion {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    replace: bool,
    #[serde(default)]
    skip_unknown: bool,
    release: Option<String>,
    #[serde(default)]
    recover_quoted: bool,
    threads: Option<u16>,
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
