"""The compliance report in numbers only, one row per body: what the dashboard of a PPID Utama
over dozens of bodies shows (issue 15). The full report (per SOP step, with percentiles, labels
and the overdue steps: `workflow.selectors.report.compliance_report`) is on each body's report
page and on the overview; the dashboard needs only each body's totals, to show the bodies with
the most overdue steps first. One aggregate grouped by body, whatever the number of steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from ppid.models import Body
from workflow.periods import Period
from workflow.selectors.report import in_period, report_steps


@dataclass
class BodyTotals:
    """A body's numbers for the period, named as `BodyReport`'s so that the same table shows
    either."""

    body: Body
    period: Period
    total: int = 0
    finished: int = 0
    timed: int = 0
    on_time: int = 0
    overdue_count: int = 0

    @property
    def open(self) -> int:
        return self.total - self.finished

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.timed if self.timed else None


def compliance_totals(
    *, bodies: Sequence[Body], period: Period, now: datetime | None = None
) -> list[BodyTotals]:
    """Each body's totals for the period, in the order of `bodies` (one query)."""
    bodies = list(bodies)
    if not bodies:
        return []
    now = now or timezone.now()
    finished = Q(finished_at__isnull=False)
    late = Q(finished_at__isnull=True, due_at__lt=now) | Q(finished_at__gt=F("due_at"))
    rows = (
        report_steps(in_period(bodies, period))
        .values("report_body")
        .annotate(
            total=Count("pk"),
            finished=Count("pk", filter=finished),
            timed=Count("pk", filter=finished & Q(due_at__isnull=False)),
            on_time=Count("pk", filter=finished & Q(finished_at__lte=F("due_at"))),
            overdue_count=Count("pk", filter=late),
        )
        .order_by()
    )
    by_body = {row.pop("report_body"): row for row in rows}
    return [BodyTotals(body=body, period=period, **by_body.get(body.pk, {})) for body in bodies]
