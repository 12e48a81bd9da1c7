"""What an edition lists: the items picked while it is assembled, the rows as they were
signed, and the words of the signed rows that search corrects against."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dip.models.classification import (
    EXEMPTED_PART_MAX_LENGTH,
    Classification,
    ExemptionGround,
    InformationForm,
)
from dip.models.editions import Edition
from dip.models.items import Item


class EditionItem(models.Model):
    """An item picked into an edition that is still being assembled or reviewed."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="entries")
    position = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "item"], name="edition_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}:{self.item_id}"


class EditionRow(models.Model):
    """A row exactly as it was signed. Later edits of the item never change it."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="rows")
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, related_name="signed_rows")
    number = models.PositiveIntegerField()
    classification = models.CharField(max_length=20, choices=Classification.choices)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    unit_name = models.CharField(max_length=255, blank=True)
    holding_unit = models.CharField(max_length=255, blank=True)
    responsible = models.CharField(max_length=255, blank=True)
    produced_at = models.DateField(null=True, blank=True)
    produced_place = models.CharField(max_length=255, blank=True)
    form = models.CharField(max_length=10, choices=InformationForm.choices, blank=True)
    retention = models.CharField(max_length=255, blank=True)
    update_period_months = models.PositiveSmallIntegerField(null=True, blank=True)
    exempted_part = models.CharField(max_length=EXEMPTED_PART_MAX_LENGTH, blank=True)
    exemption_ground = models.CharField(max_length=5, choices=ExemptionGround.choices, blank=True)
    exemption_law = models.CharField(max_length=500, blank=True)
    consequence_if_opened = models.TextField(blank=True)
    consequence_if_closed = models.TextField(blank=True)
    public_interest = models.TextField(blank=True)
    exemption_until = models.DateField(null=True, blank=True)
    exemption_event = models.CharField(max_length=500, blank=True)
    exemption_permanent = models.BooleanField(default=False)
    attachments = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="edition_row_number")
        ]
        verbose_name = _("signed row")
        verbose_name_plural = _("signed rows")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


# On PostgreSQL, dip_editionrow also has a column Django does not manage, `search_vector`: a
# tsvector GENERATED ALWAYS from the title (weight A), the units (B) and the summary (C) with
# the `simple` configuration, under a GIN index (migration 0012, read by dip.selectors.search).
# Changing the type of one of those four fields there means dropping and re-adding it.


class SearchWord(models.Model):
    """A word of the signed DIP rows (lower case, as the `simple` configuration splits them):
    the vocabulary a mistyped search word is corrected against (trigram index, PostgreSQL).
    Words are added when an edition is signed, never from a DIK or a dikecualikan row; a word
    is never shown to anyone."""

    word = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word
