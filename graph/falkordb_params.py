"""Parameters for FalkorDB, written as the `CYPHER name=value ...` header.

FalkorDB takes query parameters as literals in a header before the query
text (the engine parses them as values, never as query syntax). The client
library builds that header recursively and slowly; bulk loads spend more
time there than in the engine, so this one pass both checks the values
(finite numbers, supported types, safe map keys) and writes the literals.
Strings are escaped exactly as the client does: backslash and double quote.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


_INT64 = (-2**63, 2**63 - 1)


def params_header(params: dict[str, Any] | None) -> str:
    if not params:
        return ""
    parts = ["CYPHER"]
    for name, value in params.items():
        parts.append(f"{_key(name)}={literal(value)}")
    return " ".join(parts) + " "


def _key(name: Any) -> str:
    name = str(name)
    if not name or "`" in name:
        raise ValueError(f"parameter or map key {name!r} must be non-empty and contain no backtick")
    return f"`{name}`"


def _string(v: str) -> str:
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (a file decoded with surrogateescape) cannot be sent.
        raise ValueError("parameter text is not valid Unicode (lone surrogate)") from None
    if "\x00" in v:
        # The engine would take it for the end of the query text.
        raise ValueError("parameter text holds a NUL character")
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def literal(v: Any) -> str:
    t = type(v)
    if t is str:
        return _string(v)
    if v is None:
        return "null"
    if t is int:
        if not _INT64[0] <= v <= _INT64[1]:
            # The engine would clamp it to the nearest 64-bit integer silently.
            raise ValueError(f"integer parameter {v} does not fit in 64 bits")
        return str(v)
    if t is dict:
        return "{" + ",".join(f"{_key(k)}:{literal(x)}" for k, x in v.items()) + "}"
    if t is list or t is tuple:
        return "[" + ",".join(map(literal, v)) + "]"
    if t is float:
        if not math.isfinite(v):
            raise ValueError(f"parameter value {v!r}: only finite numbers can be stored")
        return repr(v)
    if t is bool:
        return "true" if v else "false"
    if isinstance(v, (datetime, date)):
        return _string(v.isoformat())
    if isinstance(v, str):
        return _string(str(v))
    if isinstance(v, int):
        return str(int(v))
    if hasattr(v, "item"):  # numpy / pandas scalars
        return literal(v.item())
    raise TypeError(f"parameter value of type {t.__name__} is not supported")


def column_literal(col: pd.Series) -> pd.Series:
    """Cypher literals for a column (NA where the value is blank), vectorised."""
    if pd.api.types.is_bool_dtype(col):
        return col.map({True: "true", False: "false"}).astype("string[pyarrow]")
    if pd.api.types.is_numeric_dtype(col):
        if pd.api.types.is_integer_dtype(col):
            return col.astype("Int64").astype("string[pyarrow]")
        check_finite(col.to_numpy(dtype=float, na_value=0.0), col.name)
        return col.astype("float64").map(repr, na_action="ignore").astype("string[pyarrow]")
    text = col.astype("string[pyarrow]")
    check_text(pa.array(text.array), col.name)
    escaped = text.str.replace("\\", "\\\\", regex=False).str.replace('"', '\\"', regex=False)
    return '"' + escaped + '"'


def check_finite(numbers: np.ndarray, name) -> None:
    if not np.isfinite(numbers).all():
        raise ValueError(f"column {name!r} holds non-finite numbers; only finite numbers can be stored")


def check_text(text: pa.Array, name) -> None:
    # A NUL would end the query text for the engine, or a value in a bulk
    # stream; the normaliser strips it from extracts, so this is a bug guard.
    if len(text) and pc.any(pc.match_substring(text, "\x00")).as_py():
        raise ValueError(f"column {name!r} holds a NUL character")


def rows_content(maps: dict[str, dict[str, pd.Series]], keep_null: frozenset[str], index) -> pd.Series:
    """Each row's maps as literal text `name:{...},...` (without the row number)."""
    content = pd.Series("", index=index, dtype="string[pyarrow]")
    first_map = True
    for name, cols in maps.items():
        inner = pd.Series("", index=index, dtype="string[pyarrow]")
        for key, col in cols.items():
            lit = column_literal(col)
            if name in keep_null:
                lit = lit.fillna("null")
            piece = (f"{_key(key)}:" + lit + ",").fillna("")
            inner = inner + piece
        inner = inner.str.rstrip(",")  # a literal never ends with a comma
        content = content + ("" if first_map else ",") + f"{_key(name)}:{{" + inner + "}"
        first_map = False
    return content


def rows_literals(i: pd.Series, content: pd.Series) -> pd.Series:
    ids = i.astype("Int64").astype("string[pyarrow]")
    return "{`i`:" + ids + ("," + content).where(content != "", "") + "}"
