"""ingest_ged: orewatch `ingest` against pandas read_csv + GeoPandas to_parquet, same file.

Usage (normally through bench/run.sh):
    python bench.py --orewatch PATH --data DIR [--runs 5] [--warmup 1] [--no-record]

What it does, in order:
1. Runs each side `--warmup` times (not counted), then `--runs` times, alternating sides, each
   run a separate process started from this (deliberately small) Python process. Per run: wall
   time (perf_counter around spawn..wait4) and the peak RSS of THAT process (`os.wait4` rusage
   `ru_maxrss`, kB on Linux). The output of the previous run is deleted before each run
   (outside the timing), so orewatch always writes a fresh store and the peer a fresh file.
2. Reads BOTH outputs back (pyarrow + shapely.from_wkb on the `geometry` column) and checks
   - the same id set (ids as integers; no duplicates on either side; same row count), and
   - the same checksum of the rows (id, lon, lat) sorted by id, lon/lat taken from the WKB
     points: SHA-256 of lines "%d,%s,%s\n" % (id, repr(lon), repr(lat)). Python's repr of a
     float is the shortest text that round-trips, so equal checksums mean bit-exact equal
     coordinates. A second checksum with "%.6f" is printed for reference.
   Any difference exits with status 1 and records nothing.
3. Prints a table (medians, min-max), the ratios (time: peer/orewatch, memory: orewatch/peer)
   and whether the targets are met, and appends a dated row to bench/RESULTS.md.

A caveat on ru_maxrss: Linux keeps a process's peak RSS across fork/exec, so a child's
ru_maxrss is never below the RSS of the process that spawned it. This script therefore imports
nothing heavy until all runs are done, and measures that floor by spawning /bin/true the same
way; it is printed, and a warning is given if a measured peak is close to it.
"""

import argparse
import datetime
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

INPUT_RELATIVE = "conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv"
EXPECTED_ROWS = 167_543
TARGET_SPEEDUP = 3.0  # orewatch whole command >= 3x faster than the peer's whole process
TARGET_MEMORY = 1 / 3  # orewatch peak RSS <= a third of the peer's

HERE = Path(__file__).resolve().parent
BENCH_DIR = HERE.parent
REPO = BENCH_DIR.parent


def spawn(argv, stdout_path, stderr_path, env=None):
    """Runs argv as a child process; returns (wall_s, maxrss_kb, exit_code)."""
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, rusage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    return wall, rusage.ru_maxrss, p.returncode


def self_maxrss_kb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Side:
    def __init__(self, name, argv, output, clean, parse_stdout=None):
        self.name = name
        self.argv = argv
        self.output = output  # file checked after the runs
        self.clean = clean  # path removed before every run
        self.parse_stdout = parse_stdout
        self.walls, self.rss, self.inproc = [], [], []

    def run_once(self, logs, record):
        if self.clean.is_dir():
            shutil.rmtree(self.clean)
        elif self.clean.exists():
            self.clean.unlink()
        so, se = logs / f"{self.name}.stdout", logs / f"{self.name}.stderr"
        wall, rss, code = spawn(self.argv, so, se)
        if code != 0:
            sys.stderr.write(se.read_text(errors="replace"))
            sys.exit(f"FAIL: {self.name} exited with status {code}: {' '.join(map(str, self.argv))}")
        if record:
            self.walls.append(wall)
            self.rss.append(rss)
            if self.parse_stdout:
                self.inproc.append(self.parse_stdout(so.read_text()))


def peer_in_process(text):
    fields = dict(kv.split("=", 1) for kv in text.split())
    return float(fields["in_process_s"])


