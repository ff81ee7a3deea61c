#!/usr/bin/env python3
"""An independent NumPy peer of `orewatch evaluate` for the VIEWS baselines.

What it answers: over rolling origins o (default 2014-01 .. 2018-12) and horizons h = 1..12,
the mean scores of the baselines' forecasts of y[o + h], fatalities per PRIO-GRID cell-month,
over all unit-months ("pooled") and over those with y > 0 ("active"):

- zero            point mass at 0;
- last            point mass at y[o];
- mean12          point mass at mean(y[o-11 .. o]);
- conflictologyW  (W = 12, 36) the empirical distribution of the W atoms y[o-W+1 .. o],
                  scored EXACTLY (no sampling).

Scores, per unit-month, for a forecast distribution F with mean mu, P(X >= 1) = p1,
P(X >= 25) = p25 and outcome y (a count of deaths):
  CRPS      E|X - y| - E|X - X'|/2, fatalities  (a point mass x: |x - y|; an empirical
            distribution: properscoring.crps_ensemble on its atoms)
  MSE       (mu - y)^2, fatalities^2
  MSLE      (ln(1 + mu) - ln(1 + y))^2
  Brier>=1  (p1 - 1[y >= 1])^2;  Brier>=25  (p25 - 1[y >= 25])^2
For the conflictology baselines it also gives the EXPECTATION of orewatch's 1,000-draw
estimator (draws taken uniformly with replacement from the atoms), in closed form:
  E[NRG CRPS of m draws] = E|X - y| - (1 - 1/m) E|X - X'|/2
  E[(mean of m draws - y)^2] = (mu - y)^2 + var(X)/m
  E[(share of m draws >= k - o)^2] = (p_k - o)^2 + p_k (1 - p_k)/m
(MSLE has no closed form: its m = infinity value is given for both.) orewatch samples, so its
conflictology scores can only agree with these within Monte Carlo error; bench.py compares them
with a relative tolerance.

The panel is built here from the source files, with no orewatch code:
- cells: PRIO-GRID 0.5 degree cells (gid = row*720 + col + 1, row = floor((lat + 90)/0.5),
  col = floor((lon + 180)/0.5)) whose centre lies in one of the countries' polygons of
  boundaries/west_africa_admin0_ne50m.geojson (shapely, prepared geometry, contains_xy),
  plus every cell holding an event of those countries;
- events: conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv, rows whose GED `country`
  maps to one of the countries (GED spells 'Ivory Coast', ...); y = sum of best_death per
  cell and month of the event's (year, month), months 1989-01 .. 2019-12, zero-filled.
  Events of other countries falling in a panel cell are NOT counted.

What it does NOT do: the hurdle model, average precision, interval coverage, PIT, bootstrap
intervals (orewatch's figures for those are recorded, not checked).

Timing: in-process (imports excluded), panel build (file reading included) + scoring, the
minimum over --runs repetitions (the properscoring cross-check runs once more, untimed); the deterministic part (zero, last, mean12) is timed apart
from the conflictology part so that it can be set against `orewatch evaluate --models
zero,last,mean12`.

Usage:
  python peer_numpy.py --data DIR --countries MLI,BFA,NER [--from 2014-01 --to 2018-12]
                       [--horizon 12] [--draws 1000] [--runs 3] [--out peer.json]
  python peer_numpy.py --self-test   # vectorised scores vs plain loops, E[m-draw] vs simulation
"""

import argparse
import csv
import json
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import properscoring
import shapely

GED_FILE = "conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"
ADMIN0_FILE = "boundaries/west_africa_admin0_ne50m.geojson"
FIRST_YEAR, LAST_YEAR = 1989, 2019
N_MONTHS = (LAST_YEAR - FIRST_YEAR + 1) * 12
CELL = 0.5

# GED `country` -> ISO3 for the countries of the West African file (UCDP spellings).
GED_ISO3 = {
    "Benin": "BEN", "Burkina Faso": "BFA", "Cape Verde": "CPV", "Ivory Coast": "CIV",
    "Gambia": "GMB", "Ghana": "GHA", "Guinea": "GIN", "Guinea-Bissau": "GNB",
    "Liberia": "LBR", "Mali": "MLI", "Mauritania": "MRT", "Niger": "NER", "Nigeria": "NGA",
    "Senegal": "SEN", "Sierra Leone": "SLE", "Togo": "TGO", "Algeria": "DZA",
}

