"""Information items (the entries of a body's register, which live on across editions) and
their attachments."""

from __future__ import annotations

import calendar
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dip.models.classification import (
    CONSEQUENCE_MAX_LENGTH,
    DIK_FIELDS,
    EXEMPTED_PART_MAX_LENGTH,
    EXEMPTION_FIELDS,
    GROUNDS_NEEDING_LAW,
    PERKI_FIELDS,
    PERKI_NULLABLE,
    PERMANENT_GROUNDS,
    SUMMARY_MAX_LENGTH,
    Classification,
    ExemptionGround,
    InformationForm,
)
from ppid.calendar import body_today
from ppid.fields import bounded_text
from ppid.models import Body, Unit


def items_incomplete(prefix: str = "") -> Q:
    """`Item.missing_fields()` in SQL: the items (through `prefix`, e.g. "item__" from a row)
    that miss a field the edition's document needs. Keep the two in step. Also the condition
    of the partial index `item_incomplete`, through which a submit finds the few incomplete
    items of a body without reading the rows (`dip.selectors.edition_rows_ready`)."""
    missing = Q()
    for name in PERKI_FIELDS:
        empty = {f"{prefix}{name}__isnull": True} if name in PERKI_NULLABLE else {prefix + name: ""}
        missing |= Q(**empty)
    dik_missing = Q()
    for name in DIK_FIELDS:
        dik_missing |= Q(**{prefix + name: ""})
    # An OR of equalities, not `__in`: PostgreSQL writes `= ANY (ARRAY[...])` back differently
    # after a dump and restore, and the backup test compares the index definitions exactly.
    needs_law = Q()
    for ground in sorted(GROUNDS_NEEDING_LAW):
        needs_law |= Q(**{f"{prefix}exemption_ground": ground})
    dik_missing |= needs_law & Q(**{f"{prefix}exemption_law": ""})
    dik_missing |= Q(
        **{
            f"{prefix}exemption_until__isnull": True,
            f"{prefix}exemption_event": "",
            f"{prefix}exemption_permanent": False,
        }
    )
    exempted = Q(**{f"{prefix}classification": Classification.DIKECUALIKAN})
    return missing | (exempted & dik_missing)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Columns that Item.save() derives from the others (always written with them).
ROW_FLAG_FIELDS = (
    "next_update_on",
    "needs_update_since",
    "needs_update_changed_at",
    "exemption_ended_on",
    "reopened_awaiting_dip",
)


