//! An ingest killed at any point leaves the previous store whole and readable.
//!
//! Two ways of killing: the writer's fault points (`OREWATCH_FAULT_POINT`, an abort exactly at
//! a named step of the generation swap), and a real SIGKILL of a child process at several
//! delays during the ingest of the global GED file.

use std::time::Duration;

use crate::common::*;
use orewatch_store::Store;

fn small_source() -> std::path::PathBuf {
    data_dir().join("governance/wgi_all_countries_1996_2023.csv")
}

fn second_source() -> std::path::PathBuf {
    data_dir().join("conflict/ucdp_actor_v22_1.csv")
}

#[test]
fn abort_at_each_step_of_a_write_keeps_a_whole_store() {
    for (point, swapped) in [
        ("after-first-table", false),
        ("before-rename", false),
        ("before-swap", false),
        ("after-swap", true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("store");
        run_ok(orewatch(&store_dir).arg("ingest").arg(small_source()));
        let (before, before_manifest) = Store::open(&store_dir).load().unwrap();

        let out = orewatch(&store_dir)
            .arg("ingest")
            .arg(second_source())
            .env("OREWATCH_FAULT_POINT", point)
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "{point}: the fault point was not reached"
        );

        let (after, after_manifest) = Store::open(&store_dir).load().unwrap();
        if swapped {
            assert_eq!(after_manifest.generation, 2, "{point}");
            assert_eq!(after.actors.len(), 1_725, "{point}");
        } else {
            assert_eq!(
                after_manifest.generation, before_manifest.generation,
                "{point}"
            );
            assert_eq!(after, before, "{point}");
        }
        assert_eq!(after.governance.len(), 5_350, "{point}");

        // The next ingest succeeds and clears the leftovers of the interrupted one.
        run_ok(orewatch(&store_dir).arg("ingest").arg(second_source()));
        let (data, _) = Store::open(&store_dir).load().unwrap();
        assert_eq!(data.actors.len(), 1_725);
        let leftovers: Vec<_> = std::fs::read_dir(store_dir.join("generations"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{point}: {leftovers:?}");
    }
}

#[test]
fn sigkill_during_ingest_keeps_a_whole_store() {
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    run_ok(orewatch(&store_dir).arg("ingest").arg(small_source()));
    let (before, _) = Store::open(&store_dir).load().unwrap();
    let big = data_dir().join("conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv");
    for delay_ms in [20, 150, 600, 1500, 3000] {
        let mut child = orewatch(&store_dir)
            .arg("ingest")
            .arg(&big)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let (after, manifest) = Store::open(&store_dir).load().unwrap();
        if status.success() {
            // The ingest finished before the kill: the new generation is whole.
            assert_eq!(after.events.len(), 167_543);
            assert_eq!(manifest.sources.len(), 2);
            return;
        }
        assert_eq!(after, before, "killed after {delay_ms} ms");
    }
}
