"""orewatch.Store and orewatch.scenario against the CLI's output on the shipped data: the same
assessment behind both, so the same numbers."""

import json
from pathlib import Path

import pandas as pd
import pytest

import orewatch

REPO = Path(__file__).resolve().parents[2]


def test_datasets_lists_the_manifest_sources(store_path):
    df = orewatch.Store(store_path).datasets()
    manifest = json.loads(next((store_path).glob("**/manifest.json")).read_text())
    assert len(df) == len(manifest["sources"]) > 0
    assert list(df["sha256"]) == [s["sha256"] for s in manifest["sources"]]
    assert df.attrs["provenance"]["sources"][0]["sha256"] == manifest["sources"][0]["sha256"]


def test_actors_equal_the_cli(store_path, cli):
    df = orewatch.Store(store_path).actors(countries=["MLI"])
    want = json.loads(cli("actors", "--countries", "MLI", "--json"))
    assert len(df) == len(want["actors"]) > 10
    assert list(df["name"]) == [a["name"] for a in want["actors"]]
    assert list(df["events"]) == [a["events"] for a in want["actors"]]
    assert list(df["fatalities_best"]) == [a["fatalities_best"] for a in want["actors"]]
    assert df.attrs["provenance"] == want["provenance"]
    t = orewatch.Store(store_path).actors(countries="MLI", output="arrow")
    assert t.column("events").to_pylist() == [a["events"] for a in want["actors"]]


def test_network_equals_the_cli(store_path, cli, tmp_path):
    out = tmp_path / "net.json"
    cli("network", "--period", "2012..2019", "--countries", "MLI", "--out", str(out))
    want = json.loads(out.read_text())
    nodes, links = orewatch.Store(store_path).network(period="2012..2019", countries=["MLI"])
    assert len(nodes) == len(want["nodes"]) > 5
    assert len(links) == len(want["links"]) > 5
    # Same rows, same numbers (fields a node lacks are NaN in both frames).
    pd.testing.assert_frame_equal(nodes, pd.DataFrame.from_records(want["nodes"]))
    pd.testing.assert_frame_equal(links, pd.DataFrame.from_records(want["links"]))
    assert nodes.attrs["assessment"]["network"]["modularity"] == want["modularity"]
    assert nodes.attrs["provenance"]["warnings"] == want["metadata"]["warnings"]


def test_supply_equals_the_cli(store_path, cli):
    s = orewatch.Store(store_path).supply("gold")
    want = json.loads(cli("supply", "--commodity", "gold", "--format", "json"))
    assert s.attrs["assessment"] == want
    assert len(s) == len(want["countries"]) > 5
    assert list(s["share"]) == [c["share"] for c in want["countries"]]
    assert s.attrs["provenance"] == want["provenance"]


def test_scenario_run_equals_the_cli(store_path, cli, tmp_path):
    scenario = REPO / "scenarios" / "us_deal.toml"
    out = tmp_path / "run.json"
    cli("scenario", "run", str(scenario), "--draws", "2000", "--seed", "7", "--out", str(out))
    want = json.loads(out.read_text())
    df = orewatch.scenario.run(scenario, draws=2000, seed=7, store=store_path)
    assert df.attrs["assessment"] == want
    assert list(df["name"]) == [o["result"]["name"] for o in want["outputs"]]
    assert list(df["median"]) == [o["result"]["summary"]["median"] for o in want["outputs"]]


def test_scenario_compare_equals_the_cli(store_path, cli, tmp_path):
    out = tmp_path / "cmp.json"
    cli("scenario", "compare", "--bundled", "--baseline", "status_quo", "--draws", "1000", "--out", str(out))
    want = json.loads(out.read_text())
    df = orewatch.scenario.compare(bundled=True, baseline="status_quo", draws=1000, store=store_path)
    assert df.attrs["assessment"] == want
    assert len(df) == sum(len(p["outputs"]) for p in want["pairs"]) > 0


def test_scenario_check(store_path):
    c = orewatch.scenario.check(REPO / "scenarios" / "us_deal.toml", store=store_path)
    assert c["variables"] == c["sourced"] + c["assumed"] + c["data_linked"] + c["derived"]
    assert c["data_linked"] == len(c["data_links"])


def test_errors_carry_the_cli_message(tmp_path, store_path):
    with pytest.raises(orewatch.OrewatchError, match=r"the store at .* is empty"):
        orewatch.Store(tmp_path / "nowhere").actors()
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[variables.a]\ndist = "nope"\n')
    with pytest.raises(orewatch.OrewatchError, match=r"bad\.toml"):
        orewatch.scenario.check(bad, store=store_path)
