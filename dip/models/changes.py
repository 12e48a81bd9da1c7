"""Classification changes: into or out of dikecualikan, only through the tim pertimbangan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dip.models.classification import (
    CONSEQUENCE_MAX_LENGTH,
    EXEMPTED_PART_MAX_LENGTH,
    Classification,
    ExemptionGround,
)
from dip.models.editions import Edition
from dip.models.items import Item
from ppid.fields import bounded_text
from ppid.models import Body


class ChangeOrigin(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by an officer")
    EXEMPTION_ENDED = "exemption_ended", _("The exemption period has ended")
    TIM = "tim", _("Decided by the tim pertimbangan while considering the DIK")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("Waiting for the tim pertimbangan")
    AGREED = "agreed", _("Agreed by the tim; waiting for the atasan's signature")
    REFUSED = "refused", _("Refused by the tim")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    APPLIED = "applied", _("Signed and applied")


OPEN_CHANGE_STATES = (ChangeState.PENDING, ChangeState.AGREED)


class ClassificationChange(models.Model):
    """A change of an item into or out of dikecualikan (usulan perubahan klasifikasi). It is
    never a plain edit: it rides on the body's DIK edition (the one being assembled, or the next
    one opened), the tim pertimbangan decides it as a row, and it is applied to the item only
    when the atasan signs that DIK. Opening an exempted item is then announced and the item
    goes into the next DIP."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="classification_changes")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="classification_changes")
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("DIK edition"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="classification_changes",
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=ChangeOrigin.choices, default=ChangeOrigin.PROPOSED
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    from_classification = models.CharField(
        _("from classification"), max_length=20, choices=Classification.choices
    )
    to_classification = models.CharField(
        _("to classification"), max_length=20, choices=Classification.choices
    )
    update_period_months = models.PositiveSmallIntegerField(
        _("update period (months)"), null=True, blank=True
    )
    reason = bounded_text(_("reason"), max_length=CONSEQUENCE_MAX_LENGTH)
    # Closing (into dikecualikan): the consequence test the tim decides on.
    exempted_part = models.CharField(
        _("exempted part"), max_length=EXEMPTED_PART_MAX_LENGTH, blank=True
    )
    exemption_ground = models.CharField(
        _("legal ground"), max_length=5, choices=ExemptionGround.choices, blank=True
    )
    exemption_law = models.CharField(_("law cited (name and article)"), max_length=500, blank=True)
    consequence_if_opened = bounded_text(
        _("consequence if opened"), max_length=CONSEQUENCE_MAX_LENGTH, blank=True
    )
    consequence_if_closed = bounded_text(
        _("consequence if closed"), max_length=CONSEQUENCE_MAX_LENGTH, blank=True
    )
    public_interest = bounded_text(
        _("public-interest consideration"), max_length=CONSEQUENCE_MAX_LENGTH, blank=True
    )
    exemption_until = models.DateField(_("exempted until (date)"), null=True, blank=True)
    exemption_event = models.CharField(_("exempted until (event)"), max_length=500, blank=True)
    exemption_permanent = models.BooleanField(_("exempted permanently"), default=False)

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = bounded_text(_("note"), max_length=CONSEQUENCE_MAX_LENGTH, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                # OR, not IN: PostgreSQL restores an IN-list index predicate in another spelling.
                condition=Q(state="pending") | Q(state="agreed"),
                name="classification_change_one_open",
            )
        ]
        indexes = [models.Index(fields=["body", "state"], name="classification_change_body")]
        verbose_name = _("classification change")
        verbose_name_plural = _("classification changes")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_classification} → {self.to_classification}"

    @property
    def opens(self) -> bool:
        return self.from_classification == Classification.DIKECUALIKAN

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CHANGE_STATES
