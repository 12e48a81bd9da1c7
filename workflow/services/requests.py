"""Requests for information (permohonan informasi publik, UU 14/2008 Pasal 21-22, Perki 1/2021).

Anyone may ask, on the public form or the API (`request_receive` without a user), or at the
counter, by letter, telephone or e-mail, entered by the body's operator or PPID with the real
receipt date. The request is numbered at once in the body's register of the year (under the
body's row lock) and its deadline stored: the close of office on the 10th working day after
receipt by the body's office calendar. The PPID may extend it once, by at most 7 working days,
with a written reason (`request_extend`), and answers with the written notice
(`request_decide`): granted, partly granted, refused (citing a DIK row of the body, whose ground
and consequence test are copied into the notice), not held (and who holds it), or not yet
documented. The notice is rendered and signed as a PDF after commit (`workflow.services.
request_documents`), verifiable on /verifikasi/. The requester is e-mailed at receipt, at the
extension and at the decision when an address was given. The clock watch (`request_watch`)
reminds at 80%, marks terlambat and escalates once each, like a step's.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from dip.models import Classification, DocumentStatus, Item
from dip.services.common import require
from ppid.calendar import calendar_for_body
from ppid.exceptions import Conflict
from ppid.fields import note_check
from ppid.models import Body, Role, Unit
from ppid.oversight import users_overseeing
from ppid.selectors import users_with_roles
from workflow.deadlines import compute_deadline
from workflow.models import (
    REQUEST_ANSWER_WORKING_DAYS,
    REQUEST_DECISION_TRANSITIONS,
    REQUEST_DECISIONS,
    REQUEST_EXTENSION_MAX_WORKING_DAYS,
    AuditEntry,
    InformationRequest,
    NoticeKind,
    RequestChannel,
    RequestNote,
    RequestNoticeDocument,
    RequestStatus,
    TimeUnit,
)
from workflow.permissions import can_decide_requests, can_handle_requests
from workflow.services.clock import ESCALATION_ROLES, escalation_grace
from workflow.services.notices import notify, requester_mail_once
from workflow.signals import request_event

TARGET_TYPE = "workflow.informationrequest"


class RequestAlreadyDecided(Conflict):
    """The request has its written notice already (a second click, another tab): HTTP 409."""

    def __init__(self, request: InformationRequest):
        self.state = request.status
        super().__init__(
            _("Already processed: request %(number)s is “%(status)s”.")
            % {"number": request.register_number, "status": request.get_status_display()}
        )


class RequestAlreadyExtended(Conflict):
    """The deadline of a request can be extended once only (Pasal 22(8)): HTTP 409."""

    def __init__(self, request: InformationRequest):
        self.state = request.status
        super().__init__(
            _("The deadline of request %(number)s was extended already; it can be extended once.")
            % {"number": request.register_number}
        )


def _audit(
    request: InformationRequest,
    *,
    user: AbstractBaseUser | None,
    action: str,
    note: str = "",
    from_state: str = "",
    at: datetime | None = None,
    **data,
) -> None:
    AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=user if getattr(user, "is_authenticated", False) else None,
        body=request.body,
        action=action,
        note=note,
        from_state=from_state,
        to_state=request.status if from_state else "",
        target_type=TARGET_TYPE,
        target_id=str(request.pk),
        data={"number": request.register_number, **data},
    )


def _clean_text(value: str) -> str:
    return (value or "").strip()


def _deadline(body: Body, start: datetime, days: int):
    return compute_deadline(start, days, TimeUnit.HARI_KERJA, calendar_for_body(body))


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
        name=_clean_text(name),
        address=_clean_text(address),
        phone=_clean_text(phone),
        email=_clean_text(email),
        occupation=_clean_text(occupation),
        identity_number="".join(_clean_text(identity_number).split()),
        information=_clean_text(information),
        purpose=_clean_text(purpose),
        obtain=obtain,
        form=form,
        delivery=delivery,
    )
    if request.delivery == "email" and not request.email:
        raise ValidationError(
            {"email": [_("Give an e-mail address to receive the information by e-mail.")]}
        )
    deadline = _deadline(body, received_at, REQUEST_ANSWER_WORKING_DAYS)
    request.due_at = deadline.due_at
    request.due_explanation = deadline.explain(body.time_zone)
    request.remind_at = deadline.remind_at
    # Validate everything but the number first, so that bad input never takes the lock.
    request.year = timezone.localtime(received_at, calendar_for_body(body).tz).year
    request.number = 1
    request.full_clean(exclude=["number"], validate_unique=False, validate_constraints=False)
    body = Body.objects.select_for_update().get(pk=body.pk)
    request.number = _next_number(body, request.year)
    request.next_notice_at = _next_notice_moment(request, now)
    request.full_clean()
    request.save()
    _audit(request, user=user, action="request.receive", channel=channel)
    _notify_officers_received(request)
    _send_event(request, "received")
    return request


def _send_event(request: InformationRequest, event: str) -> None:
    request_id = request.pk
    transaction.on_commit(
        lambda: request_event.send(sender=InformationRequest, request_id=request_id, event=event),
        robust=True,
    )


def _lock(request: InformationRequest) -> InformationRequest:
    return (
        InformationRequest.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=request.pk)
    )


@transaction.atomic
def request_hand_over(
    *, request: InformationRequest, unit: Unit, user: AbstractBaseUser, note: str = ""
) -> InformationRequest:
    """Hand the request over to the unit (bidang/seksi) that holds the information."""
    require(can_handle_requests(user, request.body))
    note = _clean_text(note)
    note_check(note)
    request = _lock(request)
    if not request.is_open:
        raise RequestAlreadyDecided(request)
    if unit.body_id != request.body_id:
        raise ValidationError({"unit": [_("Choose a unit of this public body.")]})
    request.handed_to = unit
    request.handed_over_at = timezone.now()
    request.handed_over_by = user
    request.full_clean()
    request.save()
    _audit(request, user=user, action="request.hand_over", note=note, unit=unit.name)
    return request


@transaction.atomic
def request_note_add(
    *, request: InformationRequest, user: AbstractBaseUser, text: str
) -> RequestNote:
    """An internal note on the request (officers only; never shown to the requester)."""
    require(can_handle_requests(user, request.body) or can_decide_requests(user, request.body))
    note = RequestNote(
        request=request, author=user, text=_clean_text(text), created_at=timezone.now()
    )
    if not note.text:
        raise ValidationError({"text": [_("Write the note.")]})
    note.full_clean()
    note.save()
    _audit(request, user=user, action="request.note")
    return note


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
    reason = _clean_text(reason)
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
    request = _lock(request)
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
    deadline = _deadline(request.body, request.due_at, days)
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
    request.next_notice_at = _next_notice_moment(request, now)
    try:
        request.full_clean()
        request.save()
    except ConcurrentTransition as error:
        raise RequestAlreadyExtended(request) from error
    _audit(
        request,
        user=user,
        action="request.extend",
        note=reason,
        from_state=from_state,
        days=days,
        due_at=deadline.due_at.isoformat(),
    )
    _send_event(request, "extended")
    return request


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
    note = _clean_text(note)
    holder = _clean_text(holder)
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
    request = _lock(request)
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
    _audit(
        request,
        user=user,
        action="request.decide",
        note=note,
        from_state=from_state,
        decision=decision,
        dik_item=dik_item.pk if dik_item else None,
        on_time=now <= request.deadline,
    )
    _send_event(request, "decided")
    return request


@transaction.atomic
def request_notice_retry(*, request: InformationRequest, user: AbstractBaseUser) -> None:
    """Build a failed written notice again (the PPID of the body): back to pending, audited;
    the task is queued after commit."""
    require(can_decide_requests(user, request.body))
    document = (
        RequestNoticeDocument.objects.select_for_update().filter(request_id=request.pk).first()
    )
    if document is None or document.status != DocumentStatus.FAILED:
        raise ValidationError(_("Only a failed notice can be built again."))
    document.status = DocumentStatus.PENDING
    document.save(update_fields=["status", "updated_at"])
    _audit(request, user=user, action="request.notice_retry", error=document.last_error)
    _send_event(request, "notice_retry")


@transaction.atomic
def request_mark_delivered(
    *, request: InformationRequest, user: AbstractBaseUser
) -> InformationRequest:
    """Record the date the notice (and the information) reached the requester."""
    require(can_handle_requests(user, request.body) or can_decide_requests(user, request.body))
    request = _lock(request)
    if request.is_open:
        raise ValidationError(_("Give the written notice first."))
    if request.delivered_at is None:
        request.delivered_at = timezone.now()
        request.save(update_fields=["delivered_at"])
        _audit(request, user=user, action="request.deliver")
    return request


# --- the clock watch ---------------------------------------------------------------------------


def escalation_plan(request: InformationRequest) -> list[tuple[int, object]]:
    grace = escalation_grace()
    return [(level, grace * n) for n, level in enumerate(sorted(ESCALATION_ROLES), start=1)]


def _next_notice_moment(request: InformationRequest, now: datetime) -> datetime | None:
    if not request.is_open:
        return None
    moments = []
    due = request.deadline
    if request.remind_at and request.reminded_at is None and request.overdue_noticed_at is None:
        moments.append(request.remind_at)
    if request.overdue_noticed_at is None:
        moments.append(due)
    moments += [
        due + after for level, after in escalation_plan(request) if level > request.escalation_level
    ]
    return min((m for m in moments if m > now), default=None)


def _handlers(request: InformationRequest) -> list[AbstractBaseUser]:
    return list(users_with_roles(request.body, [Role.PPID, Role.OPERATOR]))


def _escalation_recipients(request: InformationRequest, level: int) -> list[AbstractBaseUser]:
    if ESCALATION_ROLES[level] == Role.ATASAN:
        return list(users_with_roles(request.body, [Role.ATASAN]))
    return list(users_overseeing(request.body))


def request_watch(*, request_id: int, now: datetime | None = None) -> list[str]:
    """Send what the request's clock owes at `now`, once each: the reminder at 80% of the
    time, "terlambat" at the deadline (the extended one after an extension), then one
    escalation per grace period (the atasan, then the PPID Utama). Under the row lock; a
    decided or deleted request is left alone; each event is audited."""
    now = now or timezone.now()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        request = (
            InformationRequest.objects.select_for_update(of=("self",))
            .select_related("body")
            .filter(pk=request_id)
            .first()
        )
        if request is None or not request.is_open:
            return []
        sent: list[str] = []
        due = request.deadline
        if now >= due:
            if request.overdue_noticed_at is None:
                recipients = _handlers(request)
                _notify_clock(request, NoticeKind.OVERDUE, "overdue", recipients)
                request.overdue_noticed_at = now
                _audit(request, user=None, action="request.overdue", at=now)
                sent.append("overdue")
            for level, after in escalation_plan(request):
                if level <= request.escalation_level:
                    continue
                if now < due + after:
                    break
                recipients = _escalation_recipients(request, level)
                while not recipients and level < max(ESCALATION_ROLES):
                    level += 1
                    recipients = _escalation_recipients(request, level)
                _notify_clock(request, NoticeKind.ESCALATION, f"escalation:{level}", recipients)
                request.escalation_level = level
                request.escalated_at = now
                _audit(request, user=None, action="request.escalated", at=now, level=level)
                sent.append(f"escalation:{level}")
        elif request.remind_at and now >= request.remind_at and request.reminded_at is None:
            _notify_clock(request, NoticeKind.REMINDER, "reminder", _handlers(request))
            request.reminded_at = now
            _audit(request, user=None, action="request.reminded", at=now)
            sent.append("reminder")
        request.next_notice_at = _next_notice_moment(request, now)
        request.save(
            update_fields=[
                "reminded_at",
                "overdue_noticed_at",
                "escalation_level",
                "escalated_at",
                "next_notice_at",
            ]
        )
    return sent


def _when(moment: datetime, body: Body) -> str:
    local = timezone.localtime(moment, calendar_for_body(body).tz)
    return f"{formats.date_format(local, 'l, j F Y H:i')} {local.tzname()}"


def _officer_url(request: InformationRequest) -> str:
    return reverse("workflow:request", args=[request.pk])


def _notify_clock(
    request: InformationRequest, kind: str, event: str, recipients: list[AbstractBaseUser]
) -> None:
    extended = "extended:" if request.extended_due_at else ""
    names = {
        "number": request.register_number,
        "body": request.body.name,
        "deadline": _when(request.deadline, request.body),
    }
    if kind == NoticeKind.REMINDER:
        title = _("Deadline approaching: request for information %(number)s") % names
        lead = _("80%% of the time to answer request %(number)s has passed.") % names
    elif kind == NoticeKind.OVERDUE:
        title = _("Overdue: request for information %(number)s") % names
        lead = _("The written notice of request %(number)s is late (terlambat).") % names
    else:
        title = _("Escalated to you: request for information %(number)s is overdue") % names
        lead = (
            _("Request %(number)s is still unanswered after its deadline; please follow it up.")
            % names
        )
    notify(
        recipients=recipients,
        kind=kind,
        key=f"request:{request.pk}:{extended}{event}",
        title=title,
        message="\n".join(
            [
                lead,
                "",
                _("Public body: %(body)s") % names,
                _("Deadline: %(deadline)s") % names,
            ]
        ),
        url=_officer_url(request),
        body=request.body,
    )


def _notify_officers_received(request: InformationRequest) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "number": request.register_number,
            "body": request.body.name,
            "deadline": _when(request.deadline, request.body),
        }
        notify(
            recipients=users_with_roles(request.body, [Role.PPID, Role.OPERATOR]),
            kind=NoticeKind.REQUEST,
            key=f"request:{request.pk}:received",
            title=_("New request for information %(number)s") % names,
            message=_("Answer with the written notice by %(deadline)s.") % names,
            url=_officer_url(request),
            body=request.body,
        )


# --- the requester's e-mails -------------------------------------------------------------------


def tracking_url(request: InformationRequest) -> str:
    path = reverse("workflow:request_track", args=[request.tracking_code])
    return f"{settings.PPID_PUBLIC_BASE_URL.rstrip('/')}{path}"


def requester_email_text(request: InformationRequest, event: str) -> tuple[str, str]:
    """(subject, text) of the e-mail to the requester at an event. No data beyond what the
    requester gave, and the tracking link."""
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "number": request.register_number,
            "body": request.body.name,
            "code": request.tracking_code,
            "deadline": _when(request.deadline, request.body),
            "status": request.get_status_display(),
            "link": tracking_url(request),
        }
        if event == "received":
            subject = _("Request for information %(number)s received") % names
            lead = (
                _(
                    "%(body)s has received your request for information, registered as number "
                    "%(number)s. The written notice is due by %(deadline)s."
                )
                % names
            )
        elif event == "extended":
            subject = _("Request for information %(number)s: the deadline is extended") % names
            lead = (
                _("The deadline of your request %(number)s is extended to %(deadline)s.") % names
                + "\n"
                + _("Reason: %(reason)s") % {"reason": request.extension_reason}
            )
        else:
            subject = _("Request for information %(number)s: written notice") % names
            lead = (
                _(
                    "%(body)s has answered your request %(number)s: %(status)s. The signed "
                    "written notice can be downloaded from the tracking page."
                )
                % names
            )
        lines = [
            _("Dear %(name)s,") % {"name": request.name},
            "",
            lead,
            "",
            _("Tracking code: %(code)s") % names,
            _("Follow your request: %(link)s") % names,
            "",
            "-- ",
            _("Sent automatically by PPID Documentation; please do not reply to this e-mail."),
        ]
    return f"[PPID] {subject}", "\n".join(lines) + "\n"


def requester_email_send(*, request_id: int, event: str) -> bool:
    """E-mail the requester about `event`, when an address was given, once (a redelivered
    task sends nothing: `requester_mail_once`). Returns whether sent."""
    request = InformationRequest.objects.select_related("body").filter(pk=request_id).first()
    if request is None or not request.email:
        return False
    subject, text = requester_email_text(request, event)
    return requester_mail_once(
        key=f"request:{request.pk}:{event}",
        send=lambda: send_mail(
            subject=subject, message=text, from_email=None, recipient_list=[request.email]
        ),
    )