def read_back(path, id_column):
    """(ids as int64 numpy array, lon, lat from the WKB points, extra) of a GeoParquet file."""
    import numpy as np
    import pyarrow.parquet as pq
    import shapely

    table = pq.read_table(path)
    ids_raw = table.column(id_column).to_pylist()
    try:
        ids = np.array([int(v) for v in ids_raw], dtype=np.int64)
    except (TypeError, ValueError) as e:
        sys.exit(f"FAIL: {path}: column {id_column} holds a value that is not an integer id: {e}")
    geom = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
    if shapely.is_missing(geom).any():
        sys.exit(f"FAIL: {path}: null geometries")
    kinds = set(shapely.get_type_id(geom).tolist())
    if kinds != {0}:
        sys.exit(f"FAIL: {path}: geometry types other than Point (type ids {kinds})")
    lon, lat = shapely.get_x(geom), shapely.get_y(geom)
    geo_meta = (table.schema.metadata or {}).get(b"geo")
    return ids, lon, lat, table, geo_meta


def checksums(ids, lon, lat):
    import numpy as np

    order = np.argsort(ids, kind="stable")
    ids, lon, lat = ids[order], lon[order], lat[order]
    h_repr, h_6 = hashlib.sha256(), hashlib.sha256()
    for i, x, y in zip(ids.tolist(), lon.tolist(), lat.tolist()):
        h_repr.update(("%d,%r,%r\n" % (i, x, y)).encode())
        h_6.update(("%d,%.6f,%.6f\n" % (i, x, y)).encode())
    return h_repr.hexdigest(), h_6.hexdigest(), (ids, lon, lat)


def compare(peer_path, ore_path):
    """Checks both outputs hold the same answer; exits loudly if not. Returns a summary dict."""
    import numpy as np

    p_ids, p_lon, p_lat, p_table, _ = read_back(peer_path, "id")
    o_ids, o_lon, o_lat, o_table, o_geo = read_back(ore_path, "event_id")

    problems = []
    for name, ids in (("peer", p_ids), ("orewatch", o_ids)):
        if len(np.unique(ids)) != len(ids):
            problems.append(f"{name}: {len(ids) - len(np.unique(ids))} duplicate ids")
    p_set, o_set = set(p_ids.tolist()), set(o_ids.tolist())
    if p_set != o_set:
        only_p, only_o = sorted(p_set - o_set), sorted(o_set - p_set)
        problems.append(
            f"id sets differ: {len(only_p)} only in the peer (first {only_p[:10]}), "
            f"{len(only_o)} only in orewatch (first {only_o[:10]})"
        )
    if len(p_ids) != EXPECTED_ROWS or len(o_ids) != EXPECTED_ROWS:
        problems.append(f"row counts peer {len(p_ids)}, orewatch {len(o_ids)}, expected {EXPECTED_ROWS}")

    # orewatch also stores lon/lat as plain columns: they must agree with its geometry.
    if "lon" in o_table.column_names and "lat" in o_table.column_names:
        col_lon = o_table.column("lon").to_numpy()
        col_lat = o_table.column("lat").to_numpy()
        if not (np.array_equal(col_lon, o_lon) and np.array_equal(col_lat, o_lat)):
            problems.append("orewatch: lon/lat columns disagree with the WKB geometry")

    p_repr, p_6, (ps_ids, ps_lon, ps_lat) = checksums(p_ids, p_lon, p_lat)
    o_repr, o_6, (os_ids, os_lon, os_lat) = checksums(o_ids, o_lon, o_lat)
    if p_repr != o_repr:
        detail = ""
        if len(ps_ids) == len(os_ids) and np.array_equal(ps_ids, os_ids):
            bad = np.nonzero((ps_lon != os_lon) | (ps_lat != os_lat))[0]
            detail = f" ({len(bad)} rows differ; first: " + ", ".join(
                f"id {ps_ids[k]}: peer ({ps_lon[k]!r}, {ps_lat[k]!r}) vs orewatch ({os_lon[k]!r}, {os_lat[k]!r})"
                for k in bad[:5]
            ) + ")"
        problems.append(f"checksums of sorted (id, lon, lat) differ: peer {p_repr} vs orewatch {o_repr}{detail}")

    if problems:
        print("\nFAIL: the two outputs do not hold the same answer:", file=sys.stderr)
        for p in problems:
            print("  - " + p, file=sys.stderr)
        sys.exit(1)
    return {
        "rows": len(p_ids),
        "sha256_repr": p_repr,
        "sha256_6f": p_6,
        "sha256_6f_same": p_6 == o_6,
        "orewatch_geo": o_geo.decode() if o_geo else None,
    }


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    return f"{nproc} CPU, {cpu}, {mem}, {platform.system()} {platform.release()}"


