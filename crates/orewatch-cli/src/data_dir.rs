//! Where the default data lives: `OREWATCH_DATA`, else `../shared/data` from the current
//! directory.

use std::path::PathBuf;

use anyhow::{bail, Result};

pub const DEFAULT_RELATIVE: &str = "../shared/data";

/// The default data directory, or an error naming both places looked at and where to get data.
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("OREWATCH_DATA") {
        let dir = PathBuf::from(dir);
        if dir.is_dir() {
            return Ok(dir);
        }
        bail!(
            "OREWATCH_DATA is set to {} but that is not a directory. Point it at a directory of source files, or unset it to use {DEFAULT_RELATIVE}.",
            dir.display()
        );
    }
    let dir = PathBuf::from(DEFAULT_RELATIVE);
    if dir.is_dir() {
        return Ok(dir);
    }
    bail!(
        "no data directory: OREWATCH_DATA is not set and {DEFAULT_RELATIVE} does not exist (looked from {}). \
         Set OREWATCH_DATA to a directory of source files, or pass files to `orewatch ingest`. \
         Event data: download UCDP GED (CSV) from https://ucdp.uu.se/downloads/ (free, CC BY 4.0), or use your ACLED export.",
        std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default()
    )
}
