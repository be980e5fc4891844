"""Names for codes: `label("region", "451299100202")` → `城关镇 那桃村 (451299100202)`.

Users read names; a code is kept beside the name only where two things may
share a name (villages in different towns, two companies). Names come from
the data itself — the region code table (行政区划代码表, loaded like any
extract), organisations' and companies' names — and from the declared
vocabularies: the schema's `values:` (programmes, grant statuses, levels),
the mapping files' `agency_zh`, the rule families and severities.

Graph names are read once per data version (the newest finished load batch)
and cached, so every page and export can ask without a query.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reliefgraph.graph.schema import load_schema
from reliefgraph.graph.store import GraphStore
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.queries.rules import FAMILIES

TOWN_DIGITS = 9   # GB/T 2260 + town: the first nine digits of a village code
SEVERITIES_ZH = {"high": "高", "medium": "中", "low": "低"}
# A load bumps the batches; a test or a repair that writes regions directly
# changes the counts.
VERSION = ("OPTIONAL MATCH (b:LoadBatch) WITH max(b.finished) AS last, count(b) AS batches "
           "OPTIONAL MATCH (r:Region) WITH last, batches, count(r) AS regions "
           "OPTIONAL MATCH (o:Org) RETURN last, batches, regions, count(o)")
REGIONS = "MATCH (r:Region) WHERE r.name IS NOT NULL RETURN r.code, r.name, r.level"
ORGS = "MATCH (o:Org) WHERE o.name IS NOT NULL RETURN o.org_id, o.name"
# Which property's declared values name each vocabulary kind.
VOCABULARIES = {
    "programme": ("Programme", "code"), "grant_status": ("Grant", "status"), "level": ("Region", "level"),
    "org_type": ("Org", "org_type"), "property_type": ("Property", "property_type"),
    "vehicle_type": ("Vehicle", "vehicle_type"), "company_type": ("Company", "company_type"),
    "sex": ("Person", "sex"),
}


@dataclass
class Names:
    """Every name known for one data version; `name` / `label` answer from memory."""
    regions: dict[str, str] = field(default_factory=dict)        # code → own name (那桃村)
    orgs: dict[str, str] = field(default_factory=dict)
    vocab: dict[str, dict[str, str]] = field(default_factory=dict)

    def name(self, kind: str, code: Any) -> str | None:
        """The name alone, or None when nothing names the code."""
        if code is None or code == "":
            return None
        code = str(code)
        if kind == "region":
            return self._region(code)
        if kind == "org":
            return self.orgs.get(code) or self._region(code)
        return self.vocab.get(kind, {}).get(code)

    def label(self, kind: str, code: Any, with_code: bool | None = None) -> str:
        """`名称 (code)`; the code alone when unnamed; `—` when empty.

        Vocabulary words (dibao, high) read as their name only: their codes
        disambiguate nothing. Regions and organisations keep the code."""
        if code is None or code == "":
            return "—"
        name = self.name(kind, code)
        if not name:
            return str(code)
        if with_code is None:
            with_code = kind in ("region", "org")
        return f"{name} ({code})" if with_code else name

    def _region(self, code: str) -> str | None:
        own = self.regions.get(code)
        if own is None:
            return None
        # A village is read with its town: village names repeat across towns.
        town = code[:TOWN_DIGITS]
        if len(code) > TOWN_DIGITS and town in self.regions:
            return f"{self.regions[town]} {own}"
        return own

    def choices(self, kind: str) -> dict[str, str]:
        """code → label, for a select box."""
        if kind == "region":
            return {c: self.label("region", c) for c in sorted(self.regions)}
        return {c: self.label(kind, c) for c in self.vocab.get(kind, {})}


def static_vocabularies() -> dict[str, dict[str, str]]:
    schema = load_schema()
    vocab = {kind: dict(schema.nodes[label].properties[prop].values)
             for kind, (label, prop) in VOCABULARIES.items()
             if label in schema.nodes and prop in schema.nodes[label].properties}
    for kind, (rel, prop) in {"relation": ("MEMBER_OF", "relation"), "kin": ("KIN", "kind"),
                              "post_role": ("HOLDS_POST", "role")}.items():
        if rel in schema.relationships and prop in schema.relationships[rel].properties:
            vocab[kind] = dict(schema.relationships[rel].properties[prop].values)
    vocab["family"] = {k: v[0] for k, v in FAMILIES.items()}
    vocab["severity"] = dict(SEVERITIES_ZH)
    vocab["agency"] = agency_names()
    return vocab


def agency_names() -> dict[str, str]:
    """Agency code → the Chinese name most of its mapping files give it."""
    seen: dict[str, Counter] = {}
    merged: dict[str, str] = {}
    for m in load_mappings():
        seen.setdefault(m.agency, Counter())[m.agency_zh] += 1
        # A file merging several agencies' rows names them in its source column
        # (卫健 → health): the only name an agency without a file of its own has.
        if m.agency_field:
            for written, code in m.fields[m.agency_field].map.items():
                merged.setdefault(code, written)
    names = {agency: c.most_common(1)[0][0] for agency, c in seen.items()}
    return {**merged, **names}


_cache: dict[int, tuple[tuple, Names]] = {}
_lock = threading.Lock()
_static: dict[str, dict[str, str]] | None = None


def names_for(store: GraphStore) -> Names:
    """The store's names, re-read only when a load has finished since the last read."""
    global _static
    version = tuple(store.read(VERSION).rows[0]) if store is not None else ()
    with _lock:
        held = _cache.get(id(store))
        if held and held[0] == version:
            return held[1]
        if _static is None:
            _static = static_vocabularies()
    names = Names(vocab=_static)
    if store is not None:
        names.regions = {str(c): n for c, n, _ in store.read(REGIONS).rows if c is not None}
        names.orgs = {str(c): n for c, n in store.read(ORGS).rows if c is not None}
    with _lock:
        _cache[id(store)] = (version, names)
    return names


