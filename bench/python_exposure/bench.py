"""python_exposure: orewatch.exposure through Python against the same count in-process in Rust
(plus the Arrow hand-over) and against GeoPandas' sjoin route, same answer checked.

Usage:  python bench.py --data DIR [--runs 10] [--no-record]
        (the orewatch wheel, geopandas and pyarrow installed in this Python)

Inputs (bench/exposure_join/gen_inputs.py, generated if missing): the real case, 167,543 UCDP
GED events (global 1989–2019; their dates from the same CSV's year, month and day, file order) × the 4,691
USGS Africa points, radius 25 km, every event up to the latest date (window "all"). Must give
62,412 pairs, 3,182,458 deaths summed over pairs and 1,785 sites with ≥ 1 event (asserted for
both tools; the per-site event counts must be identical).

Each tool runs in its own process (this one starts them and reads their JSON), loads the inputs
as a pyarrow Table / GeoDataFrame (not timed), warms up for 2 runs, then times `--runs` runs:
  orewatch   `orewatch.exposure(events, sites, radius_km=25, window_days="all",
             output="arrow")`: the whole Python call — the Arrow C stream hand-over in, the column
             conversion, the count, the result handed back as Arrow. The extension also reports
             the time of the count alone and of the hand-over, measured inside Rust around them:
             target: Python total ≤ 1.5 × (count + hand-over).
  geopandas  the sites' cap bounding boxes (shapely.box), gpd.sjoin(points, boxes,
             predicate="intersects"), the exact haversine filter in numpy, events and deaths
             summed per site (bench/exposure_join/peer_geopandas.py's route, plus deaths).
             Target: GeoPandas / orewatch ≥ 10.
Memory: each process's peak RSS (ru_maxrss), inputs included. Appends one row to
bench/RESULTS.md (unless --no-record).
"""

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
REPO = BENCH.parent
JOIN = BENCH / "exposure_join"
sys.path.insert(0, str(JOIN))
GED = "conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv"
EXPECTED = (62_412, 3_182_458, 1_785)
RADIUS_KM = 25.0


def inputs(data: Path):
    out = BENCH / "out" / "exposure_join"
    if not (out / "real" / "events.parquet").exists():
        subprocess.run([sys.executable, str(JOIN / "gen_inputs.py"), "--data", str(data), "--out", str(out)], check=True)
    ev = pq.read_table(out / "real" / "events.parquet")
    st = pq.read_table(out / "real" / "sites.parquet")
    ymd = pacsv.read_csv(data / GED, convert_options=pacsv.ConvertOptions(include_columns=["year", "month", "day"]))
    y, m, d = (ymd.column(c).to_numpy().astype(np.int64) for c in ("year", "month", "day"))
    months = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    dates = pa.array(months.astype("datetime64[D]") + (d - 1).astype("timedelta64[D]"))
    if len(dates) != len(ev):
        sys.exit(f"FAIL: {len(dates)} dates for {len(ev)} events")
    events = pa.table({"latitude": ev["lat"], "longitude": ev["lon"], "date": dates, "deaths": ev["best"]})
    sites = pa.table({"id": st["row"], "latitude": st["lat"], "longitude": st["lon"]})
    return events, sites


def timed(fn, runs):
    for _ in range(2):
        fn()
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def tool_orewatch(events, sites, runs):
    import orewatch
    from orewatch import _orewatch

    times, t = timed(lambda: orewatch.exposure(events, sites, radius_km=RADIUS_KM, window_days="all", output="arrow"), runs)
    inner = []
    names = {"lat": "latitude", "lon": "longitude", "date": "date", "deaths": "deaths", "id": "id", "geometry": "geometry"}
    for _ in range(runs):
        _, _, timings = _orewatch.count_exposure(events, sites, names, [RADIUS_KM], None, None)
        inner.append(json.loads(timings))
    per_site = np.asarray(t.column("events").to_numpy(), dtype=np.uint32)
    deaths = int(pa.compute.sum(t.column("deaths")).as_py())
    return times, per_site, deaths, {
        "count_s": statistics.median(x["count"] for x in inner),
        "hand_over_s": statistics.median(x["hand_over_in"] + x["convert"] + x["hand_over_out"] for x in inner),
        "version": orewatch.__version__,
    }


def tool_geopandas(events, sites, runs):
    import geopandas as gpd
    import shapely
    import common

    ev = {"lat": events["latitude"].to_numpy(), "lon": events["longitude"].to_numpy(), "best": events["deaths"].to_numpy()}
    st = {"lat": sites["latitude"].to_numpy(), "lon": sites["longitude"].to_numpy()}
    points = gpd.GeoDataFrame({"e": np.arange(len(ev["lat"]))}, geometry=gpd.points_from_xy(ev["lon"], ev["lat"]))

    def run():
        dlat, dlon = common.cap_half_widths_deg(st["lat"], RADIUS_KM)
        boxes = shapely.box(st["lon"] - dlon, st["lat"] - dlat, st["lon"] + dlon, st["lat"] + dlat)
        j = gpd.sjoin(points, gpd.GeoDataFrame({"s": np.arange(len(st["lat"]))}, geometry=boxes), how="inner", predicate="intersects")
        ei, si = j["e"].to_numpy(), j["s"].to_numpy()
        d = common.haversine_km(ev["lon"][ei], ev["lat"][ei], st["lon"][si], st["lat"][si])
        keep = d <= RADIUS_KM
        per_site = np.bincount(si[keep], minlength=len(st["lat"])).astype(np.uint32)
        deaths = np.bincount(si[keep], weights=ev["best"][ei[keep]], minlength=len(st["lat"]))
        return per_site, int(deaths.sum())

    times, (per_site, deaths) = timed(run, runs)
    return times, per_site, deaths, {"version": f"geopandas {gpd.__version__}, shapely {shapely.__version__}"}


