"""Load a folder of agency extracts into the graph, file by file.

Each file is one load batch, identified by the file's SHA-256 and the
mapping's digest: loading the same file again is a no-op, a newer month's
extract is a new batch whose MERGEs update facts in place. A batch is marked
done in the graph only after its writes are snapshotted, so after a crash
(`kill -9` of the loader or of the engine) re-running the same command
re-does the unfinished file and converges to the uninterrupted result.
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

import pandas as pd
from sqlalchemy.engine import Engine

from reliefgraph.graph.store import GraphStore, chunked
from reliefgraph.loaders import resolution
from reliefgraph.loaders.mapping import Mapping
from reliefgraph.loaders.readers import EXCEL_SUFFIXES, CSV_SUFFIXES, ExtractError, file_sha256, header_of, read_chunks
from reliefgraph.loaders.statements import Statement, compile_mapping
from reliefgraph.loaders.transform import Reject, Transformed, check_header, transform

WRITE_BATCH = 10_000
REJECT_COLUMNS = ["file", "mapping", "row", "field", "value_masked", "reason_code", "reason"]


@dataclass
class FileReport:
    file: str
    mapping: str = ""
    agency: str = ""
    batch_id: str = ""
    status: str = "pending"      # loaded | unchanged | failed | no_mapping
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


def plan(directory: Path, mappings: list[Mapping]) -> tuple[list[tuple[Path, Mapping]], list[FileReport]]:
    """Pair each data file with its one mapping, in load order (persons first)."""
    pairs, unmatched = [], []
    for path in sorted(Path(directory).iterdir()):
        if path.name.startswith((".", "_")) or not path.is_file():
            continue
        if path.suffix.lower() not in CSV_SUFFIXES | EXCEL_SUFFIXES:
            continue
        found = [m for m in mappings if m.matches(path.name)]
        if len(found) == 1:
            pairs.append((path, found[0]))
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

    # -- one file -------------------------------------------------------------
    def load_file(self, path: Path, mapping: Mapping) -> FileReport:
        started = time.perf_counter()
        report = FileReport(file=path.name, mapping=mapping.id, agency=mapping.agency)
        file_hash = file_sha256(path)
        report.batch_id = batch_id_of(mapping, file_hash)
        if self._batch_done(report.batch_id):
            report.status = "unchanged"
            return report
        try:
            check_header(header_of(path, encoding=mapping.encoding, sheet=mapping.sheet,
                                   header_row=mapping.header_row), mapping, path.name)
            self._mark_running(report, path, file_hash)
            statements = compile_mapping(mapping, self.store.schema)
            self.reject_dir.mkdir(parents=True, exist_ok=True)
            reject_path = self.reject_dir / f"{mapping.id}__{report.batch_id}.csv"
            report.reject_file = str(reject_path)
            with open(reject_path, "w", newline="", encoding="utf-8-sig") as fh:
                rejects = csv.DictWriter(fh, REJECT_COLUMNS)
                rejects.writeheader()
                for chunk in read_chunks(path, encoding=mapping.encoding, sheet=mapping.sheet,
                                         header_row=mapping.header_row, chunk_rows=self.chunk_rows):
                    self._load_chunk(chunk, mapping, statements, report, rejects, path.name)
            self.store.snapshot()
            report.seconds = time.perf_counter() - started
            self._mark_done(report)
            report.status = "loaded"
        except ExtractError as exc:
            report.status, report.error = "failed", str(exc)
        report.seconds = time.perf_counter() - started
        return report

    def _load_chunk(self, chunk, mapping: Mapping, statements: list[Statement], report: FileReport,
                    rejects: csv.DictWriter, file_name: str) -> None:
        identity = mapping.person
        t = transform(chunk, mapping, self.as_of, {identity.id} if identity else None)
        report.rows_read += len(chunk.frame) - t.blank_rows + len(chunk.malformed)
        report.blank += t.blank_rows
        report.duplicates += t.duplicate_rows
        bad: list[Reject] = list(t.rejects)
        fields = t.fields
        if identity is not None and len(fields):
            fields, more = self._resolve(fields, mapping, report, file_name)
            bad += more
        params = build_params(fields, mapping, report.batch_id, file_name)
        written: list[dict] = []
        for st in statements:
            eligible = [p for p in params if all(p["_f"].get(n) is not None for n in st.needs)]
            unknown = self._unknown_anchors(st, eligible)
            ok = [p for p in eligible if p["i"] not in unknown]
            self._write(st, ok)
            reason = "optional_reference" if st.optional else "unknown_reference"
            bad += [Reject(row, fname, _mask(value), reason) for row, (fname, value) in sorted(unknown.items())]
            if not st.optional:
                written = ok
        rejected_rows = t.rejected_rows | {r.row for r in bad if r.reason != "optional_reference"}
        report.rows_loaded += len(written)
        report.rows_rejected += len(rejected_rows)
        for r in bad:
            report.reasons[r.reason] += 1
            rejects.writerow(r.as_dict(file_name, mapping.id))
        self.on_rows(len(chunk.frame))

    def _write(self, st: Statement, params: list[dict]) -> None:
        for batch in chunked(({k: v for k, v in p.items() if k != "_f"} for p in params), WRITE_BATCH):
            self.store.write(st.query, {"rows": batch}, snapshot=False)

    def _unknown_anchors(self, st: Statement, params: list[dict]) -> dict[int, tuple[str, object]]:
        """Rows (by row number) whose referenced entity does not exist, with the field to blame."""
        unknown: dict[int, tuple[str, object]] = {}
        for label, fname in st.anchors:
            values = sorted({p["_f"][fname] for p in params})
            if not values:
                continue
            key = self.store.schema.node(label).key
            found = {r[0] for r in self.store.read(
                f"UNWIND $vals AS v MATCH (n:{label} {{{key}: v}}) RETURN v", {"vals": values}).rows}
            for p in params:
                if p["_f"][fname] not in found and p["i"] not in unknown:
                    unknown[p["i"]] = (fname, p["_f"][fname])
        return unknown

    def _resolve(self, fields: pd.DataFrame, mapping: Mapping, report: FileReport,
                 file_name: str) -> tuple[pd.DataFrame, list[Reject]]:
        ident = mapping.person
        has_id = fields[ident.id].notna()
        report.resolved_by_id += int(has_id.sum())
        need = fields[~has_id & fields[ident.name].notna()]
        no_name = fields[~has_id & fields[ident.name].isna()]
        rejects = [Reject(int(r), ident.id, "", "missing_required") for r in no_name["_row"]]
        queries = [resolution.Query(row=int(r["_row"]), name=r[ident.name],
                                    birth_date=_opt(r, ident.birth_date), region=_opt(r, ident.region))
                   for _, r in need.iterrows()]
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
        self.store.write(
            "MERGE (b:LoadBatch {batch_id: $id}) SET b.status = 'running', b.mapping = $mapping, "
            "b.agency = $agency, b.file_name = $file, b.file_hash = $hash, b.started = $now",
            {"id": report.batch_id, "mapping": report.mapping, "agency": report.agency,
             "file": path.name, "hash": file_hash, "now": _now()}, snapshot=False)

    def _mark_done(self, report: FileReport) -> None:
        self.store.write(
            "MATCH (b:LoadBatch {batch_id: $id}) SET b.status = 'done', b.finished = $now, "
            "b.seconds = $seconds, b.rows_read = $read, b.rows_loaded = $loaded, "
            "b.rows_rejected = $rejected, b.resolved_by_id = $by_id, b.resolved_by_match = $by_match, "
            "b.unresolved = $unresolved",
            {"id": report.batch_id, "now": _now(), "seconds": round(report.seconds, 3),
             "read": report.rows_read, "loaded": report.rows_loaded, "rejected": report.rows_rejected,
             "by_id": report.resolved_by_id, "by_match": report.resolved_by_match,
             "unresolved": report.unresolved})


def build_params(fields: pd.DataFrame, mapping: Mapping, batch_id: str, file_name: str) -> list[dict]:
    """One parameter map per row, shaped for the compiled statements (see statements.py)."""
    if fields.empty:
        return []
    records = fields.astype(object).where(fields.notna(), None).to_dict("records")
    key_fields = sorted({n.key_field for n in mapping.nodes}
                        | {e.key_field for r in mapping.rels for e in (r.source, r.target)})
    out = []
    for rec in records:
        row = int(rec["_row"])
        src = {"src_agency": mapping.agency, "src_file": file_name, "src_row": row, "src_batch": batch_id}
        source_ref = f"{mapping.agency}|{file_name}|{row}|{batch_id}"
        p = {"i": row, "_f": rec, "k": {f: rec[f] for f in key_fields}}
        for i, n in enumerate(mapping.nodes):
            sets = {prop: rec[f] for prop, f in n.set.items() if rec[f] is not None}
            if n.mode == "match":
                sets.update({f"{prop}_src": source_ref for prop in list(sets)})
            else:
                p[f"c{i}"] = {**{prop: rec[f] for prop, f in n.create_only.items() if rec[f] is not None}, **src}
            p[f"n{i}"] = sets
        for i, r in enumerate(mapping.rels):
            p[f"m{i}"] = {prop: rec[f] for prop, f in r.merge.items()}
            p[f"r{i}"] = {**{prop: rec[f] for prop, f in r.set.items() if rec[f] is not None}, **src}
        out.append(p)
    return out


def _opt(rec, name: str | None):
    if not name:
        return None
    value = rec[name]
    return None if pd.isna(value) else value


def _mask(value) -> str:
    from reliefgraph.loaders.validate import mask

    return mask(str(value)) if value is not None else ""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
