"""The pending store: rows that refer to an entity the graph does not hold yet.

A kinship or vehicle row naming a person whose own register row was
rejected (a bad check digit, fixed in next month's register) is correct; it
only came too early. Such a row writes nothing, waits as a `PendingRow`
node in the graph itself, and loads by itself, with its original
provenance, once every entity it refers to exists.

The store lives in the graph because a pending row belongs with the data
it waits for: it is in the same snapshot as the batch that held it (after
a crash both are there or neither, and re-running converges), it is backed
up and moved with the graph, it needs nothing more on Neo4j, and each data
directory or database has its own. A pending row keeps the row's
normalised values as the graph keeps the facts it holds (PII included,
never logged); listings mask them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy.engine import Engine

from reliefgraph.graph.store import GraphStore
from reliefgraph.loaders.mapping import Mapping

REASON = "pending_reference"
# An ID-less row whose person the resolver could not tell (no match, or
# namesakes): it waits for a reviewer's decision or a later register.
UNRESOLVED = "unresolved_person"
# Columns the loader adds to a row that are not the mapping's values.
_NOT_VALUES = ["_row", "_resolved"]

HOLD = ("UNWIND $rows AS row MERGE (p:PendingRow {pending_id: row.id}) "
        "ON CREATE SET p.first_seen = row.now "
        "SET p.mapping = row.mapping, p.mapping_digest = row.digest, p.src_agency = row.agency, "
        "p.src_file = row.file, p.src_row = row.row, p.src_batch = row.batch, "
        "p.row_values = row.values, p.missing = row.missing, p.partial = row.partial, p.reason = row.reason")
# A row loaded from the store leaves it and counts as loaded in its own
# batch, once: a row already gone (a re-run after a crash) counts nothing.
SETTLE = ("MATCH (p:PendingRow) WHERE p.pending_id IN $ids "
          "WITH collect(p) AS done, toInteger(sum(CASE WHEN p.partial THEN 0 ELSE 1 END)) AS n "
          "OPTIONAL MATCH (b:LoadBatch {batch_id: $batch}) "
          "FOREACH (x IN CASE WHEN b IS NULL OR n = 0 THEN [] ELSE [b] END | "
          "  SET x.rows_loaded = coalesce(x.rows_loaded, 0) + n, "
          "      x.rows_pending = coalesce(x.rows_pending, 0) - n, "
          "      x.pending_loaded = coalesce(x.pending_loaded, 0) + n) "
          "FOREACH (p IN done | DELETE p) "
          "RETURN n")
DISCARD = ("MATCH (p:PendingRow) WHERE p.pending_id IN $ids "
           "WITH collect(p) AS gone, toInteger(sum(CASE WHEN p.partial THEN 0 ELSE 1 END)) AS n, count(p) AS dropped "
           "OPTIONAL MATCH (b:LoadBatch {batch_id: $batch}) "
           "FOREACH (x IN CASE WHEN b IS NULL OR n = 0 THEN [] ELSE [b] END | "
           "  SET x.rows_rejected = coalesce(x.rows_rejected, 0) + n, "
           "      x.rows_pending = coalesce(x.rows_pending, 0) - n, "
           "      x.pending_discarded = coalesce(x.pending_discarded, 0) + n) "
           "FOREACH (p IN gone | DELETE p) "
           "RETURN dropped")
READ = ("MATCH (p:PendingRow) RETURN p.pending_id, p.mapping, p.src_agency, p.src_file, p.src_row, "
        "p.src_batch, p.row_values, p.missing, p.first_seen, p.partial, p.reason ORDER BY p.src_batch, p.src_row")


@dataclass
class Held:
    """One pending row as the store keeps it."""
    pending_id: str
    mapping: str
    agency: str
    file: str
    row: int
    batch: str
    values: dict
    missing: list[str]       # "Label.field" of each reference not found when it was held
    first_seen: str
    partial: bool = False    # the row's other facts are loaded; only optional links wait
    reason: str = REASON     # why it waits: a reference not in the graph, or a person not yet identified

    def missing_fields(self) -> list[str]:
        return [m.split(".", 1)[1] for m in self.missing]


def pending_id(batch: str, row: int, partial: bool = False) -> str:
    # A row's waiting links are kept apart from the row itself: loading the
    # row can leave links waiting, under their own id.
    return f"{batch}:{row}" + (":links" if partial else "")


def hold_rows(frame: pd.DataFrame, missing: dict[str, list[bool]], mapping: Mapping, src: dict,
              partial: bool = False, reason: str = REASON) -> list[dict]:
    """The store's parameters for the rows of `frame` (every one of which
    misses a reference): `missing` maps "Label.field" to a per-row flag."""
    values = json.loads(frame.drop(columns=[c for c in _NOT_VALUES if c in frame.columns])
                        .to_json(orient="records", force_ascii=False, double_precision=15))
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    lacks = [[ref for ref, hit in zip(missing, flags) if hit] for flags in zip(*missing.values())]
    return [{"id": pending_id(src["src_batch"], int(row), partial), "partial": partial,
             "mapping": mapping.id, "digest": mapping.digest,
             "agency": src["src_agency"], "file": src["src_file"], "row": int(row), "batch": src["src_batch"],
             "values": json.dumps(v, ensure_ascii=False, sort_keys=True), "missing": refs, "now": now,
             "reason": reason}
            for row, v, refs in zip(frame["_row"].tolist(), values, lacks)]


def read_all(store: GraphStore) -> list[Held]:
    return [Held(pid, mapping, agency, file, int(row), batch, json.loads(values or "{}"), list(missing or []),
                 first_seen or "", bool(partial), reason or REASON)
            for pid, mapping, agency, file, row, batch, values, missing, first_seen, partial, reason
            in store.read(READ).rows]


def awaited_labels(store: GraphStore) -> set[str]:
    """The labels whose new nodes could let a pending row load (empty: none pending)."""
    rows = store.read("MATCH (p:PendingRow) UNWIND p.missing AS m RETURN DISTINCT m").rows
    return {m.split(".", 1)[0] for (m,) in rows if m}


def frame_of(mapping: Mapping, held: list[Held]) -> pd.DataFrame:
    """The rows as the loader had them when it held them: one column per
    field, typed as the mapping types it, plus `_row`."""
    frame = pd.DataFrame.from_records([h.values for h in held])
    for col in frame.columns:
        kind = mapping.fields[col].type if col in mapping.fields else None
        if kind in ("int", "number"):
            frame[col] = pd.to_numeric(frame[col]).astype("Int64" if kind == "int" else "float64")
        else:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["_row"] = [h.row for h in held]
    return frame


def settle(store: GraphStore, batch: str, ids: list[str]) -> int:
    done = store.write(SETTLE, {"ids": ids, "batch": batch}, snapshot=False)
    return int(done.result.scalar() or 0) if done.result is not None else 0


def select(held: list[Held], keys: list[str]) -> list[Held]:
    """The pending rows a key names: a pending id (`batch:row`), a batch id,
    or `all`."""
    if "all" in keys:
        return list(held)
    wanted = set(keys)
    return [h for h in held if h.pending_id in wanted or h.batch in wanted]


def discard(store: GraphStore, engine: Engine, chosen: list[Held], user: str) -> int:
    """Drop pending rows for good, each counted as rejected in its batch
    (waiting links of a loaded row only leave the store). The
    audit log records who dropped which source rows (no values) first."""
    from reliefgraph.dashboard import audit

    if not chosen:
        return 0
    audit.record(engine, user, "pending_discard", [h.pending_id for h in chosen],
                 {"rows": [{"mapping": h.mapping, "file": h.file, "row": h.row, "batch": h.batch,
                            "missing": h.missing_fields()} for h in chosen]})
    gone = 0
    by_batch: dict[str, list[str]] = {}
    for h in chosen:
        by_batch.setdefault(h.batch, []).append(h.pending_id)
    for batch, ids in by_batch.items():
        done = store.write(DISCARD, {"ids": ids, "batch": batch}, snapshot=False)
        gone += int(done.result.scalar() or 0) if done.result is not None else 0
    store.snapshot()
    return gone
