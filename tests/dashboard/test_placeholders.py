"""No English placeholder of Streamlit's ('Choose an option', 'Select...')
can show: every select box, multiselect and text box the pages create says
in Chinese what to choose or type."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import reliefgraph.dashboard

HAN = re.compile(r"[\u4e00-\u9fff]")
WIDGETS = {"selectbox", "multiselect", "text_input", "text_area"}
FOLDER = Path(reliefgraph.dashboard.__file__).parent


def _missing(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WIDGETS:
            placeholder = next((k.value for k in node.keywords if k.arg == "placeholder"), None)
            if placeholder is None:
                out.append(f"{path.name}:{node.lineno} {node.func.attr} has no placeholder")
            elif isinstance(placeholder, ast.Constant) and not HAN.search(str(placeholder.value)):
                out.append(f"{path.name}:{node.lineno} {node.func.attr} placeholder is not Chinese")
    return out


def test_every_choice_and_text_box_has_a_chinese_placeholder():
    # The saved-query form builds its widgets from query headers and is checked with it.
    pages = [p for p in sorted(FOLDER.glob("*.py")) if p.name not in ("queryform.py", "pages_queries.py")]
    assert len(pages) > 10
    assert [m for p in pages for m in _missing(p)] == []


def test_the_check_sees_a_missing_placeholder(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('import streamlit as st\nst.selectbox("a", [1])\nst.multiselect("b", [], placeholder="Pick")\n'
                    'st.text_input("c", placeholder="请输入")\n', encoding="utf-8")
    assert _missing(page) == ["page.py:2 selectbox has no placeholder", "page.py:3 multiselect placeholder is not Chinese"]
