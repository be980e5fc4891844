"""Explain what is wrong with a typed Cypher query, in words a user can act on.

The engines answer a mistake with their parser's text (`errMsg: Invalid
input 'R': expected a label, '{', a parameter or ')' line: 1, column: 10,
offset: 9 errCtx: ...`). Users of `reliefgraph cypher` and the dashboard's
ad-hoc box get the place (line, column, the line itself with a caret) and
the kind of mistake in Chinese and English; the engine's own words follow
for whoever needs them.
"""
from __future__ import annotations

import re
from typing import Any

PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.DOTALL)
_WHERE = [re.compile(r"line:\s*(\d+),\s*column:\s*(\d+)"),          # FalkorDB
          re.compile(r"line (\d+), column (\d+)")]                    # Neo4j
_KINDS = [
    (re.compile(r"Unknown function '([^']+)'", re.I), "未知函数 unknown function {0}"),
    (re.compile(r"Unknown function\s+`?([\w.]+)`?", re.I), "未知函数 unknown function {0}"),
    (re.compile(r"'([^']+)' not defined", re.I), "变量 {0} 未定义：先在 MATCH 或 WITH 中引入 variable {0} is not defined"),
    (re.compile(r"Variable `([^`]+)` not defined", re.I), "变量 {0} 未定义：先在 MATCH 或 WITH 中引入 variable {0} is not defined"),
    (re.compile(r"Missing parameters?", re.I), "缺少参数 a parameter has no value: give it with -p name=value"),
    (re.compile(r"Invalid input '([^']*)'", re.I), "语法错误 syntax error near “{0}”"),
    (re.compile(r"Invalid input", re.I), "语法错误 syntax error"),
    (re.compile(r"Type mismatch", re.I), "类型不符 type mismatch"),
]


def missing_parameters(query: str, params: dict[str, Any]) -> list[str]:
    """`$name`s the query uses (outside strings and comments) that have no value."""
    used = dict.fromkeys(PARAM.findall(_STRINGS.sub("", query)))
    return [name for name in used if name not in params]


def explain(query: str, message: str) -> str:
    """A user's explanation of an engine's error message about `query`."""
    raw = re.sub(r"^查询失败 query failed:\s*", "", str(message)).strip()
    kind = next((text.format(*m.groups()) for pattern, text in _KINDS if (m := pattern.search(raw))), None)
    where = next((m for pattern in _WHERE if (m := pattern.search(raw))), None)
    lines = []
    if where:
        line, column = int(where.group(1)), int(where.group(2))
        lines.append(f"Cypher {kind or '错误 error'}（第 {line} 行第 {column} 列 line {line}, column {column}）")
        text_lines = query.splitlines() or [query]
        if 1 <= line <= len(text_lines):
            lines.append(f"  {text_lines[line - 1]}")
            lines.append("  " + " " * max(column - 1, 0) + "^")
    else:
        lines.append(f"Cypher {kind or '查询失败 query failed'}")
    short = re.sub(r"\s*errCtx:.*", "", raw, flags=re.DOTALL).replace("errMsg: ", "").strip()
    lines.append(f"数据库原文 engine said: {short}")
    return "\n".join(lines)
