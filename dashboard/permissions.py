"""Who may do what in the dashboard, and what each role sees of personal data.

Pure functions: no Streamlit, no database. The rule on personal data
(citizen IDs, phones, bank accounts, addresses — the schema's `pii` flags):

- administrators see it in clear;
- verifiers see in clear the values that belong to the orders (and older
  cases) assigned to them — they must find the household — gathered by
  `cases.clear_values_for` into `Viewer.clear_values`, and masked elsewhere;
- dispatchers, reviewers and analysts always see it masked (5201**********123X).

Orders (orders.py) add the unit: an order belongs to the unit it was
dispatched to and the unit that dispatched it; nobody else works it or sees
it, whatever their role. `order_refusal` says, for one step, why a viewer
may not take it (None when they may); `order_actions` lists the steps they
may take now — the buttons a page shows.

Masking by value rather than by screen means one rule covers tables, graph
nodes, evidence and free text alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reliefgraph.graph.pii import mask
from reliefgraph.graph.schema import Schema, load_schema

ROLES = ("admin", "dispatcher", "verifier", "reviewer", "analyst")
CAPABILITIES: dict[str, frozenset[str]] = {
    "view_clues": frozenset(ROLES),
    "explore": frozenset(ROLES),
    "run_saved_query": frozenset(ROLES),
    "export": frozenset(ROLES),
    # Read-only at the database level all the same; analysts tune rules with it.
    "run_adhoc": frozenset({"admin", "analyst"}),
    "assign_case": frozenset({"admin"}),
    "work_case": frozenset({"admin", "verifier"}),   # verifiers: only their own cases
    "reopen_case": frozenset({"admin"}),
    "manage_users": frozenset({"admin"}),
    "read_audit": frozenset({"admin"}),
    # The closed loop (orders.py): each step also needs the right unit.
    "dispatch_order": frozenset({"dispatcher"}),
    "claim_order": frozenset({"verifier"}),
    "assign_order": frozenset({"dispatcher"}),
    "submit_feedback": frozenset({"verifier"}),
    "review_order": frozenset({"reviewer"}),
    "manage_units": frozenset({"admin"}),
}

# Free text (narratives, summaries, typed search terms) can carry personal
# data the schema cannot point at; these catch it by shape.
# One pass over the text: a value left in clear by one kind must not be
# re-read as another (a clear citizen ID holds a 17-digit "account").
_TEXT_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(?:(?P<citizen_id>\d{17}[\dXx])|(?P<bank_account>\d{16,19})|(?P<phone>1[3-9]\d{9}))"
    r"(?![0-9A-Za-z])")


class PermissionDenied(PermissionError):
    """The signed-in role may not do this; the message is for the user (Chinese + English)."""


@dataclass(frozen=True)
class Viewer:
    username: str
    role: str
    clear_values: frozenset[str] = field(default_factory=frozenset)
    unit_id: str | None = None

    def sees_clear(self, value: Any) -> bool:
        if self.role == "admin":
            return True
        if self.role == "verifier":
            return str(value) in self.clear_values
        return False


def can(role: str, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")
    return role in CAPABILITIES[capability]


def require(viewer: Viewer, capability: str) -> None:
    if not can(viewer.role, capability):
        raise PermissionDenied(f"当前角色无此权限 your role ({viewer.role}) may not {capability.replace('_', ' ')}")


def may_work_case(viewer: Viewer, assignee: str | None) -> bool:
    """Move a case along or conclude it: an admin, or the verifier it is assigned to."""
    if viewer.role == "admin":
        return True
    return viewer.role == "verifier" and assignee is not None and assignee == viewer.username


# An order's statuses (orders.STATUSES), declared here so refusals can name them.
ORDER_STATUSES = {
    "dispatched": ("已派单", "Dispatched"),
    "claimed": ("核查中", "In verification"),
    "submitted": ("待审核", "Awaiting review"),
    "returned": ("已退回", "Returned"),
    "closed": ("已销号", "Closed"),
}
ORDER_ACTIONS = {
    "claim": ("认领", "claim"), "assign": ("指派", "assign"), "submit": ("提交核查反馈", "submit feedback on"),
    "review": ("审核", "review"),
}
# The statuses each step starts from (orders.py holds the whole machine).
ORDER_STEP_FROM = {
    "claim": ("dispatched",),
    "assign": ("dispatched", "claimed", "returned"),
    "submit": ("claimed", "returned"),
    "review": ("submitted",),
}


def may_see_order(viewer: Viewer, order: dict) -> bool:
    """Members of the unit it went to and of the unit that sent it; administrators."""
    if viewer.role == "admin":
        return True
    return viewer.unit_id is not None and viewer.unit_id in (order.get("unit_id"), order.get("dispatcher_unit"))


def dispatch_refusal(viewer: Viewer) -> str | None:
    if viewer.role != "dispatcher":
        return f"只有派单员可以派单 only a dispatcher dispatches clues; your role is {viewer.role}"
    if not viewer.unit_id:
        return "您的账户未归属任何单位，不能派单 your account belongs to no unit, so it cannot dispatch"
    return None


def order_refusal(viewer: Viewer, action: str, order: dict) -> str | None:
    """Why `viewer` may not take step `action` on `order` now, or None if they may.

    `order` needs unit_id, dispatcher_unit, status, assignee and, for a
    review, submitted_by (who sent the feedback under review)."""
    if action not in ORDER_ACTIONS:
        raise ValueError(f"unknown order action {action!r}")
    zh = ORDER_ACTIONS[action][0]
    if not may_see_order(viewer, order):
        return f"该派单不属于您的单位，不能{zh} this order belongs to another unit; you may not {ORDER_ACTIONS[action][1]} it"
    status = order.get("status")
    if status not in ORDER_STEP_FROM[action]:
        shown = ORDER_STATUSES.get(status, (status,))[0]
        return f"派单当前状态为“{shown}”，不能{zh} cannot {ORDER_ACTIONS[action][1]} an order that is {status}"
    own_unit = viewer.unit_id == order.get("unit_id")
    if action == "claim":
        if viewer.role != "verifier" or not own_unit:
            return f"只有承办单位的核查员可以认领 only a verifier of the receiving unit claims an order"
    elif action == "assign":
        # The dispatching unit's dispatcher, or the receiving unit's own
        # dispatcher (the unit lead who hands work to its verifiers).
        if viewer.role != "dispatcher":
            return f"只有派单单位或承办单位的派单员可以指派 only a dispatcher of either unit assigns; your role is {viewer.role}"
    elif action == "submit":
        if viewer.role != "verifier" or not own_unit or order.get("assignee") != viewer.username:
            return "只有承办该派单的核查员可以提交反馈 only the verifier the order is assigned to submits its feedback"
    elif action == "review":
        if viewer.role != "reviewer" or viewer.unit_id != order.get("dispatcher_unit"):
            return "只有派单单位的审核员可以审核 only a reviewer of the dispatching unit reviews an order"
        if viewer.username in (order.get("submitted_by"), order.get("assignee")):
            return "不能审核本人核查的派单（双人复核） you may not review an order you verified yourself (four eyes)"
    return None


def order_actions(viewer: Viewer, order: dict) -> list[str]:
    """The steps `viewer` may take on `order` now."""
    return [a for a in ORDER_ACTIONS if order_refusal(viewer, a, order) is None]


def mask_for(viewer: Viewer, value: Any, column: str | None = None, schema: Schema | None = None) -> Any:
    """Mask one value as `viewer` may see it: a PII column, or PII properties
    inside node / relationship / path dicts and lists."""
    if viewer.role == "admin":
        return value
    return _walk(viewer, value, column, (schema or load_schema()).pii_properties())


def _walk(viewer: Viewer, value: Any, name: str | None, pii: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _walk(viewer, v, k, pii) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(viewer, v, name, pii) for v in value]
    if name in pii and isinstance(value, (str, int)) and not viewer.sees_clear(value):
        return mask(pii[name], value)
    return value


def mask_rows(viewer: Viewer, columns: list[str], rows: list[tuple], schema: Schema | None = None) -> list[tuple]:
    pii = (schema or load_schema()).pii_properties()
    if viewer.role == "admin":
        return list(rows)
    return [tuple(_walk(viewer, v, c, pii) for c, v in zip(columns, row)) for row in rows]


def mask_text(viewer: Viewer, text: str | None) -> str | None:
    """Mask ID-, account- and phone-shaped numbers in free text."""
    if not text or viewer.role == "admin":
        return text
    def _one(m: re.Match) -> str:
        value = m.group(0)
        return value if viewer.sees_clear(value) else mask(m.lastgroup, value)

    text = _TEXT_PATTERN.sub(_one, text)
    return text


def pii_values_in(evidence: dict, schema: Schema | None = None) -> set[str]:
    """The personal-data values on a finding's evidence (node keys and properties)."""
    pii = (schema or load_schema()).pii_properties()
    found: set[str] = set()
    for node in evidence.get("nodes", []):
        nt = (schema or load_schema()).nodes.get(node.get("label"))
        if nt is not None and nt.key in pii and node.get("key") is not None:
            found.add(str(node["key"]))
        for name, value in (node.get("properties") or {}).items():
            if name in pii and value not in (None, ""):
                found.add(str(value))
    return found


