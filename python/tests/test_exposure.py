"""orewatch.exposure on the user's own tables, against an independent brute force (numpy
haversine over every site × event pair), with pyarrow, pandas, polars and GeoPandas inputs."""

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import orewatch

R_EARTH_KM = 6371.0088


def _events_and_sites(seed=20261207, n=4000, m=25):
    rng = np.random.default_rng(seed)
    lat = rng.uniform(10.0, 16.0, n)
    lon = rng.uniform(-6.0, 2.0, n)
    days = rng.integers(0, 1500, n)
    dates = np.datetime64("2019-01-01") + days.astype("timedelta64[D]")
    deaths = rng.integers(0, 30, n)
    events = pd.DataFrame({"latitude": lat, "longitude": lon, "date": dates, "deaths": deaths})
    sites = pd.DataFrame(
        {
            "id": [f"S{i:02d}" for i in range(m)],
            "latitude": rng.uniform(10.0, 16.0, m),
            "longitude": rng.uniform(-6.0, 2.0, m),
        }
    )
    return events, sites


def _brute_force(events, sites, radius_km, window_days, as_of):
    """Per (site, radius): events with haversine d <= R and date in (as_of - w, as_of]."""
    as_of = np.datetime64(as_of)
    d = events["date"].to_numpy().astype("datetime64[D]")
    keep = d <= as_of
    if window_days is not None:
        keep &= d > as_of - np.timedelta64(window_days, "D")
    ev_lat = np.radians(events["latitude"].to_numpy()[keep])
    ev_lon = np.radians(events["longitude"].to_numpy()[keep])
    ev_deaths = events["deaths"].to_numpy()[keep]
    rows = []
    for _, s in sites.iterrows():
        slat, slon = np.radians(s["latitude"]), np.radians(s["longitude"])
        a = np.sin((ev_lat - slat) / 2) ** 2 + np.cos(slat) * np.cos(ev_lat) * np.sin((ev_lon - slon) / 2) ** 2
        dist = 2 * R_EARTH_KM * np.arcsin(np.sqrt(a))
        for r in radius_km:
            near = dist <= r
            rows.append((s["id"], float(r), int(near.sum()), int(ev_deaths[near].sum())))
    return rows


def _rows(df):
    return [
        (r.id, float(r.radius_km), int(r.events), int(r.deaths))
        for r in df.itertuples(index=False)
    ]


def test_pandas_input_equals_brute_force():
    events, sites = _events_and_sites()
    df = orewatch.exposure(events, sites, radius_km=[50, 25], window_days=365, as_of="2021-06-30")
    assert list(df.columns) == ["id", "radius_km", "events", "deaths"]
    expected = _brute_force(events, sites, [25.0, 50.0], 365, "2021-06-30")
    assert _rows(df) == expected
    assert sum(r[2] for r in expected) > 50  # the case is not trivially empty
    p = df.attrs["provenance"]
    assert p["parameters"]["radius_km"] == [25.0, 50.0]
    assert p["parameters"]["as_of"] == "2021-06-30"
    assert p["parameters"]["events"] == len(events)


def test_all_window_and_default_as_of_equal_brute_force():
    events, sites = _events_and_sites(seed=7)
    df = orewatch.exposure(pa.Table.from_pandas(events), pa.Table.from_pandas(sites), radius_km=30, window_days="all")
    latest = events["date"].max().date()
    assert df.attrs["provenance"]["parameters"]["as_of"] == latest.isoformat()
    assert _rows(df) == _brute_force(events, sites, [30.0], None, latest.isoformat())


def test_polars_input_with_other_column_names():
    events, sites = _events_and_sites(seed=11)
    ev = pl.from_pandas(events).rename({"latitude": "y", "longitude": "x", "date": "day", "deaths": "best"})
    ev = ev.with_columns(pl.col("day").cast(pl.Date))
    st = pl.from_pandas(sites).rename({"id": "mine", "latitude": "y", "longitude": "x"})
    df = orewatch.exposure(ev, st, radius_km=25, window_days=730, as_of=dt.date(2022, 1, 31),
                           lat="y", lon="x", date="day", deaths="best", id="mine")
    got = [(r.mine, float(r.radius_km), int(r.events), int(r.deaths)) for r in df.itertuples(index=False)]
    assert got == _brute_force(events, sites, [25.0], 730, "2022-01-31")


def test_geopandas_input():
    events, sites = _events_and_sites(seed=13)
    ev = gpd.GeoDataFrame(events[["date", "deaths"]], geometry=gpd.points_from_xy(events["longitude"], events["latitude"]), crs="EPSG:4326")
    st = gpd.GeoDataFrame(sites[["id"]], geometry=gpd.points_from_xy(sites["longitude"], sites["latitude"]), crs="EPSG:4326")
    df = orewatch.exposure(ev, st, radius_km=[25, 100], window_days=365, as_of="2020-12-31")
    assert _rows(df) == _brute_force(events, sites, [25.0, 100.0], 365, "2020-12-31")


def test_text_dates_arrow_output_and_site_without_coordinates():
    events = pa.table({
        "latitude": [0.1, 0.2, 0.3],
        "longitude": [0.0, 0.0, 0.0],
        "date": ["2021-01-01", "2021-06-01", "2021-12-31"],
    })
    sites = pa.table({"id": [1, 2], "latitude": [0.0, None], "longitude": [0.0, None]})
    t = orewatch.exposure(events, sites, radius_km=25, window_days="all", output="arrow")
    assert isinstance(t, pa.Table)
    # 0.1° and 0.2° of latitude are 11.1 and 22.2 km: 2 events within 25 km; no deaths column.
    assert t.column("events").to_pylist() == [2, None]
    assert t.column("deaths").to_pylist() == [None, None]
    assert b"orewatch.provenance" in t.schema.metadata


def test_bad_value_raises_with_row_and_value():
    events = pd.DataFrame({"latitude": [10.0, 95.5], "longitude": [0.0, 0.0], "date": ["2020-01-01", "2020-01-02"]})
    sites = pd.DataFrame({"id": ["a"], "latitude": [10.0], "longitude": [0.0]})
    with pytest.raises(orewatch.OrewatchError, match=r"events row 1: latitude 95.5 is not a finite number of degrees in -90..90"):
        orewatch.exposure(events, sites, radius_km=25)
    bad_date = events.assign(latitude=[10.0, 11.0], date=["2020-01-01", "2020-13-45"])
    with pytest.raises(orewatch.OrewatchError, match=r'events row 1: column "date" "2020-13-45" is not a date'):
        orewatch.exposure(bad_date, sites, radius_km=25)
    with pytest.raises(orewatch.OrewatchError, match=r'sites: no column "id"'):
        orewatch.exposure(events.iloc[:1], sites.rename(columns={"id": "name"}), radius_km=25)
    with pytest.raises(TypeError, match="Arrow PyCapsule"):
        orewatch.exposure([1, 2], sites)


def test_installed_from_the_wheel():
    # .ci/run installs the wheel into a fresh venv: the package must come from site-packages,
    # not from the source tree.
    assert "site-packages" in orewatch.__file__, orewatch.__file__
    assert orewatch._orewatch.__file__.endswith(".abi3.so")
