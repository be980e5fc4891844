"""The graph model, read from `schema.yaml` and checked once at import.

Everything that needs to know the model (DDL, loaders, legend, masking,
report captions) asks this module rather than hard-coding labels.
"""
from __future__ import annotations

import re
from types import MappingProxyType
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

SCHEMA_FILE = Path(__file__).with_name("schema.yaml")

PROPERTY_TYPES = {"string", "int", "float", "bool", "date", "month", "list"}
PII_KINDS = {"citizen_id", "phone", "bank_account", "address"}
# Labels, types and property names end up inside DDL text, where Cypher has
# no parameters; restricting them to plain identifiers keeps that safe.
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SchemaError(ValueError):
    """The schema declaration is inconsistent."""


@dataclass(frozen=True)
class Prop:
    name: str
    type: str
    zh: str
    en: str
    pii: str | None = None
    index: bool = False
    search: bool = False
    values: dict[str, str] = field(default_factory=dict)

    def display(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class NodeType:
    label: str
    zh: str
    en: str
    key: str
    caption: str
    color: str
    properties: dict[str, Prop]
    meta: bool = False  # bookkeeping (load batches), not evidence


@dataclass(frozen=True)
class RelType:
    type: str
    zh: str
    en: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: dict[str, Prop]
    # People linked to one node by it work together (a payroll, a post): a
    # crowd of them is drawn as "N 名同事 colleagues at X".
    colleagues: bool = False


@dataclass(frozen=True)
class Schema:
    version: int
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]

    def node(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise SchemaError(f"unknown node label {label!r}") from None

    def rel(self, rel_type: str) -> RelType:
        try:
            return self.relationships[rel_type]
        except KeyError:
            raise SchemaError(f"unknown relationship type {rel_type!r}") from None

    def pii_properties(self) -> dict[str, str]:
        """Property name → PII kind, over every label (names are consistent)."""
        # Asked once per value masked (a thousand times for one clue table):
        # worked out once per schema, handed out read-only.
        return MappingProxyType(self._pii)

    @cached_property
    def _pii(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for nt in self.nodes.values():
            for p in nt.properties.values():
                if p.pii:
                    found[p.name] = p.pii
        return found

    def indexed(self) -> list[tuple[str, str]]:
        """(label, property) pairs that get a range index besides the key."""
        return [
            (nt.label, p.name)
            for nt in self.nodes.values()
            for p in nt.properties.values()
            if p.index and p.name != nt.key
        ]


def _props(owner: str, raw: dict | None, sets: dict[str, dict[str, Prop]],
           use: list[str]) -> dict[str, Prop]:
    props: dict[str, Prop] = {}
    for set_name in use:
        props.update(sets[set_name])
    for name, spec in (raw or {}).items():
        if not IDENTIFIER.match(name):
            raise SchemaError(f"{owner}.{name}: property names must be identifiers")
        props[name] = _prop(f"{owner}.{name}", name, spec)
        if spec.get("sourced"):
            # A fact that another agency's record adds to an existing node keeps
            # its own source ("agency|file|row|batch") beside it.
            props[f"{name}_src"] = Prop(name=f"{name}_src", type="string",
                                        zh=f"{spec['zh']}来源", en=f"{spec['en']} source")
    return props


def _prop(where: str, name: str, spec: dict) -> Prop:
    ptype = spec.get("type")
    if ptype not in PROPERTY_TYPES:
        raise SchemaError(f"{where}: type {ptype!r} is not one of {sorted(PROPERTY_TYPES)}")
    pii = spec.get("pii")
    if pii is not None and pii not in PII_KINDS:
        raise SchemaError(f"{where}: pii {pii!r} is not one of {sorted(PII_KINDS)}")
    for lang in ("zh", "en"):
        if not spec.get(lang):
            raise SchemaError(f"{where}: missing display name {lang!r}")
    return Prop(name=name, type=ptype, zh=spec["zh"], en=spec["en"], pii=pii,
                index=bool(spec.get("index")), search=bool(spec.get("search")),
                values=dict(spec.get("values") or {}))


def parse_schema(doc: dict) -> Schema:
    sets = {
        set_name: {n: _prop(f"property_sets.{set_name}.{n}", n, s) for n, s in specs.items()}
        for set_name, specs in (doc.get("property_sets") or {}).items()
    }
    for required in ("provenance", "interval"):
        if required not in sets:
            raise SchemaError(f"property_sets.{required} is required")

    nodes: dict[str, NodeType] = {}
    for label, spec in doc["nodes"].items():
        if not IDENTIFIER.match(label):
            raise SchemaError(f"node label {label!r} must be an identifier")
        use = ["provenance"] + (["interval"] if spec.get("interval") else [])
        props = _props(label, spec.get("properties"), sets, use)
        key = spec.get("key")
        if key not in props:
            raise SchemaError(f"{label}: key {key!r} is not a declared property")
        caption = spec.get("caption", key)
        if caption not in props:
            raise SchemaError(f"{label}: caption {caption!r} is not a declared property")
        nodes[label] = NodeType(label=label, zh=spec["zh"], en=spec["en"], key=key,
                                caption=caption, color=spec["color"], properties=props,
                                meta=bool(spec.get("meta")))

    rels: dict[str, RelType] = {}
    for rtype, spec in doc["relationships"].items():
        if not IDENTIFIER.match(rtype):
            raise SchemaError(f"relationship type {rtype!r} must be an identifier")
        ends = {"from": tuple(spec["from"]), "to": tuple(spec["to"])}
        for side, labels in ends.items():
            unknown = [lbl for lbl in labels if lbl not in nodes]
            if unknown:
                raise SchemaError(f"{rtype}.{side}: unknown labels {unknown}")
        use = ["provenance"] + (["interval"] if spec.get("interval") else [])
        rels[rtype] = RelType(type=rtype, zh=spec["zh"], en=spec["en"],
                              sources=ends["from"], targets=ends["to"],
                              properties=_props(rtype, spec.get("properties"), sets, use),
                              colleagues=bool(spec.get("colleagues", False)))

    _check_pii_consistent(nodes)
    return Schema(version=int(doc.get("version", 1)), nodes=nodes, relationships=rels)


def _check_pii_consistent(nodes: dict[str, NodeType]) -> None:
    # Masking works by property name, so one name must not be PII in one
    # label and clear text in another.
    seen: dict[str, str | None] = {}
    for nt in nodes.values():
        for p in nt.properties.values():
            if p.name in seen and seen[p.name] != p.pii:
                raise SchemaError(f"property {p.name!r} has inconsistent pii flags across labels")
            seen[p.name] = p.pii


@lru_cache(maxsize=4)
def load_schema(path: Path = SCHEMA_FILE) -> Schema:
    with open(path, encoding="utf-8") as fh:
        return parse_schema(yaml.safe_load(fh))
