"""The one function that turns a step's start and time standard into its deadline, the way an
Indonesian office counts it, with the explanation shown next to the deadline.

- `menit` and `jam` count office time only: a 15-minute step handed over at 16:25 on a Friday
  (office until 16:30) uses 5 minutes that day and 10 the next working day's morning.
- `hari kerja` ends at the close of office on the N-th working day after the day the step is
  received (a step received after closing time, or on a day off, counts from the next working
  day). So a 1-day step opened on Wednesday morning is due on Thursday at closing time.
- `hari` counts calendar days: the same local time N days later.

The reminder point is 80% of the same measure (office time, or calendar time for `hari`).
Times are computed as naive local wall-clock times in the body's zone (Indonesian zones have no
daylight saving) and returned aware.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ppid.calendar import WEEKDAY_NAMES, WorkCalendar
from workflow.models import TimeUnit

OFFICE_UNIT_SECONDS = {TimeUnit.MENIT: 60, TimeUnit.JAM: 3600}
REMINDER_SHARE = 0.8


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    remind_at: datetime
    skipped: tuple[tuple[date, str], ...]

    def explain(self, tz_name: str) -> str:
        """ "Selasa 2026-06-02 07:40; dilewati: Sabtu, Minggu, Hari Lahir Pancasila" """
        local = self.due_at.astimezone(WorkCalendar(tz_name=tz_name).tz)
        text = f"{WEEKDAY_NAMES[local.weekday()]} {local:%Y-%m-%d %H:%M}"
        if self.skipped:
            text += "; dilewati: " + ", ".join(name for _, name in self.skipped)
        return text[:500]


def _office_start_at_or_after(cal: WorkCalendar, moment: datetime) -> datetime:
    """The first moment of office time at or after `moment` (naive local)."""
    span = cal.office_span(moment.date())
    if span and moment < span[1]:
        return max(moment, span[0])
    return cal.office_span(cal.next_working_day(moment.date()))[0]


def add_office_seconds(cal: WorkCalendar, start: datetime, seconds: int) -> datetime:
    """`start` (naive local) plus `seconds` of office time. With seconds > 0 the result is
    always inside office hours (the end of the day included)."""
    moment = _office_start_at_or_after(cal, start)
    remaining = seconds
    while True:
        end = cal.office_span(moment.date())[1]
        available = int((end - moment).total_seconds())
        if remaining <= available:
            return moment + timedelta(seconds=remaining)
        remaining -= available
        moment = cal.office_span(cal.next_working_day(moment.date()))[0]


def office_seconds_between(cal: WorkCalendar, start: datetime, end: datetime) -> int:
    total = 0
    day = start.date()
    while day <= end.date():
        span = cal.office_span(day)
        if span:
            lo, hi = max(span[0], start), min(span[1], end)
            if hi > lo:
                total += int((hi - lo).total_seconds())
        day += timedelta(days=1)
    return total


def _received_day(cal: WorkCalendar, start: datetime) -> date:
    span = cal.office_span(start.date())
    if span and start <= span[1]:
        return start.date()
    return cal.next_working_day(start.date())


def add_working_days(cal: WorkCalendar, start: datetime, days: int) -> datetime:
    """Closing time of the `days`-th working day after the day `start` is received."""
    day = _received_day(cal, start)
    for _ in range(days):
        day = cal.next_working_day(day)
    return cal.office_span(day)[1]


def _skipped_days(cal: WorkCalendar, start: datetime, due: datetime) -> tuple[tuple[date, str]]:
    skipped = []
    day = start.date()
    while day < due.date():
        if not cal.is_working_day(day):
            skipped.append((day, cal.why_not_working(day)))
        day += timedelta(days=1)
    return tuple(skipped)


def compute_deadline(start: datetime, amount: int, unit: str, cal: WorkCalendar) -> Deadline:
    """The deadline of a step started at `start` (aware) with the standard `amount` `unit`."""
    unit = TimeUnit(unit)
    tz = cal.tz
    local = start.astimezone(tz).replace(tzinfo=None)
    if unit == TimeUnit.HARI:
        due = local + timedelta(days=amount)
        remind = local + (due - local) * REMINDER_SHARE
        skipped: tuple = ()
    else:
        if unit in OFFICE_UNIT_SECONDS:
            due = add_office_seconds(cal, local, amount * OFFICE_UNIT_SECONDS[unit])
        else:
            due = add_working_days(cal, local, amount)
        office = office_seconds_between(cal, local, due)
        remind = add_office_seconds(cal, local, round(office * REMINDER_SHARE))
        skipped = _skipped_days(cal, local, due)
    return Deadline(
        due_at=due.replace(tzinfo=tz),
        remind_at=min(remind, due).replace(tzinfo=tz),
        skipped=skipped,
    )
