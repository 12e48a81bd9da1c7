"""The objection's clock: the reminder to the atasan at 80%, "terlambat" at the deadline (and the
Komisi Informasi deadline of the lapse), one escalation to the PPID Utama, each once."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ppid.models import Role
from ppid.oversight import users_overseeing
from ppid.selectors import users_with_roles
from workflow.models import (
    NoticeKind,
    Objection,
    ObjectionStatus,
)
from workflow.services.clock import escalation_grace
from workflow.services.notices import notify
from workflow.services.objections.common import audit, notice_names, objection_url
from workflow.services.objections.limits import dispute_deadline_set


def objection_next_notice(objection: Objection, now: datetime) -> datetime | None:
    """The next moment after `now` at which the objection's clock still owes a notice."""
    moments = []
    if (
        objection.remind_at
        and objection.reminded_at is None
        and objection.overdue_noticed_at is None
    ):
        moments.append(objection.remind_at)
    if objection.overdue_noticed_at is None:
        moments.append(objection.due_at)
    if objection.escalated_at is None:
        moments.append(objection.due_at + escalation_grace())
    return min((m for m in moments if m > now), default=None)


def objection_watch(*, objection_id: int, now: datetime | None = None) -> list[str]:
    """Send what the objection's clock owes at `now`, each once, under its row lock: the
    reminder to the atasan at 80% of the 30 working days; at the deadline "terlambat" to the
    atasan and the PPID (and the Komisi Informasi deadline of the lapse, Pasal 37, stored for
    the requester); a grace period later the escalation to the PPID Utama. An answered (or
    deleted) objection is left alone; a sweep held up catches up in one go."""
    now = now or timezone.now()
    sent: list[str] = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        objection = (
            Objection.objects.select_for_update(of=("self",), no_key=True)
            .select_related("body", "request")
            .filter(pk=objection_id)
            .first()
        )
        if objection is None or objection.status != ObjectionStatus.FILED:
            return []
        body = objection.body
        names = notice_names(objection)
        if now >= objection.due_at:
            if objection.overdue_noticed_at is None:
                recipients = list(users_with_roles(body, [Role.ATASAN, Role.PPID]))
                notify(
                    recipients=recipients,
                    kind=NoticeKind.OVERDUE,
                    key=f"objection:{objection.pk}:overdue",
                    title=_("Overdue: objection %(number)s") % names,
                    message=_(
                        "The atasan's written answer to objection %(number)s (request "
                        "%(request)s, %(body)s) was due by %(deadline)s and is not given yet "
                        "(terlambat)."
                    )
                    % names,
                    url=objection_url(objection),
                    body=body,
                )
                objection.overdue_noticed_at = now
                dispute_deadline_set(objection, start=objection.due_at)
                audit(
                    objection,
                    action="objection.overdue",
                    recipients=[u.pk for u in recipients],
                )
                sent.append("overdue")
            if objection.escalated_at is None and now >= objection.due_at + escalation_grace():
                recipients = list(users_overseeing(body))
                notify(
                    recipients=recipients,
                    kind=NoticeKind.ESCALATION,
                    key=f"objection:{objection.pk}:escalation",
                    title=_("Escalated to you: objection %(number)s is overdue") % names,
                    message=_(
                        "The atasan PPID of %(body)s has not answered objection %(number)s "
                        "(request %(request)s), due by %(deadline)s. It is escalated to you as "
                        "PPID Utama: please follow it up."
                    )
                    % names,
                    url=objection_url(objection),
                    body=body,
                )
                objection.escalated_at = now
                objection.escalation_level = 2
                audit(
                    objection,
                    action="objection.escalated",
                    recipients=[u.pk for u in recipients],
                )
                sent.append("escalation")
        elif objection.remind_at and now >= objection.remind_at and objection.reminded_at is None:
            recipients = list(users_with_roles(body, [Role.ATASAN]))
            notify(
                recipients=recipients,
                kind=NoticeKind.REMINDER,
                key=f"objection:{objection.pk}:reminder",
                title=_("Deadline approaching: objection %(number)s") % names,
                message=_(
                    "80%% of the time to answer objection %(number)s (request %(request)s, "
                    "%(body)s) has passed. The written answer is due by %(deadline)s."
                )
                % names,
                url=objection_url(objection),
                body=body,
            )
            objection.reminded_at = now
            audit(objection, action="objection.reminded", recipients=[u.pk for u in recipients])
            sent.append("reminder")
        objection.next_notice_at = objection_next_notice(objection, now)
        objection.save(
            update_fields=[
                "reminded_at",
                "overdue_noticed_at",
                "escalation_level",
                "escalated_at",
                "next_notice_at",
                "dispute_due_at",
                "dispute_due_explanation",
            ]
        )
    return sent
