"""Turn messy agency cells into canonical values, a whole pandas chunk at a time.

Every function takes a ``pd.Series`` (object, ``str`` or ``string`` dtype; Excel
readers may also hand over datetimes and numbers) and returns results aligned
on the same index. Nothing here raises on bad data: parsers return the value
(NA where unusable) together with a boolean ``bad`` / ``unknown`` Series so the
loader can write a reject row with a reason instead of losing the chunk.

Conventions
- Text results have dtype ``string[pyarrow]`` (``pd.StringDtype("pyarrow")``)
  whatever the input dtype, so pandas 2 and 3 behave the same; absent is
  ``pd.NA``, never ``""`` (the graph engines cannot index an empty string and a
  blank cell means "not known", not "known to be empty").
- Flags are plain ``bool`` Series; they are False for blank cells, because
  whether a blank is allowed is the mapping file's business, not the parser's.

The work is done with pyarrow compute kernels (RE2 regexes) so a 50 000-row
chunk costs milliseconds. Patterns therefore avoid look-around and
backreferences, and spell character classes out (RE2's ``\\d``/``\\s`` are ASCII
only, Python's are Unicode: spelling them out keeps one meaning everywhere).
"""
from __future__ import annotations

import datetime as _dt
import math
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

STRING = pd.StringDtype("pyarrow")
_EMPTY = pa.scalar("", pa.large_string())

# Invisible characters that survive NFKC and break joins on IDs and names:
# zero-width space/joiners, word joiner, BOM (Excel's UTF-8 CSV export puts one
# in the first cell), soft hyphen, Mongolian vowel separator, and C0 controls
# other than whitespace (stray \x00 / \x1a from old exporters).
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\x00-\x08\x0e-\x1f\x7f]"
# Every whitespace Python's str.isspace() knows; NFKC already folds most of
# these to U+0020, the rest (line separators, tabs, NEL) are listed here.
_SPACE = "[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
# A character outside ASCII, the middle dot and the CJK Unified Ideographs
# block. NFKC maps none of those, and none of them composes with its
# neighbour (what follows a letter and could compose with it, a combining
# mark or a Hangul vowel, is outside them), so a cell without such a
# character is NFKC already.
_NOT_NFKC_STABLE = "[^\x00-\x7f\u00b7\u4e00-\u9fff]"
# Anything but printable ASCII other than the space.
_NOT_PLAIN = "[^\x21-\x7e]"
_DASHES = "[-\u2010-\u2015\u2212\ufe58\ufe63]"
# Dots typists use for the middle dot of minority names (阿依古丽·买买提);
# the canonical U+00B7 itself is left out so a second pass only sees leftovers.
_NAME_DOTS = "[.\u2022\u30fb\u2027\u2219\u22c5\uff65\u0387]"


# ---------------------------------------------------------------- plumbing

