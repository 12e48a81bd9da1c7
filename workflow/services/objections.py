"""Objections (keberatan) to the atasan PPID, UU 14/2008 Pasal 35-37.

- `objection_file` (public, by the request's tracking code): on one of the grounds of Pasal
  35(1) a-g, within 30 working days of its reason arising, counted by the body's office
  calendar (`workflow.deadlines`): from the written notice (the decision), or, when the request
  was not answered (ground c), from the request's deadline. The atasan's answer is due 30
  working days after filing (`due_at`, stored then). Registered with a number per body and
  year; audited; the requester is e-mailed when an address was given.
- `objection_answer` (the atasan PPID of the body only): upheld or rejected, with a note. The
  transition, the audit row and the Komisi Informasi deadline (14 working days, Pasal 37) are
  written in one transaction; the tanggapan atasan is then rendered, signed with the body's key
  and stored as a signed artefact (`objection_answer_document_build`, from a task after
  commit), verifiable on `/verifikasi/` like the DIP.
- `objection_watch` (the clock sweep): the reminder at 80% of the atasan's time, "terlambat" at
  the deadline (the requester may then go to the Komisi Informasi within 14 working days of
  the lapse, stored then) and one escalation to the PPID Utama a grace period later, each once.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import tempfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from dip import rendering, signing
from dip.models import DocumentStatus
from dip.serializers import public_url
from ppid.calendar import calendar_for_body
from ppid.exceptions import Conflict
from ppid.fields import note_check
from ppid.models import Body, Officer, Role
from ppid.oversight import users_overseeing
from ppid.pagecache import invalidate_public_pages
from ppid.permissions import has_any_role, has_role
from ppid.selectors import users_with_roles
from workflow.deadlines import compute_deadline
from workflow.models import (
    DISPUTE_FILING_WORKING_DAYS,
    OBJECTION_ANSWER_WORKING_DAYS,
    OBJECTION_REASON_MAX_LENGTH,
    REQUEST_OPEN_STATUSES,
    AuditEntry,
    InformationRequest,
    NoticeKind,
    Objection,
    ObjectionAnswerDocument,
    ObjectionGround,
    ObjectionStatus,
    RequestStatus,
    TimeUnit,
)
from workflow.selectors.requests import objection_filing_deadline
from workflow.services.clock import escalation_grace
from workflow.services.notices import notify, requester_mail_once
from workflow.signals import objection_answered, objection_requester_mail

# The grounds that object to the written notice: they need one, and their 30 days run from it.
NOTICE_GROUNDS = frozenset(
    {
        ObjectionGround.A,
        ObjectionGround.B,
        ObjectionGround.D,
        ObjectionGround.E,
        ObjectionGround.F,
        ObjectionGround.G,
    }
)
# A refusal (ground a) is one only when the notice refused, in full or in part.
REFUSING_DECISIONS = frozenset({RequestStatus.REFUSED, RequestStatus.PARTLY_GRANTED})
ANSWER_DECISIONS = (ObjectionStatus.UPHELD, ObjectionStatus.REJECTED)
VERIFICATION_CODE_LENGTH = 10
ANSWER_ERROR_MAX = 500


class ObjectionAlreadyAnswered(Conflict):
    """The atasan answered this objection already (a second click, another tab): HTTP 409."""

    def __init__(self, objection: Objection):
        self.state = objection.status
        super().__init__(
            _("Already processed: objection %(number)s is “%(status)s”.")
            % {"number": objection.register_number, "status": objection.get_status_display()}
        )


# --- the time limits -------------------------------------------------------------------------


def _calendar(body: Body):
    return calendar_for_body(body)


def working_days_after(body: Body, start: datetime, days: int):
    """The deadline `days` working days after `start` by the body's office calendar."""
    return compute_deadline(start, days, TimeUnit.HARI_KERJA, _calendar(body))


