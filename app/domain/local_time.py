"""Dates and times as the cities read them: in Germany's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def today() -> dt.date:
    """Today's date in Germany (a download at 00:30 carries the new day)."""
    return dt.datetime.now(BERLIN).date()


def local_time(moment: dt.datetime | None) -> str | None:
    """A moment as a council reads it: date and time in Germany ("06.12.2026, 04:11")."""
    if moment is None:
        return None
    return moment.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M")
