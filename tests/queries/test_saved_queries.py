"""The analysts' query library on a generated county: every saved query,
with the defaults its form offers (choices read from the loaded data),
returns rows; codes read as names; exports keep IDs as text."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from reliefgraph.dashboard import queryform
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.graph.store import open_store
from reliefgraph.queries.cypher_files import cypher_files
from reliefgraph.queries.names import names_for

SAVED = cypher_files("queries")
ANALYST = Viewer("li", "analyst")


@pytest.fixture(scope="module")
def store(detected):
    with open_store(str(detected.db)) as s:
        yield s


def test_the_library_has_at_least_fifteen_queries_with_chinese_columns():
    assert len(SAVED) >= 15
    for f in SAVED:
        assert f.columns, f"{f.id}: declare Chinese `columns:`"
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c.zh) for c in f.columns.values()), f.id


@pytest.mark.parametrize("f", SAVED, ids=lambda f: f.id)
def test_every_saved_query_returns_rows_with_its_offered_defaults(store, f):
    ws = queryform.widgets(f, store, ANALYST)
    for w in ws:
        p = f.params[w.name]
        if p.choices:
            assert w.options, f"{f.id}.{w.name}: no choices in the loaded data"
    params = queryform.coerce(f, {w.name: w.default for w in ws})
    out = queryform.run_saved(store, f, params, ANALYST)
    assert out.total_rows >= 1, (f.id, params)
    assert out.columns == [f.header(k) for k in out.keys]
    undeclared = [k for k in out.keys if k not in f.columns]
    assert not undeclared, f"{f.id}: columns without a Chinese heading {undeclared}"


def test_region_codes_read_as_names_from_the_region_table(store):
    names = names_for(store)
    village = next(c for c in names.regions if len(c) == 12 and c.startswith("4512991"))
    label = names.label("region", village)
    assert label.endswith(f" ({village})") and label.split(" ")[0] in names.regions.values(), label
    assert names.label("programme", "dibao") == "最低生活保障"
    assert names.label("agency", "public_security") == "公安局"
    assert names.label("region", "000000") == "000000", "an unknown code is shown as it is"


def test_a_query_result_downloads_as_excel_with_ids_as_text_and_masked(store):
    f = next(f for f in SAVED if f.id == "grant_households_in_village")
    ws = queryform.widgets(f, store, ANALYST)
    out = queryform.run_saved(store, f, queryform.coerce(f, {w.name: w.default for w in ws}), ANALYST)
    sheet = load_workbook(io.BytesIO(queryform.to_xlsx(out.columns, out.rows))).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["户号", "救助编号", "申请人身份证号"]
    ids = [sheet.cell(row=r, column=3) for r in range(2, sheet.max_row + 1)]
    assert ids and all(c.data_type == "s" and c.number_format == "@" and "*" in c.value for c in ids if c.value)
    households = [sheet.cell(row=r, column=1) for r in range(2, sheet.max_row + 1)]
    assert all(c.data_type == "s" for c in households), "household numbers are text"
    status = {sheet.cell(row=r, column=9).value for r in range(2, sheet.max_row + 1)}
    assert status <= {"在保", "暂停", "退保", "—"}, status
