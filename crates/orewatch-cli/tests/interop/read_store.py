"""Reads an orewatch store with other tools and prints what they see, as JSON.

GeoPandas reads each GeoParquet table (it checks the `geo` metadata); DuckDB's spatial
extension reads the WKB geometry. Used by tests/interop.rs.
"""
import json
import sys

import geopandas
import pyarrow.parquet as pq

store = sys.argv[1]
out = {}
for table in ["events", "sites", "regions"]:
    path = f"{store}/current/{table}.parquet"
    geo = json.loads(pq.read_metadata(path).metadata[b"geo"])
    frame = geopandas.read_parquet(path)
    located = frame[~frame.geometry.is_empty & frame.geometry.notna()]
    out[table] = {
        "rows": int(len(frame)),
        "crs": frame.crs.to_string() if frame.crs is not None else None,
        "geometry_types": sorted(set(located.geometry.geom_type)),
        "geo_version": geo["version"],
        "null_geometries": int(frame.geometry.isna().sum()),
    }
    if table in ("events", "sites"):
        out[table]["sum_x"] = float(located.geometry.x.sum())
        out[table]["sum_y"] = float(located.geometry.y.sum())

try:
    import duckdb

    import os
    import sysconfig

    # duckdb-ext-spatial (PyPI) ships the extension file: load it from there, offline.
    ext = os.path.join(
        sysconfig.get_paths()["purelib"],
        "duckdb_ext", "extensions", f"v{duckdb.__version__}", "linux_amd64", "spatial.duckdb_extension",
    )
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{ext}'" if os.path.exists(ext) else "LOAD spatial")
    # With spatial loaded, DuckDB reads the GeoParquet `geo` metadata and types the WKB column
    # as GEOMETRY itself.
    events = f"read_parquet('{store}/current/events.parquet')"
    column_type = con.execute(
        f"SELECT column_type FROM (DESCRIBE SELECT geometry FROM {events})"
    ).fetchone()[0]
    row = con.execute(f"SELECT count(*), sum(ST_X(geometry)), sum(ST_Y(geometry)) FROM {events}").fetchone()
    out["duckdb_events"] = {
        "rows": int(row[0]),
        "sum_x": float(row[1]),
        "sum_y": float(row[2]),
        "geometry_type": column_type,
    }
except Exception as e:  # reported, and the Rust test decides whether that is acceptable
    out["duckdb_error"] = f"{type(e).__name__}: {e}"

print(json.dumps(out))
