//! The map page and its assets, embedded in the binary at build time (no CDN: it works with
//! the network off). Third-party libraries are vendored from npm at the versions pinned in
//! `web/package-lock.json` (`web/refresh-vendor.sh` refreshes them).

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AppState;

/// (path under /assets/, media type, bytes)
pub const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "vendor/leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/leaflet/leaflet.js"),
    ),
    (
        "vendor/leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/vendor/leaflet/leaflet.css"),
    ),
    (
        "vendor/leaflet/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/leaflet/LICENSE"),
    ),
    (
        "vendor/uplot/uPlot.iife.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/uplot/uPlot.iife.min.js"),
    ),
    (
        "vendor/uplot/uPlot.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/vendor/uplot/uPlot.min.css"),
    ),
    (
        "vendor/uplot/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/uplot/LICENSE"),
    ),
    (
        "vendor/VERSIONS",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/VERSIONS"),
    ),
];

pub const INDEX_HTML: &str = include_str!("../assets/index.html");
pub const DOCS_HTML: &str = include_str!("../assets/api-docs.html");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { axum::response::Html(INDEX_HTML) }))
        .route("/assets/{*path}", get(asset))
}

async fn asset(Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|(p, _, _)| *p == path) {
        Some((_, media, bytes)) => ([(header::CONTENT_TYPE, *media)], *bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

#[cfg(test)]
mod tests {
    /// The embedded vendor files are the versions `web/package-lock.json` pins.
    #[test]
    fn vendored_files_match_the_lock() {
        let lock: serde_json::Value =
            serde_json::from_str(include_str!("../web/package-lock.json")).unwrap();
        let version = |p: &str| {
            lock["packages"][format!("node_modules/{p}")]["version"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let file = |p: &str| {
            let (_, _, b) = super::ASSETS.iter().find(|(q, _, _)| *q == p).unwrap();
            String::from_utf8_lossy(&b[..b.len().min(400)]).into_owned()
        };
        let leaflet = version("leaflet");
        assert!(file("vendor/leaflet/leaflet.js").contains(&format!("Leaflet {leaflet},")));
        let uplot = version("uplot");
        assert!(file("vendor/uplot/uPlot.iife.min.js").contains(&format!("(v{uplot})")));
        let listed = file("vendor/VERSIONS");
        assert_eq!(listed, format!("leaflet {leaflet}\nuplot {uplot}\n"));
        assert!(file("vendor/leaflet/LICENSE").contains("BSD"));
        assert!(file("vendor/uplot/LICENSE").contains("MIT"));
    }
}
