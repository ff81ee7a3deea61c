"""ingest_scale: orewatch `ingest` against DuckDB-spatial's COPY on generated inputs of ~2.5M rows.

Usage (normally through bench/run.sh ingest_scale):
    python bench.py --orewatch PATH --data DIR [--fixtures DIR] [--runs 3] [--warmup 1]
                    [--inputs ged,acled] [--acled-rows 2500000] [--ged-copies 15] [--no-record]

What it does, in order, for each input (made at run time by gen_inputs.py into --out, never
committed; see that file for how the rows are made):
1. Equivalence across thread counts: orewatch ingests the input with `--threads 1` (the
   single-threaded path, one pass on the main thread), `--threads 2`, `--threads 4` and the
   default; each store's events table is read back and the SHA-256 of its sorted
   (event_id, repr(lon), repr(lat)) and its quarantine rows (file, line, reason) must be equal
   across all four, else the script fails.
2. The timed runs: `--warmup` then `--runs` runs per side, alternating, each a whole process
   (wall time around spawn..wait4, peak RSS from `wait4` `ru_maxrss`); the output removed before
   each run. orewatch: `orewatch --store DIR --quiet ingest --replace FILE` (default threads).
   Peer: `peer_duckdb.py` (DuckDB 1.4.4 + spatial, `COPY (SELECT *, ST_Point(longitude,
   latitude) AS geometry FROM read_csv(FILE)) TO OUT (FORMAT parquet)`), a whole Python process.
3. Same answer: both outputs read back (geometry from the WKB); the same id set and the same
   SHA-256 of the rows (id, repr(lon), repr(lat)) sorted by id (integer ids for GED, text ids
   for ACLED) — bit-exact coordinates. Any difference exits with status 1 and records nothing.
4. Prints medians (min–max), the ratios (time peer/orewatch, memory orewatch/peer) against the
   issue-25 targets (≥ 2× faster, no more memory), and appends a row to bench/RESULTS.md's
   "## ingest_scale" section with the date, commit and the 1-minute load average at start/end.

The wall-time/RSS harness (spawn, the ru_maxrss floor) is ingest_ged/bench.py's.
"""

import argparse
import datetime
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH_DIR = HERE.parent
sys.path.insert(0, str(BENCH_DIR / "ingest_ged"))
import bench as ged_bench  # noqa: E402  (ingest_ged's harness: spawn, Side, machine, loadavg)

TARGET_SPEEDUP = 2.0  # orewatch whole process >= 2x faster than DuckDB-spatial's COPY
TARGET_MEMORY = 1.0  # orewatch peak RSS <= DuckDB's


def read_points(path, id_column, numeric):
    """(ids, lon, lat) of a GeoParquet file, lon/lat from the WKB `geometry` column."""
    import numpy as np
    import pyarrow.parquet as pq
    import shapely

    table = pq.read_table(path, columns=[id_column, "geometry"])
    ids = table.column(id_column).to_pylist()
    if numeric:
        ids = np.array([int(v) for v in ids], dtype=np.int64)
    else:
        ids = np.array([str(v) for v in ids], dtype=object)
    geom = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
    if shapely.is_missing(geom).any():
        sys.exit(f"FAIL: {path}: null geometries")
    return ids, shapely.get_x(geom), shapely.get_y(geom)


def checksum(ids, lon, lat):
    """SHA-256 of lines "id,repr(lon),repr(lat)" sorted by id (stable), and the row count."""
    import numpy as np

    order = np.argsort(ids, kind="stable")
    h = hashlib.sha256()
    for i, x, y in zip(ids[order].tolist(), lon[order].tolist(), lat[order].tolist()):
        h.update(f"{i},{x!r},{y!r}\n".encode())
    if len(set(ids.tolist())) != len(ids):
        sys.exit("FAIL: duplicate ids in an output")
    return h.hexdigest(), len(ids)


def quarantine_lines(store):
    """The store's quarantine as sorted (file name, line, reason) rows, if it has a table."""
    import pyarrow.parquet as pq

    path = store / "current" / "quarantine.parquet"
    if not path.exists():
        return []
    t = pq.read_table(path).to_pydict()
    return sorted([Path(f).name, line, reason] for f, line, reason in zip(t["file"], t["line"], t["reason"]))