def _cell_to_str(v: object) -> str | None:
    """One non-string cell (from an Excel reader) as the text a person typed."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, str):
        # Lone surrogates (a file decoded with errors="surrogateescape") cannot
        # enter Arrow; show them as U+FFFD rather than fail the chunk.
        return v.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return None
        # Excel stores 20200105 or a phone number as a float; "20200105.0"
        # would then fail every parser downstream.
        if math.isfinite(v) and float(v).is_integer():
            return str(int(v))
        return repr(float(v))
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else _cell_to_str(pd.Timestamp(v))
    if isinstance(v, _dt.datetime):
        if (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0):
            return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
        return v.isoformat(sep=" ")
    if isinstance(v, _dt.date):
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return str(v)


def _arrow(s: pd.Series) -> pa.Array:
    """The Series as one pyarrow large_string array, nulls for every NA flavour."""
    dtype = s.dtype
    arrow_text = isinstance(dtype, pd.ArrowDtype) and (
        pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype))
    if isinstance(dtype, pd.StringDtype) or arrow_text:
        arr = pa.array(s.array)
    else:
        values = s.to_numpy(dtype=object, na_value=None)
        try:
            arr = pa.array(values, type=pa.large_string(), from_pandas=True)
        except (pa.ArrowTypeError, pa.ArrowInvalid, UnicodeEncodeError):
            arr = pa.array([_cell_to_str(v) for v in values], type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], pa.large_string())
    return arr.cast(pa.large_string())


def _series(arr: pa.Array, like: pd.Series) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(arr.cast(pa.large_string())),
                     index=like.index, name=like.name, dtype=STRING)


def _flags(mask: pa.Array | np.ndarray, like: pd.Series) -> pd.Series:
    if isinstance(mask, (pa.Array, pa.ChunkedArray)):
        mask = mask.to_numpy(zero_copy_only=False)
    return pd.Series(np.asarray(mask, dtype=bool), index=like.index, name=like.name)


def _true(mask: pa.Array) -> np.ndarray:
    """A pyarrow boolean array as numpy, null counted as False."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def _nfkc(arr: pa.Array) -> pa.Array:
    # pyarrow's utf8_normalize skips canonical composition (gives e + U+0301,
    # splits Hangul), so NFKC goes through unicodedata - but only for the
    # cells it may change: most hold only ASCII and common Han characters.
    unstable = _true(pc.match_substring_regex(arr, _NOT_NFKC_STABLE))
    if not unstable.any():
        return arr
    changed = arr.filter(pa.array(unstable))
    fixed = [unicodedata.normalize("NFKC", v) for v in changed.to_pylist()]
    return pc.replace_with_mask(arr, pa.array(unstable), pa.array(fixed, pa.large_string()))


def _blank_to_null(arr: pa.Array) -> pa.Array:
    empty = pc.equal(pc.binary_length(arr), 0)
    return pc.if_else(empty, pa.scalar(None, pa.large_string()), arr)


def _text(arr: pa.Array) -> pa.Array:
    # Codes, IDs and dates are mostly printable ASCII without spaces, which
    # every step below leaves as it is; one scan proves it for a column.
    if not pc.any(pc.match_substring_regex(arr, _NOT_PLAIN)).as_py():
        return _blank_to_null(arr)
    # Invisible characters are rare in extracts, and on the 300 k register
    # matching took 10-20 ms a column where replacing took 15-55 ms.
    if pc.any(pc.match_substring_regex(arr, _INVISIBLE)).as_py():
        arr = pc.replace_substring_regex(arr, _INVISIBLE, "")
    arr = _nfkc(arr)
    arr = pc.replace_substring_regex(arr, _SPACE + "+", " ")
    arr = pc.utf8_trim(arr, " ")
    return _blank_to_null(arr)


# ---------------------------------------------------------------- text-like

def text(s: pd.Series) -> pd.Series:
    """NFKC (full-width → half-width), invisible characters removed, whitespace
    trimmed and collapsed to single spaces; blank → NA."""
    return _series(_text(_arrow(s)), s)


def name(s: pd.Series) -> pd.Series:
    """A person's or organisation's name: ``text`` without any inner spaces
    ("张 三" → "张三"), with middle-dot look-alikes between Han characters
    made U+00B7 ("阿依古丽•买买提" → "阿依古丽·买买提")."""
    arr = pc.replace_substring(_text(_arrow(s)), " ", "")
    # Non-overlapping matches consume the Han on both sides, so single-char
    # segments (A•B•C) need a second pass for the dots skipped by the first.
    for _ in range(2):
        arr = pc.replace_substring_regex(arr, r"(\p{Han})" + _NAME_DOTS + r"(\p{Han})", "\\1·\\2")
    return _series(_blank_to_null(arr), s)


def _identifier(arr: pa.Array) -> pa.Array:
    arr = pc.replace_substring_regex(_text(arr), "[ ]|" + _DASHES, "")
    return _blank_to_null(pc.utf8_upper(arr))


