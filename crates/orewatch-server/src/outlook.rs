//! The forecast layer: `GET /api/forecast/cells.geojson` answers the forecast assessment
//! (`orewatch_core::assess::forecast::forecast`, the same request and numbers as `orewatch
//! forecast`) as GeoJSON: one polygon per PRIO-GRID cell (0.5°) with the cell's bounds of
//! P(at least one death over the horizon), probabilities 0–1; `metadata` holds the rest of the
//! result (model, origin, horizon, draws, seed, coverage, caveats, provenance).
//!
//! `GET /api/forecast/evaluation` answers how good that forecast is out of sample: the
//! evaluation assessment (`evaluate`, by default the brief's fresh-span evaluation) computed
//! once per store generation on a background thread (it takes minutes); until it is done the
//! answer says `computing`. The evaluation's scores and its differences from the best
//! baseline (with their verdicts) are returned as the assessment gives them, whatever they
//! say: a model that loses to a baseline is shown losing.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use orewatch_core::analysis::forecast::grid::CELL_DEG;
use orewatch_core::analysis::forecast::outlook::NoDraws;
use orewatch_core::analysis::forecast::panel::{Level, Month};
use orewatch_core::assess::forecast::{evaluate, forecast, EvaluationResult, ForecastRequest};
use serde_json::{json, Value};

use crate::api::{answer_keyed, source_of, to_json};
use crate::query::{param, Kind, Param, Query};
use crate::{ApiError, AppState, Generation};

pub const FORECAST: &[Param] = &[
    param(
        "countries",
        Kind::List,
        "ISO3 codes forecast (default: the Sahel countries the event source covers through the same last month)",
    ),
    param("horizon", Kind::Integer, "months ahead, 1 to 36 (default 12)"),
    param(
        "origin",
        Kind::Text,
        "last observed month, YYYY-MM (default: the last month every country is covered)",
    ),
    param(
        "source",
        Kind::Text,
        "event source: GED or ACLED (required when the store holds both)",
    ),
];

/// Where the evaluation of one generation stands.
pub enum EvaluationState {
    NotStarted,
    Computing(Instant),
    Done(Arc<Result<EvaluationResult, String>>),
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/forecast/cells.geojson", get(cells))
        .route("/api/forecast/evaluation", get(evaluation))
}

fn forecast_request(q: &Query) -> Result<ForecastRequest, ApiError> {
    let defaults = ForecastRequest::default();
    let horizon = match q.get::<usize>("horizon", "a whole number of months from 1 to 36")? {
        None => defaults.horizon,
        Some(h) if (1..=36).contains(&h) => h,
        Some(h) => {
            return Err(ApiError::bad(
                "horizon",
                format!("`{h}`: expected a whole number of months from 1 to 36"),
            ))
        }
    };
    let origin = q
        .text("origin")
        .map(|o| {
            Month::parse(o)
                .map_err(|_| ApiError::bad("origin", format!("`{o}`: expected a month as YYYY-MM")))
        })
        .transpose()?;
    let countries = q.list("countries");
    Ok(ForecastRequest {
        countries: (!countries.is_empty()).then_some(countries),
        origin,
        horizon,
        level: Level::Cell,
        source: source_of(q)?,
        ..defaults
    })
}

