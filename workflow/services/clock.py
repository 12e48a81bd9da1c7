"""The clock watch: what an open step's clock owes its people, sent once each.

A step carries its own schedule (set when it opens): `remind_at` (80% of its time), `due_at`,
then one escalation per grace period after the deadline. `next_notice_at` is the next of those
moments still to come; the beat sweep selects the steps whose moment has passed with one
indexed query and hands each to `step_watch`, which re-checks everything under the step's row
lock, sends what is owed, records it on the step and moves `next_notice_at` on. A second sweep,
or a second worker holding the same step id, finds the work recorded and sends nothing. (That
shape is the one every clock shares: `workflow.services.watch`; `StepClock` is the step's.)

Escalation goes one role up per grace period (`PPID_ESCALATION_GRACE_HOURS`, wall-clock hours):
level 1 is the body's atasan, level 2 the PPID Utama. A step that waits on the atasan goes
straight to level 2 after the first grace; a body without an atasan does too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dip.models import SYSTEM_ACTOR
from ppid.models import Body, Role
from ppid.selectors import users_with_roles
from workflow.deadlines import when
from workflow.models import AuditEntry, NoticeKind, Step, TimeUnit
from workflow.services.notices import notify
from workflow.services.watch import (
    ESCALATION_ROLES,
    Clock,
    escalation_grace,
    level_recipients,
    watch,
)

# A step is escalated only to levels above its own role's rank (the atasan's own step skips
# level 1).
_RANK: dict[str, int] = {Role.ATASAN: 1, Role.PPID_UTAMA: 2}


def escalation_plan(step: Step) -> list[tuple[int, timedelta]]:
    """(level, time after the deadline) for each escalation this step can still reach."""
    rank = _RANK.get(step.role, 0)
    levels = [level for level in ESCALATION_ROLES if level > rank]
    grace = escalation_grace()
    return [(level, grace * n) for n, level in enumerate(levels, start=1)]


def next_notice_moment(step: Step, now: datetime) -> datetime | None:
    """The next moment after `now` at which the step still owes a notice, or None."""
    return StepClock(step).next_notice(now)


def step_actors(step: Step) -> list[AbstractBaseUser]:
    """The officers holding the step's role on its body (for the system's publication step,
    the role of the SOP lane it belongs to)."""
    role = step.role
    if role == SYSTEM_ACTOR:
        info = step.edition.route_stage(step.stage) or {}
        role = info.get("lane_role") or ""
    if role not in Role.values:
        return []
    return list(users_with_roles(step.edition.body, [role]))


def escalation_recipients(step: Step, level: int) -> list[AbstractBaseUser]:
    return level_recipients(step.edition.body, level)


class StepClock(Clock[Step]):
    """The step's clock: the reminder and "terlambat" to the officers holding its role, then
    each escalation above its role's rank."""

    action_prefix = "step"

    def is_open(self) -> bool:
        return self.row.finished_at is None

    def body(self) -> Body:
        return self.row.edition.body

    def plan(self) -> list[tuple[int, timedelta]]:
        return escalation_plan(self.row)

    def recipients(self, kind: str) -> list[AbstractBaseUser]:
        return step_actors(self.row)

    def notice(self, kind: str, event: str, recipients: list[AbstractBaseUser], level: int) -> None:
        _notify(self.row, kind, event, recipients, level)

    def audit(
        self, action: str, now: datetime, recipients: list[AbstractBaseUser], level: int
    ) -> None:
        _audit(self.row, action, now, recipients, level=level or None)


def step_watch(*, step_id: int, now: datetime | None = None) -> list[str]:
    """Send what the step's clock owes at `now`, once; return the events sent.

    Under the step's row lock: a finished (or deleted) step is left alone. Before the
    deadline, the reminder once 80% of the time has passed; at the deadline, "terlambat" to
    the step's actors; each grace period later, the next escalation. A sweep that was held up
    catches up in one go (the reminder is dropped once the deadline has passed). Late events
    are written to the audit trail in the same transaction. Notices are mailed after commit.
    """
    return watch(
        StepClock,
        Step.objects.select_for_update(of=("self",), no_key=True)
        .select_related("edition__body")
        .filter(pk=step_id),
        now,
    )


# --- the words -----------------------------------------------------------------------------


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else _("the system")


def _deadline_text(step: Step) -> str:
    if step.due_at is None:
        return "—"
    text = when(step.due_at, step.edition.body)
    if step.due_explanation:
        text = f"{text} ({step.due_explanation})"
    return text


