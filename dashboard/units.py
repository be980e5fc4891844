"""Units: the departments, towns and villages that dispatch, verify and review orders.

A unit is a row of application state, not a graph fact: the county
discipline commission (纪委监委) dispatches clues and reviews what comes
back, the civil-affairs bureau (民政局) and town governments (乡镇人民政府)
verify them. Every account belongs to at most one unit (`users.unit_id`,
set with `accounts.set_unit`); what an account may see and do with an order
follows from its role and its unit (permissions.py).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import Column, ForeignKey, String, Table, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from reliefgraph.appdb import metadata

KINDS = {
    "discipline": ("纪检监察机关", "Discipline inspection commission"),
    "civil_affairs": ("民政部门", "Civil-affairs bureau"),
    "town": ("乡镇（街道）", "Town government"),
    "village": ("村（社区）", "Village committee"),
    "other": ("其他单位", "Other unit"),
}
UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")

units = Table(
    "units", metadata,
    Column("unit_id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("region_code", String),
    Column("parent_unit", String, ForeignKey("units.unit_id")),
    Column("created", String, nullable=False),
)


class UnitError(ValueError):
    """A unit request was refused; the message says why (Chinese + English)."""


def add_unit(engine: Engine, unit_id: str, name: str, kind: str, region_code: str | None = None,
             parent_unit: str | None = None) -> dict:
    unit_id = unit_id.strip()
    name = (name or "").strip()
    if not UNIT_ID.match(unit_id):
        raise UnitError("单位编号须为 2–64 位小写字母、数字或 _ . -，以字母或数字开头 "
                        f"unit ids are 2–64 lower-case letters, digits, _ . - ; got {unit_id!r}")
    if not name:
        raise UnitError("单位名称不能为空 the unit needs a name")
    if kind not in KINDS:
        raise UnitError(f"未知单位类型 unknown unit kind {kind!r}; 可选 choose from {', '.join(KINDS)}")
    row = {"unit_id": unit_id, "name": name, "kind": kind, "region_code": (region_code or "").strip() or None,
           "parent_unit": parent_unit or None, "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        with engine.begin() as conn:
            if parent_unit and get_unit_in(conn, parent_unit) is None:
                raise UnitError(f"没有上级单位 no parent unit {parent_unit!r}")
            conn.execute(units.insert().values(**row))
    except IntegrityError as exc:
        raise UnitError(f"单位已存在 unit {unit_id!r} already exists") from exc
    return row


def get_unit_in(conn, unit_id: str) -> dict | None:
    row = conn.execute(select(units).where(units.c.unit_id == unit_id)).first()
    return dict(row._mapping) if row else None


def get_unit(engine: Engine, unit_id: str | None) -> dict | None:
    if not unit_id:
        return None
    with engine.connect() as conn:
        return get_unit_in(conn, unit_id)


def list_units(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(units).order_by(units.c.kind, units.c.unit_id))]


def unit_names(engine: Engine) -> dict[str, str]:
    return {u["unit_id"]: u["name"] for u in list_units(engine)}


def members(engine: Engine, unit_id: str, role: str | None = None, active_only: bool = True) -> list[dict]:
    """The accounts of a unit (e.g. its verifiers, for the assign box)."""
    from reliefgraph.dashboard.accounts import users

    query = (select(users.c.username, users.c.display_name, users.c.role, users.c.active)
             .where(users.c.unit_id == unit_id).order_by(users.c.username))
    if role:
        query = query.where(users.c.role == role)
    if active_only:
        query = query.where(users.c.active.is_(True))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def kind_label(kind: str) -> str:
    zh, en = KINDS.get(kind, (kind, kind))
    return f"{zh} {en}"
