"""Build a store from source files, as `orewatch ingest PATHS…`: one row per file with the rows
read, accepted, flagged and quarantined (rejected rows are kept with their reasons in the
store's quarantine table, never dropped silently). A file no reader takes raises
orewatch.OrewatchError with the CLI's message, and nothing is written.

    python ingest.py STORE [PATHS…]      (no PATHS: $OREWATCH_DATA, else ../shared/data)
"""

import sys

import orewatch

store = orewatch.Store(sys.argv[1] if len(sys.argv) > 1 else "orewatch-store")
try:
    sources = store.ingest(sys.argv[2:])
except orewatch.OrewatchError as e:
    sys.exit(f"error: {e}")
print(sources[["kind", "path", "rows_read", "accepted", "flagged", "quarantined"]].to_string(index=False))
for w in sources.attrs["provenance"]["warnings"]:
    print("warning:", w)
