"""Document numbers (发文字号): `X县纪委监委〔2026〕12号`, contiguous per issuing
unit per Beijing calendar year.

A number is taken only by a document that was rendered: the file is made
first with the next free number printed in it, then that number, the
audit entry and the file's SHA-256 are recorded in one transaction. A
render that fails writes nothing, so the next document gets the same
number and the series has no gap.

Rendering (seconds for a long ledger) happens outside the write
transaction, so sign-ins and audit appends never wait behind it. Two
issuers that pick the same number race on the table's primary key: the
loser's transaction fails, it re-reads the series and renders again with
the next number. Rows are never deleted, and each is inserted as the
successor of the largest existing one, so the series stays contiguous.
"""
from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import Column, Integer, String, Table, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from reliefgraph.appdb import metadata
from reliefgraph.beijing import to_beijing
from reliefgraph.dashboard import audit

ATTEMPTS = 40
KINDS = {"case_report": "案件线索核查处置报告", "ledger": "线索处置台账"}

document_numbers = Table(
    "document_numbers", metadata,
    Column("unit_id", String, primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("number", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("subject", String, nullable=False),      # the order id, or the ledger's filter
    Column("format", String, nullable=False),
    Column("issued_at", String, nullable=False),     # UTC ISO, as the audit log stores times
    Column("issued_by", String, nullable=False),
    Column("sha256", String(64), nullable=False),    # of the file as issued: a copy can be checked
    Column("audit_seq", Integer, nullable=False),
)

# The unit's 机关代字 in its numbers (e.g. 某县纪委监委 or 某纪发); a unit
# without one is numbered under its name.
document_series = Table(
    "document_series", metadata,
    Column("unit_id", String, primary_key=True),
    Column("prefix", String, nullable=False, unique=True),
)


class NumberingError(RuntimeError):
    """A number could not be taken; the message says why (Chinese + English)."""


@dataclass(frozen=True)
class Issued:
    number: str
    unit_id: str
    year: int
    seq: int
    issued_at: str          # UTC ISO
    data: bytes
    sha256: str
    audit_seq: int


def _is_race(exc: Exception) -> bool:
    # The primary key (PostgreSQL, SQLite), a moved audit head, SQLite's write lock.
    text = str(exc).lower()
    return any(w in text for w in ("unique", "duplicate", "prev_hash", "locked", "busy"))


def format_number(prefix: str, year: int, seq: int) -> str:
    # GB/T 9704: the year in 六角括号, the serial without leading zeros or 第.
    return f"{prefix}〔{year}〕{seq}号"


def set_prefix(engine: Engine, unit_id: str, prefix: str) -> None:
    prefix = prefix.strip()
    if not prefix or any(c in prefix for c in "〔〕"):
        raise ValueError(f"机关代字不能为空或含〔〕 the prefix must be non-blank, without 〔〕: {prefix!r}")
    with engine.begin() as conn:
        taken = conn.execute(select(document_series.c.unit_id).where(document_series.c.prefix == prefix,
                                                                     document_series.c.unit_id != unit_id)).scalar()
        if taken:
            raise ValueError(f"机关代字 {prefix} 已由单位 {taken} 使用 the prefix is already used by unit {taken}")
        conn.execute(document_series.delete().where(document_series.c.unit_id == unit_id))
        conn.execute(document_series.insert().values(unit_id=unit_id, prefix=prefix))


def prefix_of(engine: Engine, unit_id: str, default: str | None = None) -> str:
    with engine.connect() as conn:
        prefix = conn.execute(select(document_series.c.prefix)
                              .where(document_series.c.unit_id == unit_id)).scalar()
    return prefix or default or unit_id


def last_seq(engine: Engine, unit_id: str, year: int) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(document_numbers.c.seq), 0))
                            .where(document_numbers.c.unit_id == unit_id, document_numbers.c.year == year)).scalar()


def issued_documents(engine: Engine, unit_id: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    query = select(document_numbers).order_by(document_numbers.c.unit_id, document_numbers.c.year,
                                              document_numbers.c.seq)
    if unit_id is not None:
        query = query.where(document_numbers.c.unit_id == unit_id)
    if year is not None:
        query = query.where(document_numbers.c.year == year)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def issue(engine: Engine, *, unit_id: str, prefix: str, kind: str, subject: str, fmt: str, actor: str,
          role: str | None, render: Callable[[str, datetime], bytes], subjects: list[str] | None = None,
          detail: dict[str, Any] | None = None, now: datetime | None = None) -> Issued:
    """Render a document under the unit's next number and record it.

    `render(number, issued_at)` makes the file; whatever it raises reaches
    the caller and nothing is recorded. The year is the Beijing year of
    `issued_at`."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    at = now or datetime.now(timezone.utc)
    year = to_beijing(at).year
    rendered: dict[int, bytes] = {}
    for attempt in range(ATTEMPTS):
        seq = last_seq(engine, unit_id, year) + 1
        number = format_number(prefix, year, seq)
        if seq not in rendered:
            rendered = {seq: render(number, at)}
        data = rendered[seq]
        digest = hashlib.sha256(data).hexdigest()
        info = {"number": number, "kind": kind, "format": fmt, "unit": unit_id, "sha256": digest, **(detail or {})}

        def record(conn):
            entry = audit.append(conn, actor, "report", subjects or [subject], info, role, now=at)
            conn.execute(document_numbers.insert().values(
                unit_id=unit_id, year=year, seq=seq, number=number, kind=kind, subject=subject, format=fmt,
                issued_at=entry.at, issued_by=actor, sha256=digest, audit_seq=entry.seq))
            return entry

        try:
            entry = audit.with_retry(engine, record, attempts=1)
        except (IntegrityError, OperationalError) as exc:
            if not _is_race(exc):
                raise
            # Someone took this number (re-render with the next) or the audit
            # head moved (the number is still free: the file is kept).
            time.sleep(random.uniform(0.005, 0.03) * min(attempt + 1, 8))
            continue
        return Issued(number, unit_id, year, seq, entry.at, data, digest, entry.seq)
    raise NumberingError(f"发文字号分配失败（并发过多），请重试 could not take a document number for {unit_id} "
                         f"after {ATTEMPTS} attempts; try again")