SAHEL = ["MLI", "BFA", "NER"]
# ECOWAS members in 2019 plus Mauritania.
WEST_AFRICA = ["BEN", "BFA", "CPV", "CIV", "GMB", "GHA", "GIN", "GNB", "LBR", "MLI", "NER",
               "NGA", "SEN", "SLE", "TGO", "MRT"]


class InputError(Exception):
    pass


def month_index(text):
    """'YYYY-MM' -> index of the month in the panel (0 = 1989-01)."""
    try:
        y, m = text.split("-")
        y, m = int(y), int(m)
    except ValueError:
        raise InputError(f"month {text!r}: expected YYYY-MM") from None
    if not 1 <= m <= 12 or len(text.split("-")[0]) != 4:
        raise InputError(f"month {text!r}: expected YYYY-MM")
    return (y - FIRST_YEAR) * 12 + m - 1


def cells_in_countries(admin0_path, countries):
    """Sorted gids of cells whose centre lies in a country's polygon; the count per country."""
    doc = json.loads(Path(admin0_path).read_text())
    gids, per_country = set(), {}
    for iso in countries:
        feats = [f for f in doc["features"] if f["properties"].get("iso_a3") == iso]
        if not feats:
            raise InputError(f"{admin0_path}: no feature with iso_a3 = {iso!r}")
        n = 0
        for f in feats:
            geom = shapely.geometry.shape(f["geometry"])
            shapely.prepare(geom)
            minx, miny, maxx, maxy = geom.bounds
            r0, r1 = int(np.floor((miny + 90) / CELL)), int(np.floor((maxy + 90) / CELL))
            c0, c1 = int(np.floor((minx + 180) / CELL)), int(np.floor((maxx + 180) / CELL))
            rows, cols = np.meshgrid(np.arange(r0, r1 + 1), np.arange(c0, c1 + 1), indexing="ij")
            lat = -90 + (rows + 0.5) * CELL
            lon = -180 + (cols + 0.5) * CELL
            inside = shapely.contains_xy(geom, lon.ravel(), lat.ravel())
            g = (rows.ravel() * 720 + cols.ravel() + 1)[inside]
            n += len(g)
            gids.update(g.tolist())
        per_country[iso] = n
    return gids, per_country


