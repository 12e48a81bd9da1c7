"""The requester's e-mails: at receipt, at the extension and at the decision, when an address was
given, each once (sent by a task after commit)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from workflow.deadlines import when
from workflow.models import (
    InformationRequest,
)
from workflow.services.notices import requester_mail_once


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
            "deadline": when(request.deadline, request.body),
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
