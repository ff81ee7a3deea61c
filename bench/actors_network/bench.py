"""actors_network: orewatch's actor-network metrics against networkx, same yearly graphs.

Usage (normally through bench/run.sh):
    python bench.py --orewatch PATH --data DIR [--python PY] [--runs 10] [--seed 42] [--no-record]

1. Runs orewatch's `network_bench` example (target/release/examples/network_bench, built by
   run.sh): it reads conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv with the GED reader,
   resolves sides with the UCDP actor list 22.1 and the shipped alias table, builds every yearly
   actor–actor graph, times all years' metrics and the betweenness of the largest yearly graph,
   and writes the graphs' edge lists and its values into bench/out/actors_network/.
2. Runs peer_networkx.py on the SAME edge lists (networkx: betweenness weight = 1/events,
   pagerank tol 1e-12 on events, louvain_communities seeded).
3. Checks, per year and node: degree, weighted degree and betweenness equal to 1e-9 (absolute),
   PageRank equal to 1e-9; Louvain: orewatch's partition's modularity (networkx `modularity`)
   ≥ networkx's partition's − 0.01, every year. Any failure prints what differs and exits 1
   without recording.
4. Prints the medians, the ratios networkx/orewatch and the targets (≥ 20× on both), and appends
   a row to bench/RESULTS.md.
"""

import argparse
import csv
import datetime
import json
import platform
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH_DIR = HERE.parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR / "ingest_ged"))
from bench import loadavg, machine  # noqa: E402  (ingest_ged's helpers)

TARGET = 20.0
TOL = 1e-9
MOD_SLACK = 0.01

RESULTS_HEADER = """## actors_network

Every yearly actor–actor graph (1989–2019, 31 graphs) of the UCDP GED global file, sides resolved
with the UCDP actor list 22.1 and the shipped alias table; civilians are never a node (actors with
only one-sided events are isolated nodes). orewatch: `network_bench` example, one thread,
`metrics::compute` per year (degree, weighted degree, betweenness with length 1/events, PageRank
α 0.85 tol 1e-12, Louvain seeded + modularity). Peer: networkx on the same edge lists
(`peer_networkx.py`). Medians of N in-process runs each; graph building and file reading not
timed. Checked: degree, weighted degree, betweenness, PageRank equal to 1e-9; Louvain modularity
(networkx `modularity` on both partitions) orewatch ≥ networkx − 0.01 every year. Target: both
ratios (networkx/orewatch) ≥ 20.

| date (UTC) | machine | versions | runs | largest graph | ore all-years s | nx all-years s | ratio | ore largest-BC s | nx largest-BC s | ratio | max abs diff (BC, PR) | modularity sum ore / nx | targets |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
"""


def record(results_path, row):
    text = results_path.read_text() if results_path.exists() else "# Benchmark results\n\n"
    lines = text.splitlines()
    if "## actors_network" not in lines:
        if not text.endswith("\n\n"):
            text += "\n" if text.endswith("\n") else "\n\n"
        results_path.write_text(text + RESULTS_HEADER + row + "\n")
        return
    start = lines.index("## actors_network")
    end = start + 1
    while end < len(lines) and not lines[end].startswith("## "):
        end += 1
    last = max((i for i in range(start, end) if lines[i].startswith("|")), default=None)
    if last is None:
        sys.exit(f"{results_path}: the actors_network section has no table; fix it by hand")
    lines.insert(last + 1, row)
    results_path.write_text("\n".join(lines) + "\n")


def orewatch_version():
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no",
                                "--", "crates", "Cargo.toml", "Cargo.lock"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return f"{rev}{'+dirty' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        return "?"


def read_orewatch_values(path):
    values = defaultdict(dict)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            values[int(row["year"])][int(row["node"])] = row
    return values


