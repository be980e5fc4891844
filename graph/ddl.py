"""Constraints and indexes derived from the declared schema, per engine.

DDL is the one place where labels and property names are spelled into query
text (Cypher has no parameters for identifiers); they come from schema.yaml,
whose loader admits plain identifiers only.
"""
from __future__ import annotations

from dataclasses import dataclass

from reliefgraph.graph.schema import Schema


@dataclass(frozen=True)
class IndexSpec:
    label: str
    prop: str
    unique: bool  # the node key: unique constraint (which also indexes)

    @property
    def name(self) -> str:
        suffix = "key" if self.unique else "idx"
        return f"{self.label.lower()}_{self.prop}_{suffix}"


def index_specs(schema: Schema) -> list[IndexSpec]:
    specs = [IndexSpec(nt.label, nt.key, unique=True) for nt in schema.nodes.values()]
    specs += [IndexSpec(label, prop, unique=False) for label, prop in schema.indexed()]
    return specs


def neo4j_statements(schema: Schema) -> list[tuple[str, str]]:
    """(name, statement) pairs; `IF NOT EXISTS` makes each idempotent."""
    out = []
    for spec in index_specs(schema):
        if spec.unique:
            stmt = (f"CREATE CONSTRAINT {spec.name} IF NOT EXISTS "
                    f"FOR (n:{spec.label}) REQUIRE n.{spec.prop} IS UNIQUE")
        else:
            stmt = f"CREATE INDEX {spec.name} IF NOT EXISTS FOR (n:{spec.label}) ON (n.{spec.prop})"
        out.append((spec.name, stmt))
    return out


def falkordb_index_statement(spec: IndexSpec) -> str:
    # FalkorDB's unique constraint needs a range index on the same property
    # first, so every spec starts with one.
    return f"CREATE INDEX FOR (n:{spec.label}) ON (n.{spec.prop})"


def falkordb_constraint_command(graph: str, spec: IndexSpec) -> list[str]:
    return ["GRAPH.CONSTRAINT", "CREATE", graph, "UNIQUE", "NODE", spec.label,
            "PROPERTIES", "1", spec.prop]
