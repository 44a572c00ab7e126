"""Periods of a series: days, weeks (starting on Monday) and months, as ISO dates."""

from __future__ import annotations

import datetime as dt

from ..errors import IndexQueryError, value_invalid_msg

BY = ("day", "week", "month")


def parse_day(value: str, name: str) -> dt.date:
    """``value`` (YYYY-MM-DD, or a longer ISO timestamp) as a date; ``name`` for the error."""
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise IndexQueryError(f"{name} {value!r} is not a date (expected YYYY-MM-DD)") from None


def check_by(by: str) -> str:
    """``by`` if it is a known period length, else :class:`IndexQueryError`."""
    if by not in BY:
        raise IndexQueryError(value_invalid_msg("--by", by, BY))
    return by


def period_start(day: dt.date, by: str) -> dt.date:
    """The first day of the period holding ``day``."""
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def next_start(start: dt.date, by: str) -> dt.date:
    """The first day of the period after the one starting on ``start``."""
    if by == "week":
        return start + dt.timedelta(days=7)
    if by == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=1)


def period_end(start: dt.date, by: str) -> dt.date:
    """The last day of the period starting on ``start`` (an alert's as-of date)."""
    return next_start(start, by) - dt.timedelta(days=1)


MAX_PERIODS = 20_000
"""The most periods one series may hold (55 years by day): a wider range is an error, not a
request that runs for minutes (``--since 0783-05-13 --by day``)."""
_DAYS = {"day": 1, "week": 7, "month": 28}


def periods(since: dt.date, until: dt.date, by: str) -> list[dt.date]:
    """Every period start from the one holding ``since`` to the one holding ``until``.

    More than :data:`MAX_PERIODS` is :class:`IndexQueryError`.
    """
    if (until - since).days // _DAYS[by] >= MAX_PERIODS:
        raise IndexQueryError(
            f"{since} to {until} by {by} is more than {MAX_PERIODS:,} periods: narrow --since "
            f"and --until, or use a longer --by")
    out = []
    current = period_start(since, by)
    while current <= until:
        out.append(current)
        current = next_start(current, by)
    return out


def sql_period(column: str, by: str) -> str:
    """An SQLite expression for the start of the period of the YYYY-MM-DD ``column``."""
    if by == "week":
        return f"date({column}, '-' || ((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7) " \
               "|| ' days')"
    if by == "month":
        return f"strftime('%Y-%m-01', {column})"
    return column
