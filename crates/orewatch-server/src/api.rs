//! The `/api/` endpoints: each parses its declared parameters into the assessment's request,
//! calls the assessment (on a blocking thread, the generation held by an `Arc`), and returns
//! the result as JSON (or GeoJSON, or Parquet for the bulk events table). Answers are cached
//! per generation by endpoint and parameters (the assessments are deterministic).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use orewatch_core::analysis::events::{parse_source, parse_violence};
use orewatch_core::analysis::exposure::{EventWeight, Kernel};
use orewatch_core::assess;
use orewatch_core::assess::events::{EventsError, EventsRequest};
use orewatch_core::model::{Region, Site};
use serde_json::{json, Value};

use crate::query::{param, required, Kind, Param, Query};
use crate::{ApiError, AppState, Generation};

/// One endpoint as the OpenAPI document lists it.
pub struct Endpoint {
    pub path: &'static str,
    pub summary: &'static str,
    pub params: &'static [Param],
    /// The media type of a success.
    pub media: &'static str,
    /// What a success holds (the Rust type of the result).
    pub returns: &'static str,
}

const SOURCE: Param = param(
    "source",
    Kind::Text,
    "event source: GED or ACLED (required when the store holds both)",
);
const COUNTRIES: Param = param(
    "countries",
    Kind::List,
    "ISO3 codes, comma-separated (default: all)",
);
const FROM: Param = param(
    "from",
    Kind::Date,
    "first event start date included (YYYY-MM-DD)",
);
const TO: Param = param(
    "to",
    Kind::Date,
    "last event start date included (YYYY-MM-DD)",
);
const VIOLENCE: Param = param(
    "violence",
    Kind::List,
    "violence types kept: sb (state-based), ns (non-state), os (one-sided); default: all",
);

const DATASETS: &[Param] = &[param(
    "kinds",
    Kind::List,
    "source kinds to list (ucdp_ged, acled, usgs_sites, …); default: all",
)];
const EXPOSURE: &[Param] = &[
    required("site", Kind::Text, "a site id (e.g. MLI-HT-11)"),
    param(
        "radius_km",
        Kind::List,
        "radii in km, comma-separated (default 25,50,100)",
    ),
    param(
        "window_days",
        Kind::Text,
        "window in days ending at as_of, or `all` (default 365)",
    ),
    param(
        "half_life_days",
        Kind::Number,
        "half-life of the time decay, days (default 90)",
    ),
    param(
        "kernel",
        Kind::Text,
        "uniform | linear | gaussian (default uniform)",
    ),
    param(
        "weight",
        Kind::Text,
        "fatalities | events (default fatalities)",
    ),
    param(
        "as_of",
        Kind::Date,
        "as-of date (default: the end of the source's stated coverage)",
    ),
    SOURCE,
    param(
        "top_actors",
        Kind::Integer,
        "actors listed per site and radius (default 5)",
    ),
];
const EXPOSURE_MONTHLY: &[Param] = &[
    required("site", Kind::Text, "a site id (e.g. MLI-HT-11)"),
    param("radius_km", Kind::Number, "radius in km (default 50)"),
    param(
        "window_days",
        Kind::Text,
        "window in days ending at each month's end, or `all` (default 365)",
    ),
    param(
        "from",
        Kind::Date,
        "first month (default: the start of the stated coverage)",
    ),
    param(
        "as_of",
        Kind::Date,
        "last month (default: the end of the stated coverage)",
    ),
    SOURCE,
];
const CAHRA: &[Param] = &[
    param(
        "year",
        Kind::Integer,
        "calendar year (default: the last year entirely inside the source's coverage)",
    ),
    COUNTRIES,
    param(
        "radius_km",
        Kind::Number,
        "radius of a site's own surroundings, km (default 50)",
    ),
    SOURCE,
];
const EVENTS: &[Param] = &[COUNTRIES, FROM, TO, VIOLENCE];
const CELLS: &[Param] = &[SOURCE, COUNTRIES, FROM, TO, VIOLENCE];
const SITES: &[Param] = &[
    COUNTRIES,
    param(
        "commodity",
        Kind::Text,
        "keep sites listing this commodity (case-insensitive substring)",
    ),
];
const BOUNDARIES: &[Param] = &[
    param(
        "level",
        Kind::Integer,
        "0 (countries) or 1 (admin-1 regions; default)",
    ),
    COUNTRIES,
];