def reason_arose_at(request: InformationRequest, ground: str, now: datetime) -> datetime:
    """When the reason of an objection on `ground` arose; a ValidationError (on `ground`) when
    it has not arisen (no notice yet, the request still within its time, ...)."""
    if ground == ObjectionGround.C:
        if request.status in REQUEST_OPEN_STATUSES:
            if now < request.deadline:
                raise ValidationError(
                    {
                        "ground": [
                            _(
                                "The request is still within its time limit (until %(due)s): "
                                "an objection because it was not answered can be filed after "
                                "that."
                            )
                            % {"due": when(request.deadline, request.body)}
                        ]
                    }
                )
            return request.deadline
        raise ValidationError(
            {
                "ground": [
                    _("The request has been answered; if the answer came late, choose ground g.")
                ]
            }
        )
    if request.status in REQUEST_OPEN_STATUSES or request.decided_at is None:
        raise ValidationError(
            {
                "ground": [
                    _(
                        "The request has no written notice yet: only ground c (not answered) "
                        "applies, once its time limit has passed."
                    )
                ]
            }
        )
    if ground == ObjectionGround.A and request.status not in REFUSING_DECISIONS:
        raise ValidationError(
            {"ground": [_("The written notice did not refuse the request (ground a).")]}
        )
    if ground == ObjectionGround.G and request.decided_at <= request.deadline:
        raise ValidationError(
            {"ground": [_("The written notice was given within the time limit (ground g).")]}
        )
    return request.decided_at


def filing_deadline(request: InformationRequest, ground: str, now: datetime) -> datetime:
    """The last moment to file an objection on `ground`: 30 working days after its reason,
    counted by the selectors' single definition (`objection_filing_deadline`)."""
    return objection_filing_deadline(request, reason_arose_at(request, ground, now))


def open_grounds(request: InformationRequest, now: datetime | None = None) -> dict[str, datetime]:
    """The grounds an objection may be filed on now, each with its last moment (for the
    tracking page and the form: the requester sees the deadline before filing); a ground
    already objected to on this request is not offered again."""
    now = now or timezone.now()
    filed = set(Objection.objects.filter(request=request).values_list("ground", flat=True))
    found = {}
    for ground in ObjectionGround.values:
        if ground in filed:
            continue
        try:
            until = filing_deadline(request, ground, now)
        except ValidationError:
            continue
        if now <= until:
            found[ground] = until
    return found


def when(moment: datetime, body: Body) -> str:
    local = timezone.localtime(moment, ZoneInfo(body.time_zone or settings.TIME_ZONE))
    return f"{formats.date_format(local, 'l, j F Y H:i')} {local.tzname()}"


# --- filing --------------------------------------------------------------------------------


def _next_number(body: Body, year: int) -> int:
    """The next register number of the body's year; the body row is locked by the caller."""
    last = Objection.objects.filter(body=body, year=year).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def _audit(objection: Objection, *, action: str, user=None, note: str = "", **data) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user if getattr(user, "is_authenticated", False) else None,
        body=objection.body,
        action=action,
        note=note,
        target_type="workflow.objection",
        target_id=str(objection.pk),
        data={
            "number": objection.register_number,
            "request": objection.request.register_number,
            "ground": objection.ground,
            "status": objection.status,
            "due_at": objection.due_at.isoformat(),
            **data,
        },
    )


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise ValidationError({"reason": [_("The text contains a NUL character.")]})
    if not reason:
        raise ValidationError({"reason": [_("Say why you object.")]})
    if len(reason) > OBJECTION_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    _("At most %(n)d characters (it has %(m)d).")
                    % {"n": OBJECTION_REASON_MAX_LENGTH, "m": len(reason)}
                ]
            }
        )
    return reason


