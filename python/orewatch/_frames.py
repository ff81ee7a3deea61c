"""Results as pandas DataFrames (GeoDataFrames where the rows have a geometry) or Arrow tables,
each carrying its provenance."""

from __future__ import annotations

import json

OUTPUTS = ("pandas", "arrow")

#: The CRS of every geometry orewatch returns: WGS84 longitude/latitude (OGC:CRS84 axis order).
CRS = "OGC:CRS84"


def _check(output: str) -> None:
    if output not in OUTPUTS:
        from ._orewatch import OrewatchError

        raise OrewatchError(f"output {output!r}: expected 'pandas' or 'arrow'")


def _with_metadata(table, provenance: dict):
    meta = dict(table.schema.metadata or {})
    meta[b"orewatch.provenance"] = json.dumps(provenance, sort_keys=True).encode()
    return table.replace_schema_metadata(meta)


def attach(stream, provenance: dict, output: str):
    """An Arrow stream (``__arrow_c_stream__``) as a DataFrame or Arrow table."""
    import pyarrow as pa

    _check(output)
    table = pa.RecordBatchReader.from_stream(stream).read_all()
    if output == "arrow":
        return _with_metadata(table, provenance)
    df = table.to_pandas()
    df.attrs["provenance"] = provenance
    return df


def flatten(rows: list, sep: str = "_") -> list:
    """Records with nested objects as flat records: ``{"civilian": {"events": 3}}`` becomes
    ``{"civilian_events": 3}``. Every record gets every flattened key (None where its object is
    null), so the columns are the same whatever the first row holds. Lists stay as they are."""
    paths: dict = {}

    def collect(value: dict, prefix: tuple) -> None:
        for k, v in value.items():
            key = prefix + (k,)
            if isinstance(v, dict):
                collect(v, key)
            else:
                paths.setdefault(key, None)

    for r in rows:
        collect(r, ())
    # A key that is an object in some rows and null in others: keep only its leaves.
    leaves = [p for p in paths if not any(q[: len(p)] == p and len(q) > len(p) for q in paths)]

    def get(r: dict, path: tuple):
        for k in path:
            if not isinstance(r, dict):
                return None
            r = r.get(k)
        return None if isinstance(r, dict) else r

    return [{sep.join(p): get(r, p) for p in leaves} for r in rows]


def _geometry_column(stream):
    """The WKB ``geometry`` column the extension hands over (a pyarrow BinaryArray)."""
    import pyarrow as pa

    return pa.RecordBatchReader.from_stream(stream).read_all().column("geometry").combine_chunks()


def _whole(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _counts_as_integers(df, rows: list):
    """Columns of whole numbers with empty cells (unknown counts) as pandas' nullable ``Int64``
    instead of floats with NaN."""
    import pandas as pd

    for c in df.columns:
        if df[c].dtype.kind != "f":
            continue
        values = [r.get(c) for r in rows]
        if any(_whole(v) for v in values) and all(v is None or _whole(v) for v in values):
            df[c] = pd.array(values, dtype="Int64")
    return df


def frame(rows: list, provenance: dict, assessment: dict, output: str, geometry=None, first=(), integers=False):
    """Rows (dicts, as the assessment's JSON) as a DataFrame or Arrow table; the columns named in
    ``first`` (those present) lead, in that order. integers: whole-number columns with empty
    cells become ``Int64`` (pandas output).

    geometry: an Arrow stream of the rows' WKB geometry (row for row), or None. With it, pandas
    output is a GeoDataFrame when GeoPandas is importable, else a DataFrame whose ``geometry``
    column holds the WKB bytes (None for rows without a geometry); Arrow output gets a
    ``geometry`` column of WKB tagged as GeoArrow (``geoarrow.wkb``, CRS84)."""
    import pandas as pd

    _check(output)
    df = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    if first:
        lead = [c for c in first if c in df.columns]
        df = df[lead + [c for c in df.columns if c not in lead]]
    wkb = None if geometry is None else _geometry_column(geometry)
    if wkb is not None and len(wkb) != len(df):
        raise RuntimeError(f"{len(wkb)} geometries for {len(df)} rows")
    if output == "arrow":
        import pyarrow as pa

        # Nested values (lists of [name, count] pairs, …) as JSON text: Arrow columns are typed.
        for c in df.columns:
            if df[c].map(lambda v: isinstance(v, (list, dict))).any():
                df[c] = df[c].map(lambda v: json.dumps(v) if isinstance(v, (list, dict)) else v)
        table = pa.Table.from_pandas(df, preserve_index=False)
        if wkb is not None:
            field = pa.field(
                "geometry",
                pa.binary(),
                metadata={
                    b"ARROW:extension:name": b"geoarrow.wkb",
                    b"ARROW:extension:metadata": json.dumps({"crs": CRS}).encode(),
                },
            )
            table = table.append_column(field, wkb)
        return _with_metadata(table, provenance)
    if integers:
        df = _counts_as_integers(df, rows)
    if wkb is not None:
        df = _with_geometry(df, wkb)
    df.attrs["provenance"] = provenance
    df.attrs["assessment"] = assessment
    return df


def _with_geometry(df, wkb):
    """A GeoDataFrame (GeoPandas importable) or the DataFrame with a WKB ``geometry`` column."""
    values = wkb.to_pylist()
    try:
        import geopandas as gpd
    except ImportError:
        df["geometry"] = values
        return df
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries.from_wkb(values, crs=CRS), crs=CRS)
