"""Check normalised keys and dates; say why a row is wrong instead of raising.

Each validator takes a Series already passed through ``normalise`` and returns
an object Series aligned on the same index holding a reason code from
``REASONS`` or ``None`` (valid). NA input gives ``None``: whether a column may
be blank is the mapping file's rule, not the validator's.

Only the first reason found per row is reported, most specific first
(format before region before birth date before check digit), so a reject file
tells the clerk which part of the number to look at.
"""
from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reliefgraph.loaders.normalise import _arrow, _true, real_date

# The loader owns the codes for normalise's bad/unknown flags and for
# blank required fields; these are the validators' own.
REASONS: dict[str, str] = {
    "id_format": "身份证号格式错误（应为17位数字加1位数字或X） citizen ID is not 17 digits followed by a digit or X",
    "id_legacy_15": "15位旧身份证号，请换算为18位后再导入 legacy 15-digit citizen ID: convert it to 18 digits first",
    "id_region": "身份证号前两位不是有效的省级行政区划代码 citizen ID does not start with a province-level region code",
    "id_birth_date": "身份证号中的出生日期无效、早于1900年或晚于核查日期 citizen ID birth date is impossible, before 1900 or after the as-of date",
    "id_checksum": "身份证号校验位错误 citizen ID check digit is wrong",
    "credit_format": "统一社会信用代码格式错误（应为18位，不含I、O、S、V、Z） credit code is not 18 characters of 0-9 and A-Y without I, O, S, V, Z",
    "credit_checksum": "统一社会信用代码校验位错误 credit code check character is wrong",
    "plate_format": "号牌号码格式错误 vehicle plate number is not a valid Chinese plate",
    "vin_format": "车辆识别代号格式错误（应为17位，不含I、O、Q） VIN is not 17 letters and digits without I, O, Q",
    "phone_format": "电话号码格式错误（应为11位手机号或带区号的固定电话） phone is neither an 11-digit mobile nor a landline with area code",
    "date_future": "日期晚于核查日期 date is after the as-of date",
    "interval_reversed": "结束日期早于开始日期 end date is before start date",
}

# GB/T 2260 province-level codes: the first two digits of every citizen ID.
_PROVINCES = np.zeros(100, dtype=bool)
for _lo, _hi in [(11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 82)]:
    _PROVINCES[_lo:_hi + 1] = True

# GB 11643-1999: weights 2^(17-i) mod 11, check character indexed by the sum mod 11.
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)

# GB 32100-2015: 31 characters (no I, O, S, V, Z), weights 3^i mod 31.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_VALUE = np.full(256, -1, dtype=np.int64)
_CREDIT_VALUE[np.frombuffer(CREDIT_ALPHABET.encode(), dtype=np.uint8)] = np.arange(31)

_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
_PLATE_LETTER = "[A-HJ-NP-Z]"
_PLATE_CHAR = "[A-HJ-NP-Z0-9]"
# Ordinary: 5 characters; 挂/学/警/港/澳/领/使 plates: 4 then the suffix;
# new-energy (GA 36-2018): 6 characters, small cars D/F + letter-or-digit +
# 4 digits, large vehicles 5 digits + D/F.
_PLATE = (f"^[{_PLATE_PROVINCES}]{_PLATE_LETTER}·?"
          f"(?:{_PLATE_CHAR}{{5}}|{_PLATE_CHAR}{{4}}[挂学警港澳领使]"
          f"|[DF]{_PLATE_CHAR}[0-9]{{4}}|[0-9]{{5}}[DF])$")
_VIN = "^[A-HJ-NPR-Z0-9]{17}$"
_PHONE = "^(?:1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$"


def _result(reasons: np.ndarray, like: pd.Series) -> pd.Series:
    return pd.Series(reasons, index=like.index, name=like.name, dtype=object)


def _pattern(s: pd.Series, pattern: str, code: str) -> pd.Series:
    arr = _arrow(s)
    wrong = _true(pc.is_valid(arr)) & ~_true(pc.match_substring_regex(arr, pattern))
    reasons = np.full(len(arr), None, dtype=object)
    reasons[wrong] = code
    return _result(reasons, s)


def _fixed_width(arr: pa.Array, width: int) -> np.ndarray:
    """Non-null cells known to be exactly ``width`` ASCII bytes → (n, width) uint8,
    read straight from the Arrow buffers so a million IDs cost no Python loop."""
    arr = arr.cast(pa.large_string())
    if len(arr) == 0:
        return np.zeros((0, width), dtype=np.uint8)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    return data.reshape(len(arr), width)


def _as_of_int(as_of: _dt.date) -> int:
    return as_of.year * 10000 + as_of.month * 100 + as_of.day


def _digits_value(digits: np.ndarray) -> np.ndarray:
    return digits @ (10 ** np.arange(digits.shape[1] - 1, -1, -1))


