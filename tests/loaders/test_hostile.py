"""Hostile files: each gives a clear file-level error naming the file, or
row rejects with a reason, never a traceback, and never changes anything the
graph already holds (its fingerprint, less what the file itself wrote, stays
the same).

The graph holds the small county's household register; hostile files are
vehicle extracts (and one grant workbook) about its people, each with fresh
VINs so that whatever a file does load is told apart by its batch.
"""
from __future__ import annotations

import csv
import io
import random
import shutil
from pathlib import Path

import pandas as pd
import pytest

from graph_fingerprint import fingerprint
from loader_support import FULL_ID, FULL_PHONE, LONG_DIGITS, Graph, extract, run_cli
from reliefgraph.loaders.mapping import MAPPINGS_DIR, load_mappings
from reliefgraph.loaders.pipeline import Loader, plan

VEHICLES = "gongan_jidongche.csv"
HUGE = 10 * 1024 * 1024
FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "-2+3", "=HYPERLINK(\"http://x\")"]


@pytest.fixture(scope="module")
def base(small_county, tmp_path_factory):
    g = Graph(tmp_path_factory.mktemp("hostile"))
    register = tmp_path_factory.mktemp("register")
    shutil.copy(small_county / "gongan_huji.csv", register)
    reports = g.load(register)
    assert [r.status for r in reports] == ["loaded"]
    g.owners = extract(small_county, VEHICLES)
    yield g
    g.close()


_case = iter(range(1, 1000))


def vehicle_rows(base, n: int) -> tuple[list[str], list[list[str]]]:
    """Header and n valid rows with VINs no other case uses."""
    tag = next(_case)
    sample = base.owners.drop(columns="_row").drop_duplicates("车辆识别代号").head(n)
    rows = sample.astype(str).values.tolist()
    for i, row in enumerate(rows):
        row[2] = f"LZZTEST{tag:04d}{i:06d}"
        row[8] = ""   # no transfer: each row is one owner spell
    return list(sample.columns), rows


def csv_text(header, rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def load_one(base, tmp_path, name: str, data: bytes, mappings: Path = MAPPINGS_DIR):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(data)
    before = fingerprint(base.store)
    (report,) = base.load(folder, mappings=mappings, rejects=tmp_path / "rej")
    # Everything the graph held before is still there, unchanged.
    rest = fingerprint(base.store, exclude_batches={report.batch_id})
    assert rest == before, before.diff(rest)
    return report


def written_vins(base, report) -> set[str]:
    return {r[0] for r in base.store.read("MATCH (v:Vehicle) WHERE v.src_batch = $b RETURN v.vin",
                                          {"b": report.batch_id}).rows}


def assert_failed_cleanly(base, report, name: str, *words: str):
    assert report.status == "failed", report
    assert name in report.error, report.error
    for w in words:
        assert w in report.error, report.error
    assert base.store.read("MATCH (x) WHERE x.src_batch = $b RETURN count(x)", {"b": report.batch_id}).scalar() == 0
    assert base.store.read("MATCH (b:LoadBatch {batch_id: $b}) RETURN b.status",
                           {"b": report.batch_id}).scalar() != "done"


def rejects(tmp_path) -> pd.DataFrame:
    (path,) = (tmp_path / "rej").glob("*.csv")
    assert path.stat().st_size < 100_000, "a reject file stays small whatever the cells hold"
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


# ---------------------------------------------------------------- file-level errors

def test_utf16_file_fails_with_an_encoding_message(base, tmp_path):
    header, rows = vehicle_rows(base, 5)
    name = "gongan_jidongche_utf16.csv"
    report = load_one(base, tmp_path, name, csv_text(header, rows).encode("utf-16"))
    assert_failed_cleanly(base, report, name, "UTF-16")


def test_gbk_file_declared_utf8_fails_with_an_encoding_message(base, tmp_path):
    mappings = tmp_path / "mappings"
    shutil.copytree(MAPPINGS_DIR, mappings)
    spec = mappings / "gongan_jidongche.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("order: 30", "order: 30\nencoding: utf-8"),
                    encoding="utf-8")
    header, rows = vehicle_rows(base, 5)
    name = "gongan_jidongche_gbk.csv"
    report = load_one(base, tmp_path, name, csv_text(header, rows).encode("gbk"), mappings=mappings)
    assert_failed_cleanly(base, report, name, "utf-8")


def test_binary_garbage_fails(base, tmp_path):
    name = "gongan_jidongche_garbage.csv"
    report = load_one(base, tmp_path, name, random.Random(5).randbytes(200_000))
    assert_failed_cleanly(base, report, name)


