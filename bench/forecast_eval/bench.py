"""forecast_eval: `orewatch evaluate` against an independent NumPy peer (peer_numpy.py).

Usage (normally through bench/run.sh):
    python bench.py --orewatch PATH --data DIR --python PY [--runs 3] [--full-runs 1]
                    [--panels sahel,west_africa] [--store DIR] [--no-record]

For each panel (Sahel = MLI,BFA,NER; West Africa = the 15 ECOWAS members of 2019 + MRT),
origins 2014-01..2018-12, horizons 1..12, PRIO-GRID cell-months:

1. orewatch, full model set (zero, last, mean12, conflictology12, conflictology36, hurdle),
   1,000 draws, 1,000 bootstrap replicates: the whole `orewatch --store S evaluate ... --out
   e.json` process under `/usr/bin/time -v` (wall seconds from spawn to reap, peak RSS from
   time's "Maximum resident set size"), --full-runs times (minimum wall reported); the
   in-process seconds are read from its stderr line.
2. orewatch, baselines only (`--models zero,last,mean12`), --runs times, minimum wall.
3. the peer: one process, --runs in-process repetitions of panel build + scoring, minimum;
   its deterministic part (panel + zero/last/mean12) is set against step 2.

Same answer (every check is printed; a failure is recorded as such, then exit 1):
- units and unit-month counts equal, active share equal to 1e-12;
- zero, last, mean12: pooled and active CRPS, MSE, MSLE, Brier>=1, Brier>=25 equal to 1e-9
  relative, in the full run and in the baseline-only run;
- conflictology12/36: the same 10 numbers within 2% relative of the peer's expectation of a
  1,000-draw estimator (closed form, see peer_numpy.py); the distance to the exact (infinite-
  draw) value is printed too.

Records (unless --no-record) under `## forecast_eval` in bench/RESULTS.md: one row per panel in
the section's summary table, and below it the model x metric table and the differences with
90% intervals from e.json, numbers as orewatch wrote them (the JSON text, unrounded).
Target (issue 5): the full Sahel evaluation (whole command) < 60 s.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH_DIR = HERE.parent
REPO = BENCH_DIR.parent
PANELS = {
    "sahel": ("Sahel", "MLI,BFA,NER"),
    "west_africa": ("West Africa", "BEN,BFA,CPV,CIV,GMB,GHA,GIN,GNB,LBR,MLI,NER,NGA,SEN,SLE,TGO,MRT"),
}
FULL_MODELS = "zero,last,mean12,conflictology12,conflictology36,hurdle"
BASE_MODELS = "zero,last,mean12"
FROM, TO, HORIZON, DRAWS = "2014-01", "2018-12", 12, 1000
SCORES = ("crps", "mse", "msle", "brier_1", "brier_25")
REL_EXACT = 1e-9
REL_MC = 0.02
TARGET_SECONDS = 60.0


def loadavg():
    return Path("/proc/loadavg").read_text().split()[0]


def machine(load_before, load_after):
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                  if l.startswith("MemTotal"))
    return (f"{os.cpu_count()} CPU, {cpu}, {mem_kb / 1024 / 1024:.1f} GiB, Linux {platform.release()}; "
            f"load {load_before}→{load_after}")


def run_timed(argv, time_out):
    """Runs argv under /usr/bin/time -v; (wall s, peak MB, stdout, stderr)."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", "-o", str(time_out)] + argv,
                       capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(argv)}\n{p.stderr}")
    kb = next(int(l.split(":")[1]) for l in time_out.read_text().splitlines()
              if "Maximum resident set size" in l)
    return wall, kb / 1024, p.stdout, p.stderr


def inprocess_seconds(stderr):
    for line in stderr.splitlines():
        if line.startswith("evaluate:") and " in " in line:
            return float(line.rsplit(" in ", 1)[1].split()[0])
    return float("nan")


