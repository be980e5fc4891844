"""Saved queries and the ad-hoc Cypher box, outside Streamlit.

Form widgets are typed from each file's header (`params:`); values typed
into them are checked and converted here, then passed as parameters. The
ad-hoc box runs through `store.read`, which the database executes
read-only (FalkorDB GRAPH.RO_QUERY, Neo4j read transactions): a write is
refused by the engine, not by inspecting the text.
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from reliefgraph import exports
from reliefgraph.dashboard.graphview import Subgraph, from_engine, name_nodes
from reliefgraph.dashboard.permissions import Viewer, mask_rows, mask_text
from reliefgraph.cypher_errors import explain
from reliefgraph.graph.adhoc import QueryRefused, check_typed_query
from reliefgraph.graph.schema import load_schema
from reliefgraph.graph.store import GraphStore, QueryTimeout, ReadOnlyViolation, StoreError
from reliefgraph.queries.cypher_files import CypherFile, CypherFileError, Param, cypher_files
from reliefgraph.queries.names import Names, names_for

MAX_SHOWN_ROWS = 1000
# The engine stops a query past these (seconds): one analyst's cross product
# must not hold the store that every other session reads from.
ADHOC_TIMEOUT = 20.0
SAVED_TIMEOUT = 60.0
WIDGETS = {"string": "text", "int": "int", "float": "float", "bool": "bool", "date": "date", "month": "month",
           "list": "list"}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CHOICES_TIMEOUT = 20.0
MAX_CHOICES = 2000


class QueryInputError(ValueError):
    """A value or query the user typed cannot run; the message says why (Chinese + English)."""


@dataclass(frozen=True)
class Widget:
    name: str
    kind: str          # text | int | float | bool | date | month | list
    label: str
    default: Any
    required: bool
    hint: str
    options: list[tuple[Any, str]] | None = None   # (value, label) read from the data, for a select box
    open: bool = False         # the options are suggestions; a typed value wins


@dataclass
class Outcome:
    columns: list[str]         # headings as users read them (the file's `columns:` Chinese names)
    rows: list[tuple]          # masked for the viewer, codes named, at most MAX_SHOWN_ROWS
    total_rows: int
    graph: Subgraph | None     # when the result holds nodes, relationships or paths
    keys: list[str] | None = None   # the query's own column names


_FILES_TTL = 60.0
_files_cache: tuple[float, list[CypherFile]] | None = None
_files_lock = threading.Lock()


def _saved_queries() -> list[CypherFile]:
    # Parsed once a minute, not on every rerun of every session: a new file
    # shows within a minute, and 20 sessions stop re-reading the folder.
    global _files_cache
    with _files_lock:
        if _files_cache is None or time.monotonic() - _files_cache[0] > _FILES_TTL:
            _files_cache = (time.monotonic(), cypher_files("queries"))
        return _files_cache[1]


def files_for(role: str) -> list[CypherFile]:
    """Saved queries whose `audience` includes the role (administrators see all)."""
    out = []
    for f in _saved_queries():
        audience = f.meta.get("audience") or []
        if role == "admin" or not audience or role in audience:
            out.append(f)
    return out


_choices_cache: dict[tuple, list[tuple[Any, Any]]] = {}


def choice_values(store: GraphStore, p: Param) -> list[tuple[Any, Any]]:
    """(value, extra) rows of a parameter's choices query, read once per data version."""
    version = names_for(store)      # re-read when a load has finished since
    key = (id(store), id(version), p.choices.query)
    with _files_lock:
        held = _choices_cache.get(key)
    if held is not None:
        return held
    try:
        rows = store.read(p.choices.query, {}, timeout=CHOICES_TIMEOUT).rows[:MAX_CHOICES]
    except StoreError:
        rows = []                   # the box falls back to typing the value
    values = [(r[0], r[1] if len(r) > 1 else None) for r in rows if r and r[0] not in (None, "")]
    with _files_lock:
        if len(_choices_cache) > 500:
            _choices_cache.clear()
        _choices_cache[key] = values
    return values