def identifier(s: pd.Series) -> pd.Series:
    """Citizen IDs, credit codes, VINs, plates, account numbers: ``text``, no
    spaces or hyphens, upper case (the ID check "x" → "X"; a plate's province
    character is kept)."""
    return _series(_identifier(_arrow(s)), s)


def phone(s: pd.Series) -> pd.Series:
    """Phone numbers as digits: ``identifier`` minus brackets, and the country
    code (+86, 0086, 86) dropped in front of an 11-digit mobile number, so the
    same phone links across agencies whichever way it was typed."""
    arr = pc.replace_substring_regex(_identifier(_arrow(s)), r"[()]", "")
    arr = pc.replace_substring_regex(arr, r"^(?:\+86|0086|86)(1[0-9]{10})$", "\\1")
    return _series(_blank_to_null(arr), s)


def formula_like(s: pd.Series, *, cleaned: bool = False) -> pd.Series:
    """True where a cell would run as a spreadsheet formula if written back to
    Excel (CSV injection: ``=cmd|' /C calc'!A0``, ``@SUM(1)``). Signed numbers,
    negative amounts and ``+86 138 ...`` phone numbers are not formula-like.
    `cleaned`: the cells are ``text`` or ``name`` output already, so they are
    not cleaned again (a fifth of a text column's cost)."""
    arr = _arrow(s) if cleaned else _text(_arrow(s))
    starts = _true(pc.match_substring_regex(arr, r"^[=+\-@]."))
    plain = _true(pc.match_substring_regex(
        arr, r"^[=+\-@] ?[0-9.(][0-9 ,.()\-]*(?:[eE][+-]?[0-9]+)?$"))
    return _flags(starts & ~plain, s)


# ---------------------------------------------------------------- dates

