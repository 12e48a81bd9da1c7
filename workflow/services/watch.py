"""What the clock watches share: a step's (`workflow.services.clock`), an information request's,
an objection's and a serta merta request's (each package's `watch`).

A watched row carries its schedule and what it has sent: `remind_at` (80% of its time),
`reminded_at`, `overdue_noticed_at`, `escalated_at` (and `escalation_level` where it stores one)
and `next_notice_at`, the next moment still owed, by which the beat sweep selects it. `watch`
takes the row's lock, and if the thing is still open sends what its clock owes at `now`, each
once: before the deadline the reminder; at the deadline "terlambat"; each grace period after it
(`PPID_ESCALATION_GRACE_HOURS`, wall-clock hours) the next escalation, one role up. A sweep that
was held up catches up in one go (the reminder is dropped once the deadline has passed). Each
notice is written to the audit trail in the same transaction and mailed after commit; the row
records it and moves `next_notice_at` on, so a second sweep, or a second worker holding the
same id, finds the work recorded and sends nothing.

What is each thing's own (its deadline, the escalations it can still reach, whom the reminder
and "terlambat" tell, the words and key of its notices, its audit row) is a `Clock` subclass.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone, translation

from ppid.models import Body, Role
from ppid.oversight import users_overseeing
from ppid.selectors import users_with_roles
from workflow.models import NoticeKind

# Escalation level → the role told at that level: the body's atasan, then the PPID Utama over
# the body.
ESCALATION_ROLES: dict[int, Role] = {1: Role.ATASAN, 2: Role.PPID_UTAMA}

# The audit action of each notice, after the thing's prefix ("step.reminded").
_ACTIONS = {
    NoticeKind.REMINDER: "reminded",
    NoticeKind.OVERDUE: "overdue",
    NoticeKind.ESCALATION: "escalated",
}

Row = TypeVar("Row", bound=models.Model)


def escalation_grace() -> timedelta:
    return timedelta(hours=settings.PPID_ESCALATION_GRACE_HOURS)


def level_recipients(body: Body, level: int) -> list[AbstractBaseUser]:
    """Who an escalation at `level` tells on `body`: its atasan, or the PPID Utama over it."""
    if ESCALATION_ROLES[level] == Role.ATASAN:
        return list(users_with_roles(body, [Role.ATASAN]))
    return list(users_overseeing(body))


class Clock(ABC, Generic[Row]):
    """A watched row's clock. A subclass names what is the thing's own; `watch` does the rest."""

    # What `watch` saves on the row.
    saved: tuple[str, ...] = (
        "reminded_at",
        "overdue_noticed_at",
        "escalation_level",
        "escalated_at",
        "next_notice_at",
    )
    # The audit actions' prefix: "step" gives "step.reminded", "step.overdue", "step.escalated".
    action_prefix: str = ""
    # An escalation's event (its notice's key, the name `watch` returns) names its level
    # ("escalation:1"); False: the thing escalates once, as "escalation".
    levelled: bool = True

    def __init__(self, row: Row):
        self.row = row

    @abstractmethod
    def is_open(self) -> bool: ...

    def due(self) -> datetime | None:
        return self.row.due_at

    def body(self) -> Body:
        return self.row.body

    @abstractmethod
    def plan(self) -> list[tuple[int, timedelta]]:
        """(level, time after the deadline) of each escalation the thing can reach, in order."""

    def escalations(self) -> list[tuple[int, timedelta]]:
        """Those of `plan` still owed: above the level the row has reached."""
        reached = self.row.escalation_level
        return [(level, after) for level, after in self.plan() if level > reached]

    @abstractmethod
    def recipients(self, kind: str) -> list[AbstractBaseUser]:
        """Whom the reminder or "terlambat" tells."""

    @abstractmethod
    def notice(self, kind: str, event: str, recipients: list[AbstractBaseUser], level: int) -> None:
        """The in-app notice (and, after commit, its e-mail): `kind` a `NoticeKind`, `event`
        the last part of its key, `level` the escalation's (0 for the others)."""

    @abstractmethod
    def audit(
        self, action: str, now: datetime, recipients: list[AbstractBaseUser], level: int
    ) -> None: ...

    def overdue(self) -> None:
        """What else the deadline's passing sets on the row (in memory; `watch` saves)."""

    def next_notice(self, now: datetime) -> datetime | None:
        """The next moment after `now` at which the clock still owes a notice, or None."""
        row = self.row
        moments: list[datetime] = []
        if row.remind_at and row.reminded_at is None and row.overdue_noticed_at is None:
            moments.append(row.remind_at)
        due = self.due()
        if due is not None:
            if row.overdue_noticed_at is None:
                moments.append(due)
            moments += [due + after for _, after in self.escalations()]
        return min((m for m in moments if m > now), default=None)

    def send_owed(self, now: datetime) -> list[str]:
        """Send what the clock owes at `now`, each once, record it on the row (in memory) and
        return the events sent."""
        row = self.row
        sent: list[str] = []
        due = self.due()
        if due is not None and now >= due:
            if row.overdue_noticed_at is None:
                recipients = self.recipients(NoticeKind.OVERDUE)
                self.notice(NoticeKind.OVERDUE, "overdue", recipients, 0)
                row.overdue_noticed_at = now
                self.overdue()
                self._audit(NoticeKind.OVERDUE, now, recipients)
                sent.append("overdue")
            reached = 0
            for level, after in self.escalations():
                if level <= reached:
                    continue
                if now < due + after:
                    break
                recipients = level_recipients(self.body(), level)
                while not recipients and level < max(ESCALATION_ROLES):
                    level += 1  # nobody holds that role here: the next one up is told now
                    recipients = level_recipients(self.body(), level)
                event = f"escalation:{level}" if self.levelled else "escalation"
                self.notice(NoticeKind.ESCALATION, event, recipients, level)
                if "escalation_level" in self.saved:
                    row.escalation_level = level
                row.escalated_at = now
                self._audit(NoticeKind.ESCALATION, now, recipients, level)
                sent.append(event)
                reached = level
        elif row.remind_at and now >= row.remind_at and row.reminded_at is None:
            recipients = self.recipients(NoticeKind.REMINDER)
            self.notice(NoticeKind.REMINDER, "reminder", recipients, 0)
            row.reminded_at = now
            self._audit(NoticeKind.REMINDER, now, recipients)
            sent.append("reminder")
        return sent

    def _audit(
        self, kind: str, now: datetime, recipients: list[AbstractBaseUser], level: int = 0
    ) -> None:
        self.audit(f"{self.action_prefix}.{_ACTIONS[kind]}", now, recipients, level)


class OnceClock(Clock[Row]):
    """A clock that escalates once, a grace period after the deadline, to the PPID Utama over
    the body (level 2), as "escalation"."""

    levelled = False

    def plan(self) -> list[tuple[int, timedelta]]:
        return [(max(ESCALATION_ROLES), escalation_grace())]

    def escalations(self) -> list[tuple[int, timedelta]]:
        # Such a row keeps no level: whether it has escalated is its `escalated_at`.
        return [] if self.row.escalated_at is not None else self.plan()


def watch(clock: type[Clock[Row]], locked: models.QuerySet[Row], now: datetime | None) -> list[str]:
    """Send what the clock of the one row in `locked` (a `select_for_update` query filtered to
    its id) owes at `now`, once each, under its lock; return the events sent. A gone or closed
    thing is left alone."""
    now = now or timezone.now()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        row = locked.first()
        if row is None:
            return []
        watched = clock(row)
        if not watched.is_open():
            return []
        sent = watched.send_owed(now)
        row.next_notice_at = watched.next_notice(now)
        row.save(update_fields=list(watched.saved))
    return sent
