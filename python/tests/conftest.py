"""Shared fixtures: the orewatch CLI binary and a store ingested from the shipped data.

Under CI (.ci/run) every package these tests import is installed; a missing one is an import
error, so the test fails, never skips.
"""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _data_dir() -> Path:
    env = os.environ.get("OREWATCH_DATA")
    return Path(env) if env else (REPO / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The format fixtures beside the data directory (bad and unusual inputs)."""
    return (_data_dir() / ".." / "fixtures").resolve()


@pytest.fixture(scope="session")
def orewatch_bin() -> Path:
    path = Path(os.environ.get("OREWATCH_BIN", REPO / "target" / "debug" / "orewatch"))
    if not path.is_file():
        pytest.fail(f"the orewatch CLI is not built at {path} (cargo build -p orewatch-cli, or set OREWATCH_BIN)")
    return path


@pytest.fixture(scope="session")
def cli(orewatch_bin, store_path):
    """Runs `orewatch --store STORE ARGS…` and returns its stdout."""

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(orewatch_bin), "--quiet", "--store", str(store_path), *args],
            capture_output=True,
            text=True,
            env={**os.environ, "OREWATCH_DATA": str(_data_dir())},
        )
        if done.returncode != 0:
            raise AssertionError(f"orewatch {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    return run


@pytest.fixture(scope="session")
def store_path(orewatch_bin, tmp_path_factory) -> Path:
    """A store ingested from the shipped data by the CLI (`orewatch ingest`)."""
    store = tmp_path_factory.mktemp("store") / "orewatch-store"
    done = subprocess.run(
        [str(orewatch_bin), "--quiet", "--store", str(store), "ingest"],
        capture_output=True,
        text=True,
        env={**os.environ, "OREWATCH_DATA": str(_data_dir())},
    )
    assert done.returncode == 0, done.stderr
    return store
