"""The security and audit log for the PPID Utama: sign-ins, accounts, roles and every other
audited change of the bodies they oversee, newest first, filtered and paginated."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render

from ppid.permissions import may_view_audit
from ppid.selectors import bodies_overseen_by
from workflow.forms import AuditFilterForm
from workflow.labels import action_label, role_label, stage_label
from workflow.selectors import audit_entries_for

PAGE_SIZE = 50


class KeysetPage:
    """A page of the log found by where the page before ended, not by an offset, and without a
    total: counting what a PPID Utama may read of a province's million rows took seconds, and
    page 100 by OFFSET read 70,000 rows to skip them (issue 15). `?sebelum=<at>~<id>` is the
    page of entries older than that one, `?sesudah=<at>~<id>` the page newer than it; `page`
    only numbers the page for the reader. One query reads the page and one row more, which
    says whether there is a page beyond it. The log is newest first."""

    def __init__(self, entries, params):
        try:
            self.number = max(1, int(params.get("page") or 1))
        except ValueError:
            self.number = 1
        older, newer = _cursor(params.get("sebelum")), _cursor(params.get("sesudah"))
        if newer is not None:
            at, pk = newer
            rows = list(
                entries.filter(Q(at__gte=at) & (Q(at__gt=at) | Q(pk__gt=pk))).order_by("at", "pk")[
                    : PAGE_SIZE + 1
                ]
            )
            self._more_newer = len(rows) > PAGE_SIZE
            self.object_list = rows[:PAGE_SIZE][::-1]
            self._more_older = True
        else:
            if older is not None:
                at, pk = older
                entries = entries.filter(Q(at__lte=at) & (Q(at__lt=at) | Q(pk__lt=pk)))
            rows = list(entries[: PAGE_SIZE + 1])
            self.object_list = rows[:PAGE_SIZE]
            self._more_older = len(rows) > PAGE_SIZE
            self._more_newer = older is not None
        if not self._more_newer:
            self.number = 1
        elif self.number == 1:
            self.number = 2

    def __iter__(self):
        return iter(self.object_list)

    @property
    def older_cursor(self) -> str:
        last = self.object_list[-1]
        return f"{last.at.isoformat()}~{last.pk}"

    @property
    def newer_cursor(self) -> str:
        first = self.object_list[0]
        return f"{first.at.isoformat()}~{first.pk}"

    @property
    def has_older(self) -> bool:
        return self._more_older and bool(self.object_list)

    @property
    def has_newer(self) -> bool:
        return self._more_newer and bool(self.object_list)


def _cursor(value: str | None) -> tuple[datetime, int] | None:
    """`<ISO time>~<id>` as written by `KeysetPage`; None for anything else."""
    if not value or "~" not in value:
        return None
    at, _, pk = value.rpartition("~")
    try:
        moment, number = datetime.fromisoformat(at), int(pk)
    except ValueError:
        return None
    return (moment, number) if moment.tzinfo is not None else None


@login_required
def audit_log(request):
    if not may_view_audit(request.user):
        raise PermissionDenied
    bodies = bodies_overseen_by(request.user)
    form = AuditFilterForm(request.GET or None, bodies=bodies)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries_for(
        request.user,
        bodies=bodies,
        body=filters.get("body"),
        username=(filters.get("user") or "").strip(),
        action=filters.get("action") or "",
    )
    page = KeysetPage(entries, request.GET)
    for entry in page.object_list:
        entry.label = action_label(entry.action)
        entry.from_label = stage_label(entry.from_state) if entry.from_state else ""
        entry.to_label = stage_label(entry.to_state) if entry.to_state else ""
        role = entry.data.get("role") if isinstance(entry.data, dict) else None
        entry.role_label = role_label(role) if role else ""
    query = request.GET.copy()
    for key in ("page", "sebelum", "sesudah"):
        query.pop(key, None)
    return render(
        request,
        "workflow/audit_log.html",
        {
            "form": form,
            "page": page,
            "page_query": query.urlencode(),
            "page_param": "page",
        },
    )