/// Every endpoint, for the OpenAPI document.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint { path: "/api/datasets", summary: "What the store holds: sources, tables, event coverage per country, vintage per kind", params: DATASETS, media: "application/json", returns: "orewatch_core::assess::datasets::DatasetsAssessment" },
    Endpoint { path: "/api/exposure", summary: "A site's exposure to armed violence (the records of `orewatch exposure --sites id=SITE --out f.json`)", params: EXPOSURE, media: "application/json", returns: "orewatch_core::assess::exposure::ExposureAssessment" },
    Endpoint { path: "/api/exposure/monthly", summary: "A site's exposure index month by month (`orewatch exposure --every month`)", params: EXPOSURE_MONTHLY, media: "application/json", returns: "orewatch_core::assess::exposure::MonthlyAssessment" },
    Endpoint { path: "/api/cahra", summary: "CAHRA verdicts of every admin-1 region and site in one year, with the rules that fired", params: CAHRA, media: "application/json", returns: "orewatch_core::assess::cahra::CahraAssessment" },
    Endpoint { path: "/api/cahra/regions.geojson", summary: "CAHRA verdicts per admin-1 region as GeoJSON polygons", params: CAHRA, media: "application/geo+json", returns: "GeoJSON FeatureCollection of RegionVerdict properties; `metadata` holds the year, coverage and rules" },
    Endpoint { path: "/api/events.geojson", summary: "UCDP GED events as points, without free-text fields (ACLED rows are never served)", params: EVENTS, media: "application/geo+json", returns: "GeoJSON FeatureCollection of orewatch_core::assess::events::EventPoint" },
    Endpoint { path: "/api/events.parquet", summary: "The same GED events as a Parquet table (GeoParquet points)", params: EVENTS, media: "application/vnd.apache.parquet", returns: "Parquet rows of EventPoint" },
    Endpoint { path: "/api/events/cells", summary: "Events and deaths per PRIO-GRID cell and month (the only form ACLED leaves in)", params: CELLS, media: "application/json", returns: "orewatch_core::assess::events::EventCells" },
    Endpoint { path: "/api/sites.geojson", summary: "Mine sites with commodities, status and owners' home countries", params: SITES, media: "application/geo+json", returns: "GeoJSON FeatureCollection of sites" },
    Endpoint { path: "/api/boundaries.geojson", summary: "Admin-0 or admin-1 boundaries from the store (Natural Earth)", params: BOUNDARIES, media: "application/geo+json", returns: "GeoJSON FeatureCollection of regions" },
    Endpoint { path: "/api/forecast/cells.geojson", summary: "The forecast's P(at least one death over the horizon) per PRIO-GRID cell (`orewatch forecast`)", params: crate::outlook::FORECAST, media: "application/geo+json", returns: "GeoJSON FeatureCollection of cell polygons with p_any_low/p_any_high (0–1); `metadata` holds the rest of orewatch_core::assess::forecast::ForecastResult" },
    Endpoint { path: "/api/forecast/evaluation", summary: "The forecast's out-of-sample evaluation against the VIEWS baselines (computed once per store generation; `status` computing until done)", params: &[], media: "application/json", returns: "orewatch_core::assess::forecast::EvaluationResult (without per-refit detail) and its status" },
    Endpoint { path: "/api/supply", summary: "A commodity's market, EU supply risk and economic importance, critical or not, with and without Mali (`orewatch supply --commodity C`)", params: crate::supply::SUPPLY, media: "application/json", returns: "orewatch_core::analysis::supply::assessment::SupplyAssessment" },
    Endpoint { path: "/api/scenario/bundled", summary: "The bundled partnership scenarios: texts and what `orewatch scenario check` finds", params: &[], media: "application/json", returns: "ScenarioText and CheckAssessment per scenario, defaults and limits" },
];

/// One POST endpoint: its body is the assessment's request type (JSON).
pub struct PostEndpoint {
    pub path: &'static str,
    pub summary: &'static str,
    /// The Rust type of the body.
    pub body: &'static str,
    pub returns: &'static str,
}

/// Every POST endpoint, for the OpenAPI document.
pub const POST_ENDPOINTS: &[PostEndpoint] = &[
    PostEndpoint { path: "/api/scenario/run", summary: "Run one scenario (`orewatch scenario run`): distributions and the inputs behind them", body: "orewatch_core::assess::scenario::RunRequest", returns: "orewatch_core::assess::scenario::RunAssessment" },
    PostEndpoint { path: "/api/scenario/compare", summary: "Compare scenarios on common random numbers (`orewatch scenario compare`): P(A better than B)", body: "orewatch_core::assess::scenario::CompareRequest", returns: "orewatch_core::assess::scenario::CompareAssessment" },
    PostEndpoint { path: "/api/deal", summary: "The deal side by side (the brief's deal section): quantiles, histograms and P(better than the baseline)", body: "orewatch_core::assess::deal::DealRequest", returns: "orewatch_core::assess::deal::DealAssessment" },
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/datasets", get(datasets))
        .route("/api/exposure", get(exposure))
        .route("/api/exposure/monthly", get(exposure_monthly))
        .route("/api/cahra", get(cahra))
        .route("/api/cahra/regions.geojson", get(cahra_regions))
        .route("/api/events.geojson", get(events_geojson))
        .route("/api/events.parquet", get(events_parquet))
        .route("/api/events/cells", get(event_cells))
        .route("/api/sites.geojson", get(sites))
        .route("/api/boundaries.geojson", get(boundaries))
}

