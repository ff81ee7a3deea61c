#!/usr/bin/env bash
# Runs one fuzz target for a given wall-clock time, at the lowest CPU priority (nice 19).
#
#   fuzz/run.sh TARGET SECONDS
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and the nightly toolchain (libFuzzer's
# sanitizer flags). Seeds are built from the shared data and fixtures at run time (never
# committed): $OREWATCH_DATA (default ../shared/data beside the repository) and
# $OREWATCH_FIXTURES (default: `fixtures` beside the data directory). The corpus grows in
# fuzz/corpus/TARGET across runs; crashes land in fuzz/artifacts/TARGET. A line per run goes
# to fuzz/logs/summary.tsv: target, start (UTC), wall s, CPU s, execs, corpus files, result.
# An input that takes over 10 s is a hang; over 2 GiB of memory, an out-of-memory: both count
# as failures like a crash.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
root=$(cd .. && pwd)
data=${OREWATCH_DATA:-$root/../shared/data}
fixtures=${OREWATCH_FIXTURES:-$(dirname "$data")/fixtures}

# Seeds: rebuilt every run (cheap), from the real files.
if [ ! -d seeds ] || [ "${FUZZ_RESEED:-0}" = 1 ]; then
  rm -rf seeds
  manifest=""
  if [ -x "$root/target/debug/orewatch" ]; then
    store=$(mktemp -d)
    "$root/target/debug/orewatch" --quiet --store "$store/s" ingest "$data/boundaries" "$data/mines" >/dev/null 2>&1 || true
    [ -f "$store/s/current/manifest.json" ] && cp "$store/s/current/manifest.json" "$store/manifest.json" && manifest="$store/manifest.json"
  fi
  python3 seeds.py "$data" "$fixtures" "$root" seeds $manifest
fi

case "$target" in
  boundaries|usgs_sites|scenario_toml) max_len=131072 ;;
  *) max_len=65536 ;;
esac
features=""
[ "$target" = manifest ] && features="--features store"
mkdir -p "corpus/$target" "artifacts/$target" logs
log="logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
# Build first (not timed), so the CPU time below is the fuzzer's alone.
nice -n 19 cargo +nightly fuzz build -O $features "$target" >"$log.build" 2>&1
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
set +e
/usr/bin/time -f "%e %U %S" -o "$log.time" \
  nice -n 19 cargo +nightly fuzz run -O $features "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="artifacts/$target/" >"$log" 2>&1
status=$?
set -e
read -r wall user sys <"$log.time"
cpu=$(python3 -c "print(round($user + $sys))")
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
files=$(find "corpus/$target" -type f | wc -l)
if [ "$status" = 0 ]; then result=ok; else result="FAILED (exit $status, see $log)"; fi
printf '%s\t%s\t%.0f\t%s\t%s\t%s\t%s\n' "$target" "$start" "$wall" "$cpu" "$execs" "$files" "$result" | tee -a logs/summary.tsv
[ "$status" = 0 ]
