"""Read an agency extract (CSV or Excel) in chunks of raw text cells.

Every cell arrives as text (or NA when blank) so that nothing is coerced
before normalisation; every chunk carries the spreadsheet row number of each
record (header row + 1 for the first data row) so rejects can name it.
Lines the CSV parser cannot split into the header's columns are reported,
with their line number, instead of being skipped silently.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SAMPLE_BYTES = 1 << 20
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_SKIPPED_LINE = re.compile(r"Skipping line (\d+): (.*)")


class ExtractError(ValueError):
    """The file as a whole cannot be read; the message names it and says why."""


@dataclass
class Chunk:
    frame: pd.DataFrame            # raw cells, columns as in the file's header
    rows: list[int]                # spreadsheet row number of each record
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line, parser message)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_encoding(path: Path, declared: str = "auto") -> str:
    """UTF-8 (with or without BOM) if the sample decodes as such, else GB18030.

    GB18030 is a superset of GBK and GB2312, so one fallback reads all three.
    """
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_like(sample):
        # Excel's "Unicode text" export: tell the clerk what to do rather than
        # call it "not a text file" for its NUL bytes.
        raise ExtractError(f"{path.name}: 文件为UTF-16编码 the file is UTF-16 encoded (Excel \"Unicode text\"); "
                           "re-export it as CSV in UTF-8 or GBK")
    if b"\x00" in sample:
        raise ExtractError(f"{path.name}: 不是文本文件 not a text file (contains NUL bytes); "
                           "check that the right file was exported")
    if declared != "auto":
        return declared
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _utf16_like(sample: bytes) -> bool:
    # UTF-16 without a byte-order mark: ASCII (digits, commas) leaves every
    # other byte NUL. Binary garbage has NULs at both parities, or few.
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return len(sample) >= 16 and max(even, odd) > len(sample) // 8 and 20 * min(even, odd) < max(even, odd)


def read_chunks(path: Path, *, encoding: str = "auto", sheet: int | str = 0, header_row: int = 1,
                chunk_rows: int = 50_000) -> Iterator[Chunk]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        yield from _excel_chunks(path, sheet, header_row, chunk_rows)
    elif suffix in CSV_SUFFIXES:
        encoding = detect_encoding(path, encoding)
        yield from _without_cut_tail(path, _csv_chunks(path, encoding, header_row, chunk_rows), encoding)
    else:
        raise ExtractError(f"{path.name}: 不支持的文件类型 unsupported file type {suffix!r} (CSV or Excel expected)")


def header_of(path: Path, *, encoding: str = "auto", sheet: int | str = 0, header_row: int = 1) -> list[str]:
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        frame = _parsed_sheet(path, sheet, header_row, keep=True)
    else:
        frame = _read_csv(path, detect_encoding(path, encoding), header_row, nrows=0)
    return [str(c).strip() for c in frame.columns]


def _read_csv(path: Path, encoding: str, header_row: int, **kw):
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    # Never a row index taken from the data (see _spare_columns); with names
    # given, pandas wants None here for lines shorter than the names.
    kw.setdefault("index_col", None if "names" in kw else False)
    try:
        return pd.read_csv(path, sep=sep, encoding=encoding, header=header_row - 1, dtype=str,
                           keep_default_na=False, na_values=[""], skip_blank_lines=False,
                           on_bad_lines="warn", encoding_errors="strict", **kw)
    except UnicodeDecodeError as exc:
        raise ExtractError(f"{path.name}: 编码错误 cannot decode as {encoding} ({exc.reason} at byte "
                           f"{exc.start}); re-export the file as UTF-8 or GBK") from exc
    except pd.errors.EmptyDataError as exc:
        raise ExtractError(f"{path.name}: 空文件 the file is empty (no header row)") from exc
    except pd.errors.ParserError as exc:
        raise ExtractError(f"{path.name}: 无法解析 cannot parse as CSV: {exc}") from exc


def _csv_chunks(path: Path, encoding: str, header_row: int, chunk_rows: int) -> Iterator[Chunk]:
    next_line = header_row + 1
    bad_lines: set[int] = set()
    columns = list(_read_csv(path, encoding, header_row, nrows=0).columns)
    spare = _spare_columns(path, encoding, header_row, len(columns))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        reader = _read_csv(path, encoding, header_row, chunksize=chunk_rows, names=columns + spare)
        while True:
            caught.clear()
            try:
                frame = next(reader)
            except StopIteration:
                # The parser may warn of bad lines only on the read that finds
                # no more records: those lines must be reported all the same.
                late = [m for m in _malformed(caught) if m[0] not in bad_lines]
                if late:
                    yield Chunk(frame=pd.DataFrame(columns=[str(c).strip() for c in columns], dtype=object),
                                rows=[], malformed=late)
                break
            except UnicodeDecodeError as exc:
                raise ExtractError(f"{path.name}: 编码错误 cannot decode as {encoding} near row {next_line} "
                                   f"({exc.reason}); re-export the file as UTF-8 or GBK") from exc
            except pd.errors.ParserError as exc:
                raise ExtractError(f"{path.name}: 无法解析 cannot parse near row {next_line}: {exc}") from exc
            malformed = _malformed(caught)
            bad_lines.update(line for line, _ in malformed)
            # A quoted cell may span lines; count them so later rows keep true numbers.
            spans = _line_breaks(frame).tolist()
            rows = []
            while len(rows) < len(frame):
                if next_line in bad_lines:
                    next_line += 1
                    continue
                rows.append(next_line)
                next_line += 1 + spans[len(rows) - 1]
            wide = frame[spare].notna().any(axis=1).to_numpy() if spare else np.zeros(len(frame), dtype=bool)
            malformed += [(row, f"expected {len(columns)} fields, saw more")
                          for row, w in zip(rows, wide) if w]
            frame = frame.loc[~wide, columns]
            rows = [row for row, w in zip(rows, wide) if not w]
            frame.columns = [str(c).strip() for c in frame.columns]
            yield Chunk(frame=frame, rows=rows, malformed=malformed)


def _line_breaks(frame: pd.DataFrame) -> np.ndarray:
    """The line breaks inside each record's cells: the extra lines it spans."""
    breaks = np.zeros(len(frame), dtype=np.int64)
    for name in frame.columns:
        cells = pa.array(frame[name].array, type=pa.large_string(), from_pandas=True)
        if pc.any(pc.match_substring(cells, "\n")).as_py():  # few columns hold any
            breaks += pc.fill_null(pc.count_substring(cells, "\n"), 0).to_numpy(zero_copy_only=False)
    return breaks


