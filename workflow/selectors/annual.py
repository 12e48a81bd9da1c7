"""The annual report of information service (UU 14/2008 Pasal 12, Perki 1/2021), per body and
year: how many requests, how long they took (average and median working days from receipt to
the written notice, by the body's office calendar), how many were granted, partly granted,
refused (by ground), not held or not documented, and the objections with their outcomes.

Every figure comes from aggregate queries whatever the number of rows: one grouped count of
the requests by status, one of the refusals by ground, one of the objections by status and
ground, and one aggregate of the working days taken. The working days are counted in the
database: the calendar days between the two local dates minus the days off between them, the
body's days off passed as one array parameter (weekends, national holidays, cuti bersama and
local days off of the years concerned). On a database other than PostgreSQL one more query
reads the pairs of dates and the same count is made in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from django.db.models import Avg, Count, F, FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from dip.models import ExemptionGround
from ppid.calendar import WorkCalendar, calendar_for_body
from ppid.models import Body
from workflow.models import (
    REQUEST_OPEN_STATUSES,
    InformationRequest,
    Objection,
    ObjectionGround,
    ObjectionStatus,
    RequestStatus,
)
from workflow.selectors.percentiles import PercentileCont, database_percentiles

DECISION_ORDER = (
    RequestStatus.GRANTED,
    RequestStatus.PARTLY_GRANTED,
    RequestStatus.REFUSED,
    RequestStatus.NOT_HELD,
    RequestStatus.NOT_DOCUMENTED,
)


@dataclass
class AnnualReport:
    body: Body
    year: int
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    refused_by_ground: dict[str, int] = field(default_factory=dict)
    extended: int = 0
    decided: int = 0
    on_time: int = 0
    average_days: float | None = None
    median_days: float | None = None
    objections: int = 0
    objections_by_status: dict[str, int] = field(default_factory=dict)
    objections_by_ground: dict[str, int] = field(default_factory=dict)
    objections_on_time: int = 0

    @property
    def open(self) -> int:
        return sum(self.by_status.get(s, 0) for s in REQUEST_OPEN_STATUSES)

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def decisions(self) -> list[tuple[str, str, int]]:
        """(status, label, count) of each decision, in the order of the law."""
        return [(s.value, str(s.label), self.count(s)) for s in DECISION_ORDER]

    @property
    def refusal_grounds(self) -> list[tuple[str, int]]:
        return [
            (str(ExemptionGround(g).label) if g in ExemptionGround.values else g or "-", n)
            for g, n in sorted(self.refused_by_ground.items())
        ]

    @property
    def objection_outcomes(self) -> list[tuple[str, int]]:
        return [(str(s.label), self.objections_by_status.get(s, 0)) for s in ObjectionStatus]

    @property
    def objection_grounds(self) -> list[tuple[str, int]]:
        return [
            (str(ObjectionGround(g).label), n)
            for g, n in sorted(self.objections_by_ground.items())
            if g in ObjectionGround.values
        ]


def days_off(cal: WorkCalendar, first: date, last: date) -> list[date]:
    """Every day from `first` to `last` on which the office is closed."""
    days = []
    day = first
    while day <= last:
        if not cal.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def working_days_between(start: date, end: date, off: set[date]) -> int:
    """Working days after `start` up to and including `end` (0 when answered the same day)."""
    return (end - start).days - sum(1 for d in off if start < d <= end)


def _working_days_sql(tz: str, off: list[date]) -> RawSQL:
    table = InformationRequest._meta.db_table
    received = f'("{table}"."received_at" AT TIME ZONE %s)::date'
    decided = f'("{table}"."decided_at" AT TIME ZONE %s)::date'
    return RawSQL(
        f"(({decided} - {received}) - (SELECT count(*) FROM unnest(%s::date[]) AS off(d) "
        f"WHERE off.d > {received} AND off.d <= {decided}))",
        (tz, tz, off, tz, tz),
        output_field=FloatField(),
    )


def annual_report(*, body: Body, year: int) -> AnnualReport:
    """The Pasal 12 figures of one body for one year (requests received in the year, numbered
    in its register of that year; objections filed in the year)."""
    report = AnnualReport(body=body, year=year)
    requests = InformationRequest.objects.filter(body=body, year=year)
    for status, count in requests.values_list("status").annotate(n=Count("pk")).order_by():
        report.by_status[status] = count
    report.total = sum(report.by_status.values())
    report.refused_by_ground = dict(
        requests.filter(status=RequestStatus.REFUSED)
        .values_list("refusal_ground")
        .annotate(n=Count("pk"))
        .order_by()
    )
    decided = requests.filter(decided_at__isnull=False)
    cal = calendar_for_body(body)
    off = days_off(cal, date(year, 1, 1), date(year + 1, 12, 31))
    aggregates = {
        "extended": Count("pk", filter=Q(extended_at__isnull=False)),
        "decided": Count("pk", filter=Q(decided_at__isnull=False)),
        "on_time": Count(
            "pk",
            filter=Q(decided_at__isnull=False)
            & (
                Q(extended_due_at__isnull=True, decided_at__lte=F("due_at"))
                | Q(extended_due_at__isnull=False, decided_at__lte=F("extended_due_at"))
            ),
        ),
    }
    figures = requests.aggregate(**aggregates)
    report.extended = figures["extended"]
    report.decided = figures["decided"]
    report.on_time = figures["on_time"]
    if report.decided:
        if database_percentiles():
            taken = _working_days_sql(body.time_zone, off)
            days = decided.aggregate(average=Avg(taken), median=PercentileCont(taken, 0.5))
            report.average_days = days["average"]
            report.median_days = days["median"]
        else:
            off_set = set(off)
            tz = cal.tz
            values = [
                working_days_between(
                    timezone.localtime(received, tz).date(),
                    timezone.localtime(answered, tz).date(),
                    off_set,
                )
                for received, answered in decided.values_list("received_at", "decided_at")
            ]
            report.average_days = sum(values) / len(values)
            report.median_days = float(median(values))
    objections = Objection.objects.filter(body=body, year=year)
    rows = objections.values_list("status", "ground").annotate(
        n=Count("pk"), on_time=Count("pk", filter=Q(answered_at__lte=F("due_at")))
    )
    for status, ground, count, on_time in rows.order_by():
        report.objections += count
        report.objections_by_status[status] = report.objections_by_status.get(status, 0) + count
        report.objections_by_ground[ground] = report.objections_by_ground.get(ground, 0) + count
        report.objections_on_time += on_time
    return report


def annual_reports(*, bodies: Sequence[Body], year: int) -> list[AnnualReport]:
    """The report of each body (a PPID Utama's overview), in the order of `bodies`."""
    return [annual_report(body=body, year=year) for body in bodies]


def annual_total(reports: Sequence[AnnualReport], body: Body, year: int) -> AnnualReport:
    """The figures of several bodies added up (the median is not additive: left empty; the
    average is weighted by the decided requests)."""
    total = AnnualReport(body=body, year=year)
    weighted = 0.0
    for report in reports:
        total.total += report.total
        total.extended += report.extended
        total.decided += report.decided
        total.on_time += report.on_time
        total.objections += report.objections
        total.objections_on_time += report.objections_on_time
        for target, source in (
            (total.by_status, report.by_status),
            (total.refused_by_ground, report.refused_by_ground),
            (total.objections_by_status, report.objections_by_status),
            (total.objections_by_ground, report.objections_by_ground),
        ):
            for key, count in source.items():
                target[key] = target.get(key, 0) + count
        if report.average_days is not None:
            weighted += report.average_days * report.decided
    total.average_days = weighted / total.decided if total.decided else None
    return total


def report_years(body_ids: Sequence[int], today: date) -> list[int]:
    """The years the picker offers: those with requests, and this year."""
    years = set(
        InformationRequest.objects.filter(body_id__in=body_ids)
        .values_list("year", flat=True)
        .distinct()
    )
    years.add(today.year)
    return sorted(years, reverse=True)
