"""Read `.cypher` files: a YAML metadata header in a block comment, then one query.

    /*
    id: person_household
    title: {zh: 人员所在户及救助情况, en: A person's household and grants}
    description: ...
    params:
      citizen_id: {type: string, zh: 身份证号, en: Citizen ID, required: true}
      since: {type: date, default: "2020-01-01", zh: 起始日期, en: Since}
      town: {type: string, zh: 乡镇, en: Town,
             choices: {query: "MATCH (r:Region {level: 'town'}) RETURN r.code ORDER BY r.code", names: region}}
    columns: {household_id: 户号, town: {zh: 乡镇, names: region}}
    */
    MATCH ...

A parameter with `choices` is picked from the loaded data: its `query`
returns the values (first column; the first row is the default when no
`default` is declared, so order it to put a value with results first), and
`names` says which names table labels them (`region`, `programme`, …; see
`queries/names.py`); `open: true` makes the list suggestions beside a box
where any value may be typed (a citizen ID). `columns` gives result columns their Chinese headers
and, with `names`, shows codes as `名称 (code)`.

The header is what analysts and inspectors read (and what the dashboard and
reports quote); the query after it runs unchanged on both engines, with every
value passed as a parameter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reliefgraph.cypher import CYPHER_DIR

HEADER = re.compile(r"\A\s*/\*(?P<header>.*?)\*/(?P<body>.*)\Z", re.DOTALL)
PARAM_TYPES = {"string", "int", "float", "bool", "date", "month", "list"}
FILE_ID = re.compile(r"^[a-z][a-z0-9_.]*$")


class CypherFileError(ValueError):
    """A .cypher file's header or body is malformed; the message names the file."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    zh: str
    en: str
    default: Any = None
    required: bool = False
    example: Any = None  # shown as a hint in forms; used by the test suite to run the file
    choices: "Choices | None" = None


@dataclass(frozen=True)
class Choices:
    """Values offered for a parameter, read from the loaded data."""
    query: str
    names: str | None = None     # a kind in queries/names.py that labels the values
    open: bool = False           # suggestions only: another value may be typed (a citizen ID)


@dataclass(frozen=True)
class Column:
    zh: str
    names: str | None = None


@dataclass(frozen=True)
class CypherFile:
    path: Path
    id: str
    title_zh: str
    title_en: str
    meta: dict[str, Any]
    params: dict[str, Param]
    query: str
    extra: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)

    def header(self, column: str) -> str:
        """A result column's heading: its declared Chinese name, else the column itself."""
        c = self.columns.get(column)
        return c.zh if c else column

    def examples(self) -> dict[str, Any]:
        """Parameters filled with examples where declared, else defaults."""
        return {n: p.example if p.example is not None else p.default for n, p in self.params.items()}

    def defaults(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.params.items()}

    def bind(self, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """Parameters for a run: declared defaults overridden by `values`."""
        values = dict(values or {})
        unknown = sorted(set(values) - set(self.params))
        if unknown:
            raise CypherFileError(f"{self.id}: unknown parameters {unknown}; declared: {sorted(self.params)}")
        bound = {**self.defaults(), **values}
        missing = [n for n, p in self.params.items() if p.required and bound.get(n) in (None, "")]
        if missing:
            named = "、".join(f"{self.params[n].zh} {self.params[n].en} (${n})" for n in missing)
            raise CypherFileError(f"{self.title_zh}: 缺少必填参数 missing required parameters: {named}")
        return bound


def parse_cypher_file(path: Path) -> CypherFile:
    text = Path(path).read_text(encoding="utf-8")
    m = HEADER.match(text)
    if not m:
        raise CypherFileError(f"{path}: must start with a /* YAML header */ block")
    try:
        meta = yaml.safe_load(m.group("header")) or {}
    except yaml.YAMLError as exc:
        raise CypherFileError(f"{path}: header is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise CypherFileError(f"{path}: header must be a YAML mapping")
    fid = meta.get("id")
    if not isinstance(fid, str) or not FILE_ID.match(fid):
        raise CypherFileError(f"{path}: header needs an `id` of lower-case letters, digits, _ and .")
    title = meta.get("title") or {}
    if not isinstance(title, dict) or not title.get("zh") or not title.get("en"):
        raise CypherFileError(f"{path}: header needs `title` with both `zh` and `en`")
    query = m.group("body").strip()
    if not query:
        raise CypherFileError(f"{path}: no query after the header")
    params = {}
    for name, spec in (meta.get("params") or {}).items():
        spec = spec or {}
        ptype = spec.get("type", "string")
        if ptype not in PARAM_TYPES:
            raise CypherFileError(f"{path}: parameter {name}: type {ptype!r} not in {sorted(PARAM_TYPES)}")
        params[name] = Param(name=name, type=ptype, zh=spec.get("zh", name), en=spec.get("en", name),
                             default=spec.get("default"), required=bool(spec.get("required")),
                             example=spec.get("example"), choices=_choices(path, name, spec.get("choices")))
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", query))
    undeclared = sorted(used - set(params))
    if undeclared:
        raise CypherFileError(f"{path}: query uses undeclared parameters {undeclared}")
    return CypherFile(path=Path(path), id=fid, title_zh=title["zh"], title_en=title["en"],
                      meta=meta, params=params, query=query, columns=_columns(path, meta.get("columns")))


def _choices(path: Path, name: str, spec: Any) -> Choices | None:
    if spec is None:
        return None
    if not isinstance(spec, dict) or not isinstance(spec.get("query"), str) or not spec["query"].strip():
        raise CypherFileError(f"{path}: parameter {name}: `choices` needs a `query` returning the values")
    if "$" in spec["query"]:
        raise CypherFileError(f"{path}: parameter {name}: a choices query takes no parameters")
    return Choices(query=spec["query"].strip(), names=spec.get("names"), open=bool(spec.get("open")))


def _columns(path: Path, spec: Any) -> dict[str, Column]:
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise CypherFileError(f"{path}: `columns` must map result columns to Chinese headings")
    out = {}
    for col, value in spec.items():
        if isinstance(value, str):
            out[col] = Column(zh=value)
        elif isinstance(value, dict) and value.get("zh"):
            out[col] = Column(zh=str(value["zh"]), names=value.get("names"))
        else:
            raise CypherFileError(f"{path}: column {col}: give a Chinese heading, or {{zh: ..., names: kind}}")
    return out


def cypher_files(kind: str | None = None, root: Path = CYPHER_DIR) -> list[CypherFile]:
    """All rule and saved-query files (or one kind: `rules` / `queries`), sorted by path."""
    base = root / kind if kind else root
    return [parse_cypher_file(p) for p in sorted(base.rglob("*.cypher"))]
