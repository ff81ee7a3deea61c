import datetime
from os import PathLike
from typing import Any, Literal, Optional, Sequence, Tuple, Union

import pandas as pd
import pyarrow as pa

from . import scenario as scenario

__version__: str

Output = Literal["pandas", "arrow"]
Result = Union[pd.DataFrame, pa.Table]
DateLike = Union[str, datetime.date]
StrPath = Union[str, PathLike[str]]

class OrewatchError(Exception):
    """Bad input, a missing file, an empty store: the message names the file, row, column or
    parameter, the value and what was expected (the CLI's message)."""

def exposure(
    events: Any,
    sites: Any,
    radius_km: Union[float, Sequence[float]] = ...,
    window_days: Union[int, Literal["all"], None] = ...,
    as_of: Optional[DateLike] = ...,
    *,
    lat: str = ...,
    lon: str = ...,
    date: str = ...,
    deaths: Optional[str] = ...,
    id: str = ...,
    geometry: str = ...,
    output: Output = ...,
) -> Result:
    """Events and deaths within each radius of each site, on your own tables (any object with
    ``__arrow_c_stream__``, or a GeoDataFrame). One row per site and radius: id, radius_km,
    events, deaths; provenance in ``attrs["provenance"]``."""

class Store:
    path: Any
    def __init__(self, path: StrPath = ...) -> None: ...
    def datasets(self, *, output: Output = ...) -> Result:
        """The sources in the store, one row per file ingested."""
    def actors(
        self,
        *,
        source: Optional[Literal["ged", "acled"]] = ...,
        countries: Union[str, Sequence[str], None] = ...,
        aliases: Optional[StrPath] = ...,
        output: Output = ...,
    ) -> Result:
        """The armed organisations of the events (``orewatch actors list --json``)."""
    def network(
        self,
        *,
        period: Union[str, int, None] = ...,
        from_: Optional[DateLike] = ...,
        to: Optional[DateLike] = ...,
        countries: Union[str, Sequence[str], None] = ...,
        source: Optional[Literal["ged", "acled"]] = ...,
        seed: int = ...,
        aliases: Optional[StrPath] = ...,
        sites_radius_km: Optional[float] = ...,
        output: Output = ...,
    ) -> Tuple[Result, Result]:
        """The actor network as (nodes, links) (``orewatch network``)."""
    def supply(
        self,
        commodity: str,
        *,
        year: Optional[int] = ...,
        stage: Optional[Literal["mine", "refinery"]] = ...,
        series: Optional[Literal["usgs", "owid"]] = ...,
        cahra_year: Optional[int] = ...,
        source: Optional[Literal["ged", "acled"]] = ...,
        inputs: Optional[StrPath] = ...,
        output: Output = ...,
    ) -> Result:
        """Supply concentration and risk of one market (``orewatch supply --commodity C``)."""
