//! The deal panel's endpoints: partnership scenarios run on the store's data links.
//!
//! - `GET /api/scenario/bundled`: the bundled scenarios' texts and what `check` finds in each
//!   (the page's starting point, and the inputs its sliders edit);
//! - `POST /api/scenario/run`: body `RunRequest` → `RunAssessment` (`orewatch scenario run`);
//! - `POST /api/scenario/compare`: body `CompareRequest` → `CompareAssessment` (`orewatch
//!   scenario compare`, same draws and seed → same numbers);
//! - `POST /api/deal`: body `DealRequest` → `DealAssessment` (the brief's deal section: per
//!   output and scenario, the 5–50–95 % quantiles, histograms and P(better than the baseline)).
//!
//! The bodies are the assessments' own request types (JSON). A scenario's `path` is a label
//! only — never opened: it must be a bundled scenario's (`scenarios/us_deal.toml`) or a bare
//! file name (`edited_us_deal.toml`). Limits, each a 400 naming the field: at most
//! [`MAX_DRAWS`] draws, at most [`MAX_SCENARIOS`] scenarios, the body at most
//! [`crate::MAX_SCENARIO_BODY_BYTES`] (413), and the scenario language's own parse limits.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use orewatch_core::assess::deal::{assess_deal, DealRequest};
use orewatch_core::assess::scenario::{
    check, compare, precheck_run, run, CompareRequest, RunRequest, ScenarioAssessError,
    ScenarioText, DEFAULT_DRAWS, DEFAULT_SEED,
};
use orewatch_core::scenario::links::StoreLinks;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::api::{answer_keyed, to_json};
use crate::query::Query;
use crate::{ApiError, AppState};

/// The most draws a served run takes (the CLI's default: the brief's numbers can be asked).
pub const MAX_DRAWS: usize = DEFAULT_DRAWS;
/// The most scenarios one comparison takes.
pub const MAX_SCENARIOS: usize = 6;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/scenario/bundled", get(bundled))
        .route("/api/scenario/run", post(run_one))
        .route("/api/scenario/compare", post(compare_all))
        .route("/api/deal", post(deal))
}

fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad(
            "body",
            format!("{e}: expected the assessment's request as JSON (see /openapi.json)"),
        )
    })
}

fn check_draws(draws: usize) -> Result<(), ApiError> {
    if (2..=MAX_DRAWS).contains(&draws) {
        Ok(())
    } else {
        Err(ApiError::bad(
            "draws",
            format!("`{draws}`: expected from 2 to {MAX_DRAWS} draws"),
        ))
    }
}

/// A scenario's `path` is a label: a bundled scenario's path or a bare `.toml` file name.
fn check_label(index: usize, text: &ScenarioText) -> Result<(), ApiError> {
    let bundled = ScenarioText::every_bundled()
        .iter()
        .any(|b| b.path == text.path);
    let bare = text.path.len() <= 64
        && text.path.ends_with(".toml")
        && text.path.len() > ".toml".len()
        && text
            .path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && !text.path.contains("..");
    if bundled || bare {
        Ok(())
    } else {
        Err(ApiError::bad(
            &format!("scenarios[{index}].path"),
            format!(
                "`{}`: expected a bundled scenario's path (scenarios/us_deal.toml) or a bare file name such as edited_us_deal.toml; the server reads no file",
                text.path
            ),
        ))
    }
}

fn check_scenarios(texts: &[&ScenarioText], draws: usize, seed: u64) -> Result<(), ApiError> {
    check_draws(draws)?;
    if texts.is_empty() || texts.len() > MAX_SCENARIOS {
        return Err(ApiError::bad(
            "scenarios",
            format!(
                "{} scenarios: expected from 1 to {MAX_SCENARIOS}",
                texts.len()
            ),
        ));
    }
    for (i, t) in texts.iter().enumerate() {
        check_label(i, t)?;
        precheck_run(&RunRequest {
            scenario: (*t).clone(),
            draws,
            seed,
        })
        .map_err(scenario_error)?;
    }
    Ok(())
}

/// The cache key of a request: the endpoint, each scenario by its path and the SHA-256 of its
/// text (a key never holds a text), and the request's other fields.
fn key_of(endpoint: &str, texts: &[&ScenarioText], rest: String) -> String {
    let scenarios: Vec<String> = texts
        .iter()
        .map(|t| format!("{}:{}", t.path, t.sha256()))
        .collect();
    format!("{endpoint}#{}#{rest}", scenarios.join(","))
}

