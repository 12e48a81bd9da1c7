"""The serta merta request's clock: the reminder to the PPID at 80% of the standard,
"terlambat" at the deadline, one escalation to the PPID Utama, each once and audited."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from ppid.models import Role
from ppid.selectors import users_with_roles
from workflow.deadlines import when
from workflow.models import NoticeKind, SertaMertaRequest, SertaMertaState, TimeUnit
from workflow.services.notices import notify
from workflow.services.sertamerta.requests import _audit, _url
from workflow.services.watch import OnceClock, watch


def next_notice_moment(request: SertaMertaRequest, now: datetime) -> datetime | None:
    """The next moment after `now` at which the request still owes a notice, or None."""
    return SertaMertaClock(request).next_notice(now)


class SertaMertaClock(OnceClock[SertaMertaRequest]):
    """The serta merta request's clock: the reminder to the PPID, "terlambat" to the PPID and
    the atasan, the escalation to the PPID Utama. It stores no escalation level."""

    action_prefix = "serta_merta"
    saved = ("reminded_at", "overdue_noticed_at", "escalated_at", "next_notice_at")

    def is_open(self) -> bool:
        return self.row.state == SertaMertaState.DIAJUKAN

    def recipients(self, kind: str) -> list[AbstractBaseUser]:
        roles = [Role.PPID, Role.ATASAN] if kind == NoticeKind.OVERDUE else [Role.PPID]
        return list(users_with_roles(self.row.body, roles))

    def notice(self, kind: str, event: str, recipients: list[AbstractBaseUser], level: int) -> None:
        _clock_notice(self.row, kind, event, recipients)

    def audit(
        self, action: str, now: datetime, recipients: list[AbstractBaseUser], level: int
    ) -> None:
        _audit(self.row, user=None, action=action, recipients=[u.pk for u in recipients])


def serta_merta_watch(*, request_id: int, now: datetime | None = None) -> list[str]:
    """Send what a waiting request's clock owes at `now`, once each; return the events sent.

    Under the row's lock, like a step's watch (`workflow.services.clock.step_watch`): before
    the deadline, the reminder to the PPID once 80% of the standard has passed; at the deadline,
    terlambat to the PPID and the atasan; a grace period later (`PPID_ESCALATION_GRACE_HOURS`),
    the escalation to the PPID Utama over the body. A decided (or deleted) request is left
    alone; a sweep that was held up catches up in one go (no reminder once overdue)."""
    return watch(
        SertaMertaClock,
        SertaMertaRequest.objects.select_for_update(of=("self",))
        .select_related("body")
        .filter(pk=request_id),
        now,
    )


def _clock_notice(
    request: SertaMertaRequest, kind: str, event: str, recipients: list[AbstractBaseUser]
) -> None:
    names = {
        "title": request.title,
        "body": request.body.name,
        "deadline": when(request.due_at, request.body),
        "standard": f"{request.standard_amount} {TimeUnit(request.standard_unit).label}",
    }
    if kind == NoticeKind.REMINDER:
        title = _("Deadline approaching: the serta merta announcement of “%(title)s”") % names
        message = (
            _(
                "80%% of the time standard (%(standard)s) for the PPID's decision on announcing "
                "“%(title)s” (%(body)s) at once has passed. Approve it or return it with a note "
                "by %(deadline)s."
            )
            % names
        )
    elif kind == NoticeKind.OVERDUE:
        title = _("Overdue: the serta merta announcement of “%(title)s”") % names
        message = (
            _(
                "The request to announce “%(title)s” (%(body)s) at once was due for the PPID's "
                "decision by %(deadline)s and is still waiting (terlambat)."
            )
            % names
        )
    else:
        title = (
            _("Escalated to you: the serta merta announcement of “%(title)s” is overdue") % names
        )
        message = (
            _(
                "The request to announce “%(title)s” (%(body)s) at once was due for the PPID's "
                "decision by %(deadline)s and is still waiting. It is escalated to you as PPID "
                "Utama: please follow it up."
            )
            % names
        )
    notify(
        recipients=recipients,
        kind=kind,
        key=f"serta_merta:{request.pk}:{event}",
        title=title,
        message=message,
        url=_url(request),
        body=request.body,
    )
