"""Load a folder of agency extracts into the graph, file by file.

Each file is one load batch, identified by the file's SHA-256 and the
mapping's digest: loading the same file again is a no-op, a newer month's
extract is a new batch whose MERGEs update facts in place. A batch's done
mark is written after its data and made durable in the same snapshot, so
after a crash (`kill -9` of the loader or of the engine) re-running the same
command re-does the unfinished file and converges to the uninterrupted result.
"""
from __future__ import annotations

import csv
import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from reliefgraph.graph.rows import ColumnRows
from reliefgraph.graph.store import GraphStore, StoreError
from reliefgraph.loaders import lookups, resolution
from reliefgraph.loaders.knowledge import GraphKnowledge, member
from reliefgraph.loaders.mapping import Mapping
from reliefgraph.loaders.readers import EXCEL_SUFFIXES, CSV_SUFFIXES, ExtractError, file_sha256, header_of, read_chunks
from reliefgraph.loaders.statements import Anchor, Plan, Statement, compile_mapping
from reliefgraph.loaders.transform import REJECT, WARNING, Reject, check_header, transform
from reliefgraph.loaders.writer import BackgroundWriter

REJECT_COLUMNS = ["file", "mapping", "row", "field", "value_masked", "reason_code", "reason", "severity"]


@dataclass
class FileReport:
    file: str
    mapping: str = ""
    agency: str = ""
    batch_id: str = ""
    status: str = "pending"      # loaded | unchanged | failed | no_mapping | not_run
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    blank: int = 0
    resolved_by_id: int = 0
    resolved_by_match: int = 0
    unresolved: int = 0
    reasons: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    error: str = ""
    reject_file: str = ""
    engine_failed: bool = False  # failed because the graph store did, not the file: re-run


def plan(directory: Path, mappings: list[Mapping]) -> tuple[list[tuple[Path, Mapping]], list[FileReport]]:
    """Pair each data file with its one mapping, in load order (persons first)."""
    pairs, unmatched = [], []
    for path in sorted(Path(directory).iterdir()):
        if path.name.startswith((".", "_")) or not path.is_file():
            continue
        if path.suffix.lower() not in CSV_SUFFIXES | EXCEL_SUFFIXES:
            continue
        found = [m for m in mappings if m.matches(path.name)]
        if len(found) == 1 or (found and all(m.shares_file for m in found)):
            pairs += [(path, m) for m in found]
        elif not found and lookups.matches_any(mappings, path.name):
            unmatched.append(FileReport(file=path.name, status="lookup",
                                        error="仅作为查找表读取 read as a look-up table only"))
        elif not found:
            unmatched.append(FileReport(file=path.name, status="no_mapping",
                                        error="没有匹配的映射文件 no mapping file matches this file name"))
        else:
            unmatched.append(FileReport(file=path.name, status="failed",
                                        error=f"多个映射匹配 several mappings match: {[m.id for m in found]}"))
    pairs.sort(key=lambda pm: (pm[1].order, pm[1].id, pm[0].name))
    return pairs, unmatched


def batch_id_of(mapping: Mapping, file_hash: str) -> str:
    return hashlib.sha256(f"{mapping.id}|{mapping.digest}|{file_hash}".encode()).hexdigest()[:16]