def child(a):
    events, sites = inputs(Path(a.data))
    fn = {"orewatch": tool_orewatch, "geopandas": tool_geopandas}[a.tool]
    times, per_site, deaths, extra = fn(events, sites, a.runs)
    np.save(a.per_site_out, per_site)
    print(json.dumps({
        "median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
        "pairs": int(per_site.sum()), "deaths": deaths, "sites_with_events": int((per_site > 0).sum()),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra,
    }))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("OREWATCH_DATA", str(REPO.parent / "shared" / "data")))
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--tool")
    ap.add_argument("--per-site-out")
    a = ap.parse_args()
    if a.tool:
        return child(a)
    inputs(Path(a.data))  # generate once before the children start
    load_before = os.getloadavg()[0]
    res = {}
    for tool in ("orewatch", "geopandas"):
        out = BENCH / "out" / f"python_exposure_{tool}.npy"
        done = subprocess.run([sys.executable, __file__, "--tool", tool, "--data", a.data, "--runs", str(a.runs),
                               "--per-site-out", str(out)], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"FAIL: {tool}: {done.stderr}")
        res[tool] = json.loads(done.stdout.strip().splitlines()[-1])
        res[tool]["per_site"] = np.load(out)
        answer = (res[tool]["pairs"], res[tool]["deaths"], res[tool]["sites_with_events"])
        if answer != EXPECTED:
            sys.exit(f"FAIL: {tool} gives {answer}, expected {EXPECTED}")
    if not np.array_equal(res["orewatch"]["per_site"], res["geopandas"]["per_site"]):
        sys.exit("FAIL: per-site counts differ between orewatch and GeoPandas")
    o, g = res["orewatch"], res["geopandas"]
    rust = o["count_s"] + o["hand_over_s"]
    overhead = o["median_s"] / rust
    speedup = g["median_s"] / o["median_s"]
    load_after = os.getloadavg()[0]
    print(f"orewatch.exposure (Python): {o['median_s']:.4f} s median of {a.runs}; in Rust: count {o['count_s']:.4f} s + hand-over {o['hand_over_s']:.4f} s")
    print(f"Python / (Rust count + hand-over) = {overhead:.2f} (target ≤ 1.5): {'met' if overhead <= 1.5 else 'NOT met'}")
    print(f"GeoPandas sjoin route: {g['median_s']:.4f} s; GeoPandas / orewatch = {speedup:.1f} (target ≥ 10): {'met' if speedup >= 10 else 'NOT met'}")
    print(f"peak RSS: orewatch process {o['peak_rss_mb']:.0f} MB, GeoPandas process {g['peak_rss_mb']:.0f} MB (inputs included)")
    if a.no_record:
        return
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    machine = f"{os.cpu_count()} CPU, {platform.system()} {platform.release()}; load {load_before:.2f}→{load_after:.2f}"
    row = (f"| {datetime.datetime.utcnow():%Y-%m-%d %H:%M} | {commit}{'+dirty' if dirty else ''} | {machine} | "
           f"orewatch {o['version']} ({os.environ.get('OREWATCH_WHEEL_PROFILE', 'dev')} wheel), {g['version']}, pyarrow {pa.__version__}, python {platform.python_version()} | {a.runs} | "
           f"{o['median_s']:.4f} | {o['count_s']:.4f} + {o['hand_over_s']:.4f} | {overhead:.2f} | {g['median_s']:.4f} | {speedup:.1f} | "
           f"{o['peak_rss_mb']:.0f} / {g['peak_rss_mb']:.0f} | {o['pairs']:,} / {o['deaths']:,} / {o['sites_with_events']:,} |")
    results = BENCH / "RESULTS.md"
    text = results.read_text()
    header = "## python_exposure"
    if header not in text:
        text += (f"\n{header}\n\norewatch.exposure through Python (bench/python_exposure/bench.py): 167,543 GED events × 4,691 "
                 "USGS Africa points, 25 km, window all; same answer checked (pairs / deaths / sites with events, per-site counts "
                 "identical to GeoPandas'). Seconds = in-process medians; \"Rust\" = the count and the Arrow hand-over timed "
                 "inside the extension; MB = whole-process peak RSS (orewatch / GeoPandas). Targets: Python ≤ 1.5 × Rust, "
                 "GeoPandas / orewatch ≥ 10.\n\n"
                 "| date (UTC) | commit | machine | versions | runs | Python s | Rust count + hand-over s | Python / Rust | GeoPandas s | GeoPandas / orewatch | MB | answer |\n"
                 "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
        results.write_text(text + row + "\n")
        return
    # The row goes at the end of this section's table (other sections may follow it).
    lines = text.split("\n")
    at = lines.index(header)
    while not lines[at].startswith("|"):
        at += 1
    while at < len(lines) and lines[at].startswith("|"):
        at += 1
    lines.insert(at, row)
    results.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
