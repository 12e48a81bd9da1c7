"""Receiving a request: online (now) or entered by an officer (the real receipt date), numbered
in the body's register of the year under the body's row lock, its deadline stored (10 working
days), the officers told and the requester e-mailed after commit."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dip.services.common import require
from ppid.calendar import body_time
from ppid.models import Body, Role
from ppid.selectors import users_with_roles
from workflow.deadlines import when, working_days_after
from workflow.models import (
    REQUEST_ANSWER_WORKING_DAYS,
    InformationRequest,
    NoticeKind,
    RequestChannel,
)
from workflow.permissions import can_handle_requests
from workflow.services.notices import notify
from workflow.services.requests.common import audit, clean_text, officer_url, send_event
from workflow.services.requests.watch import next_notice_moment


def _next_number(body: Body, year: int) -> int:
    """The next register number of the body's year. The caller holds the body's row lock, so
    two requests received at the same moment get two numbers."""
    last = (
        InformationRequest.objects.filter(body=body, year=year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def request_receive(
    *,
    body: Body,
    name: str,
    address: str,
    identity_number: str,
    information: str,
    purpose: str,
    obtain: str,
    form: str,
    delivery: str,
    phone: str = "",
    email: str = "",
    occupation: str = "",
    channel: str = RequestChannel.ONLINE,
    received_at: datetime | None = None,
    user: AbstractBaseUser | None = None,
) -> InformationRequest:
    """Register a request and store its deadline (10 working days from receipt).

    Online (no user): received now. Offline (walk-in, letter, telephone, e-mail): entered by
    the body's operator or PPID with the real receipt date, not in the future. Invalid input
    raises ValidationError with field errors and stores nothing.
    """
    now = timezone.now()
    if channel == RequestChannel.ONLINE:
        received_at = now
    else:
        require(user is not None and can_handle_requests(user, body))
        if received_at is None:
            raise ValidationError({"received_at": [_("Enter the date the request was received.")]})
        if received_at > now:
            raise ValidationError(
                {"received_at": [_("The date of receipt cannot be in the future.")]}
            )
    request = InformationRequest(
        body=body,
        channel=channel,
        received_at=received_at,
        entered_by=user if channel != RequestChannel.ONLINE else None,
        name=clean_text(name),
        address=clean_text(address),
        phone=clean_text(phone),
        email=clean_text(email),
        occupation=clean_text(occupation),
        identity_number="".join(clean_text(identity_number).split()),
        information=clean_text(information),
        purpose=clean_text(purpose),
        obtain=obtain,
        form=form,
        delivery=delivery,
    )
    if request.delivery == "email" and not request.email:
        raise ValidationError(
            {"email": [_("Give an e-mail address to receive the information by e-mail.")]}
        )
    deadline = working_days_after(body, received_at, REQUEST_ANSWER_WORKING_DAYS)
    request.due_at = deadline.due_at
    request.due_explanation = deadline.explain(body.time_zone)
    request.remind_at = deadline.remind_at
    # Validate everything but the number first, so that bad input never takes the lock.
    request.year = body_time(received_at, body).year
    request.number = 1
    request.full_clean(exclude=["number"], validate_unique=False, validate_constraints=False)
    body = Body.objects.select_for_update(no_key=True).get(pk=body.pk)
    request.number = _next_number(body, request.year)
    request.next_notice_at = next_notice_moment(request, now)
    request.full_clean()
    request.save()
    audit(request, user=user, action="request.receive", channel=channel)
    _notify_officers_received(request)
    send_event(request, "received")
    return request


def _notify_officers_received(request: InformationRequest) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "number": request.register_number,
            "body": request.body.name,
            "deadline": when(request.deadline, request.body),
        }
        notify(
            recipients=users_with_roles(request.body, [Role.PPID, Role.OPERATOR]),
            kind=NoticeKind.REQUEST,
            key=f"request:{request.pk}:received",
            title=_("New request for information %(number)s") % names,
            message=_("Answer with the written notice by %(deadline)s.") % names,
            url=officer_url(request),
            body=request.body,
        )