/// A PRIO-GRID cell as a GeoJSON polygon around its centre (degrees).
fn cell_polygon(lat: f64, lon: f64) -> Value {
    let h = CELL_DEG / 2.0;
    let (s, n, w, e) = (lat - h, lat + h, lon - h, lon + h);
    json!({"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]})
}

async fn cells(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let query = Query::parse(raw.as_deref(), FORECAST)?;
    let request = forecast_request(&query)?;
    start_evaluation(&s).await;
    let key = format!(
        "forecast?{}",
        serde_json::to_string(&request).unwrap_or_default()
    );
    answer_keyed(&s, key, "application/geo+json", move |g| {
        let f = forecast(&request, &g.dataset, &g.manifest.sources, &mut NoDraws)?;
        let features: Vec<Value> = f
            .units
            .iter()
            .zip(&f.p_any_over_horizon)
            .map(|(u, (low, high))| {
                json!({
                    "type": "Feature",
                    "geometry": cell_polygon(u.lat, u.lon),
                    "properties": {
                        "gid": u.id, "country": u.country, "lat": u.lat, "lon": u.lon,
                        "centre_in_country": u.centre_in_country,
                        "p_any_low": low, "p_any_high": high,
                    },
                })
            })
            .collect();
        to_json(&json!({
            "type": "FeatureCollection",
            "metadata": {
                "quantity": "P(at least one death over the horizon), bounds p_any_low to p_any_high (0–1)",
                "request": f.request,
                "model": f.outlook.model,
                "origin": f.outlook.origin,
                "horizon": f.outlook.horizon,
                "draws": f.outlook.samples,
                "seed": f.outlook.seed,
                "target": f.outlook.target,
                "countries": f.countries,
                "training_countries": f.training_countries,
                "data_months": f.data_months,
                "panel": f.panel,
                "events": f.events,
                "provenance": f.provenance,
            },
            "features": features,
        }))
    })
    .await
}

/// Starts the evaluation of the current generation on a blocking thread, once.
async fn start_evaluation(s: &AppState) {
    let Ok(g) = s.current().await else { return };
    let mut state = match g.evaluation.lock() {
        Ok(state) => state,
        Err(_) => return,
    };
    if !matches!(*state, EvaluationState::NotStarted) {
        return;
    }
    *state = EvaluationState::Computing(Instant::now());
    drop(state);
    let request = s.evaluation_request.clone();
    tokio::task::spawn_blocking(move || {
        let result = evaluate(&request, &g.dataset, &g.manifest.sources).map_err(|e| e.to_string());
        if let Ok(mut state) = g.evaluation.lock() {
            *state = EvaluationState::Done(Arc::new(result));
        }
    });
}

/// The evaluation as served: the result without its per-refit detail (training countries
/// per cutoff, refit list), which the brief does not show either.
fn evaluation_json(g: &Generation) -> Value {
    let state = match g.evaluation.lock() {
        Ok(state) => state,
        Err(_) => return json!({"status": "failed", "error": "the evaluation state is unreadable"}),
    };
    match &*state {
        EvaluationState::NotStarted => json!({"status": "not started"}),
        EvaluationState::Computing(since) => json!({
            "status": "computing",
            "seconds": since.elapsed().as_secs(),
        }),
        EvaluationState::Done(result) => match result.as_ref() {
            Err(e) => json!({"status": "failed", "error": e}),
            Ok(r) => {
                let mut value = serde_json::to_value(r).unwrap_or(Value::Null);
                if let Some(o) = value.as_object_mut() {
                    o.remove("training");
                    if let Some(e) = o.get_mut("evaluation").and_then(Value::as_object_mut) {
                        e.remove("refits");
                        // Each difference with the assessment's own verdict on it.
                        let verdicts = r.evaluation.differences.iter().map(|d| d.verdict());
                        if let Some(ds) = e.get_mut("differences").and_then(Value::as_array_mut) {
                            for (d, v) in ds.iter_mut().zip(verdicts) {
                                d["verdict"] = json!(v);
                            }
                        }
                    }
                    o.insert("status".into(), json!("done"));
                }
                value
            }
        },
    }
}

async fn evaluation(
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Query::parse(raw.as_deref(), &[])?;
    start_evaluation(&s).await;
    let g = s.current().await?;
    Ok(axum::Json(json!({
        "request": s.evaluation_request.as_ref(),
        "evaluation": evaluation_json(&g),
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cell_polygon_is_the_half_degree_square_around_its_centre() {
        // Cell centre 12.25 N, 8.75 W: the square 12.0–12.5 N, 9.0–8.5 W, closed.
        let p = super::cell_polygon(12.25, -8.75);
        assert_eq!(
            p["coordinates"][0],
            serde_json::json!([
                [-9.0, 12.0],
                [-8.5, 12.0],
                [-8.5, 12.5],
                [-9.0, 12.5],
                [-9.0, 12.0]
            ])
        );
    }
}
