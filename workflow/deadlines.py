"""The one function that turns a step's start and time standard into its deadline.

This version counts calendar time for menit, jam and hari, and skips Saturdays and Sundays for
hari kerja (in the body's time zone). The working calendar with office hours and holidays
replaces the body of `compute_due` later; callers do not change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workflow.models import TimeUnit

UNIT_SECONDS = {
    TimeUnit.MENIT: 60,
    TimeUnit.JAM: 3600,
    TimeUnit.HARI: 86400,
}


def compute_due(start: datetime, amount: int, unit: str, tz_name: str) -> datetime:
    unit = TimeUnit(unit)
    if unit in UNIT_SECONDS:
        return start + timedelta(seconds=amount * UNIT_SECONDS[unit])
    local = start.astimezone(ZoneInfo(tz_name))
    remaining = amount
    while remaining > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            remaining -= 1
    return local
