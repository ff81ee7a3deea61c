//! Helpers shared by the CLI's integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shipped data: `OREWATCH_DATA`, else `../shared/data` beside the workspace.
pub fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// The format fixtures beside the data directory (never ingested into the default store).
pub fn fixtures_dir() -> PathBuf {
    data_dir().join("../fixtures")
}

pub fn orewatch(store: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orewatch"));
    cmd.arg("--store").arg(store).arg("--quiet");
    cmd.env_remove("OREWATCH_FAULT_POINT");
    cmd
}

/// Runs and asserts success, returning stdout.
pub fn run_ok(cmd: &mut Command) -> String {
    let out: Output = cmd.output().expect("orewatch runs");
    assert!(
        out.status.success(),
        "orewatch failed ({:?}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs and asserts exit status 1 (an error), returning stderr.
pub fn run_err(cmd: &mut Command) -> String {
    let out: Output = cmd.output().expect("orewatch runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected an error; stdout:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn manifest(store: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(store.join("current/manifest.json")).expect("manifest");
    serde_json::from_str(&text).expect("manifest json")
}

/// The manifest entry of the source whose file name is `name`.
pub fn source<'a>(manifest: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    manifest["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .unwrap_or_else(|| panic!("no source {name} in the manifest"))
}

/// A store in a fresh temporary directory (`DIR/store`) holding the shipped `paths`
/// (relative to the data directory), ingested by `orewatch ingest`. Keep the directory alive
/// as long as the store is used.
pub fn ingested(paths: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let data = data_dir();
    run_ok(
        orewatch(&store)
            .arg("ingest")
            .args(paths.iter().map(|p| data.join(p))),
    );
    (dir, store)
}

/// Runs a command that must fail with exit code 1 and a stderr naming every needle.
pub fn fails_with(cmd: &mut Command, needles: &[&str]) {
    let out = cmd.output().expect("orewatch runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{n:?} not in: {stderr}");
    }
}

/// Runs a command that must be refused as a usage error: exit code 2 (clap's), a stderr naming
/// every needle (the bad value and the accepted ones).
pub fn usage_error(cmd: &mut Command, needles: &[&str]) {
    let out = cmd.output().expect("orewatch runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{n:?} not in: {stderr}");
    }
}

/// A Python that imports every module of `modules`, for the tests that check orewatch's output
/// with Python tools (GeoPandas, DuckDB, jsonschema). Taken from `OREWATCH_PYTHON`, else the
/// pinned venv `.ci/run` builds (keyed by `.ci/requirements.txt`), else `python3`. A missing
/// module fails the test with what to do: these tests never pass by skipping.
pub fn python_with(modules: &[&str]) -> PathBuf {
    use sha2::Digest;
    let python = std::env::var_os("OREWATCH_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            let req = std::fs::read(root.join(".ci/requirements.txt")).ok()?;
            let key = &hex::encode(sha2::Sha256::digest(&req))[..16];
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
            let venv = cache.join("orewatch-ci").join(format!("venv-{key}"));
            let python = venv.join("bin/python");
            venv.join(".complete").exists().then_some(python)
        })
        .unwrap_or_else(|| PathBuf::from("python3"));
    let probe = Command::new(&python)
        .arg("-c")
        .arg(format!("import {}", modules.join(", ")))
        .output();
    match probe {
        Ok(out) if out.status.success() => python,
        Ok(out) => panic!(
            "{} cannot import {}: {}\nThis test needs them: run .ci/run once (it builds the \
             pinned venv of .ci/requirements.txt), or point OREWATCH_PYTHON at a Python that has them.",
            python.display(),
            modules.join(", "),
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => panic!(
            "cannot run {}: {e}. This test needs Python: run .ci/run once, or set OREWATCH_PYTHON.",
            python.display()
        ),
    }
}
