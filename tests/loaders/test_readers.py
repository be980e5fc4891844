"""readers: a workbook's sheet is parsed once for its header and rows, never stale."""
from __future__ import annotations

import os

import pandas as pd

from reliefgraph.loaders import readers


def _workbook(path, ids):
    pd.DataFrame({"公民身份号码": ids, "姓名": ["张三"] * len(ids)}).to_excel(path, index=False)


def _rows(path):
    return [r for c in readers.read_chunks(path, chunk_rows=2) for r in c.frame.to_dict("records")]


def test_header_then_rows_parse_the_sheet_once(tmp_path, monkeypatch):
    path = tmp_path / "名单.xlsx"
    _workbook(path, ["000123", "45010219800101001X", "450102198001010029"])
    parsed = []
    real = readers._read_excel
    monkeypatch.setattr(readers, "_read_excel", lambda *a, **k: parsed.append(a) or real(*a, **k))
    assert readers.header_of(path) == ["公民身份号码", "姓名"]
    rows = _rows(path)
    assert len(parsed) == 1
    # IDs stay text (leading zeros, the X check character) as on a read without a header first.
    assert [r["公民身份号码"] for r in rows] == ["000123", "45010219800101001X", "450102198001010029"]
    assert _rows(path) == rows and len(parsed) == 2   # the kept sheet served one read only


def test_a_workbook_replaced_after_its_header_was_read_is_read_again(tmp_path):
    path = tmp_path / "名单.xlsx"
    _workbook(path, ["450102198001010029"])
    readers.header_of(path)
    _workbook(path, ["450102198001010037", "450102198001010045"])
    os.utime(path, ns=(1, 1))   # even at a coarse clock, the size or time differs from the header's read
    assert [r["公民身份号码"] for r in _rows(path)] == ["450102198001010037", "450102198001010045"]
