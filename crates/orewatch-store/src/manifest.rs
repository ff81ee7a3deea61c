//! `manifest.json`: what is in a store generation and where it came from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Provenance of one store generation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Version of orewatch that wrote the generation.
    pub orewatch_version: String,
    /// Increasing generation number.
    pub generation: u64,
    /// When the generation was written (UTC, RFC 3339).
    pub written_at: String,
    /// Every source file ingested, in ingest order.
    pub sources: Vec<SourceEntry>,
    /// Row counts per table (`events`, `sites`, …).
    pub tables: BTreeMap<String, TableEntry>,
    /// Decisions taken when the same fact came from several sources (which one won, why).
    pub dedup_notes: Vec<String>,
}

/// One ingested source file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// Path as given (made absolute).
    pub path: String,
    pub sha256: String,
    pub size_bytes: u64,
    /// Kind of source (`ucdp_ged`, `acled`, `usgs_facilities`, …).
    pub kind: String,
    /// The layout its reader detected.
    pub layout: String,
    /// Release or edition when known (`21.1`, `MCS2024`).
    pub release: Option<String>,
    pub rows_read: u64,
    /// Records accepted from the file (after rebuilding, e.g. ACLED one-row-per-actor events
    /// or USGS facilities with several product rows: records, not rows).
    pub accepted: u64,
    pub flagged: u64,
    pub quarantined: u64,
    /// Of the accepted records: new to the store, already present and identical, and already
    /// present but changed (the newer release's record won).
    pub new: u64,
    pub unchanged: u64,
    pub updated: u64,
    /// Records that lost to a newer release or edition already in the store.
    pub superseded: u64,
    pub coverage: Option<Coverage>,
    /// When the file was (last) ingested, UTC RFC 3339.
    pub ingested_at: String,
    pub notes: Vec<String>,
}

/// Time coverage of a source: the first and last date (or year) of its records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub start: String,
    pub end: String,
}

/// One table file of a generation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableEntry {
    pub file: String,
    pub rows: u64,
    pub sha256: String,
    /// True for GeoParquet tables.
    pub geoparquet: bool,
}