def objection_file(
    *,
    request: InformationRequest,
    ground: str,
    reason: str,
    user: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Objection:
    """File an objection to the request's atasan PPID (the public form and API, by tracking
    code; `user` when an officer enters one received on paper). Refused with a ValidationError
    and nothing stored: an unknown ground, no reason, a reason that has not arisen, past the 30
    working days, the same ground already objected to."""
    now = now or timezone.now()
    if ground not in ObjectionGround.values:
        raise ValidationError({"ground": [_("Choose one of the grounds a to g of Pasal 35(1).")]})
    reason = _clean_reason(reason)
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=request.body_id).first()
        request = (
            InformationRequest.objects.select_for_update(of=("self",))
            .select_related("body")
            .get(pk=request.pk)
        )
        body = request.body
        until = filing_deadline(request, ground, now)
        if now > until:
            raise ValidationError(
                {
                    "ground": [
                        _(
                            "The time to object on this ground ended on %(until)s: 30 working "
                            "days after its reason arose (Pasal 35-36)."
                        )
                        % {"until": when(until, body)}
                    ]
                }
            )
        if Objection.objects.filter(request=request, ground=ground).exists():
            raise ValidationError(
                {"ground": [_("An objection on this ground was already filed for the request.")]}
            )
        deadline = working_days_after(body, now, OBJECTION_ANSWER_WORKING_DAYS)
        year = timezone.localtime(now, ZoneInfo(body.time_zone or settings.TIME_ZONE)).year
        objection = Objection(
            request=request,
            body=body,
            year=year,
            number=_next_number(body, year),
            ground=ground,
            reason=reason,
            entered_by=user if getattr(user, "is_authenticated", False) else None,
            filed_at=now,
            due_at=deadline.due_at,
            due_explanation=deadline.explain(body.time_zone),
            remind_at=deadline.remind_at,
            next_notice_at=deadline.remind_at,
        )
        objection.full_clean()
        objection.save()
        _audit(
            objection,
            action="objection.file",
            user=user,
            filing_deadline=until.isoformat(),
        )
        with translation.override(settings.LANGUAGE_CODE):
            names = _names(objection)
            notify(
                recipients=users_with_roles(body, [Role.ATASAN, Role.PPID]),
                kind=NoticeKind.HANDOVER,
                key=f"objection:{objection.pk}:filed",
                title=_("Objection %(number)s filed: request %(request)s") % names,
                message=_(
                    "An objection (keberatan) on ground %(ground)s was filed against request "
                    "%(request)s of %(body)s. The atasan PPID answers in writing by "
                    "%(deadline)s."
                )
                % names,
                url=objection_url(objection),
                body=body,
            )
        _mail_requester_on_commit(objection, "filed")
    return objection


def _names(objection: Objection) -> dict[str, str]:
    return {
        "number": objection.register_number,
        "request": objection.request.register_number,
        "body": objection.body.name,
        "ground": str(ObjectionGround(objection.ground).label),
        "deadline": when(objection.due_at, objection.body),
    }


def objection_url(objection: Objection) -> str:
    return reverse("workflow:objection", args=[objection.pk])


