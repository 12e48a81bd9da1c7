"""The atasan PPID's answer (Pasal 36): upheld or rejected, with the Komisi Informasi deadline,
in one transaction; the signed answer is built after commit (`objections.document`)."""

from __future__ import annotations

import base64
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from ppid.exceptions import Conflict
from ppid.fields import note_check
from ppid.models import Body, Role
from ppid.permissions import has_role
from workflow.models import (
    Objection,
    ObjectionAnswerDocument,
    ObjectionStatus,
)
from workflow.services.objections.common import audit
from workflow.services.objections.limits import dispute_deadline_set
from workflow.signals import objection_answered

ANSWER_DECISIONS = (ObjectionStatus.UPHELD, ObjectionStatus.REJECTED)
VERIFICATION_CODE_LENGTH = 10


class ObjectionAlreadyAnswered(Conflict):
    """The atasan answered this objection already (a second click, another tab): HTTP 409."""

    def __init__(self, objection: Objection):
        self.state = objection.status
        super().__init__(
            _("Already processed: objection %(number)s is “%(status)s”.")
            % {"number": objection.register_number, "status": objection.get_status_display()}
        )


def can_answer_objection(user: AbstractBaseUser, body: Body) -> bool:
    """The atasan PPID of the body answers its objections (Pasal 36)."""
    return has_role(user, body, Role.ATASAN)


def new_verification_code() -> str:
    """10 random base32 characters (50 bits), unused by any other answer."""
    while True:
        code = base64.b32encode(secrets.token_bytes(10)).decode()[:VERIFICATION_CODE_LENGTH]
        if not Objection.objects.filter(verification_code=code).exists():
            return code


def objection_answer(
    *, objection: Objection, user: AbstractBaseUser, decision: str, note: str
) -> Objection:
    """The atasan PPID answers: upheld (the requester is right: the PPID must give what the
    objection asks) or rejected, with a note (required). Others: PermissionDenied; answered
    already: ObjectionAlreadyAnswered (409). The signed answer is built after commit."""
    note = (note or "").strip()
    note_check(note)
    with transaction.atomic():
        found = (
            Objection.objects.select_for_update(of=("self",), no_key=True)
            .select_related("body", "request")
            .get(pk=objection.pk)
        )
        if not can_answer_objection(user, found.body):
            raise PermissionDenied(_("Only the atasan PPID of the public body answers objections."))
        if found.status != ObjectionStatus.FILED:
            raise ObjectionAlreadyAnswered(found)
        errors = {}
        if decision not in ANSWER_DECISIONS:
            errors["decision"] = [_("Choose: upheld or rejected.")]
        if not note:
            errors["note"] = [_("Give the considerations of the answer.")]
        if errors:
            raise ValidationError(errors)
        before = found.status
        if decision == ObjectionStatus.UPHELD:
            found.uphold()
        else:
            found.reject()
        now = timezone.now()
        found.answered_at = now
        found.answered_by = user
        found.answer_note = note
        found.verification_code = new_verification_code()
        dispute_deadline_set(found, start=now)
        found.next_notice_at = None
        try:
            found.full_clean()
            found.save()
        except ConcurrentTransition as error:
            raise ObjectionAlreadyAnswered(found) from error
        ObjectionAnswerDocument.objects.get_or_create(objection=found)
        audit(
            found,
            action="objection.answer",
            user=user,
            note=note,
            from_state=before,
            on_time=now <= found.due_at,
            dispute_due_at=found.dispute_due_at.isoformat(),
        )
        objection_id = found.pk

        def build() -> None:
            objection_answered.send(sender=Objection, objection_id=objection_id)

        transaction.on_commit(build, robust=True)
    return found