def offline() -> Names:
    """Vocabulary names only, for output written without a store."""
    global _static
    with _lock:
        if _static is None:
            _static = static_vocabularies()
    return Names(vocab=_static)


# Properties whose values are codes of a named kind, wherever they appear.
CODE_PROPERTIES = {"region_code": "region", "programme": "programme", "parent_code": "region"}
# Labels whose schema caption is a code (or may be missing): `node_caption`
# names them. Others (persons, phones, accounts) keep their caption as masked.
NAMED_LABELS = ("Programme", "Region", "Org", "Grant", "Household", "Property", "Payment", "MedicalBill")


def node_caption(names: Names, label: str, key: Any, props: dict[str, Any], caption: Any = None) -> str:
    """What a node is called on a drawing, in a pick list or a report: a name
    a reader knows, with the code kept where it tells two apart — `低保 在保
    (G2021-0001)`, `城关镇 那桃村`, `商品房 (不动产权证号)`. Nodes whose
    caption is already a name (a person, a company) keep it; so do values
    masked for the reader."""
    shown = caption if caption not in (None, "") else key
    if label not in NAMED_LABELS:
        return str(shown)
    if label == "Programme":
        return names.name("programme", key) or str(shown)
    if label == "Region":
        return names.name("region", key) or (str(caption) if caption not in (None, "") else str(key))
    if label == "Org":
        return str(caption) if caption not in (None, "") else names.label("org", key)
    if label == "Grant":
        words = [names.name("programme", props.get("programme")) or props.get("programme"),
                 names.name("grant_status", props.get("status"))]
        head = " ".join(str(w) for w in words if w)
        return f"{head} ({key})" if head else str(shown)
    if label == "Household":
        village = names.name("region", props.get("region_code"))
        return f"{village} 户 ({key})" if village else f"户 {key}"
    if label == "Property":
        kind = names.name("property_type", props.get("property_type"))
        return f"{kind} ({key})" if kind else f"不动产 {key}"
    if label == "Payment":
        amount = props.get("amount")
        money = f" · {amount:g} 元" if isinstance(amount, (int, float)) else ""
        return f"发放 {shown}{money}"
    if label == "MedicalBill":
        return f"医疗费用 {shown}"
    return str(shown)


def readable_props(names: Names, props: dict[str, Any]) -> dict[str, Any]:
    """Properties for a tooltip or a detail table, codes read as `名称 (code)`."""
    out = dict(props)
    for prop, kind in CODE_PROPERTIES.items():
        value = out.get(prop)
        if isinstance(value, str) and value:
            out[prop] = names.label(kind, value)
    return out