# --- the atasan's answer ------------------------------------------------------------------


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
            Objection.objects.select_for_update(of=("self",))
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
        dispute = working_days_after(found.body, now, DISPUTE_FILING_WORKING_DAYS)
        found.dispute_due_at = dispute.due_at
        found.dispute_due_explanation = dispute.explain(found.body.time_zone)
        found.next_notice_at = None
        try:
            found.full_clean()
            found.save()
        except ConcurrentTransition as error:
            raise ObjectionAlreadyAnswered(found) from error
        ObjectionAnswerDocument.objects.get_or_create(objection=found)
        _audit(
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


# --- the signed answer (tanggapan atasan) --------------------------------------------------


def answer_title(objection: Objection) -> str:
    return f"Tanggapan Atasan PPID atas Keberatan Nomor {objection.register_number}"


def answer_context(objection: Objection) -> dict:
    body = objection.body
    request = objection.request
    signed_at = objection.answered_at
    local = timezone.localtime(signed_at, ZoneInfo(body.time_zone or settings.TIME_ZONE))
    officer = Officer.objects.filter(user=objection.answered_by).first()
    url = public_url(reverse("dip:verify_code", args=[objection.verification_code]))
    decision = (
        "Menerima keberatan Saudara. PPID {body} wajib menindaklanjuti permohonan informasi "
        "Saudara sesuai dengan keberatan ini."
        if objection.status == ObjectionStatus.UPHELD
        else "Menolak keberatan Saudara dan menguatkan jawaban PPID {body}."
    ).format(body=body.name)
    dispute = timezone.localtime(
        objection.dispute_due_at, ZoneInfo(body.time_zone or settings.TIME_ZONE)
    )
    return {
        "title": answer_title(objection),
        "body": body,
        "logo": rendering.logo_data_uri(body),
        "objection_number": objection.register_number,
        "requester_name": request.name,
        "filed_on": rendering.tanggal(
            timezone.localtime(objection.filed_at, ZoneInfo(body.time_zone or settings.TIME_ZONE))
        ),
        "request_number": request.register_number,
        "information": request.information,
        "ground_text": GROUND_WORDING[objection.ground],
        "reason": objection.reason,
        "decision_text": decision,
        "note": objection.answer_note,
        "commission_due": rendering.tanggal(dispute),
        "place": rendering.body_place(body),
        "signed_on": rendering.tanggal(local),
        "signatory": rendering.Signatory(
            name=objection.answered_by.get_full_name() or objection.answered_by.get_username(),
            position=officer.position if officer else "",
            nip=officer.nip if officer else "",
        ),
        "qr": rendering.qr_data_uri(url),
        "verification_url": url,
        "code": objection.verification_code,
        "created_iso": local.replace(microsecond=0).isoformat(),
    }


# Pasal 35(1) a-g in the words of the law, as the written answer cites them.
GROUND_WORDING = {
    ObjectionGround.A: "Pasal 35 ayat (1) huruf a: penolakan atas permintaan informasi "
    "berdasarkan alasan pengecualian sebagaimana dimaksud dalam Pasal 17",
    ObjectionGround.B: "Pasal 35 ayat (1) huruf b: tidak disediakannya informasi berkala "
    "sebagaimana dimaksud dalam Pasal 9",
    ObjectionGround.C: "Pasal 35 ayat (1) huruf c: tidak ditanggapinya permintaan informasi",
    ObjectionGround.D: "Pasal 35 ayat (1) huruf d: permintaan informasi ditanggapi tidak "
    "sebagaimana yang diminta",
    ObjectionGround.E: "Pasal 35 ayat (1) huruf e: tidak dipenuhinya permintaan informasi",
    ObjectionGround.F: "Pasal 35 ayat (1) huruf f: pengenaan biaya yang tidak wajar",
    ObjectionGround.G: "Pasal 35 ayat (1) huruf g: penyampaian informasi yang melebihi waktu "
    "yang diatur dalam Undang-Undang",
}


def _storage_name(objection: Objection, sha256: str) -> str:
    return f"documents/{objection.body.slug}/keberatan-{objection.pk}-{sha256[:12]}.pdf"


def _short_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    message = f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
    return message[:ANSWER_ERROR_MAX]


def objection_answer_document_build(*, objection_id: int) -> ObjectionAnswerDocument | None:
    """Render, sign (the body's key, as the DIP) and store the atasan's answer. Run by the
    system after the answer commits; idempotent: a ready document is returned as it is. On an
    error the row is marked failed with its error, and the error raised for the task to retry."""
    with transaction.atomic():
        objection = (
            Objection.objects.select_related("body", "request", "answered_by")
            .filter(pk=objection_id)
            .first()
        )
        if objection is None or objection.status == ObjectionStatus.FILED:
            return None
        document, _created = ObjectionAnswerDocument.objects.select_for_update().get_or_create(
            objection=objection
        )
        if document.status == DocumentStatus.READY and document.file:
            return document
        document.status = DocumentStatus.RENDERING
        document.attempts += 1
        document.save(update_fields=["status", "attempts", "updated_at"])
    try:
        with translation.override("id"):
            html = render_to_string(
                "workflow/objection_answer_document.html", answer_context(objection)
            )
        pdf = rendering.html_to_pdf(
            html, identifier=f"ppid-objection-{objection.pk}-{objection.verification_code}"
        )
        signed, subject = signing.signer_for(objection.body).sign(
            pdf, reason=answer_title(objection), location=rendering.body_place(objection.body)
        )
        return _store(document, objection, signed, subject)
    except Exception as error:
        with transaction.atomic():
            failed = ObjectionAnswerDocument.objects.select_for_update().get(pk=document.pk)
            if failed.status != DocumentStatus.READY:
                failed.status = DocumentStatus.FAILED
                failed.last_error = _short_error(error)
                failed.save(update_fields=["status", "last_error", "updated_at"])
                _audit(
                    objection,
                    action="objection.answer_document_failed",
                    error=failed.last_error,
                    attempts=failed.attempts,
                )
        raise


def _store(
    document: ObjectionAnswerDocument, objection: Objection, signed: bytes, subject: str
) -> ObjectionAnswerDocument:
    sha256 = hashlib.sha256(signed).hexdigest()
    storage = ObjectionAnswerDocument._meta.get_field("file").storage
    with tempfile.NamedTemporaryFile(suffix=".pdf") as temp:
        temp.write(signed)
        temp.flush()
        temp.seek(0)
        with transaction.atomic():
            document = ObjectionAnswerDocument.objects.select_for_update().get(pk=document.pk)
            if document.status == DocumentStatus.READY and document.file:
                return document
            saved = storage.save(_storage_name(objection, sha256), File(temp))
            try:
                document.file.name = saved
                document.sha256 = sha256
                document.size = len(signed)
                document.pages = rendering.pdf_page_count(signed)
                document.signer_subject = subject[:500]
                document.status = DocumentStatus.READY
                document.last_error = ""
                document.rendered_at = timezone.now()
                document.full_clean()
                document.save()
                _audit(
                    objection,
                    action="objection.answer_document_ready",
                    sha256=sha256,
                    size=len(signed),
                )
                transaction.on_commit(invalidate_public_pages, robust=True)
            except BaseException:
                storage.delete(saved)
                raise
    _mail_requester_on_commit(objection, "answered")
    return document


class AnswerDocumentNotFailed(Conflict):
    """Only a failed signed answer is built again (HTTP 409)."""

    def __init__(self, document: ObjectionAnswerDocument | None):
        self.state = document.status if document else ""
        super().__init__(_("Only a failed signed answer can be built again."))


def may_retry_answer_document(user: AbstractBaseUser, body: Body) -> bool:
    return has_any_role(user, body, [Role.ATASAN, Role.PPID])


def objection_answer_document_retry(
    *, objection: Objection, user: AbstractBaseUser
) -> ObjectionAnswerDocument:
    """Put a failed signed answer back in the queue (the atasan or the PPID of the body, after
    fixing what its error says); it is built again after commit."""
    if not may_retry_answer_document(user, objection.body):
        raise PermissionDenied(_("Only the atasan or the PPID of the public body may do this."))
    with transaction.atomic():
        document = (
            ObjectionAnswerDocument.objects.select_for_update().filter(objection=objection).first()
        )
        if document is None or document.status != DocumentStatus.FAILED:
            raise AnswerDocumentNotFailed(document)
        document.status = DocumentStatus.PENDING
        document.save(update_fields=["status", "updated_at"])
        _audit(
            objection,
            action="objection.answer_document_retry",
            user=user,
            attempts=document.attempts,
            last_error=document.last_error,
        )
        objection_id = objection.pk
        transaction.on_commit(
            lambda: objection_answered.send(sender=Objection, objection_id=objection_id),
            robust=True,
        )
    return document


# --- e-mail to the requester ----------------------------------------------------------------


def _mail_requester_on_commit(objection: Objection, event: str) -> None:
    if not objection.request.email:
        return
    objection_id = objection.pk

    def send() -> None:
        objection_requester_mail.send(sender=Objection, objection_id=objection_id, event=event)

    transaction.on_commit(send, robust=True)


def objection_requester_mail_send(*, objection_id: int, event: str) -> bool:
    """E-mail the requester (when an address was given) that the objection was filed, or that
    the atasan answered it (with the Komisi Informasi deadline). No personal data beyond what
    the requester gave; the tracking page has the rest. Once per objection and event
    (`requester_mail_once`)."""
    objection = Objection.objects.select_related("body", "request").filter(pk=objection_id).first()
    if objection is None or not objection.request.email:
        return False
    request = objection.request
    tracking = public_url(reverse("workflow:objection_public", args=[request.tracking_code]))
    with translation.override(settings.LANGUAGE_CODE):
        names = {**_names(objection), "link": tracking}
        if event == "answered":
            names["decision"] = objection.get_status_display()
            names["dispute"] = when(objection.dispute_due_at, objection.body)
            subject = _("Answer to your objection %(number)s") % names
            lines = [
                _("The atasan PPID of %(body)s answered your objection %(number)s: %(decision)s.")
                % names,
                "",
                _(
                    "If you are not satisfied, you may take it to the Komisi Informasi by "
                    "%(dispute)s (14 working days, Pasal 37)."
                )
                % names,
            ]
        else:
            subject = _("Your objection %(number)s is registered") % names
            lines = [
                _(
                    "Your objection (keberatan) on request %(request)s of %(body)s is registered "
                    "as number %(number)s. The atasan PPID answers in writing by %(deadline)s."
                )
                % names,
            ]
        lines += ["", _("Follow it here: %(link)s") % names]
        lines += [
            "",
            "-- ",
            _("Sent automatically by PPID Documentation; please do not reply to this e-mail."),
        ]
    return requester_mail_once(
        key=f"objection:{objection.pk}:{event}",
        send=lambda: send_mail(
            subject=f"[PPID] {subject}",
            message="\n".join(lines) + "\n",
            from_email=None,
            recipient_list=[request.email],
        ),
    )


# --- the clock --------------------------------------------------------------------------------


def objection_next_notice(objection: Objection, now: datetime) -> datetime | None:
    """The next moment after `now` at which the objection's clock still owes a notice."""
    moments = []
    if (
        objection.remind_at
        and objection.reminded_at is None
        and objection.overdue_noticed_at is None
    ):
        moments.append(objection.remind_at)
    if objection.overdue_noticed_at is None:
        moments.append(objection.due_at)
    if objection.escalated_at is None:
        moments.append(objection.due_at + escalation_grace())
    return min((m for m in moments if m > now), default=None)


def objection_watch(*, objection_id: int, now: datetime | None = None) -> list[str]:
    """Send what the objection's clock owes at `now`, each once, under its row lock: the
    reminder to the atasan at 80% of the 30 working days; at the deadline "terlambat" to the
    atasan and the PPID (and the Komisi Informasi deadline of the lapse, Pasal 37, stored for
    the requester); a grace period later the escalation to the PPID Utama. An answered (or
    deleted) objection is left alone; a sweep held up catches up in one go."""
    now = now or timezone.now()
    sent: list[str] = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("body", "request")
            .filter(pk=objection_id)
            .first()
        )
        if objection is None or objection.status != ObjectionStatus.FILED:
            return []
        body = objection.body
        names = _names(objection)
        if now >= objection.due_at:
            if objection.overdue_noticed_at is None:
                recipients = list(users_with_roles(body, [Role.ATASAN, Role.PPID]))
                notify(
                    recipients=recipients,
                    kind=NoticeKind.OVERDUE,
                    key=f"objection:{objection.pk}:overdue",
                    title=_("Overdue: objection %(number)s") % names,
                    message=_(
                        "The atasan's written answer to objection %(number)s (request "
                        "%(request)s, %(body)s) was due by %(deadline)s and is not given yet "
                        "(terlambat)."
                    )
                    % names,
                    url=objection_url(objection),
                    body=body,
                )
                objection.overdue_noticed_at = now
                lapse = working_days_after(body, objection.due_at, DISPUTE_FILING_WORKING_DAYS)
                objection.dispute_due_at = lapse.due_at
                objection.dispute_due_explanation = lapse.explain(body.time_zone)
                _audit(
                    objection,
                    action="objection.overdue",
                    recipients=[u.pk for u in recipients],
                )
                sent.append("overdue")
            if objection.escalated_at is None and now >= objection.due_at + escalation_grace():
                recipients = list(users_overseeing(body))
                notify(
                    recipients=recipients,
                    kind=NoticeKind.ESCALATION,
                    key=f"objection:{objection.pk}:escalation",
                    title=_("Escalated to you: objection %(number)s is overdue") % names,
                    message=_(
                        "The atasan PPID of %(body)s has not answered objection %(number)s "
                        "(request %(request)s), due by %(deadline)s. It is escalated to you as "
                        "PPID Utama: please follow it up."
                    )
                    % names,
                    url=objection_url(objection),
                    body=body,
                )
                objection.escalated_at = now
                objection.escalation_level = 2
                _audit(
                    objection,
                    action="objection.escalated",
                    recipients=[u.pk for u in recipients],
                )
                sent.append("escalation")
        elif objection.remind_at and now >= objection.remind_at and objection.reminded_at is None:
            recipients = list(users_with_roles(body, [Role.ATASAN]))
            notify(
                recipients=recipients,
                kind=NoticeKind.REMINDER,
                key=f"objection:{objection.pk}:reminder",
                title=_("Deadline approaching: objection %(number)s") % names,
                message=_(
                    "80%% of the time to answer objection %(number)s (request %(request)s, "
                    "%(body)s) has passed. The written answer is due by %(deadline)s."
                )
                % names,
                url=objection_url(objection),
                body=body,
            )
            objection.reminded_at = now
            _audit(objection, action="objection.reminded", recipients=[u.pk for u in recipients])
            sent.append("reminder")
        objection.next_notice_at = objection_next_notice(objection, now)
        objection.save(
            update_fields=[
                "reminded_at",
                "overdue_noticed_at",
                "escalation_level",
                "escalated_at",
                "next_notice_at",
                "dispute_due_at",
                "dispute_due_explanation",
            ]
        )
    return sent


def objection_first_notice(objection: Objection) -> datetime | None:
    """The earliest moment still owed (even a past one), for a recount."""
    return objection_next_notice(objection, datetime.min.replace(tzinfo=UTC))
