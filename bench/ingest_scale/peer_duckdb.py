"""The peer for the ingest_scale benchmark: DuckDB 1.4.4 with its spatial extension, one COPY.

Usage: python peer_duckdb.py INPUT.csv OUTPUT.parquet

Run as a whole process by bench.py (interpreter start, import, extension load, the COPY):
    COPY (SELECT *, ST_Point(longitude, latitude) AS geometry FROM read_csv(INPUT))
      TO OUTPUT (FORMAT parquet)
The spatial extension is loaded from the duckdb-ext-spatial wheel's files (offline), as in
crates/orewatch-cli/tests/interop/read_store.py. DuckDB's `threads` setting is its default (the
number of CPUs). Prints one line on stdout: `in_process_s=<seconds> threads=<n>`, the time of the
COPY alone. No validation beyond what read_csv does: that is the peer as an analyst would run it.
"""

import os
import sys
import sysconfig
import time

import duckdb


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: peer_duckdb.py INPUT.csv OUTPUT.parquet")
    src, out = sys.argv[1], sys.argv[2]
    ext = os.path.join(sysconfig.get_paths()["purelib"], "duckdb_ext", "extensions",
                       f"v{duckdb.__version__}", "linux_amd64", "spatial.duckdb_extension")
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{ext}'" if os.path.exists(ext) else "LOAD spatial")
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    quote = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731
    t0 = time.perf_counter()
    con.execute(f"COPY (SELECT *, ST_Point(longitude, latitude) AS geometry FROM read_csv({quote(src)})) "
                f"TO {quote(out)} (FORMAT parquet)")
    print(f"in_process_s={time.perf_counter() - t0:.4f} threads={threads}")


if __name__ == "__main__":
    main()