class Loader:
    def __init__(self, store: GraphStore, engine: Engine, reject_dir: Path, as_of: date | None = None,
                 on_rows: Callable[[int], None] | None = None, chunk_rows: int = 50_000):
        self.store, self.engine = store, engine
        self.reject_dir = Path(reject_dir)
        self.as_of = as_of or date.today()
        self.on_rows = on_rows or (lambda n: None)
        self.chunk_rows = chunk_rows
        self.writer: BackgroundWriter | None = None
        self._tables: dict | None = None   # the look-up tables of the file being loaded
        self.graph = GraphKnowledge(store)
        # What the loader remembers of the graph is only true of the graph it
        # wrote: a read must fail, not quietly reach an engine restarted from
        # an older snapshot.
        store.repeat_reads_after_restart = False
        # Batches this loader marked done: an engine restarted from an older
        # snapshot loses them silently (see lost_batches).
        self.done_here: list[str] = []

    # -- one file -------------------------------------------------------------
    def load_file(self, path: Path, mapping: Mapping) -> FileReport:
        started = time.perf_counter()
        report = FileReport(file=path.name, mapping=mapping.id, agency=mapping.agency)
        try:
            file_hash = file_sha256(path)
            report.batch_id = batch_id_of(mapping, file_hash)
            if self._batch_done(report.batch_id):
                report.status = "unchanged"
                return report
            check_header(header_of(path, encoding=mapping.encoding, sheet=mapping.sheet,
                                   header_row=mapping.header_row), mapping, path.name)
            self._tables = lookups.read_tables(mapping, path.parent) if mapping.lookups else None
            self._mark_running(report, path, file_hash)
            plan = compile_mapping(mapping, self.store.schema)
            self.writer = BackgroundWriter()
            # What the graph holds of each label is read now, while no write is
            # on its way: read at first use, mid-chunk, it waited for the
            # chunk's earlier writes to land (a quarter second on the register).
            for label in plan.labels:
                self.graph.keys(label, self.writer.flush)
            self.reject_dir.mkdir(parents=True, exist_ok=True)
            reject_path = self.reject_dir / f"{mapping.id}__{report.batch_id}.csv"
            report.reject_file = str(reject_path)
            with open(reject_path, "w", newline="", encoding="utf-8-sig") as fh:
                rejects = csv.DictWriter(fh, REJECT_COLUMNS)
                rejects.writeheader()
                for chunk in read_chunks(path, encoding=mapping.encoding, sheet=mapping.sheet,
                                         header_row=mapping.header_row, chunk_rows=self.chunk_rows):
                    self._load_chunk(chunk, mapping, plan, report, rejects, path.name)
            self.writer.flush()
            report.seconds = time.perf_counter() - started
            # Data and the done mark become durable in one snapshot: after a
            # crash either both are there or neither, and the file is redone.
            # It is written in the background while the next file loads; the
            # snapshot at the end of the run (or at close) waits for it.
            self._mark_done(report)
            self.store.snapshot(wait=False)
            self.done_here.append(report.batch_id)
            report.status = "loaded"
        except ExtractError as exc:
            report.status, report.error = "failed", str(exc)
        except OSError as exc:  # the file vanished or cannot be read, the reject folder cannot be written
            report.status, report.error = "failed", f"{path.name}: 文件读写失败 file error: {exc}"
        except StoreError as exc:
            self.graph.forget()
            self.done_here.clear()
            report.status, report.error = "failed", f"{exc} — 该文件未完成导入，请重新运行 re-run the load"
            report.engine_failed = True
        finally:
            if self.writer is not None:
                self.writer.close()
                self.writer = None
        report.seconds = time.perf_counter() - started
        return report

    def _load_chunk(self, chunk, mapping: Mapping, plan: Plan, report: FileReport,
                    rejects: csv.DictWriter, file_name: str) -> None:
        identity = mapping.person
        t = transform(chunk, mapping, self.as_of, {identity.id} if identity else None, self._tables)
        report.rows_read += len(chunk.frame) - t.blank_rows + len(chunk.malformed)
        report.blank += t.blank_rows
        report.duplicates += t.duplicate_rows
        bad: list[Reject] = list(t.rejects)
        frame = t.fields
        if identity is not None and len(frame):
            frame, more = self._resolve(frame, mapping, report, file_name)
            bad += more

        # A row that refers to an unknown entity writes nothing at all.
        blame = self._unknown(plan.anchors, frame)
        bad += _blamed(frame, blame, "unknown_reference")
        frame = frame[blame.isna()]
        for agency, part in _by_agency(frame, mapping):
            src = {"src_agency": agency, "src_file": file_name, "src_batch": report.batch_id}
            for st in plan.statements:
                rows = part[part[list(st.needs)].notna().all(axis=1)]
                if st.optional and st.rel is not None:
                    ends = tuple(Anchor(e.label, e.key_field) for e in (st.rel.source, st.rel.target))
                    missing = self._unknown(ends, rows)
                    bad += _blamed(rows, missing, "optional_reference", WARNING)
                    rows = rows[missing.isna()]
                if st.query is not None and len(rows):
                    self._write(st, dedupe(st, rows), src)

        rejected_rows = t.rejected_rows | {r.row for r in bad if r.severity == REJECT}
        report.rows_loaded += len(frame)
        report.rows_rejected += len(rejected_rows)
        for r in bad:
            report.reasons[r.reason] += 1
            rejects.writerow(r.as_dict(file_name, mapping.id))
        self.on_rows(len(chunk.frame))

    def _write(self, st: Statement, rows: pd.DataFrame, src: dict) -> None:
        """Send a statement's rows: new entities by bulk insert where the store
        has one, else by CREATE; the rest by MERGE (or, where the engine seeks
        nodes by id, by id)."""
        new = self.graph.new_rows(st, rows, self.writer.flush)
        # Before the writes are sent: the writer fills in the ids of new nodes.
        self.graph.written(st, rows, new)
        created, existing = rows[new].pipe(fold, st), rows[~new]
        seek = self.store.seeks_node_ids
        if len(created):
            if seek and st.node is not None:
                bulk = self._encode(st, created, src)
                self.writer.submit(lambda: self._create_nodes(st, created, src, bulk))
            elif seek and st.by_id_query is not None:
                bulk = self._encode(st, created, src)
                self.writer.submit(lambda: self._by_id(st, created, src, fallback=st.create_query, bulk=bulk))
            else:
                params = column_rows(st, created, src)
                self.writer.submit(lambda p=params: self.store.write_rows(st.create_query, p, {"src": src}))
        if len(existing):
            if seek and st.node is not None and st.by_id_query is None:
                return  # a node the graph holds, with nothing to set: nothing to write
            if seek and st.node is not None:
                self.writer.submit(lambda: self._by_id(st, existing, src, fallback=st.query))
            elif st.query is not None:
                params = column_rows(st, existing, src)
                self.writer.submit(lambda p=params: self.store.write_rows(st.query, p, {"src": src}))

    def _encode(self, st: Statement, rows: pd.DataFrame, src: dict):
        """New entities encoded for a bulk create, here in the loader's thread
        while the writer's waits on the engine (None: the store has none)."""
        if not self.store.bulk_creates:
            return None
        name = st.node.label if st.node is not None else st.rel.type
        return self.store.encode_bulk(name, bulk_props(st, column_rows(st, rows, src), src), len(rows))

    # -- run in the writer thread, after every earlier write has landed ---------
    def _create_nodes(self, st: Statement, rows: pd.DataFrame, src: dict, bulk=None) -> None:
        if bulk is not None:
            ids = self.store.create_nodes(bulk, rows[st.node.key_field])
            self.graph.placed(st.node.label, rows[st.node.key_field], ids)
            return
        done = self.store.write_rows(st.create_ids_query, column_rows(st, rows, src), {"src": src})
        self.graph.created(st.node.label, rows.set_index("_row")[st.node.key_field], done.result)

    def _by_id(self, st: Statement, rows: pd.DataFrame, src: dict, fallback: str, bulk=None) -> None:
        """Write rows whose nodes have known ids by id, the others by key. A
        batch whose rows did not all reach their nodes is sent again by key,
        the MERGE way, which never doubles what the first attempt wrote."""
        ends = ({"n": (st.node.label, st.node.key_field)} if st.node is not None else
                {"s": (st.rel.source.label, st.rel.source.key_field),
                 "t": (st.rel.target.label, st.rel.target.key_field)})
        ids = {var: self.graph.ids(label, rows[field]) for var, (label, field) in ends.items()}
        known = np.logical_and.reduce([i >= 0 for i in ids.values()])
        if not known.all():
            self.store.write_rows(fallback, column_rows(st, rows[~known], src), {"src": src})
        if not known.any():
            return
        part = rows[known]
        if bulk is not None:
            # New relationships between nodes of known id: nothing to match.
            self.store.create_relationships(bulk.take(known), ids["s"][known], ids["t"][known])
            return
        by_id = {var: pd.Series(i[known], index=part.index) for var, i in ids.items()}
        done = self.store.write_rows(st.by_id_query, column_rows(st, part, src, by_id), {"src": src})
        reached = (sum(r[0] for r in done.result.rows) if st.node is not None and done.result is not None
                   else done.relationships_created)
        if reached != len(part):
            self.store.write_rows(st.query, column_rows(st, part, src), {"src": src})

    def _unknown(self, anchors, frame: pd.DataFrame) -> pd.Series:
        """Per row, the field whose referenced entity does not exist (NA when all exist)."""
        blame = pd.Series(pd.NA, index=frame.index, dtype=object)
        for a in anchors:
            col = frame[a.key_field]
            hit = col.notna() & ~member(col, self.graph.keys(a.label, self.writer.flush))
            if a.when is not None:
                hit &= frame[a.when].notna()
            for merged_here in a.unless:
                hit &= frame[merged_here].isna()
            blame = blame.mask(hit & blame.isna(), a.key_field)
        return blame

    def _resolve(self, fields: pd.DataFrame, mapping: Mapping, report: FileReport,
                 file_name: str) -> tuple[pd.DataFrame, list[Reject]]:
        ident = mapping.person
        has_id = fields[ident.id].notna()
        report.resolved_by_id += int(has_id.sum())
        need = fields[~has_id & fields[ident.name].notna()]
        no_name = fields[~has_id & fields[ident.name].isna()]
        rejects = [Reject(int(r), ident.id, "", "missing_required") for r in no_name["_row"]]
        def column(name: str | None) -> list:
            if not name:
                return [None] * len(need)
            return need[name].astype(object).where(need[name].notna(), None).tolist()

        queries = [resolution.Query(row=int(row), name=name, birth_date=born, region=region)
                   for row, name, born, region in zip(need["_row"], column(ident.name),
                                                      column(ident.birth_date), column(ident.region))]
        self.writer.flush()
        made = resolution.resolve(self.store, queries)
        resolution.record(self.engine, report.batch_id, mapping.id, file_name, queries, made)
        linked = {d.row: d.person_id for d in made if d.outcome == "linked"}
        report.resolved_by_match += len(linked)
        report.unresolved += len(made) - len(linked)
        rejects += [Reject(d.row, ident.id, "", "unresolved_person") for d in made if d.outcome != "linked"]
        fields = fields.copy()
        fill = fields["_row"].map(linked)
        fields[ident.id] = fields[ident.id].where(has_id, fill)
        fields["_resolved"] = ~has_id & fill.notna()
        keep = has_id | fill.notna()
        return fields[keep], rejects

    # -- batch bookkeeping -------------------------------------------------
    def _batch_done(self, batch_id: str) -> bool:
        return self.store.read("MATCH (b:LoadBatch {batch_id: $id}) RETURN b.status",
                               {"id": batch_id}).scalar() == "done"

    def _mark_running(self, report: FileReport, path: Path, file_hash: str) -> None:
        # `started` (to the microsecond) doubles as this attempt's token: see _mark_done.
        self._started = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        self.store.write(
            "MERGE (b:LoadBatch {batch_id: $id}) SET b.status = 'running', b.mapping = $mapping, "
            "b.agency = $agency, b.file_name = $file, b.file_hash = $hash, b.started = $now",
            {"id": report.batch_id, "mapping": report.mapping, "agency": report.agency,
             "file": path.name, "hash": file_hash, "now": self._started}, snapshot=False)

    def lost_batches(self) -> list[str]:
        """Batches this loader marked done that the graph no longer holds as done:
        the engine restarted from an older snapshot (kill -9, out of memory)."""
        if not self.done_here:
            return []
        kept = {r[0] for r in self.store.read(
            "MATCH (b:LoadBatch) WHERE b.batch_id IN $ids AND b.status = 'done' RETURN b.batch_id",
            {"ids": self.done_here}).rows}
        return [b for b in self.done_here if b not in kept]

    def _mark_done(self, report: FileReport) -> None:
        # If the engine died and came back from its last snapshot during this
        # file, a read may have restarted it silently and later writes gone on:
        # the rows written before the restart are lost. That snapshot predates
        # this attempt's running mark, so the mark is gone too - then the file
        # must fail and be redone, not be marked done with rows missing. The
        # same restart may also have lost files done earlier in this run whose
        # snapshot had not finished, which this file's rows may refer to.
        if self.lost_batches():
            raise StoreError("图数据库重启后丢失了本次已导入的文件 the graph engine restarted from an "
                             "older snapshot and lost files loaded earlier in this run")
        done = self.store.write(
            "MATCH (b:LoadBatch {batch_id: $id}) WHERE b.status = 'running' AND b.started = $started "
            "SET b.status = 'done', b.finished = $now, "
            "b.seconds = $seconds, b.rows_read = $read, b.rows_loaded = $loaded, "
            "b.rows_rejected = $rejected, b.resolved_by_id = $by_id, b.resolved_by_match = $by_match, "
            "b.unresolved = $unresolved RETURN count(b)",
            {"id": report.batch_id, "now": _now(), "seconds": round(report.seconds, 3),
             "read": report.rows_read, "loaded": report.rows_loaded, "rejected": report.rows_rejected,
             "by_id": report.resolved_by_id, "by_match": report.resolved_by_match,
             "unresolved": report.unresolved, "started": self._started}, snapshot=False)
        if done.result is None or done.result.scalar() != 1:
            raise StoreError("图数据库在导入该文件期间重启，部分写入已丢失 the graph engine restarted "
                             "while this file was loading and lost part of its writes")


