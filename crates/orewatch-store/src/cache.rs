//! Results derived from a store, kept beside its generations so that they need not be
//! computed again: `DIR/cache/<name>-<key>.json`.
//!
//! The store's tables stay a function of their sources: the cache is never read by
//! [`crate::Store::load`] and can be deleted at any time. An entry's key is a SHA-256 over
//! everything its value depends on — the current generation's table hashes and source hashes
//! ([`data_fingerprint`]) and the caller's own parts (the request, the code's identity) — so an
//! entry computed from other data or another request is never read. Entries are written
//! atomically (temporary file, fsync, rename); writing an entry removes the older entries of
//! the same name. An unreadable entry reads as missing.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::manifest::Manifest;
use crate::store::StoreError;

const CACHE: &str = "cache";

/// The cache directory of a store.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// A fingerprint of a generation's data: every table's SHA-256 and every source's path and
/// SHA-256, in a fixed order. Generation numbers and times are left out: re-ingesting the
/// same files gives the same fingerprint.
pub fn data_fingerprint(manifest: &Manifest) -> String {
    let mut text = String::new();
    for (name, table) in &manifest.tables {
        text.push_str(&format!("table {name} {}\n", table.sha256));
    }
    for s in &manifest.sources {
        text.push_str(&format!("source {} {}\n", s.path, s.sha256));
    }
    text
}

/// The key of an entry: SHA-256 (hex) of `parts`, each length-prefixed.
pub fn cache_key(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for p in parts {
        hasher.update((p.len() as u64).to_le_bytes());
        hasher.update(p.as_bytes());
    }
    hex::encode(hasher.finalize())
}

impl Cache {
    pub(crate) fn new(root: &Path) -> Cache {
        Cache {
            dir: root.join(CACHE),
        }
    }

    fn path(&self, name: &str, key: &str) -> PathBuf {
        self.dir.join(format!("{name}-{key}.json"))
    }

    /// The entry `name` with `key`, if present and readable.
    pub fn get(&self, name: &str, key: &str) -> Option<Vec<u8>> {
        fs::read(self.path(name, key)).ok()
    }

    /// Writes the entry atomically and removes older entries of `name`.
    pub fn put(&self, name: &str, key: &str, bytes: &[u8]) -> Result<PathBuf, StoreError> {
        let io = |path: &Path, e: std::io::Error| StoreError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        fs::create_dir_all(&self.dir).map_err(|e| io(&self.dir, e))?;
        let path = self.path(name, key);
        let tmp = self
            .dir
            .join(format!(".{name}-{key}.tmp-{}", std::process::id()));
        let mut file = fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
        file.write_all(bytes).map_err(|e| io(&tmp, e))?;
        file.sync_all().map_err(|e| io(&tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
        let prefix = format!("{name}-");
        if let Ok(entries) = fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let file_name = entry.file_name().to_string_lossy().into_owned();
                if file_name.starts_with(&prefix) && entry.path() != path {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::TableEntry;

    #[test]
    fn entries_round_trip_and_replace_older_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path());
        assert_eq!(cache.get("eval", "k1"), None);
        let p1 = cache.put("eval", "k1", b"one").unwrap();
        assert_eq!(cache.get("eval", "k1").as_deref(), Some(&b"one"[..]));
        cache.put("other", "k1", b"x").unwrap();
        // A new key of the same name replaces the old entry; other names stay.
        cache.put("eval", "k2", b"two").unwrap();
        assert!(!p1.exists());
        assert_eq!(cache.get("eval", "k2").as_deref(), Some(&b"two"[..]));
        assert_eq!(cache.get("other", "k1").as_deref(), Some(&b"x"[..]));
        // No temporary file is left behind.
        let names: Vec<String> = fs::read_dir(tmp.path().join(CACHE))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    }

    #[test]
    fn keys_change_with_the_data_and_the_parts() {
        let mut m = Manifest::default();
        m.tables.insert(
            "events".into(),
            TableEntry {
                file: "events.parquet".into(),
                rows: 1,
                sha256: "aa".into(),
                geoparquet: true,
            },
        );
        let a = data_fingerprint(&m);
        // Generation and time do not matter.
        m.generation = 7;
        m.written_at = "later".into();
        assert_eq!(data_fingerprint(&m), a);
        m.tables.get_mut("events").unwrap().sha256 = "bb".into();
        let b = data_fingerprint(&m);
        assert_ne!(a, b);
        assert_ne!(cache_key(&[&a, "req"]), cache_key(&[&b, "req"]));
        assert_ne!(cache_key(&[&a, "req"]), cache_key(&[&a, "req2"]));
        // Parts are delimited: ("ab", "c") is not ("a", "bc").
        assert_ne!(cache_key(&["ab", "c"]), cache_key(&["a", "bc"]));
        assert_eq!(cache_key(&[&a, "req"]).len(), 64);
    }
}
