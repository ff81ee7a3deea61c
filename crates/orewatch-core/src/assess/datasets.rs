//! What the store holds, as an assessment: the generation, every source file with its
//! provenance and counts, the tables, the event coverage per (source, country), and one
//! summary per kind of source (files, rows, releases, first and last date or year) — the
//! coverage and vintage a reader must see beside every number.
//!
//! Input: the store's manifest, handed over as [`StoreContents`] (the store crate builds it
//! from its `manifest.json`; this module reads no file). The coverage table is the one stored
//! at ingest, else derived from the source reports ([`EventCoverage::from_sources`]), as
//! `orewatch-store`'s `Manifest::event_coverage` does.
//!
//! Units: rows are counts; dates are as the sources give them (`YYYY-MM-DD` for events, `YYYY`
//! for yearly tables), so a kind's first and last are compared within that kind only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Provenance;
use crate::analysis::coverage::EventCoverage;
use crate::analysis::AnalysisError;
use crate::ingest::plan::SourceReport;

/// One table file of a store generation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableEntry {
    pub file: String,
    pub rows: u64,
    pub sha256: String,
    /// True for GeoParquet tables.
    pub geoparquet: bool,
}

/// The parts of a store generation's manifest this assessment reads.
#[derive(Debug, Clone, Copy)]
pub struct StoreContents<'a> {
    /// The orewatch version that wrote the generation.
    pub orewatch_version: &'a str,
    pub generation: u64,
    /// RFC 3339, UTC.
    pub written_at: &'a str,
    pub sources: &'a [SourceReport],
    pub tables: &'a BTreeMap<String, TableEntry>,
    pub dedup_notes: &'a [String],
    /// The coverage table stored at ingest (None in older manifests: derived from `sources`).
    pub event_coverage: Option<&'a EventCoverage>,
}

/// Which sources to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatasetsRequest {
    /// Source kinds to keep (`ucdp_ged`, `acled`, `usgs_sites`, …); empty: all.
    pub kinds: Vec<String>,
}

/// All files of one kind of source taken together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindSummary {
    pub kind: String,
    pub files: u64,
    pub rows_read: u64,
    pub accepted: u64,
    pub flagged: u64,
    pub quarantined: u64,
    /// Distinct releases or editions, sorted.
    pub releases: Vec<String>,
    /// The earliest first and the latest last date (or year) of the files' records.
    pub first: Option<String>,
    pub last: Option<String>,
}

/// What the store holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetsAssessment {
    pub request: DatasetsRequest,
    /// The orewatch version that wrote the generation.
    pub orewatch_version: String,
    pub generation: u64,
    pub written_at: String,
    /// In ingest order.
    pub sources: Vec<SourceReport>,
    /// By kind, in order of first appearance among the sources.
    pub kinds: Vec<KindSummary>,
    pub tables: BTreeMap<String, TableEntry>,
    pub dedup_notes: Vec<String>,
    pub event_coverage: EventCoverage,
    pub provenance: Provenance,
}

/// Sums each kind's files (see [`KindSummary`]), in order of first appearance.
pub fn kind_summaries(sources: &[SourceReport]) -> Vec<KindSummary> {
    let mut out: Vec<KindSummary> = Vec::new();
    for s in sources {
        let i = match out.iter().position(|k| k.kind == s.kind) {
            Some(i) => i,
            None => {
                out.push(KindSummary {
                    kind: s.kind.clone(),
                    files: 0,
                    rows_read: 0,
                    accepted: 0,
                    flagged: 0,
                    quarantined: 0,
                    releases: Vec::new(),
                    first: None,
                    last: None,
                });
                out.len() - 1
            }
        };
        let k = &mut out[i];
        k.files += 1;
        k.rows_read += s.rows_read;
        k.accepted += s.accepted;
        k.flagged += s.flagged;
        k.quarantined += s.quarantined;
        if let Some(r) = &s.release {
            if !k.releases.contains(r) {
                k.releases.push(r.clone());
                k.releases.sort();
            }
        }
        if let Some(c) = &s.coverage {
            if k.first.as_ref().is_none_or(|f| c.start < *f) {
                k.first = Some(c.start.clone());
            }
            if k.last.as_ref().is_none_or(|l| c.end > *l) {
                k.last = Some(c.end.clone());
            }
        }
    }
    out
}

