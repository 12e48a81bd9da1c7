"""The request's clock: the reminder at 80% of the time, "terlambat" at the deadline (the
extended one after an extension), then one escalation per grace period (the atasan, then the
PPID Utama), each once and audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from ppid.models import Role
from ppid.selectors import users_with_roles
from workflow.deadlines import when
from workflow.models import (
    InformationRequest,
    NoticeKind,
)
from workflow.services.notices import notify
from workflow.services.requests.common import audit, officer_url
from workflow.services.watch import ESCALATION_ROLES, Clock, escalation_grace, watch


def escalation_plan(request: InformationRequest) -> list[tuple[int, timedelta]]:
    grace = escalation_grace()
    return [(level, grace * n) for n, level in enumerate(sorted(ESCALATION_ROLES), start=1)]


def next_notice_moment(request: InformationRequest, now: datetime) -> datetime | None:
    if not request.is_open:
        return None
    return RequestClock(request).next_notice(now)


class RequestClock(Clock[InformationRequest]):
    """The request's clock: the reminder and "terlambat" to its PPID and operators, then the
    atasan and the PPID Utama."""

    action_prefix = "request"

    def is_open(self) -> bool:
        return self.row.is_open

    def due(self) -> datetime:
        return self.row.deadline

    def plan(self) -> list[tuple[int, timedelta]]:
        return escalation_plan(self.row)

    def recipients(self, kind: str) -> list[AbstractBaseUser]:
        return list(users_with_roles(self.row.body, [Role.PPID, Role.OPERATOR]))

    def notice(self, kind: str, event: str, recipients: list[AbstractBaseUser], level: int) -> None:
        _notify_clock(self.row, kind, event, recipients)

    def audit(
        self, action: str, now: datetime, recipients: list[AbstractBaseUser], level: int
    ) -> None:
        if level:
            audit(self.row, user=None, action=action, at=now, level=level)
        else:
            audit(self.row, user=None, action=action, at=now)


def request_watch(*, request_id: int, now: datetime | None = None) -> list[str]:
    """Send what the request's clock owes at `now`, once each: the reminder at 80% of the
    time, "terlambat" at the deadline (the extended one after an extension), then one
    escalation per grace period (the atasan, then the PPID Utama). Under the row lock; a
    decided or deleted request is left alone; each event is audited."""
    return watch(
        RequestClock,
        InformationRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .filter(pk=request_id),
        now,
    )


def _notify_clock(
    request: InformationRequest, kind: str, event: str, recipients: list[AbstractBaseUser]
) -> None:
    extended = "extended:" if request.extended_due_at else ""
    names = {
        "number": request.register_number,
        "body": request.body.name,
        "deadline": when(request.deadline, request.body),
    }
    if kind == NoticeKind.REMINDER:
        title = _("Deadline approaching: request for information %(number)s") % names
        lead = _("80%% of the time to answer request %(number)s has passed.") % names
    elif kind == NoticeKind.OVERDUE:
        title = _("Overdue: request for information %(number)s") % names
        lead = _("The written notice of request %(number)s is late (terlambat).") % names
    else:
        title = _("Escalated to you: request for information %(number)s is overdue") % names
        lead = (
            _("Request %(number)s is still unanswered after its deadline; please follow it up.")
            % names
        )
    notify(
        recipients=recipients,
        kind=kind,
        key=f"request:{request.pk}:{extended}{event}",
        title=title,
        message="\n".join(
            [
                lead,
                "",
                _("Public body: %(body)s") % names,
                _("Deadline: %(deadline)s") % names,
            ]
        ),
        url=officer_url(request),
        body=request.body,
    )