/// Runs `answer` on a blocking thread against the current generation, caching the body under
/// the endpoint and its parameters.
async fn answer(
    state: &AppState,
    endpoint: &str,
    raw: Option<String>,
    params: &'static [Param],
    media: &'static str,
    compute: impl FnOnce(&Generation, &Query) -> Result<Vec<u8>, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let query = Query::parse(raw.as_deref(), params)?;
    let key = format!("{endpoint}?{}", raw.unwrap_or_default());
    answer_keyed(state, key, media, move |g| compute(g, &query)).await
}

/// Runs `compute` on a blocking thread against the current generation, caching the body
/// under `key` (the endpoint and everything the answer depends on).
pub(crate) async fn answer_keyed(
    state: &AppState,
    key: String,
    media: &'static str,
    compute: impl FnOnce(&Generation) -> Result<Vec<u8>, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let generation = state.current().await?;
    let body = match generation.cached(&key) {
        Some(body) => body,
        None => {
            let g = generation.clone();
            let body = tokio::task::spawn_blocking(move || compute(&g))
                .await
                .map_err(|e| ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    message: e.to_string(),
                })??;
            let body = Arc::new(body);
            generation.remember(key, body.clone());
            body
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, media.to_string()),
            (
                header::HeaderName::from_static("x-orewatch-generation"),
                generation.manifest.generation.to_string(),
            ),
        ],
        body.as_ref().clone(),
    )
        .into_response())
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: e.to_string(),
    })
}

pub(crate) fn source_of(q: &Query) -> Result<Option<orewatch_core::model::EventSource>, ApiError> {
    q.text("source")
        .map(|s| {
            parse_source(s)
                .map_err(|_| ApiError::bad("source", format!("`{s}`: expected GED or ACLED")))
        })
        .transpose()
}

fn window_of(q: &Query, default: Option<u32>) -> Result<Option<u32>, ApiError> {
    match q.text("window_days") {
        None => Ok(default),
        Some("all") => Ok(None),
        Some(w) => w
            .parse::<u32>()
            .ok()
            .filter(|&w| w > 0 && w <= 36_525)
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad(
                    "window_days",
                    format!("`{w}`: expected a whole number of days from 1 to 36525, or `all`"),
                )
            }),
    }
}

fn site_id(q: &Query) -> Result<String, ApiError> {
    let id = q.text("site").unwrap_or_default();
    if id.is_empty() || id.contains([',', '=']) || id.len() > 200 {
        return Err(ApiError::bad(
            "site",
            format!("`{id}`: expected one site id such as MLI-HT-11"),
        ));
    }
    Ok(format!("id={id}"))
}

fn events_error(e: EventsError) -> ApiError {
    match e {
        EventsError::Analysis(e) => e.into(),
        EventsError::Country(e) => ApiError::bad("countries", e),
        EventsError::RowsNotServed => ApiError::bad("source", EventsError::RowsNotServed),
        e @ EventsError::Period { .. } => ApiError::bad("from", e),
    }
}

fn events_request(q: &Query, with_source: bool) -> Result<EventsRequest, ApiError> {
    Ok(EventsRequest {
        source: if with_source { source_of(q)? } else { None },
        countries: q.list("countries"),
        from: q.date("from")?,
        to: q.date("to")?,
        violence: q
            .list("violence")
            .iter()
            .map(|v| {
                parse_violence(v)
                    .map_err(|_| ApiError::bad("violence", format!("`{v}`: expected sb, ns or os")))
            })
            .collect::<Result<_, _>>()?,
    })
}

async fn datasets(
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer(&s, "datasets", raw, DATASETS, "application/json", |g, q| {
        let req = assess::datasets::DatasetsRequest {
            kinds: q.list("kinds"),
        };
        to_json(&assess::datasets::datasets(&g.manifest.contents(), &req)?)
    })
    .await
}

