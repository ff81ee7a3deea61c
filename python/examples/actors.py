"""The armed organisations of Mali's events, as `orewatch actors list --countries MLI`.

    orewatch ingest && python actors.py [STORE]
"""

import sys

import orewatch

store = orewatch.Store(sys.argv[1] if len(sys.argv) > 1 else "orewatch-store")
df = store.actors(countries=["MLI"])
print(df[["name", "events", "fatalities_best", "first_month", "last_month"]].head(15).to_string(index=False))
for w in df.attrs["provenance"].get("warnings", []):
    print("warning:", w)
