"""Server-rendered SVG charts (no JavaScript, no external service).

The compliance chart draws one row per SOP step: the median duration as a dark bar over the
90th percentile as a light bar, on a scale measured in multiples of the step's own standard, so
a 15-minute step and a 7-day step can be read on the same chart; the standard is one dashed line
at 1x. Every number is also written as text in the row, and the chart's <title> and <desc>
say the same for screen readers. Every text is escaped (`format_html` or `escape`); the rows'
numbers and constants are formatted directly, without escaping each (most of a chart's cost).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workflow.selectors.report_types import StepReport
from workflow.templatetags.clock import duration

WIDTH = 300  # the viewBox width: text of 11-12 units stays 11-13px on a 375px phone
PAD = 4
BAR_X = PAD
BAR_W = WIDTH - 2 * PAD
AXIS_H = 22
ROW_H = 90
LABEL_CHARS = 40
MIN_SCALE, MAX_SCALE = 2, 4  # the axis runs to 2x..4x the standard


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def step_title(step: StepReport) -> str:
    number = f"{step.step_number}. " if step.step_number is not None else ""
    return f"{number}{step.label}"


def step_summary(step: StepReport) -> str:
    """One sentence with every number of the row (the chart's description, for screen readers)."""
    parts = [
        ngettext(
            "%(n)d step (%(f)d finished, %(o)d open)",
            "%(n)d steps (%(f)d finished, %(o)d open)",
            step.total,
        )
        % {"n": step.total, "f": step.finished, "o": step.open}
    ]
    if step.median_seconds is not None:
        parts.append(
            _("median %(m)s, 90th percentile %(p)s")
            % {"m": duration(step.median_seconds), "p": duration(step.p90_seconds)}
        )
    parts.append(
        _("standard %(s)s") % {"s": step.standard_label}
        if step.standard_label
        else _("no time standard")
    )
    if step.timed:
        parts.append(
            _("%(on)d of %(n)d on time (%(pct)s)")
            % {"on": step.on_time, "n": step.timed, "pct": _percent(step.on_time_share)}
        )
    if step.overdue_count:
        parts.append(_("%(n)d overdue") % {"n": step.overdue_count})
    return f"{step_title(step)}: " + ", ".join(parts) + "."


def _scale(steps: Sequence[StepReport]) -> int:
    ratios = [
        s.p90_seconds / s.standard_seconds
        for s in steps
        if s.p90_seconds is not None and s.standard_seconds
    ]
    return max(MIN_SCALE, min(MAX_SCALE, math.ceil(max(ratios, default=0))))


def _x(ratio: float, scale: int) -> float:
    return round(BAR_X + min(ratio, scale) / scale * BAR_W, 1)


def _axis(scale: int) -> SafeString:
    """The scale's labels at the top: 0x, "standard" (1x), 2x, ... (each row draws its lines)."""
    return format_html_join(
        "",
        '<text x="{}" y="12" font-size="11" text-anchor="{}" fill="#57606a">{}</text>',
        (
            (
                _x(n, scale),
                "start" if n == 0 else "end" if n == scale else "middle",
                _("standard") if n == 1 else f"{n}\u00d7",
            )
            for n in range(scale + 1)
        ),
    )


def _note(text: str, band: int) -> SafeString:
    return format_html(
        '<text x="{x}" y="{y}" font-size="11" fill="#57606a">{t}</text>',
        x=BAR_X,
        y=band + 11,
        t=text,
    )


def _bars(step: StepReport, y: int, scale: int) -> SafeString:
    """The row's bars on its track, with a line at each multiple of the standard (dashed at 1x);
    a 90th percentile beyond the scale ends in an arrow."""
    band = y + 20
    if step.median_seconds is None:
        return _note(_("no finished step yet") if step.total else _("no step in this period"), band)
    if not step.standard_seconds:
        return _note(_("no time standard"), band)
    median = step.median_seconds / step.standard_seconds
    p90 = step.p90_seconds / step.standard_seconds
    over = median > 1
    # Only numbers and constants below: formatted directly (format_html's escaping of every
    # argument was most of a chart's cost, issue 15).
    grid = "".join(
        f'<line class="tick" x1="{x}" y1="{band - 2}" x2="{x}" y2="{band + 16}" stroke="#d0d7de"/>'
        for x in (_x(n, scale) for n in range(2, scale + 1))
    )
    clipped = (
        f'<text x="{_x(scale, scale) - 2}" y="{band + 11}" font-size="12" text-anchor="end" '
        'fill="#fff">\u203a</text>'
        if p90 > scale
        else ""
    )
    wp = round(_x(p90, scale) - BAR_X, 1)
    wm = round(_x(median, scale) - BAR_X, 1)
    color = "#b42318" if over else "#0b5394"
    xs = _x(1, scale)
    return mark_safe(
        f'<rect class="track" x="{BAR_X}" y="{band}" width="{BAR_W}" height="14" fill="#f6f8fa"/>'
        f'<rect class="p90" x="{BAR_X}" y="{band}" width="{wp}" height="14" fill="#9ec5e8"/>'
        f'<rect class="median{" over" if over else ""}" x="{BAR_X}" y="{band + 3}" width="{wm}" '
        f'height="8" fill="{color}"/>{grid}<line class="standard" x1="{xs}" y1="{band - 3}" '
        f'x2="{xs}" y2="{band + 17}" stroke="#1b1f24" stroke-width="1.5" stroke-dasharray="3 2"/>'
        f"{clipped}"
    )


def _row(step: StepReport, summary: str, y: int, scale: int) -> SafeString:
    """Five lines: the step's name, the bars, the durations, the standard, the on-time share;
    `summary` (its `step_summary`) is the row's tooltip."""
    durations = (
        _("Median %(m)s · P90 %(p)s")
        % {"m": duration(step.median_seconds), "p": duration(step.p90_seconds)}
        if step.median_seconds is not None
        else _("Median — · P90 —")
    )
    standard = " · ".join(
        [
            _("Standard %(s)s") % {"s": step.standard_label}
            if step.standard_label
            else _("No time standard"),
            ngettext("%(n)d step", "%(n)d steps", step.total) % {"n": step.total},
        ]
    )
    share = [
        _("%(pct)s on time (%(on)d of %(n)d)")
        % {"pct": _percent(step.on_time_share), "on": step.on_time, "n": step.timed}
        if step.timed
        else _("On time: —")
    ]
    if step.overdue_count:
        share.append(_("%(n)d overdue") % {"n": step.overdue_count})
    color = "#b42318" if step.overdue_count else "#1a7f37" if step.timed else "#57606a"
    # The texts are escaped here, the numbers and constants formatted directly.
    return mark_safe(
        f'<g class="row"><title>{escape(summary)}</title>'
        f'<text x="{BAR_X}" y="{y + 13}" font-size="12" font-weight="600" fill="#1b1f24">'
        f"{escape(_short(step_title(step)))}</text>{_bars(step, y, scale)}"
        f'<text x="{BAR_X}" y="{y + 50}" font-size="11" fill="#1b1f24">{escape(durations)}</text>'
        f'<text x="{BAR_X}" y="{y + 64}" font-size="11" fill="#57606a">{escape(standard)}</text>'
        f'<text x="{BAR_X}" y="{y + 78}" font-size="11" fill="{color}">'
        f"{escape(' · '.join(share))}</text></g>"
    )


def compliance_chart(steps: Sequence[StepReport], *, chart_id: str, title: str) -> SafeString:
    """The SVG of one body's report; `chart_id` must be unique on the page."""
    scale = _scale(steps)
    height = AXIS_H + ROW_H * max(len(steps), 1)
    summaries = [step_summary(step) for step in steps]
    rows = [
        _row(step, summary, AXIS_H + n * ROW_H, scale)
        for n, (step, summary) in enumerate(zip(steps, summaries, strict=True))
    ]
    if not steps:
        rows = [
            format_html(
                '<text x="{x}" y="{y}" font-size="12" fill="#57606a">{t}</text>',
                x=BAR_X,
                y=AXIS_H + 20,
                t=_("This public body has no SOP steps to report."),
            )
        ]
    description = " ".join(
        [
            _(
                "Dark bar: median duration; light bar: 90th percentile; dashed line: the "
                "step's time standard (a working day counts as one day here; being on time is "
                "judged against each step's deadline)."
            ),
            *summaries,
        ]
    )
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{axis}{rows}</svg>",
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=description,
        axis=_axis(scale) if steps else "",
        rows=format_html_join("", "{}", ((row,) for row in rows)),
    )


