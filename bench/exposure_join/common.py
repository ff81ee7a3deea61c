"""Shared by the exposure_join peers: loading, the conservative prefilter radius, the exact
haversine filter, the aggregation, the timing loop and the output format.

Definitions (bench/README.md): d = 2 R asin(sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))),
R = 6371.0088 km, a pair is in when d ≤ radius. The expression below is the one of
orewatch_core::geodesy::haversine_km, operation for operation, in float64.

A peer supplies `join(ctx) -> (event_idx, site_idx)`: candidate pairs from its own index that
must include every true pair (the prefilter is conservative); `finish` applies the exact filter
and aggregates. Everything from the candidate join to the per-site counts is timed.

`--warmup N` runs the timed section N more times first and leaves those runs out of the
statistics (bench.py gives every tool the same warm-up).

Output (stdout, one JSON object): tool, threads, runs, warmup, median_s/min_s/max_s, pairs, fatalities,
candidates, and per-site counts written to --per-site-out as little-endian uint32 (one per site
row), for bench.py's same-answer check.
"""

import argparse
import json
import math
import statistics
import sys
import time

import numpy as np
import pyarrow.parquet as pq

EARTH_RADIUS_KM = 6371.0088
DEG = math.pi / 180.0


def args(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--events", required=True)
    ap.add_argument("--sites", required=True)
    ap.add_argument("--radius-km", type=float, default=25.0)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=0, help="runs before the timed ones, excluded from the statistics")
    ap.add_argument("--warmup-seconds", type=float, default=0.0,
                    help="and keep warming up until this much time has passed (excluded too)")
    ap.add_argument("--per-site-out", required=True)
    return ap.parse_args()


def load(a):
    """(events dict of numpy arrays row/lon/lat/best, sites dict row/lon/lat); rows must be 0..n-1."""
    ev = {c: pq.read_table(a.events, columns=[c]).column(c).to_numpy() for c in ("row", "lon", "lat", "best")}
    st = {c: pq.read_table(a.sites, columns=[c]).column(c).to_numpy() for c in ("row", "lon", "lat")}
    for name, t in (("events", ev), ("sites", st)):
        if not np.array_equal(t["row"], np.arange(len(t["row"]))):
            sys.exit(f"FAIL: {name}: row column is not 0..n-1")
    return ev, st


def cap_half_widths_deg(site_lat, radius_km):
    """(dlat, dlon) per site in degrees: the bounding box of the spherical cap of the radius.

    dlat = δ = radius/R (rad); dlon = asin(sin δ / cos φ), or 180° when |φ| + δ reaches a pole
    (the cap then holds every longitude). Both are widened by a relative 1e-9 plus 1e-12° so
    rounding never drops a pair on the boundary. Raises if a cap crosses the antimeridian
    (these inputs have none; handling it would need a split box)."""
    delta = radius_km / EARTH_RADIUS_KM
    phi = np.radians(site_lat)
    polar = np.abs(phi) + delta >= math.pi / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        hw = np.where(polar, math.pi, np.arcsin(np.minimum(1.0, math.sin(delta) / np.cos(phi))))
    pad = lambda x: x * (1 + 1e-9) + 1e-12  # noqa: E731
    return pad(math.degrees(delta)), pad(np.degrees(hw))


def check_no_antimeridian(site_lon, dlon):
    if ((np.abs(site_lon) + dlon > 180.0) & (dlon < 180.0)).any():
        sys.exit("FAIL: a site's cap crosses the antimeridian; the peers' boxes do not handle that")


def haversine_km(lon1, lat1, lon2, lat2):
    p1, p2 = lat1 * DEG, lat2 * DEG
    dp = p2 - p1
    dl = (lon2 - lon1) * DEG
    a = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.sqrt(a), 1.0))


def finish(ev, st, ei, si, radius_km):
    """Exact filter on candidate pairs, then (pairs, fatalities, per-site counts uint32)."""
    ei = np.asarray(ei, dtype=np.int64)
    si = np.asarray(si, dtype=np.int64)
    d = haversine_km(ev["lon"][ei], ev["lat"][ei], st["lon"][si], st["lat"][si])
    keep = d <= radius_km
    ek, sk = ei[keep], si[keep]
    per_site = np.bincount(sk, minlength=len(st["row"])).astype(np.uint32)
    return int(keep.sum()), int(ev["best"][ek].sum()), per_site, len(ei)


def run(tool, a, ev, st, join, threads):
    """Times join + finish `a.runs` times after a warm-up left out of the statistics: at least
    `a.warmup` runs and at least `a.warmup_seconds` (the same warm-up every tool gets,
    orewatch's join_bench included); prints the JSON line ("warmup": the warm-up runs done);
    checks that all runs, warm-up included, agree."""
    times, answer = [], None
    warm_runs, warm_start = 0, time.perf_counter()
    warming = a.warmup > 0 or a.warmup_seconds > 0
    while len(times) < a.runs:
        t0 = time.perf_counter()
        ei, si = join()
        pairs, fat, per_site, cand = finish(ev, st, ei, si, a.radius_km)
        t1 = time.perf_counter()
        if warming:
            warm_runs += 1
            warming = warm_runs < a.warmup or t1 - warm_start < a.warmup_seconds
        else:
            times.append(t1 - t0)
        del ei, si
        key = (pairs, fat, per_site.tobytes())
        if answer is not None and key != answer[0]:
            sys.exit(f"FAIL: {tool}: runs disagree")
        answer = (key, per_site, cand)
    (pairs, fat, _), per_site, cand = answer
    per_site.astype("<u4").tofile(a.per_site_out)
    print(json.dumps({
        "tool": tool, "threads": threads, "runs": a.runs, "warmup": warm_runs,
        "median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
        "pairs": pairs, "fatalities": fat, "candidates": cand,
        "sites_with_events": int((per_site > 0).sum()),
    }))
