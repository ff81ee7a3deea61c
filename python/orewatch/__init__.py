"""orewatch in Python: the assessments of the orewatch engine as pandas DataFrames.

Two ways in:

* ``orewatch.exposure(events, sites, radius_km=25, window_days=365, as_of=...)`` on your own
  tables (anything with the Arrow PyCapsule interface: pyarrow, pandas, polars, GeoPandas,
  DuckDB results): events and deaths within each radius of each site.
* ``orewatch.Store(path)`` on an orewatch store (built by ``orewatch ingest``): ``datasets()``,
  ``actors()``, ``network()``, ``supply()``; and ``orewatch.scenario.run/compare/check``.

Keyword arguments are named as the CLI's flags (``--radius-km`` → ``radius_km``). Every result
carries its provenance (sources, parameters, coverage, warnings) in ``df.attrs["provenance"]``
(a dict); ``output="arrow"`` gives a ``pyarrow.Table`` with the provenance as JSON in its schema
metadata (key ``orewatch.provenance``). Errors raise :class:`OrewatchError` with the CLI's
message (file, row, value, what was expected).

No analysis happens here: each function asks the assessment of its question in the Rust core,
so the numbers are the CLI's.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
from pathlib import Path as _Path

from . import _orewatch
from ._frames import attach as _attach
from ._frames import frame as _frame
from ._orewatch import OrewatchError

__version__ = _orewatch.__version__

__all__ = ["exposure", "Store", "OrewatchError", "scenario", "__version__"]


def _arrow_input(table, geometry: str):
    """The object to read through ``__arrow_c_stream__``: GeoPandas frames are converted with
    GeoArrow point encoding (x/y structs), everything else is passed as is."""
    to_arrow = getattr(table, "to_arrow", None)
    if to_arrow is not None and hasattr(table, "geometry") and hasattr(table, "crs"):
        return to_arrow(geometry_encoding="geoarrow", interleaved=False)
    return table


def _date_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _window(value) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() == "all"):
        return None
    if isinstance(value, bool) or int(value) != value or value <= 0:
        raise OrewatchError(
            f"window_days {value!r}: expected a positive number of days, or 'all'"
        )
    return int(value)


def exposure(
    events,
    sites,
    radius_km=(25.0, 50.0, 100.0),
    window_days=365,
    as_of=None,
    *,
    lat: str = "latitude",
    lon: str = "longitude",
    date: str = "date",
    deaths: str | None = None,
    id: str = "id",
    geometry: str = "geometry",
    output: str = "pandas",
):
    """Events and deaths within each radius of each site, on your own tables.

    events: a table with ``latitude``, ``longitude``, ``date`` (a date, a timestamp or
        ``YYYY-MM-DD`` text) and optionally ``deaths`` (non-negative whole numbers); or a
        GeoDataFrame of points and a date column. Any object with ``__arrow_c_stream__``
        (pyarrow, pandas, polars, DuckDB results) or a GeoDataFrame.
    sites: a table with ``id``, ``latitude``, ``longitude`` (or a GeoDataFrame of points). A
        site with both coordinates empty is reported with empty counts (not assessed).
    radius_km: one radius or several, km (great-circle distance d ≤ R, haversine on a sphere
        of radius 6371.0088 km).
    window_days: days of the window ending at ``as_of`` (start excluded, end included), or
        ``"all"``/None for every event up to ``as_of``.
    as_of: the window's last day (a date or ``YYYY-MM-DD``); default: the latest event date.
    lat, lon, date, deaths, id, geometry: the column names, when yours differ.
    output: ``"pandas"`` (default) or ``"arrow"``.

    Returns one row per site and radius (site order, radii ascending): the site's id,
    ``radius_km``, ``events`` and ``deaths`` (empty when there is no deaths column). An invalid
    value raises :class:`OrewatchError` naming the table, row, column and value.
    """
    radii = [float(radius_km)] if isinstance(radius_km, (int, float)) else [float(r) for r in radius_km]
    names = {
        "lat": lat,
        "lon": lon,
        "date": date,
        "deaths": deaths,
        "id": id,
        "geometry": geometry,
    }
    capsule, params, _timings = _orewatch.count_exposure(
        _arrow_input(events, geometry),
        _arrow_input(sites, geometry),
        names,
        radii,
        _window(window_days),
        _date_text(as_of),
    )
    provenance = {
        "orewatch_version": __version__,
        "function": "orewatch.exposure",
        "method": (
            "events dated in (as_of - window_days, as_of] at great-circle distance <= R km "
            "of each site (haversine, R_earth = 6371.0088 km); deaths summed over them "
            "(orewatch_core::analysis::exposure::count_near_sites)"
        ),
        "parameters": _json.loads(params),
        "sources": [{"kind": "user table", "what": "events"}, {"kind": "user table", "what": "sites"}],
        "warnings": [],
    }
    return _attach(_Stream(capsule), provenance, output)


class _Stream:
    """An Arrow C stream capsule behind the PyCapsule interface (read once)."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema=None):
        capsule, self._capsule = self._capsule, None
        if capsule is None:
            raise RuntimeError("the result stream was already read")
        return capsule


