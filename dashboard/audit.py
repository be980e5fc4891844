"""The audit log: who did what, when, to which subjects — append-only and chained.

Each entry stores the SHA-256 of the entry before it and its own hash over
its content and that link, so editing, deleting or inserting a past entry
breaks the chain at that point (`verify`). The chain cannot reveal a cut-off
tail by itself: `verify` reports the head hash, which an administrator notes
outside the database and compares next time.

The database also refuses UPDATE and DELETE on the table (triggers, below),
so the application cannot rewrite history by mistake; the chain catches
anyone who bypasses that with direct access to the file.

Subjects (citizen IDs, plates, clue ids) are stored as viewed: the log must
say whom a search touched, and only administrators read it. They are never
written to the Python log.
"""
from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import JSON, Column, Integer, String, Table, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from reliefgraph.appdb import metadata

GENESIS = "0" * 64
ACTIONS = {
    "sign_in": "登录", "sign_in_failed": "登录失败", "sign_out": "退出",
    "user_add": "新增用户", "user_disable": "停用用户", "user_password": "重置密码",
    "user_enable": "启用用户", "user_role": "变更角色",
    "search": "检索", "view_subgraph": "查看图谱", "view_clue": "查看线索",
    "run_query": "运行查询", "run_adhoc": "运行自定义查询", "export": "导出",
    "case_change": "案件变更", "view_audit": "查看审计日志", "report": "生成报告",
    "pending_discard": "放弃暂存导入行", "resolution_link": "复核关联人员",
    "unit_add": "新增单位", "user_unit": "变更所属单位",
    "order_dispatch": "派单", "order_claim": "认领派单", "order_assign": "指派核查员",
    "order_feedback": "提交核查反馈", "order_review": "审核派单", "order_vanished": "线索消失标记",
    "attachment_read": "下载附件",
}

audit_log = Table(
    "audit_log", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", String, nullable=False),
    Column("actor", String, nullable=False, index=True),
    Column("role", String),
    Column("action", String, nullable=False, index=True),
    Column("subjects", JSON, nullable=False),
    Column("detail", JSON, nullable=False),
    # Unique: two writers that read the same head cannot both append after
    # it; the loser retries on the new head instead of forking the chain.
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("entry_hash", String(64), nullable=False),
)

# Append-only in the database itself: the triggers that refuse UPDATE and
# DELETE are made by the schema migration (reliefgraph/migrations/versions/0001_initial.py).


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor: str
    role: str | None
    action: str
    subjects: list[str]
    detail: dict[str, Any]
    prev_hash: str
    entry_hash: str


@dataclass
class Verification:
    entries: int = 0
    head: str = GENESIS
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, role: str | None, action: str,
               subjects: list[str], detail: dict[str, Any]) -> str:
    # Canonical JSON (sorted keys, no spaces) so the same content always
    # hashes the same, whichever database returned it.
    body = json.dumps({"seq": seq, "at": at, "actor": actor, "role": role, "action": action,
                       "subjects": subjects, "detail": detail},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + "\n" + body).encode()).hexdigest()


