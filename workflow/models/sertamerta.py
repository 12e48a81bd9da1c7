"""Serta merta announcements (UU 14/2008 Pasal 10): the request to announce one item at once,
and a body's own time standard for the PPID's decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dip.models import Announcement, Item
from ppid.fields import NOTE_MAX_LENGTH, bounded_text
from ppid.models import Body
from workflow.models.sops import TIME_UNIT_MAX_LENGTH, TimeUnit


class SertaMertaState(models.TextChoices):
    DIAJUKAN = "diajukan", _("Requested")
    DISETUJUI = "disetujui", _("Approved and announced")
    DIKEMBALIKAN = "dikembalikan", _("Returned")


class SertaMertaRequest(ConcurrentTransitionMixin, models.Model):
    """A request to announce one serta merta item at once (UU 14/2008 Pasal 10), without
    waiting for the yearly edition: the operator (or the PPID) asks, the PPID approves or returns
    it in one step with its own short time standard (stored when asked: `due_at`). Approval
    announces the item on the public site and lists it in the next DIP. Kept as evidence."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    state = FSMField(_("state"), choices=SertaMertaState.choices, default=SertaMertaState.DIAJUKAN)
    note = bounded_text(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    standard_amount = models.PositiveIntegerField()
    standard_unit = models.CharField(max_length=TIME_UNIT_MAX_LENGTH, choices=TimeUnit.choices)
    # The standard in seconds (amount times unit, `standard_seconds_of`), frozen when asked like
    # a step's: "1 jam" is 3,600 s even when asked in the evening. Not the span to `due_at`,
    # which skips nights and days off; whether the decision was on time is judged by `due_at`.
    standard_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(_("deadline"))
    due_explanation = models.CharField(max_length=500, blank=True)
    # The clock, as a step's (workflow.services.watch): the reminder at 80% of the standard,
    # terlambat at the deadline, the escalation to the PPID Utama a grace period later; each
    # sent once, and the next of them still owed, which the beat sweep selects.
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_noticed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    next_notice_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = bounded_text(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    announcement = models.ForeignKey(
        Announcement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(state="diajukan"),
                name="serta_merta_one_open_per_item",
            )
        ]
        indexes = [
            # The clock watch: open requests whose next notice is due.
            models.Index(
                fields=["next_notice_at"],
                condition=Q(state="diajukan", next_notice_at__isnull=False),
                name="serta_merta_next_notice",
            ),
            models.Index(fields=["body", "state"], name="serta_merta_body_state"),
        ]
        verbose_name = _("serta merta request")
        verbose_name_plural = _("serta merta requests")

    def __str__(self) -> str:
        return f"{self.title} ({self.state})"

    @transition(field=state, source=SertaMertaState.DIAJUKAN, target=SertaMertaState.DISETUJUI)
    def approve(self) -> None:
        pass

    @transition(field=state, source=SertaMertaState.DIAJUKAN, target=SertaMertaState.DIKEMBALIKAN)
    def send_back(self) -> None:
        pass

    @property
    def duration_seconds(self) -> int | None:
        if self.decided_at is None:
            return None
        return max(0, int((self.decided_at - self.requested_at).total_seconds()))

    @property
    def on_time(self) -> bool | None:
        """Decided by its deadline; None while waiting."""
        if self.decided_at is None:
            return None
        return self.decided_at <= self.due_at


class SertaMertaStandard(models.Model):
    """A body's own time standard for the PPID's serta merta decision, set on the SOP page by
    the PPID Utama over the body or its atasan (who sign off its SOPs). Without one the
    project's default applies (`PPID_SERTA_MERTA_STANDARD_AMOUNT`/`_UNIT`). A request keeps
    the standard it was asked under."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="+")
    amount = models.PositiveIntegerField(_("time standard"))
    unit = models.CharField(
        _("time unit"), max_length=TIME_UNIT_MAX_LENGTH, choices=TimeUnit.choices
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1), name="serta_merta_standard_positive")
        ]
        verbose_name = _("serta merta time standard")
        verbose_name_plural = _("serta merta time standards")

    def __str__(self) -> str:
        return f"{self.body} ({self.amount} {self.unit})"