def test_empty_file_fails(base, tmp_path):
    name = "gongan_jidongche_empty.csv"
    report = load_one(base, tmp_path, name, b"")
    assert_failed_cleanly(base, report, name, "empty")


def test_file_missing_mapped_columns_fails_naming_them(base, tmp_path):
    header, rows = vehicle_rows(base, 5)
    drop = header.index("车辆类型")
    header = header[:drop] + header[drop + 1:]
    rows = [r[:drop] + r[drop + 1:] for r in rows]
    name = "gongan_jidongche_cols.csv"
    report = load_one(base, tmp_path, name, csv_text(header, rows).encode("utf-8"))
    assert_failed_cleanly(base, report, name, "车辆类型")


@pytest.mark.parametrize("what", ["csv_renamed", "truncated_zip", "garbage"])
def test_excel_that_is_not_a_workbook_fails(base, tmp_path, small_county, what):
    real = (small_county / "minzheng_jiuzhu.xlsx").read_bytes()
    data = {"csv_renamed": (small_county / VEHICLES).read_bytes(), "truncated_zip": real[: len(real) // 2],
            "garbage": random.Random(6).randbytes(50_000)}[what]
    name = f"minzheng_jiuzhu_{what}.xlsx"
    report = load_one(base, tmp_path, name, data)
    assert_failed_cleanly(base, report, name, "Excel")


# ---------------------------------------------------------------- row-level rejects

def test_header_only_file_loads_nothing(base, tmp_path):
    header, _ = vehicle_rows(base, 1)
    report = load_one(base, tmp_path, "gongan_jidongche_header.csv", csv_text(header, []).encode("utf-8"))
    assert report.status == "loaded" and (report.rows_read, report.rows_loaded, report.rows_rejected) == (0, 0, 0)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_file_cut_mid_row_rejects_the_cut_row_only(base, tmp_path, encoding):
    header, rows = vehicle_rows(base, 6)
    rows[-1][8], rows[-1][9] = "2025-01-01", "G"     # the cut loses the transfer date
    text = csv_text(header, rows).encode(encoding)
    cut = text.rindex(b"2025-01-01")                  # ... registration date and all before kept
    name = f"gongan_jidongche_cut_{encoding}.csv"
    report = load_one(base, tmp_path, name, text[:cut])
    assert report.status == "loaded"
    assert written_vins(base, report) == {r[2] for r in rows[:-1]}
    got = rejects(tmp_path)
    assert list(got.row.astype(int)) == [len(rows) + 1] and report.rows_rejected == 1


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_file_cut_inside_a_character_fails_or_rejects_the_cut_row(base, tmp_path, encoding):
    header, rows = vehicle_rows(base, 6)
    rows[-1][4] = "长安之星"
    text = csv_text(header, rows).encode(encoding)
    cut = text.rindex("星".encode(encoding)) + 1       # one byte into the last character
    name = f"gongan_jidongche_cutchar_{encoding}.csv"
    report = load_one(base, tmp_path, name, text[:cut])
    if report.status == "failed":
        assert_failed_cleanly(base, report, name)
    else:
        assert written_vins(base, report) == {r[2] for r in rows[:-1]}


def test_ten_megabyte_cell_rejects_its_row(base, tmp_path):
    header, rows = vehicle_rows(base, 4)
    rows[1][4] = "长" * HUGE          # brand (text)
    rows[2][5] = "张" * HUGE          # owner name (name)
    name = "gongan_jidongche_huge.csv"
    report = load_one(base, tmp_path, name, csv_text(header, rows).encode("utf-8"))
    assert report.status == "loaded"
    assert written_vins(base, report) == {rows[0][2], rows[3][2]}
    got = rejects(tmp_path)
    assert set(zip(got.row.astype(int), got.reason_code)) == {(3, "cell_too_long"), (4, "cell_too_long")}


def test_formula_like_cells_reject_their_rows_and_stay_inert_in_the_reject_file(base, tmp_path):
    header, rows = vehicle_rows(base, len(FORMULAS) * 2 + 1)
    for i, f in enumerate(FORMULAS):
        rows[i][5] = f                           # owner name
        rows[len(FORMULAS) + i][4] = f           # brand
    name = "gongan_jidongche_formula.csv"
    report = load_one(base, tmp_path, name, csv_text(header, rows).encode("utf-8"))
    assert report.status == "loaded"
    assert written_vins(base, report) == {rows[-1][2]}
    got = rejects(tmp_path)
    assert set(got.reason_code) == {"formula_cell"} and len(set(got.row)) == len(FORMULAS) * 2
    # Opened in a spreadsheet, no reject cell may run as a formula either.
    for value in got.to_numpy().ravel():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_line_with_too_many_fields_is_rejected(base, tmp_path):
    header, rows = vehicle_rows(base, 4)
    rows[1] = rows[1] + ["extra", "cells"]
    name = "gongan_jidongche_wide.csv"
    report = load_one(base, tmp_path, name, csv_text(header, rows).encode("utf-8"))
    assert report.status == "loaded"
    assert written_vins(base, report) == {rows[0][2], rows[2][2], rows[3][2]}
    got = rejects(tmp_path)
    assert list(zip(got.row.astype(int), got.reason_code)) == [(3, "malformed_line")]


def test_hostile_reject_files_hold_no_whole_identifier(base, tmp_path):
    header, rows = vehicle_rows(base, 3)
    rows[0][6] = rows[0][6][:-1] + ("0" if rows[0][6][-1] != "0" else "1")   # wrong check digit
    rows[1][5] = "=" + rows[1][6]                                          # a formula holding an ID
    rows[2][4] = "13912345678 6222020084980254944 " * 3                    # phone and account in text
    rows[2][5] = "@" + rows[2][6]
    name = "gongan_jidongche_pii.csv"
    load_one(base, tmp_path, name, csv_text(header, rows).encode("utf-8"))
    for value in rejects(tmp_path).to_numpy().ravel():
        assert not FULL_ID.search(value) and not FULL_PHONE.search(value) and not LONG_DIGITS.search(value), value


def test_a_file_that_vanishes_before_it_is_read_fails(base, tmp_path, small_county):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(small_county / VEHICLES, folder)
    ((path, mapping),), _ = plan(folder, load_mappings())
    path.unlink()
    loader = Loader(base.store, base.engine, tmp_path / "rej")
    report = loader.load_file(path, mapping)
    assert report.status == "failed" and VEHICLES in report.error and not report.engine_failed


def test_a_reject_folder_that_cannot_be_written_fails_the_file_not_the_run(base, tmp_path):
    header, rows = vehicle_rows(base, 2)
    (tmp_path / "rej").write_text("a file where the reject folder should be")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "gongan_jidongche_rej.csv").write_text(csv_text(header, rows), encoding="utf-8")
    (report,) = base.load(folder, rejects=tmp_path / "rej")
    assert report.status == "failed" and "rej" in report.error


