//! `manifest.json`: what is in a store generation and where it came from.

use std::collections::BTreeMap;

use orewatch_core::analysis::coverage::EventCoverage;
use orewatch_core::ingest::plan::SourceReport;
use serde::{Deserialize, Serialize};

/// The largest `manifest.json` the store reads, in bytes (a manifest listing 100,000 sources
/// is about 100 MiB).
pub const MAX_MANIFEST_BYTES: u64 = 256 * 1024 * 1024;

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
    pub sources: Vec<SourceReport>,
    /// Row counts per table (`events`, `sites`, …).
    pub tables: BTreeMap<String, TableEntry>,
    /// Decisions taken when the same fact came from several sources (which one won, why).
    pub dedup_notes: Vec<String>,
    /// Which countries and periods each event source covers, per (source, country), computed
    /// at ingest from the event files. Absent in manifests written before it existed: use
    /// [`Manifest::event_coverage`], which then derives it from `sources`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_coverage: Option<EventCoverage>,
}

impl Manifest {
    /// The coverage table: the one stored, else derived from the source reports (manifests
    /// written before it was stored).
    pub fn event_coverage(&self) -> EventCoverage {
        self.event_coverage
            .clone()
            .unwrap_or_else(|| EventCoverage::from_sources(&self.sources))
    }
}

impl Manifest {
    /// Parses the bytes of a `manifest.json` (serde_json: nesting is limited to 128 levels, so
    /// no input overflows the stack); the error says what is wrong and where.
    pub fn from_json(bytes: &[u8]) -> Result<Manifest, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("manifest.json is not valid: {e}"))
    }
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
