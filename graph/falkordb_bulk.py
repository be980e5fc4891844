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
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reliefgraph.graph.falkordb_params import check_finite, check_text

_NULL, _BOOL, _DOUBLE, _STRING, _LONG = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Encoded:
    """Entities of one label or type with their properties encoded, row by
    row; built apart from the send, so a writer thread only sends."""
    name: str
    header: bytes
    rows: pa.Array     # large_binary: each row's properties, back to back
    props: int

    def __len__(self) -> int:
        return len(self.rows)

    def take(self, mask: np.ndarray) -> "Encoded":
        return Encoded(self.name, self.header, self.rows.filter(pa.array(mask)), self.props)

    def slice(self, start: int, length: int) -> "Encoded":
        return Encoded(self.name, self.header, self.rows.slice(start, length), self.props)


def encode(name: str, props: dict[str, Any], count: int) -> Encoded:
    """`count` entities named `name`; each property is a column of `count` values or one constant."""
    columns = [_column(p, v, count) for p, v in props.items()]
    if not columns:
        rows = _fixed(b"", 0, count)
    else:
        rows = pc.binary_join_element_wise(*columns, pa.scalar(b"", pa.large_binary()))
        if isinstance(rows, pa.Scalar):  # every property a constant
            rows = pa.array([rows.as_py()] * count, pa.large_binary())
    return Encoded(name, _header(name, props), rows, len(columns))


def node_stream(nodes: Encoded) -> bytes:
    if not nodes.props:
        # A node with no property is zero bytes: the engine would create none.
        raise ValueError("a bulk node stream needs at least one property")
    return nodes.header + _concat(nodes.rows)


def relationship_stream(rels: Encoded, src: np.ndarray, dst: np.ndarray) -> bytes:
    """One relationship from each `src` node id to the `dst` beside it, with
    the properties of the row beside them."""
    count = len(rels)
    if len(src) != count or len(dst) != count:
        raise ValueError(f"{len(src)} sources and {len(dst)} targets for {count} relationships")
    ends = np.empty((count, 2), dtype="<u8")
    ends[:, 0], ends[:, 1] = src, dst
    rows = pc.binary_join_element_wise(_fixed(ends.tobytes(), 16, count), rels.rows,
                                       pa.scalar(b"", pa.large_binary()))
    return rels.header + _concat(rows)


def _header(name: str, props: dict[str, Any]) -> bytes:
    names = [name, *props]
    if any("\x00" in n or not n for n in names):
        raise ValueError(f"bulk names must be non-empty and hold no NUL: {names}")
    return (name.encode() + b"\x00" + struct.pack("<I", len(props))
            + b"".join(p.encode() + b"\x00" for p in props))


def _concat(rows: pa.Array) -> bytes:
    """An array's values back to back, straight from its data buffer."""
    if len(rows) == 0:
        return b""
    rows = rows.combine_chunks() if isinstance(rows, pa.ChunkedArray) else rows
    _, offsets, data = rows.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[rows.offset:rows.offset + len(rows) + 1]
    return data[bounds[0]:bounds[-1]].to_pybytes() if data is not None else b""


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
    offsets = np.arange(count + 1, dtype=np.int64) * width
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
