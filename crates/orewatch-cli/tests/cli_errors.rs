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
    assert!(err.contains("not read by any orewatch reader"), "{err}");
    assert!(err.contains("3 column(s): a,b,c"), "{err}");
    assert!(err.contains("The closest layout is"), "{err}");
    // Nothing was written.
    assert!(Store::open(dir.path().join("store")).is_empty());
}

/// A directory ingest reads every data file or names it: an unknown `.csv` (with the closest
/// layout and the columns it lacks) and a `.zip` are errors and nothing is written; a
/// `README.md` is documentation; `--skip-unknown` ingests the rest and lists the skipped.
#[test]
fn no_data_file_in_a_directory_is_skipped_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("sub")).unwrap();
    std::fs::copy(
        data_dir().join("mines/company_home_country.csv"),
        data.join("companies.csv"),
    )
    .unwrap();
    std::fs::write(data.join("README.md"), "# my exports\n").unwrap();
    // A GED Download Center export whose estimate columns were renamed by hand.
    std::fs::write(
        data.join("sub/ged_renamed.csv"),
        "id,date_start,date_end,country,type_of_violence,side_a,side_b,latitude,longitude,deaths_best\n\
         1,01/01/2020 00:00:00,01/01/2020 00:00:00,Mali,1,A,B,15,-2,3\n",
    )
    .unwrap();
    std::fs::write(data.join("ged241-csv.zip"), b"PK\x03\x04 not really").unwrap();
    let store = dir.path().join("store");
    let err = run_err(orewatch(&store).arg("ingest").arg(&data));
    assert!(
        err.contains("2 file(s) are not read by any orewatch reader, so nothing was ingested"),
        "{err}"
    );
    assert!(
        err.contains("ged_renamed.csv: no reader takes its header (10 column(s): id,date_start,"),
        "{err}"
    );
    // The closest layout: 9 of the 10 columns of the full release and of the Download
    // Center export; the full release is listed first.
    assert!(
        err.contains(
            "The closest layout is UCDP GED full release, which needs columns it lacks: best"
        ),
        "{err}"
    );
    assert!(err.contains("ged241-csv.zip: a zip archive"), "{err}");
    assert!(err.contains("--skip-unknown"), "{err}");
    assert!(!err.contains("README.md"), "{err}");
    assert!(Store::open(&store).is_empty(), "nothing written");

    let out = orewatch(&store)
        .arg("ingest")
        .arg("--skip-unknown")
        .arg(&data)
        .arg("--quiet")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Without --quiet the summary lists documentation and skipped files.
    let listing = run_ok(
        std::process::Command::new(env!("CARGO_BIN_EXE_orewatch"))
            .arg("--store")
            .arg(&store)
            .args(["ingest", "--skip-unknown"])
            .arg(&data),
    );
    assert!(
        listing.contains("documentation and metadata (not data, not read):"),
        "{listing}"
    );
    assert!(listing.contains("README.md"), "{listing}");
    assert!(listing.contains("SKIPPED (--skip-unknown)"), "{listing}");
    assert!(listing.contains("ged_renamed.csv"), "{listing}");
    assert_eq!(manifest(&store)["sources"].as_array().unwrap().len(), 1);

    // The brief's automatic ingest of the default data surfaces the same error.
    let fresh = dir.path().join("fresh");
    let err = run_err(
        orewatch(&fresh)
            .args(["brief", "--out"])
            .arg(dir.path().join("b.html"))
            .env("OREWATCH_DATA", &data),
    );
    assert!(err.contains("ged241-csv.zip: a zip archive"), "{err}");
    assert!(Store::open(&fresh).is_empty());
}

/// A GED file whose name carries no release takes the one given with --release, or is
/// "unknown" in the manifest; a given release is kept when the store is rebuilt.
#[test]
fn release_from_the_name_else_given_else_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("mali_export.csv");
    std::fs::copy(
        data_dir().join("conflict/ged_v24_1_download/ucdp_ged_v24_1_download_benin_2019_2022.csv"),
        &renamed,
    )
    .unwrap();
    let store = dir.path().join("store");
    run_ok(orewatch(&store).arg("ingest").arg(&renamed));
    let m = manifest(&store);
    let s = source(&m, "mali_export.csv");
    assert_eq!(s["release"], serde_json::Value::Null);
    assert_eq!(s["release_basis"], "unknown");
    assert!(s["notes"][0]
        .as_str()
        .unwrap()
        .starts_with("release unknown"));

    let store = dir.path().join("store2");
    run_ok(
        orewatch(&store)
            .args(["ingest", "--release", "24.1"])
            .arg(&renamed),
    );
    let s = source(&manifest(&store), "mali_export.csv").clone();
    assert_eq!(
        (s["release"].as_str(), s["release_basis"].as_str()),
        (Some("24.1"), Some("given"))
    );
    // Rebuilt with another file: the given release stays.
    run_ok(
        orewatch(&store)
            .arg("ingest")
            .arg(data_dir().join("mines/company_home_country.csv")),
    );
    let s = source(&manifest(&store), "mali_export.csv").clone();
    assert_eq!(
        (s["release"].as_str(), s["release_basis"].as_str()),
        (Some("24.1"), Some("given"))
    );
    // A release that is not one is a usage error (exit 2).
    let out = orewatch(&store)
        .args(["ingest", "--release", "latest"])
        .arg(&renamed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a UCDP release"));
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
