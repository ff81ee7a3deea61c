from os import PathLike
from typing import Any, Dict, Literal, Optional, Sequence, Union

import pandas as pd
import pyarrow as pa

StrPath = Union[str, PathLike[str]]
Output = Literal["pandas", "arrow"]
DEFAULT_STORE: str

def run(
    file: StrPath,
    *,
    draws: Optional[int] = ...,
    seed: Optional[int] = ...,
    store: StrPath = ...,
    output: Output = ...,
) -> Union[pd.DataFrame, pa.Table]:
    """One scenario's output distributions (``orewatch scenario run``)."""

def compare(
    *files: StrPath,
    bundled: bool = ...,
    baseline: Optional[str] = ...,
    contrast: Sequence[str] = ...,
    draws: Optional[int] = ...,
    seed: Optional[int] = ...,
    store: StrPath = ...,
    output: Output = ...,
) -> Union[pd.DataFrame, pa.Table]:
    """Scenarios compared on common random numbers (``orewatch scenario compare``)."""

def check(file: StrPath, *, store: StrPath = ...) -> Dict[str, Any]:
    """A scenario parsed and its data links resolved (``orewatch scenario check``)."""
