"""Property-based fuzzing of the extract readers: random bytes, encodings,
byte-order marks, mixed line endings, quoted cells spanning lines, enormous
cells. A file is either read record by record with true row numbers or
refused as a whole with an ExtractError naming it; nothing else escapes.
"""
from __future__ import annotations

import codecs
import csv
import io
import random

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fuzzing import SCALES, fuzz_settings
from reliefgraph.loaders.readers import ExtractError, header_of, read_chunks

HEADER = ["户号", "姓名", "备注"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk"]
ENDINGS = ["\r\n", "\n"]
# Cells a clerk's export can hold: CJK, quotes, commas, line breaks inside
# quotes, tabs, formula-like text, full-width and invisible characters.
cell_text = st.text(st.one_of(
    st.sampled_from(list("张三李四王五,\"'\n\t =+-@;|　０１２ABCxyz()[]{}$\\/")),
    st.characters(min_codepoint=0x20, max_codepoint=0x2FFF, exclude_categories=("Cs", "Cc"))), max_size=30)


def _reading(path, **kw) -> list:
    try:
        return list(read_chunks(path, chunk_rows=kw.pop("chunk_rows", 7), **kw))
    except ExtractError as exc:
        assert path.name in str(exc), "a refused file is named in the message"
        return []


@pytest.mark.parametrize("scale", SCALES)
def test_random_bytes_are_read_or_refused_with_a_message(scale, tmp_path):
    prefixes = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, "户号,姓名\r\n".encode("gbk"),
                b"PK\x03\x04"]

    @fuzz_settings(60, scale)
    @given(st.sampled_from(prefixes), st.binary(max_size=3000), st.sampled_from([".csv", ".tsv", ".txt", ".xlsx"]))
    def check(prefix, body, suffix):
        path = tmp_path / f"gongan_huji_x{suffix}"
        path.write_bytes(prefix + body)
        for chunk in _reading(path):
            assert len(chunk.rows) == len(chunk.frame)
        try:
            header_of(path)
        except ExtractError:
            pass

    check()


@st.composite
def tables(draw):
    encoding = draw(st.sampled_from(ENCODINGS))
    rows = draw(st.lists(st.lists(cell_text, min_size=3, max_size=3), max_size=25))
    if encoding == "gbk":
        rows = [[c.encode("gbk", "ignore").decode("gbk") for c in row] for row in rows]
    return encoding, rows, draw(st.lists(st.sampled_from(ENDINGS), min_size=len(rows) + 1, max_size=len(rows) + 1))


def _write(rows, endings) -> tuple[str, list[int]]:
    """CSV text with each line ended as drawn, and each record's line number."""
    out, line, starts = [], 1, []
    for i, row in enumerate([HEADER] + rows):
        buf = io.StringIO()
        csv.writer(buf, quoting=csv.QUOTE_MINIMAL if i == 0 else csv.QUOTE_ALL, lineterminator="").writerow(row)
        text = buf.getvalue()
        if i:
            starts.append(line)
        line += 1 + text.count("\n")
        out.append(text + endings[i])
    return "".join(out), starts


@pytest.mark.parametrize("scale", SCALES)
def test_tables_read_back_cell_for_cell_in_any_encoding_and_line_ending(scale, tmp_path):
    @fuzz_settings(60, scale)
    @given(tables())
    def check(table):
        encoding, rows, endings = table
        text, starts = _write(rows, endings)
        path = tmp_path / "gongan_huji_t.csv"
        path.write_bytes(text.encode(encoding))
        chunks = list(read_chunks(path, chunk_rows=7))
        assert [c for ch in chunks for c in ch.frame.columns[:0]] == []
        got = pd.concat([ch.frame for ch in chunks]) if chunks else pd.DataFrame(columns=HEADER)
        assert list(got.columns) == HEADER
        # A record whose every cell is blank is a blank line to pandas; the
        # loader counts it as blank either way.
        want = [r for r in rows if any(c != "" for c in r)] if len(rows) else []
        seen = got.fillna("").astype(str).values.tolist()
        assert [r for r in seen if any(c != "" for c in r)] == want
        numbered = [n for ch in chunks for n in ch.rows]
        assert numbered == sorted(numbered) and len(set(numbered)) == len(numbered)
        kept = [s for s, r in zip(starts, rows) if any(c != "" for c in r)]
        assert [n for n, r in zip(numbered, seen) if any(c != "" for c in r)] == kept, "row numbers are true"

    check()


@pytest.mark.parametrize("scale", SCALES)
def test_lines_that_do_not_fit_the_header_are_reported_not_dropped(scale, tmp_path):
    @fuzz_settings(40, scale)
    @given(st.lists(st.integers(1, 6), min_size=1, max_size=20))
    def check(widths):
        lines = [",".join(HEADER)] + [",".join(f"c{i}_{j}" for j in range(w)) for i, w in enumerate(widths)]
        path = tmp_path / "gongan_huji_w.csv"
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        chunks = list(read_chunks(path, chunk_rows=5))
        read = sum(len(ch.frame) for ch in chunks)
        reported = sorted(line for ch in chunks for line, _ in ch.malformed)
        # Short lines are padded with blanks (pandas); long ones are reported.
        assert reported == [i + 2 for i, w in enumerate(widths) if w > 3]
        assert read + len(reported) == len(widths)

    check()


def test_a_wide_first_line_does_not_shift_the_columns_of_the_file(tmp_path):
    """pandas reads the first cells of a first line wider than the header as a
    row index, shifting every record of the file one column to the left."""
    path = tmp_path / "gongan_huji_shift.csv"
    path.write_text("户号,姓名,备注\r\nH1,张三,x,extra\r\nH2,李四,y\r\n", encoding="utf-8")
    (chunk,) = read_chunks(path)
    assert chunk.frame.values.tolist() == [["H2", "李四", "y"]] and chunk.rows == [3]
    assert [line for line, _ in chunk.malformed] == [2]


def test_a_wide_last_line_after_a_full_chunk_is_reported(tmp_path):
    """pandas warns of it only on the read that ends the file."""
    path = tmp_path / "gongan_huji_late.csv"
    path.write_text("户号,姓名,备注\r\n" + "H,张三,x\r\n" * 5 + "H1,李四,y,extra\r\n", encoding="utf-8")
    chunks = list(read_chunks(path, chunk_rows=5))
    assert sum(len(c.frame) for c in chunks) == 5
    assert [line for c in chunks for line, _ in c.malformed] == [7]


def test_a_lone_carriage_return_in_the_last_line_is_not_a_crash(tmp_path):
    path = tmp_path / "gongan_huji_cr.csv"
    path.write_bytes("户号,姓名,备注\r\nH1,张三,x\rH2".encode())
    for chunk in _reading(path):
        assert len(chunk.rows) == len(chunk.frame)


def test_enormous_cells_and_lines_are_read_without_exhausting_memory(tmp_path):
    rng = random.Random(3)
    huge = "".join(rng.choice("张三李四,\"\n") for _ in range(2_000_000))
    path = tmp_path / "gongan_huji_h.csv"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows([HEADER, ["H1", huge, "x"], ["H2", "李四", huge[:100_000]]])
    path.write_text(buf.getvalue(), encoding="utf-8")
    (chunk,) = read_chunks(path)
    assert chunk.frame.iloc[0, 1] == huge and chunk.rows == [2, 3 + huge.count("\n")]