# One pattern for every date shape seen in extracts: 2020/1/5, 2020-01-05,
# 2020.1.5, 2020年1月5日, 20200105, each optionally followed by a time
# (Excel's "2020-01-05 00:00:00", ISO "T...Z" or "+08:00"), which is dropped.
_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.][0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
_DATE = (r"^(?P<y>[0-9]{4}) ?(?:[-/.年] ?(?P<m>[0-9]{1,2}) ?[-/.月] ?(?P<d>[0-9]{1,2}) ?日?"
         r"|(?P<m8>[0-9]{2})(?P<d8>[0-9]{2}))" + _TIME + "$")
_MONTH = r"^(?P<y>[0-9]{4}) ?(?:[-/.年] ?(?P<m>[0-9]{1,2}) ?月?|(?P<m6>[0-9]{2}))$"

_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def real_date(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """True where (y, m, d) is a calendar date between 1900-01-01 and 2100-12-31.
    Integer arrays; shared with the citizen-ID birth-date check."""
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    ok_month = (m >= 1) & (m <= 12)
    dim = _DAYS_IN_MONTH[np.where(ok_month, m, 0)] + (leap & (m == 2))
    return (y >= 1900) & (y <= 2100) & ok_month & (d >= 1) & (d <= dim)


def _days_since_epoch(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    # Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
    # calendar and branch-free, so it vectorises.
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _ints(*parts: pa.Array) -> np.ndarray:
    """Concatenated digit groups (one of them is empty) as int64, 0 where null."""
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, _EMPTY)
    joined = pc.if_else(pc.equal(joined, ""), pa.scalar(None, joined.type), joined)
    return pc.fill_null(pc.cast(joined, pa.int64()), 0).to_numpy(zero_copy_only=False)


def _date_input(s: pd.Series) -> pa.Array:
    if s.dtype.kind == "M" or isinstance(s.dtype, pd.DatetimeTZDtype):
        return _arrow(s.dt.strftime("%Y-%m-%d"))
    return _text(_arrow(s))


def _parse_date(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    parts = pc.extract_regex(arr, _DATE)
    field = lambda k: pc.struct_field(parts, k)  # noqa: E731
    y = _ints(field("y"))
    m = _ints(field("m"), field("m8"))
    d = _ints(field("d"), field("d8"))
    ok = real_date(y, m, d)
    days = pa.array(_days_since_epoch(y, m, d).astype(np.int32), pa.int32(), mask=~ok)
    return pc.cast(days.cast(pa.date32()), pa.large_string()), ok


def date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Any of the extracts' date shapes (or datetime/date/Timestamp cells) →
    (ISO ``YYYY-MM-DD`` or NA, ``bad``). Impossible dates (2021-02-30, month 13)
    and years outside 1900–2100 are bad and give NA: never rolled over."""
    arr = _date_input(s)
    iso, ok = _parse_date(arr)
    present = _true(pc.is_valid(arr))
    return _series(iso, s), _flags(present & ~ok, s)


def month(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A month (2020-01, 2020/1, 202001, 2020年1月) or any full ``date`` →
    (``YYYY-MM`` or NA, ``bad``)."""
    arr = _date_input(s)
    parts = pc.extract_regex(arr, _MONTH)
    y = _ints(pc.struct_field(parts, "y"))
    m = _ints(pc.struct_field(parts, "m"), pc.struct_field(parts, "m6"))
    ok = real_date(y, m, np.ones_like(m))
    days = pa.array(_days_since_epoch(y, m, np.ones_like(m)).astype(np.int32), pa.int32(), mask=~ok)
    from_month = pc.cast(days.cast(pa.date32()), pa.large_string())
    from_date, _ = _parse_date(arr)
    result = pc.utf8_slice_codeunits(pc.coalesce(from_month, from_date), 0, 7)
    present = _true(pc.is_valid(arr))
    return _series(result, s), _flags(present & _true(pc.is_null(result)), s)


# ---------------------------------------------------------------- numbers

# Amounts as typed: thousands commas (removed first), a sign, accounting
# brackets for negatives, ¥ (NFKC of ￥) / RMB / CNY / 人民币 in front, 元 / 元整
# / 圆 / RMB / CNY behind, a scale the cell states itself (1.2万, 3亿元) or a
# percent sign (60% → 0.6). A cell that states its unit is read in it; a bare
# number is in the unit the mapping declares for its column (`unit`), so an
# amount is never scaled twice.
_NUMBER = (r"^(?P<open>[(]?)(?P<s1>[+-]?)(?P<cur>¥|RMB|CNY|人民币)?(?P<s2>[+-]?)"
           r"(?P<num>(?:[0-9]+[.]?[0-9]*|[.][0-9]+)(?:[eE][+-]?[0-9]+)?)"
           r"(?:(?P<pct>%)|(?P<scale>万|亿)?(?P<yuan>元整|元|圆|RMB|CNY)?)(?P<close>[)]?)$")
_SCALES = {"万": 1e4, "亿": 1e8}
# A column's declared unit: the factor a bare number is multiplied by.
UNIT_FACTORS = {None: 1.0, "元": 1.0, "万元": 1e4}


def number(s: pd.Series, unit: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Amounts and counts (``1,234.50``, ``￥1234``, ``1234元``, ``(12.00)`` for
    a negative, ``1.2万``, ``60%``) → (float64, NaN where absent or bad; ``bad``).
    A cell that states its unit (¥, 元, 万, 亿, %) is read in it.

    `unit` is the unit a bare number in the column is written in: ``万元``
    multiplies it by 10 000; ``%`` reads 60 as 0.6 and leaves a fraction (0.6,
    or 1 for a whole share) as it is."""
    arr = _text(_arrow(s))
    parts = pc.extract_regex(pc.replace_substring_regex(arr, "[ ,]", ""), _NUMBER)
    field = lambda k: pc.fill_null(pc.struct_field(parts, k), "")  # noqa: E731
    is_ = lambda k, v: _true(pc.equal(field(k), v))  # noqa: E731
    bracketed, closed = is_("open", "("), is_("close", ")")
    signs = (pc.binary_length(field("s1")).to_numpy(zero_copy_only=False)
             + pc.binary_length(field("s2")).to_numpy(zero_copy_only=False))
    # One sign at most, and never together with accounting brackets: "+-3"
    # and "(-3)" are typing accidents whose meaning nobody can vouch for.
    ok = (_true(pc.is_valid(parts)) & (bracketed == closed)
          & ((signs == 0) | ((signs == 1) & ~bracketed)))
    negative = bracketed | is_("s1", "-") | is_("s2", "-")
    digits = pc.if_else(pa.array(ok), field("num"), pa.scalar(None, pa.large_string()))
    magnitude = pc.fill_null(pc.cast(digits, pa.float64()), np.nan).to_numpy(zero_copy_only=False)
    percent, scale = is_("pct", "%"), field("scale")
    # ¥12, 12元 and 1.2万 say their unit; only a bare number takes the column's.
    stated = percent | _true(pc.greater(pc.binary_length(pc.binary_join_element_wise(
        field("cur"), scale, field("yuan"), _EMPTY)), 0))
    if stated.any() or unit is not None:
        magnitude = _scaled(magnitude, percent, scale, stated, unit)
    out = pd.Series(np.where(negative, -magnitude, magnitude), index=s.index, name=s.name, dtype="float64")
    present = _true(pc.is_valid(arr))
    return out, _flags(present & ~ok, s)


def _scaled(magnitude: np.ndarray, percent: np.ndarray, scale: pa.Array, stated: np.ndarray,
            unit: str | None) -> np.ndarray:
    factor = np.ones(len(magnitude))
    for word, times in _SCALES.items():
        factor[_true(pc.equal(scale, word))] = times
    factor[percent] = 0.01
    if unit == "%":
        # A share written 0-1 is already a fraction; one written 0-100 is not.
        factor[~stated & (magnitude > 1)] = 0.01
    else:
        factor[~stated] = UNIT_FACTORS[unit]
    out = magnitude * factor
    # 1.23 × 10 000 is 12300.000000000002 in binary: round scaled values to
    # well below a fen, and divide for percents (60 / 100 is exactly 0.6).
    out = np.where(factor > 1, np.round(out, 6), out)
    return np.where(factor == 0.01, magnitude / 100, out)


# ---------------------------------------------------------------- code tables

def _strip_zeros(key: str) -> str:
    return key.lstrip("0") or "0"


def mapped(s: pd.Series, table: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Code-table lookup (性别 1/2, 民族 01..56, relation codes ...) →
    (canonical value or NA, ``unknown``). A cell matches a key as written,
    then with leading zeros ignored on both sides ("1" ≡ "01"); a cell that
    already holds one of the table's values is accepted as itself."""
    arr = _text(_arrow(s))
    # Keys get the same cleaning as cells, so a table typed with full-width
    # digits or stray spaces still matches.
    keys = _text(pa.array([_cell_to_str(k) for k in table], pa.large_string())).to_pylist()
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for key, value in zip(keys, table.values()):
        if key is not None:
            exact.setdefault(key, value)
            loose.setdefault(_strip_zeros(key), value)
    canonical = set(table.values())

    def look(v: str) -> str | None:
        if v in exact:
            return exact[v]
        if v.isdigit() and _strip_zeros(v) in loose:
            return loose[_strip_zeros(v)]
        return v if v in canonical else None

    # Code columns hold a handful of distinct values: look each up once.
    uniques = pc.drop_null(pc.unique(arr))
    found = pa.array([look(v) for v in uniques.to_pylist()], type=pa.large_string())
    result = pc.take(found, pc.index_in(arr, value_set=uniques))
    present = _true(pc.is_valid(arr))
    return _series(result, s), _flags(present & _true(pc.is_null(result)), s)
