"""normalise: messy agency cells in, canonical values and honest flags out."""
from __future__ import annotations

import datetime as dt
import itertools
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliefgraph.loaders import normalise as nz

# Loaders read every cell as a string; which string dtype that becomes depends
# on the pandas version and the reader, so every behaviour is checked on all.
DTYPES = [object, pd.StringDtype(), pd.StringDtype("python"), "str"]


@pytest.fixture(params=DTYPES, ids=["object", "string", "string-python", "str"])
def series(request):
    def make(values, index=None):
        return pd.Series(values, dtype=request.param, index=index)
    return make


def values(s: pd.Series) -> list:
    """Series as a list with every NA as None, for plain comparisons."""
    return [None if pd.isna(v) else v for v in s.tolist()]


# ---------------------------------------------------------------- text

def test_text_folds_full_width_and_collapses_whitespace(series):
    s = series(["  ＡＢＣ１２３ ", "张\u3000\u3000三", "a\t\nb", "\ufeff编号", "身\u200b份\u200d证", "x\u00a0y"])
    assert values(nz.text(s)) == ["ABC123", "张 三", "a b", "编号", "身份证", "x y"]


# Han, ASCII and the middle dot, which NFKC leaves alone, and what NFKC
# changes or composes with them: full-width forms, compatibility ideographs,
# combining marks, Hangul jamo, circled digits, ligatures.
NFKC_TOKENS = ["张", "a", "e", "1", "·", "\u0301", "\u0308", "\u3099", "\u1100", "\u1161", "\u11a8", "\uff21",
               "\uff10", "\uff08", "\uf900", "\u2f00", "\u2460", "\ufb01", "か"]


def test_every_cell_nfkc_may_change_is_normalised_whatever_its_neighbours():
    # Only cells outside ASCII, the middle dot and common Han go through NFKC:
    # every triple of these tokens checks that none is skipped wrongly.
    cells = ["".join(t) for t in itertools.product(NFKC_TOKENS, repeat=3)]
    expected = [unicodedata.normalize("NFKC", c) for c in cells]
    assert values(nz.text(pd.Series(cells, dtype=object))) == expected


def test_blank_cells_become_na_never_empty_string(series):
    s = series(["", "   ", "\u3000", "\ufeff", "\u200b ", None])
    out = nz.text(s)
    assert out.isna().all()
    assert "" not in out.dropna().tolist()


def test_result_keeps_index_and_has_one_dtype(series):
    s = series(["a", None, "b"], index=[10, 20, 30])
    out = nz.text(s)
    assert list(out.index) == [10, 20, 30]
    assert out.dtype == pd.StringDtype("pyarrow")
    assert out[20] is pd.NA


def test_excel_cells_that_are_not_strings_are_read_as_typed():
    s = pd.Series([20200105.0, 13800138000, 12.5, np.nan, None, dt.date(2020, 1, 5)], dtype=object)
    assert values(nz.text(s)) == ["20200105", "13800138000", "12.5", None, None, "2020-01-05"]


def test_empty_series():
    assert len(nz.text(pd.Series([], dtype=object))) == 0
    iso, bad = nz.date(pd.Series([], dtype=object))
    assert len(iso) == 0 and len(bad) == 0


# ---------------------------------------------------------------- names and identifiers

def test_name_removes_inner_spaces(series):
    assert values(nz.name(series(["张 三", " 李　四 ", "王  小 明"]))) == ["张三", "李四", "王小明"]


@pytest.mark.parametrize("typed", ["阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽.买买提",
                                   "阿依古丽．买买提", "阿依古丽 · 买买提", "阿依古丽·买买提"])
def test_name_makes_minority_middle_dot_canonical(typed):
    assert nz.name(pd.Series([typed]))[0] == "阿依古丽·买买提"


def test_name_dots_between_single_characters_all_fixed():
    assert nz.name(pd.Series(["阿•买•提•江"]))[0] == "阿·买·提·江"


