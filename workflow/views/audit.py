"""The security and audit log for the PPID Utama: sign-ins, accounts, roles and every other
audited change of the bodies they oversee, newest first, filtered and paginated."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from ppid.permissions import may_view_audit
from ppid.selectors import bodies_overseen_by
from workflow.forms import AuditFilterForm
from workflow.labels import action_label, role_label, stage_label
from workflow.selectors import audit_entries_for

PAGE_SIZE = 50


class OpenPage:
    """A page of the log without its total: counting a province's million rows (what a
    PPID Utama may read of them) took seconds, and nobody pages to the end of an audit log;
    they filter. One query reads the page and one row more, which says whether there is a
    next page. Reads as a `Page` does in `public/_pagination.html`."""

    def __init__(self, entries, number: str | None):
        try:
            self.number = max(1, int(number or 1))
        except ValueError:
            self.number = 1
        start = (self.number - 1) * PAGE_SIZE
        rows = list(entries[start : start + PAGE_SIZE + 1])
        self.object_list = rows[:PAGE_SIZE]
        self._has_next = len(rows) > PAGE_SIZE
        self.paginator = self

    def __iter__(self):
        return iter(self.object_list)

    @property
    def num_pages(self) -> int:  # known to be at least this many
        return self.number + 1 if self._has_next else self.number

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


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
    page = OpenPage(entries, request.GET.get("page"))
    for entry in page.object_list:
        entry.label = action_label(entry.action)
        entry.from_label = stage_label(entry.from_state) if entry.from_state else ""
        entry.to_label = stage_label(entry.to_state) if entry.to_state else ""
        role = entry.data.get("role") if isinstance(entry.data, dict) else None
        entry.role_label = role_label(role) if role else ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflow/audit_log.html",
        {
            "form": form,
            "page": page,
            "open_ended": True,
            "page_query": query.urlencode(),
            "page_param": "page",
        },
    )