# ---------------------------------------------------------------- the command line

def test_cli_reports_every_hostile_file_without_a_traceback(tmp_path, small_county):
    header = (small_county / VEHICLES).read_bytes().split(b"\r\n", 1)[0]
    files = {
        "gongan_jidongche_a_utf16.csv": (small_county / VEHICLES).read_bytes().decode("gbk").encode("utf-16"),
        "gongan_jidongche_b_garbage.csv": random.Random(7).randbytes(10_000),
        "gongan_jidongche_c_empty.csv": b"",
        "gongan_jidongche_d_header.csv": header + b"\r\n",
        "gongan_jidongche_e_cols.csv": "a,b,c\r\n1,2,3\r\n".encode(),
        "minzheng_jiuzhu_f_renamed.xlsx": (small_county / VEHICLES).read_bytes(),
    }
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    root = tmp_path / "g"
    try:
        done = run_cli("load", str(folder), "--db", str(root / "graph"), "--rejects", str(tmp_path / "rej"),
                       env={"RELIEFGRAPH_APP_DB": f"sqlite:///{tmp_path / 'app.db'}"})
    finally:
        from reliefgraph.graph.embedded import EmbeddedServer
        EmbeddedServer(root / "graph").stop()
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Traceback" not in out, out
    errors = [line for line in out.splitlines() if line.split(":")[0] in files]
    assert {line.split(":")[0] for line in errors} == set(files) - {"gongan_jidongche_d_header.csv"}, out


def test_cli_on_a_missing_folder_or_bad_mapping_exits_cleanly(tmp_path):
    done = run_cli("load", str(tmp_path / "nowhere"), "--db", str(tmp_path / "g"))
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    bad = tmp_path / "maps"
    bad.mkdir()
    (bad / "x.yaml").write_text("id: x\nagency: a\ntitle: {zh: x}\nfiles: ['*.csv']\nfields: {}\n"
                                "yields: [{node: Nope, key: k}]\n", encoding="utf-8")
    (tmp_path / "in").mkdir()
    done = run_cli("load", str(tmp_path / "in"), "--mappings", str(bad), "--db", str(tmp_path / "g"))
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert "x.yaml" in done.stdout + done.stderr
    assert not (tmp_path / "g" / "server.pid").exists(), "no engine started for a command that cannot run"
