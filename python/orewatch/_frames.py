"""Results as pandas DataFrames or Arrow tables, each carrying its provenance."""

from __future__ import annotations

import json

OUTPUTS = ("pandas", "arrow")


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


def frame(rows: list, provenance: dict, assessment: dict, output: str):
    """Rows (dicts, as the assessment's JSON) as a DataFrame or Arrow table."""
    import pandas as pd

    _check(output)
    df = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    if output == "arrow":
        import pyarrow as pa

        # Nested values (lists of [name, count] pairs, …) as JSON text: Arrow columns are typed.
        for c in df.columns:
            if df[c].map(lambda v: isinstance(v, (list, dict))).any():
                df[c] = df[c].map(lambda v: json.dumps(v) if isinstance(v, (list, dict)) else v)
        return _with_metadata(pa.Table.from_pandas(df, preserve_index=False), provenance)
    df.attrs["provenance"] = provenance
    df.attrs["assessment"] = assessment
    return df
