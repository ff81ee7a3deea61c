//! What every table file of the store shares: the Parquet row-group size, and the SHA-256 of a
//! written file (recorded in the manifest).

use std::fs::File;
use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Rows per Parquet row group: big enough for fast scans, small enough to bound memory.
pub(crate) const ROW_GROUP_ROWS: usize = 65_536;

pub(crate) fn sha256_file(path: &Path) -> Result<String, String> {
    let mut file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut HashWriter(&mut hasher))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(hex::encode(hasher.finalize()))
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
