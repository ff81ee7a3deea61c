"""Armed violence around Mali's mine sites in the last two years of the event data, as
`orewatch exposure --sites country=MLI --radius-km 25,50 --window-days 730 --out f.json`;
the sites as a GeoDataFrame (points) when GeoPandas is installed.

    orewatch ingest && python exposure.py [STORE]
"""

import sys

import orewatch

store = orewatch.Store(sys.argv[1] if len(sys.argv) > 1 else "orewatch-store")
df = store.exposure(sites="country=MLI", radius_km=[25, 50], window_days=730)
p = df.attrs["provenance"]
print(f"as of {p['parameters']['as_of']}, {p['events_considered']} events considered; {p['command']}")
for w in p["warnings"]:
    print("warning:", w)
columns = ["site_id", "site_name", "radius_km", "coverage", "events", "fatalities_best", "exposure_index", "trend_label"]
print(df[df["radius_km"] == 25][columns].head(15).to_string(index=False))
print(type(df).__name__, "geometry:", df["geometry"].iloc[0])
