"""FalkorDB's binary bulk insert (`GRAPH.BULK`), for entities known to be new.

The command takes nodes of one label, or relationships of one type, as one
binary stream each: a header (the name, then the property names) and then,
per entity, each property as a type byte and its value — for a relationship
first the internal ids of its two ends. The engine adds them to an existing
graph without planning or running Cypher, several times faster than UNWIND
CREATE. It checks nothing: no unique constraint, no label of the ends. So
the writer must send only what it knows is new, with ids it knows are right
(see FalkorStore.create_nodes).

Values are encoded column by column with Arrow's vectorised kernels; a
per-value Python loop would cost more than the engine's own work. Types
follow the Cypher literals the other write routes send
(graph/falkordb_params.py), so every route stores the same values: booleans,
64-bit integers, finite doubles, and everything else as its text. A blank
value is not stored, as `CREATE (n {p: null})` stores nothing.
"""
from __future__ import annotations

import struct
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reliefgraph.graph.falkordb_params import check_finite, check_text

_NULL, _BOOL, _DOUBLE, _STRING, _LONG = 0, 1, 2, 3, 4


def nodes(label: str, props: dict[str, Any], count: int) -> bytes:
    """`count` nodes of `label`; each property is a column of `count` values or one constant."""
    if not props:
        raise ValueError("a bulk node stream needs at least one property (an empty one creates nothing)")
    return _header(label, props) + _rows([_column(name, v, count) for name, v in props.items()], count)


def relationships(rel_type: str, src: np.ndarray, dst: np.ndarray, props: dict[str, Any]) -> bytes:
    """One relationship of `rel_type` from each `src` id to the `dst` id beside it."""
    count = len(src)
    ends = np.empty((count, 2), dtype="<u8")
    ends[:, 0], ends[:, 1] = src, dst
    columns = [_fixed(ends.tobytes(), 16, count)] + [_column(name, v, count) for name, v in props.items()]
    return _header(rel_type, props) + _rows(columns, count)


def _header(name: str, props: dict[str, Any]) -> bytes:
    names = [name, *props]
    if any("\x00" in n or not n for n in names):
        raise ValueError(f"bulk names must be non-empty and hold no NUL: {names}")
    return (name.encode() + b"\x00" + struct.pack("<I", len(props))
            + b"".join(p.encode() + b"\x00" for p in props))


def _rows(columns: list[pa.Array | pa.Scalar], count: int) -> bytes:
    """The columns' encodings interleaved row by row, as one byte string."""
    if count == 0:
        return b""
    joined = pc.binary_join_element_wise(*columns, pa.scalar(b"", pa.large_binary()))
    if isinstance(joined, pa.Scalar):  # every column a constant
        return joined.as_py() * count
    joined = joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined
    joined = joined.cast(pa.large_binary())
    _, offsets, data = joined.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[joined.offset:joined.offset + count + 1]
    return data.to_pybytes()[bounds[0]:bounds[-1]]


def _column(name: str, value: Any, count: int) -> pa.Array | pa.Scalar:
    if not isinstance(value, pd.Series):
        return pa.scalar(_constant(value), pa.large_binary())
    if len(value) != count:
        raise ValueError(f"bulk column {name!r} has {len(value)} values for {count} rows")
    col = value
    present = col.notna().to_numpy()
    if pd.api.types.is_bool_dtype(col):
        tagged = _tagged(_BOOL, col.fillna(False).to_numpy(dtype=bool).astype("u1"), 1)
    elif pd.api.types.is_integer_dtype(col):
        tagged = _tagged(_LONG, col.fillna(0).to_numpy(dtype="<i8"), 8)
    elif pd.api.types.is_numeric_dtype(col):
        numbers = col.to_numpy(dtype="<f8", na_value=0.0)
        check_finite(numbers, name)
        tagged = _tagged(_DOUBLE, numbers, 8)
    else:
        text = pa.array(col.astype("string[pyarrow]").array).cast(pa.large_string())
        check_text(text, name)
        tagged = pc.binary_join_element_wise(pa.scalar(bytes([_STRING]), pa.large_binary()),
                                             text.cast(pa.large_binary()),
                                             pa.scalar(b"\x00", pa.large_binary()),
                                             pa.scalar(b"", pa.large_binary()))
        tagged = pc.fill_null(tagged, b"\x00")
    if not present.all():
        tagged = pc.if_else(pa.array(present), tagged.cast(pa.large_binary()),
                            pa.scalar(bytes([_NULL]), pa.large_binary()))
    return tagged.cast(pa.large_binary())


def _tagged(tag: int, values: np.ndarray, width: int) -> pa.Array:
    """Fixed-width values each behind its type byte."""
    packed = np.empty(len(values), dtype=[("t", "u1"), ("v", values.dtype.newbyteorder("<"))])
    packed["t"], packed["v"] = tag, values
    assert packed.dtype.itemsize == width + 1
    return _fixed(packed.tobytes(), width + 1, len(values))


def _fixed(data: bytes, width: int, count: int) -> pa.Array:
    offsets = np.arange(0, (count + 1) * width, width, dtype=np.int64)
    return pa.Array.from_buffers(pa.large_binary(), count, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _constant(value: Any) -> bytes:
    if value is None:
        return bytes([_NULL])
    if isinstance(value, (bool, np.bool_)):
        return bytes([_BOOL, int(value)])
    if isinstance(value, (int, np.integer)):
        return bytes([_LONG]) + struct.pack("<q", int(value))
    if isinstance(value, (float, np.floating)):
        check_finite(np.array([value], dtype=float), "constant")
        return bytes([_DOUBLE]) + struct.pack("<d", float(value))
    text = str(value)
    check_text(pa.array([text]), "constant")
    return bytes([_STRING]) + text.encode() + b"\x00"
