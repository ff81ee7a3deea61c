import datetime
from os import PathLike
from typing import Any, Literal, Optional, Sequence, Tuple, Union

import pandas as pd
import pyarrow as pa

from . import scenario as scenario

__version__: str

Output = Literal["pandas", "arrow"]
Result = Union[pd.DataFrame, pa.Table]
#: A GeoDataFrame when GeoPandas is importable, else a DataFrame with WKB in ``geometry``.
GeoResult = Union[pd.DataFrame, pa.Table]
Source = Optional[Literal["ged", "acled"]]
Countries = Union[str, Sequence[str], None]
Model = Literal["zero", "last", "mean12", "conflictology12", "conflictology36", "hurdle", "hurdle_recent"]
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
    def ingest(
        self,
        paths: Union[StrPath, Sequence[StrPath]] = ...,
        *,
        replace: bool = ...,
        skip_unknown: bool = ...,
        release: Optional[str] = ...,
        recover_quoted: bool = ...,
        threads: Optional[int] = ...,
        output: Output = ...,
    ) -> Result:
        """Reads source files into the store (``orewatch ingest``); returns its sources with
        rows read, accepted, flagged and quarantined. A file that cannot be read raises
        OrewatchError with the CLI's message; nothing is written then."""
    def exposure(
        self,
        *,
        sites: str = ...,
        radius_km: Union[float, Sequence[float]] = ...,
        window_days: Union[int, Literal["all"], None] = ...,
        half_life_days: float = ...,
        kernel: Literal["uniform", "linear", "gaussian"] = ...,
        weight: Literal["fatalities", "events"] = ...,
        as_of: Optional[DateLike] = ...,
        source: Source = ...,
        max_precision: Optional[int] = ...,
        violence: Union[str, Sequence[str]] = ...,
        top_actors: int = ...,
        output: Output = ...,
    ) -> GeoResult:
        """Armed violence around the store's mine sites (``orewatch exposure``): one row per
        site and radius, the sites' points as geometry."""
    def cahra(
        self,
        *,
        year: Optional[int] = ...,
        level: Literal["admin1", "site"] = ...,
        source: Source = ...,
        rules: Optional[StrPath] = ...,
        countries: Countries = ...,
        radius_km: float = ...,
        max_precision: Optional[int] = ...,
        output: Output = ...,
    ) -> GeoResult:
        """The CAHRA screening of one year (``orewatch cahra``): one row per admin-1 region
        (its boundary as geometry) or per mine site (its point)."""
    def forecast(
        self,
        *,
        countries: Countries = ...,
        origin: Optional[str] = ...,
        horizon: int = ...,
        model: Model = ...,
        target: Literal["all", "sb", "ns", "os"] = ...,
        level: Literal["cell", "country"] = ...,
        draws: int = ...,
        seed: int = ...,
        source: Source = ...,
        train_countries: Countries = ...,
        max_precision: Optional[int] = ...,
        output: Output = ...,
    ) -> Result:
        """Deaths per cell-month or country-month after the origin (``orewatch forecast``):
        mean, P(≥1), P(≥25) and quantiles of the draws per unit and month."""
    def evaluate(
        self,
        *,
        countries: Countries = ...,
        from_: str = ...,
        to: str = ...,
        horizon: int = ...,
        models: Union[str, Sequence[Model], None] = ...,
        target: Literal["all", "sb", "ns", "os"] = ...,
        level: Literal["cell", "country"] = ...,
        draws: int = ...,
        seed: int = ...,
        bootstrap: int = ...,
        block_len: int = ...,
        source: Source = ...,
        train_countries: Countries = ...,
        max_precision: Optional[int] = ...,
        output: Output = ...,
    ) -> Tuple[Result, Result]:
        """Rolling-origin evaluation (``orewatch evaluate``): (scores per model, differences
        between models with their bootstrap intervals)."""
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
