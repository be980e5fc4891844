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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from reliefgraph.graph.schema import IDENTIFIER, Schema, load_schema

MAPPINGS_DIR = Path(__file__).with_name("mappings")
FIELD_TYPES = {"text", "name", "identifier", "citizen_id", "credit_code", "plate", "vin", "phone",
               "date", "month", "number", "int", "code"}
ENCODINGS = {"auto", "utf-8", "utf-8-sig", "gbk", "gb18030"}
FUTURE_POLICIES = ("allow", "warn", "reject")
CHECKSUM_POLICIES = ("reject", "warn")
# Units a number column may be written in (converted by normalise.number).
UNITS = ("元", "万元", "%")
BENEFICIARIES = ("listed", "from_register")
# The applicant's relation to themself, as grant ledgers write it.
APPLICANT_RELATION = "本人"


class MappingError(ValueError):
    """A mapping file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Field:
    name: str
    column: str
    type: str = "text"
    required: bool = False
    map: dict[str, str] = field(default_factory=dict)
    future: str = "allow"          # dates: a date after the as-of date is allowed, warned or rejected
    checksum: str = "reject"       # citizen_id / credit_code: a wrong check character rejects or warns
    unit: str | None = None        # numbers: the unit the column is written in (see UNITS)
    lookup: str | None = None      # filled from this look-up table ...
    lookup_key: str | None = None  # ... in the row whose key equals this field's value


@dataclass(frozen=True)
class Lookup:
    """A code table or another extract read from the load folder, keyed on one column."""
    name: str
    files: tuple[str, ...]
    key: str
    encoding: str = "auto"
    sheet: int | str = 0
    header_row: int = 1

    def matches(self, file_name: str) -> bool:
        return any(fnmatch.fnmatch(file_name, pattern) for pattern in self.files)


@dataclass(frozen=True)
class When:
    """A yield's row filter; `column` is the internal field holding True for rows it passes."""
    column: str
    field: str
    op: str                          # in | not_in | equals | present | absent
    values: tuple[str, ...] = ()


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
    # A key with a fallback (`key_fallback`): the first source when present,
    # else FALLBACK_MARK + the other sources joined - never a real key's shape.
    fallback: bool = False
    optional: bool = False   # the node yield keyed on it is optional: a row lacking both is not rejected


