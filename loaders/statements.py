"""Compile a mapping's yields into parameterised UNWIND statements, one per yield.

Labels, relationship types and property names come from the mapping, which
was checked against the schema (plain identifiers only); every value travels
as a parameter.

One statement per yield, run in order (merged nodes, updated nodes, then
relationships), lets the loader send each statement only the rows that
differ for it: a village appears once per chunk, not once per villager,
which is most of the engine's work on a household register. Before any
statement runs, the loader checks every row's anchors — the nodes that must
already exist — and rejects the rows that refer to an unknown entity, so
such a row writes nothing at all. (The check is made up front rather than
by RETURNing written rows: FalkorDB drops rows from the RETURN of a
MERGE-heavy UNWIND when a batch holds the same key twice.)

Entities new to the graph are written by a second, faster form of the
statement: CREATE with every property inline (FalkorDB sets inline
properties in the same pass; MERGE plus SET costs about twice as much).
The loader chooses the form per row from what it knows is in the graph —
see `Loader` — so both forms give the same graph.

Where the engine seeks nodes by internal id (`GraphStore.seeks_node_ids`),
the loader knows the id of every node it may touch: read with the keys,
returned by the CREATE that made the node. A relationship between known
nodes is then created, and a known node updated, by id (`*_by_id` forms,
rows shaped `{i, d: {s, t} or {n}, ...}`) instead of two key-index lookups
— about half the engine's CPU per relationship on FalkorDB. The by-id forms say how
many rows reached their nodes, so a batch that fell short is sent again
the MERGE way.

Where the store can bulk-create (`GraphStore.bulk_creates`, FalkorDB's
GRAPH.BULK), the loader sends new nodes, and new relationships between
nodes of known id, that way instead of by CREATE: the same properties
(`create_props`), past the query engine.

Provenance that is the same for a whole file travels once, as `$src`
(agency, file, batch); the row number comes from `row.i`. Writes are MERGE on
natural keys, so re-running a statement after a crash converges to the same
graph instead of doubling it.

Row shape: `{i: row number, k: {key field: value}, n: {property: value},
c: {create-only property: value}, m: {merge property: value},
r: {property: value}}`, each present only when the statement reads it.
"""
from __future__ import annotations

from dataclasses import dataclass

from reliefgraph.graph.schema import Schema, load_schema
from reliefgraph.loaders.mapping import Endpoint, Mapping, NodeYield, RelYield


@dataclass(frozen=True)
class Statement:
    name: str                # for messages: the yield's label or relationship type
    query: str | None        # None: the yield only asserts that its node exists
    create_query: str | None = None  # the same write for rows known to be new (no MERGE)
    create_ids_query: str | None = None  # create_query returning the new nodes' ids (see _RETURN_IDS)
    by_id_query: str | None = None  # create (relationship) or update (node) reaching nodes by id
    # What the create forms write: property → `row.<map>.<key>`, `row.i` or
    # `$src.<name>`. Rendered into their CREATE; read as is by a bulk create.
    create_props: tuple[tuple[str, str], ...] = ()
    needs: tuple[str, ...] = ()  # fields that must be non-blank for a row to be passed
    keys: tuple[str, ...] = ()   # key fields the statement reads from row.k
    optional: bool = False   # rows lacking `needs` are skipped; unknown anchors reported, row kept
    node: NodeYield | None = None
    rel: RelYield | None = None

    @property
    def identity(self) -> list[str]:
        """The fields that tell one written node or relationship from another."""
        if self.node is not None:
            return [self.node.key_field]
        return list(dict.fromkeys([self.rel.source.key_field, self.rel.target.key_field,
                                   *self.rel.merge.values()]))


