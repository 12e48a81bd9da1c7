"""The officer's start page (tasks), the bodies hub and the atasan's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from dip.models import Stage
from dip.selectors import row_flags_for_user
from ppid.permissions import user_roles, warm_roles
from ppid.selectors import bodies_for_user
from workflow.selectors import (
    editions_with_clock,
    open_step,
    serta_merta_waiting_for,
    tasks_for_user,
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


@login_required
def dashboard(request):
    """Counts by stage and body; editions waiting for a signature first, overdue marked."""
    editions = editions_with_clock(request.user)
    counts = editions.values("body__name", "state").annotate(n=Count("pk"))
    table: dict[str, dict[str, int]] = {}
    for row in counts:
        table.setdefault(row["body__name"], {})[row["state"]] = row["n"]
    stages = list(Stage)
    matrix = [
        (name, [per_stage.get(s.value, 0) for s in stages])
        for name, per_stage in sorted(table.items())
    ]
    now = timezone.now()
    waiting = []
    for edition in editions.exclude(state=Stage.PUBLISHED):
        step = open_step(edition)
        waiting.append(
            {
                "edition": edition,
                "step": step,
                "overdue": bool(step and step.due_at and step.due_at < now),
                "signature": edition.state == Stage.APPROVAL,
            }
        )
    waiting.sort(
        key=lambda w: (
            not w["signature"],
            not w["overdue"],
            w["step"].due_at if w["step"] and w["step"].due_at else now,
        )
    )
    return render(
        request,
        "workflow/dashboard.html",
        {
            "stages": stages,
            "matrix": matrix,
            "waiting": waiting,
            "overdue_count": sum(1 for w in waiting if w["overdue"]),
            "signature_count": sum(1 for w in waiting if w["signature"]),
            **dashboard_report(request),
            "row_flags": row_flags_for_user(request.user),
        },
    )
