"""The annual report of information service (Pasal 12 UU 14/2008, Perki 1/2021): a body's page
for a year with its chart, and its CSV and PDF; the PPID Utama's overview of the bodies under
it (each body and the total). Who may read it: as the compliance report (atasan, PPID, PPID
Utama of the body; the overview for the PPID Utama); a body where the user has no role is 404.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ppid.calendar import body_today
from ppid.downloads import content_disposition
from ppid.models import Body
from workflow.permissions import can_view_overview, can_view_report
from workflow.selectors.annual import (
    AnnualReport,
    annual_report,
    annual_reports,
    annual_total,
    report_years,
)
from workflow.services.annual import (
    annual_cards,
    annual_chart_of,
    annual_report_csv,
    annual_report_pdf,
)
from workflow.views.common import get_body


def _year(request: HttpRequest, bodies: Sequence[Body]) -> tuple[int, list[int]]:
    # "This year" on the clock of the page's body (the first), not the server's.
    years = report_years([b.pk for b in bodies], body_today(bodies[0]))
    try:
        chosen = int(request.GET.get("tahun", ""))
    except ValueError:
        chosen = years[0]
    return (chosen if chosen in years else years[0]), years


def _body(request: HttpRequest, slug: str) -> Body:
    body = get_body(request, slug)
    if not can_view_report(request.user, body):
        raise PermissionDenied(_("Only the atasan, the PPID and the PPID Utama read this report."))
    return body


def _overview(request: HttpRequest, slug: str) -> tuple[Body, list[Body]]:
    body = get_body(request, slug)
    if not can_view_overview(request.user, body):
        raise PermissionDenied(_("Only the PPID Utama reads the overview of its bodies."))
    return body, [body, *body.children.order_by("name")]


@login_required
@require_safe
def body_annual(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(request, slug)
    year, years = _year(request, [body])
    report = annual_report(body=body, year=year)
    return render(
        request,
        "workflow/annual_report.html",
        {
            "body": body,
            "year": year,
            "years": years,
            "cards": annual_cards([report]),
            "scope": "body",
        },
    )


@login_required
@require_safe
def overview_annual(request: HttpRequest, slug: str) -> HttpResponse:
    body, bodies = _overview(request, slug)
    year, years = _year(request, bodies)
    reports = annual_reports(bodies=bodies, year=year)
    total = annual_total(reports, body, year)
    return render(
        request,
        "workflow/annual_report.html",
        {
            "body": body,
            "year": year,
            "years": years,
            "cards": annual_cards(reports),
            "total": total,
            "total_chart": annual_chart_of(total, "-total"),
            "scope": "overview",
        },
    )


# --- downloads ------------------------------------------------------------------------------


def _csv(reports: Sequence[AnnualReport], filename: str) -> HttpResponse:
    response = HttpResponse(
        annual_report_csv(reports=reports), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(filename, as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(body: Body, year: int, cards: list[dict], filename: str, total=None) -> HttpResponse:
    pdf = annual_report_pdf(body=body, year=year, cards=cards, total=total)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, as_attachment=False)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def body_annual_csv(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(request, slug)
    year, _years = _year(request, [body])
    return _csv([annual_report(body=body, year=year)], f"laporan-tahunan-{body.slug}-{year}.csv")


@login_required
@require_safe
def body_annual_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(request, slug)
    year, _years = _year(request, [body])
    with translation.override("id"):
        cards = annual_cards([annual_report(body=body, year=year)])
    return _pdf(body, year, cards, f"laporan-tahunan-{body.slug}-{year}.pdf")


@login_required
@require_safe
def overview_annual_csv(request: HttpRequest, slug: str) -> HttpResponse:
    body, bodies = _overview(request, slug)
    year, _years = _year(request, bodies)
    reports = annual_reports(bodies=bodies, year=year)
    total = annual_total(reports, body, year)
    total.body = Body(name=_("Total of %(body)s and the bodies under it") % {"body": body.name})
    return _csv([*reports, total], f"laporan-tahunan-{body.slug}-ikhtisar-{year}.csv")


@login_required
@require_safe
def overview_annual_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    body, bodies = _overview(request, slug)
    year, _years = _year(request, bodies)
    reports = annual_reports(bodies=bodies, year=year)
    with translation.override("id"):
        total = annual_total(reports, body, year)
        cards = annual_cards(reports)
    return _pdf(body, year, cards, f"laporan-tahunan-{body.slug}-ikhtisar-{year}.pdf", total)
