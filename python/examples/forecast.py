"""Deaths per Mali country-month for six months after the last covered month, as
`orewatch forecast --countries MLI --level country --horizon 6 --out fc.json`.

    orewatch ingest && python forecast.py [STORE]
"""

import sys

import orewatch

store = orewatch.Store(sys.argv[1] if len(sys.argv) > 1 else "orewatch-store")
fc = store.forecast(countries=["MLI"], level="country", horizon=6, draws=1000, seed=1)
r = fc.attrs["assessment"]
print(f"model {r['outlook']['model']}, origin {r['outlook']['origin']}, {r['outlook']['samples']} draws")
for w in fc.attrs["provenance"]["warnings"]:
    print("warning:", w)
print(fc[["country", "month", "mean", "p_any", "p_25", "q05", "q50", "q95"]].to_string(index=False))
