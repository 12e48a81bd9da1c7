from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ppid.models import Role
from ppid.oversight import users_overseeing
from ppid.selectors import users_with_roles
from workflow.deadlines import when
from workflow.models import NoticeKind, SertaMertaRequest, SertaMertaState, TimeUnit
from workflow.services.clock import escalation_grace
from workflow.services.notices import notify
from workflow.services.sertamerta.requests import _audit, _url


def next_notice_moment(request: SertaMertaRequest, now: datetime) -> datetime | None:
    """The next moment after `now` at which the request still owes a notice, or None."""
    moments: list[datetime] = []
    if request.remind_at and request.reminded_at is None and request.overdue_noticed_at is None:
        moments.append(request.remind_at)
    if request.overdue_noticed_at is None:
        moments.append(request.due_at)
    if request.escalated_at is None:
        moments.append(request.due_at + escalation_grace())
    return min((m for m in moments if m > now), default=None)


def serta_merta_watch(*, request_id: int, now: datetime | None = None) -> list[str]:
    """Send what a waiting request's clock owes at `now`, once each; return the events sent.

    Under the row's lock, like a step's watch (`workflow.services.clock.step_watch`): before
    the deadline, the reminder to the PPID once 80% of the standard has passed; at the deadline,
    terlambat to the PPID and the atasan; a grace period later (`PPID_ESCALATION_GRACE_HOURS`),
    the escalation to the PPID Utama over the body. A decided (or deleted) request is left
    alone; a sweep that was held up catches up in one go (no reminder once overdue)."""
    now = now or timezone.now()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        request = (
            SertaMertaRequest.objects.select_for_update(of=("self",))
            .select_related("body")
            .filter(pk=request_id)
            .first()
        )
        if request is None or request.state != SertaMertaState.DIAJUKAN:
            return []
        sent: list[str] = []
        if now >= request.due_at:
            if request.overdue_noticed_at is None:
                recipients = list(users_with_roles(request.body, [Role.PPID, Role.ATASAN]))
                _clock_notice(request, NoticeKind.OVERDUE, "overdue", recipients)
                request.overdue_noticed_at = now
                _audit(
                    request, user=None, action="serta_merta.overdue", recipients=_ids(recipients)
                )
                sent.append("overdue")
            if request.escalated_at is None and now >= request.due_at + escalation_grace():
                recipients = list(users_overseeing(request.body))
                _clock_notice(request, NoticeKind.ESCALATION, "escalation", recipients)
                request.escalated_at = now
                _audit(
                    request, user=None, action="serta_merta.escalated", recipients=_ids(recipients)
                )
                sent.append("escalation")
        elif request.remind_at and now >= request.remind_at and request.reminded_at is None:
            recipients = list(users_with_roles(request.body, [Role.PPID]))
            _clock_notice(request, NoticeKind.REMINDER, "reminder", recipients)
            request.reminded_at = now
            _audit(request, user=None, action="serta_merta.reminded", recipients=_ids(recipients))
            sent.append("reminder")
        request.next_notice_at = next_notice_moment(request, now)
        request.save(
            update_fields=[
                "reminded_at",
                "overdue_noticed_at",
                "escalated_at",
                "next_notice_at",
            ]
        )
    return sent


def _ids(users: list[AbstractBaseUser]) -> list[int]:
    return [user.pk for user in users]


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
