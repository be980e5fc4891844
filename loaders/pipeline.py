"""Load a folder of agency extracts into the graph, file by file.

Each file is one load batch, identified by everything that decides what it
loads: the file's SHA-256, the mapping's content digest and the as-of date.
Loading the same file again is a no-op; a newer month's extract, or the
same file under an edited mapping or another as-of date, is a new batch
whose MERGEs update facts in place (the batch it replaces is marked
`superseded`, so no count is taken twice). A batch's done
mark is written after its data and made durable in the same snapshot, so
after a crash (`kill -9` of the loader or of the engine) re-running the same
command re-does the unfinished file and converges to the uninterrupted result.
"""
from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from reliefgraph.graph.rows import ColumnRows
from reliefgraph.graph.store import GraphStore, StoreError
from reliefgraph.loaders import lookups, pending, resolution
from reliefgraph.loaders.knowledge import GraphKnowledge, member
from reliefgraph.loaders.mapping import Mapping
from reliefgraph.loaders.readers import EXCEL_SUFFIXES, CSV_SUFFIXES, ExtractError, file_sha256, header_of, read_chunks
from reliefgraph.loaders.statements import Anchor, Plan, Statement, compile_mapping
from reliefgraph.loaders.transform import REJECT, WARNING, Reject, check_header, transform
from reliefgraph.loaders.writer import BackgroundWriter

# A row that waits for a reference is neither loaded nor refused.
PENDING = "pending"
_OUTCOME_ZH = {"ambiguous": "多名同名候选，待复核 several candidates, awaiting review",
               "no_match": "户籍中无匹配人员 no matching person in the register"}
REJECT_COLUMNS = ["file", "mapping", "row", "field", "value_masked", "reason_code", "reason", "severity"]


@dataclass
class FileReport:
    file: str
    mapping: str = ""
    agency: str = ""
    batch_id: str = ""
    status: str = "pending"      # loaded | unchanged | rejected (every row) | failed | no_mapping | not_run
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_pending: int = 0        # held in the pending store: they load when their reference appears
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
    # Loaded before under another identity, and why it was loaded again:
    # "as_of", "mapping" or both ("as_of+mapping"); facts are MERGEd in place.
    reloaded: str = ""


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


@dataclass
class PendingReport:
    """What one pass over the pending store did."""
    loaded: int = 0             # rows whose references now exist: loaded, and gone from the store
    waiting: int = 0            # rows still waiting
    no_mapping: int = 0         # rows whose mapping is no longer among the mapping files
    links_loaded: int = 0       # rows whose other facts loaded earlier: their waiting optional links are in
    optional_missing: int = 0   # optional links of rows loaded now whose target is still unknown (they wait)


def batch_id_of(mapping: Mapping, file_hash: str, as_of: date) -> str:
    """Everything that changes what a file loads: the same file under an
    edited mapping or another as-of date is another batch."""
    ident = f"{mapping.id}|{mapping.digest}|{file_hash}|{as_of.isoformat()}"
    return hashlib.sha256(ident.encode()).hexdigest()[:16]


