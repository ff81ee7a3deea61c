"""Exposure on your own tables: events and deaths within 25 and 50 km of each site in the year
to the as-of date. Here the shipped West Africa GED extract and the hand-tabulated sites, read
with pyarrow; any pandas, polars or GeoPandas frame works the same way.

    python exposure_own_data.py [DATA_DIR]     (default: ../shared/data beside the repository)
"""

import sys
from pathlib import Path

import pyarrow.csv as pv

import orewatch

data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "data"
events = pv.read_csv(
    data / "conflict" / "ucdp_ged_v21_1_precise_west_africa_1989_2019.csv",
    convert_options=pv.ConvertOptions(include_columns=["latitude", "longitude", "date_start", "best"]),
)
sites = pv.read_csv(
    data / "mines" / "mine_sites_mali_and_neighbours.csv",
    convert_options=pv.ConvertOptions(include_columns=["site_id", "site_name", "lat", "lon"]),
).rename_columns(["site_id", "site_name", "latitude", "longitude"])  # one name per column for both tables

df = orewatch.exposure(
    events,
    sites,
    radius_km=[25, 50],
    window_days=365,
    as_of="2019-12-31",
    date="date_start",
    deaths="best",
    id="site_id",
)
print(df.sort_values(["radius_km", "events"], ascending=[True, False]).head(10).to_string(index=False))
print(df.attrs["provenance"]["parameters"])