def _standard_text(step: Step) -> str:
    if not step.standard_amount or step.standard_unit not in TimeUnit.values:
        return "—"
    return f"{step.standard_amount} {TimeUnit(step.standard_unit).label}"


def _details(names: dict[str, str]) -> list[str]:
    """The lines under a step notice's lead: its edition, body, stage and deadline."""
    return [
        _("Edition: %(edition)s") % names,
        _("Public body: %(body)s") % names,
        _("Stage: %(stage)s (%(role)s)") % names,
        _("Deadline: %(deadline)s") % names,
    ]


def _notify(
    step: Step, kind: str, event: str, recipients: list[AbstractBaseUser], level: int = 0
) -> None:
    edition = step.edition
    body = edition.body
    names = {
        "edition": edition.title,
        "body": body.name,
        "stage": step.get_stage_display(),
        "role": _role_label(step.role),
        "deadline": _deadline_text(step),
        "standard": _standard_text(step),
    }
    if kind == NoticeKind.REMINDER:
        title = _("Deadline approaching: %(stage)s of “%(edition)s”") % names
        lead = (
            _(
                "80%% of the time standard (%(standard)s) for this step has passed. "
                "Please finish it before the deadline."
            )
            % names
        )
    elif kind == NoticeKind.OVERDUE:
        title = _("Overdue: %(stage)s of “%(edition)s”") % names
        lead = _("The deadline has passed and this step is not finished yet (terlambat).")
    else:
        names["level_role"] = _role_label(ESCALATION_ROLES[level])
        title = _("Escalated to you: %(stage)s of “%(edition)s” is overdue") % names
        lead = (
            _(
                "This step waits on the %(role)s and is still not finished after its deadline. "
                "It is escalated to you as %(level_role)s: please follow it up."
            )
            % names
        )
    notify(
        recipients=recipients,
        kind=kind,
        key=f"step:{step.pk}:{event}",
        title=title,
        message="\n".join([lead, "", *_details(names)]),
        url=reverse("workflow:edition", args=[edition.pk]),
        body=body,
        edition=edition,
    )


def step_handover_notify(
    step: Step, *, by: AbstractBaseUser | None, transition: str, note: str
) -> list[AbstractBaseUser]:
    """Tell whoever must act on a newly opened step that it is theirs now, with the note of the
    hand-over: an in-app notice and (after commit) an e-mail each. A return says so
    ("dikembalikan"). The system's publication step tells nobody; nor is the officer who
    handed it over told of their own hand-over. Returns the recipients."""
    if step.role == SYSTEM_ACTOR:
        return []
    recipients = [u for u in step_actors(step) if by is None or u.pk != by.pk]
    if not recipients:
        return []
    edition = step.edition
    returned = transition == "return"
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "edition": edition.display_title,
            "body": edition.body.name,
            "stage": step.get_stage_display(),
            "role": _role_label(step.role),
            "deadline": _deadline_text(step),
            "by": (by.get_full_name() or by.get_username()) if by else _("the system"),
        }
        if returned:
            title = _("Returned to you (dikembalikan): %(stage)s of “%(edition)s”") % names
            lead = _("%(by)s returned the edition to you. Fix what the note asks, then hand it on.")
        else:
            title = _("Your turn: %(stage)s of “%(edition)s”") % names
            lead = _("%(by)s handed the edition over to you.")
        lines = [lead % names, ""]
        if note:
            lines += [_("Note: %(note)s") % {"note": note}, ""]
        lines += _details(names)
    notify(
        recipients=recipients,
        kind=NoticeKind.RETURNED if returned else NoticeKind.HANDOVER,
        key=f"step:{step.pk}:{'returned' if returned else 'handover'}",
        title=title,
        message="\n".join(lines),
        url=reverse("workflow:edition", args=[edition.pk]),
        body=edition.body,
        edition=edition,
        fresh=True,  # the step was opened in this transaction: nobody has its notice yet
    )
    return recipients


def _audit(
    step: Step,
    action: str,
    now: datetime,
    recipients: list[AbstractBaseUser],
    *,
    level: int | None = None,
) -> None:
    data: dict = {
        "stage": step.stage,
        "role": step.role,
        "due_at": step.due_at.isoformat() if step.due_at else None,
        "recipients": [user.pk for user in recipients],
    }
    if level is not None:
        data["level"] = level
        data["escalated_to"] = ESCALATION_ROLES[level].value
    AuditEntry.objects.create(
        at=now,
        body=step.edition.body,
        edition=step.edition,
        action=action,
        target_type="workflow.step",
        target_id=str(step.pk),
        data=data,
    )
