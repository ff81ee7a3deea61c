//! The big shipped files, read once for the whole test binary (the global GED is 167,543 rows:
//! each module reading it again cost seconds of CI). Tests get the reader's outcome by
//! reference and clone what they change.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use orewatch_core::ingest::{ged, ReadOutcome};
use orewatch_core::model::Event;

/// The shipped data: `OREWATCH_DATA`, else `../shared/data` beside the workspace.
pub fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

pub const GLOBAL_GED: &str = "conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv";
pub const WEST_AFRICA_GED: &str = "conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv";

/// GED 21.1 global, as `ged::read_path` gives it.
pub fn global_ged() -> &'static ReadOutcome<Event> {
    static OUT: OnceLock<ReadOutcome<Event>> = OnceLock::new();
    OUT.get_or_init(|| ged::read_path(&data_dir().join(GLOBAL_GED)).expect("reads"))
}

/// GED 21.1's West Africa extract, as `ged::read_path` gives it.
pub fn west_africa_ged() -> &'static ReadOutcome<Event> {
    static OUT: OnceLock<ReadOutcome<Event>> = OnceLock::new();
    OUT.get_or_init(|| ged::read_path(&data_dir().join(WEST_AFRICA_GED)).expect("reads"))
}
