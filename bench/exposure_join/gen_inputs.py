"""Generate the exposure_join inputs once, as Parquet files every tool reads.

Usage:  python gen_inputs.py --data DIR --out DIR [--force]

Writes into --out (bench/out/exposure_join by default when run from bench.py):
  real/events.parquet  row int64, lon f64, lat f64, best int64 — UCDP GED global 1989–2019
                       (conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv: longitude,
                       latitude, best_death), in file order; row = 0-based line index.
  real/sites.parquet   row int64, lon f64, lat f64 — the Point features of
                       mines/usgs_africa_mineral_{facilities,deposits,exploration}.geojson, in that
                       order and in file order, duplicates included (coordinates from the
                       geometry, not the Latitude/Longitude properties).
  scale/events.parquet 5,000,000 synthetic events, scale/sites.parquet 50,000 synthetic sites:
                       uniform ON THE SPHERE in lon −18..52, lat −35..37 (lon uniform; lat =
                       asin(uniform(sin −35°, sin 37°))), numpy default_rng(SEED) — events first,
                       then sites, from one generator; best = geometric(p=0.5) − 1 (0,1,2,…:
                       P(0)=½, mean 1).
Checked here: 167,543 event rows and 4,691 site rows for the real case (any other count exits 1),
no missing coordinates. Files are only rewritten with --force (or when missing).
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

SEED = 20260128
N_EVENTS, N_SITES = 5_000_000, 50_000
LON_RANGE, LAT_RANGE = (-18.0, 52.0), (-35.0, 37.0)
GED = "conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv"
USGS = [f"mines/usgs_africa_mineral_{k}.geojson" for k in ("facilities", "deposits", "exploration")]
REAL_EVENTS, REAL_SITES = 167_543, 4_691


def write(path, cols):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(pa.table(cols), tmp, compression="snappy")
    tmp.replace(path)


def real(data, out):
    t = pacsv.read_csv(
        data / GED,
        convert_options=pacsv.ConvertOptions(
            include_columns=["longitude", "latitude", "best_death"],
            column_types={"longitude": pa.float64(), "latitude": pa.float64(), "best_death": pa.int64()},
        ),
    )
    lon, lat, best = (t.column(c).to_numpy() for c in ("longitude", "latitude", "best_death"))
    if len(lon) != REAL_EVENTS or t.column("longitude").null_count or t.column("latitude").null_count:
        sys.exit(f"FAIL: {GED}: {len(lon)} rows (expected {REAL_EVENTS}) or missing coordinates")
    if t.column("best_death").null_count or (best < 0).any():
        sys.exit(f"FAIL: {GED}: missing or negative best_death")
    write(out / "real" / "events.parquet",
          {"row": np.arange(len(lon), dtype=np.int64), "lon": lon, "lat": lat, "best": best})

    slon, slat = [], []
    for rel in USGS:
        for f in json.loads((data / rel).read_text())["features"]:
            g = f.get("geometry") or {}
            if g.get("type") == "Point":
                slon.append(float(g["coordinates"][0]))
                slat.append(float(g["coordinates"][1]))
    if len(slon) != REAL_SITES:
        sys.exit(f"FAIL: USGS layers hold {len(slon)} Point features, expected {REAL_SITES}")
    write(out / "real" / "sites.parquet",
          {"row": np.arange(len(slon), dtype=np.int64), "lon": np.array(slon), "lat": np.array(slat)})


def sphere_uniform(rng, n):
    lon = rng.uniform(*LON_RANGE, n)
    s0, s1 = np.sin(np.radians(LAT_RANGE[0])), np.sin(np.radians(LAT_RANGE[1]))
    lat = np.degrees(np.arcsin(rng.uniform(s0, s1, n)))
    return lon, lat


def scale(out):
    rng = np.random.default_rng(SEED)
    lon, lat = sphere_uniform(rng, N_EVENTS)
    best = rng.geometric(0.5, N_EVENTS).astype(np.int64) - 1
    write(out / "scale" / "events.parquet",
          {"row": np.arange(N_EVENTS, dtype=np.int64), "lon": lon, "lat": lat, "best": best})
    slon, slat = sphere_uniform(rng, N_SITES)
    write(out / "scale" / "sites.parquet",
          {"row": np.arange(N_SITES, dtype=np.int64), "lon": slon, "lat": slat})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    data, out = Path(a.data), Path(a.out)
    for name, fn in (("real", lambda: real(data, out)), ("scale", lambda: scale(out))):
        if a.force or not all((out / name / f).is_file() for f in ("events.parquet", "sites.parquet")):
            print(f"generating {out / name}", flush=True)
            fn()


if __name__ == "__main__":
    main()
