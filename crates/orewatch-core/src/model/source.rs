//! Provenance of the data: what each source file contributed to the store (the manifest's
//! per-file entry, [`SourceReport`]), and which countries an event file covers
//! ([`file_scope`]). Readers fill these in at ingest; analyses read them to state their
//! sources and coverage. Dates in [`Coverage`] are ISO 8601 text as the manifest keeps them.

use serde::{Deserialize, Serialize};

/// What one source file contributed: the manifest's per-source entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    /// Absolute path of the file.
    pub path: String,
    pub sha256: String,
    pub size_bytes: u64,
    /// `ucdp_ged`, `acled`, `usgs_mcs`, … (see `ingest::plan::SourceKind::as_str`).
    pub kind: String,
    /// The layout its reader detected.
    pub layout: String,
    /// Release or edition when known (`21.1`, `MCS2024`).
    pub release: Option<String>,
    /// Where a UCDP GED file's release came from (None for other kinds, and in manifests
    /// written before this field existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_basis: Option<ReleaseBasis>,
    /// Set when the file was damaged by a spreadsheet re-save and its whole records were
    /// recovered (`--recover-quoted`): what was recovered and what was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<RecoveryCounts>,
    /// Data rows read (for GeoJSON, features).
    pub rows_read: u64,
    /// Records the reader produced (a USGS facility with several product rows is one record).
    pub accepted: u64,
    pub flagged: u64,
    pub quarantined: u64,
    /// Of the accepted records: new to the dataset; already present and identical; already
    /// present but changed (this file's newer record won); and beaten by a record already
    /// present from a newer release or edition (not stored from this file).
    pub new: u64,
    pub unchanged: u64,
    pub updated: u64,
    pub superseded: u64,
    /// First and last date (events) or year (production, governance) of the records.
    pub coverage: Option<Coverage>,
    /// Distinct countries of the records (names as the source gives them, or ISO3), sorted.
    pub countries: Vec<String>,
    /// For event files: whether the file covers every country or only those its events are
    /// in (see [`file_scope`]). None for other kinds and in older manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<FileScope>,
    pub notes: Vec<String>,
    /// When this file's current content was first ingested (UTC, RFC 3339); set by the caller
    /// that writes the store, kept across re-ingests of an unchanged file.
    pub ingested_at: Option<String>,
}

/// Where an event file's release came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseBasis {
    /// The file name (`ucdp_ged_v24_1_…`).
    FileName,
    /// Given by the user (`orewatch ingest --release 24.1`): the name carries none.
    Given,
    /// Neither: the file is merged as the newest release.
    Unknown,
}

impl ReleaseBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseBasis::FileName => "from the file name",
            ReleaseBasis::Given => "given with --release",
            ReleaseBasis::Unknown => "unknown (the file name carries none, none was given)",
        }
    }
}

/// What the recovery of a spreadsheet-damaged file kept and lost (`ingest::resaved::recover`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCounts {
    /// Lines holding one whole record, handed to the reader.
    pub recovered: u64,
    /// Lines holding part of a record: quarantined, never read as events.
    pub unrecoverable: u64,
    /// Lines of bare `;` separators.
    pub separator_only: u64,
}

/// Time coverage of a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub start: String,
    pub end: String,
}

/// Which countries a file covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileScope {
    /// Every country: a peaceful country is one without events in it.
    Global,
    /// Only the countries its events are in.
    Listed,
}

/// The five UCDP regions: a file with events in all of them is a global file.
const UCDP_REGIONS: [&str; 5] = ["Africa", "Americas", "Asia", "Europe", "Middle East"];

/// The scope of an event file from its name and the UCDP regions (GED `region` column) of its
/// events; see the module docs. `regions` may be empty (layouts without the column).
pub fn file_scope(file_name: &str, regions: &[String]) -> FileScope {
    let name = file_name.to_lowercase();
    let tokens: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let named_global = tokens.iter().any(|t| matches!(*t, "global" | "world"));
    let ucdp_release_name = name.starts_with("gedevent_v")
        || tokens.first().is_some_and(|t| {
            t.len() == 6 && t.starts_with("ged") && t[3..].bytes().all(|b| b.is_ascii_digit())
        });
    let all_regions = UCDP_REGIONS
        .iter()
        .all(|r| regions.iter().any(|seen| seen.split(", ").any(|s| s == *r)));
    if named_global || ucdp_release_name || all_regions {
        FileScope::Global
    } else {
        FileScope::Listed
    }
}
