"""Test helper: a fingerprint of a whole graph, to compare two loads.

Nodes are identified by label and natural key (from the schema), never by
the engine's internal id; relationships by type and the keys of their two
endpoints. Each carries all its properties, so two graphs have the same
fingerprint exactly when they hold the same nodes, the same relationships
(as a multiset) and the same property values. LoadBatch timing (`started`,
`finished`, `seconds`) and when a pending row was first seen differ from
run to run and are left out.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass

from reliefgraph.graph.store import GraphStore

TIMING = {"started", "finished", "seconds"}


@dataclass
class Fingerprint:
    nodes: Counter          # serialised node → multiplicity (a key is unique, so 1)
    rels: Counter           # serialised relationship → multiplicity
    node_counts: Counter    # label → count
    rel_counts: Counter     # type → count

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for part in (self.nodes, self.rels):
            for item in sorted(part.elements()):
                h.update(item.encode())
                h.update(b"\n")
        return h.hexdigest()

    def diff(self, other: "Fingerprint", limit: int = 8) -> str:
        """What differs, readably: counts per label/type, then a few items each way."""
        lines = []
        for name, a, b in (("nodes", self.node_counts, other.node_counts),
                           ("relationships", self.rel_counts, other.rel_counts)):
            for k in sorted(set(a) | set(b)):
                if a[k] != b[k]:
                    lines.append(f"{name} {k}: {a[k]} vs {b[k]}")
        for name, a, b in (("node", self.nodes, other.nodes), ("rel", self.rels, other.rels)):
            only_a, only_b = a - b, b - a
            lines += [f"only in first {name}: {x}" for x in sorted(only_a)[:limit]]
            lines += [f"only in second {name}: {x}" for x in sorted(only_b)[:limit]]
        return "\n".join(lines) or "(identical)"

    def __eq__(self, other) -> bool:
        return isinstance(other, Fingerprint) and self.nodes == other.nodes and self.rels == other.rels


def _props(props: dict, label: str | None) -> str:
    keep = {k: v for k, v in props.items()
            if not (label == "LoadBatch" and k in TIMING) and not (label == "PendingRow" and k == "first_seen")}
    return json.dumps(keep, sort_keys=True, ensure_ascii=False, default=str)


def fingerprint(store: GraphStore, exclude_batches: set[str] | frozenset = frozenset()) -> Fingerprint:
    """The graph's fingerprint; nodes and relationships whose `src_batch` is in
    `exclude_batches` (and those batches' LoadBatch nodes) are left out, so a
    test can ask whether everything *else* is unchanged."""
    keys = {label: nt.key for label, nt in store.schema.nodes.items()}
    ident: dict[int, str] = {}
    nodes: Counter = Counter()
    node_counts: Counter = Counter()
    # One JSON string per row: the client parses it much faster than maps and lists.
    for text, in store.read("MATCH (n) RETURN toJSON([id(n), labels(n)[0], properties(n)])").rows:
        nid, label, props = json.loads(text)
        key = props.get(keys.get(label, ""), f"<no key #{nid}>")
        ident[nid] = f"{label}:{key}"
        if props.get("src_batch") in exclude_batches or (
                label == "LoadBatch" and props.get("batch_id") in exclude_batches):
            continue
        nodes[f"({label} {json.dumps(key, ensure_ascii=False)} {_props(props, label)})"] += 1
        node_counts[label] += 1
    rels: Counter = Counter()
    rel_counts: Counter = Counter()
    for text, in store.read("MATCH (a)-[r]->(b) RETURN toJSON([type(r), id(a), id(b), properties(r)])").rows:
        rtype, a, b, props = json.loads(text)
        if props.get("src_batch") in exclude_batches:
            continue
        rels[f"({ident[a]})-[{rtype} {_props(props, None)}]->({ident[b]})"] += 1
        rel_counts[rtype] += 1
    return Fingerprint(nodes=nodes, rels=rels, node_counts=node_counts, rel_counts=rel_counts)
