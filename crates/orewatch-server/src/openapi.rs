//! The OpenAPI 3.1 document (`/openapi.json`), built from the endpoints' declared parameters
//! ([`crate::api::ENDPOINTS`]), and `/api-docs`, a page that renders it (embedded, offline).

use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Required, ResponseBuilder,
};

use crate::api::{ENDPOINTS, POST_ENDPOINTS};
use crate::query::Kind;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(|| async { axum::Json(document()) }))
        .route(
            "/api-docs",
            get(|| async { Html(crate::page::DOCS_HTML).into_response() }),
        )
}

/// The document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    let error = |what: &str| {
        ResponseBuilder::new()
            .description(what)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::Object)
                            .property("error", ObjectBuilder::new().schema_type(Type::String))
                            .property("status", ObjectBuilder::new().schema_type(Type::Integer)),
                    ))
                    .build(),
            )
            .build()
    };
    for e in ENDPOINTS {
        let mut op = OperationBuilder::new().summary(Some(e.summary));
        for p in e.params {
            let (ty, format) = match p.kind {
                Kind::Text | Kind::List => (Type::String, None),
                Kind::Number => (Type::Number, None),
                Kind::Integer => (Type::Integer, None),
                Kind::Date => (Type::String, Some("date")),
            };
            let mut schema = ObjectBuilder::new().schema_type(ty);
            if let Some(f) = format {
                schema = schema.format(Some(utoipa::openapi::SchemaFormat::Custom(f.into())));
            }
            let description = match p.kind {
                Kind::List => format!("{} (comma-separated)", p.description),
                _ => p.description.to_string(),
            };
            op = op.parameter(
                ParameterBuilder::new()
                    .name(p.name)
                    .parameter_in(ParameterIn::Query)
                    .required(if p.required {
                        Required::True
                    } else {
                        Required::False
                    })
                    .description(Some(description))
                    .schema(Some(schema)),
            );
        }
        let ok = ResponseBuilder::new()
            .description(e.returns)
            .content(
                e.media,
                ContentBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(
                        if e.media.contains("json") {
                            Type::Object
                        } else {
                            Type::String
                        },
                    )))
                    .build(),
            )
            .build();
        op = op
            .response("200", ok)
            .response("400", error("an invalid parameter, named in `error`"))
            .response(
                "422",
                error("the store's data cannot answer (named in `error`)"),
            )
            .response("503", error("the store is empty"));
        paths = paths.path(e.path, PathItem::new(HttpMethod::Get, op.build()));
    }
    for e in POST_ENDPOINTS {
        let json_object = || {
            ContentBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::Object)))
                .build()
        };
        let op = OperationBuilder::new()
            .summary(Some(e.summary))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .description(Some(format!(
                        "{} as JSON, at most {} bytes",
                        e.body,
                        crate::MAX_SCENARIO_BODY_BYTES
                    )))
                    .required(Some(Required::True))
                    .content("application/json", json_object())
                    .build(),
            ))
            .response(
                "200",
                ResponseBuilder::new()
                    .description(e.returns)
                    .content("application/json", json_object())
                    .build(),
            )
            .response(
                "400",
                error("an invalid body or field (draws, scenarios, a scenario's text or path), named in `error`"),
            )
            .response("413", ResponseBuilder::new().description("the body is larger than the limit").build())
            .response("503", error("the store is empty"));
        paths = paths.path(e.path, PathItem::new(HttpMethod::Post, op.build()));
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("orewatch")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "The orewatch assessments over HTTP: the same request and result types, and \
                     the same numbers, as the orewatch CLI. Every answer carries its provenance.",
                )),
        )
        .paths(paths.build())
        .build()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_endpoint_and_parameter_is_in_the_document() {
        let doc = serde_json::to_value(super::document()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        for e in crate::api::ENDPOINTS {
            let op = &doc["paths"][e.path]["get"];
            assert!(op["responses"]["200"].is_object(), "{}", e.path);
            let names: Vec<&str> = op["parameters"]
                .as_array()
                .map(|ps| ps.iter().map(|p| p["name"].as_str().unwrap()).collect())
                .unwrap_or_default();
            let expected: Vec<&str> = e.params.iter().map(|p| p.name).collect();
            assert_eq!(names, expected, "{}", e.path);
        }
        for e in crate::api::POST_ENDPOINTS {
            let op = &doc["paths"][e.path]["post"];
            assert!(
                op["requestBody"]["content"]["application/json"].is_object(),
                "{}",
                e.path
            );
            assert!(op["responses"]["400"].is_object(), "{}", e.path);
        }
    }
}