def test_name_leaves_dots_outside_han_alone():
    assert values(nz.name(pd.Series(["J. Smith", "张三."]))) == ["J.Smith", "张三."]


def test_identifier_upper_cases_and_drops_separators(series):
    s = series(["52242619800101123x", " 5224-2619 8001 01123X ", "９１３５０１００ｍ",
                "粤B-12345", "lsvau2180n2183294", "   "])
    assert values(nz.identifier(s)) == ["52242619800101123X", "52242619800101123X", "91350100M",
                                        "粤B12345", "LSVAU2180N2183294", None]


def test_phone_drops_country_code_only_before_a_mobile(series):
    s = series(["+86 138-0013-8000", "8613800138000", "0086 13800138000", "(010)1234-5678",
                "138 0013 8000", "86123"])
    assert values(nz.phone(s)) == ["13800138000", "13800138000", "13800138000", "01012345678",
                                   "13800138000", "86123"]


# ---------------------------------------------------------------- formula injection

@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "@SUM(1)", "=1+2", "+A1", "-2+cmd|x",
                                  "=HYPERLINK(\"http://x\")", "＝SUM(A1)", "  =A1"])
def test_formula_like_cells_are_caught(cell):
    assert nz.formula_like(pd.Series([cell]))[0]


@pytest.mark.parametrize("cell", ["-5", "-1,234.50", "+86 138 0013 8000", "+8613800138000",
                                  "-0.5", "张三", "a=b", "-", "=", None, ""])
def test_numbers_phones_and_text_are_not_formula_like(cell):
    assert not nz.formula_like(pd.Series([cell], dtype=object))[0]


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("cell", [
    "2020/1/5", "2020/01/05", "2020-01-05", "2020-1-5", "2020.1.5", "2020年1月5日", "2020年01月05日",
    "2020 年 1 月 5 日", "20200105", "2020-01-05 00:00:00", "2020/1/5 0:00:00", "2020-01-05T00:00:00",
    "2020-01-05T08:30:00Z", "2020-01-05T08:30:00+08:00", "2020-01-05 08:30:00.123",
    "２０２０－０１－０５", "２０２０年１月５日", "２０２００１０５", " 2020-01-05 ",
])
def test_date_accepts_every_extract_format(series, cell):
    iso, bad = nz.date(series([cell]))
    assert (iso[0], bad[0]) == ("2020-01-05", False)


@pytest.mark.parametrize("cell", [
    dt.date(2020, 1, 5), dt.datetime(2020, 1, 5), dt.datetime(2020, 1, 5, 13, 45),
    pd.Timestamp("2020-01-05"), np.datetime64("2020-01-05"), 20200105, 20200105.0,
])
def test_date_accepts_cells_from_excel_readers(cell):
    iso, bad = nz.date(pd.Series([cell], dtype=object))
    assert (iso[0], bad[0]) == ("2020-01-05", False)


def test_date_accepts_datetime_columns():
    naive = pd.Series(pd.to_datetime(["2020-01-05", None]))
    aware = naive.dt.tz_localize("Asia/Shanghai")
    for s in (naive, aware):
        iso, bad = nz.date(s)
        assert values(iso) == ["2020-01-05", None] and not bad.any()


@pytest.mark.parametrize("cell", [
    "2021-02-30", "2023-02-29", "2020-13-01", "2020-00-10", "2020-01-00", "2020-04-31",
    "20201340", "2020年2月30日", "1899-12-31", "2101-01-01", "0000-01-01",
    "garbage", "2020", "2020-01", "20-1-5", "2020/1/5/6", "01/05/2020", "2020-01-05x",
    "2020-01-05 25", "NULL", "٢٠٢٠-٠١-٠٥", dt.date(1850, 1, 1),
])
def test_impossible_or_unknown_dates_are_bad_not_coerced(cell):
    iso, bad = nz.date(pd.Series([cell], dtype=object))
    assert iso.isna()[0] and bad[0]


