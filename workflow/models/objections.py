"""Objections (keberatan) to the atasan PPID about a request, and the atasan's signed answer.

UU 14/2008 Pasal 35-37: an objection is filed within 30 working days of its reason and answered
in writing within 30 working days; the requester may then go to the Komisi Informasi within 14
working days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dip.models import SignedArtefact
from ppid.fields import NOTE_MAX_LENGTH, bounded_text
from ppid.models import Body
from workflow.models.requests import InformationRequest, RequestChannel

OBJECTION_FILING_WORKING_DAYS = 30
OBJECTION_ANSWER_WORKING_DAYS = 30
DISPUTE_FILING_WORKING_DAYS = 14

OBJECTION_REASON_MAX_LENGTH = 5000


class ObjectionGround(models.TextChoices):
    """UU 14/2008 Pasal 35(1) a-g."""

    A = "a", _("a. Refusal under the exceptions of Pasal 17")
    B = "b", _("b. Periodic (berkala) information not provided (Pasal 9)")
    C = "c", _("c. The request was not answered")
    D = "d", _("d. The request was answered other than asked")
    E = "e", _("e. The request was not fulfilled")
    F = "f", _("f. An unreasonable fee was charged")
    G = "g", _("g. The answer came later than the law allows")


class ObjectionStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class Objection(ConcurrentTransitionMixin, models.Model):
    """An objection (keberatan) to the atasan PPID about one request (Pasal 35-36): filed within
    30 working days of its reason, answered in writing (tanggapan atasan) within 30 working
    days (`due_at`, stored when filed). The requester may then go to the Komisi Informasi
    within 14 working days (Pasal 37)."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.PROTECT, related_name="objections"
    )
    # The request's body, kept on the row for the register and the permission filter.
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="objections")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("register number"))
    ground = models.CharField(_("ground"), max_length=1, choices=ObjectionGround.choices)
    reason = bounded_text(_("reason"), max_length=OBJECTION_REASON_MAX_LENGTH)
    channel = models.CharField(
        _("channel"), max_length=10, choices=RequestChannel.choices, default=RequestChannel.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    status = FSMField(_("status"), choices=ObjectionStatus.choices, default=ObjectionStatus.FILED)
    due_at = models.DateTimeField(_("deadline"))
    due_explanation = models.CharField(max_length=500, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    next_notice_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_noticed_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer_note = bounded_text(_("answer"), max_length=NOTE_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Printed under the QR code of the signed answer; /verifikasi/<code>/ finds it.
    verification_code = models.CharField(max_length=10, blank=True, db_index=True)
    # The requester may take it to the Komisi Informasi within 14 working days of the answer
    # or of its lapse (Pasal 37): stored when answered, or when the deadline passed unanswered.
    dispute_due_at = models.DateTimeField(_("Komisi Informasi deadline"), null=True, blank=True)
    dispute_due_explanation = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"], name="objection_unique_register_number"
            ),
        ]
        indexes = [
            models.Index(fields=["body", "-filed_at"], name="objection_register"),
            models.Index(fields=["body", "status"], name="objection_body_status"),
            models.Index(
                fields=["next_notice_at"],
                condition=Q(status="filed", next_notice_at__isnull=False),
                name="objection_open_next_notice",
            ),
        ]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.number}/{self.year} ({self.status})"

    @property
    def register_number(self) -> str:
        return f"{self.number}/{self.year}"

    @transition(field=status, source=ObjectionStatus.FILED, target=ObjectionStatus.UPHELD)
    def uphold(self) -> None:
        pass

    @transition(field=status, source=ObjectionStatus.FILED, target=ObjectionStatus.REJECTED)
    def reject(self) -> None:
        pass


class ObjectionAnswerDocument(SignedArtefact):
    """The atasan's written answer (tanggapan atasan) to an objection, as a signed PDF."""

    objection = models.OneToOneField(
        Objection, on_delete=models.PROTECT, related_name="answer_document"
    )

    class Meta:
        verbose_name = _("signed answer to an objection")
        verbose_name_plural = _("signed answers to objections")

    def __str__(self) -> str:
        return f"{self.objection} ({self.status})"
