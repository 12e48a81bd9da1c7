"""The officers' handling of an open request: handed over to the unit (bidang/seksi) that holds
the information, and internal notes never shown to the requester."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.services.common import require
from ppid.fields import note_check
from ppid.models import Unit
from workflow.models import (
    InformationRequest,
    RequestNote,
)
from workflow.permissions import can_decide_requests, can_handle_requests
from workflow.services.requests.common import RequestAlreadyDecided, audit, clean_text, lock


@transaction.atomic
def request_hand_over(
    *, request: InformationRequest, unit: Unit, user: AbstractBaseUser, note: str = ""
) -> InformationRequest:
    """Hand the request over to the unit (bidang/seksi) that holds the information."""
    require(can_handle_requests(user, request.body))
    note = clean_text(note)
    note_check(note)
    request = lock(request)
    if not request.is_open:
        raise RequestAlreadyDecided(request)
    if unit.body_id != request.body_id:
        raise ValidationError({"unit": [_("Choose a unit of this public body.")]})
    request.handed_to = unit
    request.handed_over_at = timezone.now()
    request.handed_over_by = user
    request.full_clean()
    request.save()
    audit(request, user=user, action="request.hand_over", note=note, unit=unit.name)
    return request


@transaction.atomic
def request_note_add(
    *, request: InformationRequest, user: AbstractBaseUser, text: str
) -> RequestNote:
    """An internal note on the request (officers only; never shown to the requester)."""
    require(can_handle_requests(user, request.body) or can_decide_requests(user, request.body))
    note = RequestNote(
        request=request, author=user, text=clean_text(text), created_at=timezone.now()
    )
    if not note.text:
        raise ValidationError({"text": [_("Write the note.")]})
    note.full_clean()
    note.save()
    audit(request, user=user, action="request.note")
    return note
