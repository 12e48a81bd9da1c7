"""Serta merta announced at once (UU 14/2008 Pasal 10), not with the yearly edition.

The operator (or the PPID) of the body asks to announce one serta merta item
(`serta_merta_request_create`); the PPID of the body is told (notice and e-mail) and decides in
one step with its own short time standard (the body's own, set on its SOP page by the PPID
Utama or the atasan, else the project's `PPID_SERTA_MERTA_STANDARD_AMOUNT`/`_UNIT`, office time
by default one hour), stored on the request with its deadline when it is asked. Approval
(`serta_merta_request_approve`) announces the item on the public site in the same transaction
(`dip.services.announcements.item_announce_serta_merta`: the public pages are retired on commit,
the spoken version queued) and lists it in the next DIP; a return sends the note back to whoever
asked. The clock is a step's (`workflow.services.clock`): a reminder to the PPID at 80% of the
standard, terlambat to the PPID and the atasan at the deadline, and the escalation to the PPID
Utama over the body a grace period later, each once (`serta_merta_watch`, handed each due
request by the beat sweep, re-checks under the row's lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from dip.models import Classification, Item
from dip.permissions import can_approve_serta_merta, can_request_serta_merta
from dip.services.announcements import item_announce_serta_merta, serta_merta_announcement
from dip.services.common import require
from ppid.calendar import calendar_for_body
from ppid.exceptions import Conflict
from ppid.fields import note_check
from ppid.models import Body, Role
from ppid.oversight import users_overseeing
from ppid.selectors import users_with_roles
from workflow.deadlines import compute_deadline, when
from workflow.models import (
    UNIT_SECONDS,
    AuditEntry,
    NoticeKind,
    SertaMertaRequest,
    SertaMertaStandard,
    SertaMertaState,
    TimeUnit,
    standard_seconds_of,
)
from workflow.permissions import can_edit_sop
from workflow.services.clock import escalation_grace
from workflow.services.notices import notify


class RequestAlreadyDecided(Conflict):
    """The request was approved or returned meanwhile (a second click, another tab): HTTP 409."""

    def __init__(self, request: SertaMertaRequest):
        self.state = request.state
        super().__init__(
            _("Already processed: the request for “%(title)s” is “%(state)s”.")
            % {"title": request.title, "state": request.get_state_display()}
        )


@dataclass(frozen=True)
class Standard:
    """The time standard of the PPID's decision on a body's serta merta requests."""

    amount: int
    unit: str
    own: bool  # the body's own (SertaMertaStandard), not the project's default
    set_by: AbstractBaseUser | None = None
    set_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.amount} {TimeUnit(self.unit).label}"


def standard(body: Body) -> Standard:
    """The body's own standard when its PPID Utama or atasan set one, else the project's."""
    own = SertaMertaStandard.objects.filter(body=body).select_related("set_by").first()
    if own is not None:
        return Standard(own.amount, own.unit, True, own.set_by, own.set_at)
    return Standard(
        settings.PPID_SERTA_MERTA_STANDARD_AMOUNT, settings.PPID_SERTA_MERTA_STANDARD_UNIT, False
    )


# At most this long for a decision "without delay" (Pasal 10), whatever the unit.
STANDARD_MAX_SECONDS = 3 * 86400


@transaction.atomic
def serta_merta_standard_set(
    *, body: Body, user: AbstractBaseUser, amount: int | None, unit: str
) -> Standard:
    """The PPID Utama over the body or its atasan sets the body's own standard for the PPID's
    serta merta decision (`amount=None`: back to the project's default). Requests already
    asked keep theirs. Audited; refused (nothing stored) on a bad value or another role."""
    require(can_edit_sop(user, body))
    before = standard(body)
    if amount is None:
        deleted, _count = SertaMertaStandard.objects.filter(body=body).delete()
        if not deleted:
            return before
    else:
        errors: dict[str, list[str]] = {}
        if unit not in TimeUnit.values:
            errors["unit"] = [_("Choose a time unit.")]
        if amount < 1:
            errors["amount"] = [_("The time standard is at least 1.")]
        elif unit in TimeUnit.values and _seconds(amount, unit) > STANDARD_MAX_SECONDS:
            errors["amount"] = [
                _("Serta merta is announced without delay: at most 3 days (or 3 working days).")
            ]
        if errors:
            raise ValidationError(errors)
        row = SertaMertaStandard.objects.select_for_update().filter(body=body).first()
        row = row or SertaMertaStandard(body=body)
        row.amount, row.unit, row.set_by, row.set_at = amount, unit, user, timezone.now()
        row.full_clean()
        row.save()
    after = standard(body)
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        body=body,
        action="serta_merta.standard_set",
        target_type="ppid.body",
        target_id=str(body.pk),
        data={
            "from": {"amount": before.amount, "unit": before.unit, "own": before.own},
            "to": {"amount": after.amount, "unit": after.unit, "own": after.own},
        },
    )
    return after


def _seconds(amount: int, unit: str) -> int:
    """A rough length of the standard, to bound it (a working day counted as a calendar day)."""
    per = UNIT_SECONDS.get(TimeUnit(unit), 86400)
    return amount * per


def _audit(request: SertaMertaRequest, *, user, action: str, note: str = "", **data) -> None:
    """One row of the request's audit: `standard_seconds` the standard itself (3,600 s for
    "1 jam", however late it was asked), the deadline beside it in `data["due_at"]`, and on a
    decision `data["on_time"]` judged by that deadline."""
    if request.on_time is not None:
        data["on_time"] = request.on_time
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user if getattr(user, "is_authenticated", False) else None,
        body=request.body,
        action=action,
        note=note,
        duration_seconds=request.duration_seconds,
        standard_seconds=request.standard_seconds,
        target_type="workflow.sertamertarequest",
        target_id=str(request.pk),
        data={
            "item": request.item_id,
            "title": request.title,
            "state": request.state,
            "due_at": request.due_at.isoformat(),
            **data,
        },
    )


def _url(request: SertaMertaRequest) -> str:
    return reverse("workflow:serta_merta", args=[request.pk])


@transaction.atomic
def serta_merta_request_create(
    *, item: Item, user: AbstractBaseUser, note: str = ""
) -> SertaMertaRequest:
    """Ask the PPID to announce a serta merta item at once. Refused (nothing stored): another
    role, an item not serta merta, a request already waiting, content already announced."""
    require(can_request_serta_merta(user, item.body))
    note = note.strip()
    note_check(note)
    item = (
        Item.objects.select_for_update(of=("self",)).select_related("body", "unit").get(pk=item.pk)
    )
    if item.classification != Classification.SERTA_MERTA:
        raise ValidationError(
            {"item": [_("Only serta merta information can be announced at once.")]}
        )
    if SertaMertaRequest.objects.filter(item=item, state=SertaMertaState.DIAJUKAN).exists():
        raise ValidationError(
            {"item": [_("An announcement of this item is already waiting for the PPID.")]}
        )
    if serta_merta_announcement(item) is not None:
        raise ValidationError(
            {
                "item": [
                    _(
                        "This item is already announced as it is; change its content first to "
                        "announce it again."
                    )
                ]
            }
        )
    now = timezone.now()
    rule = standard(item.body)
    amount, unit = rule.amount, rule.unit
    calendar = calendar_for_body(item.body)
    deadline = compute_deadline(now, amount, unit, calendar)
    request = SertaMertaRequest(
        body=item.body,
        item=item,
        title=item.title,
        note=note,
        requested_by=user,
        requested_at=now,
        standard_amount=amount,
        standard_unit=unit,
        standard_seconds=standard_seconds_of(amount, unit, calendar.office_day_seconds),
        due_at=deadline.due_at,
        due_explanation=deadline.explain(item.body.time_zone),
        remind_at=deadline.remind_at,
        next_notice_at=deadline.remind_at,
    )
    request.full_clean()
    request.save()
    _audit(request, user=user, action="serta_merta.request", note=note)
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "title": item.title,
            "body": item.body.name,
            "name": user.get_full_name() or user.get_username(),
            "deadline": when(request.due_at, request.body),
        }
        message = [
            _(
                "%(name)s asks to announce the serta merta information “%(title)s” (%(body)s) on "
                "the public site at once. Approve it or return it with a note by %(deadline)s."
            )
            % names
        ]
        if note:
            message += ["", _("Note: %(note)s") % {"note": note}]
        notify(
            recipients=users_with_roles(item.body, [Role.PPID]),
            kind=NoticeKind.SERTA_MERTA,
            key=f"serta_merta:{request.pk}:requested",
            title=_("Serta merta announcement to approve: %(title)s") % names,
            message="\n".join(message),
            url=_url(request),
            body=item.body,
        )
    return request


def _lock_open(request: SertaMertaRequest, user: AbstractBaseUser) -> SertaMertaRequest:
    require(can_approve_serta_merta(user, request.body))
    request = (
        SertaMertaRequest.objects.select_for_update(of=("self",))
        .select_related("body", "item", "requested_by")
        .get(pk=request.pk)
    )
    if request.state != SertaMertaState.DIAJUKAN:
        raise RequestAlreadyDecided(request)
    return request


def _decided(request: SertaMertaRequest, user: AbstractBaseUser, note: str) -> None:
    request.decided_by = user
    request.decided_at = timezone.now()
    request.decision_note = note
    request.next_notice_at = None  # decided: the clock owes nothing more
    try:
        request.full_clean()
        request.save()
    except ConcurrentTransition as error:
        raise RequestAlreadyDecided(request) from error


@transaction.atomic
def serta_merta_request_approve(
    *, request: SertaMertaRequest, user: AbstractBaseUser
) -> SertaMertaRequest:
    """The PPID approves: the item is announced on the public site now, with the request's
    times, and listed in the next DIP."""
    request = _lock_open(request, user)
    if request.item is None:
        raise RequestAlreadyDecided(request)
    announcement = item_announce_serta_merta(
        item=request.item, user=user, requested_at=request.requested_at
    )
    request.approve()
    request.announcement = announcement
    _decided(request, user, "")
    _audit(
        request,
        user=user,
        action="serta_merta.approve",
        announcement=announcement.pk,
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=[request.requested_by],
            kind=NoticeKind.SERTA_MERTA,
            key=f"serta_merta:{request.pk}:approved",
            title=_("Announced: %(title)s") % {"title": request.title},
            message=_(
                "The PPID approved the announcement of “%(title)s”; it is on the public site "
                "now and will be listed in the next DIP."
            )
            % {"title": request.title},
            url=_url(request),
            body=request.body,
        )
    return request


@transaction.atomic
def serta_merta_request_return(
    *, request: SertaMertaRequest, user: AbstractBaseUser, note: str
) -> SertaMertaRequest:
    """The PPID returns the request with a note (required); nothing is announced."""
    note = note.strip()
    note_check(note)
    request = _lock_open(request, user)
    if not note:
        raise ValidationError({"note": [_("Say why the request is returned.")]})
    request.send_back()
    _decided(request, user, note)
    _audit(request, user=user, action="serta_merta.return", note=note)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=[request.requested_by],
            kind=NoticeKind.SERTA_MERTA,
            key=f"serta_merta:{request.pk}:returned",
            title=_("Returned: the announcement of %(title)s") % {"title": request.title},
            message=_("The PPID returned the request to announce “%(title)s”: %(note)s")
            % {"title": request.title, "note": note},
            url=_url(request),
            body=request.body,
        )
    return request


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
