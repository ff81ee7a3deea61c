"""scenario_mc: `orewatch scenario run` against a NumPy implementation of the same model.

Usage (normally through bench/run.sh):
    python bench.py --orewatch PATH --python PY [--draws 1000000] [--runs 5] [--no-record]

Model: bench/scenario_mc/model.toml (19 variables: 15 inputs of every distribution family, two
of them truncated, 4 expressions; 7 outputs; 5 rank correlations). Both sides draw 1,000,000
times (different random numbers: orewatch Xoshiro256++ streams per variable and chunk of 65,536 draws,
NumPy PCG64).

Timing: orewatch = the whole `orewatch --quiet scenario run model.toml --draws N --out F`
process (parse, sample, Iman–Conover, evaluate, summaries, sensitivity on 100,000 draws, JSON);
its in-process simulation time (sample + correlate + evaluate + summaries) is read from the
non-quiet stderr line of one extra run. NumPy = in-process time of sampling + Iman–Conover +
evaluation + summaries (numpy_ref.py; process start and imports excluded, which favours NumPy).
Medians over --runs.

Bundled scenarios: each scenarios/*.toml is also timed as a whole process at the same draws
(`orewatch --store STORE --quiet scenario run F --draws N --out F.json`, medians over --runs),
against a store ingested once (not timed) from --data into bench/out/scenario_mc/store. They
have data links, so loading the store and resolving the links count in their time. Peer:
numpy_ref.py on the same TOML after each orewatch run, its data links drawn with NumPy from
the distributions orewatch resolved (`--links F.json`: the store is orewatch's, the sampling
NumPy's), timed in-process; same-answer check as for the bench model, per scenario.

Same answer: for each output, the mean and the 5/50/95 percentiles must agree within 5
combined Monte Carlo standard errors: mean SE = sd/sqrt(N) per side; percentile SE =
sqrt(q(1-q)/N) / f(x_q) per side with 1/f estimated from NumPy's percentile spacing
(Q(q+0.5%) - Q(q-0.5%)) / 1%; plus 1e-9 absolute. Any disagreement exits 1 and records nothing.
"""

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH_DIR = HERE.parent
MODEL = HERE / "model.toml"
TARGET_SECONDS = 1.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orewatch", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--data", help="the shared data directory (ingested for the bundled scenarios)")
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--no-record", action="store_true")
    ap.add_argument("--no-bundled", action="store_true", help="skip timing scenarios/*.toml")
    a = ap.parse_args()
    out_dir = BENCH_DIR / "out" / "scenario_mc"
    out_dir.mkdir(parents=True, exist_ok=True)
    ore_json = out_dir / "orewatch.json"
    np_json = out_dir / "numpy.json"
    load_before = os.getloadavg()[0]

    ore_argv = [a.orewatch, "--store", str(out_dir / "no-store"), "--quiet", "scenario", "run", str(MODEL),
                "--draws", str(a.draws), "--seed", str(a.seed), "--out", str(ore_json)]
    np_argv = [a.python, str(HERE / "numpy_ref.py"), str(MODEL), "--draws", str(a.draws),
               "--seed", str(a.seed), "--out", str(np_json)]
    ore_walls, np_secs = [], []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        subprocess.run(ore_argv, check=True, stdout=subprocess.DEVNULL)
        ore_walls.append(time.perf_counter() - t0)
        subprocess.run(np_argv, check=True, stderr=subprocess.DEVNULL)
        np_secs.append(json.loads(np_json.read_text())["seconds"])
    verbose = subprocess.run([x for x in ore_argv if x != "--quiet"], check=True, capture_output=True, text=True)
    sim_line = next((l for l in verbose.stderr.splitlines() if l.startswith("simulated")), "")
    ore_inproc = float(sim_line.split(" in ")[1].split(" s")[0]) if sim_line else float("nan")
    bundled = [] if a.no_bundled else time_bundled(a, out_dir)
    load_after = os.getloadavg()[0]

    n = a.draws
    bad, checked = same_answer(ore_json, np_json, n, "bench model")
    for name, _, _, ore_file, np_file in bundled:
        more_bad, _ = same_answer(ore_file, np_file, n, name)
        bad += more_bad
    if bad:
        print(f"MISMATCH in {bad}: nothing recorded", file=sys.stderr)
        sys.exit(1)

    ore_med, np_med = statistics.median(ore_walls), statistics.median(np_secs)
    ratio = np_med / ore_med
    met = "met" if ore_med < TARGET_SECONDS else "MISSED"
    print(f"\norewatch whole command: median {ore_med:.3f} s (min {min(ore_walls):.3f}, max {max(ore_walls):.3f}); "
          f"in-process simulation {ore_inproc:.3f} s")
    print(f"NumPy in-process:       median {np_med:.3f} s (min {min(np_secs):.3f}, max {max(np_secs):.3f})")
    print(f"NumPy/orewatch: {ratio:.1f}x; target orewatch < {TARGET_SECONDS} s at {n:,} draws: {met}")
    for name, walls, np_walls, _, _ in bundled:
        print(f"bundled {name}: median {statistics.median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f}); "
              f"NumPy {statistics.median(np_walls):.3f} s")
    print(f"load average {load_before:.2f} -> {load_after:.2f}")
    if load_before > 1.5:
        print("warning: the machine was busy; times are pessimistic", file=sys.stderr)
    if a.no_record:
        return
    version = subprocess.run([a.orewatch, "--version"], capture_output=True, text=True).stdout.strip()
    rev = subprocess.run(["git", "-C", str(BENCH_DIR), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(BENCH_DIR), "status", "--porcelain"], capture_output=True, text=True).stdout.strip()
    np_version = subprocess.run([a.python, "-c", "import numpy; print(numpy.__version__)"], capture_output=True, text=True).stdout.strip()
    machine = f"{os.cpu_count()} CPU, {platform.machine()}, Linux {platform.release()}; load {load_before:.2f}->{load_after:.2f}"
    now = datetime.datetime.now(datetime.timezone.utc)
    row = (f"| {now:%Y-%m-%d %H:%M} | {machine} | {version} ({rev}{'+dirty' if dirty else ''}), "
           f"numpy {np_version} | {a.runs} | {n:,} | {ore_med:.3f} | {ore_inproc:.3f} | {np_med:.3f} | {ratio:.1f}x | "
           f"{checked} outputs x 4 stats agree (5 SE) | < 1 s {met} |\n")
    results = BENCH_DIR / "RESULTS.md"
    text = results.read_text()
    header = ("\n## scenario_mc\n\n`orewatch scenario run bench/scenario_mc/model.toml --draws 1000000` (whole command, "
              "sensitivity included) against NumPy in-process (numpy_ref.py: sampling, Iman–Conover, evaluation, "
              "summaries); same model, outputs' mean and 5/50/95 percentiles checked within 5 Monte Carlo SE.\n\n"
              "| date (UTC) | machine | versions | runs | draws | orewatch s | orewatch in-process s | NumPy s | NumPy/ore | same answer | target |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|\n")
    if "## scenario_mc" not in text:
        text = text.rstrip("\n") + "\n" + header
    text = append_to_table(text, "## scenario_mc", row)
    if bundled:
        sub = "### scenario_mc: bundled scenarios against NumPy"
        if sub not in text:
            older = "### scenario_mc: bundled scenarios"
            table_end = table_end_index(text, older if older in text else "## scenario_mc")
            block = ("\n" + sub + "\n\nEach `scenarios/*.toml` as a whole `orewatch --quiet scenario run F --draws N --out F.json` "
                     "process against a store ingested beforehand (not timed) from the shared data; store loading and "
                     "data-link resolution count. Peer: numpy_ref.py on the same TOML, its data links drawn from the "
                     "distributions orewatch resolved (read from F.json), timed in-process. Medians of N runs; same "
                     "answer as for the bench model (every output's mean and 5/50/95 percentiles within 5 Monte Carlo "
                     "SE). Target: < 1 s at 1,000,000 draws.\n\n"
                     "| date (UTC) | machine | versions | runs | draws | scenario | orewatch s (min–max) | NumPy s | "
                     "NumPy/ore | same answer | target |\n"
                     "|---|---|---|---|---|---|---|---|---|---|---|\n")
            text = text[:table_end] + block + text[table_end:]
        for name, walls, np_walls, ore_file, _ in bundled:
            med, np_med_b = statistics.median(walls), statistics.median(np_walls)
            outputs = len(json.loads(Path(ore_file).read_text())["outputs"])
            brow = (f"| {now:%Y-%m-%d %H:%M} | {machine} | {version} ({rev}{'+dirty' if dirty else ''}), numpy {np_version} | "
                    f"{a.runs} | {n:,} | {name} | {med:.3f} ({min(walls):.3f}–{max(walls):.3f}) | {np_med_b:.3f} | "
                    f"{np_med_b / med:.1f}x | {outputs} outputs x 4 stats agree (5 SE) | "
                    f"< 1 s {'met' if med < TARGET_SECONDS else 'MISSED'} |\n")
            text = append_to_table(text, sub, brow)
    results.write_text(text)
    print(f"recorded in {results}")