class Item(models.Model):
    """An entry of a body's information register; it lives on across editions."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="items")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )
    title = models.CharField(_("title"), max_length=255)
    summary = bounded_text(_("summary of the content"), max_length=SUMMARY_MAX_LENGTH, blank=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices
    )
    update_period_months = models.PositiveSmallIntegerField(
        _("update period (months)"),
        default=6,
        help_text=_("Berkala only: how often it is updated, at least every 6 months."),
    )
    holding_unit = models.CharField(
        _("official or unit holding the information"), max_length=255, blank=True
    )
    responsible = models.CharField(
        _("responsible for producing or issuing it"), max_length=255, blank=True
    )
    produced_at = models.DateField(_("date produced"), null=True, blank=True)
    produced_place = models.CharField(_("place produced"), max_length=255, blank=True)
    form = models.CharField(
        _("form available"), max_length=10, choices=InformationForm.choices, blank=True
    )
    retention = models.CharField(_("retention period"), max_length=255, blank=True)

    # Uji konsekuensi, for dikecualikan only.
    exempted_part = models.CharField(
        _("exempted part"),
        max_length=EXEMPTED_PART_MAX_LENGTH,
        blank=True,
        help_text=_(
            "Where only a part of the document is exempted, name it (e.g. pages 3-5, the NIK "
            "annex); leave empty when the whole document is exempted."
        ),
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
    # "Until an event": the day the PPID recorded that the event has happened (the exemption
    # ends that day; the note is in the audit and the classification change it started).
    exemption_event_happened_on = models.DateField(
        _("event happened on"), null=True, blank=True, editable=False
    )

    # Berkala: the date its content was last updated, as an officer confirmed it ("mark as
    # updated"); until the first confirmation the production date stands in for it. The next
    # update is due `update_period_months` later (stored, so the daily sweep reads an index).
    last_updated_on = models.DateField(_("last updated"), null=True, blank=True)
    next_update_on = models.DateField(_("next update due"), null=True, blank=True, editable=False)
    # The row flags, set by the daily sweep (dip.services.rowflags) and read by the public
    # pages, which are cached: "perlu pembaruan" since this due date, and when that flag last
    # changed.
    needs_update_since = models.DateField(
        _("needs an update since"), null=True, blank=True, editable=False
    )
    needs_update_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Dikecualikan: the first day after `exemption_until`, once the sweep has seen it pass.
    exemption_ended_on = models.DateField(
        _("exemption ended on"), null=True, blank=True, editable=False
    )
    # Re-opened while no DIP edition of the body was being assembled: it joins the next one.
    reopened_awaiting_dip = models.BooleanField(default=False, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["body", "title", "pk"]
        indexes = [
            models.Index(fields=["body", "classification"], name="item_body_class"),
            # The register's default order (title, then id) within a body: a page of 25 reads
            # 25 index entries instead of sorting thousands of rows (issue 15).
            models.Index(fields=["body", "title", "id"], name="item_body_title"),
            # The daily sweep: berkala items due and not yet flagged ...
            models.Index(
                fields=["next_update_on"],
                condition=Q(next_update_on__isnull=False, needs_update_since__isnull=True),
                name="item_update_due",
            ),
            # ... and exemptions that ran until a date, not yet flagged as ended.
            models.Index(
                fields=["exemption_until"],
                condition=Q(
                    classification="dikecualikan",
                    exemption_until__isnull=False,
                    exemption_ended_on__isnull=True,
                ),
                name="item_exemption_due",
            ),
            # The officers' lists of flagged rows, per body.
            models.Index(
                fields=["body", "needs_update_since"],
                condition=Q(needs_update_since__isnull=False),
                name="item_needs_update",
            ),
            models.Index(
                fields=["body", "exemption_ended_on"],
                condition=Q(exemption_ended_on__isnull=False),
                name="item_exemption_ended",
            ),
            # A body's incomplete items (few) and exempted ones, by id (read from the index
            # alone): a DIP's submit check reads these, not its rows.
            models.Index(
                fields=["body", "id"], condition=items_incomplete(), name="item_incomplete"
            ),
            models.Index(
                fields=["body", "id"],
                condition=Q(classification="dikecualikan"),
                name="item_exempted",
            ),
        ]
        verbose_name = _("information item")
        verbose_name_plural = _("information items")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The derived fields always follow; retiring cached pages is the services' work
        # (dip.services.common.item_save).
        self.sync_row_flags()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *ROW_FLAG_FIELDS}
        super().save(*args, **kwargs)

    def sync_row_flags(self) -> bool:
        """Derive the next update date, and drop a flag the item's fields no longer support
        (the sweep sets it again if it still applies). True when the public flag went away."""
        base = self.last_updated_on or self.produced_at
        berkala = self.classification == Classification.BERKALA
        self.next_update_on = (
            add_months(base, self.update_period_months)
            if berkala and base and self.update_period_months
            else None
        )
        if self.exemption_ended_on and self.exemption_ended_on != self.exemption_end_day():
            self.exemption_ended_on = None
        if self.classification == Classification.DIKECUALIKAN:
            self.reopened_awaiting_dip = False
        if self.needs_update_since and self.needs_update_since != self.next_update_on:
            self.needs_update_since = None
            self.needs_update_changed_at = timezone.now()
            return True
        return False

    def exemption_end_day(self) -> date | None:
        """The first day the item is no longer exempted (None: permanent, until an event that
        has not happened yet, or not dikecualikan)."""
        if self.classification != Classification.DIKECUALIKAN or self.exemption_permanent:
            return None
        if self.exemption_event.strip() and self.exemption_event_happened_on:
            return self.exemption_event_happened_on
        if not self.exemption_until:
            return None
        return self.exemption_until + timedelta(days=1)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def add(field: str, message: Any) -> None:
            errors.setdefault(field, []).append(message)

        # "Today" on the body's clock: in Jayapura (WIT) the day starts at 22:00 WIB.
        today = body_today(self.body) if self.body_id else timezone.localdate()
        if self.produced_at and self.produced_at > today:
            add("produced_at", _("The production date cannot be in the future."))
        if self.last_updated_on and self.last_updated_on > today:
            add("last_updated_on", _("The update date cannot be in the future."))
        if self.unit_id and self.body_id and self.unit.body_id != self.body_id:
            add("unit", _("This unit belongs to another public body."))
        if self.classification == Classification.BERKALA and not (
            1 <= self.update_period_months <= 6
        ):
            add(
                "update_period_months",
                _("Berkala information is updated at least every 6 months (1 to 6)."),
            )
        if self.classification == Classification.DIKECUALIKAN:
            self._clean_exemption(add)
        else:
            for field in EXEMPTION_FIELDS:
                if getattr(self, field):
                    add(field, _("Only dikecualikan information has a consequence test."))
        if errors:
            raise ValidationError(errors)

    def _clean_exemption(self, add) -> None:
        periods = [
            bool(self.exemption_until),
            bool(self.exemption_event.strip()),
            bool(self.exemption_permanent),
        ]
        if sum(periods) > 1:
            add(
                "exemption_permanent",
                _("Choose one exemption period: until a date, until an event, or permanent."),
            )
        if self.exemption_permanent and self.exemption_ground not in PERMANENT_GROUNDS:
            add(
                "exemption_permanent",
                _("A permanent exemption is allowed only on ground g or h of Pasal 17."),
            )
        if self.exemption_ground in GROUNDS_NEEDING_LAW and not self.exemption_law.strip():
            add("exemption_law", _("Cite the law by name and article."))

    def missing_fields(self) -> list[str]:
        """The fields still empty that the edition's document needs; [] when complete."""
        missing = [f for f in PERKI_FIELDS if not getattr(self, f)]
        if self.classification == Classification.DIKECUALIKAN:
            missing += [f for f in DIK_FIELDS if not getattr(self, f)]
            if self.exemption_ground in GROUNDS_NEEDING_LAW and not self.exemption_law:
                missing.append("exemption_law")
            if not (self.exemption_until or self.exemption_event or self.exemption_permanent):
                missing.append("exemption_period")
        return missing


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random; the original name is kept in a column, never trusted on disk.
    item = instance.item
    return f"attachments/{item.body_id}/{item.pk}/{instance.token}{instance.extension}"


def thumbnail_path(instance: Attachment, filename: str) -> str:
    # Next to the file it shows, under a name of its own (random, never the client's).
    item = instance.item
    return f"attachments/{item.body_id}/{item.pk}/{secrets.token_hex(16)}.png"


class AttachmentKind(models.TextChoices):
    SOFTCOPY = "softcopy", _("Soft file")
    SCAN = "scan", _("Scan of a hard copy")
    # Of a dikecualikan item whose exempted part is blacked out: the only file of such an item
    # that the public may download (the original stays private).
    REDACTED = "redacted", _("Redacted public copy")


class Attachment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=thumbnail_path, max_length=255, blank=True
    )
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=10, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(
        _("kind"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.SOFTCOPY
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
