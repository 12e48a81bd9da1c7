"""The officer's start page (tasks), the bodies hub and the atasan's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode

from dip.selectors import row_flags_for_user
from ppid.permissions import user_roles, warm_roles
from ppid.selectors import bodies_for_user
from workflow.selectors import (
    serta_merta_waiting_for,
    tasks_for_user,
)
from workflow.selectors.dashboard import (
    STAGES,
    body_summaries,
    deadline_of,
    editions_in_progress,
)
from workflow.selectors.objections import objections_waiting_for
from workflow.views.report import dashboard_report


@login_required
def tasks(request):
    steps = list(tasks_for_user(request.user))
    return render(
        request,
        "workflow/tasks.html",
        {
            "steps": steps,
            "now": timezone.now(),
            "row_flags": row_flags_for_user(request.user),
            "serta_merta_waiting": serta_merta_waiting_for(request.user),
            "objections_waiting": objections_waiting_for(request.user),
        },
    )


@login_required
def bodies(request):
    bodies = list(bodies_for_user(request.user).select_related("parent").order_by("name"))
    warm_roles(request.user, bodies)
    rows = [(body, sorted(user_roles(request.user, body))) for body in bodies]
    return render(request, "workflow/bodies.html", {"rows": rows})


# Editions in progress shown per page on the dashboard (`?page=`), the most urgent first.
WAITING_PER_PAGE = 20
# Flagged rows (berkala updates due, ended exemptions) the dashboard lists; all on /tugas/.
DASHBOARD_ROW_FLAGS = 10


class CountedPaginator(Paginator):
    """A paginator whose total is already known (from the summary's grouped counts): no
    COUNT query of its own."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


@login_required
def dashboard(request):
    """What waits in the user's bodies: a row per body (its editions by stage, overdue ones and
    signatures waiting, the nearest deadline), the editions in progress a page at a time, the
    most urgent first (all bodies, or one: `?body=<slug>`), the flagged rows and the report.
    The same queries whatever the number of bodies or editions (issue 15)."""
    now = timezone.now()
    summaries = body_summaries(request.user, now=now)
    chosen = None
    if slug := request.GET.get("body"):
        # Only a body of the summary (the user reaches it and it has editions): another
        # body's slug is 404, as everywhere.
        chosen = next((s for s in summaries if s.slug == slug), None)
        if chosen is None:
            raise Http404
    shown = [chosen] if chosen else summaries
    in_progress = sum(s.in_progress for s in shown)
    page = CountedPaginator(
        editions_in_progress(request.user, now=now, body_id=chosen.body_id if chosen else None),
        WAITING_PER_PAGE,
        count=in_progress,
    ).get_page(request.GET.get("page"))
    waiting = [
        {
            "edition": edition,
            "step": deadline_of(edition),
            "overdue": edition.overdue,
            "signature": edition.signature,
        }
        for edition in page
    ]
    return render(
        request,
        "workflow/dashboard.html",
        {
            "stages": STAGES,
            "summaries": summaries,
            "chosen": chosen,
            "waiting": waiting,
            "waiting_page": page,
            "waiting_query": urlencode({"body": chosen.slug}) if chosen else "",
            "in_progress_count": in_progress,
            "overdue_count": sum(s.overdue for s in shown),
            "signature_count": sum(s.signature for s in shown),
            **dashboard_report(request),
            "row_flags": row_flags_for_user(request.user, limit=DASHBOARD_ROW_FLAGS),
        },
    )