def _plain(value: Any) -> Any:
    # Round-trip through JSON now, so what is hashed is exactly what the
    # JSON column gives back later.
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def append(conn: Connection, actor: str, action: str, subjects: list[str] | None = None,
           detail: dict[str, Any] | None = None, role: str | None = None, now: datetime | None = None) -> Entry:
    """Append one entry inside the caller's transaction (so a case change and
    its entry commit together). On a race the transaction fails with
    IntegrityError: re-run it (see `record` and `with_retry`)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    head = conn.execute(select(audit_log.c.seq, audit_log.c.entry_hash)
                        .order_by(audit_log.c.seq.desc()).limit(1)).first()
    seq = (head.seq + 1) if head else 1
    prev = head.entry_hash if head else GENESIS
    at = (now or datetime.now(timezone.utc)).isoformat(timespec="microseconds")
    subjects = [str(s) for s in (subjects or [])]
    detail = _plain(detail or {})
    digest = entry_hash(prev, seq, at, actor, role, action, subjects, detail)
    conn.execute(audit_log.insert().values(seq=seq, at=at, actor=actor, role=role, action=action,
                                           subjects=subjects, detail=detail, prev_hash=prev,
                                           entry_hash=digest))
    return Entry(seq, at, actor, role, action, subjects, detail, prev, digest)


# Appends from one process (the dashboard's sessions are threads of one
# server) take turns: with 20 sessions writing at once, retrying on the lost
# race alone ran out of attempts. Other processes (the command line, a
# second server) still meet the unique head and retry.
_APPEND_LOCK = threading.Lock()


def with_retry(engine: Engine, work, attempts: int = 8):
    """Run `work(conn)` in a transaction, again if a concurrent append won the
    race for the head (or SQLite reported its write lock busy)."""
    for attempt in range(attempts):
        try:
            with _APPEND_LOCK, engine.begin() as conn:
                return work(conn)
        except (IntegrityError, OperationalError) as exc:
            if attempt == attempts - 1 or not _is_race(exc):
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))


def _is_race(exc: Exception) -> bool:
    text = str(exc).lower()
    return "prev_hash" in text or "unique" in text or "duplicate" in text or "locked" in text or "busy" in text


def record(engine: Engine, actor: str, action: str, subjects: list[str] | None = None,
           detail: dict[str, Any] | None = None, role: str | None = None) -> Entry:
    return with_retry(engine, lambda conn: append(conn, actor, action, subjects, detail, role))


def _entry(row) -> Entry:
    return Entry(row.seq, row.at, row.actor, row.role, row.action, list(row.subjects or []),
                 dict(row.detail or {}), row.prev_hash, row.entry_hash)


def entries(engine: Engine, limit: int = 200, actor: str | None = None, action: str | None = None,
            subject: str | None = None, since: str | None = None, until: str | None = None) -> list[Entry]:
    """Newest first. `subject` matches exactly one of an entry's subjects;
    `since` / `until` bound the time (ISO strings in UTC, as stored; `until` excluded)."""
    query = select(audit_log).order_by(audit_log.c.seq.desc())
    if since:
        query = query.where(audit_log.c.at >= since)
    if until:
        query = query.where(audit_log.c.at < until)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if action:
        query = query.where(audit_log.c.action == action)
    found: list[Entry] = []
    with engine.connect() as conn:
        # Subjects sit in a JSON list; filtering them in Python keeps the
        # query the same on SQLite and PostgreSQL.
        for row in conn.execute(query if subject else query.limit(limit)):
            e = _entry(row)
            if subject and subject not in e.subjects:
                continue
            found.append(e)
            if len(found) >= limit:
                break
    return found


def verify(engine: Engine) -> Verification:
    """Walk the chain from the first entry; report every entry whose content
    or link does not match (an edit shows at that entry, a deletion or an
    insertion at the entry after it)."""
    result = Verification()
    prev = GENESIS
    expected_seq = 1
    with engine.connect() as conn:
        for row in conn.execute(select(audit_log).order_by(audit_log.c.seq)):
            e = _entry(row)
            result.entries += 1
            if e.seq != expected_seq:
                result.problems.append((e.seq, f"序号不连续 sequence gap: expected {expected_seq}"))
            if e.prev_hash != prev:
                result.problems.append((e.seq, "与前一条记录的链接不符 link to the previous entry broken "
                                               "(an entry before it was deleted, inserted or edited)"))
            if entry_hash(e.prev_hash, e.seq, e.at, e.actor, e.role, e.action, e.subjects, e.detail) != e.entry_hash:
                result.problems.append((e.seq, "内容被修改 content does not match its hash (edited)"))
            prev = e.entry_hash
            expected_seq = e.seq + 1
    result.head = prev
    return result


BEIJING = timezone(timedelta(hours=8))
# Detail keys as the administrator reads them; unknown keys are shown as stored.
DETAIL_NAMES = {"text": "检索词", "hits": "结果数", "hops": "跳数", "nodes": "节点数", "types": "关系类型",
                "window": "时间窗口", "format": "格式", "what": "内容", "rows": "行数", "query": "查询",
                "role": "角色", "action": "操作", "reason": "原因", "filters": "筛选条件", "expand": "展开",
                "added": "新增节点", "from_clue": "来自线索", "actor": "用户", "subject": "对象",
                "refused": "被拒绝", "assignee": "核查人", "conclusion": "结论", "kind": "类型", "to": "改为",
                "from": "原状态", "version": "反馈版本", "attachments": "附件", "deadline": "办理期限",
                "clues": "线索", "unit": "单位", "vanished": "消失", "reappeared": "重新出现"}


def beijing_time(at: str) -> str:
    """A stored UTC time as Beijing wall-clock time, to the second."""
    try:
        return datetime.fromisoformat(at).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def day_bounds(first: date | None, last: date | None) -> tuple[str | None, str | None]:
    """Beijing calendar days [first, last] as UTC bounds for `entries(since=, until=)`."""
    def utc(d: date) -> str:
        return datetime(d.year, d.month, d.day, tzinfo=BEIJING).astimezone(timezone.utc).isoformat(
            timespec="microseconds")
    return (utc(first) if first else None, utc(last + timedelta(days=1)) if last else None)


def readable_detail(detail: dict[str, Any]) -> str:
    def shown(v: Any) -> str:
        if isinstance(v, bool):
            return "是" if v else "否"
        if isinstance(v, (list, tuple)):
            return "、".join(shown(x) for x in v if x not in (None, "")) or "—"
        return "—" if v in (None, "") else str(v)
    return "；".join(f"{DETAIL_NAMES.get(k, k)}: {shown(v)}" for k, v in detail.items())


def readable(e: Entry) -> dict[str, Any]:
    """One entry as the admin page and its export show it."""
    return {"#": e.seq, "时间 when (北京时间)": beijing_time(e.at), "用户 who": e.actor, "角色 role": e.role or "",
            "操作 action": f"{ACTIONS.get(e.action, e.action)} {e.action}",
            "对象 subjects": "、".join(e.subjects), "详情 detail": readable_detail(e.detail)}
