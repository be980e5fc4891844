"""Times as users read them: Beijing time (UTC+8, no daylight saving).

Stored times stay UTC ISO strings; every view, report and export shows
them through `shown()`: `2026-12-03 21:05 (北京时间)`.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "北京时间")
SUFFIX = "(北京时间)"


def to_beijing(value: datetime | str | None) -> datetime | None:
    """An aware or UTC-naive datetime, or its ISO text, in Beijing time."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:      # stored times without a zone are UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(BEIJING)


def shown(value: datetime | str | None, seconds: bool = False, suffix: bool = True) -> str:
    """`2026-12-03 21:05 (北京时间)`; a bare date stays a date; text that is no time is returned as is."""
    if value is None or value == "":
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and len(value.strip()) == 10:   # YYYY-MM-DD: a date, no zone to convert
        return value.strip()
    bj = to_beijing(value)
    if bj is None:
        return str(value)
    text = bj.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return f"{text} {SUFFIX}" if suffix else text


def now_shown(seconds: bool = False) -> str:
    return shown(datetime.now(timezone.utc), seconds=seconds)
