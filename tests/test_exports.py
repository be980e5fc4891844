"""One rule for every table users download or the CLI writes: CSV with a BOM,
Excel with ID-like values as text, no cell runs as a formula; Beijing time."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from reliefgraph import exports
from reliefgraph.beijing import shown

ID = "451299198001010016"
CREDIT = "914512990792691914"
ROW = (ID, "张三", "=HYPERLINK(\"http://x\")", -12.5, 3, None, CREDIT, "0012", ["甲", "乙"])
COLUMNS = ["身份证号", "姓名", "备注", "金额", "人数", "空", "统一社会信用代码", "户号", "成员"]


def test_csv_has_a_bom_and_neutralised_formulas_and_keeps_numbers():
    data = exports.csv_bytes(COLUMNS, [ROW])
    assert data.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == COLUMNS
    assert row == [ID, "张三", "'=HYPERLINK(\"http://x\")", "-12.5", "3", "", CREDIT, "0012", '["甲", "乙"]']


def test_xlsx_keeps_ids_as_text_with_chinese_headers():
    wb = load_workbook(io.BytesIO(exports.xlsx_bytes(COLUMNS, [ROW, ("4512**********0016",) + ROW[1:]])))
    ws = wb.active
    assert [c.value for c in ws[1]] == COLUMNS
    id_cell, credit_cell, hh_cell = ws["A2"], ws["G2"], ws["H2"]
    for cell, value in ((id_cell, ID), (credit_cell, CREDIT), (hh_cell, "0012")):
        assert cell.value == value and cell.data_type == "s" and cell.number_format == "@", cell
    assert ws["A3"].value == "4512**********0016" and ws["A3"].data_type == "s"
    assert ws["C2"].value.startswith("'="), "a formula is text"
    assert ws["D2"].value == -12.5 and ws["D2"].data_type == "n", "amounts stay numbers"
    assert ws["E2"].value == 3


def test_a_huge_integer_is_written_as_text_not_rounded():
    ws = load_workbook(io.BytesIO(exports.xlsx_bytes(["id"], [(451299198001010016,)]))).active
    assert ws["A2"].value == "451299198001010016" and ws["A2"].number_format == "@"


def test_the_suffix_chooses_the_format(tmp_path):
    exports.write_table(tmp_path / "a.xlsx", ["x"], [("1",)])
    exports.write_table(tmp_path / "a.csv", ["x"], [("1",)])
    assert (tmp_path / "a.xlsx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_unwritable_outputs_are_refused_with_the_reason(tmp_path):
    with pytest.raises(exports.OutputPathError, match="不存在"):
        exports.check_writable(tmp_path / "missing" / "x.pdf")
    with pytest.raises(exports.OutputPathError, match="文件夹"):
        exports.check_writable(tmp_path)
    assert exports.check_writable(tmp_path / "ok.csv") == tmp_path / "ok.csv"
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        import os
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        with pytest.raises(exports.OutputPathError, match="权限"):
            exports.check_writable(locked / "x.csv")
    finally:
        locked.chmod(0o700)


def test_times_are_shown_in_beijing_time():
    assert shown("2026-12-03T13:05:00+00:00") == "2026-12-03 21:05 (北京时间)"
    assert shown("2026-12-03T20:30:00.123456+00:00", seconds=True) == "2026-12-04 04:30:00 (北京时间)"
    assert shown(datetime(2026, 12, 3, 13, 5)) == "2026-12-03 21:05 (北京时间)", "naive times are UTC"
    assert shown(datetime(2026, 12, 3, 13, 5, tzinfo=timezone.utc), suffix=False) == "2026-12-03 21:05"
    assert shown("2026-12-03") == "2026-12-03", "a date has no zone"
    assert shown(None) == "" and shown("not a time") == "not a time"
