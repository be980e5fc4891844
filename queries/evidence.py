"""Evidence of a finding: the facts on its paths and the records behind them.

Paths come back from the engine as node and relationship dicts carrying
their provenance (src_agency, src_file, src_row, src_batch). Evidence is
kept by natural keys (`Person:4512…`), not engine ids, so it survives
reloads and reads the same on both backends.
"""
from __future__ import annotations

from typing import Any

from reliefgraph.graph.schema import Schema, load_schema

SOURCE_KEYS = ("src_agency", "src_file", "src_row", "src_batch")


def node_ref(node: dict, schema: Schema) -> tuple[str, str | None]:
    label = next((lbl for lbl in node.get("_labels", []) if lbl in schema.nodes), None)
    if label is None:
        return "?", None
    return label, node.get(schema.nodes[label].key)


def _source(item: dict) -> dict | None:
    if not item.get("src_file"):
        return None
    return {k[4:]: item.get(k) for k in SOURCE_KEYS}


def evidence_of(paths: list[dict], schema: Schema | None = None) -> dict[str, Any]:
    schema = schema or load_schema()
    nodes: dict[str, dict] = {}
    rels: dict[tuple, dict] = {}
    by_id: dict[Any, str] = {}
    for path in paths:
        for n in path.get("nodes", []):
            label, key = node_ref(n, schema)
            ref = f"{label}:{key}"
            by_id[n.get("_id")] = ref
            if ref in nodes:
                continue
            nt = schema.nodes.get(label)
            props = {k: v for k, v in n.items() if not k.startswith(("_", "src_")) and not k.endswith("_src")}
            sources = [s for s in [_source(n)] if s]
            # A fact added by another agency's record names its own source.
            for k, v in n.items():
                if k.endswith("_src") and isinstance(v, str) and v.count("|") == 3:
                    agency, file, row, batch = v.split("|")
                    sources.append({"agency": agency, "file": file, "row": int(row), "batch": batch,
                                    "fact": k[:-4]})
            nodes[ref] = {"ref": ref, "label": label, "key": key,
                          "caption": n.get(nt.caption) if nt else None, "properties": props,
                          "sources": sources}
        for r in path.get("relationships", []):
            start, end = by_id.get(r.get("_start")), by_id.get(r.get("_end"))
            props = {k: v for k, v in r.items() if not k.startswith(("_", "src_"))}
            ident = (r.get("_type"), start, end, repr(sorted(props.items(), key=lambda kv: kv[0])))
            if ident not in rels:
                rels[ident] = {"type": r.get("_type"), "start": start, "end": end, "properties": props,
                               "source": _source(r)}
    return {"nodes": list(nodes.values()), "relationships": list(rels.values())}


def sources_of(evidence: dict) -> list[dict]:
    """Every distinct agency record behind the evidence, in a stable order."""
    seen: dict[tuple, dict] = {}
    for n in evidence["nodes"]:
        for s in n["sources"]:
            seen.setdefault((s["agency"], s["file"], s["row"], s.get("fact")), s)
    for r in evidence["relationships"]:
        s = r["source"]
        if s:
            seen.setdefault((s["agency"], s["file"], s["row"], None), s)
    return sorted(seen.values(), key=lambda s: (str(s["agency"]), str(s["file"]), int(s["row"] or 0)))
