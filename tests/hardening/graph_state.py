"""The whole content of a small graph, to check that an attack changed nothing.

Unlike tests/loaders/graph_fingerprint.py this reads properties as values,
not through the engine's toJSON(), which FalkorDB writes without escaping
quotes, backslashes or line breaks (`toJSON('a"b')` gives `"a"b"`): the
values these tests plant would not parse back.
"""
from __future__ import annotations

from collections import Counter

from reliefgraph.graph.store import GraphStore


def graph_state(store: GraphStore) -> tuple[Counter, Counter]:
    nodes = Counter(repr((labels, sorted(props.items())))
                    for labels, props in store.read("MATCH (n) RETURN labels(n), properties(n)").rows)
    rels = Counter(repr((t, sorted(a.items()), sorted(p.items()), sorted(b.items())))
                   for t, a, p, b in store.read("MATCH (a)-[r]->(b) RETURN type(r), properties(a), properties(r), "
                                                "properties(b)").rows)
    return nodes, rels
