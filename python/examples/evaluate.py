"""How the forecast models score against the baselines on Mali's country-months, rolling origins
2018-01..2018-12, as `orewatch evaluate --countries MLI --level country --from 2018-01
--to 2018-12 --horizon 3 --bootstrap 200 --out eval.json` (a small run; the README's
evaluation uses the defaults).

    orewatch ingest && python evaluate.py [STORE]
"""

import sys

import orewatch

store = orewatch.Store(sys.argv[1] if len(sys.argv) > 1 else "orewatch-store")
scores, differences = store.evaluate(
    countries=["MLI"], level="country", from_="2018-01", to="2018-12", horizon=3, bootstrap=200
)
print(scores[["model", "baseline", "pooled_n", "pooled_crps", "pooled_brier_1", "pooled_coverage90"]].to_string(index=False))
print(differences.head(10).to_string(index=False))
