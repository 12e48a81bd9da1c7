"""The requester's e-mails about an objection: filed, and answered (with the Komisi Informasi
deadline), each once, sent by a task after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dip.serializers import public_url
from workflow.deadlines import when
from workflow.models import (
    Objection,
)
from workflow.services.notices import requester_mail_once
from workflow.services.objections.common import notice_names
from workflow.signals import objection_requester_mail


def mail_requester_on_commit(objection: Objection, event: str) -> None:
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
        names = {**notice_names(objection), "link": tracking}
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
