"""Property-based fuzzing of the whole loader path, mapping-driven: household
register extracts with hostile but valid rows (Cypher, quotes, HTML, emoji,
line breaks in cells) and rows planted with one defect each, in any encoding
and line ending, loaded into the real embedded engine.

Every good row loads with its values stored literally; every bad row is in
the reject file with its row number and the expected reason; the counts add
up; nothing raises.
"""
from __future__ import annotations

import csv
import io
import itertools

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import SCALES, fuzz_settings
from loader_support import Graph
from reliefgraph.loaders import normalise
from reliefgraph.loaders.mapping import MAPPINGS_DIR

HEADER = ["户号", "姓名", "公民身份号码", "性别", "出生日期", "与户主关系", "户籍地址", "村居委会代码"]
VILLAGE = "520101101201"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_serial = itertools.count(1)

hostile_names = st.sampled_from([
    "张三", "阿依古丽·买买提", "O'Brien", 'Say "hi"', "a\\b", "x}) MATCH (n) DETACH DELETE n //",
    "'; CALL db.idx.fulltext.drop('x') //", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "张\u200b三", "Ｚｈａｎｇ", "🙂王五", "李 四", "$name", "{name: 'x'}", "`backtick`", "ROBERT'); DROP TABLE--"])
addresses = st.text(st.sampled_from(list("贵州省某县村组号,\"'\n\t ;:{}()$`<>&\\/")), max_size=60)

# One defect per bad row, and the reason the reject file must give.
DEFECTS = {
    "id_checksum": "id_checksum", "id_short": "id_format", "id_letters": "id_format", "id_region": "id_region",
    "id_born_later": "id_birth_date", "id_legacy": "id_legacy_15", "birth_garbage": "date_invalid",
    "birth_feb30": "date_invalid", "birth_future": "date_future", "relation_unknown": "code_unknown",
    "name_blank": "missing_required", "household_blank": "missing_required", "name_formula": "formula_cell",
    "name_huge": "cell_too_long", "address_huge": "cell_too_long", "village_blank": "missing_required",
}


def _citizen_id(born: str) -> str:
    first17 = f"520101{born.replace('-', '')}{next(_serial) % 1000:03d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


@st.composite
def rows(draw):
    born = draw(st.dates(pd.Timestamp("1930-01-01").date(), pd.Timestamp("2020-12-31").date())).isoformat()
    cid = _citizen_id(born)
    hh = f"HH{next(_serial):08d}"
    row = {"户号": hh, "姓名": draw(hostile_names), "公民身份号码": cid, "性别": draw(st.sampled_from(["1", "2", ""])),
           "出生日期": draw(st.sampled_from([born, born.replace("-", "/"), born.replace("-", "")])),
           "与户主关系": draw(st.sampled_from(["02", "10", "20", "2", "99"])), "户籍地址": draw(addresses),
           "村居委会代码": VILLAGE}
    defect = draw(st.one_of(st.none(), st.sampled_from(sorted(DEFECTS))))
    if defect == "id_checksum":
        row["公民身份号码"] = cid[:-1] + ("0" if cid[-1] != "0" else "1")
    elif defect == "id_short":
        row["公民身份号码"] = cid[:-2]
    elif defect == "id_letters":
        row["公民身份号码"] = cid[:8] + "AB" + cid[10:]
    elif defect == "id_region":
        row["公民身份号码"] = "99" + cid[2:]
    elif defect == "id_born_later":
        first17 = cid[:6] + "20990101" + cid[14:17]
        row["公民身份号码"] = first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]
    elif defect == "id_legacy":
        row["公民身份号码"] = cid[:6] + cid[8:17]
    elif defect == "birth_garbage":
        row["出生日期"] = draw(st.sampled_from(["不详", "0000-00-00", "1985-13-01", "19850", "=NOW()x", "  ?  "]))
    elif defect == "birth_feb30":
        row["出生日期"] = born[:4] + "-02-30"
    elif defect == "birth_future":
        row["出生日期"] = "2030-01-01"
    elif defect == "relation_unknown":
        row["与户主关系"] = draw(st.sampled_from(["77", "户主的狗", "0x10", "'; DROP"]))
    elif defect == "name_blank":
        row["姓名"] = draw(st.sampled_from(["", "   ", "\u3000", "\u200b"]))
    elif defect == "household_blank":
        row["户号"] = draw(st.sampled_from(["", " ", "-", "－"]))
    elif defect == "name_formula":
        row["姓名"] = draw(st.sampled_from(["=cmd|' /C calc'!A0", "@SUM(A1)", "+HYPERLINK(\"x\")", "-1+cmd"]))
    elif defect == "name_huge":
        row["姓名"] = "张" * draw(st.integers(61, 20_000))
    elif defect == "address_huge":
        row["户籍地址"] = "村" * draw(st.integers(2001, 200_000))
    elif defect == "village_blank":
        row["村居委会代码"] = ""
    return row, defect


@st.composite
def extracts(draw):
    body = draw(st.lists(rows(), min_size=1, max_size=12))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    endings = draw(st.lists(st.sampled_from(["\r\n", "\n"]), min_size=len(body) + 1, max_size=len(body) + 1))
    return body, encoding, endings


