#!/usr/bin/env python3
"""Builds the fuzz targets' seed corpora from the shared data and fixtures (never committed).

Usage: seeds.py DATA_DIR FIXTURES_DIR REPO_ROOT OUT_DIR [MANIFEST_JSON]

Each target gets small real inputs: CSVs cut to their header and a few rows (from the start,
the middle and the end), GeoJSON cut to a few features, TopoJSON whole, scenario files and
their expressions, the first 4 KiB of every file (with its name) for layout detection, and a
store manifest when one is given. Inputs are kept small so mutations stay fast.
"""
import json
import os
import re
import sys
from pathlib import Path

data, fixtures, root, out = (Path(a) for a in sys.argv[1:5])
manifest = Path(sys.argv[5]) if len(sys.argv) > 5 else None


def put(target, name, payload):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(payload)


def cut_csv(path, rows=12):
    """Header + `rows` lines from the start, middle and end (by raw lines: a quoted field with
    line ends may be cut, which is a fine seed too)."""
    lines = path.read_bytes().splitlines(keepends=True)
    if len(lines) <= 3 * rows + 1:
        return b"".join(lines)
    mid = len(lines) // 2
    return b"".join(lines[: rows + 1] + lines[mid : mid + rows] + lines[-rows:])


def cut_geojson(path, features=3):
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("type") == "FeatureCollection":
        doc["features"] = doc["features"][:features]
    return json.dumps(doc).encode()


def files(base, pattern):
    return sorted(p for p in base.glob(pattern) if p.is_file())


csv_targets = {
    "ged": files(data, "conflict/ucdp_ged*.csv")
    + files(data, "conflict/ged_v24_1_download/*.csv")
    + files(fixtures, "ucdp_ged*.csv"),
    "acled": files(fixtures, "acled/*.csv"),
    "production_long": files(data, "production/*.csv")
    + files(data, "production/usgs_mcs/transcribed/*.csv"),
    "usgs_mcs": files(data, "production/usgs_mcs/MCS*/*.csv"),
    "wgi": files(data, "governance/*.csv"),
    "ucdp_actors": files(data, "conflict/ucdp_actor*.csv"),
}
for target, paths in csv_targets.items():
    for p in paths:
        put(target, p.name, cut_csv(p))
        if p.stat().st_size < 8192:
            put(target, "whole_" + p.name, p.read_bytes())

for p in files(data, "mines/*.geojson"):
    put("usgs_sites", p.name, cut_geojson(p))
for p in files(data, "boundaries/*.geojson"):
    put("boundaries", p.name, cut_geojson(p, 2))
for p in files(data, "boundaries/*.topojson"):
    put("boundaries", p.name, p.read_bytes())

# The EU criticality tables: the first byte picks which of the four the rest replaces (the
# order of ingest::eu_crm::read_tables), from the evidence copy beside the data directory.
eu_dir = data.parent / "evidence" / "eu_crm_2023"
eu_files = [
    "results_2023_transcribed.csv",
    "sr_ei_2011_2023_annex4.csv",
    "global_supply_shares_appendix7.csv",
    "eu_sourcing_shares_appendix7.csv",
]
for i, name in enumerate(eu_files):
    p = eu_dir / name
    if p.exists():
        put("eu_crm", f"{i}_{name}", bytes([i]) + p.read_bytes())
        put("eu_crm", f"{i}_cut_{name}", bytes([i]) + cut_csv(p, 6))

sites = data / "mines/mine_sites_mali_and_neighbours.csv"
companies = data / "mines/company_home_country.csv"
if sites.exists() and companies.exists():
    put("tabulated_sites", "sites_and_companies", sites.read_bytes() + b"\0" + companies.read_bytes())
    put("tabulated_sites", "sites", sites.read_bytes())

for base in (data, fixtures):
    for p in sorted(base.rglob("*")):
        if p.is_file():
            with p.open("rb") as f:
                head = f.read(4096)
            put("detect", p.name, p.name.encode() + b"\0" + head)

scenarios = files(root, "scenarios/*.toml") + files(root, "bench/scenario_mc/*.toml")
for p in scenarios:
    put("scenario_toml", p.name, p.read_bytes())
    for i, m in enumerate(re.finditer(r'^expr\s*=\s*"([^"]*)"', p.read_text(), re.M)):
        put("expr", f"{p.stem}_{i}", m.group(1).encode())

if manifest and manifest.exists():
    put("manifest", "manifest.json", manifest.read_bytes())
else:
    print("seeds.py: no store manifest given; the manifest target starts from '{}'", file=sys.stderr)
    put("manifest", "empty.json", b"{}")

for target in sorted(os.listdir(out)):
    n = len(os.listdir(out / target))
    print(f"seeds {target}: {n} files")
