"""Scenarios: ``orewatch.scenario.run/compare/check``, as ``orewatch scenario run/compare/check``.

A scenario is a TOML file (see ``orewatch scenario schema``); scenarios with data links read
the store (``store=``, default ``orewatch-store`` as the CLI). Results are DataFrames with the
provenance in ``attrs["provenance"]`` and the whole assessment in ``attrs["assessment"]``.
"""

from __future__ import annotations

import json

from . import _orewatch
from ._frames import frame as _frame

DEFAULT_STORE = "orewatch-store"


def _ask(question: str, request: dict, store) -> dict:
    text, _geometry = _orewatch.store_call(str(store), question, json.dumps(request), None)
    return json.loads(text)


def run(file, *, draws: int | None = None, seed: int | None = None, store=DEFAULT_STORE, output: str = "pandas"):
    """Simulates one scenario (``orewatch scenario run FILE --draws N --seed S``): one row per
    output with its unit, aspect, mean, median, 5th and 95th percentiles and draws that are not
    a number. Defaults: the CLI's draws and seed."""
    a = _ask("scenario_run", {"files": [str(file)], "draws": draws, "seed": seed}, store)
    rows = []
    for o in a["outputs"]:
        r = o["result"]
        row = {k: v for k, v in r.items() if not isinstance(v, (dict, list))}
        row.update({k: v for k, v in r.get("summary", {}).items()})
        rows.append(row)
    return _frame(rows, a["provenance"], a, output)


def compare(
    *files,
    bundled: bool = False,
    baseline: str | None = None,
    contrast=(),
    draws: int | None = None,
    seed: int | None = None,
    store=DEFAULT_STORE,
    output: str = "pandas",
):
    """Compares scenarios on common random numbers (``orewatch scenario compare``): one row
    per pair and shared output with P(A better), P(A worse) and the A − B difference's median
    and 5–95 % range. ``bundled=True`` puts the four bundled scenarios first."""
    request = {
        "files": [str(f) for f in files],
        "bundled": bool(bundled),
        "draws": draws,
        "seed": seed,
        "baseline": baseline,
        "contrast": list(contrast),
    }
    c = _ask("scenario_compare", request, store)
    rows = []
    for p in c["pairs"]:
        for o in p["outputs"]:
            row = {"a": p["a"], "b": p["b"]}
            row.update({k: v for k, v in o.items() if not isinstance(v, (dict, list))})
            for k, v in o.get("difference", {}).items():
                row[f"difference_{k}"] = v
            rows.append(row)
    return _frame(rows, c["provenance"], c, output)


def check(file, *, store=DEFAULT_STORE) -> dict:
    """Parses a scenario and resolves its data links without drawing (``orewatch scenario
    check FILE``): the counts of variables by kind and each data link's resolved value, as a
    dict (with its ``provenance``)."""
    return _ask("scenario_check", {"files": [str(file)]}, store)
