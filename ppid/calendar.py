"""The working calendar an Indonesian office counts by: office hours, weekends, national holidays
and cuti bersama (from the `holidays` package), and the body's local days off or on.

`WorkCalendar` is a plain value (no database): `calendar_for_body` loads one, and everything that
counts time (workflow.deadlines) works on it. A body without its own calendar uses the nearest
ancestor's (its PPID Utama's), else the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.db import connections, router
from django.db.models import Case, IntegerField, Q, Value, When, prefetch_related_objects
from django.utils import timezone

from ppid.models import Body, WorkingCalendar, default_office_hours

WEEKDAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@cache
def national_holidays(year: int) -> dict[date, str]:
    """Indonesia's public holidays and cuti bersama of one year, named in Indonesian."""
    found = holidays_lib.country_holidays(
        "ID", years=year, categories=("public", "government"), language="id"
    )
    return dict(found.items())


def parse_office_hours(raw: dict) -> dict[int, tuple[time, time]]:
    """{"1": ["07:30", "16:00"], ...} → {1: (time(7, 30), time(16, 0))}; empty spans dropped."""
    hours: dict[int, tuple[time, time]] = {}
    for key, span in (raw or {}).items():
        start, end = (time.fromisoformat(value) for value in span)
        if start < end:
            hours[int(key)] = (start, end)
    return hours


def office_day_seconds(hours: dict[int, tuple[time, time]]) -> int:
    """The length of one office day, what a time standard of "1 hari" stands for: the most
    common length among the week's working days, the shorter one on a tie (the default hours,
    Monday to Thursday 07:30-16:00 and Friday 07:30-16:30, give 8 h 30 min = 30,600 s)."""
    lengths = [
        (datetime.combine(date.min, end) - datetime.combine(date.min, start)).seconds
        for start, end in hours.values()
    ]
    if not lengths:
        return 0
    return min(set(lengths), key=lambda n: (-lengths.count(n), n))


