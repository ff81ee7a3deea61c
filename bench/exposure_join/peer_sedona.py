"""exposure_join peer: SedonaDB — an ST_DWithin spatial join (SpatialJoinExec) in degrees with a
conservative per-site radius, then the exact haversine filter in numpy (common.finish).

Loaded outside the timing: the Parquet columns, registered as SedonaDB in-memory tables with
their point geometry already built (ST_Point → to_memtable). Timed per run: the query
    SELECT e.row, s.row FROM ev e JOIN st s ON ST_DWithin(e.g, s.g, <radius_deg(s.lat)>)
where radius_deg is the half-diagonal of the site's cap bounding box,
sqrt(δ² + asin(sin δ / cos φ)²) in degrees (180° when the cap reaches a pole), padded by a
relative 1e-9 — a disc of that radius covers the box, so no pair is missed; collecting the
candidate pairs to Arrow/numpy, the haversine filter, the sums and the per-site counts.
Threads: DataFusion's target_partitions (default = the number of CPUs), printed.
"""

import math

import pyarrow as pa

import common


def main():
    a = common.args(__doc__.split("\n")[0])
    ev, st = common.load(a)
    import sedonadb

    con = sedonadb.connect()
    threads = int(con.sql("SELECT value FROM information_schema.df_settings "
                          "WHERE name = 'datafusion.execution.target_partitions'").to_pandas()["value"][0])
    con.create_data_frame(pa.table({"row": ev["row"], "lon": ev["lon"], "lat": ev["lat"]})).to_view("ev_raw")
    con.create_data_frame(pa.table({"row": st["row"], "lon": st["lon"], "lat": st["lat"]})).to_view("st_raw")
    con.sql("SELECT row, ST_Point(lon, lat) AS g FROM ev_raw").to_memtable().to_view("ev")
    con.sql("SELECT row, lat, ST_Point(lon, lat) AS g FROM st_raw").to_memtable().to_view("st")
    _, dlon = common.cap_half_widths_deg(st["lat"], a.radius_km)
    common.check_no_antimeridian(st["lon"], dlon)

    delta = a.radius_km / common.EARTH_RADIUS_KM
    hw = (f"CASE WHEN abs(radians(s.lat)) + {delta!r} >= {math.pi / 2!r} THEN pi() "
          f"ELSE asin(least(1.0, {math.sin(delta)!r} / cos(radians(s.lat)))) END")
    radius_deg = f"(degrees(sqrt({delta!r} * {delta!r} + ({hw}) * ({hw}))) * (1 + 1e-9) + 1e-12)"
    sql = f"SELECT e.row AS e, s.row AS s FROM ev e JOIN st s ON ST_DWithin(e.g, s.g, {radius_deg})"

    def join():
        t = con.sql(sql).to_arrow_table()
        return t.column("e").to_numpy(), t.column("s").to_numpy()

    common.run("sedonadb", a, ev, st, join, threads=threads)


if __name__ == "__main__":
    main()