def compare(graphs_dir, peer):
    import networkx as nx

    sys.path.insert(0, str(HERE))
    from peer_networkx import load

    graphs = load(graphs_dir)
    ore = read_orewatch_values(graphs_dir / "metrics.csv")
    problems = []
    max_bc = max_pr = 0.0
    mod_ore = mod_nx = 0.0
    for year, g in graphs.items():
        pv = peer["values"][str(year)]
        ov = ore.get(year, {})
        if len(ov) != len(g):
            problems.append(f"{year}: orewatch has {len(ov)} node rows, the graph {len(g)} nodes")
            continue
        for u in g:
            o, k = ov[u], str(u)
            if int(o["degree"]) != pv["degree"][k]:
                problems.append(f"{year} node {u}: degree {o['degree']} vs networkx {pv['degree'][k]}")
            for name in ("weighted_degree", "betweenness", "pagerank"):
                d = abs(float(o[name]) - pv[name][k])
                if name == "betweenness":
                    max_bc = max(max_bc, d)
                if name == "pagerank":
                    max_pr = max(max_pr, d)
                if not d <= TOL:
                    problems.append(f"{year} node {u}: {name} {o[name]} vs networkx {pv[name][k]!r} (diff {d:.3g})")
        if g.number_of_edges():
            groups = defaultdict(set)
            for u in g:
                groups[int(ov[u]["community"])].add(u)
            q_ore = nx.community.modularity(g, list(groups.values()), weight="weight")
            q_nx = nx.community.modularity(g, [set(c) for c in pv["communities"]], weight="weight")
            mod_ore += q_ore
            mod_nx += q_nx
            if q_ore < q_nx - MOD_SLACK:
                problems.append(f"{year}: Louvain modularity orewatch {q_ore:.6f} < networkx {q_nx:.6f} − {MOD_SLACK}")
    return problems, max_bc, max_pr, mod_ore, mod_nx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orewatch", help="unused (the example binary is used); accepted for run.sh")
    ap.add_argument("--data", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--example", default=str(REPO / "target/release/examples/network_bench"))
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--results", default=str(BENCH_DIR / "RESULTS.md"))
    ap.add_argument("--no-record", action="store_true")
    a = ap.parse_args()
    data = Path(a.data)
    out = BENCH_DIR / "out" / "actors_network"
    out.mkdir(parents=True, exist_ok=True)
    load0 = loadavg()
    subprocess.run([a.example, "--ged", str(data / "conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv"),
                    "--actors", str(data / "conflict/ucdp_actor_v22_1.csv"), "--out", str(out),
                    "--runs", str(a.runs), "--seed", str(a.seed)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([a.python, str(HERE / "peer_networkx.py"), "--graphs", str(out), "--out", str(out / "peer.json"),
                    "--runs", str(a.runs), "--seed", str(a.seed)], check=True)
    load1 = loadavg()
    ore = json.loads((out / "timing.json").read_text())
    peer = json.loads((out / "peer.json").read_text())
    if (ore["largest_year"], ore["largest_nodes"]) != (peer["largest_year"], peer["largest_nodes"]):
        sys.exit(f"largest graph differs: orewatch {ore['largest_year']} vs networkx {peer['largest_year']}")
    problems, max_bc, max_pr, mod_ore, mod_nx = compare(out, peer)
    if problems:
        print(f"{len(problems)} differences; first 20:")
        print("\n".join(problems[:20]))
        sys.exit(1)
    r_all = peer["all_years_s"] / ore["all_years_s"]
    r_bc = peer["largest_betweenness_s"] / ore["largest_betweenness_s"]
    met = lambda r: "met" if r >= TARGET else "MISSED"  # noqa: E731
    print(f"graphs: {ore['years']} years; largest {ore['largest_year']}: {ore['largest_nodes']} nodes, {ore['largest_edges']} edges")
    print(f"same answer: degree/weighted degree/betweenness/PageRank within {TOL} (max |diff| BC {max_bc:.2g}, PR {max_pr:.2g}); "
          f"modularity summed over years orewatch {mod_ore:.4f}, networkx {mod_nx:.4f}")
    print(f"all years' metrics: orewatch {ore['all_years_s']:.4f} s (min {ore['all_years_min_s']:.4f}, max {ore['all_years_max_s']:.4f}), "
          f"networkx {peer['all_years_s']:.3f} s → {r_all:.1f}× (target {TARGET:.0f}×: {met(r_all)})")
    print(f"betweenness of the largest graph: orewatch {ore['largest_betweenness_s'] * 1e3:.3f} ms, "
          f"networkx {peer['largest_betweenness_s'] * 1e3:.1f} ms → {r_bc:.1f}× (target {TARGET:.0f}×: {met(r_bc)})")
    print(f"load average {load0:.2f} → {load1:.2f}" + ("  (busy machine: both sides slowed)" if load0 > 1.0 else ""))
    if a.no_record:
        return
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    row = (f"| {date} | {machine()}; load {load0:.2f}→{load1:.2f} | orewatch {orewatch_version()}, networkx {peer['networkx']}, "
           f"python {platform.python_version()} | {a.runs} | {ore['largest_year']}: {ore['largest_nodes']} nodes, {ore['largest_edges']} edges | "
           f"{ore['all_years_s']:.4f} | {peer['all_years_s']:.3f} | {r_all:.1f}× | {ore['largest_betweenness_s']:.5f} | "
           f"{peer['largest_betweenness_s']:.4f} | {r_bc:.1f}× | {max_bc:.1g}, {max_pr:.1g} | {mod_ore:.4f} / {mod_nx:.4f} | "
           f"all-years {met(r_all)}, betweenness {met(r_bc)} |")
    record(Path(a.results), row)
    print(f"recorded in {a.results}")


if __name__ == "__main__":
    main()
