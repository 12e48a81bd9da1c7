"""The review of an edition: the Ketua PPID's Nota Dinas, the reviewers' comments, and the tim
pertimbangan's decisions on the dikecualikan rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dip.models import Edition, Stage
from ppid.fields import NOTE_MAX_LENGTH, bounded_text

# The longest free text of a review: a reviewer's comment, the Nota Dinas (a letter of a few
# pages) and whom it is addressed to.
COMMENT_MAX_LENGTH = 5000
ADDRESSED_TO_MAX_LENGTH = 1000
NOTA_DINAS_MAX_LENGTH = 10000


class NotaDinas(models.Model):
    """The Ketua PPID's instruction to the units (seed 000, stage instruction)."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="nota_dinas")
    number = models.CharField(_("letter number"), max_length=100)
    dated = models.DateField(_("date"))
    addressed_to = bounded_text(
        _("addressed to"),
        max_length=ADDRESSED_TO_MAX_LENGTH,
        help_text=_("The units (bidang/seksi) that must supply information."),
    )
    subject = models.CharField(_("subject"), max_length=255)
    content = bounded_text(_("content"), max_length=NOTA_DINAS_MAX_LENGTH)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nota Dinas")
        verbose_name_plural = _("Nota Dinas")

    def __str__(self) -> str:
        return self.number


class ReviewComment(models.Model):
    """A reviewer's remark on the whole edition (item empty) or on one of its rows."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(
        "dip.Item", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = bounded_text(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["edition", "created_at", "pk"]
        indexes = [models.Index(fields=["edition", "item"], name="comment_edition_item")]

    def __str__(self) -> str:
        return self.text[:60]


class ConsiderationDecision(models.TextChoices):
    AGREE = "agree", _("Agree with the consequence test")
    CHANGE_GROUND = "change_ground", _("Change the legal ground")
    CHANGE_PERIOD = "change_period", _("Change the exemption period")
    CHANGE_CLASSIFICATION = "change_classification", _("Open it: change the classification")


class Consideration(models.Model):
    """The tim pertimbangan's decision on one dikecualikan row of an edition under review."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="considerations")
    item = models.ForeignKey("dip.Item", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=30, choices=ConsiderationDecision.choices)
    note = bounded_text(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "item"], name="consideration_one_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}:{self.item_id} {self.decision}"
