#!/usr/bin/env bash
# bench/many_files/run.sh [N] — `orewatch ingest` of a directory of N small source files
# (default 100,000; issue 22), not part of CI.
#
# Writes N company home-country tables of 3 rows each (a real layout, ~100 bytes a file) into
# a temporary directory, plus N/10 files no reader takes, and ingests the directory into a fresh
# store with the release binary. The outcome must be one of: exit 0 with every file in the
# manifest (N sources, 3N rows read), or exit 1 with one error message and no store written.
# Prints wall time, peak memory and the outcome; records nothing by itself (copy the line into
# bench/RESULTS.md, "many_files", with the date, commit and machine load).
set -euo pipefail
N=${1:-100000}
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN=${OREWATCH_BIN:-$REPO/target/release/orewatch}
if [ ! -x "$BIN" ]; then
  (cd "$REPO" && cargo build --release -p orewatch-cli)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/data" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, f"d{i // 1000:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"companies_{i:06d}.csv"), "w") as f:
        f.write("company,home_country,source\n")
        f.write(f"Company {i} SA,Mali,test\nHolding {i} Ltd,Canada,test\nGroup {i},France,test\n")
    if i % 10 == 0:
        with open(os.path.join(d, f"notes_{i:06d}.txt"), "w") as f:
            f.write("not a source\n")
PY
set +e
/usr/bin/time -f "%e s wall, %M KiB peak" -o "$work/time" \
  "$BIN" --quiet --store "$work/store" ingest "$work/data" >"$work/out" 2>"$work/err"
status=$?
set -e
echo "many_files: N=$N exit=$status $(cat "$work/time")"
if [ "$status" = 0 ]; then
  python3 - "$work/store/current/manifest.json" "$N" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); n = int(sys.argv[2])
sources = m["sources"]; rows = sum(s["rows_read"] for s in sources)
ok = len(sources) == n and rows == 3 * n
print(f"complete result: {len(sources)} sources, {rows} rows read: {'OK' if ok else 'INCOMPLETE'}")
sys.exit(0 if ok else 1)
PY
else
  lines=$(grep -c . "$work/err" || true)
  echo "error ($lines line(s)): $(head -c 400 "$work/err")"
  [ ! -e "$work/store/current" ] && echo "no store written: OK"
fi
