"""The actor network of Mali 2012–2019, as `orewatch network --period 2012..2019 --countries MLI`.

    orewatch ingest && python network.py [STORE]
"""

import sys

import orewatch

store = orewatch.Store(sys.argv[1] if len(sys.argv) > 1 else "orewatch-store")
nodes, links = store.network(period="2012..2019", countries=["MLI"], seed=42)
print(f"{len(nodes)} actors, {len(links)} dyads")
print(nodes.head(10).to_string(index=False))