def same_answer(ore_file, np_file, n, label):
    """Prints orewatch against NumPy for every output of one run; returns the (output, stat)
    pairs that differ by more than 5 Monte Carlo SE, and the number of outputs checked."""
    ore = {o["result"]["name"]: o["result"]["summary"] for o in json.loads(Path(ore_file).read_text())["outputs"]}
    ref = json.loads(Path(np_file).read_text())["outputs"]
    bad = []
    print(f"\n{label}\n{'output':34} {'stat':6} {'orewatch':>14} {'numpy':>14} {'|diff|':>10} {'tol':>10}")
    for name, r in sorted(ref.items()):
        o = ore[name]
        checks = [("mean", r["sd"] * math.sqrt(2 / n))]
        for q, key in ((5, "p5"), (50, "median"), (95, "p95")):
            p = q / 100
            checks.append((key, math.sqrt(2 * p * (1 - p) / n) * r["inverse_density"][str(q)]))
        for key, se in checks:
            tol = 5 * se + 1e-9
            diff = abs(o[key] - r[key])
            flag = "" if diff <= tol else "  <-- DIFFERS"
            print(f"{name:34} {key:6} {o[key]:14.5f} {r[key]:14.5f} {diff:10.5f} {tol:10.5f}{flag}")
            if diff > tol:
                bad.append((label, name, key))
    return bad, len(ref)