@dataclass(frozen=True)
class Anchor:
    """A node that must exist before a row loads."""
    label: str
    key_field: str
    when: str | None = None      # only in the rows this `when:` column passes
    # ... and not in rows where one of these `when:` columns passes: a node
    # yield of the mapping with that filter merges the node in those rows.
    unless: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """A mapping's statements plus the anchors its required yields depend on."""
    statements: tuple[Statement, ...]
    anchors: tuple[Anchor, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """Every node label the statements write or reach."""
        ends = [(st.node,) if st.node is not None else (st.rel.source, st.rel.target) for st in self.statements]
        return tuple(dict.fromkeys([*(e.label for group in ends for e in group),
                                    *(a.label for a in self.anchors)]))


def compile_mapping(mapping: Mapping, schema: Schema | None = None) -> Plan:
    schema = schema or load_schema()
    merging = [n for n in mapping.nodes if n.mode == "merge" and not n.optional]
    merged = {(n.label, n.key_field) for n in merging if n.when is None}
    merged_when: dict[tuple[str, str], tuple[str, ...]] = {}
    for n in merging:
        if n.when is not None:
            merged_when[n.label, n.key_field] = (*merged_when.get((n.label, n.key_field), ()), n.when.column)
    anchors = [Anchor(n.label, n.key_field, _when(n)) for n in mapping.nodes if n.mode == "match"]
    for rel in mapping.rels:
        if not rel.optional:
            anchors += [Anchor(e.label, e.key_field, _when(rel), merged_when.get((e.label, e.key_field), ()))
                        for e in (rel.source, rel.target) if (e.label, e.key_field) not in merged]
    statements = [_merge_node(n, schema) for n in mapping.nodes if n.mode == "merge"]
    statements += [_update_node(n, schema) for n in mapping.nodes if n.mode == "match"]
    statements += [_relationship(r, schema) for r in mapping.rels]
    # Required yields first, so optional ones can link to what they wrote.
    statements.sort(key=lambda st: st.optional)
    return Plan(statements=tuple(statements), anchors=tuple(dict.fromkeys(anchors)))


def _when(y: NodeYield | RelYield) -> str | None:
    return y.when.column if y.when is not None else None


def _needs(y: NodeYield | RelYield, *fields: str) -> tuple[str, ...]:
    # A yield's `when:` column is present only in the rows it passes.
    return tuple(dict.fromkeys([*fields, *([y.when.column] if y.when is not None else [])]))


def _match(var: str, label: str, key_field: str, schema: Schema) -> str:
    return f"({var}:{label} {{{schema.node(label).key}: row.k.{key_field}}})"


def _merge_node(n: NodeYield, schema: Schema) -> Statement:
    create = "ON CREATE SET n += $src, n.src_row = row.i" + (", n += row.c" if n.create_only else "")
    lines = ["UNWIND $rows AS row", f"MERGE {_match('n', n.label, n.key_field, schema)}", create]
    if n.set:
        lines.append("SET n += row.n")
    inline = {schema.node(n.label).key: f"row.k.{n.key_field}", **_provenance()}
    inline |= {prop: f"row.c.{prop}" for prop in n.create_only}
    inline |= {prop: f"row.n.{prop}" for prop in n.set}
    create_query = f"UNWIND $rows AS row\nCREATE (n:{n.label} {_map(inline)})"
    return Statement(name=n.label, query="\n".join(lines), create_query=create_query,
                     create_ids_query=create_query + _RETURN_IDS, by_id_query=_set_by_id(n),
                     create_props=tuple(inline.items()),
                     needs=_needs(n, n.key_field), keys=(n.key_field,), optional=n.optional, node=n)


def _update_node(n: NodeYield, schema: Schema) -> Statement:
    query = None
    if n.set:
        query = "\n".join(["UNWIND $rows AS row", f"MATCH {_match('n', n.label, n.key_field, schema)}",
                           "SET n += row.n"])
    return Statement(name=n.label, query=query, by_id_query=_set_by_id(n), needs=_needs(n, n.key_field),
                     keys=(n.key_field,), node=n)


def _set_by_id(n: NodeYield) -> str | None:
    """Set a known node's properties by id; RETURNs how many rows reached a node."""
    if not n.set:
        return None
    return "\n".join(["UNWIND $rows AS row", _seek({"n": n.label}), "SET n += row.n", "RETURN count(n)"])


def _relationship(rel: RelYield, schema: Schema) -> Statement:
    merge_props = ", ".join(f"{prop}: row.m.{prop}" for prop in rel.merge)
    pattern = f"[r:{rel.type}{' {' + merge_props + '}' if merge_props else ''}]"
    sets = "SET r += $src, r.src_row = row.i" + (", r += row.r" if rel.set else "")
    ends = ["UNWIND $rows AS row", f"MATCH {_endpoint('s', rel.source, schema)}",
            f"MATCH {_endpoint('t', rel.target, schema)}"]
    inline = {prop: f"row.m.{prop}" for prop in rel.merge} | _provenance()
    inline |= {prop: f"row.r.{prop}" for prop in rel.set}
    create_query = "\n".join([*ends, f"CREATE (s)-[r:{rel.type} {_map(inline)}]->(t)"])
    by_id = "\n".join(["UNWIND $rows AS row", _seek({"s": rel.source.label, "t": rel.target.label}),
                       f"CREATE (s)-[r:{rel.type} {_map(inline)}]->(t)"])
    needs = (rel.source.key_field, rel.target.key_field, *rel.merge.values())
    return Statement(name=rel.type, query="\n".join([*ends, f"MERGE (s)-{pattern}->(t)", sets]),
                     create_query=create_query, by_id_query=by_id, create_props=tuple(inline.items()),
                     needs=_needs(rel, *needs),
                     keys=tuple(dict.fromkeys((rel.source.key_field, rel.target.key_field))),
                     optional=rel.optional, rel=rel)


# Row numbers and node ids of a batch as two comma-joined strings (FalkorDB's
# string.join): 10 000 ids as one value instead of 10 000 result rows, whose
# parsing cost the loader more than the engine spent creating the nodes.
_RETURN_IDS = ("\nRETURN string.join(collect(toString(row.i)), ','), "
               "string.join(collect(toString(id(n))), ',')")


def _seek(labels: dict[str, str]) -> str:
    """MATCH each variable's node by the id in `row.d`. The id must come
    through WITH: `WHERE id(n) = row.d.n` is planned as a label scan."""
    ids = ", ".join(f"row.d.{var} AS {var}_id" for var in labels)
    return "\n".join([f"WITH row, {ids}",
                      *(f"MATCH ({var}:{label}) WHERE id({var}) = {var}_id" for var, label in labels.items())])


def _provenance() -> dict[str, str]:
    return {"src_agency": "$src.src_agency", "src_file": "$src.src_file",
            "src_batch": "$src.src_batch", "src_row": "row.i"}


def _map(entries: dict[str, str]) -> str:
    # A property whose value is null is not stored, as with `SET n += map`.
    return "{" + ", ".join(f"{k}: {v}" for k, v in entries.items()) + "}"


def _endpoint(var: str, end: Endpoint, schema: Schema) -> str:
    return _match(var, end.label, end.key_field, schema)
