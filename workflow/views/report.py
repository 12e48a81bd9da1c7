"""The compliance report: a body's report page and CSV, the PPID Utama's overview of the bodies
under it, and the report section of the dashboard.

Who may read it: the atasan, the PPID and the PPID Utama of the body. A body where the user has
no role at all is 404 (as everywhere); a role that does not read reports (operator, tim) is 403.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ppid.calendar import body_today
from ppid.models import Body, Role
from ppid.permissions import has_role, warm_roles
from ppid.spreadsheet import csv_bytes
from workflow.charts import compliance_chart
from workflow.forms import ReportPeriodForm
from workflow.periods import Period, period_choices
from workflow.permissions import can_view_overview, can_view_report
from workflow.selectors.report import (
    compliance_report,
    first_step_day,
    report_bodies_for_user,
    report_table,
)
from workflow.selectors.report_totals import compliance_totals
from workflow.selectors.report_types import BodyReport
from workflow.views.common import get_body

# How many overdue steps a card on the dashboard or the overview lists before "see all".
CARD_OVERDUE = 5
# How many bodies' cards the dashboard shows (those with the most overdue steps).
DASHBOARD_CARDS = 8
# How many bodies' cards (with their charts) a page of the overview shows (`?page=`); its
# table above has a row for every body.
OVERVIEW_CARDS_PER_PAGE = 10


def _period_form(request: HttpRequest, bodies: Sequence[Body]) -> ReportPeriodForm:
    # Today on the bodies' clocks: the latest of their dates (an eastern body's new month or
    # year starts first), so that its current period is offered; none, the server's date.
    today = max((body_today(b) for b in bodies), default=None) or timezone.localdate()
    return ReportPeriodForm(
        request.GET or None,
        choices=period_choices(first_step_day(bodies), today),
        default=Period.containing(today),
    )


def _chart(report: BodyReport):
    return compliance_chart(
        report.steps,
        chart_id=f"chart-{report.body.slug}",
        title=_("Time standards of %(body)s, %(period)s")
        % {"body": report.body.short_name or report.body.name, "period": report.period.label},
    )


def _cards(reports: Sequence[BodyReport]) -> list[dict]:
    return [
        {
            "report": report,
            "chart": _chart(report),
            "overdue": report.overdue[:CARD_OVERDUE],
            "more_overdue": max(report.overdue_count - CARD_OVERDUE, 0),
        }
        for report in reports
    ]


def _report_body(request: HttpRequest, slug: str) -> Body:
    body = get_body(request, slug)
    if not can_view_report(request.user, body):
        raise PermissionDenied(_("Only the atasan, the PPID and the PPID Utama read this report."))
    return body


def _overview_body(request: HttpRequest, slug: str) -> Body:
    body = get_body(request, slug)
    if not can_view_overview(request.user, body):
        raise PermissionDenied(_("Only the PPID Utama reads the overview of its bodies."))
    return body


@login_required
@require_safe
def body_report(request: HttpRequest, slug: str) -> HttpResponse:
    body = _report_body(request, slug)
    form = _period_form(request, [body])
    (report,) = compliance_report(bodies=[body], period=form.chosen_period())
    return render(
        request,
        "workflow/report.html",
        {"body": body, "form": form, "report": report, "chart": _chart(report)},
    )


@login_required
@require_safe
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Every body under the PPID Utama in one table, and their cards (chart, overdue steps) a
    page at a time: at 40 bodies, 40 charts made the page 300 KB (issue 15)."""
    body = _overview_body(request, slug)
    children = list(body.children.order_by("name"))
    form = _period_form(request, children)
    reports = compliance_report(
        bodies=children, period=form.chosen_period(), overdue_limit=CARD_OVERDUE
    )
    page = Paginator(reports, OVERVIEW_CARDS_PER_PAGE).get_page(request.GET.get("page"))
    period = form.chosen_period()
    return render(
        request,
        "workflow/report_overview.html",
        {
            "body": body,
            "form": form,
            "period": period,
            "reports": reports,
            "cards": _cards(page.object_list),
            "cards_page": page,
            "cards_query": urlencode({"period": period.key}),
        },
    )


def dashboard_report(request: HttpRequest) -> dict:
    """The dashboard's report section, and a link to the overview of each body where the user
    is PPID Utama over other bodies.

    One body (an atasan, a PPID): its card, with the chart and the first overdue steps.
    Several (a PPID Utama over dozens): a row for each of the DASHBOARD_CARDS bodies with the
    most overdue steps, the most first, each linking to the body's report with its chart; the
    overview has every body. Computed from each body's totals (one query), not from the full
    report of each (issue 15: 8 cards with charts made half of a 170 KB page)."""
    bodies = list(report_bodies_for_user(request.user).order_by("name"))
    if not bodies:
        return {"report_cards": None}
    warm_roles(request.user, bodies)
    parents = {b.parent_id for b in bodies}
    form = _period_form(request, bodies)
    period = form.chosen_period()
    cards, rows, more = [], None, 0
    if len(bodies) == 1:
        reports = compliance_report(bodies=bodies, period=period, overdue_limit=CARD_OVERDUE)
        cards = _cards([r for r in reports if r.steps])
    else:
        totals = [t for t in compliance_totals(bodies=bodies, period=period) if t.total]
        totals.sort(key=lambda t: (-t.overdue_count, t.body.name))
        rows, more = totals[:DASHBOARD_CARDS], max(len(totals) - DASHBOARD_CARDS, 0)
    return {
        "report_form": form,
        "report_period": period,
        "report_cards": cards,
        "report_rows": rows,
        "report_more": more,
        "report_overviews": [
            b for b in bodies if b.pk in parents and has_role(request.user, b, Role.PPID_UTAMA)
        ],
    }


# --- CSV -----------------------------------------------------------------------------------------


def report_csv(reports: Sequence[BodyReport], filename: str) -> HttpResponse:
    """The same numbers as the page, one row per SOP step; UTF-8 with a BOM so that Excel reads
    the Indonesian text right. Durations in seconds, the on-time share in percent."""
    header, rows = report_table(reports)
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def body_report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    body = _report_body(request, slug)
    period = _period_form(request, [body]).chosen_period()
    reports = compliance_report(bodies=[body], period=period)
    return report_csv(reports, f"laporan-kepatuhan-{body.slug}-{period.key}.csv")


@login_required
@require_safe
def overview_csv(request: HttpRequest, slug: str) -> HttpResponse:
    body = _overview_body(request, slug)
    children = list(body.children.order_by("name"))
    period = _period_form(request, children).chosen_period()
    reports = compliance_report(bodies=children, period=period)
    return report_csv(reports, f"laporan-kepatuhan-{body.slug}-ikhtisar-{period.key}.csv")