def _spare_columns(path: Path, encoding: str, header_row: int, width: int) -> list[str]:
    """Names for the cells a line holds beyond the header's, so such lines are
    reported instead of read shifted.

    When the first data line holds more fields than the header, pandas takes
    its first cells as a row index and reads every line of the file one or
    more columns to the left (户号 would hold names); with index_col=False it
    cuts the surplus of every line silently. Naming enough spare columns for
    the first line keeps pandas in its ordinary mode, where a longer line is
    reported, and the spare cells of a line show it held too many.
    """
    first = 0
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    with open(path, encoding=encoding, newline="", errors="replace") as fh:
        records = csv.reader(fh, delimiter=sep)
        try:
            for _ in range(header_row):
                next(records)
            first = len(next(records))
        except (StopIteration, csv.Error):
            pass
    return [f"\x00spare{i}" for i in range(max(first - width, 0))]


def _without_cut_tail(path: Path, chunks: Iterator[Chunk], encoding: str) -> Iterator[Chunk]:
    """Pass chunks through, but report a last line cut short as malformed.

    pandas fills the missing cells of a short line with blanks, so a file cut
    mid-row (an interrupted copy or download) would load its last record half
    empty. A line cut short ends the file without a line break and holds fewer
    fields than the header; such a record is reported instead of loaded.
    """
    held = None
    for chunk in chunks:
        if held is not None:
            yield held
        held = chunk
    if held is None:
        return
    fields = _cut_last_line(path, encoding)
    frame = held.frame
    if fields is not None and len(frame) and fields < len(frame.columns) \
            and frame.iloc[-1, fields:].isna().all():
        row = held.rows[-1]
        held = Chunk(frame=frame.iloc[:-1], rows=held.rows[:-1], malformed=held.malformed + [
            (row, f"file ends inside this line: {fields} of {len(frame.columns)} fields")])
    yield held


def _cut_last_line(path: Path, encoding: str) -> int | None:
    """The number of fields on the file's last line if the file does not end
    with a line break (None when it does)."""
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - (1 << 16)))
        tail = fh.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return None
    # A line break byte never occurs inside a UTF-8 or GB18030 character.
    line = tail.rsplit(b"\n", 1)[-1].decode(encoding, errors="replace")
    try:
        return len(next(csv.reader([line], delimiter=sep), [""]))
    except csv.Error:  # a lone carriage return inside the line: the parser reports it
        return None


def _malformed(caught) -> list[tuple[int, str]]:
    out = []
    for w in caught:
        for text in str(w.message).splitlines():
            m = _SKIPPED_LINE.search(text)
            if m:
                out.append((int(m.group(1)), m.group(2)))
    return out


def _read_excel(path: Path, sheet: int | str, header_row: int, **kw) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=sheet, header=header_row - 1, dtype=str,
                             keep_default_na=False, na_values=[""], engine="calamine", **kw)
    except Exception as exc:  # calamine raises its own types for corrupt workbooks
        raise ExtractError(f"{path.name}: 无法读取Excel cannot read workbook (sheet {sheet!r}): {exc}") from exc


# calamine parses a whole sheet even for its header row, and the loader
# reads a file's header just before its rows: the sheet parsed for the
# header is kept for that read (one sheet at most; 0.4 s of a 67 k-row
# workbook's 1.4 s went to parsing it twice).
_kept_sheet: tuple[tuple, pd.DataFrame] | None = None


def _parsed_sheet(path: Path, sheet: int | str, header_row: int, keep: bool = False) -> pd.DataFrame:
    global _kept_sheet
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, sheet, header_row)
    kept, _kept_sheet = _kept_sheet, None
    frame = kept[1] if kept is not None and kept[0] == key else _read_excel(path, sheet, header_row)
    if keep:
        _kept_sheet = (key, frame)
    return frame


def _excel_chunks(path: Path, sheet: int | str, header_row: int, chunk_rows: int) -> Iterator[Chunk]:
    # calamine reads a sheet at once; extracts delivered as Excel are the
    # smaller ones (a sheet holds at most ~1 M rows), so this stays bounded.
    frame = _parsed_sheet(path, sheet, header_row).copy(deep=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    for start in range(0, len(frame), chunk_rows):
        part = frame.iloc[start:start + chunk_rows].reset_index(drop=True)
        first = header_row + 1 + start
        yield Chunk(frame=part, rows=list(range(first, first + len(part))))
