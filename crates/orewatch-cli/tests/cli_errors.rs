//! Bad input gets a clear error and the right exit code; rejected rows are quarantined with
//! file, line, column, value and reason.

mod common;

use std::io::Write;

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
