//! Bad input gets a clear error and the right exit code; rejected rows are quarantined with
//! file, line, column, value and reason.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;
use orewatch_store::Store;

#[test]
fn usage_error_exits_2_and_help_works_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let out = orewatch(dir.path())
        .arg("no-such-command")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    for sub in ["ingest", "datasets", "exposure", "cahra", "brief"] {
        let out = orewatch(dir.path()).args([sub, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{sub} --help");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
    }
}

#[test]
fn unknown_layout_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mystery.csv");
    std::fs::write(&file, "a,b,c\n1,2,3\n").unwrap();
    let out = orewatch(&dir.path().join("store"))
        .arg("ingest")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mystery.csv"), "{err}");
    assert!(
        err.contains("no orewatch reader recognises this file"),
        "{err}"
    );
    // Nothing was written.
    assert!(Store::open(dir.path().join("store")).is_empty());
}

#[test]
fn missing_data_directory_names_both_places_and_where_to_get_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = orewatch(&dir.path().join("store"))
        .arg("ingest")
        .env("OREWATCH_DATA", dir.path().join("nowhere"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("OREWATCH_DATA"), "{err}");
    assert!(err.contains("../shared/data"), "{err}");
    let out = orewatch(&dir.path().join("store"))
        .arg("ingest")
        .env_remove("OREWATCH_DATA")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("OREWATCH_DATA is not set"), "{err}");
    assert!(err.contains("../shared/data"), "{err}");
    assert!(err.contains("ucdp.uu.se"), "{err}");
}

#[test]
fn bad_rows_are_quarantined_with_line_column_value_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ged_v21_1_small.csv");
    let mut f = std::fs::File::create(&file).unwrap();
    write!(
        f,
        "id,year,month,day,country,type_of_violence,conflict_name,side_a,side_b,latitude,longitude,low_death,best_death,high_death\r\n\
         1,2019,1,2,Mali,State-based violence,Mali: Government,Government of Mali,JNIM,14.5,-4.2,1,2,3\r\n\
         2,2019,1,3,Mali,State-based violence,Mali: Government,Government of Mali,JNIM,95.0,-4.2,1,2,3\r\n\
         3,2019,2,30,Mali,One-sided violence,,JNIM,Civilians,14.5,-4.2,0,1,1\r\n\
         4,2019,3,1,Mali,One-sided violence,,JNIM,Civilians,14.5,-4.2,5,1,1\r\n"
    )
    .unwrap();
    drop(f);
    let store_dir = dir.path().join("store");
    run_ok(orewatch(&store_dir).arg("ingest").arg(&file));
    let m = manifest(&store_dir);
    let s = source(&m, "ged_v21_1_small.csv");
    assert_eq!(s["rows_read"], 4);
    assert_eq!(s["accepted"], 2);
    assert_eq!(s["quarantined"], 2);
    assert_eq!(s["flagged"], 1, "low > best is kept and flagged");
    let (data, _) = Store::open(&store_dir).load().unwrap();
    assert_eq!(data.events.len(), 2);
    let q = &data.quarantine;
    assert_eq!(q.len(), 2);
    assert_eq!(q[0].line, 3);
    assert_eq!(q[0].column.as_deref(), Some("latitude"));
    assert_eq!(q[0].value, "95.0");
    assert!(q[0].file.ends_with("ged_v21_1_small.csv"));
    assert!(q[0].reason.contains("-90"), "{}", q[0].reason);
    assert_eq!(q[1].line, 4);
    assert!(q[1].raw.contains("2019,2,30"));
}

/// A small real source file copied into `dir` (Mali's admin-1 boundaries, 9 regions).
fn small_source(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let to = dir.join("mli_admin1_ne10m.geojson");
    std::fs::copy(data_dir().join("boundaries/mli_admin1_ne10m.geojson"), &to).unwrap();
    to
}

/// The current generation's directory and manifest text (None for an empty store).
fn generation(store: &Path) -> Option<(PathBuf, String)> {
    let current = std::fs::read_link(store.join("current")).ok()?;
    let text = std::fs::read_to_string(store.join("current/manifest.json")).ok()?;
    Some((current, text))
}