def test_leap_days_and_range_edges_are_real_dates():
    iso, bad = nz.date(pd.Series(["2024-02-29", "2000-02-29", "1900-01-01", "2100-12-31", "1900-02-28"]))
    assert values(iso) == ["2024-02-29", "2000-02-29", "1900-01-01", "2100-12-31", "1900-02-28"]
    assert not bad.any()
    # 1900 and 2100 are not leap years (divisible by 100, not by 400).
    assert nz.date(pd.Series(["1900-02-29", "2100-02-29"]))[1].all()


def test_blank_dates_are_absent_not_bad(series):
    iso, bad = nz.date(series([None, "", "  "]))
    assert iso.isna().all() and not bad.any()
    assert bad.dtype == bool


def test_mixed_chunk_keeps_rows_aligned(series):
    s = series(["2020/1/5", None, "2021-02-30", "20191231"], index=list("abcd"))
    iso, bad = nz.date(s)
    assert values(iso) == ["2020-01-05", None, None, "2019-12-31"]
    assert bad.tolist() == [False, False, True, False]
    assert list(iso.index) == list(bad.index) == list("abcd")


@given(st.text())
@settings(max_examples=500)
def test_date_never_raises_and_only_returns_real_iso_dates(cell):
    iso, bad = nz.date(pd.Series([cell, None], dtype=object))
    if pd.isna(iso[0]):
        assert bad[0] or pd.isna(nz.text(pd.Series([cell]))[0])
    else:
        parsed = dt.date.fromisoformat(iso[0])
        assert 1900 <= parsed.year <= 2100 and not bad[0]
    assert iso.isna()[1] and not bad[1]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["{y}/{m}/{d}", "{y}-{m:02d}-{d:02d}", "{y}.{m}.{d}", "{y}年{m}月{d}日",
                        "{y}{m:02d}{d:02d}", "{y}-{m:02d}-{d:02d} 00:00:00"]))
def test_any_real_date_in_any_format_round_trips(day, shape):
    cell = shape.format(y=day.year, m=day.month, d=day.day)
    iso, bad = nz.date(pd.Series([cell]))
    assert iso[0] == day.isoformat() and not bad[0]


# ---------------------------------------------------------------- months

@pytest.mark.parametrize("cell", ["2020-01", "2020-1", "2020/1", "2020.01", "202001", "2020年1月",
                                  "２０２０年１月", "2020-01-15", "2020/1/15", "20200115"])
def test_month_formats(series, cell):
    ym, bad = nz.month(series([cell]))
    assert (ym[0], bad[0]) == ("2020-01", False)


@pytest.mark.parametrize("cell", ["2020-13", "202000", "2020年13月", "1899-12", "2020", "x", "2021-02-30"])
def test_bad_months(cell):
    ym, bad = nz.month(pd.Series([cell]))
    assert ym.isna()[0] and bad[0]


def test_blank_month_is_not_bad():
    ym, bad = nz.month(pd.Series([None, " "], dtype=object))
    assert ym.isna().all() and not bad.any()


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize("cell,expected", [
    ("1,234.50", 1234.5), ("￥1234", 1234.0), ("¥1,234", 1234.0), ("1234元", 1234.0),
    ("1234.00元整", 1234.0), ("RMB 88", 88.0), ("１２３４．５", 1234.5), ("-5", -5.0),
    ("+5", 5.0), ("(12.00)", -12.0), ("-¥3", -3.0), ("¥-3", -3.0), (".5", 0.5),
    ("1.2E+05", 120000.0), (" 0 ", 0.0), (7, 7.0), (7.25, 7.25),
])
def test_number_formats(cell, expected):
    value, bad = nz.number(pd.Series([cell], dtype=object))
    assert (value[0], bad[0]) == (expected, False)


