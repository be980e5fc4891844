"""validate: one reason code per bad row, None per good or absent one.

Every ID and credit code here is synthetic: built from parts, with the check
character computed by the independent helpers below (not by the module)."""
from __future__ import annotations

import datetime as dt
import re
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reliefgraph.loaders import normalise as nz
from reliefgraph.loaders import validate as vd

AS_OF = dt.date(2024, 6, 30)
DTYPES = [object, pd.StringDtype(), "str"]
PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
             50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]


def with_id_check(body17: str) -> str:
    """GB 11643-1999 ISO 7064 MOD 11-2, written from the standard's formula."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body17))
    return body17 + "10X98765432"[total % 11]


def citizen(region: str = "522426", birth: str = "19800101", seq: str = "123") -> str:
    return with_id_check(region + birth + seq)


CREDIT = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def with_credit_check(body17: str) -> str:
    """GB 32100-2015: weights 3^i mod 31, check = 31 - sum mod 31 (31 → 0)."""
    total = sum(CREDIT.index(c) * (3 ** i % 31) for i, c in enumerate(body17))
    return body17 + CREDIT[(31 - total % 31) % 31]


def reasons(validator, cells, *args, dtype=object):
    return validator(pd.Series(cells, dtype=dtype), *args).tolist()


# ---------------------------------------------------------------- citizen IDs

def test_helpers_agree_with_the_published_weights():
    assert [2 ** (17 - i) % 11 for i in range(17)] == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert [3 ** i % 31 for i in range(17)] == list(vd.CREDIT_WEIGHTS)


@pytest.mark.parametrize("dtype", DTYPES, ids=["object", "string", "str"])
def test_valid_ids_pass_and_absent_ids_are_not_judged(dtype):
    good = [citizen(), citizen("110101", "20000229", "001"), citizen("820000", "19000101", "999")]
    assert reasons(vd.citizen_id, good + [None], AS_OF, dtype=dtype) == [None, None, None, None]


def test_an_id_ending_in_x():
    # search the sequence numbers for one whose check character is X
    x_id = next(i for i in (citizen(seq=f"{n:03d}") for n in range(1000)) if i.endswith("X"))
    assert reasons(vd.citizen_id, [x_id], AS_OF) == [None]
    # a lower-case x is a format error until normalise.identifier has run
    assert reasons(vd.citizen_id, [x_id.lower()], AS_OF) == ["id_format"]
    assert vd.citizen_id(nz.identifier(pd.Series([x_id.lower()])), AS_OF)[0] is None


@pytest.mark.parametrize("cell,reason", [
    ("52242619800101123", "id_format"),            # 17 characters
    ("5224261980010112345", "id_format"),           # 19
    ("52242619800101123Y", "id_format"),
    ("X22426198001011234", "id_format"),            # X only allowed last
    ("5224261980 0101123", "id_format"),
    ("522426800101123", "id_legacy_15"),
    (citizen(region="992426"), "id_region"),        # check digit recomputed: only the region is wrong
    (citizen(region="002426"), "id_region"),
    (citizen(region="192426"), "id_region"),
    (citizen(region="722426"), "id_region"),
    (citizen(birth="20210230"), "id_birth_date"),   # Feb 30
    (citizen(birth="19801301"), "id_birth_date"),   # month 13
    (citizen(birth="18991231"), "id_birth_date"),   # before 1900
    (citizen(birth="20240701"), "id_birth_date"),   # after AS_OF
    (citizen(birth="19000229"), "id_birth_date"),   # 1900 not a leap year
])
def test_each_part_of_an_id_has_its_reason(cell, reason):
    assert reasons(vd.citizen_id, [cell], AS_OF) == [reason]


def test_wrong_check_digit():
    good = citizen()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert reasons(vd.citizen_id, [wrong], AS_OF) == ["id_checksum"]


def test_birth_on_the_as_of_date_is_allowed():
    assert reasons(vd.citizen_id, [citizen(birth="20240630")], AS_OF) == [None]


def test_the_most_specific_reason_comes_first():
    # region and birth date both wrong, check digit right: region is reported
    assert reasons(vd.citizen_id, [citizen(region="992426", birth="20211301")], AS_OF) == ["id_region"]


def test_reasons_stay_on_their_rows():
    cells = pd.Series([citizen(), None, "bad", citizen(birth="20210230")], index=[7, 3, 9, 1])
    out = vd.citizen_id(cells, AS_OF)
    assert list(out.index) == [7, 3, 9, 1]
    assert out.tolist() == [None, None, "id_format", "id_birth_date"]


ids_from_parts = st.builds(
    lambda region, rest, birth, seq: citizen(f"{region:02d}{rest:04d}", birth.strftime("%Y%m%d"), f"{seq:03d}"),
    st.sampled_from(PROVINCES), st.integers(0, 9999),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=AS_OF), st.integers(0, 999))


@given(ids_from_parts)
def test_any_id_built_from_valid_parts_passes(cell):
    assert reasons(vd.citizen_id, [cell], AS_OF) == [None]


@given(ids_from_parts, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_any_one_character_never_passes(cell, position, new):
    if cell[position] == new:
        return
    changed = cell[:position] + new + cell[position + 1:]
    assert reasons(vd.citizen_id, [changed], AS_OF)[0] in {"id_format", "id_region", "id_birth_date", "id_checksum"}


# ---------------------------------------------------------------- credit codes

def test_valid_credit_codes_pass():
    codes = [with_credit_check("91350100M000100Y4"), with_credit_check("12100000400000624"),
             with_credit_check("92440300MA5DXXXXX".replace("X", "Y"))]
    assert reasons(vd.credit_code, codes + [None]) == [None, None, None, None]
    assert all(vd.credit_check_char(c[:17]) == c[17] for c in codes)


@pytest.mark.parametrize("cell", ["91350100M000100Y", "91350100M000100Y4AA", "91350100M000100I4X",
                                  "91350100M000100O4X", "91350100M000100S4X", "91350100M000100V4X",
                                  "91350100M000100Z4X", "91350100m000100Y4X", "9135 0100M000100Y4"])
def test_credit_code_format(cell):
    assert reasons(vd.credit_code, [cell]) == ["credit_format"]


def test_credit_code_checksum():
    good = with_credit_check("91350100M000100Y4")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert reasons(vd.credit_code, [wrong]) == ["credit_checksum"]


@given(st.text(alphabet=CREDIT, min_size=17, max_size=17), st.integers(0, 17), st.sampled_from(CREDIT))
def test_credit_code_property(body, position, new):
    code = with_credit_check(body)
    assert reasons(vd.credit_code, [code]) == [None]
    if code[position] != new:
        changed = code[:position] + new + code[position + 1:]
        assert reasons(vd.credit_code, [changed]) == ["credit_checksum"]


# ---------------------------------------------------------------- plates, VINs, phones

@pytest.mark.parametrize("cell", ["京A12345", "粤B·12345", "沪AD12345", "粤BF12345", "粤B·D12345", "粤BDA1234",
                                  "京A12345D", "苏E12345F", "沪A1234挂", "川A1234学", "京A1234警",
                                  "粤Z1234港", "粤Z1234澳", "沪A1234领", "藏AB1C2D"])
def test_valid_plates(cell):
    assert reasons(vd.plate, [cell]) == [None]


@pytest.mark.parametrize("cell", ["A12345", "京12345", "京I12345", "京A1234O", "京A1234", "京A1234567",
                                  "京a12345", "京A12345挂", "京AD1234A", "京AD12345D", "港A12345", "京A-12345"])
def test_invalid_plates(cell):
    assert reasons(vd.plate, [cell]) == ["plate_format"]


def test_plates_through_normalise():
    cells = pd.Series(["粤b-d12345", " 京 A 12345 ", "沪ａ１２３４５"])
    assert vd.plate(nz.identifier(cells)).tolist() == [None, None, None]


def test_vin():
    assert reasons(vd.vin, ["LSVAU2180N2183294", "1HGCM82633A004352", None]) == [None, None, None]
    bad = ["LSVAU2180N218329", "LSVAU2180N21832945", "LSVAU2180N218329I", "LSVAU2180N218329O",
           "LSVAU2180N218329Q", "lsvau2180n2183294"]
    assert reasons(vd.vin, bad) == ["vin_format"] * len(bad)


def test_phone():
    good = ["13800138000", "19912345678", "01012345678", "010-12345678", "0755-1234567", "07551234567"]
    assert reasons(vd.phone, good) == [None] * len(good)
    bad = ["12800138000", "1380013800", "138001380001", "+8613800138000", "10086", "010-123456"]
    assert reasons(vd.phone, bad) == ["phone_format"] * len(bad)


def test_phone_through_normalise():
    cells = pd.Series(["+86 138 0013 8000", "(0755) 1234-5678", "86-13800138000"])
    assert vd.phone(nz.phone(cells)).tolist() == [None, None, None]


# ---------------------------------------------------------------- dates

def test_not_future():
    assert reasons(vd.not_future, ["2024-06-30", "2024-07-01", "1990-01-01", None], AS_OF) == \
        [None, "date_future", None, None]


def test_interval():
    start = pd.Series(["2020-01-01", "2020-01-01", None, "2020-05-01", "2020-05-01"])
    end = pd.Series(["2019-12-31", "2020-01-01", "2000-01-01", None, "2021-01-01"])
    assert vd.interval(start, end).tolist() == ["interval_reversed", None, None, None, None]


def test_interval_needs_the_same_chunk():
    with pytest.raises(ValueError):
        vd.interval(pd.Series(["2020-01-01"]), pd.Series([], dtype=object))


# ---------------------------------------------------------------- messages and masking

def test_every_reason_has_a_chinese_and_english_message():
    produced = {"id_format", "id_legacy_15", "id_region", "id_birth_date", "id_checksum",
                "credit_format", "credit_checksum", "plate_format", "vin_format", "phone_format",
                "date_future", "interval_reversed"}
    assert produced == set(vd.REASONS)
    for message in vd.REASONS.values():
        assert re.search(r"[\u4e00-\u9fff]", message) and re.search(r"[a-z]{3}", message)


@pytest.mark.parametrize("value,masked", [
    ("52242619800101123X", "5224**********123X"),
    ("13800138000", "138******00"),
    ("0123456789", "012*****89"),
    ("6222021234567890123", "6222***********0123"),
    ("欧阳娜娜", "欧**娜"),
    ("张三丰", "张*丰"),
    ("张三", "**"),
    ("A", "*"),
    ("", ""),
])
def test_mask(value, masked):
    assert vd.mask(value) == masked


@given(st.text(alphabet=st.characters(blacklist_characters="*"), min_size=1))
def test_mask_never_shows_a_whole_value(value):
    masked = vd.mask(value)
    assert len(masked) == min(len(value), vd.MASK_MAX) and masked != value


def test_mask_of_a_huge_cell_stays_short():
    assert vd.mask("长" * 10_000_000) == "长" * 4 + "*" * (vd.MASK_MAX - 8) + "长" * 4


# ---------------------------------------------------------------- speed

@pytest.mark.slow
def test_rate_of_a_million_ids_and_dates():
    """Run with: .venv/bin/pytest tests/loaders -m slow -s"""
    rng = np.random.default_rng(7)
    n = 1_000_000
    regions = rng.choice(PROVINCES, n) * 10000 + rng.integers(0, 10000, n)
    births = pd.to_datetime(rng.integers(-20000, 19000, n), unit="D").strftime("%Y%m%d")
    bodies = pd.Series(regions.astype(str)) + births.to_series(index=range(n)) \
        + pd.Series(rng.integers(0, 1000, n)).astype(str).str.zfill(3)
    ids = bodies.map(with_id_check)
    ids[::10] = ids[::10].str.lower()          # some lower-case x and bad rows
    ids[::97] = ids[::97].str[:17] + "0"

    days = pd.to_datetime(rng.integers(-20000, 19000, n), unit="D")
    y, m, d = days.year.astype(str), days.month.astype(str), days.day.astype(str)
    shapes = [y + "/" + m + "/" + d, days.strftime("%Y-%m-%d"), y + "年" + m + "月" + d + "日",
              days.strftime("%Y%m%d"), y + "." + m + "." + d, days.strftime("%Y-%m-%d 00:00:00")]
    pick = rng.integers(0, len(shapes), n)
    dates = pd.Series(np.choose(pick, [np.asarray(s, dtype=object) for s in shapes]), dtype=object)

    for dtype in (object, pd.StringDtype()):
        id_cells, date_cells = ids.astype(dtype), dates.astype(dtype)
        t = time.perf_counter()
        out = vd.citizen_id(nz.identifier(id_cells), AS_OF)
        id_seconds = time.perf_counter() - t
        t = time.perf_counter()
        iso, bad = nz.date(date_cells)
        date_seconds = time.perf_counter() - t
        label = "object" if dtype is object else "string"
        print(f"\n{label:>6}: 1M citizen IDs identifier+citizen_id {id_seconds:.2f} s "
              f"({n / id_seconds:,.0f}/s), 1M mixed dates {date_seconds:.2f} s ({n / date_seconds:,.0f}/s)")
        assert not bad.any() and iso.notna().all()
        assert out.notna().sum() > 0
        assert id_seconds < 3 and date_seconds < 3