FALLBACK_MARK = "~"


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
    when: When | None = None


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
    when: When | None = None


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
    lookups: dict[str, Lookup] = field(default_factory=dict)
    agency_field: str | None = None     # a field whose value is the row's src_agency (blank: `agency`)
    beneficiaries: str = "listed"
    shares_file: bool = False           # may load a file another `shares_file` mapping loads too
    whens: tuple[When, ...] = ()
    # Fields whose blank is not "missing": a key with a fallback.
    blank_ok: frozenset[str] = frozenset()
    # Internal flag field → the checksum-warn fields it ORs.
    checksum_flags: dict[str, tuple[str, ...]] = field(default_factory=dict)

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
        encoding = self.encoding("encoding", d.get("encoding", "auto"))
        files = d["files"] if isinstance(d["files"], list) else [d["files"]]
        lookups = {name: self.lookup(name, spec) for name, spec in (d.get("lookups") or {}).items()}
        fields = {name: self.field(name, spec) for name, spec in d["fields"].items()}
        self.check_lookups(fields, lookups)
        constants = dict(d.get("constants") or {})
        for name, value in constants.items():
            if value is None or not str(value).strip():
                # Constants can be keys or link values; FalkorDB crashes on MERGE
                # with an empty-string key once the key is unique-constrained.
                raise self.fail(f"constants.{name}", "must not be blank")
        beneficiaries = str(d.get("beneficiaries", "listed"))
        if beneficiaries not in BENEFICIARIES:
            raise self.fail("beneficiaries", f"{beneficiaries!r} not in {list(BENEFICIARIES)}")
        if beneficiaries == "from_register":
            constants["_beneficiaries"] = "from_register"
            constants["_applicant_relation"] = APPLICANT_RELATION
        derived = {name: self.derived(name, spec, set(fields)) for name, spec in (d.get("derived") or {}).items()}
        known = set(fields) | set(constants) | set(derived)
        nodes, rels, whens = [], [], []
        for i, y in enumerate(d["yields"]):
            where = f"yields[{i}]"
            if not isinstance(y, dict):
                raise self.fail(where, "needs `node:` or `rel:`")
            when = self.when(where, i, y.get("when"), known)
            whens += [when] if when else []
            if "node" in y:
                nodes.append(self.node(where, y, known, when, fields, derived))
            elif "rel" in y:
                rels.append(self.rel(where, y, known, when))
            else:
                raise self.fail(where, "needs `node:` or `rel:`")
        rels = self.fallback_endpoints(nodes, rels, derived)
        if beneficiaries == "from_register":
            nodes, rels = self.from_register(nodes, rels)
        person = None
        if d.get("person"):
            p = d["person"]
            person = PersonIdentity(id=p["id"], name=p["name"], birth_date=p.get("birth_date"),
                                    region=p.get("region"))
            for role, fname in vars(person).items():
                if fname is not None and fname not in fields:
                    raise self.fail(f"person.{role}", f"unknown field {fname!r}")
        self.check_keys_required(fields, derived, nodes, rels)
        agency_field = d.get("agency_field")
        if agency_field is not None and agency_field not in fields:
            raise self.fail("agency_field", f"unknown field {agency_field!r}")
        nodes, rels, flags = self.checksum_flags(fields, derived, nodes, rels)
        blank_ok = frozenset(dv.sources[0] for dv in derived.values() if dv.fallback)
        title = d["title"]
        return Mapping(
            path=self.path, id=d["id"], agency=d["agency"], agency_zh=d.get("agency_zh", d["agency"]),
            title_zh=title.get("zh", ""), title_en=title.get("en", ""), files=tuple(files),
            encoding=encoding, sheet=d.get("sheet", 0), header_row=int(d.get("header_row", 1)),
            order=int(d.get("order", 50)), fields=fields, derived=derived, nodes=tuple(nodes), rels=tuple(rels),
            person=person, constants=constants, digest=self.digest, lookups=lookups, agency_field=agency_field,
            beneficiaries=beneficiaries, shares_file=bool(d.get("shares_file")), whens=tuple(whens),
            blank_ok=blank_ok, checksum_flags=flags,
        )

    def encoding(self, where: str, value: Any) -> str:
        encoding = str(value).lower()
        if encoding not in ENCODINGS:
            raise self.fail(where, f"{encoding!r} not in {sorted(ENCODINGS)}")
        return encoding

    def lookup(self, name: str, spec: Any) -> Lookup:
        where = f"lookups.{name}"
        if not IDENTIFIER.match(str(name)):
            raise self.fail(where, "table names must be identifiers")
        if not isinstance(spec, dict) or not spec.get("files") or not spec.get("key"):
            raise self.fail(where, "needs `files` (glob or list of globs) and `key` (the column it is keyed on)")
        files = spec["files"] if isinstance(spec["files"], list) else [spec["files"]]
        return Lookup(name=name, files=tuple(str(f) for f in files), key=str(spec["key"]),
                      encoding=self.encoding(f"{where}.encoding", spec.get("encoding", "auto")),
                      sheet=spec.get("sheet", 0), header_row=int(spec.get("header_row", 1)))

    def check_lookups(self, fields: dict[str, Field], lookups: dict[str, Lookup]) -> None:
        for f in fields.values():
            if f.lookup is None:
                continue
            if f.lookup not in lookups:
                raise self.fail(f"fields.{f.name}", f"unknown look-up table {f.lookup!r}; declare it under `lookups:`")
            key = fields.get(f.lookup_key)
            if key is None or key.lookup is not None:
                raise self.fail(f"fields.{f.name}", f"`key` must name a field read from this file, "
                                                   f"not {f.lookup_key!r}")

    def when(self, where: str, index: int, spec: Any, known: set[str]) -> When | None:
        if spec is None:
            return None
        ops = [op for op in ("in", "not_in", "equals", "present") if isinstance(spec, dict) and op in spec]
        if not isinstance(spec, dict) or len(ops) != 1 or set(spec) != {"field", ops[0]}:
            raise self.fail(f"{where}.when", "is {field: X, in: [...]}, {field: X, not_in: [...]}, "
                                             "{field: X, equals: v} or {field: X, present: true}")
        if spec["field"] not in known:
            raise self.fail(f"{where}.when", f"unknown field {spec['field']!r}")
        op, arg = ops[0], spec[ops[0]]
        if op in ("in", "not_in"):
            if not isinstance(arg, list) or not arg:
                raise self.fail(f"{where}.when", f"`{op}` takes a non-empty list of values")
            values = tuple(str(v) for v in arg)
        elif op == "equals":
            values = (str(arg),)
        else:
            if arg is not True and arg is not False:
                raise self.fail(f"{where}.when", "`present` is true or false")
            op, values = ("present" if arg else "absent"), ()
        return When(column=f"_when_{index}", field=str(spec["field"]), op=op, values=values)

    def check_keys_required(self, fields, derived, nodes, rels) -> None:
        # A blank key would MERGE a node with no identity or silently miss a
        # link; such rows must be rejected as incomplete instead.
        keys = {n.key_field for n in nodes if not n.optional}
        keys |= {e.key_field for r in rels if not r.optional for e in (r.source, r.target)}
        keys |= {f for r in rels if not r.optional for f in r.merge.values()}
        for name in sorted(keys):
            if name in derived and derived[name].fallback:
                continue  # a blank key takes its fallback; a row lacking both is rejected
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
        if "column" not in spec:
            raise self.fail(f"fields.{name}", "needs `column`")
        future = str(spec.get("future", "allow"))
        if future not in FUTURE_POLICIES or ("future" in spec and ftype != "date"):
            raise self.fail(f"fields.{name}", f"`future` is one of {list(FUTURE_POLICIES)}, on a date field")
        checksum = str(spec.get("checksum", "reject"))
        if checksum not in CHECKSUM_POLICIES or ("checksum" in spec and ftype not in ("citizen_id", "credit_code")):
            raise self.fail(f"fields.{name}", f"`checksum` is one of {list(CHECKSUM_POLICIES)}, "
                                              "on a citizen_id or credit_code field")
        unit = spec.get("unit")
        if unit is not None and (str(unit) not in UNITS or ftype not in ("number", "int")):
            raise self.fail(f"fields.{name}", f"`unit` is one of {list(UNITS)}, on a number or int field")
        lookup = spec.get("lookup")
        if lookup is not None and not spec.get("key"):
            raise self.fail(f"fields.{name}", "a look-up field needs `key` (the field to look up by)")
        return Field(name=name, column=str(spec["column"]), type=ftype, required=bool(spec.get("required")),
                     map=table, future=future, checksum=checksum, unit=None if unit is None else str(unit),
                     lookup=None if lookup is None else str(lookup),
                     lookup_key=None if lookup is None else str(spec["key"]))

    def props(self, where: str, owner_props: dict, given: dict | None, known: set[str]) -> dict[str, str]:
        out = {}
        for prop, fname in (given or {}).items():
            if prop not in owner_props:
                raise self.fail(where, f"property {prop!r} is not declared in the schema")
            if fname not in known:
                raise self.fail(where, f"unknown field {fname!r}")
            out[prop] = fname
        return out

    def node(self, where: str, y: dict, known: set[str], when: When | None,
             fields: dict[str, Field], derived: dict[str, Derived]) -> NodeYield:
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
        if y.get("key_fallback") is not None:
            key_field = self.key_fallback(where, y, key_field, mode, fields, derived)
        return NodeYield(label=label, key_field=key_field, set=sets,
                         create_only=self.props(where, nt.properties, y.get("create_only"), known),
                         mode=mode, optional=bool(y.get("optional")), when=when)

    def key_fallback(self, where: str, y: dict, key_field: str, mode: str, fields: dict[str, Field],
                     derived: dict[str, Derived]) -> str:
        """The internal field keying the node: the key when present, else the fallback fields."""
        fallback = y["key_fallback"]
        if mode != "merge" or not isinstance(fallback, list) or not fallback:
            raise self.fail(where, "`key_fallback` is a list of fields, on a node yield in merge mode")
        for fname in [key_field, *fallback]:
            if fname not in fields:
                raise self.fail(where, f"`key_fallback` and its key must name fields, not {fname!r}")
        name = f"_key_{key_field}"
        made = Derived(name=name, sources=(key_field, *map(str, fallback)), fallback=True,
                       optional=bool(y.get("optional")))
        if derived.setdefault(name, made) != made:
            raise self.fail(where, f"field {key_field!r} already has another `key_fallback`")
        return name

    def fallback_endpoints(self, nodes: list[NodeYield], rels: list[RelYield],
                           derived: dict[str, Derived]) -> list[RelYield]:
        """An endpoint named by a key that has a fallback reaches the node by the same fallback."""
        keyed = {(n.label, derived[n.key_field].sources[0]): n.key_field
                 for n in nodes if n.key_field in derived and derived[n.key_field].fallback}
        if not keyed:
            return rels

        def end(e: Endpoint) -> Endpoint:
            return replace(e, key_field=keyed.get((e.label, e.key_field), e.key_field))
        return [replace(r, source=end(r.source), target=end(r.target)) for r in rels]

    def from_register(self, nodes: list[NodeYield], rels: list[RelYield]) -> tuple[list, list]:
        """Mark every Grant the mapping loads; its holder is one of its beneficiaries."""
        grants = [n for n in nodes if n.label == "Grant" and n.mode == "merge"]
        if not grants:
            raise self.fail("beneficiaries", "`from_register` needs a Grant node yield (mode merge)")
        nodes = [replace(n, set={**n.set, "beneficiaries": "_beneficiaries"}) if n in grants else n for n in nodes]
        for r in [r for r in rels if r.type == "HELD_BY"]:
            rels.append(RelYield(type="BENEFICIARY_OF", source=r.target, target=r.source, merge={},
                                 set={"relation": "_applicant_relation"}, optional=r.optional, when=r.when))
        return nodes, rels

    def checksum_flags(self, fields: dict[str, Field], derived: dict[str, Derived], nodes: list[NodeYield],
                       rels: list[RelYield]) -> tuple[list, list, dict[str, tuple[str, ...]]]:
        """Facts written from a value kept despite a wrong check character get `checksum_bad: true`."""
        warned = {f.name for f in fields.values() if f.checksum == "warn"}
        if not warned:
            return nodes, rels, {}
        flags: dict[str, tuple[str, ...]] = {}

        def flag(used: list[str]) -> str | None:
            hit = tuple(dict.fromkeys(f for f in used if f in warned))
            if not hit:
                return None
            name = "_checksum_bad_" + "__".join(hit)
            flags[name] = hit
            return name

        def sources(fname: str) -> list[str]:
            return [fname] if fname in fields else list(derived[fname].sources if fname in derived else ())

        out_nodes = []
        for n in nodes:
            used = [s for f in (n.key_field, *n.set.values(), *n.create_only.values()) for s in sources(f)]
            name = flag(used) if n.mode == "merge" else None
            out_nodes.append(replace(n, set={**n.set, "checksum_bad": name}) if name else n)
        out_rels = []
        for r in rels:
            used = [s for f in (r.source.key_field, r.target.key_field, *r.merge.values(), *r.set.values())
                    for s in sources(f)]
            name = flag(used)
            out_rels.append(replace(r, set={**r.set, "checksum_bad": name}) if name else r)
        return out_nodes, out_rels, flags

    def endpoint(self, where: str, spec: Any, allowed: tuple[str, ...], known: set[str]) -> Endpoint:
        if not isinstance(spec, dict) or len(spec) != 1:
            raise self.fail(where, "an endpoint is {Label: field}")
        (label, fname), = spec.items()
        if label not in allowed:
            raise self.fail(where, f"{label} is not allowed here; schema allows {list(allowed)}")
        if fname not in known:
            raise self.fail(where, f"unknown field {fname!r}")
        return Endpoint(label=label, key_field=fname)

    def rel(self, where: str, y: dict, known: set[str], when: When | None) -> RelYield:
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
            when=when,
        )