# --- the annual report (Pasal 12): the year's requests by outcome ------------------------------

ANNUAL_BAR_H = 26


def annual_chart(rows: Sequence[tuple[str, int]], *, chart_id: str, title: str) -> SafeString:
    """One horizontal bar per outcome (label and count written beside it), on one scale; the
    <desc> says every number for screen readers."""
    largest = max((n for _label, n in rows), default=0) or 1
    height = AXIS_H + ANNUAL_BAR_H * 2 * max(len(rows), 1)
    bars = []
    for index, (label, count) in enumerate(rows):
        y = AXIS_H + index * ANNUAL_BAR_H * 2
        width = round(count / largest * (BAR_W - 40), 1)
        bars.append(
            format_html(
                '<g class="row"><title>{label}: {n}</title>'
                '<text x="{x}" y="{ty}" font-size="12" fill="#1b1f24">{label}</text>'
                '<rect x="{x}" y="{by}" width="{w}" height="14" fill="#0b5394"/>'
                '<text x="{nx}" y="{ny}" font-size="12" fill="#1b1f24">{n}</text></g>',
                label=_short(label),
                n=count,
                x=BAR_X,
                ty=y + 12,
                by=y + 17,
                w=max(width, 0.5 if count else 0),
                nx=round(BAR_X + width + 4, 1),
                ny=y + 29,
            )
        )
    description = "; ".join(f"{label}: {count}" for label, count in rows) + "."
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{bars}</svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=description,
        bars=format_html_join("", "{}", ((bar,) for bar in bars)),
    )
