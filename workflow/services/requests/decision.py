"""The written notice (Pasal 22): granted, partly granted, refused (citing a DIK row), not held
or not yet documented; its signed PDF is built after commit (`workflow.services.
request_documents`), built again when it failed, and the day it reached the requester recorded."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from dip.models import Classification, DocumentStatus, Item
from dip.services.common import require
from ppid.fields import note_check
from workflow.models import (
    REQUEST_DECISION_TRANSITIONS,
    REQUEST_DECISIONS,
    InformationRequest,
    RequestNoticeDocument,
    RequestStatus,
)
from workflow.permissions import can_decide_requests, can_handle_requests
from workflow.services.requests.common import (
    RequestAlreadyDecided,
    audit,
    clean_text,
    lock,
    send_event,
)


def refusal_consequence_text(item: Item) -> str:
    """The consequence test of a DIK row as the written notice quotes it."""
    parts = []
    if item.exempted_part:
        parts.append(_("Information exempted: %(part)s") % {"part": item.exempted_part})
    if item.consequence_if_opened:
        parts.append(_("Consequence if opened: %(text)s") % {"text": item.consequence_if_opened})
    if item.consequence_if_closed:
        parts.append(_("Consequence if closed: %(text)s") % {"text": item.consequence_if_closed})
    if item.public_interest:
        parts.append(_("Public interest: %(text)s") % {"text": item.public_interest})
    return "\n".join(parts)


@transaction.atomic
def request_decide(
    *,
    request: InformationRequest,
    user: AbstractBaseUser,
    decision: str,
    note: str = "",
    dik_item: Item | None = None,
    holder: str = "",
    fee: Decimal | None = None,
) -> InformationRequest:
    """Give the written notice: granted, partly granted, refused, not held, not documented.

    A refusal must cite a dikecualikan row of the same body (its ground, law and consequence
    test are copied into the request, and so into the notice); a partial grant and "not yet
    documented" must say which part / when in the note; "not held" names the holder when it is
    known. The signed PDF is built after commit. A decided request is a conflict (409)."""
    require(can_decide_requests(user, request.body))
    note = clean_text(note)
    holder = clean_text(holder)
    errors: dict[str, list[str]] = {}
    if decision not in REQUEST_DECISIONS:
        errors["decision"] = [_("Choose one of the decisions.")]
    try:
        note_check(note)
    except ValidationError as error:
        errors.update(error.message_dict)
    if decision == RequestStatus.REFUSED:
        if dik_item is None:
            errors["dik_item"] = [
                _("A refusal must cite the row of the DIK whose consequence test closes it.")
            ]
        elif (
            dik_item.body_id != request.body_id
            or dik_item.classification != Classification.DIKECUALIKAN
        ):
            errors["dik_item"] = [_("Choose an exempted (dikecualikan) row of this body's DIK.")]
    elif dik_item is not None:
        errors["dik_item"] = [_("A DIK row is cited only by a refusal.")]
    if decision in (RequestStatus.PARTLY_GRANTED, RequestStatus.NOT_DOCUMENTED) and not note:
        errors["note"] = [
            _("Say which part is given and why the rest is not.")
            if decision == RequestStatus.PARTLY_GRANTED
            else _("Say when the information will be documented.")
        ]
    if holder and decision != RequestStatus.NOT_HELD:
        errors["holder"] = [_("The holder is named only when the body does not hold it.")]
    if fee is not None and decision not in (RequestStatus.GRANTED, RequestStatus.PARTLY_GRANTED):
        errors["fee"] = [_("A fee is charged only when information is given.")]
    if errors:
        raise ValidationError(errors)
    request = lock(request)
    if not request.is_open:
        raise RequestAlreadyDecided(request)
    from_state = request.status
    getattr(request, REQUEST_DECISION_TRANSITIONS[RequestStatus(decision)])()
    now = timezone.now()
    request.decided_at = now
    request.decided_by = user
    request.decision_note = note
    request.holder = holder
    request.fee = fee
    request.next_notice_at = None
    if decision == RequestStatus.REFUSED:
        request.refused_item = dik_item
        request.refusal_ground = dik_item.exemption_ground
        request.refusal_law = dik_item.exemption_law
        request.refusal_consequence = refusal_consequence_text(dik_item)
    try:
        request.full_clean()
        request.save()
    except ConcurrentTransition as error:
        raise RequestAlreadyDecided(request) from error
    RequestNoticeDocument.objects.get_or_create(request=request)
    audit(
        request,
        user=user,
        action="request.decide",
        note=note,
        from_state=from_state,
        decision=decision,
        dik_item=dik_item.pk if dik_item else None,
        on_time=now <= request.deadline,
    )
    send_event(request, "decided")
    return request


@transaction.atomic
def request_notice_retry(*, request: InformationRequest, user: AbstractBaseUser) -> None:
    """Build a failed written notice again (the PPID of the body): back to pending, audited;
    the task is queued after commit."""
    require(can_decide_requests(user, request.body))
    document = (
        RequestNoticeDocument.objects.select_for_update(no_key=True)
        .filter(request_id=request.pk)
        .first()
    )
    if document is None or document.status != DocumentStatus.FAILED:
        raise ValidationError(_("Only a failed notice can be built again."))
    document.status = DocumentStatus.PENDING
    document.save(update_fields=["status", "updated_at"])
    audit(request, user=user, action="request.notice_retry", error=document.last_error)
    send_event(request, "notice_retry")


@transaction.atomic
def request_mark_delivered(
    *, request: InformationRequest, user: AbstractBaseUser
) -> InformationRequest:
    """Record the date the notice (and the information) reached the requester."""
    require(can_handle_requests(user, request.body) or can_decide_requests(user, request.body))
    request = lock(request)
    if request.is_open:
        raise ValidationError(_("Give the written notice first."))
    if request.delivered_at is None:
        request.delivered_at = timezone.now()
        request.save(update_fields=["delivered_at"])
        audit(request, user=user, action="request.deliver")
    return request
