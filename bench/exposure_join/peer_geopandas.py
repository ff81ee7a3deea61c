"""exposure_join peer: GeoPandas — site cap bounding boxes, `geopandas.sjoin`, then the exact
haversine filter in numpy (common.finish).

Loaded outside the timing: the Parquet columns and the events' GeoDataFrame of points
(`points_from_xy`, the form a GeoPandas user already holds). Timed per run: the radius-dependent
site boxes (`shapely.box` over the cap's bounding box, see common.cap_half_widths_deg), `sjoin`
(predicate "intersects"; builds the STRtree on the boxes each run), the haversine filter, the
sums and the per-site counts. Single-threaded (GeoPandas/shapely do not parallelise this).
"""

import geopandas as gpd
import shapely

import common


def main():
    a = common.args(__doc__.split("\n")[0])
    ev, st = common.load(a)
    events = gpd.GeoDataFrame({"e": ev["row"]}, geometry=gpd.points_from_xy(ev["lon"], ev["lat"]), crs=None)
    dlat, dlon = common.cap_half_widths_deg(st["lat"], a.radius_km)
    common.check_no_antimeridian(st["lon"], dlon)

    def join():
        dlat, dlon = common.cap_half_widths_deg(st["lat"], a.radius_km)
        boxes = shapely.box(st["lon"] - dlon, st["lat"] - dlat, st["lon"] + dlon, st["lat"] + dlat)
        sites = gpd.GeoDataFrame({"s": st["row"]}, geometry=boxes, crs=None)
        j = gpd.sjoin(events, sites, how="inner", predicate="intersects")
        return j["e"].to_numpy(), j["s"].to_numpy()

    common.run("geopandas", a, ev, st, join, threads=1)


if __name__ == "__main__":
    main()