def mask_evidence(viewer: Viewer, evidence: dict, schema: Schema | None = None) -> dict:
    """Evidence as `viewer` may see it. Node refs (`Person:<citizen id>`) are
    masked too; relationships keep pointing at the masked refs."""
    schema = schema or load_schema()
    if viewer.role == "admin":
        return evidence
    pii = schema.pii_properties()
    renamed: dict[str, str] = {}
    used: set[str] = set()
    nodes = []
    for node in evidence.get("nodes", []):
        nt = schema.nodes.get(node.get("label"))
        key = node.get("key")
        shown_key = key
        if nt is not None and nt.key in pii and key is not None and not viewer.sees_clear(key):
            shown_key = mask(pii[nt.key], key)
        ref = f"{node.get('label')}:{shown_key}"
        # Two values can mask alike (same region prefix, same check digits);
        # they must stay two nodes on the drawing.
        n = 2
        while ref in used:
            ref, n = f"{node.get('label')}:{shown_key}~{n}", n + 1
        used.add(ref)
        renamed[node["ref"]] = ref
        nodes.append({**node, "ref": ref, "key": shown_key,
                      "caption": _walk(viewer, node.get("caption"), nt.caption if nt else None, pii),
                      "properties": _walk(viewer, node.get("properties") or {}, None, pii)})
    rels = [{**r, "start": renamed.get(r.get("start"), r.get("start")), "end": renamed.get(r.get("end"), r.get("end"))}
            for r in evidence.get("relationships", [])]
    return {"nodes": nodes, "relationships": rels}
