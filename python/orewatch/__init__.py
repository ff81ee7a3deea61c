"""orewatch in Python: the assessments of the orewatch engine as pandas DataFrames.

Two ways in:

* ``orewatch.exposure(events, sites, radius_km=25, window_days=365, as_of=...)`` on your own
  tables (anything with the Arrow PyCapsule interface: pyarrow, pandas, polars, GeoPandas,
  DuckDB results): events and deaths within each radius of each site.
* ``orewatch.Store(path)`` on an orewatch store: ``ingest(paths)``, ``datasets()``,
  ``exposure()``, ``cahra()``, ``actors()``, ``network()``, ``forecast()``, ``evaluate()``,
  ``supply()``; and ``orewatch.scenario.run/compare/check``.

Keyword arguments are named as the CLI's flags (``--radius-km`` → ``radius_km``). Every result
carries its provenance (sources, parameters, coverage, warnings) in ``df.attrs["provenance"]``
(a dict); ``output="arrow"`` gives a ``pyarrow.Table`` with the provenance as JSON in its schema
metadata (key ``orewatch.provenance``). Rows with a geometry (the sites of ``exposure``, the
regions or sites of ``cahra``) come as a GeoDataFrame when GeoPandas is importable, else as a
DataFrame with the geometry as WKB bytes in its ``geometry`` column (CRS: WGS84 lon/lat). Errors raise :class:`OrewatchError` with the CLI's
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
from ._frames import flatten as _flatten
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
    radii = _radii(radius_km)
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
        return self._ask_geo(question, request, file)[0]

    def _ask_geo(self, question: str, request: dict, file=None):
        """(the assessment's JSON as a dict, the Arrow stream of its rows' WKB or None)."""
        text, geometry = _orewatch.store_call(
            str(self.path), question, _json.dumps(request), None if file is None else str(file)
        )
        return _json.loads(text), (None if geometry is None else _Stream(geometry))

    def ingest(
        self,
        paths=(),
        *,
        replace: bool = False,
        skip_unknown: bool = False,
        release=None,
        recover_quoted: bool = False,
        threads=None,
        output: str = "pandas",
    ):
        """Reads source files into the store (``orewatch ingest [PATHS…]``), with the GIL
        released.

        paths: files or directories (searched recursively); none: ``$OREWATCH_DATA``, else
        ``../shared/data``. The other keywords are the CLI's flags (``--replace``,
        ``--skip-unknown``, ``--release``, ``--recover-quoted``, ``--threads``).

        Returns the store's sources after the ingest, one row per file: kind, path, SHA-256,
        ``rows_read``, ``accepted``, ``flagged``, ``quarantined`` (rows rejected, kept with their
        reasons in the store's quarantine table), ``new``/``unchanged``/``updated``/``superseded``.
        ``attrs["not_read"]`` lists documentation files and files skipped (``skip_unknown``);
        every source with quarantined rows is named in ``attrs["provenance"]["warnings"]``. A file
        that cannot be read raises :class:`OrewatchError` with the CLI's message (file, line,
        column, value) and nothing is written.
        """
        if isinstance(paths, (str, _Path)):
            paths = [paths]
        request = {
            "paths": [str(p) for p in paths],
            "replace": bool(replace),
            "skip_unknown": bool(skip_unknown),
            "release": None if release is None else str(release),
            "recover_quoted": bool(recover_quoted),
            "threads": None if threads is None else int(threads),
        }
        result = self._ask("ingest", request)
        manifest = result["manifest"]
        sources = manifest.get("sources", [])
        warnings = [
            f"{s['path']}: {s['quarantined']} row(s) quarantined (reasons in the store's quarantine table)"
            for s in sources
            if s.get("quarantined")
        ]
        warnings += [f"{u['path']}: skipped, {u['problem']}" for u in result["skipped"]]
        provenance = {
            "orewatch_version": __version__,
            "store": str(self.path),
            "command": "orewatch --store {} ingest{}".format(
                self.path, "".join(f" {p}" for p in request["paths"])
            ),
            "parameters": request,
            "sources": [{k: s.get(k) for k in ("path", "sha256", "kind")} for s in sources],
            "coverage": manifest.get("event_coverage"),
            "warnings": warnings,
        }
        df = _frame(sources, provenance, manifest, output)
        if output == "pandas":
            df.attrs["not_read"] = {"documentation": result["documentation"], "skipped": result["skipped"]}
        return df

    def exposure(
        self,
        *,
        sites: str = "",
        radius_km=(25.0, 50.0, 100.0),
        window_days=365,
        half_life_days: float = 90.0,
        kernel: str = "uniform",
        weight: str = "fatalities",
        as_of=None,
        source=None,
        max_precision=None,
        violence=(),
        top_actors: int = 5,
        output: str = "pandas",
    ):
        """Armed violence around the store's mine sites (``orewatch exposure --out f.json``):
        one row per site and radius, sorted by radius, then exposure index (highest first),
        then site id.

        sites: filter terms (``"country=MLI,commodity=gold"``); radius_km: one or several km;
        window_days: days ending at as_of, or ``"all"``; kernel: ``uniform``, ``linear`` or
        ``gaussian``; weight: ``fatalities`` or ``events``; as_of: a date in the source's stated
        coverage (default: its end); source: ``"ged"``/``"acled"``; max_precision: the largest
        location-precision code counted; violence: ``sb``, ``ns``, ``os`` (or their long names).

        Columns: the record the CLI writes, nested objects flattened with ``_``
        (``civilian_events``, ``trend_label``, ``nearest_in_window_distance_km``, …); the numbers
        of a site not covered by the event data are empty (unknown, never 0). The sites' points
        are the geometry. ``attrs["provenance"]`` holds the sources, the parameters used, the
        coverage and the warnings; ``attrs["assessment"]`` the whole result.
        """
        request = {
            "sites": sites,
            "radii_km": _radii(radius_km),
            "window_days": _window(window_days),
            "half_life_days": float(half_life_days),
            "kernel": _choice("kernel", kernel, ("uniform", "linear", "gaussian")),
            "weight": _choice("weight", weight, ("fatalities", "events")),
            "as_of": _date_text(as_of),
            "source": _source(source),
            "max_precision_code": None if max_precision is None else int(max_precision),
            "violence": _violence(violence),
            "top_actors": int(top_actors),
        }
        a, geometry = self._ask_geo("exposure", request)
        provenance = {
            **a["provenance"],
            "parameters": a["params"],
            "coverage": {"source": a["coverage"], "countries": a["country_coverage"]},
            "events_considered": a["events_considered"],
        }
        return _frame(_flatten(a["rows"]), provenance, a, output, geometry, first=EXPOSURE_FIRST, integers=True)

    def cahra(
        self,
        *,
        year=None,
        level: str = "admin1",
        source=None,
        rules=None,
        countries=None,
        radius_km: float = 50.0,
        max_precision=None,
        output: str = "pandas",
    ):
        """The CAHRA screening (conflict-affected and high-risk areas) of one calendar year
        (``orewatch cahra --out f.json``): one row per admin-1 region (``level="admin1"``) or
        per mine site (``level="site"``) with its verdict, the rules checked and the numbers
        behind them (nested objects flattened with ``_``: ``counts_events``, …).

        year: default the last year entirely inside the source's stated coverage; rules: a TOML
        file with every key of config/cahra.toml (default: the embedded rules); countries: ISO3
        codes (default: every country with admin-1 regions in the store); radius_km: a site's
        own surroundings; max_precision: the largest location-precision code counted.

        Geometry: the regions' boundaries, or the sites' points. ``attrs["provenance"]``: the
        sources, the parameters (year, rules file and its SHA-256, …), the coverage, the
        warnings; ``attrs["assessment"]`` the whole result.
        """
        level = _choice("level", level, ("admin1", "site"))
        request = {
            "year": None if year is None else int(year),
            "source": _source(source),
            "countries": _codes(countries),
            "site_radius_km": float(radius_km),
            "rules": None if rules is None else {"name": str(rules), "toml": _read_text(rules)},
        }
        doc, geometry = self._ask_geo(
            "cahra",
            {"request": request, "max_precision": _int_or_none(max_precision), "level": level},
        )
        a = doc["assessment"]
        provenance = {
            **a["provenance"],
            "parameters": {
                "year": a["year"],
                "level": level,
                "source": a["source"],
                "countries": a["countries"],
                "site_radius_km": a["site_radius_km"],
                "rules_file": a["rules_file"],
                "rules_sha256": a["rules_sha256"],
                "location_precision": doc["location_precision"],
                "verdicts": a["verdicts"],
            },
            "coverage": {"source": a["coverage"], "countries": a["country_coverage"]},
        }
        rows, first = (a["regions"], REGION_FIRST) if level == "admin1" else (a["sites"], SITE_FIRST)
        return _frame(_flatten(rows), provenance, a, output, geometry, first=first, integers=True)

    def forecast(
        self,
        *,
        countries=None,
        origin=None,
        horizon: int = 12,
        model: str = "hurdle_recent",
        target: str = "all",
        level: str = "cell",
        draws: int = 1000,
        seed: int = 1,
        source=None,
        train_countries=None,
        max_precision=None,
        output: str = "pandas",
    ):
        """Deaths per PRIO-GRID cell-month (or country-month) for the months after the origin
        (``orewatch forecast --out fc.json``), with the GIL released: one row per unit and month
        with ``priogrid_gid`` (cells), ``country``, ``month``, ``mean``, ``p_any`` (share of
        draws ≥ 1), ``p_25`` (≥ 25) and the quantiles ``q05`` … ``q95`` of the draws.

        countries: ISO3 codes forecast (default: the Sahel countries the data cover through
        their latest month); origin: the last observed month, ``"YYYY-MM"``; model: ``zero``,
        ``last``, ``mean12``, ``conflictology12``, ``conflictology36``, ``hurdle`` or
        ``hurdle_recent``; target: ``all``, ``sb``, ``ns``, ``os``; level: ``cell`` or
        ``country``; train_countries: ISO3 codes the models are trained on, or ``"own"``.

        ``attrs["assessment"]`` holds the whole result (units with their centres, P(≥ 1 over
        the horizon), the panel's counts); ``attrs["provenance"]`` the sources, the request,
        the months each country is covered and the warnings.
        """
        request = {
            "countries": None if countries is None else _codes(countries),
            "training": _training(train_countries),
            "origin": None if origin is None else str(origin),
            "horizon": int(horizon),
            "target": _choice("target", target, ("all", "sb", "ns", "os")),
            "level": _choice("level", level, ("cell", "country")),
            "draws": int(draws),
            "seed": int(seed),
            "source": _source(source),
            "observed_months": 0,
        }
        doc = self._ask(
            "forecast",
            {
                "request": request,
                "model": _choice("model", model, MODELS),
                "max_precision": _int_or_none(max_precision),
            },
        )
        r = doc["result"]
        cells = r["request"]["level"] == "cell"
        rows = []
        for row in r["outlook"]["rows"]:
            unit = r["units"][row["unit"]]
            rows.append(
                {
                    "priogrid_gid": unit["id"] if cells else None,
                    "country": unit["country"],
                    "month": row["month"],
                    **row["summary"],
                }
            )
        provenance = _with_events(r, doc["location_precision"])
        return _frame(rows, provenance, r, output)

    def evaluate(
        self,
        *,
        countries=("MLI", "BFA"),
        from_="2019-01",
        to="2021-12",
        horizon: int = 12,
        models=None,
        target: str = "all",
        level: str = "cell",
        draws: int = 1000,
        seed: int = 1,
        bootstrap: int = 1000,
        block_len: int = 12,
        source=None,
        train_countries=None,
        max_precision=None,
        output: str = "pandas",
    ):
        """Rolling-origin evaluation of the forecast models against the baselines
        (``orewatch evaluate --out eval.json``), with the GIL released. Returns ``(scores,
        differences)``: one row per model with its pooled and active-unit scores (CRPS, MSE,
        MSLE, Brier, interval coverage; flattened with ``_``), and one row per model pair with
        the difference and its block-bootstrap 90% interval.

        from_/to: the first and last origin (``"YYYY-MM"``); models: names as ``forecast``'s
        ``model`` (default: every model); bootstrap: replicates; block_len: origins per block.
        The whole result is in ``attrs["assessment"]``.
        """
        request = {
            "countries": _codes(countries),
            "training": _training(train_countries),
            "first_origin": str(from_),
            "last_origin": str(to),
            "horizon": int(horizon),
            "target": _choice("target", target, ("all", "sb", "ns", "os")),
            "level": _choice("level", level, ("cell", "country")),
            "draws": int(draws),
            "seed": int(seed),
            "bootstrap_replicates": int(bootstrap),
            "block_len": int(block_len),
            "source": _source(source),
        }
        if isinstance(models, str):
            models = [m.strip() for m in models.split(",") if m.strip()]
        doc = self._ask(
            "evaluate",
            {
                "request": request,
                "models": None if models is None else [_choice("models", m, MODELS) for m in models],
                "max_precision": _int_or_none(max_precision),
            },
        )
        r = doc["result"]
        provenance = _with_events(r, doc["location_precision"])
        e = r["evaluation"]
        scores = _frame(_flatten(e["scores"]), provenance, r, output, first=("model", "baseline"), integers=True)
        differences = _frame(_flatten(e["differences"]), provenance, r, output, integers=True)
        return scores, differences

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


#: The leading columns of the store results (the rest follow in name order).
EXPOSURE_FIRST = (
    "site_id", "site_name", "radius_km", "country_iso3", "admin1_id", "admin1_name", "status",
    "coverage", "events", "fatalities_best", "exposure_index",
)
REGION_FIRST = ("region_id", "name", "country_iso3", "country_name", "year", "verdict")
SITE_FIRST = ("site_id", "name", "kind", "country_iso3", "year", "verdict", "basis", "region_id")

#: The forecast models, as the CLI's ``--model`` spells them.
MODELS = ("zero", "last", "mean12", "conflictology12", "conflictology36", "hurdle", "hurdle_recent")

_VIOLENCE = {
    "sb": "StateBased",
    "state-based": "StateBased",
    "ns": "NonState",
    "non-state": "NonState",
    "os": "OneSided",
    "one-sided": "OneSided",
}


def _choice(name: str, value, allowed):
    key = str(value).strip().lower()
    if key not in allowed:
        raise OrewatchError(f"{name} {value!r}: expected one of {', '.join(allowed)}")
    return key


def _radii(radius_km) -> list:
    if isinstance(radius_km, (int, float)):
        return [float(radius_km)]
    return [float(r) for r in radius_km]


def _int_or_none(value):
    return None if value is None else int(value)


def _codes(countries) -> list:
    if countries is None:
        return []
    if isinstance(countries, str):
        countries = countries.split(",")
    return [c.strip() for c in countries if c.strip()]


def _violence(values) -> list:
    if isinstance(values, str):
        values = values.split(",")
    return [_VIOLENCE[_choice("violence", v, tuple(_VIOLENCE))] for v in values if str(v).strip()]


def _training(train_countries):
    """``--train-countries``: None (the default set), ``"own"``, or ISO3 codes."""
    codes = _codes(train_countries)
    if not codes:
        return "default"
    if any(c.lower() == "own" for c in codes):
        if len(codes) > 1:
            raise OrewatchError(
                f"train_countries {','.join(codes)}: 'own' stands alone (fit on the forecast countries)"
            )
        return "own"
    return {"countries": codes}


def _read_text(path) -> str:
    try:
        return _Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise OrewatchError(f"reading the rules file {path}: {e}") from None


def _with_events(result: dict, location_precision: str) -> dict:
    """A forecast's or evaluation's provenance with its request and the events' coverage."""
    return {
        **result["provenance"],
        "parameters": {**result["request"], "location_precision": location_precision},
        "coverage": result["events"],
    }


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