fn scenario_error(e: ScenarioAssessError) -> ApiError {
    match e {
        ScenarioAssessError::NoStore { .. } => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        }
        e => ApiError::bad("scenario", e),
    }
}

async fn bundled(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    Query::parse(raw.as_deref(), &[])?;
    answer_keyed(&s, "scenario_bundled".into(), "application/json", |g| {
        let links = StoreLinks::new(&g.dataset, &g.manifest.sources);
        let scenarios = ScenarioText::every_bundled();
        let checks = scenarios
            .iter()
            .map(|t| check(t, Some(&links)).map_err(scenario_error))
            .collect::<Result<Vec<_>, _>>()?;
        to_json(&json!({
            "scenarios": scenarios,
            "checks": checks,
            "defaults": {"draws": DEFAULT_DRAWS, "seed": DEFAULT_SEED},
            "limits": {"max_draws": MAX_DRAWS, "max_scenarios": MAX_SCENARIOS},
        }))
    })
    .await
}

async fn run_one(State(s): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let req: RunRequest = parse_body(&body)?;
    check_scenarios(&[&req.scenario], req.draws, req.seed)?;
    let key = key_of(
        "scenario_run",
        &[&req.scenario],
        format!("{} {}", req.draws, req.seed),
    );
    answer_keyed(&s, key, "application/json", move |g| {
        let links = StoreLinks::new(&g.dataset, &g.manifest.sources);
        to_json(&run(&req, Some(&links)).map_err(scenario_error)?)
    })
    .await
}

async fn compare_all(State(s): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let req: CompareRequest = parse_body(&body)?;
    let texts: Vec<&ScenarioText> = req.scenarios.iter().collect();
    if texts.len() < 2 {
        return Err(ApiError::bad(
            "scenarios",
            "a comparison needs at least two scenarios",
        ));
    }
    check_scenarios(&texts, req.draws, req.seed)?;
    let key = key_of(
        "scenario_compare",
        &texts,
        format!(
            "{} {} {:?} {:?}",
            req.draws, req.seed, req.baseline, req.contrast_outputs
        ),
    );
    answer_keyed(&s, key, "application/json", move |g| {
        let links = StoreLinks::new(&g.dataset, &g.manifest.sources);
        to_json(&compare(&req, Some(&links)).map_err(scenario_error)?)
    })
    .await
}

async fn deal(State(s): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let req: DealRequest = parse_body(&body)?;
    let texts: Vec<&ScenarioText> = req.scenarios.iter().collect();
    if texts.len() < 2 {
        return Err(ApiError::bad(
            "scenarios",
            "the deal compares at least two scenarios (the first is the baseline)",
        ));
    }
    check_scenarios(&texts, req.draws, req.seed)?;
    let key = key_of(
        "deal",
        &texts,
        format!(
            "{} {} {:?} {:?}",
            req.draws, req.seed, req.contrast_scenario, req.contrast_outputs
        ),
    );
    answer_keyed(&s, key, "application/json", move |g| {
        let links = StoreLinks::new(&g.dataset, &g.manifest.sources);
        to_json(&assess_deal(&req, Some(&links)))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(path: &str) -> ScenarioText {
        ScenarioText {
            path: path.into(),
            text: String::new(),
        }
    }

    #[test]
    fn a_scenario_path_is_a_label_never_a_file() {
        for ok in ["scenarios/us_deal.toml", "edited_us_deal.toml", "a-b.toml"] {
            assert!(check_label(0, &text(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "/etc/passwd",
            "../scenarios/us_deal.toml",
            "scenarios/other.toml",
            "..toml",
            ".toml",
            "a b.toml",
            "us_deal",
        ] {
            let e = check_label(2, &text(bad)).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert!(
                e.message.starts_with("scenarios[2].path:"),
                "{bad}: {}",
                e.message
            );
        }
    }

    #[test]
    fn draws_outside_the_limit_are_a_400_naming_draws() {
        assert!(check_draws(2).is_ok());
        assert!(check_draws(MAX_DRAWS).is_ok());
        for n in [0, 1, MAX_DRAWS + 1, usize::MAX] {
            let e = check_draws(n).unwrap_err();
            assert!(e.message.starts_with("draws:"), "{}", e.message);
        }
    }
}
