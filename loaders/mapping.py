"""Mapping files: one YAML file per agency extract layout.

A mapping says which files it reads, how (encoding, sheet, header row),
which column holds which field (with its type and code table), how to
identify the person a row is about when the citizen ID is missing, and
which nodes and relationships each row yields. Supporting a new agency
layout means writing one of these, not code. See mappings/README.md.
"""
from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reliefgraph.graph.schema import IDENTIFIER, Schema, load_schema

MAPPINGS_DIR = Path(__file__).with_name("mappings")
FIELD_TYPES = {"text", "name", "identifier", "citizen_id", "credit_code", "plate", "vin", "phone",
               "date", "month", "number", "int", "code"}
ENCODINGS = {"auto", "utf-8", "utf-8-sig", "gbk", "gb18030"}


class MappingError(ValueError):
    """A mapping file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Field:
    name: str
    column: str
    type: str = "text"
    required: bool = False
    map: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Derived:
    """A field computed from other fields after normalisation.

    `slice`: part of one field (a town code is the first 9 digits of a
    village code); `concat`: several fields joined (a payment's natural key
    is grant + month).
    """
    name: str
    sources: tuple[str, ...]
    slice: tuple[int, int] | None = None
    sep: str = "|"


@dataclass(frozen=True)
class NodeYield:
    label: str
    key_field: str                      # field holding the natural key
    set: dict[str, str]                 # property → field
    create_only: dict[str, str] = field(default_factory=dict)  # set when the node is first created
    # merge: create the node if absent (the agency is the authority for it);
    # match: it must already exist (e.g. a death record updates a registered person).
    mode: str = "merge"
    optional: bool = False  # written only for rows where the key field is present


@dataclass(frozen=True)
class Endpoint:
    label: str
    key_field: str


@dataclass(frozen=True)
class RelYield:
    type: str
    source: Endpoint
    target: Endpoint
    merge: dict[str, str]               # discriminating properties → field
    set: dict[str, str]
    optional: bool = False              # skipped (not rejected) when an endpoint field is blank


@dataclass(frozen=True)
class PersonIdentity:
    """Columns that identify the person a row is about, for rows without an ID."""
    id: str
    name: str
    birth_date: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Mapping:
    path: Path
    id: str
    agency: str
    agency_zh: str
    title_zh: str
    title_en: str
    files: tuple[str, ...]
    encoding: str
    sheet: int | str
    header_row: int
    order: int
    fields: dict[str, Field]
    derived: dict[str, Derived]
    nodes: tuple[NodeYield, ...]
    rels: tuple[RelYield, ...]
    person: PersonIdentity | None
    constants: dict[str, Any]
    digest: str

    def matches(self, file_name: str) -> bool:
        return any(fnmatch.fnmatch(file_name, pattern) for pattern in self.files)


def load_mapping(path: Path, schema: Schema | None = None) -> Mapping:
    schema = schema or load_schema()
    raw_text = Path(path).read_text(encoding="utf-8")
    try:
        doc = yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML: {exc}") from exc
    return _Parser(Path(path), doc, schema, hashlib.sha256(raw_text.encode()).hexdigest()).parse()


def load_mappings(directory: Path = MAPPINGS_DIR, schema: Schema | None = None) -> list[Mapping]:
    mappings = [load_mapping(p, schema) for p in sorted(Path(directory).glob("*.yaml"))]
    seen: dict[str, Path] = {}
    for m in mappings:
        if m.id in seen:
            raise MappingError(f"{m.path}: id {m.id!r} already used by {seen[m.id]}")
        seen[m.id] = m.path
    return sorted(mappings, key=lambda m: (m.order, m.id))


class _Parser:
    def __init__(self, path: Path, doc: Any, schema: Schema, digest: str):
        self.path, self.doc, self.schema, self.digest = path, doc, schema, digest

    def fail(self, where: str, message: str) -> MappingError:
        return MappingError(f"{self.path.name}: {where}: {message}")

    def parse(self) -> Mapping:
        d = self.doc
        if not isinstance(d, dict):
            raise self.fail("top level", "must be a mapping")
        for key in ("id", "agency", "title", "files", "fields", "yields"):
            if key not in d:
                raise self.fail(key, "is required")
        if not re.match(r"^[a-z][a-z0-9_]*$", str(d["id"])):
            raise self.fail("id", "use lower-case letters, digits and _")
        encoding = str(d.get("encoding", "auto")).lower()
        if encoding not in ENCODINGS:
            raise self.fail("encoding", f"{encoding!r} not in {sorted(ENCODINGS)}")
        files = d["files"] if isinstance(d["files"], list) else [d["files"]]
        fields = {name: self.field(name, spec) for name, spec in d["fields"].items()}
        constants = dict(d.get("constants") or {})
        for name, value in constants.items():
            if value is None or not str(value).strip():
                # Constants can be keys or link values; FalkorDB crashes on MERGE
                # with an empty-string key once the key is unique-constrained.
                raise self.fail(f"constants.{name}", "must not be blank")
        derived = {name: self.derived(name, spec, set(fields)) for name, spec in (d.get("derived") or {}).items()}
        known = set(fields) | set(constants) | set(derived)
        nodes, rels = [], []
        for i, y in enumerate(d["yields"]):
            where = f"yields[{i}]"
            if "node" in y:
                nodes.append(self.node(where, y, known))
            elif "rel" in y:
                rels.append(self.rel(where, y, known))
            else:
                raise self.fail(where, "needs `node:` or `rel:`")
        person = None
        if d.get("person"):
            p = d["person"]
            person = PersonIdentity(id=p["id"], name=p["name"], birth_date=p.get("birth_date"),
                                    region=p.get("region"))
            for role, fname in vars(person).items():
                if fname is not None and fname not in fields:
                    raise self.fail(f"person.{role}", f"unknown field {fname!r}")
        self.check_keys_required(fields, derived, nodes, rels)
        title = d["title"]
        return Mapping(
            path=self.path, id=d["id"], agency=d["agency"], agency_zh=d.get("agency_zh", d["agency"]),
            title_zh=title.get("zh", ""), title_en=title.get("en", ""), files=tuple(files),
            encoding=encoding, sheet=d.get("sheet", 0), header_row=int(d.get("header_row", 1)),
            order=int(d.get("order", 50)), fields=fields, derived=derived, nodes=tuple(nodes), rels=tuple(rels),
            person=person, constants=constants, digest=self.digest,
        )

    def check_keys_required(self, fields, derived, nodes, rels) -> None:
        # A blank key would MERGE a node with no identity or silently miss a
        # link; such rows must be rejected as incomplete instead.
        keys = {n.key_field for n in nodes if not n.optional}
        keys |= {e.key_field for r in rels if not r.optional for e in (r.source, r.target)}
        keys |= {f for r in rels if not r.optional for f in r.merge.values()}
        for name in sorted(keys):
            sources = derived[name].sources if name in derived else (name,)
            for src in sources:
                f = fields.get(src)
                if f is not None and not f.required:
                    raise self.fail(f"fields.{src}", "is used as a key or link and must be `required: true` "
                                                     "(or the yield `optional: true`)")
        optional_nodes = {(n.label, n.key_field) for n in nodes if n.optional}
        for r in rels:
            ends = {(r.source.label, r.source.key_field), (r.target.label, r.target.key_field)}
            if ends & optional_nodes and not r.optional:
                raise self.fail(f"yields {r.type}", "a relationship to an optional node must be optional too")

    def derived(self, name: str, spec: dict, fields: set[str]) -> Derived:
        if not IDENTIFIER.match(name):
            raise self.fail(f"derived.{name}", "field names must be identifiers")
        if "slice" in spec:
            src, (start, end) = spec["from"], spec["slice"]
            sources, cut = (src,), (int(start), int(end))
        elif "concat" in spec:
            sources, cut = tuple(spec["concat"]), None
        else:
            raise self.fail(f"derived.{name}", "use `from` + `slice: [start, end]` or `concat: [fields]`")
        for src in sources:
            if src not in fields:
                raise self.fail(f"derived.{name}", f"unknown field {src!r}")
        return Derived(name=name, sources=sources, slice=cut, sep=str(spec.get("sep", "|")))

    def field(self, name: str, spec: Any) -> Field:
        if not IDENTIFIER.match(name):
            raise self.fail(f"fields.{name}", "field names must be identifiers")
        if isinstance(spec, str):
            spec = {"column": spec}
        ftype = spec.get("type", "text")
        if ftype not in FIELD_TYPES:
            raise self.fail(f"fields.{name}", f"type {ftype!r} not in {sorted(FIELD_TYPES)}")
        if ftype == "code" and not spec.get("map"):
            raise self.fail(f"fields.{name}", "a code field needs a `map` (code table)")
        table = {str(k): str(v) for k, v in (spec.get("map") or {}).items() if v is not None}
        blank = [k for k, v in (spec.get("map") or {}).items() if v is None or not str(v).strip()]
        if blank:
            raise self.fail(f"fields.{name}", f"code table maps {blank} to a blank value; leave such codes out "
                                              "(an unmapped code is rejected with a reason)")
        return Field(name=name, column=str(spec["column"]), type=ftype, required=bool(spec.get("required")),
                     map=table)

    def props(self, where: str, owner_props: dict, given: dict | None, known: set[str]) -> dict[str, str]:
        out = {}
        for prop, fname in (given or {}).items():
            if prop not in owner_props:
                raise self.fail(where, f"property {prop!r} is not declared in the schema")
            if fname not in known:
                raise self.fail(where, f"unknown field {fname!r}")
            out[prop] = fname
        return out

    def node(self, where: str, y: dict, known: set[str]) -> NodeYield:
        label = y["node"]
        if label not in self.schema.nodes:
            raise self.fail(where, f"unknown node label {label!r}")
        nt = self.schema.nodes[label]
        key_field = y.get("key")
        if key_field not in known:
            raise self.fail(where, f"`key` must name the field holding {label}.{nt.key}")
        mode = y.get("mode", "merge")
        if mode not in ("merge", "match"):
            raise self.fail(where, "mode is `merge` (create if absent) or `match` (must exist)")
        sets = self.props(where, nt.properties, y.get("set"), known)
        if mode == "match":
            # The node's own provenance names the record that created it, so a
            # fact added by another record must carry its source beside it.
            unsourced = [p for p in sets if f"{p}_src" not in nt.properties]
            if unsourced:
                raise self.fail(where, f"match-mode properties {unsourced} need `sourced: true` in the schema "
                                       "so their source record is kept")
        return NodeYield(label=label, key_field=key_field, set=sets,
                         create_only=self.props(where, nt.properties, y.get("create_only"), known),
                         mode=mode, optional=bool(y.get("optional")))

    def endpoint(self, where: str, spec: Any, allowed: tuple[str, ...], known: set[str]) -> Endpoint:
        if not isinstance(spec, dict) or len(spec) != 1:
            raise self.fail(where, "an endpoint is {Label: field}")
        (label, fname), = spec.items()
        if label not in allowed:
            raise self.fail(where, f"{label} is not allowed here; schema allows {list(allowed)}")
        if fname not in known:
            raise self.fail(where, f"unknown field {fname!r}")
        return Endpoint(label=label, key_field=fname)

    def rel(self, where: str, y: dict, known: set[str]) -> RelYield:
        rtype = y["rel"]
        if rtype not in self.schema.relationships:
            raise self.fail(where, f"unknown relationship type {rtype!r}")
        rt = self.schema.relationships[rtype]
        return RelYield(
            type=rtype,
            source=self.endpoint(f"{where}.from", y.get("from"), rt.sources, known),
            target=self.endpoint(f"{where}.to", y.get("to"), rt.targets, known),
            merge=self.props(where, rt.properties, y.get("merge"), known),
            set=self.props(where, rt.properties, y.get("set"), known),
            optional=bool(y.get("optional")),
        )
