"""Plain-Chinese sentences for findings, from each rule's `narrative` template.

A rule's header carries its sentence with `{fact}` placeholders; this module
fills them from the hit's facts, writing dates the Chinese way
(2019年3月5日), codes by their Chinese names from the schema, lists with 、,
and the kinship the evidence path shows (配偶、父母、子女、兄弟姐妹、儿媳/女婿 …).
"""
from __future__ import annotations

import re
import string
from typing import Any

from reliefgraph.graph.schema import load_schema

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# One KIN step, named from the walker's view. Directed kinds read from the
# start node: (a)-[:KIN {kind: parent}]->(b) means b is a's parent, so walking
# the edge backwards reaches the inverse kind (a is b's child).
STEP_TERMS = {
    "spouse": "配偶", "sibling": "兄弟姐妹", "parent": "父母", "child": "子女",
    "grandparent": "祖父母", "grandchild": "孙子女", "parent_in_law": "配偶的父母",
    "child_in_law": "子女的配偶",
}
INVERSE = {"parent": "child", "child": "parent", "grandparent": "grandchild", "grandchild": "grandparent",
           "parent_in_law": "child_in_law", "child_in_law": "parent_in_law"}
KIN_TERMS = {
    ("spouse",): "配偶", ("parent",): "父母", ("child",): "子女", ("sibling",): "兄弟姐妹",
    ("grandparent",): "祖父母/外祖父母", ("grandchild",): "孙子女/外孙子女",
    ("parent_in_law",): "配偶的父母（公婆/岳父母）", ("child_in_law",): "子女的配偶（儿媳/女婿）",
    ("parent", "parent"): "祖父母/外祖父母", ("child", "child"): "孙子女/外孙子女",
    ("parent", "child"): "兄弟姐妹", ("spouse", "parent"): "配偶的父母（公婆/岳父母）",
    ("child", "spouse"): "子女的配偶（儿媳/女婿）", ("spouse", "child"): "配偶的子女",
    ("parent", "spouse"): "父母的配偶", ("child", "parent"): "子女的另一方父母",
    ("spouse", "spouse"): "配偶的前配偶",
    ("sibling", "spouse"): "兄弟姐妹的配偶（嫂/弟媳/姐夫/妹夫）", ("spouse", "sibling"): "配偶的兄弟姐妹",
    ("sibling", "child"): "兄弟姐妹的子女（侄/甥）", ("parent", "sibling"): "父母的兄弟姐妹（伯叔姑舅姨）",
    ("sibling", "sibling"): "兄弟姐妹", ("sibling", "parent"): "父母",
    ("child", "sibling"): "子女",
}
# Facts whose values are schema codes, and where their Chinese names live.
CODED = {
    "vehicle_type": ("Vehicle", "vehicle_type"), "property_type": ("Property", "property_type"),
    "company_type": ("Company", "company_type"), "programme": ("Programme", "code"),
    "status": ("Company", "status"), "cadre_role": ("HOLDS_POST", "role"),
    "facility_type": ("Org", "org_type"), "custody_type": ("IN_CUSTODY", "custody_type"),
    "income_type": ("TAX_INCOME", "income_type"),
    "insurance": ("SOCIAL_CONTRIBUTION", "insurance"), "insured_as": ("SOCIAL_CONTRIBUTION", "insured_as"),
    "category": ("Renovation", "category"), "method": ("Renovation", "method"),
    "first_method": ("Renovation", "method"), "second_method": ("Renovation", "method"),
}


def zh_date(value: Any) -> Any:
    if isinstance(value, str):
        m = ISO_DATE.match(value)
        if m:
            return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
        m = ISO_MONTH.match(value)
        if m:
            return f"{int(m[1])}年{int(m[2])}月"
    return value


def kinship(path: dict | None) -> str | None:
    """What the last person on a KIN path is to the first (from the first's view)."""
    if not path or not path.get("relationships"):
        return None
    nodes = path["nodes"]
    steps: list[str] = []
    for i, rel in enumerate(path["relationships"]):
        if rel.get("_type") != "KIN":
            if steps:
                break
            continue  # the KIN stretch may follow a grant or holder step
        kind = rel.get("kind") or ""
        forward = rel.get("_start") == nodes[i].get("_id")
        steps.append(kind if forward else INVERSE.get(kind, kind))
    if not steps:
        return None
    return KIN_TERMS.get(tuple(steps)) or "的".join(STEP_TERMS.get(s, "亲属") for s in steps)


def _display(key: str, value: Any) -> str:
    schema = load_schema()
    if value is None or value == "":
        return "—"
    if key in CODED and isinstance(value, str):
        owner, prop = CODED[key]
        spec = schema.nodes.get(owner) or schema.relationships.get(owner)
        return spec.properties[prop].values.get(value, value)
    if isinstance(value, str) and value in schema.relationships:
        return schema.relationships[value].zh
    if isinstance(value, str) and value in schema.nodes:
        return schema.nodes[value].zh
    if isinstance(value, list):
        return "、".join(_display(key, v) for v in value)
    if isinstance(value, float):
        if 0 < abs(value) < 0.01:   # probabilities and thresholds: two significant digits
            return f"{value:.2g}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(zh_date(value))


class _Facts(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def narrate(template: str, facts: dict[str, Any], paths: list[dict] | None = None) -> str:
    values = _Facts({k: _display(k, v) for k, v in facts.items()})
    if "relation" not in facts:
        relation = kinship(paths[0]) if paths else None
        values["relation"] = relation or "—"
    # Only plain {name} fields: a template is data, never code.
    names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"narrative placeholder {{{name}}} must be a plain fact name")
    return template.format_map(values)
