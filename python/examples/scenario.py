"""The US security-for-minerals deal with Mali: one scenario run and the bundled scenarios
compared, as `orewatch scenario run scenarios/us_deal.toml` and `orewatch scenario compare
--bundled --baseline status_quo`.

    orewatch ingest && python scenario.py [STORE]
"""

import sys
from pathlib import Path

import orewatch

store = sys.argv[1] if len(sys.argv) > 1 else "orewatch-store"
scenarios = Path(__file__).resolve().parents[2] / "scenarios"
check = orewatch.scenario.check(scenarios / "us_deal.toml", store=store)
print(f"{check['variables']} variables, {check['data_linked']} linked to data")
run = orewatch.scenario.run(scenarios / "us_deal.toml", draws=20_000, store=store)
print(run[["name", "unit", "median", "p5", "p95"]].to_string(index=False))
cmp = orewatch.scenario.compare(bundled=True, baseline="status_quo", draws=20_000, store=store)
print(cmp.head(12).to_string(index=False))
