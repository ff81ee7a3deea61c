"""actors_network peer: networkx on the yearly actor graphs written by orewatch's network_bench.

Usage: python peer_networkx.py --graphs DIR --out FILE.json [--runs 10] [--seed 42]

Reads DIR/nodes.csv (year, nodes) and DIR/edges.csv (year, u, v, events) — the same graphs
orewatch measured — and builds one networkx Graph per year with nodes 0..n-1, edge attributes
weight = events and length = 1/events (not timed). Timed, --runs times (median reported):
- all_years: for every year, degree, weighted degree (weight), betweenness_centrality
  (weight=length, normalized), pagerank (alpha 0.85, weight, tol 1e-12, max_iter 10000) and
  louvain_communities (weight, resolution 1, seed);
- largest_betweenness: betweenness_centrality of the largest yearly graph (most nodes, earliest
  year on ties — as orewatch picks it).
Writes the values of the last run and the timings as JSON.
"""

import argparse
import csv
import json
import statistics
import time
from collections import defaultdict

import networkx as nx


def load(graphs_dir):
    sizes = {}
    with open(f"{graphs_dir}/nodes.csv", newline="") as f:
        for row in csv.DictReader(f):
            sizes[int(row["year"])] = int(row["nodes"])
    edges = defaultdict(list)
    with open(f"{graphs_dir}/edges.csv", newline="") as f:
        for row in csv.DictReader(f):
            edges[int(row["year"])].append((int(row["u"]), int(row["v"]), float(row["events"])))
    graphs = {}
    for year, n in sorted(sizes.items()):
        g = nx.Graph()
        g.add_nodes_from(range(n))
        for u, v, w in edges[year]:
            g.add_edge(u, v, weight=w, length=1.0 / w)
        graphs[year] = g
    return graphs


def metrics(g, seed):
    return {
        "degree": dict(g.degree()),
        "weighted_degree": dict(g.degree(weight="weight")),
        "betweenness": nx.betweenness_centrality(g, weight="length", normalized=True),
        "pagerank": nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-12, max_iter=10000)
        if len(g)
        else {},
        "communities": [sorted(c) for c in nx.community.louvain_communities(g, weight="weight", resolution=1, seed=seed)]
        if g.number_of_edges()
        else [[u] for u in g],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graphs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    graphs = load(a.graphs)
    all_times, results = [], None
    for _ in range(a.runs):
        t0 = time.perf_counter()
        results = {year: metrics(g, a.seed) for year, g in graphs.items()}
        all_times.append(time.perf_counter() - t0)
    largest_year = max(graphs, key=lambda y: (len(graphs[y]), -y))
    largest = graphs[largest_year]
    bc_times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        nx.betweenness_centrality(largest, weight="length", normalized=True)
        bc_times.append(time.perf_counter() - t0)
    out = {
        "networkx": nx.__version__,
        "runs": a.runs,
        "all_years_s": statistics.median(all_times),
        "all_years_min_s": min(all_times),
        "all_years_max_s": max(all_times),
        "largest_year": largest_year,
        "largest_nodes": len(largest),
        "largest_betweenness_s": statistics.median(bc_times),
        "largest_betweenness_min_s": min(bc_times),
        "largest_betweenness_max_s": max(bc_times),
        "values": {
            str(year): {k: ({str(n): x for n, x in v.items()} if isinstance(v, dict) else v) for k, v in r.items()}
            for year, r in results.items()
        },
    }
    with open(a.out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