def read_events(ged_path, countries):
    """(gid, month index, best) of the countries' events in the panel's months."""
    wanted = set(countries)
    gid, mon, best = [], [], []
    skipped = 0
    with open(ged_path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        for line, row in enumerate(reader, start=2):
            iso = GED_ISO3.get(row["country"])
            if iso is None:
                raise InputError(f"{ged_path}:{line}: country {row['country']!r} has no ISO3 here")
            if iso not in wanted:
                continue
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
                y, m, b = int(row["year"]), int(row["month"]), int(row["best_death"])
            except ValueError as e:
                raise InputError(f"{ged_path}:{line}: {e}") from None
            if not (-90 <= lat <= 90 and -180 <= lon < 180):
                raise InputError(f"{ged_path}:{line}: latitude/longitude {lat}, {lon} outside the globe")
            if not 1 <= m <= 12 or b < 0:
                raise InputError(f"{ged_path}:{line}: month {m} / best_death {b}: expected 1..12 / >= 0")
            mi = (y - FIRST_YEAR) * 12 + m - 1
            if not 0 <= mi < N_MONTHS:
                skipped += 1
                continue
            r = int(np.floor((lat + 90) / CELL))
            c = int(np.floor((lon + 180) / CELL))
            gid.append(r * 720 + c + 1)
            mon.append(mi)
            best.append(b)
    return np.array(gid, np.int64), np.array(mon, np.int64), np.array(best, np.int64), skipped


def build_panel(data, countries):
    inside, per_country = cells_in_countries(Path(data) / ADMIN0_FILE, countries)
    ev_gid, ev_mon, ev_best, skipped = read_events(Path(data) / GED_FILE, countries)
    gids = np.array(sorted(inside | set(ev_gid.tolist())), np.int64)
    y = np.zeros((len(gids), N_MONTHS), np.int64)
    np.add.at(y, (np.searchsorted(gids, ev_gid), ev_mon), ev_best)
    info = {
        "cells": len(gids),
        "cells_centre_inside": len(inside),
        "cells_from_events_only": len(gids) - len(inside),
        "cells_per_country_centre_inside": per_country,
        "events_used": int(len(ev_gid)),
        "events_outside_months": skipped,
        "deaths": int(ev_best.sum()),
    }
    return gids, y, info


def means(per, active):
    """Pooled and active means of each score array (same shape as `active`)."""
    return {
        "pooled": {k: float(v.mean()) for k, v in per.items()},
        "active": {k: float(v[active].mean()) for k, v in per.items()},
    }


def point_scores(x, y):
    """Scores of point-mass forecasts x (float) for outcomes y (int)."""
    yf = y.astype(np.float64)
    o1 = (y >= 1).astype(np.float64)
    o25 = (y >= 25).astype(np.float64)
    return {
        "crps": np.abs(x - yf),
        "mse": (x - yf) ** 2,
        "msle": (np.log(1 + x) - np.log(1 + yf)) ** 2,
        "brier_1": ((x >= 1).astype(np.float64) - o1) ** 2,
        "brier_25": ((x >= 25).astype(np.float64) - o25) ** 2,
    }


def windows(y, origins, w):
    """y[u, o - w + 1 .. o] for every unit and origin: shape (U, O, w)."""
    idx = origins[:, None] + np.arange(-w + 1, 1)[None, :]
    return y[:, idx]


def deterministic(y, origins, horizon):
    """zero, last, mean12: pooled/active means and the unit-month count."""
    hs = np.arange(1, horizon + 1)
    target = y[:, origins[:, None] + hs[None, :]]  # (U, O, H)
    active = target > 0
    last = np.broadcast_to(y[:, origins][:, :, None], target.shape).astype(np.float64)
    csum = np.concatenate([np.zeros((y.shape[0], 1), np.int64), np.cumsum(y, axis=1)], axis=1)
    mean12 = (csum[:, origins + 1] - csum[:, origins - 11]) / 12.0
    mean12 = np.broadcast_to(mean12[:, :, None], target.shape)
    out = {}
    for name, x in (("zero", np.zeros(target.shape)), ("last", last), ("mean12", mean12)):
        out[name] = means(point_scores(x, target), active)
    return out, target.size, float(active.mean())


def conflictology(y, origins, horizon, w, m, crosscheck=False):
    """Exact scores of the empirical distribution of the w atoms, and the expectation of the
    m-draw estimator orewatch uses. Vectorised over units and origins, one horizon at a time
    (the atoms do not depend on the horizon; only the outcome does). CRPS by the closed form
    E|X - y| - E|X - X'|/2; with `crosscheck`, also by properscoring.crps_ensemble on the
    atoms (slow: a Python loop without numba; not timed), for horizon 1 only (every unit and origin:
    the atoms are the same at every horizon), reporting the largest absolute difference."""
    atoms = windows(y, origins, w).astype(np.float64).reshape(-1, w)  # (U*O, w)
    mu = atoms.mean(axis=1)
    var = atoms.var(axis=1)  # population variance of the atoms
    # E|X - X'| of the atoms from their sorted order: (2/w^2) sum_i (2i - w - 1) a_(i).
    coef = 2 * np.arange(1, w + 1) - w - 1
    gini = 2.0 * (np.sort(atoms, axis=1) * coef).sum(axis=1) / (w * w)
    p1 = (atoms >= 1).mean(axis=1)
    p25 = (atoms >= 25).mean(axis=1)
    exact = {k: [] for k in ("crps", "mse", "msle", "brier_1", "brier_25")}
    expected = {k: [] for k in exact}
    act, max_dev = [], 0.0
    for h in range(1, horizon + 1):
        obs = y[:, origins + h].astype(np.float64).reshape(-1)  # (U*O,), same order as atoms
        crps = np.abs(atoms - obs[:, None]).mean(axis=1) - gini / 2
        if crosscheck and h == 1:
            ref = properscoring.crps_ensemble(obs, atoms)
            max_dev = max(max_dev, float(np.max(np.abs(ref - crps))))
        o1 = (obs >= 1).astype(np.float64)
        o25 = (obs >= 25).astype(np.float64)
        e = {
            "crps": crps,
            "mse": (mu - obs) ** 2,
            "msle": (np.log(1 + mu) - np.log(1 + obs)) ** 2,
            "brier_1": (p1 - o1) ** 2,
            "brier_25": (p25 - o25) ** 2,
        }
        for k, v in e.items():
            exact[k].append(v)
        expected["crps"].append(crps + gini / (2 * m))
        expected["mse"].append(e["mse"] + var / m)
        expected["msle"].append(e["msle"])
        expected["brier_1"].append(e["brier_1"] + p1 * (1 - p1) / m)
        expected["brier_25"].append(e["brier_25"] + p25 * (1 - p25) / m)
        act.append(obs > 0)
    act = np.concatenate(act)
    exact = {k: np.concatenate(v) for k, v in exact.items()}
    expected = {k: np.concatenate(v) for k, v in expected.items()}
    out = {"exact": means(exact, act), "expected_at_draws": means(expected, act)}
    if crosscheck:
        out["crps_properscoring_max_abs_diff"] = max_dev
    return out


def self_test():
    """The vectorised scores against plain loops over a small random panel, and the PRIO-GRID
    numbering against hand-worked cells. Raises AssertionError on a mismatch."""
    # Bamako 12.64, -8.00: row floor(102.64/0.5) = 205, col floor(172/0.5) = 344,
    # gid 205*720 + 344 + 1 = 147,945 (the PRIO-GRID documentation's example cell).
    assert int(np.floor((12.64 + 90) / CELL)) * 720 + int(np.floor((-8.0 + 180) / CELL)) + 1 == 147_945
    rng = np.random.default_rng(20250505)
    y = rng.poisson(0.4, (6, 90)) * rng.integers(0, 60, (6, 90))
    origins, horizon, m = np.arange(40, 55), 4, 1000
    det, n, share = deterministic(y, origins, horizon)
    conf = {w: conflictology(y, origins, horizon, w, m, crosscheck=True) for w in (12, 36)}
    rows = {k: [] for k in ("zero", "last", "mean12", 12, 36)}
    act = []
    for t in origins:
        for h in range(1, horizon + 1):
            for u in range(y.shape[0]):
                yy = float(y[u, t + h])
                act.append(yy > 0)
                for name, x in (("zero", 0.0), ("last", float(y[u, t])), ("mean12", y[u, t - 11:t + 1].mean())):
                    rows[name].append([abs(x - yy), (x - yy) ** 2, (np.log(1 + x) - np.log(1 + yy)) ** 2,
                                       (float(x >= 1) - float(yy >= 1)) ** 2, (float(x >= 25) - float(yy >= 25)) ** 2])
                for w in (12, 36):
                    a = y[u, t - w + 1:t + 1].astype(float)
                    pair = np.abs(a[:, None] - a[None, :]).mean()
                    mu, p1, p25 = a.mean(), (a >= 1).mean(), (a >= 25).mean()
                    rows[w].append([np.abs(a - yy).mean() - pair / 2, (mu - yy) ** 2,
                                    (np.log(1 + mu) - np.log(1 + yy)) ** 2, (p1 - float(yy >= 1)) ** 2,
                                    (p25 - float(yy >= 25)) ** 2])
    act = np.array(act)
    assert n == len(act) and abs(share - act.mean()) < 1e-15
    for name, vals in rows.items():
        vals = np.array(vals)
        got = det[name] if name in det else conf[name]["exact"]
        for i, k in enumerate(("crps", "mse", "msle", "brier_1", "brier_25")):
            for subset, mask in (("pooled", slice(None)), ("active", act)):
                want = vals[mask, i].mean()
                assert abs(got[subset][k] - want) <= 1e-12 * max(1.0, abs(want)), (name, subset, k, got[subset][k], want)
    for w in (12, 36):
        assert conf[w]["crps_properscoring_max_abs_diff"] <= 1e-12
    # The expectation of the m-draw estimator, against simulation (orewatch's sampling scheme:
    # m draws with replacement from the atoms), for one unit-month with spread-out atoms.
    a = np.array([0.0] * 8 + [3.0, 10.0, 40.0, 1.0])
    yy, sims = 5.0, 50_000
    c = rng.multinomial(m, np.full(len(a), 1 / len(a)), size=sims) / m  # draw shares per atom
    absdiff = np.abs(a[:, None] - a[None, :])
    sim = np.stack([c @ np.abs(a - yy) - np.einsum("si,ij,sj->s", c, absdiff, c) / 2,
                    (c @ a - yy) ** 2, (c @ (a >= 25).astype(float)) ** 2], axis=1)
    gini = absdiff.mean()
    p25 = (a >= 25).mean()
    expect = np.array([np.abs(a - yy).mean() - (1 - 1 / m) * gini / 2, (a.mean() - yy) ** 2 + a.var() / m,
                       p25 ** 2 + p25 * (1 - p25) / m])
    se = sim.std(axis=0) / np.sqrt(sims)
    assert np.all(np.abs(sim.mean(axis=0) - expect) <= 4 * se), (sim.mean(axis=0), expect, se)
    return "self-test passed"


def run(data, countries, first, last, horizon, draws, crosscheck=False):
    t0 = time.perf_counter()
    gids, y, info = build_panel(data, countries)
    t1 = time.perf_counter()
    origins = np.arange(first, last + 1)
    if first < 35 or last + horizon >= N_MONTHS:
        raise InputError("origins need 36 months of history before them and their horizon "
                         "inside 1989-01..2019-12")
    det, unit_months, active_share = deterministic(y, origins, horizon)
    t2 = time.perf_counter()
    conf = {f"conflictology{w}": conflictology(y, origins, horizon, w, draws, crosscheck)
            for w in (12, 36)}
    t3 = time.perf_counter()
    return {
        "panel": info, "units": len(gids), "origins": len(origins), "horizon": horizon,
        "unit_months": unit_months, "active_share": active_share,
        "deterministic": det, "conflictology": conf,
        "seconds": {"panel": t1 - t0, "deterministic": t2 - t1, "conflictology": t3 - t2},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data")
    ap.add_argument("--countries", default="MLI,BFA,NER")
    ap.add_argument("--from", dest="first", default="2014-01")
    ap.add_argument("--to", dest="last", default="2018-12")
    ap.add_argument("--horizon", type=int, default=12)
    ap.add_argument("--draws", type=int, default=1000, help="orewatch's draws (for the expectation)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out")
    ap.add_argument("--self-test", action="store_true", help="check the scoring against loops and exit")
    a = ap.parse_args()
    if a.self_test:
        print(self_test())
        return
    if not a.data:
        ap.error("--data is required")
    try:
        countries = [c.strip().upper() for c in a.countries.split(",") if c.strip()]
        first, last = month_index(a.first), month_index(a.last)
        if not 1 <= a.horizon <= 36:
            raise InputError(f"--horizon {a.horizon}: expected 1..36")
        results = [run(a.data, countries, first, last, a.horizon, a.draws) for _ in range(max(1, a.runs))]
        # One more, untimed: the same scores with the CRPS also from properscoring.
        checked = run(a.data, countries, first, last, a.horizon, a.draws, crosscheck=True)
    except (InputError, OSError, KeyError) as e:
        print(f"peer_numpy: {e}", file=sys.stderr)
        sys.exit(2)
    res = checked
    for w in (12, 36):
        name = f"conflictology{w}"
        if checked["conflictology"][name]["exact"] != results[-1]["conflictology"][name]["exact"]:
            print(f"peer_numpy: {name} differs between runs", file=sys.stderr)
            sys.exit(1)
    secs = [r["seconds"] for r in results]
    res["seconds"] = {
        "runs": len(results),
        "panel_min": min(s["panel"] for s in secs),
        "deterministic_part_min": min(s["panel"] + s["deterministic"] for s in secs),
        "total_min": min(s["panel"] + s["deterministic"] + s["conflictology"] for s in secs),
        "all": secs,
    }
    res["countries"] = countries
    res["versions"] = {p: version(p) for p in ("numpy", "shapely", "properscoring")}
    res["versions"]["python"] = sys.version.split()[0]
    text = json.dumps(res, indent=1)
    if a.out:
        Path(a.out).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
