"""The annual report's documents (Pasal 12 UU 14/2008, Perki 1/2021): its CSV and its PDF, for
the report pages (`workflow.views.annual`) and the monev evidence pack
(`workflow.services.evidence`), from the figures of `workflow.selectors.annual`."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from dip import rendering
from ppid.calendar import body_today
from ppid.models import Body
from ppid.spreadsheet import csv_bytes
from workflow.charts import annual_chart
from workflow.selectors.annual import AnnualReport


def _rows(report: AnnualReport) -> list[tuple[str, int]]:
    return [(label, n) for _status, label, n in report.decisions] + [
        (_("Still waiting for the written notice"), report.open)
    ]


def annual_chart_of(report: AnnualReport, suffix: str = ""):
    return annual_chart(
        _rows(report),
        chart_id=f"annual-{report.body.slug}{suffix}",
        title=_("Requests for information of %(body)s in %(year)s, by outcome")
        % {"body": report.body.short_name or report.body.name, "year": report.year},
    )


def annual_cards(reports: Sequence[AnnualReport]) -> list[dict]:
    return [
        {"report": report, "chart": annual_chart_of(report, f"-{index}")}
        for index, report in enumerate(reports)
    ]


def _csv_rows(report: AnnualReport) -> list[list]:
    name, year = report.body.name, report.year

    def row(label: str, value) -> list:
        return [name, year, label, "" if value is None else value]

    rows = [
        row(_("Requests received"), report.total),
        *(row(label, n) for _status, label, n in report.decisions),
        row(_("Still waiting for the written notice"), report.open),
        row(_("Extended (once, at most 7 working days)"), report.extended),
        row(_("Written notice within the time limit"), report.on_time),
        row(
            _("Average working days to the written notice"),
            None if report.average_days is None else round(report.average_days, 1),
        ),
        row(
            _("Median working days to the written notice"),
            None if report.median_days is None else round(report.median_days, 1),
        ),
        *(
            row(_("Refused on ground: %(ground)s") % {"ground": g}, n)
            for g, n in report.refusal_grounds
        ),
        row(_("Objections filed"), report.objections),
        *(row(_("Objections: %(s)s") % {"s": s}, n) for s, n in report.objection_outcomes),
        *(row(_("Objections on ground: %(g)s") % {"g": g}, n) for g, n in report.objection_grounds),
        row(_("Objections answered within 30 working days"), report.objections_on_time),
    ]
    return rows


def annual_report_csv(*, reports: Sequence[AnnualReport]) -> bytes:
    """The CSV of the reports: one row per body, year and figure."""
    header = [_("Public body"), _("Year"), _("Figure"), _("Value")]
    return csv_bytes(header, [row for report in reports for row in _csv_rows(report)])


def annual_report_pdf(
    *, body: Body, year: int, cards: list[dict], total: AnnualReport | None = None
) -> bytes:
    """The PDF of the report (`cards` from `annual_cards`, rendered in Indonesian), dated on the
    body's clock (`body_today`): the day its officers read on theirs, not the server's."""
    with translation.override("id"):
        html = render_to_string(
            "workflow/annual_report_document.html",
            {
                "body": body,
                "year": year,
                "cards": cards,
                "total": total,
                "logo": rendering.logo_data_uri(body),
                "made_on": rendering.tanggal(body_today(body)),
                "place": rendering.body_place(body),
            },
        )
    return rendering.html_to_pdf(html, identifier=f"ppid-annual-{body.pk}-{year}")
