"""The extension of a request's deadline: once, by at most 7 working days, with a written reason
(Pasal 22(8)); the clock reminds again at 80% of the extension."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from dip.services.common import require
from ppid.exceptions import Conflict
from ppid.fields import note_check
from workflow.deadlines import working_days_after
from workflow.models import (
    REQUEST_EXTENSION_MAX_WORKING_DAYS,
    InformationRequest,
    RequestStatus,
)
from workflow.permissions import can_decide_requests
from workflow.services.requests.common import (
    RequestAlreadyDecided,
    audit,
    clean_text,
    lock,
    send_event,
)
from workflow.services.requests.watch import next_notice_moment


class RequestAlreadyExtended(Conflict):
    """The deadline of a request can be extended once only (Pasal 22(8)): HTTP 409."""

    def __init__(self, request: InformationRequest):
        self.state = request.status
        super().__init__(
            _("The deadline of request %(number)s was extended already; it can be extended once.")
            % {"number": request.register_number}
        )


@transaction.atomic
def request_extend(
    *,
    request: InformationRequest,
    user: AbstractBaseUser,
    reason: str,
    days: int = REQUEST_EXTENSION_MAX_WORKING_DAYS,
) -> InformationRequest:
    """Extend the deadline once, by at most 7 working days counted from the original deadline,
    with a written reason (Pasal 22(8)). A second extension, or one of a decided request, is a
    conflict (409); an extension asked after the deadline has passed is refused."""
    require(can_decide_requests(user, request.body))
    reason = clean_text(reason)
    errors = {}
    if not reason:
        errors["reason"] = [_("Write the reason for the extension; the requester is told it.")]
    else:
        try:
            note_check(reason)
        except ValidationError:
            errors["reason"] = [_("The reason is too long.")]
    if not isinstance(days, int) or not 1 <= days <= REQUEST_EXTENSION_MAX_WORKING_DAYS:
        errors["days"] = [
            _("An extension is of 1 to %(max)d working days.")
            % {"max": REQUEST_EXTENSION_MAX_WORKING_DAYS}
        ]
    if errors:
        raise ValidationError(errors)
    request = lock(request)
    if request.extended_at is not None or request.status == RequestStatus.EXTENDED:
        raise RequestAlreadyExtended(request)
    if request.status != RequestStatus.RECEIVED:
        raise RequestAlreadyDecided(request)
    now = timezone.now()
    if now > request.due_at:
        raise ValidationError(
            {
                "reason": [
                    _(
                        "The deadline has passed; an extension must be given before the "
                        "deadline. Give the written notice now."
                    )
                ]
            }
        )
    deadline = working_days_after(request.body, request.due_at, days)
    from_state = request.status
    try:
        request.extend()
    except Exception as error:  # TransitionNotAllowed: decided meanwhile
        raise RequestAlreadyExtended(request) from error
    request.extended_at = now
    request.extended_by = user
    request.extension_reason = reason
    request.extension_days = days
    request.extended_due_at = deadline.due_at
    request.extended_due_explanation = deadline.explain(request.body.time_zone)
    # The extended clock reminds again at 80% of the extension.
    request.remind_at = deadline.remind_at
    request.reminded_at = None
    request.next_notice_at = next_notice_moment(request, now)
    try:
        request.full_clean()
        request.save()
    except ConcurrentTransition as error:
        raise RequestAlreadyExtended(request) from error
    audit(
        request,
        user=user,
        action="request.extend",
        note=reason,
        from_state=from_state,
        days=days,
        due_at=deadline.due_at.isoformat(),
    )
    send_event(request, "extended")
    return request
