"""orewatch.Store and orewatch.scenario against the CLI's output on the shipped data: the same
assessment behind both, so the same numbers."""

import json
import math
import struct
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely.geometry

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


# --- exposure, cahra, forecast, evaluate, ingest (issue 23, second part) ---------------------


def _wkb_point(b: bytes):
    """(lon, lat) of a little-endian 2D WKB point, decoded by hand (no GeoPandas, no shapely)."""
    assert b[0] == 1 and struct.unpack("<I", b[1:5])[0] == 1, b[:5]
    return struct.unpack("<dd", b[5:21])


def _nullable(values):
    return [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v for v in values]


def test_exposure_equals_the_cli(store_path, cli, tmp_path):
    out = tmp_path / "exp.json"
    cli("exposure", "--sites", "country=MLI", "--radius-km", "25,50", "--window-days", "730", "--out", str(out))
    want = json.loads(out.read_text())
    df = orewatch.Store(store_path).exposure(sites="country=MLI", radius_km=[25, 50], window_days=730)
    assert isinstance(df, gpd.GeoDataFrame)
    rows = want["rows"]
    assert len(df) == len(rows) > 50
    # The same records (the assessment's JSON), hence the same numbers, in the same order.
    assert df.attrs["assessment"]["rows"] == rows
    assert list(df["site_id"]) == [r["site_id"] for r in rows]
    assert list(df["radius_km"]) == [r["radius_km"] for r in rows]
    assert _nullable(df["events"]) == [r["events"] for r in rows]
    assert _nullable(df["fatalities_best"]) == [r["fatalities_best"] for r in rows]
    assert _nullable(df["exposure_index"]) == [r["exposure_index"] for r in rows]
    assert _nullable(df["civilian_events"]) == [r["civilian"] and r["civilian"]["events"] for r in rows]
    assert sum(r["events"] or 0 for r in rows) > 10  # not trivially empty
    p = df.attrs["provenance"]
    assert p["parameters"] == want["metadata"]["parameters"]
    assert p["coverage"]["source"] == want["metadata"]["coverage"]
    assert p["coverage"]["countries"] == want["metadata"]["country_coverage"]
    assert [s["sha256"] for s in p["sources"]] == [s["sha256"] for s in want["metadata"]["inputs"]]
    # The geometry is each site's point (CRS84 lon/lat).
    with_point = [(i, r) for i, r in enumerate(rows) if r["lat"] is not None]
    assert with_point
    for i, r in with_point:
        g = df.geometry.iloc[i]
        assert (g.x, g.y) == (r["lon"], r["lat"])
    assert df.crs is not None and df.crs.to_epsg() in (4326, None) and df.crs.is_geographic


def test_exposure_without_geopandas_has_wkb(store_path, monkeypatch):
    # GeoPandas hidden (an import of it fails): a plain DataFrame with the points as WKB bytes.
    monkeypatch.setitem(sys.modules, "geopandas", None)
    df = orewatch.Store(store_path).exposure(sites="country=MLI", radius_km=25)
    assert type(df) is pd.DataFrame
    assert len(df) > 20
    for lon, lat, wkb in zip(df["lon"], df["lat"], df["geometry"]):
        if pd.isna(lon):
            assert wkb is None
        else:
            assert _wkb_point(wkb) == (lon, lat)
    t = orewatch.Store(store_path).exposure(sites="country=MLI", radius_km=25, output="arrow")
    field = t.schema.field("geometry")
    assert field.metadata[b"ARROW:extension:name"] == b"geoarrow.wkb"
    assert t.column("geometry").to_pylist() == list(df["geometry"])
    assert t.column("site_id").to_pylist() == list(df["site_id"])


def test_exposure_bad_parameter_raises_the_message(store_path):
    with pytest.raises(orewatch.OrewatchError, match=r"outside the stated coverage"):
        orewatch.Store(store_path).exposure(as_of="1960-01-01")
    with pytest.raises(orewatch.OrewatchError, match=r"kernel 'square': expected one of uniform, linear, gaussian"):
        orewatch.Store(store_path).exposure(kernel="square")


def test_cahra_regions_equal_the_cli(store_path, cli, tmp_path):
    out = tmp_path / "cahra.json"
    cli("cahra", "--countries", "MLI,BFA", "--out", str(out))
    want = json.loads(out.read_text())
    geo = tmp_path / "cahra.geojson"
    cli("cahra", "--countries", "MLI,BFA", "--out", str(geo))
    features = json.loads(geo.read_text())["features"]
    df = orewatch.Store(store_path).cahra(countries=["MLI", "BFA"])
    assert isinstance(df, gpd.GeoDataFrame)
    assert df.attrs["assessment"]["regions"] == want["regions"]
    assert list(df["region_id"]) == [r["region_id"] for r in want["regions"]]
    assert list(df["verdict"]) == [r["verdict"] for r in want["regions"]]
    assert list(df["counts_events"]) == [r["counts"]["events"] for r in want["regions"]]
    assert len(set(df["verdict"])) > 1
    p = df.attrs["provenance"]["parameters"]
    for key in ("year", "rules_file", "rules_sha256", "site_radius_km", "countries", "location_precision"):
        assert p[key] == want["metadata"][key], key
    assert df.attrs["provenance"]["coverage"]["countries"] == want["metadata"]["country_coverage"]
    # Each region's geometry is the boundary the CLI's GeoJSON gives, coordinate for coordinate
    # (a one-part MultiPolygon comes as a Polygon, as in the store's GeoParquet).
    assert len(features) == len(df)
    for g, f in zip(df.geometry, features):
        if g.geom_type == "Polygon":
            g = shapely.geometry.MultiPolygon([g])
        assert g.equals_exact(shapely.geometry.shape(f["geometry"]), 0.0)


