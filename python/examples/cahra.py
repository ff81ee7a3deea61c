"""Which admin-1 regions of Mali and Burkina Faso are conflict-affected or high-risk in one year
(OECD Due Diligence Guidance), as `orewatch cahra --countries MLI,BFA --out f.json`; the regions'
boundaries as a GeoDataFrame when GeoPandas is installed.

    orewatch ingest && python cahra.py [STORE] [YEAR]
"""

import sys

import orewatch

store = orewatch.Store(sys.argv[1] if len(sys.argv) > 1 else "orewatch-store")
year = int(sys.argv[2]) if len(sys.argv) > 2 else None
regions = store.cahra(year=year, countries=["MLI", "BFA"])
p = regions.attrs["provenance"]["parameters"]
print(f"year {p['year']}, rules {p['rules_file']} (sha256 {p['rules_sha256'][:12]}…)")
print(regions[["region_id", "name", "country_iso3", "verdict", "counts_events"]].to_string(index=False))
print(regions["verdict"].value_counts().to_string())
sites = store.cahra(year=year, countries=["MLI"], level="site")
print(sites[["site_id", "name", "verdict", "basis", "region_name"]].head(10).to_string(index=False))
