"""The compliance report: per body, per SOP step and per period, how many steps, their median
and 90th-percentile duration against the standard, the share finished on time, and the overdue
ones.

A step belongs to the period in which it started, in its body's time zone. The numbers come
from a fixed number of queries whatever the size: one grouped aggregate (with PostgreSQL's
percentile_cont for the median and the 90th percentile), one for the overdue steps and one for
the SOP steps' labels. On a database without percentile_cont (SQLite in development) one more
query reads the durations, and the percentiles are interpolated in Python exactly as
percentile_cont does, so both give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Max, Q, QuerySet, Value, Window
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ppid.calendar import body_time
from ppid.models import Body
from ppid.oversight import bodies_reached
from workflow.models import SopStep, Step
from workflow.periods import Period
from workflow.permissions import REPORT_ROLES
from workflow.selectors.percentiles import PercentileCont, database_percentiles, percentile_cont
from workflow.selectors.report_types import BodyReport, OverdueStep, StepReport


def report_bodies_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Body]:
    """The bodies whose compliance report the user may read (one query): those where the user
    is atasan, PPID or PPID Utama (`ppid.oversight`: also the bodies a PPID Utama oversees)."""
    return bodies_reached(user, REPORT_ROLES)


def first_step_day(bodies: Sequence[Body]) -> date | None:
    """The day the bodies' earliest step started, on its body's clock (for the period
    picker), or None."""
    # The first by `started_at` rather than MIN(): PostgreSQL walks the `step_started` index
    # from its start and stops at the first step of the bodies (MIN() over the join with the
    # editions read every step).
    first = (
        Step.objects.filter(edition__body__in=[b.pk for b in bodies])
        .order_by("started_at")
        .values_list("started_at", "edition__body")
        .first()
    )
    if first is None:
        return None
    started_at, body_id = first
    return body_time(started_at, next(b for b in bodies if b.pk == body_id)).date()


_GROUP = (
    "report_body",
    "sop_number",
    "stage",
    "sop_step_number",
    "standard_amount",
    "standard_unit",
)


def in_period(bodies: Sequence[Body], period: Period) -> Q:
    """Steps of the bodies that started in the period, each body in its own time zone."""
    by_zone: dict[str, list[int]] = {}
    for body in bodies:
        by_zone.setdefault(body.time_zone, []).append(body.pk)
    scope = Q(pk__in=[])
    for zone, ids in sorted(by_zone.items()):
        start, end = period.bounds(zone)
        scope |= Q(edition__body_id__in=ids, started_at__gte=start, started_at__lt=end)
    return scope


def report_steps(scope: Q) -> QuerySet[Step]:
    return Step.objects.filter(scope).annotate(
        report_body=F("edition__body_id"),
        sop_number=KeyTextTransform("number", KeyTransform("sop", "edition__route")),
    )


def compliance_report(
    *,
    bodies: Sequence[Body],
    period: Period,
    now: datetime | None = None,
    overdue_limit: int | None = None,
) -> list[BodyReport]:
    """The compliance report of each body for the period, in the order of `bodies`. With
    `overdue_limit`, only that many overdue steps of each body are read (the longest late);
    their number is `overdue_count` either way."""
    bodies = list(bodies)
    if not bodies:
        return []
    now = now or timezone.now()
    scope = in_period(bodies, period)
    finished = Q(finished_at__isnull=False)
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "standard": Max("standard_seconds"),
        "finished": Count("pk", filter=finished),
        "timed": Count("pk", filter=finished & Q(due_at__isnull=False)),
        "on_time": Count("pk", filter=finished & Q(finished_at__lte=F("due_at"))),
        "open_overdue": Count("pk", filter=Q(finished_at__isnull=True, due_at__lt=now)),
    }
    in_database = database_percentiles()
    if in_database:
        aggregates["median"] = PercentileCont("duration_seconds", 0.5)
        aggregates["p90"] = PercentileCont("duration_seconds", 0.9)
    groups: dict[tuple, StepReport] = {}
    for row in report_steps(scope).values(*_GROUP).annotate(**aggregates).order_by():
        key = tuple(row[name] for name in _GROUP)
        groups[key] = StepReport(
            body_id=row["report_body"],
            sop_number=row["sop_number"],
            stage=row["stage"],
            step_number=row["sop_step_number"],
            standard_amount=row["standard_amount"],
            standard_unit=row["standard_unit"],
            standard_seconds=row["standard"],
            total=row["total"],
            finished=row["finished"],
            timed=row["timed"],
            on_time=row["on_time"],
            open_overdue=row["open_overdue"],
            median_seconds=row.get("median"),
            p90_seconds=row.get("p90"),
        )
    if not in_database:
        _percentiles_in_python(scope, groups)
    _attach_overdue(scope, now, groups, limit=overdue_limit)
    _label_and_complete(bodies, groups)
    reports = {body.pk: BodyReport(body=body, period=period, steps=[]) for body in bodies}
    for step in sorted(groups.values(), key=StepReport.sort_key):
        reports[step.body_id].steps.append(step)
    return [reports[body.pk] for body in bodies]


def _percentiles_in_python(scope: Q, groups: dict[tuple, StepReport]) -> None:
    durations: dict[tuple, list[int]] = {}
    rows = (
        report_steps(scope)
        .filter(finished_at__isnull=False, duration_seconds__isnull=False)
        .values_list(*_GROUP, "duration_seconds")
        .order_by()
    )
    for *key, seconds in rows:
        durations.setdefault(tuple(key), []).append(seconds)
    for key, values in durations.items():
        groups[key].median_seconds = percentile_cont(values, 0.5)
        groups[key].p90_seconds = percentile_cont(values, 0.9)


def _overdue_steps(
    scope: Q, now: datetime, *, limit: int | None = None
) -> Iterator[tuple[dict[str, Any], OverdueStep]]:
    """The overdue steps in `scope` (finished late, or open past the deadline), each with its
    row (the report's group keys); with `limit`, only the `limit` longest late of each body,
    numbered in the database (a window over the body's overdue steps), so that a body with
    thousands of them costs the same."""
    late = Q(finished_at__isnull=True, due_at__lt=now) | Q(finished_at__gt=F("due_at"))
    rows = report_steps(scope).filter(late)
    if limit is not None:
        lateness = Coalesce("finished_at", Value(now)) - F("due_at")
        rows = rows.annotate(
            late_rank=Window(
                RowNumber(),
                partition_by=[F("edition__body_id")],
                order_by=[lateness.desc(), F("pk").asc()],
            )
        ).filter(late_rank__lte=limit)
    rows = rows.values(
        *_GROUP, "pk", "edition_id", "edition__title", "started_at", "due_at", "finished_at"
    ).order_by("due_at", "pk")
    for row in rows:
        ended = row["finished_at"] or now
        yield (
            row,
            OverdueStep(
                step_id=row["pk"],
                edition_id=row["edition_id"],
                edition_title=row["edition__title"],
                stage=row["stage"],
                step_number=row["sop_step_number"],
                started_at=row["started_at"],
                due_at=row["due_at"],
                finished_at=row["finished_at"],
                late_seconds=int((ended - row["due_at"]).total_seconds()),
            ),
        )


def _attach_overdue(
    scope: Q, now: datetime, groups: dict[tuple, StepReport], *, limit: int | None = None
) -> None:
    for row, step in _overdue_steps(scope, now, limit=limit):
        groups[tuple(row[name] for name in _GROUP)].overdue.append(step)


def _label_and_complete(bodies: Sequence[Body], groups: dict[tuple, StepReport]) -> None:
    """Name each step by its SOP's activity, and add the steps of the SOPs in force that no
    edition reached in the period (with zero counts), so every step of the SOP is shown."""
    # Older versions first, so that the labels of the version in force win.
    sop_steps = (
        SopStep.objects.filter(sop__body__in=[b.pk for b in bodies])
        .order_by("sop__is_active", "sop__pk", "number")
        .values_list(
            "sop__body_id",
            "sop__number",
            "sop__is_active",
            "number",
            "stage",
            "activity",
            "time_amount",
            "time_unit",
        )
    )
    activities: dict[tuple, str] = {}
    for body_id, sop_number, active, number, stage, activity, amount, unit in sop_steps:
        activities[(body_id, sop_number, number)] = activity
        key = (body_id, sop_number, stage, number, amount, unit)
        if active and key not in groups:
            groups[key] = StepReport(
                body_id=body_id,
                sop_number=sop_number,
                stage=stage,
                step_number=number,
                standard_amount=amount,
                standard_unit=unit,
            )
    for step in groups.values():
        step.activity = activities.get((step.body_id, step.sop_number, step.step_number), "")


# --- as a table ---


def _number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return ""
    return str(round(value)) if digits == 0 else f"{value:.{digits}f}"


def report_table(reports: Sequence[BodyReport]) -> tuple[list[str], Iterator[list[Any]]]:
    """The report as a table (header, rows), one row per SOP step: the CSV download's and the
    monev evidence pack's. Durations in seconds, the on-time share in percent."""
    header = [
        _("Public body"),
        _("Report period"),
        capfirst(_("SOP number")),
        _("Step (SOP)"),
        _("Stage"),
        _("Activity"),
        _("Time standard"),
        _("Number of steps"),
        _("Finished"),
        _("Still open"),
        _("Median duration (seconds)"),
        _("90th percentile duration (seconds)"),
        _("Finished with a deadline"),
        _("Finished on time"),
        _("Finished late"),
        _("On time (%)"),
        _("Open past the deadline"),
    ]
    rows = (
        [
            report.body.name,
            report.period.label,
            step.sop_number or "",
            "" if step.step_number is None else step.step_number,
            step.stage_label,
            step.activity,
            step.standard_label,
            step.total,
            step.finished,
            step.open,
            _number(step.median_seconds),
            _number(step.p90_seconds),
            step.timed,
            step.on_time,
            step.late,
            _number(None if step.on_time_share is None else step.on_time_share * 100, 1),
            step.open_overdue,
        ]
        for report in reports
        for step in report.steps
    )
    return header, rows
