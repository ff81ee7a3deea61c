//! Writing result files: by extension, atomically (a temporary file renamed into place), with
//! the metadata of a CSV in a sidecar `F.meta.json` next to it; and a closed stdout
//! (`orewatch … | head`) ending the command quietly with exit 0, as ripgrep does.

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

/// A closed stdout ends the process quietly with exit 0. `println!` panics with "failed
/// printing to stdout: Broken pipe (os error 32)" when the reader has gone (Rust ignores
/// SIGPIPE, so the write fails instead of killing the process); this hook turns exactly that
/// panic into a silent exit 0 and hands every other panic to the default hook.
pub(crate) fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout")
            && message.to_ascii_lowercase().contains("broken pipe")
        {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Whether an error is (caused by) a closed pipe: a write with `writeln!` that failed.
pub(crate) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
