"""The request's clock: the reminder at 80% of the time, "terlambat" at the deadline (the
extended one after an extension), then one escalation per grace period (the atasan, then the
PPID Utama), each once and audited."""

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
from workflow.models import (
    InformationRequest,
    NoticeKind,
)
from workflow.services.clock import ESCALATION_ROLES, escalation_grace
from workflow.services.notices import notify
from workflow.services.requests.common import audit, officer_url


def escalation_plan(request: InformationRequest) -> list[tuple[int, object]]:
    grace = escalation_grace()
    return [(level, grace * n) for n, level in enumerate(sorted(ESCALATION_ROLES), start=1)]


def next_notice_moment(request: InformationRequest, now: datetime) -> datetime | None:
    if not request.is_open:
        return None
    moments = []
    due = request.deadline
    if request.remind_at and request.reminded_at is None and request.overdue_noticed_at is None:
        moments.append(request.remind_at)
    if request.overdue_noticed_at is None:
        moments.append(due)
    moments += [
        due + after for level, after in escalation_plan(request) if level > request.escalation_level
    ]
    return min((m for m in moments if m > now), default=None)


def _handlers(request: InformationRequest) -> list[AbstractBaseUser]:
    return list(users_with_roles(request.body, [Role.PPID, Role.OPERATOR]))


def _escalation_recipients(request: InformationRequest, level: int) -> list[AbstractBaseUser]:
    if ESCALATION_ROLES[level] == Role.ATASAN:
        return list(users_with_roles(request.body, [Role.ATASAN]))
    return list(users_overseeing(request.body))


def request_watch(*, request_id: int, now: datetime | None = None) -> list[str]:
    """Send what the request's clock owes at `now`, once each: the reminder at 80% of the
    time, "terlambat" at the deadline (the extended one after an extension), then one
    escalation per grace period (the atasan, then the PPID Utama). Under the row lock; a
    decided or deleted request is left alone; each event is audited."""
    now = now or timezone.now()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        request = (
            InformationRequest.objects.select_for_update(of=("self",), no_key=True)
            .select_related("body")
            .filter(pk=request_id)
            .first()
        )
        if request is None or not request.is_open:
            return []
        sent: list[str] = []
        due = request.deadline
        if now >= due:
            if request.overdue_noticed_at is None:
                recipients = _handlers(request)
                _notify_clock(request, NoticeKind.OVERDUE, "overdue", recipients)
                request.overdue_noticed_at = now
                audit(request, user=None, action="request.overdue", at=now)
                sent.append("overdue")
            for level, after in escalation_plan(request):
                if level <= request.escalation_level:
                    continue
                if now < due + after:
                    break
                recipients = _escalation_recipients(request, level)
                while not recipients and level < max(ESCALATION_ROLES):
                    level += 1
                    recipients = _escalation_recipients(request, level)
                _notify_clock(request, NoticeKind.ESCALATION, f"escalation:{level}", recipients)
                request.escalation_level = level
                request.escalated_at = now
                audit(request, user=None, action="request.escalated", at=now, level=level)
                sent.append(f"escalation:{level}")
        elif request.remind_at and now >= request.remind_at and request.reminded_at is None:
            _notify_clock(request, NoticeKind.REMINDER, "reminder", _handlers(request))
            request.reminded_at = now
            audit(request, user=None, action="request.reminded", at=now)
            sent.append("reminder")
        request.next_notice_at = next_notice_moment(request, now)
        request.save(
            update_fields=[
                "reminded_at",
                "overdue_noticed_at",
                "escalation_level",
                "escalated_at",
                "next_notice_at",
            ]
        )
    return sent


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
