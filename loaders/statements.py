"""Compile a mapping's yields into parameterised UNWIND statements.

Labels, relationship types and property names come from the mapping, which
was checked against the schema (plain identifiers only); every value travels
in `$rows`. Each statement lists its anchors — the existing nodes it MATCHes —
so the loader can check them first and reject a row that refers to an unknown
entity instead of losing it. (The check is done up front rather than by
RETURNing the rows written: FalkorDB drops rows from the RETURN of a
MERGE-heavy UNWIND when a batch holds the same key twice, though it writes
them correctly.)

Writes are MERGE on natural keys: re-running a statement after a crash
converges to the same graph instead of doubling it.
"""
from __future__ import annotations

from dataclasses import dataclass

from reliefgraph.graph.schema import Schema, load_schema
from reliefgraph.loaders.mapping import Endpoint, Mapping, NodeYield, RelYield


@dataclass(frozen=True)
class Statement:
    name: str               # for messages: "main" or the optional relationship's type
    query: str
    # What a row needs to be passed to this statement: all of these fields non-blank.
    needs: tuple[str, ...]
    # Existing nodes the statement MATCHes, as (label, field holding the key).
    anchors: tuple[tuple[str, str], ...] = ()
    # An optional relationship: an unknown endpoint is reported, the row still counts as loaded.
    optional: bool = False


def compile_mapping(mapping: Mapping, schema: Schema | None = None) -> list[Statement]:
    schema = schema or load_schema()
    statements = [_main(mapping, schema)]
    for i, rel in enumerate(mapping.rels):
        if rel.optional:
            statements.append(_optional_rel(i, rel, schema))
    return statements


def _main(mapping: Mapping, schema: Schema) -> Statement:
    lines = ["UNWIND $rows AS row"]
    bound: dict[tuple[str, str], str] = {}
    needs: list[str] = []

    anchors = [n for n in mapping.nodes if n.mode == "match"]
    for rel in mapping.rels:
        if rel.optional:
            continue
        for end in (rel.source, rel.target):
            produced = any(n.label == end.label and n.key_field == end.key_field for n in mapping.nodes)
            if not produced:
                anchors.append(NodeYield(label=end.label, key_field=end.key_field, set={}, mode="match"))

    # Anchors first: a row whose referenced entity is missing writes nothing at all.
    for n in anchors:
        key = (n.label, n.key_field)
        if key in bound:
            continue
        var = f"a{len(bound)}"
        bound[key] = var
        lines.append(f"MATCH ({var}:{n.label} {{{schema.node(n.label).key}: row.k.{n.key_field}}})")
        needs.append(n.key_field)

    for i, n in enumerate(mapping.nodes):
        key = (n.label, n.key_field)
        if n.mode == "match":
            var = bound[key]
            lines.append(f"SET {var} += row.n{i}")
            continue
        if key in bound:
            continue
        var = f"n{i}"
        bound[key] = var
        lines.append(f"MERGE ({var}:{n.label} {{{schema.node(n.label).key}: row.k.{n.key_field}}})")
        lines.append(f"ON CREATE SET {var} += row.c{i}")
        lines.append(f"SET {var} += row.n{i}")
        needs.append(n.key_field)

    for i, rel in enumerate(mapping.rels):
        if rel.optional:
            continue
        lines += _rel_lines(i, rel, bound[(rel.source.label, rel.source.key_field)],
                            bound[(rel.target.label, rel.target.key_field)])
        needs += list(rel.merge.values())

    anchor_keys = tuple((n.label, n.key_field) for n in anchors)
    return Statement(name="main", query="\n".join(lines), needs=tuple(dict.fromkeys(needs)),
                     anchors=tuple(dict.fromkeys(anchor_keys)))


def _rel_lines(i: int, rel: RelYield, src: str, dst: str) -> list[str]:
    merge_props = ", ".join(f"{prop}: row.m{i}.{prop}" for prop in rel.merge)
    pattern = f"[r{i}:{rel.type}{' {' + merge_props + '}' if merge_props else ''}]"
    return [f"MERGE ({src})-{pattern}->({dst})", f"SET r{i} += row.r{i}"]


def _optional_rel(i: int, rel: RelYield, schema: Schema) -> Statement:
    src, dst = _anchor(rel.source, schema, "s"), _anchor(rel.target, schema, "t")
    lines = ["UNWIND $rows AS row", f"MATCH {src}", f"MATCH {dst}", *_rel_lines(i, rel, "s", "t")]
    needs = (rel.source.key_field, rel.target.key_field, *rel.merge.values())
    anchors = ((rel.source.label, rel.source.key_field), (rel.target.label, rel.target.key_field))
    return Statement(name=rel.type, query="\n".join(lines), needs=tuple(dict.fromkeys(needs)),
                     anchors=anchors, optional=True)


def _anchor(end: Endpoint, schema: Schema, var: str) -> str:
    return f"({var}:{end.label} {{{schema.node(end.label).key}: row.k.{end.key_field}}})"