class Store:
    """An orewatch store (the directory ``orewatch ingest`` writes; the CLI's ``--store``).

    Each method asks the assessment of its question and returns a DataFrame (or an Arrow
    table with ``output="arrow"``) whose ``attrs["provenance"]`` names the sources, the
    parameters and the warnings; ``attrs["assessment"]`` holds the whole result as the CLI's
    ``--json`` prints it.
    """

    def __init__(self, path="orewatch-store"):
        self.path = _Path(path)

    def __repr__(self) -> str:
        return f"orewatch.Store({str(self.path)!r})"

    def _ask(self, question: str, request: dict, file=None) -> dict:
        text = _orewatch.store_call(
            str(self.path), question, _json.dumps(request), None if file is None else str(file)
        )
        return _json.loads(text)

    def datasets(self, *, output: str = "pandas"):
        """The sources in the store (one row per file ingested: kind, path, SHA-256, rows
        kept and quarantined, coverage), from its manifest (``orewatch datasets``)."""
        manifest = self._ask("datasets", {})
        sources = manifest.get("sources", []) if manifest else []
        provenance = {
            "orewatch_version": __version__,
            "store": str(self.path),
            "command": f"orewatch --store {self.path} datasets",
            "sources": [
                {k: s.get(k) for k in ("path", "sha256", "kind") if k in s} for s in sources
            ],
            "warnings": [],
        }
        return _frame(sources, provenance, manifest, output)

    def actors(self, *, source=None, countries=None, aliases=None, output: str = "pandas"):
        """The armed organisations of the events (``orewatch actors list --json``): one row per
        actor with events, deaths, civilian events/deaths, first and last month.

        source: ``"ged"`` or ``"acled"`` (needed when the store holds both); countries: ISO3
        codes; aliases: an alias table (TOML) instead of the shipped one.
        """
        request = {"selection": _selection(source, countries, None, None)}
        result = self._ask("actors", request, aliases)
        rows = [_flat_actor(a) for a in result["actors"]]
        return _frame(rows, result["provenance"], result, output)

    def network(
        self,
        *,
        period=None,
        from_=None,
        to=None,
        countries=None,
        source=None,
        seed: int = 42,
        aliases=None,
        sites_radius_km=None,
        output: str = "pandas",
    ):
        """The actor network (``orewatch network --out F.json``): returns ``(nodes, links)``,
        two DataFrames as the CLI's JSON ``nodes`` and ``links`` (each with the provenance),
        the whole document (relations, communities, modularity) in ``nodes.attrs["assessment"]``.

        period: ``"2012..2019"`` or one year; or from_/to as dates. seed: the Louvain order.
        """
        start, end = _period(period, from_, to)
        request = {
            "selection": _selection(source, countries, start, end),
            "seed": int(seed),
            "site_links": None
            if sites_radius_km is None
            else {"radius_km": float(sites_radius_km), "any_country": False, "site_ids": []},
        }
        result = self._ask("network", request, aliases)
        doc = result["network"]
        nodes = _frame(doc["nodes"], result["provenance"], result, output)
        links = _frame(doc["links"], result["provenance"], result, output)
        return nodes, links

    def supply(
        self,
        commodity: str,
        *,
        year=None,
        stage=None,
        series=None,
        cahra_year=None,
        source=None,
        inputs=None,
        output: str = "pandas",
    ):
        """Supply concentration and risk of one market (``orewatch supply --commodity C
        --format json``): one row per producing country (quantity, unit, share, WGI, CAHRA
        status); the indices, supply risk by stage and the EU view in ``attrs["assessment"]``.

        series: ``"usgs"`` or ``"owid"``; stage: ``"mine"`` or ``"refinery"``; source: the
        event source of the CAHRA screening; inputs: a supply.toml instead of the bundled one.
        """
        market = {
            "commodity": commodity,
            "year": year,
            "stage": stage,
            "series": {"usgs": "UsgsMcs", "owid": "Owid1970_2015", None: None}[series],
            "shocks": [],
            "redirects": [],
            "cahra_year": cahra_year,
        }
        request = {"question": {"kind": "market", **market}, "event_source": _source(source)}
        result = self._ask("supply", request, inputs)
        return _frame(result.get("countries", []), result["provenance"], result, output)


def _source(source):
    if source is None:
        return None
    key = str(source).strip().lower()
    mapping = {"ged": "UcdpGed", "ucdp": "UcdpGed", "acled": "Acled"}
    if key not in mapping:
        raise OrewatchError(f"source {source!r}: expected 'ged' or 'acled'")
    return mapping[key]


def _selection(source, countries, start, end) -> dict:
    if isinstance(countries, str):
        countries = [c.strip() for c in countries.split(",") if c.strip()]
    return {
        "source": _source(source),
        "countries": list(countries or []),
        "from": start,
        "to": end,
    }


def _period(period, start, end):
    if period is not None and (start is not None or end is not None):
        raise OrewatchError("give period or from_/to, not both")
    if period is None:
        return _date_text(start), _date_text(end)
    text = str(period)
    first, _, last = text.partition("..")
    last = (last or first).lstrip("=")
    try:
        a, b = int(first), int(last)
    except ValueError:
        raise OrewatchError(
            f"period {text!r}: expected years as FIRST..LAST (2012..2019) or one year (2015)"
        ) from None
    if a > b:
        raise OrewatchError(f"period {text!r}: the first year is after the last")
    return f"{a:04d}-01-01", f"{b:04d}-12-31"


def _flat_actor(a: dict) -> dict:
    """An actor's row: its key ({kind, value}) as two columns, key_value as text (a UCDP id or
    a name)."""
    row = {k: v for k, v in a.items() if k != "key"}
    key = a.get("key") or {}
    row["key_kind"] = key.get("kind")
    row["key_value"] = None if key.get("value") is None else str(key.get("value"))
    return row


from . import scenario  # noqa: E402  (uses Store-free helpers above)
