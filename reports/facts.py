"""A finding's evidence as rows a reader can check, named from the schema.

Each fact is a node (a person, a vehicle, a grant …) or a relationship
(owns, member of, paid to …) on the evidence path, with the agency record it
came from. The same rows feed the HTML, PDF and DOCX tables.
"""
from __future__ import annotations

from typing import Any

from reliefgraph.graph.schema import Schema, load_schema
from reliefgraph.queries.narrative import CODED

FACT_COLUMNS = ("序号 No.", "事实 fact", "内容 details", "来源 source record")
SOURCE_COLUMNS = ("部门 agency", "数据项 extract", "文件 file", "行号 row", "导入批次 batch", "导入日期 loaded")


def _value(prop, value: Any, schema: Schema) -> str:
    if isinstance(value, list):
        return "、".join(_value(prop, v, schema) for v in value)
    if prop is not None and isinstance(value, str):
        values = prop.values
        if not values and prop.name in CODED:
            # A code stored away from its table (a grant's programme): named where the table is declared.
            owner, name = CODED[prop.name]
            spec = schema.nodes.get(owner) or schema.relationships.get(owner)
            values = spec.properties[name].values if spec else {}
        return values.get(value, value)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def describe(props: dict[str, Any], spec_props: dict, schema: Schema) -> str:
    """`name: value` pairs in the schema's Chinese names, in the schema's order."""
    order = list(spec_props)
    items = sorted(props.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    return "；".join(f"{spec_props[k].zh if k in spec_props else k}：{_value(spec_props.get(k), v, schema)}"
                    for k, v in items if v not in (None, ""))


def source_text(source: dict | None) -> str:
    # Agency and batch are in the source-records table beside it.
    return f"{source.get('file')} 第{source.get('row')}行" if source else "—"


def node_name(node: dict, schema: Schema) -> str:
    nt = schema.nodes.get(node.get("label"))
    caption = node.get("caption") if node.get("caption") not in (None, "") else node.get("key")
    return f"{nt.zh if nt else node.get('label')}「{caption}」"


def fact_rows(evidence: dict, schema: Schema | None = None) -> list[tuple[str, str, str, str]]:
    """(number, fact, details, source) for every node, then every relationship."""
    schema = schema or load_schema()
    rows = []
    by_ref = {n["ref"]: n for n in evidence.get("nodes", [])}
    for n in evidence.get("nodes", []):
        nt = schema.nodes.get(n.get("label"))
        props = nt.properties if nt else {}
        src = "；".join(source_text(s) + (f"（{props[s['fact']].zh if s['fact'] in props else s['fact']}）"
                                          if s.get("fact") else "") for s in n.get("sources", []))
        rows.append((node_name(n, schema), describe(n.get("properties") or {}, props, schema),
                     src or "—"))
    for r in evidence.get("relationships", []):
        rt = schema.relationships.get(r.get("type"))
        start, end = by_ref.get(r.get("start")), by_ref.get(r.get("end"))
        fact = (f"{node_name(start, schema) if start else r.get('start')} —{rt.zh if rt else r.get('type')}→ "
                f"{node_name(end, schema) if end else r.get('end')}")
        rows.append((fact, describe(r.get("properties") or {}, rt.properties if rt else {}, schema) or "—",
                     source_text(r.get("source"))))
    return [(str(i), *row) for i, row in enumerate(rows, 1)]


def source_rows(sources: list[dict]) -> list[tuple[str, ...]]:
    return [(str(s.get("agency") or ""), str(s.get("extract") or "") + (f"（{s['fact']}）" if s.get("fact") else ""),
             str(s.get("file") or ""), str(s.get("row") or ""), str(s.get("batch") or ""), str(s.get("loaded") or ""))
            for s in sources]


def fact_count(evidence: dict) -> int:
    return len(evidence.get("nodes", [])) + len(evidence.get("relationships", []))