/// A symbolic link loop is one clear error naming the link, and the store keeps its previous
/// generation; links reaching one directory twice give each file once.
#[cfg(unix)]
#[test]
fn a_symlink_loop_is_one_error_and_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let data = dir.path().join("data");
    small_source(&data.join("a"));
    run_ok(orewatch(&store).arg("ingest").arg(&data));
    let before = generation(&store).unwrap();
    // Two links to `a` (a diamond, not a loop): the file once.
    std::os::unix::fs::symlink(data.join("a"), data.join("b")).unwrap();
    std::os::unix::fs::symlink(data.join("a"), data.join("c")).unwrap();
    run_ok(orewatch(&store).arg("ingest").arg(&data));
    let m = manifest(&store);
    assert_eq!(m["sources"].as_array().unwrap().len(), 1, "{m}");
    assert_eq!(m["sources"][0]["rows_read"], 9);
    let diamond = generation(&store).unwrap();
    assert_ne!(diamond.0, before.0);
    // A link back to the data directory from inside it.
    std::os::unix::fs::symlink(&data, data.join("a/up")).unwrap();
    let err = run_err(orewatch(&store).arg("ingest").arg(&data));
    assert!(err.contains("a symbolic link loop"), "{err}");
    assert!(err.contains("/up"), "{err}");
    assert_eq!(generation(&store).unwrap(), diamond, "the store changed");
}

/// An unreadable file is one clear error and the store keeps its previous generation. As
/// root, mode 000 does not stop reads: the test says so and checks that the file is then read
/// whole, and checks the error path with a file whose reads fail for root too
/// (/proc/self/mem: reading its first bytes fails with EIO).
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_one_error_and_leaves_the_store_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let a = small_source(&dir.path().join("a"));
    run_ok(orewatch(&store).arg("ingest").arg(&a));
    let before = generation(&store).unwrap();
    let b = dir.path().join("b/world_countries_110m.topojson");
    std::fs::create_dir_all(b.parent().unwrap()).unwrap();
    std::fs::copy(
        data_dir().join("boundaries/world_countries_110m.topojson"),
        &b,
    )
    .unwrap();
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = std::fs::File::open(&b).is_ok();
    if readable_anyway {
        eprintln!("running as root: mode 000 does not stop reads; checking a complete result instead, and the error path with /proc/self/mem");
        run_ok(orewatch(&store).arg("ingest").arg(&b));
        let m = manifest(&store);
        assert_eq!(
            source(&m, "world_countries_110m.topojson")["rows_read"],
            177
        );
    } else {
        let err = run_err(orewatch(&store).arg("ingest").arg(&b));
        assert!(err.contains("world_countries_110m.topojson"), "{err}");
        assert!(err.contains("ermission denied"), "{err}");
        assert_eq!(generation(&store).unwrap(), before, "the store changed");
    }
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = generation(&store).unwrap();
    let err = run_err(orewatch(&store).arg("ingest").arg("/proc/self/mem"));
    assert!(err.contains("/proc/self/mem"), "{err}");
    assert!(err.contains("cannot read the file"), "{err}");
    assert_eq!(generation(&store).unwrap(), before, "the store changed");
}

/// A file appended to while it is ingested: either one clear error ("changed while it was
/// read") and the store as it was, or a complete result whose manifest describes the file as
/// it is now (its SHA-256 and every row). Never records of one state with the hash of another.
#[test]
fn a_file_that_changes_during_the_ingest_is_an_error_or_read_whole() {
    use sha2::Digest;
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let a = small_source(&dir.path().join("a"));
    run_ok(orewatch(&store).arg("ingest").arg(&a));
    let before = generation(&store).unwrap();
    let ged = dir
        .path()
        .join("ucdp_ged_v21_1_precise_west_africa_1989_2019.csv");
    std::fs::copy(
        data_dir().join("conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"),
        &ged,
    )
    .unwrap();
    let text = std::fs::read_to_string(&ged).unwrap();
    let row = text.lines().nth(1).unwrap().to_string();
    let mut child = orewatch(&store).arg("ingest").arg(&ged).spawn().unwrap();
    let mut file = std::fs::OpenOptions::new().append(true).open(&ged).unwrap();
    let mut appended = 0;
    while child.try_wait().unwrap().is_none() && appended < 20_000 {
        write!(file, "{row}\r\n").unwrap();
        appended += 1;
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    let status = child.wait().unwrap();
    if status.success() {
        // Rows were appended whole, so the file went through states `text` + k rows; the
        // manifest must describe one of them: its SHA-256 and its row count together.
        let m = manifest(&store);
        let s = source(&m, "ucdp_ged_v21_1_precise_west_africa_1989_2019.csv");
        let mut hasher = sha2::Sha256::new();
        hasher.update(text.as_bytes());
        let line = format!("{row}\r\n");
        let k = (0..=appended).find(|_| {
            let found = hex::encode(hasher.clone().finalize()) == s["sha256"].as_str().unwrap();
            hasher.update(line.as_bytes());
            found
        });
        let k = k.expect("the manifest's SHA-256 is of no state the file went through");
        assert_eq!(
            s["rows_read"],
            6965 + k as u64,
            "rows of one state, hash of another"
        );
    } else {
        assert_eq!(status.code(), Some(1));
        assert_eq!(generation(&store).unwrap(), before, "the store changed");
    }
}
