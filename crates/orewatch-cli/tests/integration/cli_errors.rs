//! Bad input gets a clear error and the right exit code; rejected rows are quarantined with
//! file, line, column, value and reason.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::*;
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

/// Configuration files read whole (supply inputs, CAHRA rules, actor aliases, the brief's
/// evaluation request) are refused past 1 MiB (`config_text::MAX_CONFIG_BYTES`): exit 1,
/// `PATH: the … is larger than 1048576 bytes`, and the store is never touched (the brief would
/// otherwise ingest the default data into an empty store first). One byte over is enough.
#[test]
fn oversized_configuration_files_are_refused_before_the_store_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    // A TOML comment: valid text, 1 MiB + 1 byte.
    let mut text = vec![b'#'; 1024 * 1024];
    text.push(b'\n');
    std::fs::write(&big, &text).unwrap();
    let big_str = big.to_str().unwrap();
    let store = dir.path().join("store");
    for (args, what) in [
        (
            vec!["supply", "--commodity", "gold", "--inputs", big_str],
            "supply inputs file",
        ),
        (vec!["cahra", "--rules", big_str], "rules file"),
        (vec!["actors", "--aliases", big_str], "alias table"),
        (
            vec!["brief", "--evaluation-request", big_str],
            "evaluation request",
        ),
    ] {
        let e = run_err(orewatch(&store).args(&args));
        assert!(
            e.contains(&format!(
                "{big_str}: the {what} is larger than 1048576 bytes, the limit for it"
            )),
            "{args:?}: {e}"
        );
        assert!(!store.exists(), "{args:?} touched the store");
    }
    // Not UTF-8: PATH:LINE:COL of the first bad byte (0xFC at line 2, column 1).
    std::fs::write(&big, b"# rules\n\xfc = 1\n").unwrap();
    let e = run_err(orewatch(&store).args(["cahra", "--rules", big_str]));
    assert!(
        e.contains(&format!("{big_str}:2:1: the rules file is not UTF-8")),
        "{e}"
    );
}
