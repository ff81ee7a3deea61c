"""Who produces gold, how concentrated, and which producers are conflict-affected, as
`orewatch supply --commodity gold --format json`.

    orewatch ingest && python supply.py [STORE]
"""

import sys

import orewatch

store = orewatch.Store(sys.argv[1] if len(sys.argv) > 1 else "orewatch-store")
df = store.supply("gold")
print(df.head(15).to_string(index=False))
print(df.attrs["provenance"].get("parameters"))