def citizen_id(s: pd.Series, as_of: _dt.date) -> pd.Series:
    """18-character resident ID (GB 11643-1999) → ``id_format``, ``id_legacy_15``,
    ``id_region``, ``id_birth_date``, ``id_checksum`` or None. ``as_of`` is the
    extract's date: nobody in it can be born after it."""
    arr = _arrow(s)
    reasons = np.full(len(arr), None, dtype=object)
    present = _true(pc.is_valid(arr))
    is18 = _true(pc.match_substring_regex(arr, "^[0-9]{17}[0-9X]$"))
    is15 = _true(pc.match_substring_regex(arr, "^[0-9]{15}$"))
    reasons[present & ~is18 & ~is15] = "id_format"
    reasons[is15] = "id_legacy_15"

    raw = _fixed_width(arr.filter(pa.array(is18)), 18)
    digits = raw[:, :17].astype(np.int64) - ord("0")
    y, m, d = (_digits_value(digits[:, a:b]) for a, b in ((6, 10), (10, 12), (12, 14)))
    born_ok = real_date(y, m, d) & (y * 10000 + m * 100 + d <= _as_of_int(as_of))
    region_ok = _PROVINCES[_digits_value(digits[:, :2])]
    check_ok = _ID_CHECK[(digits @ _ID_WEIGHTS) % 11] == raw[:, 17]

    # Later assignments win: the most specific reason is written last.
    found = np.full(len(raw), None, dtype=object)
    found[~check_ok] = "id_checksum"
    found[~born_ok] = "id_birth_date"
    found[~region_ok] = "id_region"
    reasons[is18] = found
    return _result(reasons, s)


def credit_check_char(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters of a code."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code(s: pd.Series) -> pd.Series:
    """Unified social credit code (GB 32100-2015) → ``credit_format``,
    ``credit_checksum`` or None."""
    arr = _arrow(s)
    reasons = np.full(len(arr), None, dtype=object)
    present = _true(pc.is_valid(arr))
    well_formed = _true(pc.match_substring_regex(arr, "^[0-9A-HJ-NP-RTUW-Y]{18}$"))
    reasons[present & ~well_formed] = "credit_format"

    values = _CREDIT_VALUE[_fixed_width(arr.filter(pa.array(well_formed)), 18)]
    expected = (31 - (values[:, :17] @ np.array(CREDIT_WEIGHTS)) % 31) % 31
    found = np.full(len(values), None, dtype=object)
    found[expected != values[:, 17]] = "credit_checksum"
    reasons[well_formed] = found
    return _result(reasons, s)


def plate(s: pd.Series) -> pd.Series:
    """Motor-vehicle plate (京A12345, 粤B·D12345, 沪A1234挂) → ``plate_format`` or None."""
    return _pattern(s, _PLATE, "plate_format")


def vin(s: pd.Series) -> pd.Series:
    """17-character VIN without I, O, Q → ``vin_format`` or None. The
    North-American check digit (position 9) is not checked: Chinese VINs
    need not carry it."""
    return _pattern(s, _VIN, "vin_format")


def phone(s: pd.Series) -> pd.Series:
    """Mobile (``1[3-9]`` + 9 digits, country code already dropped by
    ``normalise.phone``) or landline with area code → ``phone_format`` or None."""
    return _pattern(s, _PHONE, "phone_format")


def not_future(s_iso: pd.Series, as_of: _dt.date) -> pd.Series:
    """ISO dates after ``as_of`` → ``date_future`` (a death, grant or purchase
    cannot postdate the extract)."""
    arr = _arrow(s_iso)
    late = _true(pc.greater(arr, pa.scalar(as_of.isoformat()[:10], pa.large_string())))
    reasons = np.full(len(arr), None, dtype=object)
    reasons[late] = "date_future"
    return _result(reasons, s_iso)


def interval(start_iso: pd.Series, end_iso: pd.Series) -> pd.Series:
    """``interval_reversed`` where both ends are known and the end is before the
    start. Open ends (NA) are valid: a running grant has no end yet."""
    if len(start_iso) != len(end_iso):
        raise ValueError("start and end must come from the same chunk (same length)")
    reversed_ = _true(pc.less(_arrow(end_iso), _arrow(start_iso)))
    reasons = np.full(len(start_iso), None, dtype=object)
    reasons[reversed_] = "interval_reversed"
    return _result(reasons, start_iso)


MASK_MAX = 64


def mask(value: str) -> str:
    """A value as it may appear in a reject file: values longer than 14
    characters keep the first 4 and last 4 (5224**********123X), 7–14
    characters the first 3 and last 2 (138******00: less than half a phone
    number), shorter ones the first and last, and 1–2 character values are
    all stars, so a reject file never holds a whole ID, phone or account.
    Masks are at most MASK_MAX characters: a 10 MB cell must not make a
    10 MB reject line."""
    if value is None or value is pd.NA:
        return value
    value = str(value)
    n = len(value)
    if n > 14:
        return value[:4] + "*" * (min(n, MASK_MAX) - 8) + value[-4:]
    if n > 6:
        return value[:3] + "*" * (n - 5) + value[-2:]
    if n > 2:
        return value[0] + "*" * (n - 2) + value[-1]
    return "*" * n