/// Lists what the store holds (see the module docs). An unknown kind is an error naming the
/// kinds present.
pub fn datasets(
    store: &StoreContents<'_>,
    req: &DatasetsRequest,
) -> Result<DatasetsAssessment, AnalysisError> {
    for kind in &req.kinds {
        if !store.sources.iter().any(|s| &s.kind == kind) {
            let mut present: Vec<&str> = store.sources.iter().map(|s| s.kind.as_str()).collect();
            present.sort();
            present.dedup();
            return Err(AnalysisError::bad(
                "kinds",
                kind,
                format!("a kind of source in the store: {}", present.join(", ")),
            ));
        }
    }
    let keep = |s: &&SourceReport| req.kinds.is_empty() || req.kinds.contains(&s.kind);
    let sources: Vec<SourceReport> = store.sources.iter().filter(keep).cloned().collect();
    let event_coverage = store
        .event_coverage
        .cloned()
        .unwrap_or_else(|| EventCoverage::from_sources(store.sources));
    let mut provenance = Provenance::new();
    provenance.command = Some(if req.kinds.is_empty() {
        "orewatch datasets --json".into()
    } else {
        format!("orewatch datasets --json --kinds {}", req.kinds.join(","))
    });
    provenance.sources = sources
        .iter()
        .map(|s| super::SourceRef {
            path: s.path.clone(),
            sha256: s.sha256.clone(),
            kind: s.kind.clone(),
        })
        .collect();
    Ok(DatasetsAssessment {
        request: req.clone(),
        orewatch_version: store.orewatch_version.to_string(),
        generation: store.generation,
        written_at: store.written_at.to_string(),
        kinds: kind_summaries(&sources),
        sources,
        tables: store.tables.clone(),
        dedup_notes: store.dedup_notes.to_vec(),
        event_coverage,
        provenance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::plan::Coverage;

    fn source(kind: &str, release: Option<&str>, rows: u64, span: (&str, &str)) -> SourceReport {
        SourceReport {
            path: format!("/data/{kind}_{}.csv", span.0),
            kind: kind.into(),
            release: release.map(str::to_string),
            rows_read: rows,
            accepted: rows - 1,
            quarantined: 1,
            coverage: Some(Coverage {
                start: span.0.into(),
                end: span.1.into(),
            }),
            ..SourceReport::default()
        }
    }

    #[test]
    fn kinds_sum_their_files_and_span_their_dates() {
        // Two GED files: rows 10 + 4 = 14, accepted 9 + 3 = 12, quarantined 2; releases 21.1
        // and 24.1; first 1989-01-01 (the older file), last 2022-12-31 (the newer one).
        let sources = [
            source("ucdp_ged", Some("21.1"), 10, ("1989-01-01", "2019-12-31")),
            source("wgi", None, 6, ("1996", "2022")),
            source("ucdp_ged", Some("24.1"), 4, ("1990-02-03", "2022-12-31")),
        ];
        let k = kind_summaries(&sources);
        assert_eq!(k.len(), 2);
        assert_eq!(k[0].kind, "ucdp_ged");
        assert_eq!(
            (k[0].files, k[0].rows_read, k[0].accepted, k[0].quarantined),
            (2, 14, 12, 2)
        );
        assert_eq!(k[0].releases, ["21.1", "24.1"]);
        assert_eq!(k[0].first.as_deref(), Some("1989-01-01"));
        assert_eq!(k[0].last.as_deref(), Some("2022-12-31"));
        assert_eq!((k[1].kind.as_str(), k[1].files), ("wgi", 1));
        assert!(k[1].releases.is_empty());

        let tables = BTreeMap::new();
        let store = StoreContents {
            orewatch_version: "0.1.0",
            generation: 3,
            written_at: "2026-12-07T00:00:00Z",
            sources: &sources,
            tables: &tables,
            dedup_notes: &[],
            event_coverage: None,
        };
        let only_wgi = DatasetsRequest {
            kinds: vec!["wgi".into()],
        };
        let a = datasets(&store, &only_wgi).unwrap();
        assert_eq!(a.sources.len(), 1);
        assert_eq!(a.kinds.len(), 1);
        assert_eq!(a.generation, 3);
        let err = datasets(
            &store,
            &DatasetsRequest {
                kinds: vec!["acled".into()],
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("ucdp_ged, wgi"), "{err}");
        crate::assess::tests::json_round_trip(
            &datasets(&store, &DatasetsRequest::default()).unwrap(),
        );
    }
}