def option_label(names: Names, p: Param, value: Any, extra: Any) -> str:
    kind = p.choices.names if p.choices else None
    text = names.label(kind, value) if kind else str(value)
    if isinstance(extra, (int, float)) and not isinstance(extra, bool):
        return f"{text} · 相关 {extra:g}"
    return f"{text} · {extra}" if extra not in (None, "") else text


def defaults_from_data(store: GraphStore, f: CypherFile) -> dict[str, Any]:
    """Declared defaults, and for a choice parameter without one the first choice
    (choices queries put a value that has results first)."""
    out = {}
    for p in f.params.values():
        if p.default is not None:
            out[p.name] = p.default
        elif p.choices:
            values = choice_values(store, p)
            if values:
                out[p.name] = values[0][0]
    return out


def widgets(f: CypherFile, store: GraphStore | None = None, viewer: Viewer | None = None) -> list[Widget]:
    out = []
    names = names_for(store) if store is not None else None
    for p in f.params.values():
        hint = f"例 e.g. {p.example}" if p.example is not None else ""
        default = p.default
        options = None
        if p.choices and store is not None:
            values = choice_values(store, p)
            if values:
                options = [(v, option_label(names, p, v, extra)) for v, extra in values]
                if viewer is not None:
                    options = [(v, mask_text(viewer, label)) for v, label in options]
                if default is None and p.type != "list":
                    default = values[0][0]
                hint = ""
        if p.type == "date" and isinstance(default, str):
            default = date.fromisoformat(default)
        if p.type == "list" and isinstance(default, list):
            default = ", ".join(str(v) for v in default)
        out.append(Widget(p.name, WIDGETS[p.type], f"{p.zh} {p.en}" + (" *" if p.required else ""),
                          default, p.required, hint, options, bool(p.choices and p.choices.open)))
    return out


def coerce(f: CypherFile, raw: dict[str, Any]) -> dict[str, Any]:
    """Widget values → query parameters of the declared types, or QueryInputError."""
    values: dict[str, Any] = {}
    for name, p in f.params.items():
        value = raw.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            continue           # the declared default applies (or `bind` reports it missing)
        try:
            values[name] = _convert(p.type, value)
        except (TypeError, ValueError) as exc:
            raise QueryInputError(f"参数“{p.zh}”格式不对 {p.en}: {exc}") from None
    try:
        return f.bind(values)
    except CypherFileError as exc:
        raise QueryInputError(str(exc)) from None


def _convert(ptype: str, value: Any) -> Any:
    if ptype == "string":
        return str(value)
    if ptype == "int":
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("须为整数 must be a whole number")
        return int(value)
    if ptype == "float":
        return float(value)
    if ptype == "bool":
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "是")
    if ptype == "date":
        return value.isoformat() if isinstance(value, date) else date.fromisoformat(str(value)).isoformat()
    if ptype == "month":
        if not MONTH.match(str(value)):
            raise ValueError("月份应为 YYYY-MM a month is written YYYY-MM")
        return str(value)
    if ptype == "list":
        if isinstance(value, list):
            return value
        text = str(value)
        if text.startswith("["):
            parsed = json.loads(text)
            if not isinstance(parsed, list):
                raise ValueError("应为列表 expected a list")
            return parsed
        return [part.strip() for part in re.split(r"[,，;；]", text) if part.strip()]
    raise ValueError(f"unknown parameter type {ptype}")


def run_saved(store: GraphStore, f: CypherFile, params: dict[str, Any], viewer: Viewer) -> Outcome:
    try:
        return _outcome(store.read(f.query, params, timeout=SAVED_TIMEOUT), viewer, f, names_for(store))
    except QueryTimeout as exc:
        raise QueryInputError(f"查询超过 {SAVED_TIMEOUT:g} 秒被中止，请缩小参数范围 the query ran past "
                              f"{SAVED_TIMEOUT:g} s and was stopped; narrow its parameters") from exc