class Loader:
    def __init__(self, store: GraphStore, engine: Engine, reject_dir: Path, as_of: date | None = None,
                 on_rows: Callable[[int], None] | None = None, chunk_rows: int = 50_000,
                 mappings: list[Mapping] | None = None):
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
        # Mappings by id, for pending rows held by files of earlier runs.
        self.mappings: dict[str, Mapping] = {m.id: m for m in mappings or []}
        # Labels pending rows wait for; None until first asked (one small read per run).
        self._awaited: set[str] | None = None
        # Earlier batches of the file being loaded (same file, same mapping id).
        self._earlier: list[str] = []

    # -- one file -------------------------------------------------------------
    def load_file(self, path: Path, mapping: Mapping) -> FileReport:
        started = time.perf_counter()
        report = FileReport(file=path.name, mapping=mapping.id, agency=mapping.agency)
        try:
            file_hash = file_sha256(path)
            self.mappings.setdefault(mapping.id, mapping)
            report.batch_id = batch_id_of(mapping, file_hash, self.as_of)
            self._earlier = []
            if self._batch_done(report.batch_id):
                report.status = "unchanged"
                return report
            check_header(header_of(path, encoding=mapping.encoding, sheet=mapping.sheet,
                                   header_row=mapping.header_row), mapping, path.name)
            report.reloaded = self._reload_reason(mapping, file_hash)
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
            # A file whose every row was refused loads nothing and is not
            # done: the command fails, and a re-run (once the file or the
            # mapping is put right) tries it again.
            refused = report.rows_read > 0 and report.rows_loaded == 0 and report.rows_pending == 0
            self._mark_done(report, file_hash, "rejected" if refused else "done")
            self.store.snapshot(wait=False)
            if refused:
                report.status = "rejected"
                report.error = ("该文件所有行均被拒收，未导入任何数据 every row of this file was rejected, "
                                f"nothing loaded; 见拒收文件 see {report.reject_file}")
            else:
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
        if report.status == "loaded":
            try:
                if self._may_settle(mapping):
                    self.load_pending()
            except StoreError as exc:
                # As for a failed file: what the loader knew may be gone with the engine.
                self.graph.forget()
                self.done_here.clear()
                report.status, report.engine_failed = "failed", True
                report.error = f"{exc} — 待补记录未完成导入，请重新运行 pending rows not finished; re-run the load"
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
        unresolved = frame.iloc[:0]
        if identity is not None and len(frame):
            frame, more, unresolved = self._resolve(frame, mapping, report, file_name)
            bad += more

        # A row that refers to an unknown entity writes nothing now: it waits
        # in the pending store and loads when the entity appears.
        blame = self._unknown(plan.anchors, frame)
        waiting = blame.notna()
        if waiting.any():
            bad += _blamed(frame, blame, pending.REASON, PENDING)
            report.rows_pending += int(waiting.sum())
        for agency, part in _by_agency(frame, mapping):
            src = {"src_agency": agency, "src_file": file_name, "src_batch": report.batch_id}
            held = waiting.loc[part.index]
            if held.any():
                self._hold(part[held], self._missing(part[held], plan.anchors), mapping, src)
            bad += self._write_frame(part[~held], plan, src, mapping)
        # A row naming its person without an ID whom the resolver could not
        # tell (no match, or namesakes) waits too: for a reviewer's decision
        # (`reliefgraph resolve link`) or a later register that settles it.
        for agency, part in _by_agency(unresolved, mapping) if len(unresolved) else []:
            src = {"src_agency": agency, "src_file": file_name, "src_batch": report.batch_id}
            self._hold(part, {f"Person.{identity.id}": [True] * len(part)}, mapping, src,
                       reason=pending.UNRESOLVED)
        report.rows_pending += len(unresolved)
        frame = frame[~waiting]

        rejected_rows = t.rejected_rows | {r.row for r in bad if r.severity == REJECT}
        report.rows_loaded += len(frame)
        report.rows_rejected += len(rejected_rows)
        for r in bad:
            report.reasons[r.reason] += 1
            rejects.writerow(r.as_dict(file_name, mapping.id))
        self.on_rows(len(chunk.frame))

    def _write_frame(self, frame: pd.DataFrame, plan: Plan, src: dict, mapping: Mapping,
                     only: pd.Series | None = None) -> list[Reject]:
        """Send every statement's rows of `frame` (rows whose anchors exist).
        An optional link whose target is unknown is reported and waits in the
        pending store while the row's other facts load. `only` (per row, the
        references now found of a row whose other facts loaded earlier)
        sends just the optional links that waited for them."""
        bad: list[Reject] = []
        links: dict[str, pd.Series] = {}
        for st in plan.statements:
            linking = st.optional and st.rel is not None
            if only is not None and not linking:
                continue
            rows = frame[frame[list(st.needs)].notna().all(axis=1)]
            if linking:
                ends = tuple(Anchor(e.label, e.key_field) for e in (st.rel.source, st.rel.target))
                if only is not None:
                    refs = {f"{a.label}.{a.key_field}" for a in ends}
                    rows = rows[[bool(refs & found) for found in only.loc[rows.index]]]
                missing = self._unknown(ends, rows)
                if only is None and missing.notna().any():
                    bad += _blamed(rows, missing, "optional_reference", WARNING)
                    for ref, hit in self._missing(rows, ends).items():
                        hit = pd.Series(hit, index=rows.index).reindex(frame.index, fill_value=False)
                        links[ref] = links[ref] | hit if ref in links else hit
                rows = rows[missing.isna()]
            if st.query is not None and len(rows):
                self._write(st, dedupe(st, rows), src)
        if links:
            flags = pd.DataFrame(links)
            waiting = flags.any(axis=1)
            self._hold(frame[waiting], {ref: flags.loc[waiting, ref].tolist() for ref in flags.columns},
                       mapping, src, partial=True)
        return bad

    # -- the pending store ---------------------------------------------------
    def _missing(self, rows: pd.DataFrame, anchors) -> dict[str, list[bool]]:
        """Per reference ("Label.field"), which rows name an entity the graph
        lacks (where the anchor applies to the row: its `when:` passes)."""
        found: dict[str, pd.Series] = {}
        for a in anchors:
            hit = rows[a.key_field].notna() & ~member(rows[a.key_field], self.graph.keys(a.label, self.writer.flush))
            if a.when is not None:
                hit &= rows[a.when].notna()
            for merged_here in a.unless:
                hit &= rows[merged_here].isna()
            ref = f"{a.label}.{a.key_field}"
            found[ref] = found[ref] | hit if ref in found else hit
        return {ref: hit.tolist() for ref, hit in found.items()}

    def _hold(self, rows: pd.DataFrame, missing: dict[str, list[bool]], mapping: Mapping, src: dict,
              partial: bool = False, reason: str = pending.REASON) -> None:
        """Keep rows that miss a reference in the pending store (`partial`:
        only their optional links wait), written in order with the file's
        data, so the batch's snapshot holds both."""
        if not len(rows):
            return
        params = pending.hold_rows(rows, missing, mapping, src, partial, reason)
        self.writer.submit(lambda: self.store.write_batches(pending.HOLD, params, snapshot=False))
        if self._awaited is not None:
            self._awaited |= {ref.split(".", 1)[0] for ref, hits in missing.items() if any(hits)}

    def _may_settle(self, mapping: Mapping) -> bool:
        """Whether the file just loaded can have brought what a pending row
        waits for: it wrote new nodes of an awaited label. Costs one small
        read per run when nothing is pending."""
        if self._awaited is None:
            self._awaited = pending.awaited_labels(self.store)
        return bool(self._awaited & {n.label for n in mapping.nodes if n.mode == "merge"})

    def load_pending(self) -> PendingReport:
        """Load every pending row whose references now exist, with the
        provenance of the file and row it came from, and take it out of the
        store; the others stay. Re-running after a crash converges: rows
        are written the MERGE way and a row leaves the store (and counts
        as loaded in its batch) once."""
        result = PendingReport()
        held = pending.read_all(self.store)
        if not held:
            self._awaited = set()
            return result
        groups: dict[tuple, list[pending.Held]] = defaultdict(list)
        for h in held:
            groups[(h.mapping, h.agency, h.file, h.batch)].append(h)
        self.writer = BackgroundWriter()
        try:
            for (mapping_id, agency, file_name, batch), rows in groups.items():
                mapping = self.mappings.get(mapping_id)
                plan = compile_mapping(mapping, self.store.schema) if mapping is not None else None
                needed = ({f for st in plan.statements for f in st.needs} | {f for a in plan.anchors for f in (a.key_field, a.when, *a.unless) if f}
                          if plan is not None else set())
                if plan is None or not all(needed <= h.values.keys() | {"_row"} for h in rows):
                    result.no_mapping += len(rows)  # the mapping is gone, or was edited and lost fields
                    continue
                for label in plan.labels:
                    self.graph.keys(label, self.writer.flush)
                src = {"src_agency": agency, "src_file": file_name, "src_batch": batch}
                whole = [h for h in rows if not h.partial]
                links = [h for h in rows if h.partial]
                if whole:
                    self._settle_rows(pending.frame_of(mapping, whole), plan, mapping, src, result)
                if links:
                    self._settle_links(pending.frame_of(mapping, links), links, plan, mapping, src, result)
            self.writer.flush()
        except StoreError:
            self.graph.forget()
            self.done_here.clear()
            raise
        finally:
            self.writer.close()
            self.writer = None
        if result.loaded or result.links_loaded:
            self.store.snapshot(wait=False)
        self._awaited = None if result.waiting or result.no_mapping else set()
        return result

    def _settle_rows(self, frame: pd.DataFrame, plan: Plan, mapping: Mapping, src: dict,
                     result: PendingReport) -> None:
        """Pending rows whose anchors now exist: load them whole."""
        frame, unknown_person = self._identify(frame, mapping, src)
        ready = self._unknown(plan.anchors, frame).isna() & ~unknown_person
        result.waiting += int((~ready).sum())
        if not ready.any():
            return
        # Written first, then out of the store: a crash in between leaves the
        # row pending and the next run writes it again, the MERGE way.
        result.optional_missing += len(self._write_frame(frame[ready], plan, src, mapping))
        ids = [pending.pending_id(src["src_batch"], r) for r in frame.loc[ready, "_row"].tolist()]
        self.writer.submit(lambda b=src["src_batch"], i=ids: pending.settle(self.store, b, i))
        result.loaded += len(ids)

    def _identify(self, frame: pd.DataFrame, mapping: Mapping, src: dict) -> tuple[pd.DataFrame, pd.Series]:
        """Pending rows that name their person without an ID: the ID a
        reviewer linked the row to, or else the one the resolver finds in
        the graph as it is now (a later register may hold the person); and,
        per row, whether the person is still unknown."""
        ident = mapping.person
        none = pd.Series(False, index=frame.index)
        if ident is None or ident.id not in frame.columns or ident.name not in frame.columns:
            return frame, none
        blank = frame[ident.id].isna() & frame[ident.name].notna()
        if not blank.any():
            return frame, none
        batch = src["src_batch"]
        rows = frame.loc[blank, "_row"].astype(int).tolist()
        linked = resolution.linked_rows(self.engine, batch, rows)
        undone = resolution.undone_rows(self.engine, batch, rows)
        ask = frame[blank & ~frame["_row"].isin(set(linked) | undone)]
        if len(ask):
            queries = _queries(ask, ident)
            self.writer.flush()
            made = resolution.resolve(self.store, queries)
            resolution.record(self.engine, batch, mapping.id, src["src_file"], queries, made)
            linked |= {d.row: d.person_id for d in made if d.outcome == "linked"}
        frame = frame.copy()
        frame[ident.id] = frame[ident.id].where(~blank, frame["_row"].map(linked))
        return frame, blank & frame[ident.id].isna()

    def _settle_links(self, frame: pd.DataFrame, held: list[pending.Held], plan: Plan, mapping: Mapping,
                      src: dict, result: PendingReport) -> None:
        """Rows whose other facts loaded and whose optional links wait: send
        the links whose targets now exist; a row leaves the store once all
        its links are in."""
        recorded = pd.Series([set(h.missing) for h in held], index=frame.index)
        exists = {}
        for ref in set().union(*recorded):
            label, fname = ref.split(".", 1)
            col = frame[fname] if fname in frame.columns else pd.Series(None, index=frame.index, dtype=object)
            exists[ref] = (col.notna() & member(col, self.graph.keys(label, self.writer.flush))).tolist()
        position = {idx: i for i, idx in enumerate(frame.index)}
        found = pd.Series([{r for r in refs if exists[r][position[idx]]} for idx, refs in recorded.items()],
                          index=frame.index)
        progress = found.map(bool)
        done = progress & (found == recorded)
        result.waiting += int((~done).sum())
        if not progress.any():
            return
        self._write_frame(frame[progress], plan, src, mapping, only=found[progress])
        ids = [pending.pending_id(src["src_batch"], r, partial=True) for r in frame.loc[done, "_row"].tolist()]
        if ids:
            self.writer.submit(lambda b=src["src_batch"], i=ids: pending.settle(self.store, b, i))
        result.links_loaded += len(ids)
        still = progress & ~done
        if still.any():
            left = {ref: [ref in recorded[i] and ref not in found[i] for i in frame.index[still]] for ref in exists}
            self._hold(frame[still], left, mapping, src, partial=True)

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
                 file_name: str) -> tuple[pd.DataFrame, list[Reject], pd.DataFrame]:
        """The rows with their person's ID (given, or found by name, birth
        date and region), the rejects, and the ID-less rows the resolver
        could not link (they wait in the pending store)."""
        ident = mapping.person
        has_id = fields[ident.id].notna()
        report.resolved_by_id += int(has_id.sum())
        need = fields[~has_id & fields[ident.name].notna()]
        no_name = fields[~has_id & fields[ident.name].isna()]
        rejects = [Reject(int(r), ident.id, "", "missing_required") for r in no_name["_row"]]
        queries = _queries(need, ident)
        self.writer.flush()
        made = resolution.resolve(self.store, queries)
        # A reviewer's link on an earlier load of this very file holds for this one.
        kept = resolution.reviewed_links(self.engine, self._earlier, [d.row for d in made if d.outcome != "linked"])
        made = [replace(d, outcome="linked", person_id=kept[d.row]) if d.row in kept else d for d in made]
        resolution.record(self.engine, report.batch_id, mapping.id, file_name, queries, made)
        linked = {d.row: d.person_id for d in made if d.outcome == "linked"}
        report.resolved_by_match += len(linked)
        report.unresolved += len(made) - len(linked)
        rejects += [Reject(d.row, ident.id, "", pending.UNRESOLVED, PENDING, detail=_OUTCOME_ZH[d.outcome])
                    for d in made if d.outcome != "linked"]
        fields = fields.copy()
        fill = fields["_row"].map(linked)
        fields[ident.id] = fields[ident.id].where(has_id, fill)
        fields["_resolved"] = ~has_id & fill.notna()
        keep = has_id | fill.notna()
        unlinked = {d.row for d in made if d.outcome != "linked"}
        return fields[keep], rejects, fields[fields["_row"].isin(unlinked)]

    # -- batch bookkeeping -------------------------------------------------
    def _batch_done(self, batch_id: str) -> bool:
        return self.store.read("MATCH (b:LoadBatch {batch_id: $id}) RETURN b.status",
                               {"id": batch_id}).scalar() == "done"

    def _reload_reason(self, mapping: Mapping, file_hash: str) -> str:
        """Why this very file, loaded before under this mapping, is loaded
        again: another as-of date, an edited mapping, or both ("" when it
        was never loaded). A batch written before digests were kept names
        no digest: then only the as-of date can be compared."""
        found = self.store.read(
            "MATCH (o:LoadBatch {file_hash: $hash}) WHERE o.mapping = $mapping AND o.status IN ['done', 'rejected'] "
            "RETURN o.as_of, o.mapping_digest ORDER BY o.finished DESC LIMIT 1",
            {"hash": file_hash, "mapping": mapping.id}).rows
        self._earlier = [r[0] for r in self.store.read(
            "MATCH (o:LoadBatch {file_hash: $hash}) WHERE o.mapping = $mapping RETURN o.batch_id",
            {"hash": file_hash, "mapping": mapping.id}).rows]
        if not found:
            return ""
        as_of, digest = found[0]
        why = []
        if str(as_of) != self.as_of.isoformat():
            why.append("as_of")
        if digest != mapping.digest and (digest is not None or not why):
            why.append("mapping")
        return "+".join(why)

    def _mark_running(self, report: FileReport, path: Path, file_hash: str) -> None:
        # `started` (to the microsecond) doubles as this attempt's token: see _mark_done.
        self._started = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        self.store.write(
            "MERGE (b:LoadBatch {batch_id: $id}) SET b.status = 'running', b.mapping = $mapping, "
            "b.agency = $agency, b.file_name = $file, b.file_hash = $hash, b.started = $now, "
            "b.as_of = $as_of, b.mapping_digest = $digest",
            {"id": report.batch_id, "mapping": report.mapping, "agency": report.agency,
             "file": path.name, "hash": file_hash, "now": self._started, "as_of": self.as_of.isoformat(),
             "digest": self.mappings[report.mapping].digest},
            snapshot=False)

    def lost_batches(self) -> list[str]:
        """Batches this loader marked done that the graph no longer holds as done:
        the engine restarted from an older snapshot (kill -9, out of memory)."""
        if not self.done_here:
            return []
        kept = {r[0] for r in self.store.read(
            "MATCH (b:LoadBatch) WHERE b.batch_id IN $ids AND b.status = 'done' RETURN b.batch_id",
            {"ids": self.done_here}).rows}
        return [b for b in self.done_here if b not in kept]

    def _mark_done(self, report: FileReport, file_hash: str, status: str = "done") -> None:
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
            "SET b.status = $status, b.finished = $now, "
            "b.seconds = $seconds, b.rows_read = $read, b.rows_loaded = $loaded, "
            "b.rows_rejected = $rejected, b.rows_pending = $pending, b.resolved_by_id = $by_id, "
            "b.resolved_by_match = $by_match, b.unresolved = $unresolved RETURN count(b)",
            {"id": report.batch_id, "now": _now(), "seconds": round(report.seconds, 3), "status": status,
             "read": report.rows_read, "loaded": report.rows_loaded, "rejected": report.rows_rejected,
             "pending": report.rows_pending, "by_id": report.resolved_by_id, "by_match": report.resolved_by_match,
             "unresolved": report.unresolved, "started": self._started}, snapshot=False)
        if done.result is None or done.result.scalar() != 1:
            raise StoreError("图数据库在导入该文件期间重启，部分写入已丢失 the graph engine restarted "
                             "while this file was loading and lost part of its writes")
        if status == "done":
            self._supersede(report, file_hash)

    def _supersede(self, report: FileReport, file_hash: str) -> None:
        """The same file loaded before under another identity (an edited
        mapping, another as-of date): its facts were MERGEd again, in place,
        and now name this batch; the earlier batch stops counting, and its
        pending rows give way to this batch's own."""
        done = self.store.write(
            "MATCH (o:LoadBatch {file_hash: $hash}) WHERE o.mapping = $mapping AND o.batch_id <> $id "
            "AND o.status IN ['done', 'rejected'] "
            "SET o.status = 'superseded', o.superseded_by = $id RETURN o.batch_id",
            {"hash": file_hash, "mapping": report.mapping, "id": report.batch_id}, snapshot=False)
        old = [r[0] for r in (done.result.rows if done.result is not None else [])]
        if old:
            self.store.write("MATCH (p:PendingRow) WHERE p.src_batch IN $old DELETE p", {"old": old},
                             snapshot=False)


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


def _queries(need: pd.DataFrame, ident) -> list[resolution.Query]:
    """What the resolver is asked of each ID-less row: name, birth date, region."""
    def column(name: str | None) -> list:
        if not name or name not in need.columns:
            return [None] * len(need)
        return need[name].astype(object).where(need[name].notna(), None).tolist()

    return [resolution.Query(row=int(row), name=name, birth_date=born, region=region)
            for row, name, born, region in zip(need["_row"], column(ident.name),
                                               column(ident.birth_date), column(ident.region))]


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