def loadavg():
    """The 1-minute load average: other work on the machine skews the timings."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def versions(orewatch):
    import geopandas
    import pandas
    import pyarrow
    import shapely

    v = subprocess.run([orewatch, "--version"], capture_output=True, text=True).stdout.strip()
    v = v.removeprefix("orewatch ")  # clap prints "orewatch 0.1.0"
    try:
        rev = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", "crates", "Cargo.toml", "Cargo.lock"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        v += f" ({rev}{'+dirty' if dirty else ''})"
    except (OSError, subprocess.CalledProcessError):
        pass
    return {
        "orewatch": v,
        "pandas": pandas.__version__,
        "geopandas": geopandas.__version__,
        "pyarrow": pyarrow.__version__,
        "shapely": shapely.__version__,
        "python": platform.python_version(),
    }


RESULTS_HEADER = """## ingest_ged

UCDP GED global 1989–2019 (167,543 rows, 21.5 MB CSV) → GeoParquet. orewatch: `orewatch --store DIR
--quiet ingest --replace FILE` (fresh store each run). Peer: `peer.py` (pandas `read_csv` +
GeoPandas `to_parquet`), a whole Python process. Medians of N runs after a warm-up; wall time
and peak RSS of each process (`wait4` `ru_maxrss`). Both outputs read back: same id set and same
SHA-256 of sorted (id, repr(lon), repr(lat)), i.e. bit-exact coordinates. Targets: time ratio
(peer/orewatch) ≥ 3, memory ratio (orewatch/peer) ≤ 0.33. "load" is the 1-minute load average
at the start and end of the runs (other work on the machine slows both sides).

