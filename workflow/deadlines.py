"""The one function that turns a step's start and time standard into its deadline, the way an
Indonesian office counts it, with the explanation shown next to the deadline.

- `menit` and `jam` count office time only: a 15-minute step handed over at 16:25 on a Friday
  (office until 16:30) uses 5 minutes that day and 10 the next working day's morning.
- `hari` and `hari kerja` are office days, counted the same way (the two words are kept apart
  only so that each SOP keeps its own wording): the deadline is the close of office on the
  N-th working day after the day the step is received (a step received after closing time, or
  on a day off, counts from the next working day). So a 1-day step opened on Wednesday morning
  is due on Thursday at closing time, and one opened on Saturday evening on Tuesday.
- `hari kalender`, the rare standard that really runs on calendar days: the same local time N
  days later, weekends and holidays included.

The reminder point is 80% of the same measure (office time, or calendar time for `hari
kalender`). The explanation names each day the count skipped and why ("Sabtu 2026-12-05,
Minggu 2026-12-06 (akhir pekan); Jumat 2026-12-25 (Hari Raya Natal)").
Times are computed as naive local wall-clock times in the body's zone (Indonesian zones have no
daylight saving) and returned aware.

For a body rather than a calendar: `working_days_after` (the law's limits on requests and
objections, N working days by the body's calendar) and `when` (a moment as a notice writes it,
in the body's time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import formats

from ppid.calendar import WEEKDAY_NAMES, WorkCalendar, body_time, calendar_for_body
from ppid.models import Body
from workflow.models import TimeUnit

OFFICE_UNIT_SECONDS = {TimeUnit.MENIT: 60, TimeUnit.JAM: 3600}
# "Hari" in an SOP is an office day, like "hari kerja"; only "hari kalender" runs on calendar days.
WORKING_DAY_UNITS = frozenset({TimeUnit.HARI, TimeUnit.HARI_KERJA})
CALENDAR_DAY_UNITS = frozenset({TimeUnit.HARI_KALENDER})
REMINDER_SHARE = 0.8
WEEKEND = "akhir pekan"
CALENDAR_DAYS_NOTE = "dihitung hari kalender"
EXPLANATION_MAX_LENGTH = 500


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    remind_at: datetime
    # Each day off the count went over, with why: (date, "akhir pekan" or the holiday's name).
    skipped: tuple[tuple[date, str], ...]
    calendar_days: bool = False

    def explain(self, tz_name: str) -> str:
        """ "Selasa 2026-06-02 07:40; dilewati: Sabtu 2026-05-30, Minggu 2026-05-31 (akhir
        pekan); Senin 2026-06-01 (Hari Lahir Pancasila)" """
        local = self.due_at.astimezone(WorkCalendar(tz_name=tz_name).tz)
        text = f"{_day_name(local.date())} {local:%H:%M}"
        if self.calendar_days:
            text += f"; {CALENDAR_DAYS_NOTE}"
        if self.skipped:
            text += "; dilewati: " + _skipped_text(
                self.skipped, EXPLANATION_MAX_LENGTH - len(text) - len("; dilewati: ")
            )
        return text[:EXPLANATION_MAX_LENGTH]


def _day_name(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day:%Y-%m-%d}"


def _skipped_groups(skipped: tuple[tuple[date, str], ...]) -> list[tuple[list[date], str]]:
    """Runs of consecutive days skipped for the same reason: a weekend, a holiday of 2 days."""
    groups: list[tuple[list[date], str]] = []
    for day, why in skipped:
        if groups and groups[-1][1] == why and groups[-1][0][-1] + timedelta(days=1) == day:
            groups[-1][0].append(day)
        else:
            groups.append(([day], why))
    return groups


def _skipped_text(skipped: tuple[tuple[date, str], ...], room: int) -> str:
    """ "Sabtu 2026-12-05, Minggu 2026-12-06 (akhir pekan); Jumat 2026-12-25 (Hari Raya Natal)";
    past `room` characters the rest is counted ("… dan 3 hari lain")."""
    parts: list[str] = []
    shown = 0
    for days, why in _skipped_groups(skipped):
        part = f"{', '.join(_day_name(day) for day in days)} ({why})"
        rest = len(skipped) - shown - len(days)
        tail = len(f"; … dan {rest} hari lain") if rest else 0
        if len("; ".join([*parts, part])) + tail > room:
            break
        parts.append(part)
        shown += len(days)
    text = "; ".join(parts)
    if shown < len(skipped):
        text += f"{'; ' if parts else ''}… dan {len(skipped) - shown} hari lain"
    return text


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


def skip_reason(cal: WorkCalendar, day: date) -> str:
    """Why the office is closed on `day`: "akhir pekan" on a weekday without office hours (even
    when a holiday falls on it), else the holiday's or local day off's name."""
    if day.isoweekday() not in cal.hours:
        return WEEKEND
    return cal.holiday_name(day) or WEEKEND


def _skipped_days(cal: WorkCalendar, start: datetime, due: datetime) -> tuple[tuple[date, str]]:
    skipped = []
    day = start.date()
    while day < due.date():
        if not cal.is_working_day(day):
            skipped.append((day, skip_reason(cal, day)))
        day += timedelta(days=1)
    return tuple(skipped)


def compute_deadline(start: datetime, amount: int, unit: str, cal: WorkCalendar) -> Deadline:
    """The deadline of a step started at `start` (aware) with the standard `amount` `unit`."""
    unit = TimeUnit(unit)
    tz = cal.tz
    local = start.astimezone(tz).replace(tzinfo=None)
    if unit in CALENDAR_DAY_UNITS:
        due = local + timedelta(days=amount)
        remind = local + (due - local) * REMINDER_SHARE
        skipped: tuple = ()
    else:
        if unit in WORKING_DAY_UNITS:
            due = add_working_days(cal, local, amount)
        else:
            due = add_office_seconds(cal, local, amount * OFFICE_UNIT_SECONDS[unit])
        office = office_seconds_between(cal, local, due)
        remind = add_office_seconds(cal, local, round(office * REMINDER_SHARE))
        skipped = _skipped_days(cal, local, due)
    return Deadline(
        due_at=due.replace(tzinfo=tz),
        remind_at=min(remind, due).replace(tzinfo=tz),
        skipped=skipped,
        calendar_days=unit in CALENDAR_DAY_UNITS,
    )


def working_days_after(body: Body, start: datetime, days: int) -> Deadline:
    """The deadline `days` working days after `start` by the body's office calendar (the
    limits of the law on requests and objections)."""
    return compute_deadline(start, days, TimeUnit.HARI_KERJA, calendar_for_body(body))


def when(moment: datetime, body: Body) -> str:
    """A moment as a notice writes it, in the body's time (`body_zone`, the zone its deadlines
    are counted in): "Senin, 7 Desember 2026 16:00 WIB"."""
    local = body_time(moment, body)
    return f"{formats.date_format(local, 'l, j F Y H:i')} {local.tzname()}"