async fn exposure(
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer(&s, "exposure", raw, EXPOSURE, "application/json", |g, q| {
        let defaults = assess::exposure::ExposureRequest::default();
        let radii = q.list("radius_km");
        let radii_km = if radii.is_empty() {
            defaults.radii_km.clone()
        } else {
            radii
                .iter()
                .map(|r| {
                    r.parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite() && *x > 0.0 && *x <= 500.0)
                        .ok_or_else(|| {
                            ApiError::bad(
                                "radius_km",
                                format!("`{r}`: expected radii in km above 0 and at most 500"),
                            )
                        })
                })
                .collect::<Result<_, _>>()?
        };
        let req = assess::exposure::ExposureRequest {
            sites: site_id(q)?,
            radii_km,
            window_days: window_of(q, defaults.window_days)?,
            half_life_days: q
                .number("half_life_days", 1.0, 36_525.0)?
                .unwrap_or(defaults.half_life_days),
            kernel: match q.text("kernel") {
                None => defaults.kernel,
                Some(k) => Kernel::parse(k).map_err(|_| {
                    ApiError::bad(
                        "kernel",
                        format!("`{k}`: expected uniform, linear or gaussian"),
                    )
                })?,
            },
            weight: match q.text("weight") {
                None => defaults.weight,
                Some(w) => EventWeight::parse(w).map_err(|_| {
                    ApiError::bad("weight", format!("`{w}`: expected fatalities or events"))
                })?,
            },
            as_of: q.date("as_of")?,
            source: source_of(q)?,
            top_actors: match q.get::<usize>("top_actors", "a whole number from 0 to 50")? {
                None => defaults.top_actors,
                Some(n) if n <= 50 => n,
                Some(n) => {
                    return Err(ApiError::bad(
                        "top_actors",
                        format!("`{n}`: expected a whole number from 0 to 50"),
                    ))
                }
            },
            ..defaults
        };
        to_json(&assess::exposure::exposure(
            &g.dataset,
            &g.manifest.sources,
            &req,
        )?)
    })
    .await
}

async fn exposure_monthly(
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer(
        &s,
        "exposure_monthly",
        raw,
        EXPOSURE_MONTHLY,
        "application/json",
        |g, q| {
            let defaults = assess::exposure::ExposureRequest::default();
            let req = assess::exposure::ExposureRequest {
                sites: site_id(q)?,
                radii_km: vec![q.number("radius_km", 0.001, 500.0)?.unwrap_or(50.0)],
                window_days: window_of(q, defaults.window_days)?,
                as_of: q.date("as_of")?,
                source: source_of(q)?,
                ..defaults
            };
            to_json(&assess::exposure::exposure_monthly(
                &g.dataset,
                &g.manifest.sources,
                &req,
                q.date("from")?,
            )?)
        },
    )
    .await
}

fn cahra_request(q: &Query) -> Result<assess::cahra::CahraRequest, ApiError> {
    Ok(assess::cahra::CahraRequest {
        year: q.get::<i32>("year", "a calendar year such as 2019")?,
        source: source_of(q)?,
        countries: q.list("countries"),
        site_radius_km: q.number("radius_km", 0.001, 500.0)?.unwrap_or(50.0),
        rules: None,
    })
}

async fn cahra(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    answer(&s, "cahra", raw, CAHRA, "application/json", |g, q| {
        to_json(&assess::cahra::cahra(
            &g.dataset,
            &g.manifest.sources,
            &cahra_request(q)?,
        )?)
    })
    .await
}

async fn cahra_regions(
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer(
        &s,
        "cahra_regions",
        raw,
        CAHRA,
        "application/geo+json",
        |g, q| {
            let a = assess::cahra::cahra(&g.dataset, &g.manifest.sources, &cahra_request(q)?)?;
            let features: Vec<Value> = a
                .regions
                .iter()
                .map(|r| {
                    let geometry = g
                        .dataset
                        .regions
                        .iter()
                        .find(|x| x.level == 1 && x.region_id == r.region_id)
                        .map(geometry_json)
                        .unwrap_or(Value::Null);
                    json!({"type": "Feature", "geometry": geometry, "properties": r})
                })
                .collect();
            to_json(&json!({
                "type": "FeatureCollection",
                "metadata": {
                    "year": a.year, "source": a.source, "countries": a.countries,
                    "coverage": a.coverage, "country_coverage": a.country_coverage,
                    "rules_file": a.rules_file, "rules_sha256": a.rules_sha256,
                    "verdicts": a.verdicts, "provenance": a.provenance,
                },
                "features": features,
            }))
        },
    )
    .await
}

