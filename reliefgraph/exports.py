"""Tables users download or the CLI writes: one rule for CSV and Excel.

- CSV is UTF-8 with a byte-order mark, so Excel on a Chinese Windows reads
  it as UTF-8 rather than GBK.
- Excel (.xlsx, openpyxl): headers as given (Chinese), every ID-like value
  (citizen IDs, credit codes, household numbers, accounts — long digit
  strings that Excel would turn into 4.51299E+17) written as a text cell
  with the text number format `@`; numbers stay numbers.
- In both, a text cell starting with = + - @ (or a tab / carriage return)
  gets a leading `'`, so no spreadsheet runs it as a formula.

Masking is the caller's: rows arrive already masked for the reader's role.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Digits (with an optional trailing X, masks' *) long enough for Excel to
# round or to drop leading zeros: keep them text.
ID_LIKE = re.compile(r"^[0-9*]{6,}[0-9Xx*]?$|^0\d+$")
TEXT_FORMAT = "@"
FORMATS = ("csv", "xlsx")
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def neutralise(text: str) -> str:
    return "'" + text if text and text.startswith(FORMULA_STARTS) else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([neutralise(str(c)) for c in columns])
    for row in rows:
        # A number is data, even a negative one; text is neutralised.
        w.writerow([v if _is_number(v) else neutralise(_text(v)) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def xlsx_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "导出") -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([neutralise(str(c)) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [max(6, len(str(c)) * 2) for c in columns]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if _is_number(value) and not (isinstance(value, int) and abs(value) >= 10 ** 15):
                ws.cell(row=r, column=c, value=value)
                continue
            text = neutralise(_text(value))
            cell = ws.cell(row=r, column=c, value=text)
            cell.data_type = "s"
            if ID_LIKE.match(text) or _is_number(value):
                cell.number_format = TEXT_FORMAT
            if c <= len(widths):
                widths[c - 1] = min(60, max(widths[c - 1], len(text) + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_bytes(fmt: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    if fmt == "xlsx":
        return xlsx_bytes(columns, rows)
    if fmt == "csv":
        return csv_bytes(columns, rows)
    raise ValueError(f"unknown export format {fmt!r}; use one of {FORMATS}")


def format_of(path: Path) -> str:
    """`.xlsx` → Excel; anything else → CSV."""
    return "xlsx" if Path(path).suffix.lower() == ".xlsx" else "csv"


def write_table(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write by the file's suffix (.xlsx or CSV); the folder must exist (callers check with `writable`)."""
    Path(path).write_bytes(table_bytes(format_of(path), columns, list(rows)))


class OutputPathError(ValueError):
    """An output path cannot be written; the message says why, in Chinese and English."""


def check_writable(path: Path) -> Path:
    """Refuse a missing or unwritable folder before any work is done."""
    import os

    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputPathError(f"输出路径是一个文件夹，请给出文件名 {path} is a folder; give a file name")
    if not folder.exists():
        raise OutputPathError(f"输出文件夹不存在 the output folder does not exist: {folder}")
    if not folder.is_dir():
        raise OutputPathError(f"输出路径的上级不是文件夹 not a folder: {folder}")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OutputPathError(f"没有写入权限 cannot write to {path}")
    return path