| date (UTC) | machine | versions | runs | orewatch wall s | orewatch peak MB | peer wall s | peer in-process s | peer peak MB | time ratio peer/ore | mem ratio ore/peer | targets |
|---|---|---|---|---|---|---|---|---|---|---|---|
"""


def record(results_path, row):
    """Inserts `row` after the last table line of the `## ingest_ged` section (creating it)."""
    text = results_path.read_text() if results_path.exists() else "# Benchmark results\n\nOne section per benchmark; one row per run of `bench/run.sh`. See bench/README.md.\n\n"
    lines = text.splitlines()
    try:
        start = lines.index("## ingest_ged")
    except ValueError:
        if not text.endswith("\n"):
            text += "\n"
        if not text.endswith("\n\n"):
            text += "\n"
        results_path.write_text(text + RESULTS_HEADER + row + "\n")
        return
    end = start + 1
    while end < len(lines) and not lines[end].startswith("## "):
        end += 1
    last_table = max((i for i in range(start, end) if lines[i].startswith("|")), default=None)
    if last_table is None:
        sys.exit(f"{results_path}: the ingest_ged section has no table; fix it by hand or remove the section")
    lines.insert(last_table + 1, row)
    results_path.write_text("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orewatch", required=True, help="path to the release orewatch binary")
    ap.add_argument("--data", required=True, help="data directory (holds conflict/ucdp_ged_…csv)")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the peer (default: this one)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--out", default=str(BENCH_DIR / "out" / "ingest_ged"), help="scratch directory")
    ap.add_argument("--results", default=str(BENCH_DIR / "RESULTS.md"))
    ap.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = ap.parse_args()

    src = Path(args.data) / INPUT_RELATIVE
    if not src.is_file():
        sys.exit(f"{src}: not found. Set OREWATCH_DATA to the shared data directory.")
    src = src.resolve()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    logs = out / "logs"
    logs.mkdir(exist_ok=True)

    store = out / "store"
    peer_out = out / "peer.parquet"
    sides = [
        Side("orewatch", [args.orewatch, "--store", str(store), "--quiet", "ingest", "--replace", str(src)], store / "current" / "events.parquet", store),
        Side("peer", [args.python, str(HERE / "peer.py"), str(src), str(peer_out)], peer_out, peer_out, peer_in_process),
    ]

    # The spawn floor (see the module doc): a child's ru_maxrss is at least our own peak RSS.
    _, floor_kb, _ = spawn(["/bin/true"], logs / "true.stdout", logs / "true.stderr")
    load_start = loadavg()
    print(f"load average (1 min) at start: {load_start:.2f} on {os.cpu_count()} CPUs")
    print(f"input: {src} ({src.stat().st_size / 1e6:.1f} MB)")
    print(f"runs: {args.warmup} warm-up + {args.runs} measured per side, alternating; spawn RSS floor {floor_kb / 1024:.1f} MB")
    for i in range(args.warmup + args.runs):
        for side in sides:
            side.run_once(logs, record=i >= args.warmup)
        print(".", end="", flush=True)
    print()
    spawn_floor_after = self_maxrss_kb()
    load_end = loadavg()
    print(f"load average (1 min) at end: {load_end:.2f}")
    if load_start > 0.5:
        print("WARNING: the machine was busy before the runs (load > 0.5); timings are slower than on an idle machine")

    summary = compare(sides[1].output, sides[0].output)
    print(f"same answer: {summary['rows']} rows, same id set, sha256(sorted id,repr(lon),repr(lat)) = {summary['sha256_repr'][:16]}… on both sides"
          f" (%.6f checksum also equal: {summary['sha256_6f_same']})")

    ore, peer = sides
    med = lambda xs: statistics.median(xs)  # noqa: E731
    mb = lambda kb: kb / 1024  # noqa: E731
    print()
    print(f"{'side':<10} {'wall s median':>14} {'(min–max)':>16} {'peak RSS MB median':>19} {'(min–max)':>16} {'in-process s':>13}")
    for s in sides:
        inproc = f"{med(s.inproc):.3f}" if s.inproc else "–"
        print(f"{s.name:<10} {med(s.walls):>14.3f} {f'({min(s.walls):.3f}–{max(s.walls):.3f})':>16} "
              f"{mb(med(s.rss)):>19.1f} {f'({mb(min(s.rss)):.1f}–{mb(max(s.rss)):.1f})':>16} {inproc:>13}")
    speed = med(peer.walls) / med(ore.walls)
    memr = med(ore.rss) / med(peer.rss)
    speed_ok, mem_ok = speed >= TARGET_SPEEDUP, memr <= TARGET_MEMORY
    print()
    print(f"time   ratio peer/orewatch = {speed:.2f}×  (target ≥ {TARGET_SPEEDUP:.0f}×): {'MET' if speed_ok else 'MISSED'}")
    print(f"memory ratio orewatch/peer = {memr:.3f}   (target ≤ {TARGET_MEMORY:.3f}): {'MET' if mem_ok else 'MISSED'}")
    for s in sides:
        if min(s.rss) < 1.2 * floor_kb:
            print(f"WARNING: {s.name} peak RSS {mb(min(s.rss)):.1f} MB is near the spawn floor {mb(floor_kb):.1f} MB; its memory figure is an upper bound")
    if spawn_floor_after > floor_kb * 1.05:
        print(f"note: this process grew to {mb(spawn_floor_after):.1f} MB during the runs (floor at start {mb(floor_kb):.1f} MB)")

    if args.no_record:
        return
    v = versions(args.orewatch)
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    vtext = ", ".join(f"{k} {val}" for k, val in v.items())
    targets = f"time {'met' if speed_ok else 'MISSED'}, memory {'met' if mem_ok else 'MISSED'}"
    row = (
        f"| {today} | {machine()}; load {load_start:.2f}→{load_end:.2f} | {vtext} | {args.runs} (+{args.warmup} warm-up) "
        f"| {med(ore.walls):.3f} | {mb(med(ore.rss)):.1f} | {med(peer.walls):.3f} | {med(peer.inproc):.3f} "
        f"| {mb(med(peer.rss)):.1f} | {speed:.2f}× | {memr:.3f} | {targets} |"
    )
    record(Path(args.results), row)
    print(f"\nrecorded in {args.results}")


if __name__ == "__main__":
    main()
