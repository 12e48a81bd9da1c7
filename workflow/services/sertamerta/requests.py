from __future__ import annotations

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
from ppid.models import Role
from ppid.selectors import users_with_roles
from workflow.deadlines import compute_deadline, when
from workflow.models import (
    AuditEntry,
    NoticeKind,
    SertaMertaRequest,
    SertaMertaState,
    standard_seconds_of,
)
from workflow.services.notices import notify
from workflow.services.sertamerta.standards import standard


class RequestAlreadyDecided(Conflict):
    """The request was approved or returned meanwhile (a second click, another tab): HTTP 409."""

    def __init__(self, request: SertaMertaRequest):
        self.state = request.state
        super().__init__(
            _("Already processed: the request for “%(title)s” is “%(state)s”.")
            % {"title": request.title, "state": request.get_state_display()}
        )


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
