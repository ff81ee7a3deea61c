//! Where the default data lives: `OREWATCH_DATA`, else `../shared/data` from the current
//! directory.

use std::path::PathBuf;

use anyhow::Result;

/// The default data directory, or an error naming both places looked at and where to get data
/// (`orewatch_store::ingest::default_data_dir`).
pub fn default_data_dir() -> Result<PathBuf> {
    Ok(orewatch_store::ingest::default_data_dir()?)
}
