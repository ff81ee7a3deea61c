//! orewatch-store: the embedded store, one directory that other tools can open.
//!
//! Layout of a store directory (`--store DIR`, `OREWATCH_STORE`, default `./orewatch-data`):
//!
//! ```text
//! DIR/
//!   current -> generations/gen-000002      symlink, swapped atomically on every write
//!   generations/gen-000002/
//!     events.parquet      GeoParquet 1.0, Point geometry (WKB), one row per event
//!     sites.parquet       GeoParquet 1.0, Point geometry, null for sites without coordinates
//!     regions.parquet     GeoParquet 1.0, Polygon/MultiPolygon geometry
//!     actors.parquet  production.parquet  governance.parquet  quarantine.parquet
//!     manifest.json       provenance: per source its path, SHA-256, layout, row counts, coverage
//!   cache/                results derived from the data (e.g. a forecast evaluation), keyed by
//!                         the data's and the request's hashes; never read by `load`
//! ```
//!
//! Other tools read `DIR/current/events.parquet` directly (GeoPandas `read_parquet`, DuckDB
//! spatial `ST_GeomFromWKB`, QGIS). CRS is omitted from the GeoParquet metadata, which means
//! OGC:CRS84 (WGS84 longitude/latitude).
//!
//! Atomicity: a write builds a complete new generation directory under a temporary name,
//! fsyncs every file and the directory, renames it into place, then replaces the `current`
//! symlink by renaming a new symlink over it (an atomic operation on POSIX file systems). A
//! process killed at any point leaves `current` pointing at a complete generation. The previous
//! generation is kept; older ones and leftovers of interrupted writes are removed by the next
//! successful write.
//!
//! What it is not: it does not parse sources or compute anything; it stores a
//! [`orewatch_core::model::Dataset`] and its [`Manifest`] and loads them back ([`ingest`] hands
//! source files to `orewatch_core`'s readers and stores what they return).

mod cache;
mod event_writer;
mod export;
mod fault;
mod files;
mod geoparquet;
pub use geoparquet::{point_column, polygon_column};
pub mod ingest;
mod links;
mod manifest;
mod partial;
mod store;
mod tables;

pub use cache::{cache_key, data_fingerprint, Cache};
pub use export::{parquet_bytes, write_parquet_export, SampleWriter};
pub use links::LinkData;
pub use manifest::{Manifest, TableEntry};
pub use partial::{Table, EVENT_DEATHS_COLUMNS};
pub use store::{load_generation, Store, StoreError};
pub use tables::TABLE_NAMES;
