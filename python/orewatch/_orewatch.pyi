"""The native half of orewatch (Rust, PyO3): use the functions of ``orewatch`` instead."""

from typing import Any, Dict, List, Optional, Tuple

__version__: str

class OrewatchError(Exception): ...

def count_exposure(
    events: Any,
    sites: Any,
    names: Dict[str, Optional[str]],
    radii_km: List[float],
    window_days: Optional[int],
    as_of: Optional[str],
) -> Tuple[Any, str, str]:
    """(Arrow C stream capsule of the rows, parameters JSON, timings JSON)."""

def store_call(
    path: str, question: str, request: str, aliases: Optional[str] = ...
) -> Tuple[str, Optional[Any]]:
    """(the JSON of the assessment of ``question`` on the store at ``path``, an Arrow C stream
    capsule of its rows' WKB ``geometry`` column or None)."""
