"""Who may do what in the dashboard, and what each role sees of personal data.

Pure functions: no Streamlit, no database. The rule on personal data
(citizen IDs, phones, bank accounts, addresses — the schema's `pii` flags):

- administrators see it in clear;
- inspectors see in clear the values that belong to the cases assigned to
  them (`Viewer.clear_values`, gathered by `cases.clear_values_for`), and
  masked everywhere else;
- analysts always see it masked (5201**********123X).

Masking by value rather than by screen means one rule covers tables, graph
nodes, evidence and free text alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reliefgraph.graph.pii import mask
from reliefgraph.graph.schema import Schema, load_schema

ROLES = ("admin", "inspector", "analyst")
CAPABILITIES: dict[str, frozenset[str]] = {
    "view_clues": frozenset(ROLES),
    "explore": frozenset(ROLES),
    "run_saved_query": frozenset(ROLES),
    "export": frozenset(ROLES),
    # Read-only at the database level all the same; analysts tune rules with it.
    "run_adhoc": frozenset({"admin", "analyst"}),
    "assign_case": frozenset({"admin"}),
    "work_case": frozenset({"admin", "inspector"}),   # inspectors: only their own cases
    "reopen_case": frozenset({"admin"}),
    "manage_users": frozenset({"admin"}),
    "read_audit": frozenset({"admin"}),
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

    def sees_clear(self, value: Any) -> bool:
        if self.role == "admin":
            return True
        if self.role == "inspector":
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
    """Move a case along or conclude it: an admin, or the inspector it is assigned to."""
    if viewer.role == "admin":
        return True
    return viewer.role == "inspector" and assignee is not None and assignee == viewer.username


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
