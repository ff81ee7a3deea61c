//! The supply panel's endpoint: `GET /api/supply?commodity=lithium` answers the supply
//! assessment's market question (`orewatch_core::analysis::supply::assessment::assess`, the
//! same request and numbers as `orewatch supply --commodity lithium --format json`): the
//! market's shares and concentration, the EU supply risk (SR) and economic importance (EI),
//! critical or not, SR now and with Mali's output stopped, and the sources — over the store's
//! production, governance and events and the bundled EU tables and supply-risk inputs.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use orewatch_core::analysis::supply::assessment::{
    assess, MarketRequest, SupplyData, SupplyQuestion, SupplyRequest,
};
use orewatch_core::analysis::supply::inputs::SupplyInputs;
use orewatch_core::model::ProductionSeries;

use crate::api::{answer_keyed, source_of, to_json};
use crate::query::{param, required, Kind, Param, Query};
use crate::{ApiError, AppState};

pub const SUPPLY: &[Param] = &[
    required(
        "commodity",
        Kind::Text,
        "commodity as the store names it (gold, lithium, cobalt, …)",
    ),
    param(
        "year",
        Kind::Integer,
        "production year (default: the latest with figures)",
    ),
    param(
        "stage",
        Kind::Text,
        "mine or refinery (default: mine where the series has stages)",
    ),
    param(
        "series",
        Kind::Text,
        "usgs (USGS MCS) or owid (1970–2015); default: usgs when it has the commodity",
    ),
    param(
        "source",
        Kind::Text,
        "event source of the CAHRA screening: GED or ACLED (required when the store holds both)",
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/supply", get(supply))
}

fn supply_request(q: &Query) -> Result<SupplyRequest, ApiError> {
    let commodity = q.text("commodity").unwrap_or_default().to_lowercase();
    if commodity.len() > 60
        || !commodity
            .chars()
            .all(|c| c.is_alphanumeric() || " -,/()".contains(c))
    {
        return Err(ApiError::bad(
            "commodity",
            format!("`{commodity}`: expected a commodity name such as gold or lithium"),
        ));
    }
    let stage = q.text("stage").map(str::to_lowercase);
    if let Some(s) = &stage {
        if s != "mine" && s != "refinery" {
            return Err(ApiError::bad(
                "stage",
                format!("`{s}`: expected mine or refinery"),
            ));
        }
    }
    let series = match q.text("series") {
        None => None,
        Some("usgs") => Some(ProductionSeries::UsgsMcs),
        Some("owid") => Some(ProductionSeries::Owid1970_2015),
        Some(s) => {
            return Err(ApiError::bad(
                "series",
                format!("`{s}`: expected usgs or owid"),
            ))
        }
    };
    Ok(SupplyRequest {
        question: SupplyQuestion::Market(MarketRequest {
            commodity,
            year: q.get::<i32>("year", "a calendar year such as 2023")?,
            stage,
            series,
            ..MarketRequest::default()
        }),
        event_source: source_of(q)?,
        max_precision: None,
    })
}

async fn supply(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let query = Query::parse(raw.as_deref(), SUPPLY)?;
    let request = supply_request(&query)?;
    let key = format!(
        "supply?{}",
        serde_json::to_string(&request).unwrap_or_default()
    );
    answer_keyed(&s, key, "application/json", move |g| {
        let eu = orewatch_core::ingest::eu_crm::bundled().map_err(|e| {
            ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        })?;
        let inputs = SupplyInputs::bundled();
        let data = SupplyData {
            dataset: &g.dataset,
            sources: &g.manifest.sources,
            eu: &eu,
            inputs: &inputs,
        };
        to_json(&assess(&request, &data)?)
    })
    .await
}