def time_bundled(a, out_dir):
    """Whole-process wall time of every scenarios/*.toml at --draws, on a store ingested once,
    and NumPy's in-process time on the same model (its data links drawn from the distributions
    orewatch resolved). Returns (name, orewatch walls, NumPy seconds, orewatch JSON, NumPy JSON)."""
    store = out_dir / "store"
    if not (store / "current").exists():
        if not a.data:
            sys.exit("--data is needed to ingest the store for the bundled scenarios (or pass --no-bundled)")
        subprocess.run([a.orewatch, "--store", str(store), "--quiet", "ingest", a.data], check=True,
                       stdout=subprocess.DEVNULL)
    timed = []
    for f in sorted((BENCH_DIR.parent / "scenarios").glob("*.toml")):
        argv = [a.orewatch, "--store", str(store), "--quiet", "scenario", "run", str(f), "--draws", str(a.draws),
                "--seed", str(a.seed), "--out", str(out_dir / f"bundled_{f.stem}.json")]
        ore_file, np_file = out_dir / f"bundled_{f.stem}.json", out_dir / f"bundled_{f.stem}_numpy.json"
        np_argv = [a.python, str(HERE / "numpy_ref.py"), str(f), "--draws", str(a.draws), "--seed", str(a.seed),
                   "--links", str(ore_file), "--out", str(np_file)]
        walls, np_secs = [], []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - t0)
            subprocess.run(np_argv, check=True, stderr=subprocess.DEVNULL)
            np_secs.append(json.loads(np_file.read_text())["seconds"])
        timed.append((f.stem, walls, np_secs, ore_file, np_file))
    return timed


def table_end_index(text, heading):
    """Index just after the last row of the first table under `heading`."""
    start = text.index(heading)
    lines = text[start:].split("\n")
    offset, seen_table = start, False
    for line in lines:
        if line.startswith("|"):
            seen_table = True
        elif seen_table:
            return offset
        offset += len(line) + 1
    return len(text)


def append_to_table(text, heading, row):
    """`text` with `row` (ending in a newline) after the last row of the table under `heading`."""
    end = table_end_index(text, heading)
    if end >= len(text):
        return text.rstrip("\n") + "\n" + row
    return text[:end] + row + text[end:]


if __name__ == "__main__":
    main()
