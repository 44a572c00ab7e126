"""Publication dates to ISO 8601."""

from __future__ import annotations

import re
import time
from datetime import date, datetime

from dateutil import parser as dateparser

_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


def parse_date(value: str | None) -> str | None:
    """``value`` as an ISO 8601 date or date-time, or ``None`` if it is not a full date.

    A full date has a four-digit year plus month and day; the whole string must
    be a date (``"Troops moved in May 2024"`` is not one).
    """
    if not value or not _YEAR.search(value):
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    sentinels = (datetime(1900, 1, 1), datetime(1904, 2, 2))
    try:
        parsed = [dateparser.parse(value, default=d) for d in sentinels]
    except (ValueError, OverflowError):
        return None
    if parsed[0].date() != parsed[1].date():  # month or day was missing
        return None
    stamp = parsed[0]
    if stamp.hour == stamp.minute == stamp.second == 0 and ":" not in value:
        return str(stamp.date().isoformat())
    return str(stamp.isoformat())


def from_struct(value: time.struct_time | None) -> str | None:
    """feedparser's ``*_parsed`` tuples (UTC) to ISO 8601."""
    if value is None:
        return None
    return datetime(*value[:6]).isoformat() + "+00:00"


def from_date(value: date | None) -> str | None:
    return value.isoformat() if value else None
