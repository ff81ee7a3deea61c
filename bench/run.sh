#!/usr/bin/env bash
# bench/run.sh [BENCHMARK…] — run orewatch's benchmarks against their peers (see bench/README.md).
#
# Benchmarks: ingest_ged, ingest_scale, exposure_join, scenario_mc, actors_network, forecast_eval (default: all). Creates bench/.venv
# ($BENCH_VENV overrides) with the Python peers' packages (from PyPI) on first use, builds orewatch in release (and the
# join_bench example for exposure_join; $OREWATCH_BIN = use that binary, no build), runs each benchmark and appends a row
# to bench/RESULTS.md. Data: $OREWATCH_DATA, else <repo>/../shared/data.
# Extra options for bench.py go in $BENCH_ARGS (e.g. BENCH_ARGS="--runs 9 --no-record").
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
DATA="${OREWATCH_DATA:-$REPO/../shared/data}"
VENV="${BENCH_VENV:-$BENCH_DIR/.venv}"
ALL=(ingest_ged ingest_scale exposure_join scenario_mc actors_network forecast_eval)

if [ "$#" -eq 0 ]; then set -- "${ALL[@]}"; fi
for b in "$@"; do
  case " ${ALL[*]} " in
    *" $b "*) ;;
    *) echo "unknown benchmark '$b'; known: ${ALL[*]}" >&2; exit 2 ;;
  esac
done
if [ ! -d "$DATA" ]; then
  echo "no data directory at $DATA; set OREWATCH_DATA to the shared data directory" >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import pandas, geopandas, pyarrow, shapely' 2>/dev/null; then
  echo "== installing pandas geopandas pyarrow shapely into $VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet pandas geopandas pyarrow shapely
fi
case " $* " in
  *" ingest_scale "*)
    # ingest_scale's peer: DuckDB with the spatial extension from its PyPI wheel (offline).
    if ! "$VENV/bin/python" -c 'import duckdb, duckdb_ext' 2>/dev/null \
       || [ "$("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)')" != "1.4.4" ]; then
      echo "== installing duckdb==1.4.4 duckdb-ext-spatial==1.4.4.* into $VENV"
      "$VENV/bin/python" -m pip install --quiet "duckdb==1.4.4" "duckdb-ext-spatial==1.4.4.*"
    fi
    ;;
esac
case " $* " in
  *" exposure_join "*)
    # exposure_join's peers: SedonaDB, and DuckDB with the spatial extension from its PyPI wheel
    # (loaded from the wheel's files, offline; see exposure_join/peer_duckdb.py).
    if ! "$VENV/bin/python" -c 'import sedonadb, geoarrow.pyarrow, duckdb, duckdb_ext' 2>/dev/null \
       || [ "$("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)')" != "1.4.4" ]; then
      echo "== installing sedonadb geoarrow-pyarrow duckdb==1.4.4 duckdb-ext-spatial==1.4.4.* into $VENV"
      "$VENV/bin/python" -m pip install --quiet sedonadb geoarrow-pyarrow "duckdb==1.4.4" "duckdb-ext-spatial==1.4.4.*"
    fi
    ;;
esac
case " $* " in
  *" actors_network "*)
    # actors_network's peer: networkx (scipy for its pagerank).
    if ! "$VENV/bin/python" -c 'import networkx, scipy' 2>/dev/null; then
      echo "== installing networkx scipy into $VENV"
      "$VENV/bin/python" -m pip install --quiet networkx scipy
    fi
    ;;
esac

case " $* " in
  *" forecast_eval "*)
    # forecast_eval's peer: NumPy + shapely, properscoring for the CRPS cross-check.
    if ! "$VENV/bin/python" -c 'import numpy, properscoring' 2>/dev/null; then
      echo "== installing numpy properscoring into $VENV"
      "$VENV/bin/python" -m pip install --quiet numpy properscoring
    fi
    ;;
esac

case " $* " in
  *" ingest_ged "*|*" ingest_scale "*|*" exposure_join "*|*" scenario_mc "*|*" forecast_eval "*)
    if [ -n "${OREWATCH_BIN:-}" ]; then
      echo "== using $OREWATCH_BIN (no build)"
    else
      echo "== building orewatch (release)"
      (cd "$REPO" && cargo build --release -p orewatch-cli)
    fi ;;
esac
case " $* " in
  *" exposure_join "*)
    echo "== building the join_bench example (release)"
    (cd "$REPO" && cargo build --release -p orewatch-store --example join_bench) ;;
esac
case " $* " in
  *" actors_network "*)
    echo "== building the network_bench example (release)"
    (cd "$REPO" && cargo build --release -p orewatch-core --example network_bench) ;;
esac
OREWATCH="${OREWATCH_BIN:-$REPO/target/release/orewatch}"

for b in "$@"; do
  echo "== $b"
  # shellcheck disable=SC2086
  "$VENV/bin/python" "$BENCH_DIR/$b/bench.py" --orewatch "$OREWATCH" --data "$DATA" \
    --python "$VENV/bin/python" ${BENCH_ARGS:-}
done
