"""Calendar of the synthetic county: day numbers, the data's "today", formats.

Dates are int64 day numbers since 1970-01-01 so that interval overlap
(grant x ownership x term) is plain integer comparison over numpy arrays.
NONE is a day far in the future: an open interval end compares as "not yet".
"""
from __future__ import annotations

from datetime import date

import numpy as np

NONE = 10_000_000  # ~ year 29 000: an open end or "never happened"

# Month 1 of the data is October 2026; month m is m-1 months later. The wall
# clock never enters, so the same arguments always give the same bytes.
FIRST_MONTH = (2026, 10)
MAX_MONTH = 12


def day(y: int, m: int = 1, d: int = 1) -> int:
    return int(np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D").astype(np.int64))


def month_index(days):
    """Months since 0000-01 (y*12+m-1), vectorised."""
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return dt.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def month_first_day(mi):
    mi = np.asarray(mi, dtype=np.int64) - 1970 * 12
    return mi.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def month_last_day(mi):
    return month_first_day(np.asarray(mi) + 1) - 1


def as_of(month: int) -> int:
    """The last day covered by the extracts of data month `month` (1-based)."""
    if not 1 <= month <= MAX_MONTH:
        raise ValueError(f"month must be 1..{MAX_MONTH}")
    y, m = FIRST_MONTH
    mi = y * 12 + (m - 1) + (month - 1)
    return int(month_last_day(mi))


BASE = as_of(1)          # the world is built as of month 1
HORIZON = as_of(MAX_MONTH)  # events drawn up to here appear in later months


def ymd(days):
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    y = dt.astype("datetime64[Y]").astype(np.int64) + 1970
    m = dt.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (dt - dt.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, d


def years(n: float) -> int:
    return int(round(n * 365.2425))


def iso(days) -> list[str]:
    """ISO strings; NONE becomes ''."""
    days = np.asarray(days, dtype=np.int64)
    out = np.datetime_as_string(np.where(days >= NONE, 0, days).astype("datetime64[D]"))
    out = out.astype(object)
    out[days >= NONE] = ""
    return list(out)


def iso1(d: int) -> str:
    return "" if d >= NONE else str(np.datetime64(int(d), "D"))


def age_on(birth, when):
    """Completed years of age on `when` (vectorised)."""
    if isinstance(birth, _SCALARS) and isinstance(when, _SCALARS):
        # One person on one day (planters ask this hundreds of thousands of
        # times): the calendar in plain Python, several times faster.
        years = age_of(int(birth), int(when))
        if years is not None:
            return np.int64(years)
    by, bm, bd = ymd(birth)
    wy, wm, wd = ymd(when)
    before = (wm < bm) | ((wm == bm) & (wd < bd))
    return wy - by - before.astype(np.int64)


_EPOCH = date(1970, 1, 1).toordinal()
_SCALARS = (int, np.integer)


def age_of(birth: int, when: int) -> int | None:
    """`age_on` for one birth day and one day, as a Python int (None when a
    day lies outside the years 1..9999 that `datetime.date` knows)."""
    try:
        b, w = date.fromordinal(_EPOCH + birth), date.fromordinal(_EPOCH + when)
    except (ValueError, OverflowError):
        return None
    return w.year - b.year - ((w.month, w.day) < (b.month, b.day))


# Date styles met in real extracts. Each extract has a dominant style and
# a minority of rows in the others, as when several clerks fill one sheet.
STYLES = ("iso", "slash", "cn", "compact")


def format_days(days, styles) -> list[str]:
    """Format day numbers, one style per row; NONE → ''."""
    days = np.asarray(days, dtype=np.int64)
    y, m, d = ymd(np.where(days >= NONE, 0, days))
    out = []
    for yy, mm, dd, st, dn in zip(y.tolist(), m.tolist(), d.tolist(), styles, days.tolist()):
        if dn >= NONE:
            out.append("")
        elif st == "iso":
            out.append(f"{yy:04d}-{mm:02d}-{dd:02d}")
        elif st == "slash":
            out.append(f"{yy}/{mm}/{dd}")
        elif st == "cn":
            out.append(f"{yy}年{mm}月{dd}日")
        else:
            out.append(f"{yy:04d}{mm:02d}{dd:02d}")
    return out


def format_months(mis, styles) -> list[str]:
    """Format month indices (y*12+m-1): 2024-01, 2024/1, 2024年1月, 202401; a negative index → ''."""
    out = []
    for mi, st in zip(np.asarray(mis, dtype=np.int64).tolist(), styles):
        if mi < 0:
            out.append("")
            continue
        yy, mm = divmod(mi, 12)
        mm += 1
        if st == "iso":
            out.append(f"{yy:04d}-{mm:02d}")
        elif st == "slash":
            out.append(f"{yy}/{mm}")
        elif st == "cn":
            out.append(f"{yy}年{mm}月")
        else:
            out.append(f"{yy:04d}{mm:02d}")
    return out