def rel_diff(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


def compare(evaluation, peer, label, checks, models):
    """Appends (ok, text) for each score of `models` against the peer."""
    scores = {s["model"]: s for s in evaluation["scores"]}
    for model in models:
        if model not in scores or (model not in peer["deterministic"] and model not in peer["conflictology"]):
            continue
        det = model in peer["deterministic"]
        for subset in ("pooled", "active"):
            for k in SCORES:
                ore = scores[model][subset][k]
                if det:
                    ref = peer["deterministic"][model][subset][k]
                    d = rel_diff(ore, ref)
                    ok = d <= REL_EXACT
                    text = (f"{label:13} {model:16} {subset:6} {k:8} ore {ore!r:>22} peer {ref!r:>22} "
                            f"rel {d:.1e} (≤ {REL_EXACT:g})")
                else:
                    c = peer["conflictology"][model]
                    ref = c["expected_at_draws"][subset][k]
                    exact = c["exact"][subset][k]
                    d = rel_diff(ore, ref)
                    ok = d <= REL_MC
                    text = (f"{label:13} {model:16} {subset:6} {k:8} ore {ore!r:>22} peer E[m=1000] "
                            f"{ref!r:>22} rel {d:.1e} (≤ {REL_MC:g}); exact {exact!r} rel "
                            f"{rel_diff(ore, exact):.1e}")
                checks.append((ok, text))


def fmt(v):
    """A JSON number as orewatch wrote it (kept as text by the loader); null as –."""
    return "–" if v is None else str(v)


def detail_tables(title, doc_text):
    """Markdown: model × metric table and the differences, from e.json's text values."""
    e = json.loads(doc_text, parse_float=str, parse_int=str)["evaluation"]
    out = [f"#### {title}\n",
           "| model | pooled CRPS | pooled Brier≥1 | pooled Brier≥25 | AP | pooled cov50 | pooled cov90 "
           "| active CRPS | active Brier≥1 | active Brier≥25 | active cov50 | active cov90 |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in e["scores"]:
        p, a = s["pooled"], s["active"]
        name = s["model"] + (" (b)" if s["baseline"] else "")
        out.append(f"| {name} | {fmt(p['crps'])} | {fmt(p['brier_1'])} | {fmt(p['brier_25'])} | "
                   f"{fmt(p['average_precision'])} | {fmt(p['coverage50'])} | {fmt(p['coverage90'])} | "
                   f"{fmt(a['crps'])} | {fmt(a['brier_1'])} | {fmt(a['brier_25'])} | "
                   f"{fmt(a['coverage50'])} | {fmt(a['coverage90'])} |")
    out += ["", "| model | score | subset | best baseline | model | baseline | difference | 90% interval |",
            "|---|---|---|---|---|---|---|---|"]
    for d in e["differences"]:
        out.append(f"| {d['model']} | {d['score']} | {d['subset']} | {d['best_baseline']} | "
                   f"{fmt(d['model_value'])} | {fmt(d['baseline_value'])} | {fmt(d['difference'])} | "
                   f"[{fmt(d['lower90'])}, {fmt(d['upper90'])}] |")
    return "\n".join(out) + "\n"


SECTION_HEADER = """
## forecast_eval

`orewatch evaluate` (PRIO-GRID cell-months, origins 2014-01..2018-12, horizons 1..12) against an
independent NumPy peer (`forecast_eval/peer_numpy.py`: panel from the GeoJSON and GED CSV with
shapely, baselines scored vectorised). Panels: Sahel = MLI,BFA,NER; West Africa = ECOWAS 2019 +
MRT. orewatch full = whole command, all six models, 1,000 draws, 1,000 bootstrap replicates
(in-process seconds in brackets), peak RSS from `/usr/bin/time -v`; baseline-only = whole
`--models zero,last,mean12` command vs the peer's panel build + zero/last/mean12 scoring in-process
(imports excluded), minimum of N runs; peer full adds the exact conflictology12/36 scoring. Same
answer: baselines' pooled and active CRPS/MSE/MSLE/Brier≥1/Brier≥25 equal to 1e-9 relative,
unit-month counts equal; conflictology within 2% relative of the expected 1,000-draw estimator.
Target (issue 5): full Sahel evaluation < 60 s. Below the table: orewatch's own scores and
differences for each run, numbers as written in its e.json.

| date (UTC) | panel | machine | versions | units | unit-months | active share | orewatch full s (in-process) | orewatch full MB | baseline-only orewatch s | peer deterministic s | peer/orewatch | peer full s | same answer | target |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
"""


def record(rows, details):
    results = BENCH_DIR / "RESULTS.md"
    text = results.read_text()
    if "\n## forecast_eval\n" not in text:
        text = text.rstrip("\n") + "\n" + SECTION_HEADER
    start = text.index("\n## forecast_eval\n") + 1
    nxt = text.find("\n## ", start)
    end = len(text) if nxt < 0 else nxt + 1
    section = text[start:end].rstrip("\n") + "\n"
    # The summary table is the first table of the section: its rows end before the first
    # blank line after its header.
    lines = section.split("\n")
    head = next(i for i, l in enumerate(lines) if l.startswith("| date (UTC)"))
    last_row = head + 1
    while last_row + 1 < len(lines) and lines[last_row + 1].startswith("|"):
        last_row += 1
    lines[last_row + 1:last_row + 1] = rows
    section = "\n".join(lines).rstrip("\n") + "\n\n" + details.rstrip("\n") + "\n"
    text = text[:start] + section + ("\n" + text[end:] if end < len(text) else "")
    results.write_text(text)
    print(f"recorded in {results}")


def versions(orewatch, peer):
    v = subprocess.run([orewatch, "--version"], capture_output=True, text=True).stdout.strip()
    binary = Path(orewatch).resolve()
    mtime = datetime.datetime.fromtimestamp(binary.stat().st_mtime, datetime.timezone.utc)
    repo = binary.parent
    while repo != repo.parent and not (repo / ".git").exists():
        repo = repo.parent
    rev = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip() or "?"
    pv = peer["versions"]
    return (f"{v} (binary {binary}, built {mtime:%Y-%m-%d %H:%M}, repo HEAD {rev}); numpy {pv['numpy']}, "
            f"shapely {pv['shapely']}, properscoring {pv['properscoring']}, python {pv['python']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orewatch", default=os.environ.get("OREWATCH_BIN", str(REPO / "target/release/orewatch")))
    ap.add_argument("--data", default=os.environ.get("OREWATCH_DATA", str(REPO.parent / "shared/data")))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--store", help="store directory (default bench/out/forecast_eval/store)")
    ap.add_argument("--runs", type=int, default=3, help="baseline-only orewatch runs and peer repetitions")
    ap.add_argument("--full-runs", type=int, default=1, help="runs of the full orewatch evaluation")
    ap.add_argument("--panels", default="sahel,west_africa")
    ap.add_argument("--no-record", action="store_true")
    a = ap.parse_args()
    out = BENCH_DIR / "out" / "forecast_eval"
    out.mkdir(parents=True, exist_ok=True)
    store = Path(a.store) if a.store else out / "store"
    panels = [p.strip() for p in a.panels.split(",") if p.strip()]
    for p in panels:
        if p not in PANELS:
            sys.exit(f"--panels: unknown panel {p!r}; known: {', '.join(PANELS)}")
    if not Path(a.orewatch).is_file():
        sys.exit(f"no orewatch binary at {a.orewatch} (set --orewatch or OREWATCH_BIN)")
    helptext = subprocess.run([a.orewatch, "evaluate", "--help"], capture_output=True, text=True)
    if helptext.returncode != 0:
        sys.exit(f"{a.orewatch} has no `evaluate` subcommand: build a newer orewatch")

    st = subprocess.run([a.python, str(HERE / "peer_numpy.py"), "--self-test"], capture_output=True, text=True)
    if st.returncode != 0:
        sys.exit(f"the peer's self-test failed:\n{st.stdout}{st.stderr}")
    print(f"peer: {st.stdout.strip()}")

    load_before = loadavg()
    print(f"load average before: {load_before} (nproc {os.cpu_count()})")
    print(f"== ingest {a.data} into {store} (not timed)")
    subprocess.run([a.orewatch, "--store", str(store), "--quiet", "ingest", "--replace", a.data], check=True)

    checks, summaries = [], []
    for key in panels:
        name, countries = PANELS[key]
        common = ["--store", str(store), "evaluate", "--countries", countries, "--from", FROM,
                  "--to", TO, "--horizon", str(HORIZON), "--draws", str(DRAWS)]
        e_json = out / f"{key}_full.json"
        print(f"== {name}: orewatch full evaluation ({FULL_MODELS}), {a.full_runs} run(s)")
        full = []
        for _ in range(a.full_runs):
            wall, mb, stdout, stderr = run_timed([a.orewatch] + common + ["--models", FULL_MODELS, "--out", str(e_json)],
                                                 out / f"{key}_full.time")
            full.append((wall, mb, inprocess_seconds(stderr)))
            print(f"   {wall:.2f} s wall ({full[-1][2]:.2f} s in-process), peak {mb:.1f} MB")
        (out / f"{key}_full.txt").write_text(stdout)
        print(stdout)
        b_json = out / f"{key}_baselines.json"
        print(f"== {name}: orewatch baselines only ({BASE_MODELS}), {a.runs} run(s)")
        base = []
        for _ in range(a.runs):
            wall, mb, _, stderr = run_timed([a.orewatch] + common + ["--models", BASE_MODELS, "--out", str(b_json)],
                                            out / f"{key}_baselines.time")
            base.append((wall, mb, inprocess_seconds(stderr)))
            print(f"   {wall:.2f} s wall ({base[-1][2]:.2f} s in-process), peak {mb:.1f} MB")
        print(f"== {name}: NumPy peer, {a.runs} in-process run(s)")
        p_json = out / f"{key}_peer.json"
        subprocess.run([a.python, str(HERE / "peer_numpy.py"), "--data", a.data, "--countries", countries,
                        "--from", FROM, "--to", TO, "--horizon", str(HORIZON), "--draws", str(DRAWS),
                        "--runs", str(a.runs), "--out", str(p_json)], check=True)
        peer = json.loads(p_json.read_text())
        ps = peer["seconds"]
        print(f"   panel {ps['panel_min']:.3f} s, panel + zero/last/mean12 {ps['deterministic_part_min']:.3f} s, "
              f"all {ps['total_min']:.3f} s (min of {ps['runs']})")

        e_text = e_json.read_text()
        ev = json.loads(e_text)["evaluation"]
        bv = json.loads(b_json.read_text())["evaluation"]
        for label, doc in (("full", ev), ("baseline-only", bv)):
            for what, ore, ref in (("units", doc["units"], peer["units"]),
                                   ("unit-months", doc["unit_months"], peer["unit_months"])):
                checks.append((ore == ref, f"{name} {label:13} {what}: orewatch {ore:,}, peer {ref:,}"))
            d = rel_diff(doc["active_share"], peer["active_share"])
            checks.append((d <= 1e-12, f"{name} {label:13} active share: orewatch {doc['active_share']!r}, "
                                       f"peer {peer['active_share']!r}"))
        n0 = len(checks)
        compare(ev, peer, f"{key} full", checks, FULL_MODELS.split(","))
        compare(bv, peer, f"{key} base", checks, BASE_MODELS.split(","))
        cross = {m: peer["conflictology"][m]["crps_properscoring_max_abs_diff"] for m in peer["conflictology"]}
        checks.append((all(v <= 1e-9 for v in cross.values()),
                       f"{name} peer CRPS closed form vs properscoring (h = 1), max abs diff: {cross}"))
        panel_checks = checks[n0:]
        summaries.append({
            "key": key, "name": name, "ev": ev, "e_text": e_text, "peer": peer,
            "full": min(full), "base": min(base),
            "n_det": sum(1 for _, t in panel_checks if "peer E[" not in t and " rel " in t),
            "n_mc": sum(1 for _, t in panel_checks if "peer E[" in t),
            "bad": [t for ok, t in checks if not ok and (name in t or key in t)],
        })
    load_after = loadavg()

    print("\n== same answer")
    for ok, text in checks:
        print(("   ok  " if ok else "   DIFF ") + text)
    all_ok = all(ok for ok, _ in checks)

    rows, details = [], []
    now = datetime.datetime.now(datetime.timezone.utc)
    mach = machine(load_before, load_after)
    for s in summaries:
        ev, peer = s["ev"], s["peer"]
        full_wall, full_mb, full_in = s["full"]
        base_wall = s["base"][0]
        peer_det = peer["seconds"]["deterministic_part_min"]
        ratio = peer_det / base_wall
        verdict = (f"same: {s['n_det']} baseline figures ≤ 1e-9 rel, counts equal; {s['n_mc']} "
                   f"conflictology figures within 2%" if not s["bad"]
                   else f"DIFFERS in {len(s['bad'])} check(s): " + "; ".join(t.split(' ore ')[0].strip() for t in s["bad"][:6]))
        target = "–"
        if s["key"] == "sahel":
            target = f"full Sahel < 60 s {'met' if full_wall < TARGET_SECONDS else 'MISSED'}"
        print(f"\n{s['name']}: {ev['units']:,} units, {ev['unit_months']:,} unit-months, active "
              f"{100 * ev['active_share']:.3f}%; orewatch full {full_wall:.2f} s ({full_in:.2f} s in-process), "
              f"{full_mb:.1f} MB; baseline-only orewatch {base_wall:.3f} s vs peer {peer_det:.3f} s "
              f"(peer/orewatch {ratio:.2f}×); peer full {peer['seconds']['total_min']:.3f} s; {target}")
        title = f"{now:%Y-%m-%d %H:%M} {s['name']}"
        rows.append(
            f"| {now:%Y-%m-%d %H:%M} | {s['name']} | {mach} | {versions(Path(a.orewatch), peer)} | {ev['units']:,} | "
            f"{ev['unit_months']:,} | {100 * ev['active_share']:.3f}% | {full_wall:.2f} ({full_in:.2f}) | "
            f"{full_mb:.1f} | {base_wall:.3f} | {peer_det:.3f} | {ratio:.2f}× | {peer['seconds']['total_min']:.3f} | "
            f"{verdict} | {target} |")
        details.append(detail_tables(title, s["e_text"]))
    print(f"\nload average {load_before} → {load_after} (nproc {os.cpu_count()})")
    if float(load_before) > 1.5:
        print("warning: the machine was busy; times are pessimistic", file=sys.stderr)
    if not a.no_record:
        record(rows, "\n".join(details))
    if not all_ok:
        print("orewatch and the peer DISAGREE (see DIFF lines above)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