def test_cahra_sites_without_geopandas(store_path, cli, tmp_path, monkeypatch):
    out = tmp_path / "sites.json"
    cli("cahra", "--countries", "MLI", "--level", "site", "--radius-km", "30", "--out", str(out))
    want = json.loads(out.read_text())["sites"]
    monkeypatch.setitem(sys.modules, "geopandas", None)
    df = orewatch.Store(store_path).cahra(countries="MLI", level="site", radius_km=30)
    assert type(df) is pd.DataFrame
    assert df.attrs["assessment"]["sites"] == want
    assert list(df["site_id"]) == [s["site_id"] for s in want] and len(want) > 10
    assert list(df["verdict"]) == [s["verdict"] for s in want]
    for s, wkb in zip(want, df["geometry"]):
        assert (wkb is None) if s["lat"] is None else _wkb_point(wkb) == (s["lon"], s["lat"])


def test_forecast_equals_the_cli(store_path, cli, tmp_path):
    out = tmp_path / "fc.json"
    cli("forecast", "--countries", "MLI", "--horizon", "2", "--draws", "200", "--seed", "3", "--out", str(out))
    want = json.loads(out.read_text())
    df = orewatch.Store(store_path).forecast(countries=["MLI"], horizon=2, draws=200, seed=3)
    assert len(df) == len(want["rows"]) > 100
    assert df.to_dict("records") == want["rows"]
    r = df.attrs["assessment"]
    assert r["provenance"] == want["metadata"]["provenance"]
    assert r["outlook"]["model"] == want["metadata"]["model"] == "hurdle_recent"
    assert df.attrs["provenance"]["coverage"] == want["metadata"]["events"]
    t = orewatch.Store(store_path).forecast(countries="MLI", horizon=1, draws=100, level="country",
                                            model="mean12", output="arrow")
    assert t.column("country").to_pylist() == ["MLI"]
    assert t.column("priogrid_gid").null_count == 1


def test_evaluate_equals_the_cli(store_path, cli, tmp_path):
    out = tmp_path / "eval.json"
    args = ["--countries", "MLI", "--from", "2018-01", "--to", "2018-06", "--horizon", "2", "--models",
            "zero,last,hurdle", "--draws", "100", "--bootstrap", "50", "--level", "country"]
    cli("evaluate", *args, "--out", str(out))
    want = json.loads(out.read_text())
    scores, differences = orewatch.Store(store_path).evaluate(
        countries="MLI", from_="2018-01", to="2018-06", horizon=2, models=["zero", "last", "hurdle"],
        draws=100, bootstrap=50, level="country")
    assert scores.attrs["assessment"] == want["result"]
    e = want["result"]["evaluation"]
    assert list(scores["model"]) == [s["model"] for s in e["scores"]] == ["zero", "last", "hurdle"]
    assert list(scores["pooled_crps"]) == [s["pooled"]["crps"] for s in e["scores"]]
    assert len(differences) == len(e["differences"]) > 0
    assert scores.attrs["provenance"]["parameters"]["location_precision"] == want["location_precision"]


def _cli_ingest(orewatch_bin, store, *args):
    done = subprocess.run([str(orewatch_bin), "--quiet", "--store", str(store), "ingest", *args],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(next(Path(store).glob("current/manifest.json")).read_text())


def test_ingest_counts_equal_the_cli(orewatch_bin, fixtures, tmp_path):
    damaged = fixtures / "ucdp_ged_v24_1_download_niger_damaged_by_spreadsheet.csv"
    sample = fixtures / "ucdp_ged_v23_1_sample_49col_west_africa.csv"
    want = _cli_ingest(orewatch_bin, tmp_path / "cli", "--recover-quoted", str(damaged), str(sample))
    store = orewatch.Store(tmp_path / "py")
    df = store.ingest([damaged, sample], recover_quoted=True)
    assert len(df) == len(want["sources"]) == 2
    for column in ("path", "sha256", "kind", "rows_read", "accepted", "flagged", "quarantined"):
        assert list(df[column]) == [s[column] for s in want["sources"]], column
    # The damaged file's unrecoverable lines are quarantined, counted and named in the warnings.
    quarantined = dict(zip(df["path"], df["quarantined"]))
    assert quarantined[str(damaged)] > 0
    assert any(str(damaged) in w and "quarantined" in w for w in df.attrs["provenance"]["warnings"])
    assert list(store.datasets()["sha256"]) == list(df["sha256"])


def test_ingest_error_is_the_cli_message(orewatch_bin, fixtures, tmp_path):
    damaged = fixtures / "ucdp_ged_v24_1_download_niger_damaged_by_spreadsheet.csv"
    done = subprocess.run([str(orewatch_bin), "--quiet", "--store", str(tmp_path / "cli"), "ingest", str(damaged)],
                          capture_output=True, text=True)
    assert done.returncode != 0
    store = orewatch.Store(tmp_path / "py")
    with pytest.raises(orewatch.OrewatchError) as raised:
        store.ingest(damaged)
    message = str(raised.value)
    assert f"{damaged}: line 1:" in message and "--recover-quoted" in message
    assert message in done.stderr  # the CLI prints the same text
    # Nothing was written.
    with pytest.raises(orewatch.OrewatchError, match=r"is empty"):
        store.datasets()
    with pytest.raises(orewatch.OrewatchError, match=r"no-such\.csv: no such file or directory"):
        store.ingest(tmp_path / "no-such.csv")
    with pytest.raises(orewatch.OrewatchError, match=r"is not a UCDP release"):
        store.ingest(damaged, release="latest")