@pytest.mark.parametrize("cell", ["abc", "1.2.3", "12%%", "1.5万万", "%12", "万", "5%元", "--5", "+-3", "(-3)", "(12",
                                  "nan", "inf", "-", ".", "¥", "5 元 3"])
def test_bad_numbers(cell):
    value, bad = nz.number(pd.Series([cell]))
    assert np.isnan(value[0]) and bad[0]


@pytest.mark.parametrize("cell,unit,expected", [
    # The cell's own unit wins; a bare number is in the column's declared unit.
    ("1.2万", None, 12000.0), ("1.2万元", "万元", 12000.0), ("3亿", None, 3e8), ("1.23万", None, 12300.0),
    ("1.2", "万元", 12000.0), ("1,200.50", "万元", 12005000.0), ("-0.5", "万元", -5000.0),
    ("1200.50", "元", 1200.5), ("1200.50", None, 1200.5),
    ("60%", None, 0.6), ("６０％", None, 0.6), ("60%", "%", 0.6), ("60", "%", 0.6), ("0.6", "%", 0.6),
    ("100", "%", 1.0), ("12.5%", "万元", 0.125), ("(5%)", None, -0.05),
    ("1,200.50元", "万元", 1200.5), ("¥30", "万元", 30.0), ("2万元", "万元", 20000.0),
])
def test_number_units(cell, unit, expected):
    value, bad = nz.number(pd.Series([cell], dtype=object), unit)
    assert (value[0], bad[0]) == (expected, False)


def test_number_na_and_dtype(series):
    value, bad = nz.number(series([None, "", "12"]))
    assert value.dtype == np.float64
    assert np.isnan(value[0]) and np.isnan(value[1]) and value[2] == 12.0
    assert bad.tolist() == [False, False, False]


# ---------------------------------------------------------------- code tables

ETHNICITY = {"01": "汉族", "02": "蒙古族", "10": "朝鲜族"}


def test_mapped_looks_up_codes_with_or_without_leading_zeros(series):
    s = series(["01", "1", "001", " 02 ", "０１", "10", "汉族", None, ""])
    value, unknown = nz.mapped(s, ETHNICITY)
    assert values(value) == ["汉族", "汉族", "汉族", "蒙古族", "汉族", "朝鲜族", "汉族", None, None]
    assert not unknown.any()


def test_mapped_flags_unknown_codes():
    value, unknown = nz.mapped(pd.Series(["99", "汉", "0", "1.0"]), ETHNICITY)
    assert value.isna().all() and unknown.all()


def test_mapped_exact_key_wins_over_zero_stripped_one():
    value, _ = nz.mapped(pd.Series(["1", "01"]), {"1": "男", "01": "other"})
    assert values(value) == ["男", "other"]


def test_mapped_accepts_numeric_table_keys():
    value, unknown = nz.mapped(pd.Series(["1", "2"]), {1: "男", 2: "女"})
    assert values(value) == ["男", "女"] and not unknown.any()


# ---------------------------------------------------------------- never raise

@given(st.lists(st.one_of(st.none(), st.text(), st.integers(), st.floats(),
                          st.dates(), st.datetimes()), max_size=20))
@settings(max_examples=200)
def test_no_normaliser_raises_on_arbitrary_cells(cells):
    s = pd.Series(cells, dtype=object)
    for out in (nz.text(s), nz.name(s), nz.identifier(s), nz.phone(s)):
        assert len(out) == len(s)
        assert "" not in out.dropna().tolist()
        assert not any(v != v.strip() for v in out.dropna())
    for value, flag in (nz.date(s), nz.month(s), nz.number(s), nz.mapped(s, ETHNICITY)):
        assert len(value) == len(flag) == len(s)
        assert not (flag & s.isna()).any()
    assert len(nz.formula_like(s)) == len(s)


@given(st.text())
def test_text_is_idempotent(cell):
    once = nz.text(pd.Series([cell]))
    twice = nz.text(once)
    assert values(once) == values(twice)
