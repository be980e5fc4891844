"""The extracts misbehave exactly as documented, and every defect is on record."""
import re
import zipfile
from collections import defaultdict

import pytest

from reliefgraph.synthetic import ids
from synthetic_data import _norm, clean, dataset, manifest, parse_date, raw, rejection, truth


def _rows(out, file):
    spec = manifest(out)["by_file"][file]
    df = raw(out, file)
    for c in df.columns:
        df[c] = [s.translate(ids._FULL_TO_HALF).strip() for s in df[c]]
    for c in spec["id_cols"] + spec["code_cols"]:
        df[c] = [_norm(s) for s in df[c]]
    return spec, df.to_dict("records")


def test_every_file_is_listed_readable_and_chinese():
    out = dataset()
    m = manifest(out)
    assert len(m["files"]) >= 17
    readme = (out / "README.md").read_text(encoding="utf-8")
    encodings = set()
    for f in m["files"]:
        df = raw(out, f["file"])
        assert len(df) == f["rows"] and list(df.columns) == f["columns"]
        assert all(re.search(r"[\u4e00-\u9fff]", c) for c in df.columns)
        assert f["file"] in readme
        encodings.add(f["encoding"])
    assert {"gbk", "utf-8", "xlsx"} <= encodings
    gbk = (out / "gongan_huji.csv").read_bytes()
    try:
        gbk.decode("utf-8")
        raise AssertionError("the GBK register must not be valid UTF-8")
    except UnicodeDecodeError:
        pass
    assert (out / "gongan_siwang.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("layout", ["a", "b"])
def test_invalid_rows_are_exactly_the_recorded_ones(layout):
    out = dataset(layout=layout)
    recorded = defaultdict(dict)
    for r in truth(out, "invalid_rows.csv").to_dict("records"):
        recorded[r["file"]][int(r["row"])] = r
    assert sum(len(v) for v in recorded.values()) > 20
    reasons = set()
    for f in manifest(out)["files"]:
        spec, rows = _rows(out, f["file"])
        found = {i + 1: rejection(spec, row) for i, row in enumerate(rows) if rejection(spec, row)}
        assert set(found) == set(recorded[f["file"]]), f["file"]
        for i, rec in recorded[f["file"]].items():
            assert found[i] == rec["reason"], (f["file"], i)
            row = rows[i - 1]
            if rec["reason"] == "bad_check_digit":
                v = row[rec["field"]]
                check = ids.citizen_id_valid if rec["field"] in spec["id_cols"] else ids.credit_code_valid
                assert v and not check(v)
            elif rec["reason"] == "impossible_date":
                try:
                    parse_date(row[rec["field"]])
                    raise AssertionError(row[rec["field"]])
                except ValueError:
                    pass
            else:
                assert all(not row[c] for c in rec["field"].split("+"))
            reasons.add(rec["reason"])
        for i, row in enumerate(rows):
            if i + 1 not in found:
                for c in spec["id_cols"]:
                    assert not row[c] or ids.citizen_id_valid(row[c]), (f["file"], i + 1, c)
    assert reasons == {"bad_check_digit", "impossible_date", "missing_key"}


REGISTER = {"a": ("gongan_huji.csv", "公民身份号码"), "b": ("常住人口信息表.csv", "身份证号")}
IDLESS_FILES = {"a": {"minzheng_hunyin.csv", "xiangcun_gongyigangwei.csv", "minzheng_jiuzhu_chengyuan.csv"},
                "b": {"结婚登记档案.csv", "乡村公益岗人员.xlsx"}}


@pytest.mark.parametrize("layout", ["a", "b"])
def test_idless_rows_name_the_true_person(layout):
    out = dataset(layout=layout)
    file, id_col = REGISTER[layout]
    reg = clean(out, file)
    who = {c: (n, b) for c, n, b in zip(reg[id_col], reg["姓名"], reg["出生日期"])}
    idless = truth(out, "idless_rows.csv")
    files = set(idless["file"])
    assert IDLESS_FILES[layout] <= files
    cache = {f: _rows(out, f) for f in files}
    for r in idless.to_dict("records"):
        spec, rows = cache[r["file"]]
        row = rows[int(r["row"]) - 1]
        id_col = manifest(out)["by_file"][r["file"]]["idless_col"]
        assert row[id_col] == ""
        name, birth = who[r["citizen_id"]]
        assert r["name"] == name
        birth_cols = [c for c in spec["date_cols"] if "出生" in c]
        if r["file"] in ("minzheng_hunyin.csv", "结婚登记档案.csv"):
            birth_cols = ["女方出生日期"]
        assert parse_date(row[birth_cols[0]]) == birth


def test_the_mess_is_there():
    out = dataset()
    text = "".join((out / f).read_text(encoding=e) for f, e in
                   (("gongan_huji.csv", "gbk"), ("minzheng_fafang.csv", "utf-8"), ("budongchan.csv", "utf-8"),
                    ("xiangcun_gongyigangwei.csv", "gbk"), ("shebao_canbao.csv", "utf-8")))
    assert re.search(r"\d{17}x", text)                     # lower-case x
    assert re.search(r"[０-９]{3}", text)                   # full-width digits
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) and re.search(r"\d{4}/\d{1,2}/\d{1,2}", text)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text) and re.search(r",(19|20)\d{6}[,\r\n]", text)
    assert re.search(r"[\u4e00-\u9fff] +[,\r\n]", text)    # trailing spaces
    df = raw(out, "gongan_huji.csv")
    assert df.duplicated().sum() > 10                       # exact duplicates
    with zipfile.ZipFile(out / "minzheng_jiuzhu.xlsx") as z:  # no wall-clock time inside
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert not any(n.startswith("docProps") for n in z.namelist())
