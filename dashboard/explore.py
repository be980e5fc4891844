"""The explorer's queries: find a person, company, vehicle … and draw what
surrounds it.

Which fields can be searched comes from the schema (`search: true`); labels
and property names enter the query text only from that declaration, and
every typed value travels as a parameter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from reliefgraph.dashboard.graphlayout import fold_hubs
from reliefgraph.dashboard.graphview import MAX_DRAW_NODES, Subgraph, cap, collapse_payments, from_engine, name_nodes
from reliefgraph.dashboard.permissions import Viewer, mask_for
from reliefgraph.dashboard.searchindex import SearchIndex
from reliefgraph.graph.schema import Schema, load_schema
from reliefgraph.graph.store import GraphStore
from reliefgraph.queries.names import NAMED_LABELS, Names, names_for, node_caption

# Classification nodes that link thousands of records (every grant of a
# programme, every household of a village): drawn as endpoints, never walked
# through, or a two-hop view of any grant would be the whole county.
HUB_LABELS = ("Region", "Programme")
MAX_ROWS = 1000           # relationships fetched for one view, before capping to MAX_DRAW_NODES (150)
PER_NODE = 25            # second-hop neighbours fetched through any one first-hop node
# Crowded first-hop nodes are counted up to this many neighbours ("10000+"
# beyond it); a time window or type filter needs each relationship read, so
# the filtered count stops sooner.
COUNT_CAP = 10_000
FILTERED_COUNT_CAP = 1_000
MAX_CANDIDATES = 50
CITIZEN_ID = re.compile(r"^\d{17}[\dX]$")


@dataclass(frozen=True)
class Candidate:
    label: str
    key: Any                 # clear, server-side only
    caption: str             # masked for the viewer
    shown_key: str           # masked for the viewer
    detail: str              # what tells namesakes apart: birth date, village; company type …
    clues: int = 0           # active clues about this person

    @property
    def ref(self) -> str:
        return f"{self.label}:{self.key}"

    def option(self, schema: Schema) -> str:
        """One line of the pick list: kind, name, masked key, what tells it apart, its clues."""
        nt = schema.nodes.get(self.label)
        parts = [nt.zh if nt else self.label, self.caption, self.shown_key, self.detail]
        if self.label == "Person":
            parts.append(f"线索 {self.clues} 条" if self.clues else "无线索")
        return " · ".join(p for p in parts if p)


def search_fields(schema: Schema | None = None) -> list[tuple[str, str]]:
    schema = schema or load_schema()
    return [(nt.label, p.name) for nt in schema.nodes.values() if not nt.meta
            for p in nt.properties.values() if p.search]


def normalise_query(text: str) -> str:
    # People paste IDs with a lower-case x and full-width digits.
    text = text.strip().translate({0xFF10 + i: 0x30 + i for i in range(10)})
    return text.upper() if CITIZEN_ID.match(text.upper()) else text


ADDRESS_FIELDS = (("Household", "address"), ("Property", "address"), ("Address", "address_key"))
MIN_ADDRESS = 3          # characters before an address fragment is looked for (a scan of the households)
HAN = re.compile(r"[\u4e00-\u9fff]")
PLATE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{4,6}[\u4e00-\u9fff]?$")


def looks_like_address(text: str) -> bool:
    """Whether a search text may be part of an address: long enough and with
    a Chinese character (村, 组, 路, 号 …), and not a plate. Each address
    lookup scans every household, property and address of the county (35 ms
    at 300 k persons, most of a search by citizen ID), so an ID, a phone or
    a credit code is not looked for there."""
    return len(text) >= MIN_ADDRESS and HAN.search(text) is not None and not PLATE.match(text.upper())


def search(store: GraphStore, text: str, viewer: Viewer, schema: Schema | None = None,
           index: SearchIndex | None = None, clue_counts: Callable[[list[str]], dict[str, int]] | None = None
           ) -> list[Candidate]:
    """Exact matches on every searchable field (citizen ID, plate, credit
    code …); people by name (exact, prefix, pinyin initials or full pinyin,
    fuzzy); companies and organisations by name; households and property by
    a fragment of their address. Best first; people with the same name by
    their number of clues. One query to the engine."""
    schema = schema or load_schema()
    text = normalise_query(text)
    # The engine reads a NUL as the end of the query text, so no stored value
    # can hold one: such a search matches nothing.
    if not text or "\x00" in text:
        return []
    index = index or SearchIndex.from_store(store)
    names = index.persons.match(text)
    orgs = {label: idx.match(text, contains=True) for label, idx in index.organisations.items()}
    params = {"text": text, "limit": MAX_CANDIDATES, "names": names, "companies": orgs.get("Company", []),
              "orgs": orgs.get("Org", [])}
    found: dict[str, Candidate] = {}
    vocab = names_for(store)
    for (node,) in store.read(_search_query(schema, address=looks_like_address(text)), params).rows:
        c = _candidate(node, viewer, schema, vocab)
        found.setdefault(c.ref, c)
    people = [c for c in found.values() if c.label == "Person"]
    if people:
        details = _person_details(store, [c.key for c in people])
        counts = clue_counts([c.key for c in people]) if clue_counts else {}
        for c in people:
            found[c.ref] = Candidate(c.label, c.key, c.caption, c.shown_key, details.get(c.key, c.detail),
                                     counts.get(c.key, 0))
    rank = {n: i for i, n in enumerate(names)}
    ordered = sorted(found.values(), key=lambda c: (0 if c.label != "Person" or c.caption == text else 1,
                                                    rank.get(c.caption, len(rank)), -c.clues))
    return ordered[:MAX_CANDIDATES]


def _search_query(schema: Schema, address: bool = True) -> str:
    # One query, one round trip: eleven separate lookups each waited for the
    # interpreter lock again under 20 sessions (search p95 4.9 s vs 1.4 s
    # for a draw). Exact matches first, in the schema's order, then people
    # and organisations by the names the index matched (indexed look-ups),
    # then address fragments.
    fields = search_fields(schema)
    parts = [f"MATCH (n:{label}) WHERE n.{prop} = $text RETURN n LIMIT $limit" for label, prop in fields]
    if ("Person", "name") in fields:
        parts.append("UNWIND $names AS nm MATCH (n:Person {name: nm}) RETURN n LIMIT $limit")
    for label, param in (("Company", "companies"), ("Org", "orgs")):
        if label in schema.nodes:
            parts.append(f"UNWIND ${param} AS nm MATCH (n:{label} {{name: nm}}) RETURN n LIMIT $limit")
    if address:
        parts += [f"MATCH (n:{label}) WHERE n.{prop} CONTAINS $text RETURN n LIMIT $limit"
                  for label, prop in ADDRESS_FIELDS if label in schema.nodes and prop in schema.nodes[label].properties]
    return " UNION ALL ".join(parts)


def _candidate(node: dict, viewer: Viewer, schema: Schema, names: Names | None = None) -> Candidate:
    label = next(lbl for lbl in node["_labels"] if lbl in schema.nodes)
    nt = schema.nodes[label]
    key = node.get(nt.key)
    caption = mask_for(viewer, node.get(nt.caption), nt.caption, schema)
    if names is not None and label in NAMED_LABELS:
        # A household, grant or property reads by its village, programme or kind, not its number alone.
        caption = node_caption(names, label, mask_for(viewer, key, nt.key, schema), node, caption)
    detail = ""
    if label == "Company":
        kind = nt.properties["company_type"].values.get(node.get("company_type"), node.get("company_type") or "")
        detail = f"{kind} {node.get('established') or ''}".strip()
    elif label == "Org":
        detail = nt.properties["org_type"].values.get(node.get("org_type"), node.get("org_type") or "")
    elif label == "Vehicle":
        detail = str(node.get("brand") or "")
    elif label in ("Household", "Property") and node.get("address"):
        detail = str(mask_for(viewer, node.get("address"), "address", schema))
    return Candidate(label, key, str(caption), str(mask_for(viewer, key, nt.key, schema)), detail)


def _person_details(store: GraphStore, ids: list[str]) -> dict[str, str]:
    # Namesakes (同名同姓) are told apart by birth date and village.
    rows = store.read(
        "UNWIND $ids AS id MATCH (p:Person {citizen_id: id}) "
        "OPTIONAL MATCH (p)-[:MEMBER_OF]->(h:Household) OPTIONAL MATCH (h)-[:IN_REGION]->(v:Region) "
        # Extracts do not always name villages; the code still tells them apart.
        "RETURN id, p.birth_date, p.sex, collect(DISTINCT coalesce(v.name, h.region_code))", {"ids": ids}).rows
    sex = load_schema().nodes["Person"].properties["sex"].values
    return {pid: "、".join(filter(None, [f"{birth} 出生" if birth else None, sex.get(s), "、".join(villages)]))
            for pid, birth, s, villages in rows}


@dataclass(frozen=True)
class Filters:
    types: tuple[str, ...] = ()     # relationship types; empty = all
    start: str | None = None        # time window on time-bounded facts (ISO dates)
    end: str | None = None

    def params(self) -> dict[str, Any]:
        return {"types": list(self.types) or None, "from": self.start, "to": self.end,
                "from_month": self.start[:7] if self.start else None, "to_month": self.end[:7] if self.end else None}

    @property
    def active(self) -> bool:
        return bool(self.types or self.start or self.end)


# The window keeps what was in force at some time inside it. A fact outside
# it ended before it or started after it: a relationship by its interval
# (`start`, `end`) or its one date (an approval's `date`); a node by its own
# interval (a grant's spell), month (a payment) or settlement date (a medical
# bill). Facts without dates always show. Applied in the query, on each hop,
# so what lies beyond a filtered-out fact is not reached through it either.
_REL_FILTER = ("($types IS NULL OR type({r}) IN $types) "
               "AND ($from IS NULL OR coalesce({r}.end, {r}.date) IS NULL OR coalesce({r}.end, {r}.date) >= $from) "
               "AND ($to IS NULL OR coalesce({r}.start, {r}.date) IS NULL OR coalesce({r}.start, {r}.date) <= $to)")
_NODE_FILTER = ("($from IS NULL OR (({n}.end IS NULL OR {n}.end >= $from) "
                "AND ({n}.month IS NULL OR {n}.month >= $from_month) "
                "AND ({n}.settled IS NULL OR {n}.settled >= $from))) "
                "AND ($to IS NULL OR (({n}.start IS NULL OR {n}.start <= $to) "
                "AND ({n}.month IS NULL OR {n}.month <= $to_month) "
                "AND ({n}.settled IS NULL OR {n}.settled <= $to)))")


def _where(r: str, n: str) -> str:
    return f"{_REL_FILTER.format(r=r)} AND {_NODE_FILTER.format(n=n)}"


def _not_labels(var: str, labels: list[str]) -> str:
    return " AND ".join(f"NOT {var}:{lbl}" for lbl in labels) or "true"


def neighbourhood(store: GraphStore, label: str, key: Any, viewer: Viewer, hops: int = 2,
                  filters: Filters = Filters(), limit: int = MAX_DRAW_NODES,
                  schema: Schema | None = None, collapse: bool = True,
                  names: Names | None = None) -> tuple[Subgraph, int]:
    """The node and its neighbours up to `hops` (1 or 2) away, at most `limit`
    nodes, monthly payments folded into one node per grant and payee unless
    `collapse` is off. Returns the subgraph and how many nodes the engine
    found (at least; the fetch itself stops at MAX_ROWS relationships)."""
    schema = schema or load_schema()
    nt = schema.node(label)          # refuses labels the schema does not declare
    if hops not in (1, 2):
        raise ValueError("hops must be 1 or 2")
    meta = [lbl for lbl, n in schema.nodes.items() if n.meta]
    params = {"key": key, "limit": MAX_ROWS, **filters.params()}
    match = f"MATCH (n:{label} {{{nt.key}: $key}})"
    first = store.read(
        f"{match} OPTIONAL MATCH (n)-[r]-(m) WHERE {_where('r', 'm')} AND {_not_labels('m', meta)} "
        "RETURN n, r, m LIMIT $limit", params).rows
    if not first:
        return Subgraph(), 0
    rows = list(first)
    # Folded, a grant's monthly payments two hops out add nothing the grant
    # does not already say, and they are most of the rows around a cadre who
    # approved many grants: leave them in the engine.
    far = meta + (["Payment"] if collapse else [])
    crowded = False
    totals: dict[str, int] = {}
    open_ended: set[str] = set()
    if hops == 2:
        # `WITH n` pins the plan to the index lookup of the centre: without it
        # FalkorDB starts from the label-filtered `m` with a scan of every
        # node (measured at 300k persons: 28 s instead of 5 ms).
        # A first-hop node that is itself a hub (a payroll employer with 339
        # staff, a cadre's hundreds of approved grants) brings at most
        # PER_NODE of its neighbours, and at most `limit` first-hop nodes are
        # walked: the drawing holds 150 nodes anyway. Shipping every row to
        # Python was most of the clue subjects' time (p95 108 ms → 12 ms).
        # The second hop is fetched PER_NODE + 1 at a time for each
        # first-hop node (a subquery per node, cut by its own LIMIT), so a hub
        # nobody named in advance — a pension agency paying 60,000 people, an
        # insurer's collective account, a large employer — costs what a small
        # neighbour does: collecting every neighbour before slicing took
        # 0.9 s for the 60,000 at 300 k persons. Only nodes found crowded
        # are counted, by a second, capped query.
        more = store.read(
            f"{match} WITH n MATCH (n)-[r1]-(m) WHERE {_where('r1', 'm')} "
            f"AND {_not_labels('m', meta + list(HUB_LABELS))} "
            "WITH DISTINCT n, m LIMIT $walk "
            "CALL { WITH n, m "
            f"MATCH (m)-[r]-(x) WHERE x <> n AND {_where('r', 'x')} AND {_not_labels('x', far)} "
            "RETURN r, x LIMIT $per_plus } "
            "WITH m, collect([r, x]) AS near RETURN m, near[..$per], size(near)",
            {**params, "walk": limit, "per": PER_NODE, "per_plus": PER_NODE + 1}).rows
        crowded_nodes = [m for m, _, n in more if n > PER_NODE]
        crowded = bool(crowded_nodes)
        rows += [(m, near) for m, near, _ in more]
        totals, open_ended = count_neighbours(store, crowded_nodes, schema, filters)
    sub = name_nodes(from_engine(rows, viewer, schema), names or names_for(store))
    if collapse:
        sub = collapse_payments(sub)
    found = len(sub.nodes)
    centre = f"{label}:{key}"
    if hops == 2:
        # Colleagues at an employer, grants a handler approved: one node each
        # crowd, expandable, instead of a ring of dots that says one thing.
        sub = fold_hubs(sub, centre, totals, schema=schema, open_ended=open_ended)
    first_hop = [f"{lbl}:{k}" for lbl, k in _first_hop_refs(first, schema)]
    drawn = cap(sub, limit, keep=[centre] + first_hop)
    drawn.truncated = drawn.truncated or crowded or len(first) >= MAX_ROWS
    return drawn, found


def count_neighbours(store: GraphStore, nodes: list[dict], schema: Schema, filters: Filters = Filters(),
                     cap_at: int | None = None) -> tuple[dict[str, int], set[str]]:
    """How many neighbours other than the centre each of `nodes` (first-hop
    engine node dicts) has, counted up to `cap_at` (the filtered count up to
    FILTERED_COUNT_CAP): ref → count, and the refs whose count reached the
    cap (to be read "N+"). FalkorDB counts a neighbour linked twice once;
    Neo4j counts each relationship.
    Without filters the count walks nodes only, which the engine does
    without reading a relationship (60,000 neighbours: 23 ms instead of
    0.9 s); the filters need each relationship's dates and type."""
    cap_at = cap_at or COUNT_CAP
    by_label: dict[str, list[Any]] = {}
    for node in nodes:
        ref = _ref_of(node, schema)
        if ref:
            label, _ = ref.split(":", 1)
            by_label.setdefault(label, []).append(node.get(schema.nodes[label].key))
    if not by_label:
        return {}, set()
    if filters.active:
        cap_at = min(cap_at, FILTERED_COUNT_CAP)
        near = f"MATCH (m)-[r]-(x) WHERE {_where('r', 'x')} WITH DISTINCT x LIMIT $cap RETURN count(x) AS d"
    else:
        near = "MATCH (m)--(x) WITH x LIMIT $cap RETURN count(x) AS d"
    # Labels and key names enter the text from the schema only; keys travel as parameters.
    parts = [f"UNWIND $keys_{i} AS k MATCH (m:{label} {{{schema.nodes[label].key}: k}}) "
             f"CALL {{ WITH m {near} }} RETURN '{label}' AS label, k AS key, d"
             for i, label in enumerate(by_label)]
    params = {**filters.params(), "cap": cap_at, **{f"keys_{i}": keys for i, keys in enumerate(by_label.values())}}
    counts = {f"{label}:{key}": d for label, key, d in store.read(" UNION ALL ".join(parts), params).rows}
    # The centre is one of each first-hop node's neighbours: a caption counts the others.
    return ({ref: d if d >= cap_at else max(d - 1, 0) for ref, d in counts.items()},
            {ref for ref, d in counts.items() if d >= cap_at})


def _ref_of(node: Any, schema: Schema) -> str | None:
    if isinstance(node, dict) and node.get("_labels"):
        label = next((lbl for lbl in node["_labels"] if lbl in schema.nodes), None)
        if label:
            return f"{label}:{node.get(schema.nodes[label].key)}"
    return None


def _first_hop_refs(rows: list[tuple], schema: Schema) -> list[tuple[str, Any]]:
    out = []
    for row in rows:
        m = row[2]
        if isinstance(m, dict) and m.get("_labels"):
            label = next((lbl for lbl in m["_labels"] if lbl in schema.nodes), None)
            if label:
                out.append((label, m.get(schema.nodes[label].key)))
    return out