def dedupe(st: Statement, rows: pd.DataFrame) -> pd.DataFrame:
    """Without rows that would write exactly what an earlier row writes (a
    village named by every villager). A fact added to an existing node keeps
    every row: each names its own source record."""
    if st.node is not None and st.node.mode == "match":
        return rows
    if not rows[st.keys[0]].duplicated().any():
        return rows  # no two rows share the first key, so none are alike: skip the costlier whole-row check
    fields = [*st.keys, *_written_fields(st)]
    return rows[~rows[list(dict.fromkeys(fields))].duplicated().to_numpy()]


def fold(rows: pd.DataFrame, st: Statement) -> pd.DataFrame:
    """One row per new entity, holding what MERGE-then-SET row by row would
    leave: provenance and create-only values of the first row that creates a
    node (of the last that writes a relationship), each other property's last
    non-blank value."""
    identity = st.identity
    if not rows[identity].duplicated().any():
        return rows
    groups = rows.groupby(identity, sort=False, dropna=False)
    kept = groups.head(1) if st.node is not None else groups.tail(1)
    kept = kept.set_index(identity)
    latest = [f for f in _set_fields(st) if f not in identity]
    if latest:
        kept[latest] = groups[latest].last()
    return kept.reset_index()[rows.columns]


def column_rows(st: Statement, rows: pd.DataFrame, src: dict, ids: dict[str, pd.Series] | None = None) -> ColumnRows:
    """The parameters a statement needs, column-wise: nodes named by key in
    `k`, or by internal id in `d` when `ids` are given."""
    maps: dict[str, dict[str, pd.Series]] = {"d": ids} if ids is not None else {"k": {f: rows[f] for f in st.keys}}
    n, r = st.node, st.rel
    if n is not None and n.set:
        maps["n"] = {prop: rows[f] for prop, f in n.set.items()}
        if n.mode == "match":
            # A fact added to an existing node names its own source record.
            ref = (f"{src['src_agency']}|{src['src_file']}|" + rows["_row"].astype(str)
                   + f"|{src['src_batch']}")
            maps["n"].update({f"{prop}_src": ref.where(rows[f].notna()) for prop, f in n.set.items()})
    if n is not None and n.create_only:
        maps["c"] = {prop: rows[f] for prop, f in n.create_only.items()}
    if r is not None and r.merge:
        maps["m"] = {prop: rows[f] for prop, f in r.merge.items()}
    if r is not None and r.set:
        maps["r"] = {prop: rows[f] for prop, f in r.set.items()}
    return ColumnRows(i=rows["_row"], maps=maps)