def _csv(body, endings) -> tuple[str, list[int]]:
    out, starts, line = [], [], 1
    for i, values in enumerate([HEADER] + [[r[c] for c in HEADER] for r, _ in body]):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="", quoting=csv.QUOTE_ALL if i else csv.QUOTE_MINIMAL).writerow(values)
        text = buf.getvalue()
        if i:
            starts.append(line)
        line += 1 + text.count("\n")
        out.append(text + endings[i])
    return "".join(out), starts


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    g = Graph(tmp_path_factory.mktemp("fuzzload"))
    g.store.init_schema()
    yield g
    g.close()


@pytest.mark.parametrize("scale", SCALES)
def test_every_row_loads_or_is_rejected_with_its_reason(scale, graph, tmp_path):
    case = itertools.count()

    @fuzz_settings(12, scale, shrink=False)
    @given(extracts())
    def check(extract):
        body, encoding, endings = extract
        n = next(case)
        folder = tmp_path / f"in{n}"
        folder.mkdir()
        text, starts = _csv(body, endings)
        (folder / f"gongan_huji_{n}.csv").write_bytes(text.encode(encoding))
        (report,) = graph.load(folder, rejects=tmp_path / f"rej{n}")
        # A file whose every row is refused loads nothing and says so (`rejected`).
        assert report.status == ("rejected" if report.rows_read and not report.rows_loaded else "loaded"), \
            report.error
        (reject_file,) = (tmp_path / f"rej{n}").glob("*.csv")
        got = pd.read_csv(reject_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        expected = {(start, DEFECTS[defect]) for start, (_, defect) in zip(starts, body) if defect}
        assert set(zip(got.row.astype(int), got.reason_code)) == expected
        good = [(start, r) for start, (r, defect) in zip(starts, body) if not defect]
        assert report.rows_rejected == len(expected) and report.rows_loaded == len(good)
        stored = dict(graph.store.read(
            "MATCH (p:Person)-[:MEMBER_OF]->(h:Household) WHERE p.src_batch = $b RETURN p.citizen_id, "
            "[p.name, h.household_id, h.address, p.src_row]", {"b": report.batch_id}).rows)
        want = {}
        for start, r in good:
            name = normalise.name(pd.Series([r["姓名"]])).iloc[0]
            address = normalise.text(pd.Series([r["户籍地址"]])).iloc[0]
            want[r["公民身份号码"]] = [name, r["户号"], None if pd.isna(address) else address, start]
        assert stored == want

    check()


xlsx_cells = st.one_of(st.none(), st.integers(-10**19, 10**19), st.floats(allow_nan=False, allow_infinity=False),
                       st.booleans(), st.datetimes(pd.Timestamp("1900-03-01").to_pydatetime(),
                                                   pd.Timestamp("2100-01-01").to_pydatetime()),
                       st.sampled_from(["=1+1", "=NOW()", "#N/A", "  ", "张三", "-", "520101199001011234"]),
                       st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=15))


@pytest.mark.parametrize("scale", SCALES)
def test_workbooks_with_cells_of_any_type_load_or_reject_every_row(scale, graph, tmp_path):
    """Excel hands over numbers, dates, booleans and formulas, not text: an
    18-digit ID typed as a number, a date as a serial, '=NOW()'."""
    from openpyxl import Workbook

    maps = tmp_path / "maps"
    maps.mkdir()
    register = (MAPPINGS_DIR / "gongan_huji.yaml").read_text(encoding="utf-8")
    (maps / "gongan_huji.yaml").write_text(register.replace('files: ["gongan_huji*.csv"', 'files: ["huji*.xlsx"'),
                                           encoding="utf-8")
    case = itertools.count()

    @fuzz_settings(8, scale, shrink=False)
    @given(st.lists(st.tuples(rows(), st.lists(xlsx_cells, min_size=8, max_size=8),
                              st.lists(st.booleans(), min_size=8, max_size=8)), min_size=1, max_size=10))
    def check(drawn):
        n = next(case)
        folder = tmp_path / f"x{n}"
        folder.mkdir()
        wb = Workbook()
        ws = wb.active
        ws.append(HEADER)
        for (row, _), odd, use_odd in drawn:
            ws.append([o if u else row[c] for c, o, u in zip(HEADER, odd, use_odd)])
        wb.save(folder / f"huji_{n}.xlsx")
        (report,) = graph.load(folder, mappings=maps, rejects=tmp_path / f"xr{n}")
        # A file whose every row is refused loads nothing and says so (`rejected`).
        assert report.status == ("rejected" if report.rows_read and not report.rows_loaded else "loaded"), \
            report.error
        rejected = pd.read_csv(next((tmp_path / f"xr{n}").glob("*.csv")), dtype=str, keep_default_na=False,
                               encoding="utf-8-sig")
        assert report.rows_read == report.rows_loaded + report.rows_rejected, "no row lost unaccounted"
        assert set(rejected.row.astype(int)) <= set(range(2, 2 + len(drawn)))
        assert (rejected.reason_code != "").all()
        stored = graph.store.read("MATCH (p:Person) WHERE p.src_batch = $b RETURN count(p)",
                                  {"b": report.batch_id}).scalar()
        assert stored <= report.rows_loaded

    check()