def measured_in_child(python, kind, *args):
    """Runs this script with `--child KIND ARGS` and returns what it prints (one JSON value).
    The outputs are read back in a child so that this process stays small: a child's
    ru_maxrss is never below the RSS of the process that spawned it (see ingest_ged/bench.py)."""
    out = subprocess.run([python, __file__, "--child", kind, *map(str, args)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        sys.exit(f"FAIL: reading back {args[0]} failed")
    return json.loads(out.stdout)


def child(kind, args):
    """The child side of measured_in_child."""
    if kind == "checksum":
        path, column, numeric = args
        print(json.dumps(list(checksum(*read_points(Path(path), column, numeric == "int")))))
    elif kind == "quarantine":
        print(json.dumps(quarantine_lines(Path(args[0]))))


def run_checked(argv, logs, name):
    wall, rss, code = ged_bench.spawn(argv, logs / f"{name}.stdout", logs / f"{name}.stderr")
    if code != 0:
        sys.stderr.write((logs / f"{name}.stderr").read_text(errors="replace"))
        sys.exit(f"FAIL: {name} exited with status {code}: {' '.join(map(str, argv))}")
    return wall, rss


def thread_equivalence(orewatch, python, src, out, logs, numeric):
    """Step 1 of the module doc; returns the common checksum."""
    seen = {}
    for threads in ["1", "2", "4", None]:
        store = out / f"store_threads_{threads or 'default'}"
        shutil.rmtree(store, ignore_errors=True)
        argv = [orewatch, "--store", str(store), "--quiet", "ingest", "--replace", str(src)]
        if threads:
            argv += ["--threads", threads]
        wall, rss = run_checked(argv, logs, f"orewatch_threads_{threads or 'default'}")
        sums = tuple(measured_in_child(python, "checksum", store / "current" / "events.parquet", "event_id",
                                       "int" if numeric else "str"))
        q = measured_in_child(python, "quarantine", store)
        label = f"--threads {threads}" if threads else "default threads"
        print(f"  {label:<16} {wall:7.2f} s {rss / 1024:7.1f} MB  rows {sums[1]:,}  sha256 {sums[0][:16]}…  quarantined {len(q)}")
        seen[label] = (sums, q)
        shutil.rmtree(store)
    first = next(iter(seen.values()))
    if any(v != first for v in seen.values()):
        sys.exit("FAIL: the stored events or quarantine differ across thread counts")
    return first[0]


RESULTS_HEADER = """## ingest_scale

Inputs generated at run time by `ingest_scale/gen_inputs.py` (never committed): the global GED
file repeated 15 times with new ids (2,513,145 rows, 327 MB) and an ACLED-like file of 2,500,000
rows made from the four invented fixture rows. orewatch: `orewatch --store DIR --quiet ingest
--replace FILE` (default threads = cores). Peer: DuckDB 1.4.4 + spatial, `COPY (SELECT *,
ST_Point(longitude, latitude) AS geometry FROM read_csv(FILE)) TO OUT (FORMAT parquet)` in a
whole Python process. Medians of N runs after a warm-up, alternating sides; wall time and peak RSS
(`wait4` `ru_maxrss`). Same answer: SHA-256 of sorted (id, repr(lon), repr(lat)) equal on both
sides, and equal across orewatch `--threads 1/2/4/default` (with the quarantine rows). Targets:
time ratio (peer/orewatch) ≥ 2, memory ratio (orewatch/peer) ≤ 1. "load" is the 1-minute load
average at start and end (the machine is shared; other work slows both sides).

| date (UTC) | input | machine | orewatch | runs | orewatch wall s | orewatch peak MB | peer wall s | peer COPY s | peer peak MB | time ratio peer/ore | mem ratio ore/peer | targets |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
"""


def record(results_path, row):
    text = results_path.read_text()
    lines = text.splitlines()
    if "## ingest_scale" not in lines:
        results_path.write_text(text.rstrip("\n") + "\n\n" + RESULTS_HEADER + row + "\n")
        return
    start = lines.index("## ingest_scale")
    end = start + 1
    while end < len(lines) and not lines[end].startswith("## "):
        end += 1
    last = max(i for i in range(start, end) if lines[i].startswith("|"))
    lines.insert(last + 1, row)
    results_path.write_text("\n".join(lines) + "\n")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orewatch", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--fixtures", help="fixtures directory (default: DATA/../fixtures)")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--inputs", default="ged,acled")
    ap.add_argument("--ged-copies", type=int, default=15)
    ap.add_argument("--acled-rows", type=int, default=2_500_000)
    ap.add_argument("--out", default=str(BENCH_DIR / "out" / "ingest_scale"))
    ap.add_argument("--results", default=str(BENCH_DIR / "RESULTS.md"))
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args()

    out = Path(args.out)
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    gen = [args.python, str(HERE / "gen_inputs.py"), "--data", args.data, "--out", str(out),
           "--ged-copies", str(args.ged_copies), "--acled-rows", str(args.acled_rows)]
    if args.fixtures:
        gen += ["--fixtures", args.fixtures]
    subprocess.run(gen, check=True)
    inputs = {
        "ged": (out / f"ged_x{args.ged_copies}.csv", "id", True),
        "acled": (out / f"acled_like_{args.acled_rows}.csv", "event_id_cnty", False),
    }
    _, floor_kb, _ = ged_bench.spawn(["/bin/true"], logs / "true.stdout", logs / "true.stderr")
    med = statistics.median
    for name in args.inputs.split(","):
        src, peer_id, numeric = inputs[name]
        print(f"\n== {name}: {src} ({src.stat().st_size / 1e6:.1f} MB)")
        print("equivalence across thread counts (orewatch, one run each):")
        ore_sum = thread_equivalence(args.orewatch, args.python, src, out, logs, numeric)

        store, peer_out = out / "store", out / "peer.parquet"
        sides = [
            ged_bench.Side("orewatch", [args.orewatch, "--store", str(store), "--quiet", "ingest", "--replace", str(src)],
                           store / "current" / "events.parquet", store),
            ged_bench.Side("peer", [args.python, str(HERE / "peer_duckdb.py"), str(src), str(peer_out)],
                           peer_out, peer_out, lambda t: float(t.split()[0].split("=")[1])),
        ]
        load_start = ged_bench.loadavg()
        print(f"timed runs: {args.warmup} warm-up + {args.runs} per side, alternating; load {load_start:.2f}; spawn RSS floor {floor_kb / 1024:.1f} MB")
        for i in range(args.warmup + args.runs):
            for side in sides:
                side.run_once(logs, record=i >= args.warmup)
            print(".", end="", flush=True)
        load_end = ged_bench.loadavg()
        print(f" load {load_end:.2f}")
        _, floor_after, _ = ged_bench.spawn(["/bin/true"], logs / "true.stdout", logs / "true.stderr")
        if floor_after > 1.2 * floor_kb:
            print(f"WARNING: the spawn RSS floor grew to {floor_after / 1024:.1f} MB; peak RSS figures are upper bounds")
        kind = "int" if numeric else "str"
        ore_check = tuple(measured_in_child(args.python, "checksum", sides[0].output, "event_id", kind))
        peer_check = tuple(measured_in_child(args.python, "checksum", sides[1].output, peer_id, kind))
        if not (ore_check == peer_check == ore_sum):
            sys.exit(f"FAIL: not the same answer: orewatch {ore_check}, threads check {ore_sum}, DuckDB {peer_check}")
        print(f"same answer: {ore_check[1]:,} rows, sha256(sorted id,repr(lon),repr(lat)) = {ore_check[0][:16]}… on both sides")
        ore, peer = sides
        for s in sides:
            extra = f"  COPY {med(s.inproc):.3f} s" if s.inproc else ""
            print(f"  {s.name:<9} wall {med(s.walls):.3f} s ({min(s.walls):.3f}–{max(s.walls):.3f})  "
                  f"peak {med(s.rss) / 1024:.1f} MB ({min(s.rss) / 1024:.1f}–{max(s.rss) / 1024:.1f}){extra}")
        speed = med(peer.walls) / med(ore.walls)
        memr = med(ore.rss) / med(peer.rss)
        speed_ok, mem_ok = speed >= TARGET_SPEEDUP, memr <= TARGET_MEMORY
        print(f"time ratio peer/orewatch {speed:.2f}× (target ≥ {TARGET_SPEEDUP:.0f}×: {'MET' if speed_ok else 'MISSED'}); "
              f"memory ratio orewatch/peer {memr:.2f} (target ≤ {TARGET_MEMORY:.0f}: {'MET' if mem_ok else 'MISSED'})")
        if args.no_record:
            continue
        rev = subprocess.run(["git", "-C", str(BENCH_DIR.parent), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
        row = (f"| {today} | {name}: {ore_check[1]:,} rows, {src.stat().st_size / 1e6:.0f} MB | {ged_bench.machine()}; "
               f"load {load_start:.2f}→{load_end:.2f} | {rev} | {args.runs} (+{args.warmup}) | {med(ore.walls):.3f} "
               f"| {med(ore.rss) / 1024:.0f} | {med(peer.walls):.3f} | {med(peer.inproc):.3f} | {med(peer.rss) / 1024:.0f} "
               f"| {speed:.2f}× | {memr:.2f} | time {'met' if speed_ok else 'MISSED'}, memory {'met' if mem_ok else 'MISSED'} |")
        record(Path(args.results), row)
        print(f"recorded in {args.results}")


if __name__ == "__main__":
    main()
