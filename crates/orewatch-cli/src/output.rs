//! Writing result files: by extension, atomically (a temporary file renamed into place), with
//! the metadata of a CSV in a sidecar `F.meta.json` next to it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

/// The lower-case extension of `path` ("" when none).
pub(crate) fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Writes bytes atomically: a temporary file next to `path`, renamed into place.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("moving {} to {}", tmp.display(), path.display()))
}

/// Rows as CSV with a header from the fields' names.
pub(crate) fn csv_bytes<T: Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for r in rows {
        out.serialize(r)?;
    }
    Ok(out.into_inner()?)
}

/// `F.csv` -> `F.csv.meta.json`.
pub(crate) fn sidecar(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".meta.json");
    PathBuf::from(p)
}