async fn events_geojson(
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer(&s, "events_geojson", raw, EVENTS, "application/geo+json", |g, q| {
        let req = events_request(q, false)?;
        let points = assess::events::event_points(&g.dataset.events, &g.manifest.sources, &req)
            .map_err(events_error)?;
        let features: Vec<Value> = points
            .events
            .iter()
            .map(|e| json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [e.lon, e.lat]}, "properties": e}))
            .collect();
        to_json(&json!({
            "type": "FeatureCollection",
            "metadata": {"source": points.source, "coverage": points.coverage, "request": points.request, "provenance": points.provenance},
            "features": features,
        }))
    })
    .await
}

async fn events_parquet(
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer(&s, "events_parquet", raw, EVENTS, "application/vnd.apache.parquet", |g, q| {
        let req = events_request(q, false)?;
        let points = assess::events::event_points(&g.dataset.events, &g.manifest.sources, &req)
            .map_err(events_error)?;
        let coords: Vec<Option<(f64, f64)>> = points.events.iter().map(|e| Some((e.lon, e.lat))).collect();
        let metadata = serde_json::to_string(&json!({"request": points.request, "coverage": points.coverage, "provenance": points.provenance}))
            .unwrap_or_default();
        orewatch_store::parquet_bytes(&points.events, Some(&coords), &metadata).map_err(|message| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message,
        })
    })
    .await
}

async fn event_cells(
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer(&s, "event_cells", raw, CELLS, "application/json", |g, q| {
        let req = events_request(q, true)?;
        to_json(
            &assess::events::event_cells(&g.dataset.events, &g.manifest.sources, &req)
                .map_err(events_error)?,
        )
    })
    .await
}

fn site_feature(s: &Site) -> Value {
    let geometry = match (s.lat, s.lon) {
        (Some(lat), Some(lon)) => json!({"type": "Point", "coordinates": [lon, lat]}),
        _ => Value::Null,
    };
    let owners: Vec<Value> = s
        .owners
        .iter()
        .map(
            |o| json!({"owner": o.owner, "share_pct": o.share_pct, "home_country": o.home_country}),
        )
        .collect();
    json!({
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "site_id": s.site_id, "name": s.name, "kind": s.kind, "country_iso3": s.country_iso3,
            "commodities": s.commodities, "status": s.status, "status_as_of": s.status_as_of,
            "operator": s.operator, "owners": owners, "coord_precision": s.coord_precision,
        },
    })
}

async fn sites(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    answer(&s, "sites", raw, SITES, "application/geo+json", |g, q| {
        let countries: Vec<String> = q
            .list("countries")
            .iter()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let commodity = q.text("commodity").map(str::to_lowercase);
        let features: Vec<Value> = g
            .dataset
            .sites
            .iter()
            .filter(|s| {
                countries.is_empty()
                    || s.country_iso3
                        .as_ref()
                        .is_some_and(|c| countries.contains(c))
            })
            .filter(|s| {
                commodity
                    .as_ref()
                    .is_none_or(|c| s.commodities.iter().any(|x| x.to_lowercase().contains(c)))
            })
            .map(site_feature)
            .collect();
        to_json(&json!({"type": "FeatureCollection", "features": features}))
    })
    .await
}

fn geometry_json(region: &Region) -> Value {
    // Rounded to 1e-4 degrees (~11 m), finer than Natural Earth's 1:10m boundaries.
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let polygons: Vec<Value> = region
        .geometry
        .0
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|ring| {
                    Value::Array(
                        ring.0
                            .iter()
                            .map(|c| json!([round(c.x), round(c.y)]))
                            .collect(),
                    )
                })
                .collect::<Vec<Value>>()
                .into()
        })
        .collect();
    json!({"type": "MultiPolygon", "coordinates": polygons})
}

async fn boundaries(
    State(s): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    answer(&s, "boundaries", raw, BOUNDARIES, "application/geo+json", |g, q| {
        let level = q.get::<u8>("level", "0 or 1")?.unwrap_or(1);
        if level > 1 {
            return Err(ApiError::bad("level", format!("`{level}`: expected 0 or 1")));
        }
        let countries: Vec<String> = q.list("countries").iter().map(|c| c.to_ascii_uppercase()).collect();
        let features: Vec<Value> = g
            .dataset
            .regions
            .iter()
            .filter(|r| r.level == level)
            .filter(|r| countries.is_empty() || r.country_iso3.as_ref().is_some_and(|c| countries.contains(c)))
            .map(|r| {
                json!({
                    "type": "Feature",
                    "geometry": geometry_json(r),
                    "properties": {"region_id": r.region_id, "name": r.name, "level": r.level, "country_iso3": r.country_iso3, "source": r.source},
                })
            })
            .collect();
        to_json(&json!({"type": "FeatureCollection", "features": features}))
    })
    .await
}
