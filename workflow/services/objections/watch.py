"""The objection's clock: the reminder to the atasan at 80%, "terlambat" at the deadline (and the
Komisi Informasi deadline of the lapse), one escalation to the PPID Utama, each once."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from ppid.models import Role
from ppid.selectors import users_with_roles
from workflow.models import (
    NoticeKind,
    Objection,
    ObjectionStatus,
)
from workflow.services.notices import notify
from workflow.services.objections.common import audit, notice_names, objection_url
from workflow.services.objections.limits import dispute_deadline_set
from workflow.services.watch import OnceClock, watch


def objection_next_notice(objection: Objection, now: datetime) -> datetime | None:
    """The next moment after `now` at which the objection's clock still owes a notice."""
    return ObjectionClock(objection).next_notice(now)


class ObjectionClock(OnceClock[Objection]):
    """The objection's clock: the reminder to the atasan, "terlambat" to the atasan and the
    PPID (and the Komisi Informasi deadline of the lapse), the escalation to the PPID Utama."""

    action_prefix = "objection"
    saved = (*OnceClock.saved, "dispute_due_at", "dispute_due_explanation")

    def is_open(self) -> bool:
        return self.row.status == ObjectionStatus.FILED

    def recipients(self, kind: str) -> list[AbstractBaseUser]:
        roles = [Role.ATASAN, Role.PPID] if kind == NoticeKind.OVERDUE else [Role.ATASAN]
        return list(users_with_roles(self.row.body, roles))

    def overdue(self) -> None:
        # The requester may take the lapse to the Komisi Informasi (Pasal 37).
        dispute_deadline_set(self.row, start=self.row.due_at)

    def notice(self, kind: str, event: str, recipients: list[AbstractBaseUser], level: int) -> None:
        _notice(self.row, kind, event, recipients)

    def audit(
        self, action: str, now: datetime, recipients: list[AbstractBaseUser], level: int
    ) -> None:
        audit(self.row, action=action, recipients=[u.pk for u in recipients])


def objection_watch(*, objection_id: int, now: datetime | None = None) -> list[str]:
    """Send what the objection's clock owes at `now`, each once, under its row lock: the
    reminder to the atasan at 80% of the 30 working days; at the deadline "terlambat" to the
    atasan and the PPID (and the Komisi Informasi deadline of the lapse, Pasal 37, stored for
    the requester); a grace period later the escalation to the PPID Utama. An answered (or
    deleted) objection is left alone; a sweep held up catches up in one go."""
    return watch(
        ObjectionClock,
        Objection.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body", "request")
        .filter(pk=objection_id),
        now,
    )


def _notice(
    objection: Objection, kind: str, event: str, recipients: list[AbstractBaseUser]
) -> None:
    names = notice_names(objection)
    if kind == NoticeKind.REMINDER:
        title = _("Deadline approaching: objection %(number)s") % names
        message = (
            _(
                "80%% of the time to answer objection %(number)s (request %(request)s, "
                "%(body)s) has passed. The written answer is due by %(deadline)s."
            )
            % names
        )
    elif kind == NoticeKind.OVERDUE:
        title = _("Overdue: objection %(number)s") % names
        message = (
            _(
                "The atasan's written answer to objection %(number)s (request "
                "%(request)s, %(body)s) was due by %(deadline)s and is not given yet "
                "(terlambat)."
            )
            % names
        )
    else:
        title = _("Escalated to you: objection %(number)s is overdue") % names
        message = (
            _(
                "The atasan PPID of %(body)s has not answered objection %(number)s "
                "(request %(request)s), due by %(deadline)s. It is escalated to you as "
                "PPID Utama: please follow it up."
            )
            % names
        )
    notify(
        recipients=recipients,
        kind=kind,
        key=f"objection:{objection.pk}:{event}",
        title=title,
        message=message,
        url=objection_url(objection),
        body=objection.body,
    )
