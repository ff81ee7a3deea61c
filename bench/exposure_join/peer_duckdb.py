"""exposure_join peer: DuckDB spatial (duckdb 1.4.4 + the duckdb-ext-spatial wheel's extension,
loaded offline with allow_unsigned_extensions) — a SPATIAL_JOIN of the event points with each
site's cap bounding box (ST_Intersects), then the exact haversine filter in numpy (common.finish).

Loaded outside the timing: the Parquet columns into DuckDB tables, the events' point geometry
built (ST_Point). Timed per run: the query that builds each site's box
ST_MakeEnvelope(lon ∓ dlon, lat ∓ dlat) with dlat = δ, dlon = asin(sin δ / cos φ) (180° when the
cap reaches a pole), both padded by a relative 1e-9, and joins it with the points (DuckDB plans a
SPATIAL_JOIN; a per-row ST_DWithin distance would fall back to a nested-loop join); fetching
the candidate pairs to numpy, the haversine filter, the sums and the per-site counts.
Threads: DuckDB's `threads` setting (default = the number of CPUs), printed.
"""

import math
import os
import sysconfig

import pyarrow as pa

import common


def main():
    a = common.args(__doc__.split("\n")[0])
    ev, st = common.load(a)
    import duckdb

    ext = os.path.join(sysconfig.get_paths()["purelib"], "duckdb_ext", "extensions",
                       f"v{duckdb.__version__}", "linux_amd64", "spatial.duckdb_extension")
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{ext}'" if os.path.exists(ext) else "LOAD spatial")
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    ev_raw = pa.table({"row": ev["row"], "lon": ev["lon"], "lat": ev["lat"]})
    st_raw = pa.table({"row": st["row"], "lon": st["lon"], "lat": st["lat"]})
    con.register("ev_raw", ev_raw)
    con.register("st_raw", st_raw)
    con.execute("CREATE TABLE ev AS SELECT row, ST_Point(lon, lat) AS g FROM ev_raw")
    con.execute("CREATE TABLE st AS SELECT row, lon, lat FROM st_raw")
    _, dlon = common.cap_half_widths_deg(st["lat"], a.radius_km)
    common.check_no_antimeridian(st["lon"], dlon)

    delta = a.radius_km / common.EARTH_RADIUS_KM
    pad = lambda x: f"(({x}) * (1 + 1e-9) + 1e-12)"  # noqa: E731
    dlat = pad(f"degrees({delta!r})")
    dlon = pad(f"degrees(CASE WHEN abs(radians(lat)) + {delta!r} >= {math.pi / 2!r} THEN pi() "
               f"ELSE asin(least(1.0, {math.sin(delta)!r} / cos(radians(lat)))) END)")
    sql = (f"WITH b AS (SELECT row, ST_MakeEnvelope(lon - {dlon}, lat - {dlat}, lon + {dlon}, lat + {dlat}) AS box "
           f"FROM st) SELECT e.row AS e, b.row AS s FROM ev e JOIN b ON ST_Intersects(e.g, b.box)")
    plan = con.execute("EXPLAIN " + sql).fetchall()[0][1]
    if "SPATIAL_JOIN" not in plan:
        print("note: DuckDB did not plan a SPATIAL_JOIN:\n" + plan, file=__import__("sys").stderr)

    def join():
        t = con.execute(sql).fetchnumpy()
        return t["e"], t["s"]

    common.run("duckdb", a, ev, st, join, threads=threads)


if __name__ == "__main__":
    main()
