"""What the loader knows is in the graph, so it need not ask the engine row by row.

- `keys(label)`: every natural key of a label in the graph, read once per run
  and then kept up to date by the loader's own writes. References are checked
  against it in memory, and it tells which rows bring a new entity. Where the
  engine seeks nodes by internal id, each key maps to its node's id (read
  with the keys; for a node this run creates, filled in by the writer thread
  when the CREATE returns it, or when the bulk insert's placement is
  checked), so relationships and updates reach their nodes without the key
  index.
- new entities are written by CREATE instead of MERGE (about twice as fast on
  FalkorDB), or on FalkorDB by bulk insert (several times faster again). A node this run created ("fresh") can have no relationship but
  those this run wrote, so a relationship touching a fresh node is created
  too, unless this run already created the same one (remembered by a 64-bit
  hash; a collision only sends a new relationship the MERGE way, which is
  always correct).

This holds while the loader is the only writer of the labels it loads and
while the engine keeps what it was sent. The load command takes a lock for
the first, and so does `resolve undo`, the one command that deletes loaded
nodes (a deleted node's id goes to the next new node). For the second, the
loader forgets everything when a write fails, since the engine may have come
back from an older snapshot.
"""
from __future__ import annotations

from collections.abc import Callable
from itertools import repeat

import numpy as np
import pandas as pd

from reliefgraph.graph.store import GraphStore
from reliefgraph.loaders.statements import Statement


class GraphKnowledge:
    def __init__(self, store: GraphStore):
        self.store = store
        self._keys: dict[str, dict] = {}  # label → {key: internal id, -1 until known}
        self._fresh: dict[str, set] = {}
        self._rels: dict[str, set[int]] = {}
        self._hashed: tuple[pd.DataFrame | None, pd.Series | None] = (None, None)

    def forget(self) -> None:
        self._keys.clear()
        self._fresh.clear()
        self._rels.clear()
        self._hashed = (None, None)

    def keys(self, label: str, flush: Callable[[], None]) -> dict:
        """All keys of `label` in the graph, each with its node id (-1 where
        not known); `flush` first lands writes still on their way."""
        if label not in self._keys:
            flush()
            key = self.store.schema.node(label).key
            node_id = "id(n)" if self.store.seeks_node_ids else "-1"
            rows = self.store.read(f"MATCH (n:{label}) RETURN n.{key}, {node_id}").rows
            self._keys[label] = {k: i for k, i in rows if k is not None}
        return self._keys[label]

    def ids(self, label: str, keys: pd.Series) -> np.ndarray:
        """The node id of each key (-1 where not known). Called in the writer
        thread, after every write sent before it has landed."""
        known = self._keys.get(label, {})
        return np.fromiter(map(known.get, keys.tolist(), repeat(-1)), dtype=np.int64, count=len(keys))

    def created(self, label: str, keys_by_row: pd.Series, result) -> None:
        """Record the ids a CREATE returned (row numbers and ids, comma-joined
        per batch); `keys_by_row` maps the rows' numbers to their keys."""
        known = self._keys.setdefault(label, {})
        for rows, ids in (result.rows if result is not None else []):
            if rows:
                numbers = np.array(rows.split(","), dtype=np.int64)
                known.update(zip(keys_by_row.loc[numbers].tolist(), map(int, ids.split(","))))

    def placed(self, label: str, keys: pd.Series, ids: np.ndarray | None) -> None:
        """Record the ids of nodes created in `keys` order (None: not known,
        so later writes reach them by key)."""
        if ids is not None:
            self._keys.setdefault(label, {}).update(zip(keys.tolist(), ids.tolist()))

    def new_rows(self, st: Statement, rows: pd.DataFrame, flush: Callable[[], None]) -> pd.Series:
        """Per row, whether it brings an entity the graph does not hold yet."""
        none = pd.Series(False, index=rows.index)
        if st.create_query is None:
            return none
        if st.node is not None:
            return ~member(rows[st.node.key_field], self.keys(st.node.label, flush))
        ends = (st.rel.source, st.rel.target)
        touching = none
        for end in ends:
            if touching.all():
                break  # the source is fresh in every row (a new person's household): no need to look further
            touching = touching | member(rows[end.key_field], self._fresh.get(end.label, frozenset()))
        if not touching.any():
            return touching
        made = self._rels.get(st.rel.type, set())
        hashes = _hashes(st, rows)
        self._hashed = (rows, hashes)   # for `written`, called next with the same rows
        return touching & ~member(hashes, made)

    def written(self, st: Statement, rows: pd.DataFrame, new: pd.Series) -> None:
        """Record what a statement's rows write (called before they are sent);
        `new` marks the rows whose node or relationship the graph lacks."""
        if st.node is not None:
            if st.node.mode == "merge":
                # New keys are known from now on; their ids arrive with the CREATE's result.
                keys = rows[st.node.key_field][new.to_numpy()].tolist()
                self._keys.setdefault(st.node.label, {}).update(dict.fromkeys(keys, -1))
                self._fresh.setdefault(st.node.label, set()).update(keys)
        elif new.any():
            seen, hashes = self._hashed
            hashes = hashes[new.to_numpy()] if seen is rows else _hashes(st, rows[new])
            self._rels.setdefault(st.rel.type, set()).update(hashes.tolist())


def member(values: pd.Series, known: set | frozenset | dict) -> pd.Series:
    """`values.isin(known)` for a large set: pandas would copy the whole set on every call."""
    if not known:
        return pd.Series(False, index=values.index)
    found = np.fromiter(map(known.__contains__, values.tolist()), dtype=bool, count=len(values))
    return pd.Series(found, index=values.index)


def _hashes(st: Statement, rows: pd.DataFrame) -> pd.Series:
    # Python's own hash of each row's identity, a 64-bit int like pandas'
    # row hash, in two thirds of its time; a set of them lives for one run.
    columns = [rows[f].tolist() for f in st.identity]
    return pd.Series(np.fromiter(map(hash, zip(*columns)), dtype=np.int64, count=len(rows)), index=rows.index)
