//! `orewatch serve`: the assessments over HTTP and the offline map page.
//!
//! What it answers: every endpoint under `/api/` calls one assessment of
//! `orewatch_core::assess` (or formats the store's tables as GeoJSON for the map) and returns
//! its typed result as JSON, unchanged: the same numbers as the CLI. `/openapi.json` describes
//! the endpoints (OpenAPI 3.1), `/api-docs` renders that document, `/` is the map page; its
//! assets are embedded in the binary (no CDN, works offline).
//!
//! Reliability and security:
//! - the store is only read; the server binds to loopback unless told otherwise (the CLI warns);
//! - each request resolves the store's `current` generation; a new generation (an ingest
//!   finished meanwhile) is loaded once and swapped in between requests, while requests in
//!   flight keep the [`Arc`] of the generation they started with — no request ever sees a
//!   half-written generation (an ingest writes a new directory and then swaps the link);
//! - every parameter is declared: an unknown, repeated or malformed one is a 400 naming it; no
//!   parameter is a path; request bodies are limited to [`MAX_BODY_BYTES`] ([`MAX_SCENARIO_BODY_BYTES`] for
//!   scenario texts) and every request
//!   to [`REQUEST_TIMEOUT`];
//! - ACLED events leave only as aggregates per cell and month; GED events without free text.

mod api;
mod openapi;
mod outlook;
mod page;
mod query;
mod scenario;
mod supply;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use orewatch_core::assess::forecast::EvaluationRequest;
use orewatch_core::model::Dataset;
use orewatch_store::{Manifest, Store};

/// The largest request body accepted, bytes (scenario endpoints: [`MAX_SCENARIO_BODY_BYTES`]).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest body of a scenario request (the scenarios' texts), bytes: the bundled four
/// take about 95 KiB.
pub const MAX_SCENARIO_BODY_BYTES: usize = 1024 * 1024;
/// The longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Cached answers kept per generation (each a serialised JSON body).
const CACHE_ENTRIES: usize = 256;

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// An answer that is not a success: a status and a message for the user.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    /// A 400 naming the parameter.
    pub fn bad(name: &str, what: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: format!("{name}: {what}"),
        }
    }

    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl From<orewatch_core::analysis::AnalysisError> for ApiError {
    fn from(e: orewatch_core::analysis::AnalysisError) -> ApiError {
        use orewatch_core::analysis::AnalysisError as E;
        match &e {
            E::BadParameter { name, .. } => ApiError {
                status: StatusCode::BAD_REQUEST,
                message: format!("{name}: {e}"),
            },
            E::Data(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": self.message, "status": self.status.as_u16()});
        (self.status, axum::Json(body)).into_response()
    }
}

/// One loaded store generation and the answers computed from it.
pub struct Generation {
    pub dir: PathBuf,
    pub dataset: Dataset,
    pub manifest: Manifest,
    cache: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    /// The forecast evaluation of this generation (computed once, in the background).
    evaluation: Mutex<outlook::EvaluationState>,
}

impl Generation {
    fn cached(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        self.cache.lock().ok()?.get(key).cloned()
    }

    fn remember(&self, key: String, body: Arc<Vec<u8>>) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(key, body);
        }
    }
}

/// The server's state: the store and the generation loaded last.
#[derive(Clone)]
pub struct AppState {
    store: Arc<Store>,
    loaded: Arc<RwLock<Option<Arc<Generation>>>>,
    loading: Arc<tokio::sync::Mutex<()>>,
    /// The out-of-sample evaluation shown beside the forecast layer.
    evaluation_request: Arc<EvaluationRequest>,
}

impl AppState {
    /// The server's state over `store_dir`; the forecast layer shows the evaluation of
    /// `evaluation_request` (None: the fresh-span evaluation the brief shows,
    /// [`EvaluationRequest::fresh_span`]).
    pub fn new(store_dir: PathBuf, evaluation_request: Option<EvaluationRequest>) -> AppState {
        AppState {
            store: Arc::new(Store::open(store_dir)),
            loaded: Arc::new(RwLock::new(None)),
            loading: Arc::new(tokio::sync::Mutex::new(())),
            evaluation_request: Arc::new(
                evaluation_request.unwrap_or_else(EvaluationRequest::fresh_span),
            ),
        }
    }

    fn loaded_if(&self, dir: &PathBuf) -> Option<Arc<Generation>> {
        let guard = self.loaded.read().ok()?;
        guard.as_ref().filter(|g| &g.dir == dir).cloned()
    }

    /// The store's current generation, loading it when `current` moved since the last one.
    pub async fn current(&self) -> Result<Arc<Generation>, ApiError> {
        let Some(dir) = self.store.current_dir() else {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the store at {} is empty: run `orewatch ingest` first",
                    self.store.root().display()
                ),
            ));
        };
        if let Some(g) = self.loaded_if(&dir) {
            return Ok(g);
        }
        let _one_loader = self.loading.lock().await;
        if let Some(g) = self.loaded_if(&dir) {
            return Ok(g);
        }
        let load_dir = dir.clone();
        let (dataset, manifest) =
            tokio::task::spawn_blocking(move || orewatch_store::load_generation(&load_dir))
                .await
                .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
                .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let generation = Arc::new(Generation {
            dir,
            dataset,
            manifest,
            cache: Mutex::new(HashMap::new()),
            evaluation: Mutex::new(outlook::EvaluationState::NotStarted),
        });
        if let Ok(mut slot) = self.loaded.write() {
            *slot = Some(generation.clone());
        }
        Ok(generation)
    }
}

/// The whole application: API, OpenAPI document, docs page and map page, with the body and
/// time limits.
pub fn router(state: AppState) -> axum::Router {
    use tower_http::limit::RequestBodyLimitLayer;
    use tower_http::timeout::TimeoutLayer;
    api::routes()
        .merge(outlook::routes())
        .merge(supply::routes())
        .merge(page::routes())
        .merge(openapi::routes())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(scenario::routes().layer(RequestBodyLimitLayer::new(MAX_SCENARIO_BODY_BYTES)))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

/// Whether an address is loopback (the default); the CLI warns before serving on another.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// Serves on `listener` until ctrl-c.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
) -> Result<(), ServeError> {
    let app = router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Binds `addr` and serves (a multi-threaded tokio runtime of its own). `on_ready` gets the
/// address bound (useful with port 0).
pub fn serve(
    addr: SocketAddr,
    state: AppState,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        on_ready(listener.local_addr()?);
        serve_on(listener, state).await
    })
}
