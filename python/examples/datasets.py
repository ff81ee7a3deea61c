"""What the store holds: one row per source file, as `orewatch datasets`.

    orewatch ingest && python datasets.py [STORE]
"""

import sys

import orewatch

df = orewatch.Store(sys.argv[1] if len(sys.argv) > 1 else "orewatch-store").datasets()
print(df.drop(columns=[c for c in df.columns if df[c].map(lambda v: isinstance(v, (list, dict))).any()]).to_string(index=False))
