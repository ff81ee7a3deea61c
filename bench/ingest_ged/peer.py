"""The peer for the ingest_ged benchmark: pandas read_csv + GeoPandas to_parquet.

Usage: python peer.py INPUT.csv OUTPUT.parquet

Run as a whole process by bench.py (interpreter start, imports, read, build, write). It prints
one line on stdout, `in_process_s=<seconds>`: the time from just before `read_csv` to just after
`to_parquet` returns (imports and interpreter start-up excluded), and `import_s=<seconds>`.
It does no validation beyond what pandas does while parsing; that is the peer as an analyst
would write it.
"""

import sys
import time

t_import = time.perf_counter()
import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402

import_s = time.perf_counter() - t_import


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: peer.py INPUT.csv OUTPUT.parquet")
    src, out = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    df = pd.read_csv(src)
    gdf = gpd.GeoDataFrame(
        df,
        geometry=gpd.points_from_xy(df["longitude"], df["latitude"]),
        crs="EPSG:4326",
    )
    gdf.to_parquet(out)
    in_process_s = time.perf_counter() - t0
    print(f"in_process_s={in_process_s:.6f} import_s={import_s:.6f} rows={len(gdf)}")


if __name__ == "__main__":
    main()
