"""Who was told what: the officers' notices (in the bell and by e-mail), and the once-only claim
of each e-mail to a requester."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dip.models import Edition
from ppid.models import Body


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("Deadline approaching")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalated")
    BERKALA_DUE = "berkala_due", _("Periodic information needs an update")
    EXEMPTION_ENDED = "exemption_ended", _("Exemption period has ended")
    ANNOUNCEMENT = "announcement", _("Announcement")
    HANDOVER = "handover", _("Handed over to you")
    RETURNED = "returned", _("Returned to you (dikembalikan)")
    SERTA_MERTA = "serta_merta", _("Serta merta announcement")
    ROW_REMOVED = "row_removed", _("Row taken out of a list")
    REQUEST = "request", _("Request for information")


class Notice(models.Model):
    """One notification to one officer: in the bell, and by e-mail.

    `key` names the event ("step:12:overdue"); one notice per recipient and key, so a sweep that
    runs twice, or two workers racing, cannot send the same notice twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=255)
    message = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notice_once_per_recipient")
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notice_unread",
            )
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.recipient_id}:{self.key}"


class RequesterMail(models.Model):
    """The once-only claim of one e-mail to a requester: the receipt, the extension or the
    written notice of a request ("request:12:received"), the filing or the atasan's answer of
    an objection ("objection:3:answered"). The sender inserts the row before sending (the
    unique key makes a redelivered or duplicated task find it and send nothing) and deletes it
    when the send fails, so the retry may claim it again."""

    key = models.CharField(max_length=80, unique=True)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("e-mail to a requester")
        verbose_name_plural = _("e-mails to requesters")

    def __str__(self) -> str:
        return self.key
