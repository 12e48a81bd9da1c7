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
# Rows of the dashboard's per-body table per page (`?bodies_page=`), those with something to
# act on first: a superuser reaches every body of a province (615 in the scale data set).
BODIES_PER_PAGE = 25
# What the dashboard's links and forms carry over: the body narrowing the editions, the page of
# each of the two lists, and the report's period.
DASHBOARD_PARAMS = ("body", "page", "bodies_page", "period")
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


def _dashboard_query(request, *, drop: tuple[str, ...] = (), **values: str) -> str:
    """The dashboard's query string as it stands (only its own parameters), without `drop`
    and with `values` set: each link changes what it is about and keeps the rest."""
    params = {k: request.GET[k] for k in DASHBOARD_PARAMS if request.GET.get(k)}
    for key in drop:
        params.pop(key, None)
    params.update(values)
    return urlencode(params)


@login_required
def dashboard(request):
    """What waits in the user's bodies: a row per body (its editions by stage, overdue ones and
    signatures waiting, the nearest deadline), a page at a time with something to act on
    first; the editions in progress a page at a time, the most urgent first (all bodies, or
    one: `?body=<slug>`); the flagged rows and the report. The same queries whatever the number
    of bodies or editions (issue 15)."""
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
    # The summaries are all read (one grouped query: the counts above are over every body);
    # the table shows a page of them. Without `?bodies_page=`, the page holding the chosen body.
    bodies_page = Paginator(summaries, BODIES_PER_PAGE).get_page(
        request.GET.get("bodies_page")
        or (summaries.index(chosen) // BODIES_PER_PAGE + 1 if chosen else 1)
    )
    waiting = [
        {
            "edition": edition,
            "step": deadline_of(edition),
            "overdue": edition.overdue,
            "signature": edition.signature,
        }
        for edition in page
    ]
    # A page of bodies other than the chosen body's own is kept by the links that leave it.
    bodies_kept = {"bodies_page": str(bodies_page.number)} if bodies_page.number > 1 else {}
    everything = ("body", "page", "bodies_page")
    return render(
        request,
        "workflow/dashboard.html",
        {
            "stages": STAGES,
            "chosen": chosen,
            "waiting": waiting,
            "waiting_page": page,
            "waiting_query": _dashboard_query(request, drop=("page",)),
            "bodies_page": bodies_page,
            "bodies_query": _dashboard_query(request, drop=("bodies_page",)),
            # A body's row links to its editions (`?body=<slug>&...`: the editions' page starts
            # over, the bodies' page is the one holding it); "all bodies" drops the body.
            "body_query": _dashboard_query(request, drop=everything),
            "all_bodies_query": _dashboard_query(request, drop=everything, **bodies_kept),
            "in_progress_count": in_progress,
            "overdue_count": sum(s.overdue for s in shown),
            "signature_count": sum(s.signature for s in shown),
            **dashboard_report(request),
            # A new period keeps the body and the bodies' page; the editions' page starts over.
            "report_keep": [*([("body", chosen.slug)] if chosen else []), *bodies_kept.items()],
            "row_flags": row_flags_for_user(request.user, limit=DASHBOARD_ROW_FLAGS),
        },
    )