def bulk_props(st: Statement, rows: ColumnRows, src: dict) -> dict:
    """The properties a create form writes (`st.create_props`), as columns
    of `rows` or constants, for a bulk create."""
    props = {}
    for prop, source in st.create_props:
        if source == "row.i":
            props[prop] = rows.i
        elif source.startswith("$src."):
            props[prop] = src[source.removeprefix("$src.")]
        else:
            _, name, key = source.split(".", 2)
            props[prop] = rows.maps[name][key]
    return props


def _set_fields(st: Statement) -> list[str]:
    return list((st.node.set if st.node is not None else st.rel.set).values())


def _written_fields(st: Statement) -> list[str]:
    if st.node is not None:
        return [*st.node.set.values(), *st.node.create_only.values()]
    return [*st.rel.merge.values(), *st.rel.set.values()]


def _by_agency(frame: pd.DataFrame, mapping: Mapping) -> list[tuple[str, pd.DataFrame]]:
    """The rows by the agency they came from: the mapping's, or per row its
    `agency_field` (blank: the mapping's)."""
    if mapping.agency_field is None:
        return [(mapping.agency, frame)]
    agency = frame[mapping.agency_field].astype(object).where(frame[mapping.agency_field].notna(), mapping.agency)
    return [(str(a), frame[agency == a]) for a in pd.unique(agency)]


def _blamed(frame: pd.DataFrame, blame: pd.Series, reason: str, severity: str = REJECT) -> list[Reject]:
    hit = blame.notna()
    return [Reject(int(row), fname, _mask(value), reason, severity)
            for row, fname, value in zip(frame.loc[hit, "_row"], blame[hit],
                                         (frame.at[idx, blame[idx]] for idx in blame[hit].index))]


def _mask(value) -> str:
    from reliefgraph.loaders.validate import mask

    return mask(str(value)) if value is not None else ""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
