//! The store directory: reading the current generation and writing a new one atomically.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use orewatch_core::model::{Actor, Dataset, Event, EventTable, ProductionRecord, QuarantineRecord};

use crate::event_writer::EventRows;

use crate::fault;
use crate::manifest::{Manifest, MAX_MANIFEST_BYTES};
use crate::tables;

const CURRENT: &str = "current";
const GENERATIONS: &str = "generations";
const MANIFEST: &str = "manifest.json";

/// A store failure. Messages name the path and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("the store at {path} is damaged: {message}. Re-create it with `orewatch ingest` (it re-reads the sources listed in its manifest).")]
    Damaged { path: PathBuf, message: String },
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// An orewatch store directory. Opening one does no I/O.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn open(root: impl Into<PathBuf>) -> Self {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of the current generation, if the store has one.
    pub fn current_dir(&self) -> Option<PathBuf> {
        let link = self.root.join(CURRENT);
        let target = fs::read_link(&link).ok()?;
        let dir = self.root.join(target);
        dir.join(MANIFEST).is_file().then_some(dir)
    }

    /// True when nothing has been ingested yet.
    pub fn is_empty(&self) -> bool {
        self.current_dir().is_none()
    }

    /// The current generation's manifest, or None for an empty store.
    pub fn manifest(&self) -> Result<Option<Manifest>, StoreError> {
        let Some(dir) = self.current_dir() else {
            return Ok(None);
        };
        let path = dir.join(MANIFEST);
        let mut bytes = Vec::new();
        fs::File::open(&path)
            .and_then(|f| f.take(MAX_MANIFEST_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| io_err(&path, e))?;
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(StoreError::Damaged {
                path,
                message: format!("manifest.json is larger than {MAX_MANIFEST_BYTES} bytes"),
            });
        }
        let manifest =
            Manifest::from_json(&bytes).map_err(|message| StoreError::Damaged { path, message })?;
        Ok(Some(manifest))
    }

    /// Loads every table of the current generation (an empty dataset for an empty store).
    pub fn load(&self) -> Result<(Dataset, Manifest), StoreError> {
        let Some(dir) = self.current_dir() else {
            return Ok((Dataset::default(), Manifest::default()));
        };
        let manifest = self.manifest()?.unwrap_or_default();
        let damaged = |message: String| StoreError::Damaged {
            path: dir.clone(),
            message,
        };
        let data = Dataset {
            events: tables::read_table::<Event>(&dir.join("events.parquet"))
                .map_err(damaged)?
                .0,
            actors: tables::read_table::<Actor>(&dir.join("actors.parquet"))
                .map_err(damaged)?
                .0,
            sites: tables::read_sites(&dir.join("sites.parquet")).map_err(damaged)?,
            regions: tables::read_regions(&dir.join("regions.parquet")).map_err(damaged)?,
            production: tables::read_table::<ProductionRecord>(&dir.join("production.parquet"))
                .map_err(damaged)?
                .0,
            governance: tables::read_governance(&dir.join("governance.parquet"))
                .map_err(damaged)?,
            quarantine: tables::read_table::<QuarantineRecord>(&dir.join("quarantine.parquet"))
                .map_err(damaged)?
                .0,
        };
        Ok((data, manifest))
    }

    /// Writes `data` as a new generation and makes it current, atomically. The manifest's
    /// `generation` and `tables` are filled in here. Returns the new generation's directory.
    pub fn write(&self, data: &Dataset, manifest: &Manifest) -> Result<PathBuf, StoreError> {
        self.write_generation(data, EventRows::Events(&data.events), manifest)
    }

    /// Like [`Store::write`], with the events taken from `events` (the ingest's compact
    /// table, already sorted); `data.events` is not written and should be empty.
    pub fn write_with_events(
        &self,
        data: &Dataset,
        events: &EventTable,
        manifest: &Manifest,
    ) -> Result<PathBuf, StoreError> {
        debug_assert!(data.events.is_empty());
        self.write_generation(data, EventRows::Table(events), manifest)
    }

    fn write_generation(
        &self,
        data: &Dataset,
        events: EventRows<'_>,
        manifest: &Manifest,
    ) -> Result<PathBuf, StoreError> {
        let generations = self.root.join(GENERATIONS);
        fs::create_dir_all(&generations).map_err(|e| io_err(&generations, e))?;
        let number = self.next_generation_number()?;
        let name = format!("gen-{number:06}");
        let tmp = generations.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| io_err(&tmp, e))?;
        }
        fs::create_dir(&tmp).map_err(|e| io_err(&tmp, e))?;

        let mut manifest = manifest.clone();
        manifest.generation = number;
        manifest.tables.clear();
        let write_err = |e: String| StoreError::Io {
            path: tmp.clone(),
            message: e,
        };
        let entries = [
            (
                "events",
                tables::write_events(&tmp.join("events.parquet"), events),
            ),
            (
                "sites",
                tables::write_sites(&tmp.join("sites.parquet"), &data.sites),
            ),
            (
                "regions",
                tables::write_regions(&tmp.join("regions.parquet"), &data.regions),
            ),
            (
                "actors",
                write_plain(&tmp.join("actors.parquet"), &data.actors),
            ),
            (
                "production",
                write_plain(&tmp.join("production.parquet"), &data.production),
            ),
            (
                "governance",
                tables::write_governance(&tmp.join("governance.parquet"), &data.governance),
            ),
            (
                "quarantine",
                write_plain(&tmp.join("quarantine.parquet"), &data.quarantine),
            ),
        ];
        for (i, (table, entry)) in entries.into_iter().enumerate() {
            manifest
                .tables
                .insert(table.to_string(), entry.map_err(write_err)?);
            if i == 0 {
                fault::point("after-first-table");
            }
        }
        let manifest_path = tmp.join(MANIFEST);
        let json =
            serde_json::to_string_pretty(&manifest).map_err(|e| io_err(&manifest_path, e))?;
        write_synced(&manifest_path, json.as_bytes())?;
        sync_dir(&tmp)?;
        fault::point("before-rename");

        let final_dir = generations.join(&name);
        fs::rename(&tmp, &final_dir).map_err(|e| io_err(&final_dir, e))?;
        sync_dir(&generations)?;
        fault::point("before-swap");

        // Swap the `current` symlink: make the new link under a temporary name, then rename
        // it over the old one (atomic replace).
        let link_tmp = self
            .root
            .join(format!(".{CURRENT}.tmp-{}", std::process::id()));
        let _ = fs::remove_file(&link_tmp);
        std::os::unix::fs::symlink(Path::new(GENERATIONS).join(&name), &link_tmp)
            .map_err(|e| io_err(&link_tmp, e))?;
        fs::rename(&link_tmp, self.root.join(CURRENT)).map_err(|e| io_err(&self.root, e))?;
        sync_dir(&self.root)?;
        fault::point("after-swap");

        self.remove_old_generations(&name)?;
        Ok(final_dir)
    }

    fn next_generation_number(&self) -> Result<u64, StoreError> {
        let generations = self.root.join(GENERATIONS);
        let mut max = 0;
        for entry in fs::read_dir(&generations).map_err(|e| io_err(&generations, e))? {
            let entry = entry.map_err(|e| io_err(&generations, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let digits = name
                .trim_start_matches('.')
                .trim_start_matches("gen-")
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>();
            if let Ok(n) = digits.parse::<u64>() {
                max = max.max(n);
            }
        }
        Ok(max + 1)
    }

    /// Keeps the new generation and the one before it; removes older ones and leftovers of
    /// interrupted writes.
    fn remove_old_generations(&self, keep_newest: &str) -> Result<(), StoreError> {
        let generations = self.root.join(GENERATIONS);
        let mut complete: Vec<String> = Vec::new();
        for entry in fs::read_dir(&generations).map_err(|e| io_err(&generations, e))? {
            let entry = entry.map_err(|e| io_err(&generations, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                let _ = fs::remove_dir_all(entry.path());
            } else if name.starts_with("gen-") && name.as_str() != keep_newest {
                complete.push(name);
            }
        }
        complete.sort();
        // Keep the newest of the older generations (the previous current one).
        complete.pop();
        for name in complete {
            let _ = fs::remove_dir_all(generations.join(name));
        }
        let _ = fs::remove_file(
            self.root
                .join(format!(".{CURRENT}.tmp-{}", std::process::id())),
        );
        Ok(())
    }
}

fn write_plain<T: serde::Serialize + serde::de::DeserializeOwned>(
    path: &Path,
    items: &[T],
) -> Result<crate::TableEntry, String> {
    let fields = tables::fields_of::<T>()?;
    tables::write_table(path, &fields, items, None)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    use std::io::Write;
    let mut f = fs::File::create(path).map_err(|e| io_err(path, e))?;
    f.write_all(bytes).map_err(|e| io_err(path, e))?;
    f.sync_all().map_err(|e| io_err(path, e))
}

fn sync_dir(path: &Path) -> Result<(), StoreError> {
    fs::File::open(path)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_err(path, e))
}