@dataclass(frozen=True)
class WorkCalendar:
    tz_name: str = "Asia/Pontianak"
    hours: dict[int, tuple[time, time]] = field(
        default_factory=lambda: parse_office_hours(default_office_hours())
    )
    national: bool = True
    days_off: dict[date, str] = field(default_factory=dict)
    days_on: frozenset[date] = frozenset()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @property
    def office_day_seconds(self) -> int:
        return office_day_seconds(self.hours)

    def holiday_name(self, day: date) -> str | None:
        if day in self.days_off:
            return self.days_off[day]
        if self.national and day not in self.days_on:
            return national_holidays(day.year).get(day)
        return None

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.hours and self.holiday_name(day) is None

    def why_not_working(self, day: date) -> str:
        """The name a person would give a day off: the weekday for a weekend, else the holiday."""
        if day.isoweekday() not in self.hours:
            return WEEKDAY_NAMES[day.weekday()]
        return self.holiday_name(day) or WEEKDAY_NAMES[day.weekday()]

    def office_span(self, day: date) -> tuple[datetime, datetime] | None:
        """The office hours of a working day as naive local datetimes; None on a day off."""
        if not self.is_working_day(day):
            return None
        start, end = self.hours[day.isoweekday()]
        return datetime.combine(day, start), datetime.combine(day, end)

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`. A calendar with no working day at all is refused
        (see `calendar_validate_hours`), so this ends; the guard keeps a broken row from hanging."""
        for _ in range(3660):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("the calendar has no working day in ten years")


def calendar_from_row(row: WorkingCalendar | None, tz_name: str) -> WorkCalendar:
    if row is None:
        return WorkCalendar(tz_name=tz_name)
    days = list(row.days.all())
    return WorkCalendar(
        tz_name=tz_name,
        hours=parse_office_hours(row.office_hours),
        national=row.national_holidays,
        days_off={d.date: d.name for d in days if d.kind == d.Kind.OFF},
        days_on=frozenset(d.date for d in days if d.kind == d.Kind.WORK),
    )


def calendar_owner(body: Body) -> Body | None:
    """The body whose calendar applies: the body itself if it has one, else the nearest ancestor."""
    seen: set[int] = set()
    current: Body | None = body
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if WorkingCalendar.objects.filter(body=current).exists():
            return current
        current = current.parent
    return None


# How many levels (the body and its ancestors) its calendar is looked for in, in one query: the
# hierarchy is province → kabupaten → OPD, three (`calendar_owner` walks any depth).
CALENDAR_LOOKUP_DEPTH = 4


# The id of a stand-in body the lookup's SQL is compiled with; the body's own id takes its place.
_STAND_IN_BODY_ID = -7_654_321
_compiled_lookup: dict[str, tuple[str, tuple]] = {}


def _applicable_query(body_id: int):
    levels = [
        When(**{"body" + "__children" * depth: body_id}, then=Value(depth))
        for depth in range(CALENDAR_LOOKUP_DEPTH)
    ]
    condition = Q()
    for depth in range(CALENDAR_LOOKUP_DEPTH):
        condition |= Q(**{"body" + "__children" * depth: body_id})
    return (
        WorkingCalendar.objects.filter(condition)
        .annotate(depth=Case(*levels, output_field=IntegerField()))
        .order_by("depth")[:1]
    )


def _applicable_row(body: Body) -> WorkingCalendar | None:
    """The calendar row of the body or of its nearest ancestor that has one: one query for the
    row over the whole chain (its days a second, only when there is a row), instead of one per
    level. Its SQL (four levels of joins) is compiled once per database for a stand-in body,
    whose id the body's takes at each call: building it was most of opening a step's cost
    (issue 15)."""
    using = router.db_for_read(WorkingCalendar)
    vendor = connections[using].vendor
    if vendor not in _compiled_lookup:
        query = _applicable_query(_STAND_IN_BODY_ID).query
        sql, params = query.get_compiler(using).as_sql()
        _compiled_lookup[vendor] = (sql, tuple(params))
    sql, params = _compiled_lookup[vendor]
    params = tuple(body.pk if p == _STAND_IN_BODY_ID else p for p in params)
    row = next(iter(WorkingCalendar.objects.db_manager(using).raw(sql, params)), None)
    if row is not None:
        prefetch_related_objects([row], "days")
    return row


def calendar_for_body(body: Body) -> WorkCalendar:
    return calendar_from_row(_applicable_row(body), body.time_zone)


def body_zone(body: Body) -> ZoneInfo:
    """The body's time zone, in which its dates and times are written: the zone of its calendar
    (`calendar_for_body(body).tz`, whichever calendar row applies), without loading the
    calendar. A body without a zone (the model refuses a blank one) fails here, rather than
    being written in another zone."""
    return ZoneInfo(body.time_zone)


def body_time(moment: datetime, body: Body) -> datetime:
    """`moment` on the body's clock (`body_zone`), whatever the server's zone (TIME_ZONE): how
    every file the body's officers download writes its dates and times, a list of several
    bodies each row on its own body's clock."""
    return timezone.localtime(moment, body_zone(body))


def body_today(body: Body) -> date:
    """The body's date now, on its clock (`body_zone`): the "today" its officers mean, which is
    not the server's (TIME_ZONE, WIB) from 23:00 WIB in a WITA body and from 22:00 WIB in a WIT
    one. Every rule of "not after today" or "this year" for a body counts on it."""
    return timezone.localdate(timezone=body_zone(body))


def zone_name(body: Body) -> str:
    """The body's zone as it is written after a time: WIB, WITA or WIT (Indonesia keeps no
    summer time, so any moment gives the same name)."""
    return datetime.now(body_zone(body)).tzname() or body.time_zone


@dataclass(frozen=True)
class DayOff:
    date: date
    name: str
    local: bool
    day_id: int | None = None
    worked: bool = False


def calendar_year(body: Body, year: int) -> list[DayOff]:
    """The year's holidays for the calendar page: national ones (marked when the body works on
    them) and the local ones, in date order; weekends are not listed."""
    row = _applicable_row(body)
    local = {d.date: d for d in row.days.all()} if row is not None else {}
    observe = row.national_holidays if row is not None else True
    days = []
    if observe:
        for day, name in national_holidays(year).items():
            entry = local.get(day)
            worked = entry is not None and entry.kind == entry.Kind.WORK
            days.append(
                DayOff(day, name, local=False, day_id=entry.pk if worked else None, worked=worked)
            )
    for day, entry in local.items():
        if day.year == year and entry.kind == entry.Kind.OFF:
            days.append(DayOff(day, entry.name, local=True, day_id=entry.pk))
    return sorted(days, key=lambda d: (d.date, d.local))