def run_adhoc(store: GraphStore, query: str, viewer: Viewer, timeout: float = ADHOC_TIMEOUT) -> Outcome:
    if not query.strip():
        raise QueryInputError("请输入查询 type a query first")
    try:
        # The engine's LOAD CSV fetches URLs even in a read-only query.
        check_typed_query(query)
        return _outcome(store.read(query, {}, timeout=timeout), viewer)
    except QueryTimeout as exc:
        raise QueryInputError(f"查询超过 {timeout:g} 秒被数据库中止，请加 LIMIT 或缩小范围 the database stopped the "
                              f"query after {timeout:g} s; add a LIMIT or narrow the pattern") from exc
    except ReadOnlyViolation as exc:
        raise QueryInputError("数据库拒绝了写操作：此处只能运行只读查询 the database refused a write; "
                              "queries here run read-only") from exc
    except QueryRefused as exc:
        raise QueryInputError(str(exc)) from exc
    except StoreError as exc:
        raise QueryInputError(explain(query, str(exc))) from exc


def _outcome(result, viewer: Viewer, f: CypherFile | None = None, names: Names | None = None) -> Outcome:
    shown = result.rows[:MAX_SHOWN_ROWS]
    graph = from_engine([v for row in shown for v in row], viewer)
    if names is not None:
        name_nodes(graph, names)
    keys = list(result.columns)
    rows = mask_rows(viewer, keys, shown)
    # A column's name does not say what it holds (`RETURN p.citizen_id AS x`):
    # text is masked by the shape of what is in it, too.
    rows = [tuple(_by_shape(viewer, v) for v in row) for row in rows]
    headers = keys
    if f is not None:
        kinds = [f.columns[k].names if k in f.columns else None for k in keys]
        if names is not None and any(kinds):
            rows = [tuple(_named(names, kind, v) for kind, v in zip(kinds, row)) for row in rows]
        headers = [f.header(k) for k in keys]
    return Outcome(headers, rows, len(result.rows), graph if graph.nodes else None, keys)


def _named(names: Names, kind: str | None, value: Any) -> Any:
    if kind is None or value is None:
        return value
    if isinstance(value, list):
        return [_named(names, kind, v) for v in value]
    return names.label(kind, value)


def _by_shape(viewer: Viewer, value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(viewer, value)
    if isinstance(value, list):
        return [_by_shape(viewer, v) for v in value]
    if isinstance(value, dict):
        return {k: _by_shape(viewer, v) for k, v in value.items()}
    return value


def cell(value: Any) -> Any:
    """A value as a table shows it: a node as `人员 张三 (4512…)`, a relationship
    by its Chinese name, a path as its nodes joined by arrows, a list joined
    by `、`; other maps as compact JSON."""
    if isinstance(value, dict):
        if "_labels" in value:
            return _node_cell(value)
        if "_type" in value:
            rt = load_schema().relationships.get(value["_type"])
            return rt.zh if rt else value["_type"]
        if "nodes" in value and "relationships" in value:
            return " → ".join(_node_cell(n) for n in value["nodes"] if isinstance(n, dict))
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (list, tuple)):
        return "、".join(str(cell(v)) for v in value if v is not None)
    return value


def _node_cell(node: dict) -> str:
    schema = load_schema()
    label = next((lb for lb in node.get("_labels", []) if lb in schema.nodes), None)
    if label is None:
        return json.dumps({k: v for k, v in node.items() if not k.startswith("_")}, ensure_ascii=False, default=str)
    nt = schema.nodes[label]
    key, caption = node.get(nt.key), node.get(nt.caption)
    if caption not in (None, "") and caption != key:
        return f"{nt.zh} {caption} ({key})"
    return f"{nt.zh} {key}"


def table_rows(rows: list[tuple]) -> list[list[Any]]:
    """Rows as tables, CSV and Excel show them (cells rendered by `cell`)."""
    return [[cell(v) for v in row] for row in rows]


def to_csv(columns: list[str], rows: list[tuple]) -> str:
    """CSV text starting with a byte-order mark (written as UTF-8, Excel reads it
    as such); formula-looking text neutralised (see reliefgraph.exports)."""
    return exports.csv_bytes(columns, table_rows(rows)).decode("utf-8")


def to_xlsx(columns: list[str], rows: list[tuple]) -> bytes:
    """Excel with ID-like values as text cells (see reliefgraph.exports)."""
    return exports.xlsx_bytes(columns, table_rows(rows))
