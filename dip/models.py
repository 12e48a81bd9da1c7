"""What is documented: information items, their attachments, and DIP/DIK editions.

An Edition carries its own route (the stages, actors and time standards its SOP had when the
edition was opened), so the state machine below never asks the workflow app, and an SOP revised
mid-year does not change an edition already in flight.
"""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from ppid.calendar import body_today
from ppid.fields import bounded_text
from ppid.models import Body, Unit
from ppid.permissions import has_role


class Classification(models.TextChoices):
    SERTA_MERTA = "serta_merta", _("Serta merta")
    BERKALA = "berkala", _("Berkala")
    SETIAP_SAAT = "setiap_saat", _("Setiap saat")
    DIKECUALIKAN = "dikecualikan", _("Dikecualikan")


# The order in which a DIP lists its rows: serta merta first (Pasal 10), then berkala, setiap saat.
CLASSIFICATION_ORDER = {
    Classification.SERTA_MERTA: 0,
    Classification.BERKALA: 1,
    Classification.SETIAP_SAAT: 2,
    Classification.DIKECUALIKAN: 3,
}


class InformationForm(models.TextChoices):
    SOFTCOPY = "softcopy", _("Softcopy")
    HARDCOPY = "hardcopy", _("Hardcopy")
    BOTH = "both", _("Softcopy and hardcopy")


class ExemptionGround(models.TextChoices):
    A = "a", _("a. menghambat proses penegakan hukum")
    B = "b", _("b. mengganggu perlindungan HKI dan persaingan usaha tidak sehat")
    C = "c", _("c. membahayakan pertahanan dan keamanan negara")
    D = "d", _("d. mengungkapkan kekayaan alam Indonesia")
    E = "e", _("e. merugikan ketahanan ekonomi nasional")
    F = "f", _("f. merugikan kepentingan hubungan luar negeri")
    G = "g", _("g. isi akta otentik yang bersifat pribadi dan kemauan terakhir/wasiat")
    H = "h", _("h. mengungkap rahasia pribadi")
    I = "i", _("i. memorandum atau surat antar/intra badan publik yang dirahasiakan")  # noqa: E741
    J = "j", _("j. tidak boleh diungkapkan berdasarkan undang-undang")
    OTHER = "other", _("Another law (cite its name and article)")


PERMANENT_GROUNDS = frozenset({ExemptionGround.G, ExemptionGround.H})
GROUNDS_NEEDING_LAW = frozenset({ExemptionGround.J, ExemptionGround.OTHER})
EXEMPTION_FIELDS = (
    "exempted_part",
    "exemption_ground",
    "exemption_law",
    "consequence_if_opened",
    "consequence_if_closed",
    "public_interest",
    "exemption_until",
    "exemption_event",
    "exemption_permanent",
)
# The Perki elements every DIP row must have before an edition can be submitted.
PERKI_FIELDS = (
    "title",
    "summary",
    "holding_unit",
    "responsible",
    "produced_at",
    "produced_place",
    "form",
    "retention",
)
# Every field an officer fills in for an item (forms, API, services).
ITEM_FIELDS = (
    "unit",
    "classification",
    "update_period_months",
    *PERKI_FIELDS,
    *EXEMPTION_FIELDS,
)
DIK_FIELDS = (
    "exemption_ground",
    "consequence_if_opened",
    "consequence_if_closed",
    "public_interest",
)


# The Perki elements stored as a nullable column (a date), empty as NULL; the others are text,
# empty as "".
PERKI_NULLABLE = frozenset({"produced_at"})


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


# The longest free text an officer may write in an item (a DIP row's summary is read in a table
# cell; the consequence test is an argued page or two). Signed rows copy them as they are.
SUMMARY_MAX_LENGTH = 2000
EXEMPTED_PART_MAX_LENGTH = 500
CONSEQUENCE_MAX_LENGTH = 5000

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


class EditionKind(models.TextChoices):
    DIP = "dip", _("DIP (Daftar Informasi Publik)")
    DIK = "dik", _("DIK (Daftar Informasi yang Dikecualikan)")


class Stage(models.TextChoices):
    """The fixed set of stages: the union of what the three seed SOPs need."""

    IDENTIFICATION = "identification", _("Identification")
    INSTRUCTION = "instruction", _("Instruction (Nota Dinas)")
    COLLECTION = "collection", _("Collection")
    VERIFICATION = "verification", _("Verification")
    CONSIDERATION = "consideration", _("Consideration")
    APPROVAL = "approval", _("Approval")
    PUBLICATION = "publication", _("Publication")
    PUBLISHED = "published", _("Published")


STAGE_ORDER = [s.value for s in Stage]
EDITABLE_STAGES = frozenset({Stage.IDENTIFICATION, Stage.INSTRUCTION, Stage.COLLECTION})
REVIEW_STAGES = frozenset({Stage.VERIFICATION, Stage.CONSIDERATION, Stage.APPROVAL})
SYSTEM_ACTOR = "system"
DECREE_NUMBER_MAX_LENGTH = 100


def _step(name: str, completes: str, label: str, decision: str) -> dict[str, Any]:
    """A transition's facts, declared once on its fsm method (`custom`): its name in the API and
    the URLs, the stage it completes, the button's label and the word the history shows."""
    return {"name": name, "completes": completes, "label": label, "decision": decision}


def _may_act(edition: Edition, user) -> bool:
    role = edition.actor_role
    return bool(role) and role != SYSTEM_ACTOR and has_role(user, edition.body, role)


def _never(edition: Edition, user) -> bool:
    return False


def _can_return(edition: Edition) -> bool:
    return edition.return_target() is not None


def revision_label(revision: int) -> str:
    """How a revision is named everywhere (pages, task list, API, PDF): "Perubahan ke-N"."""
    return gettext("Revision %(n)d") % {"n": revision} if revision else ""


class Edition(ConcurrentTransitionMixin, models.Model):
    """One DIP or DIK of a body (e.g. "DIP 2026", or a revision within a year)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="editions")
    kind = models.CharField(_("kind"), max_length=3, choices=EditionKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    title = models.CharField(_("title"), max_length=255)
    state = FSMField(_("stage"), choices=Stage.choices, default=Stage.COLLECTION)
    route = models.JSONField(
        _("route"),
        default=dict,
        help_text="The SOP as it was when the edition was opened: {'sop': {...}, 'stages': [...]}",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text="Printed under the QR code of the signed document; set when it is signed.",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The decision (Keputusan) of the atasan that sets the list, recorded when it is signed and
    # printed on the signed document and the public page.
    decree_number = models.CharField(
        _("decree number"), max_length=DECREE_NUMBER_MAX_LENGTH, blank=True
    )
    decree_date = models.DateField(_("decree date"), null=True, blank=True)

    class Meta:
        ordering = ["body", "-year", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "kind", "year", "revision"], name="edition_unique_revision"
            )
        ]
        indexes = [
            models.Index(fields=["body", "kind", "state", "-published_at"], name="edition_current"),
            models.Index(fields=["state", "signed_at"], name="edition_state_signed"),
        ]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self) -> str:
        return f"{self.title} ({self.body.short_name or self.body.slug})"

    @property
    def revision_label(self) -> str:
        """ "Perubahan ke-N" for a revision, "" for the year's first edition."""
        return revision_label(self.revision)

    @property
    def display_title(self) -> str:
        """The title, with "Perubahan ke-N" when the title does not say it already."""
        label = self.revision_label
        if not label or label.lower() in self.title.lower():
            return self.title
        return f"{self.title} ({label})"

    # --- the route -------------------------------------------------------------------------
    @property
    def stages(self) -> list[dict[str, Any]]:
        return self.route.get("stages", [])

    def route_stage(self, stage: str) -> dict[str, Any] | None:
        return next((s for s in self.stages if s["stage"] == stage), None)

    def next_stage(self) -> str:
        names = [s["stage"] for s in self.stages]
        index = names.index(self.state)
        return names[index + 1] if index + 1 < len(names) else Stage.PUBLISHED

    def return_target(self) -> str | None:
        current = self.route_stage(self.state)
        return current.get("return_to") if current else None

    @property
    def actor_role(self) -> str | None:
        current = self.route_stage(self.state)
        return current["role"] if current else None

    def may_act(self, user) -> bool:
        """The user holds the role that the SOP names for the current stage."""
        return _may_act(self, user)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STAGES

    @property
    def is_open(self) -> bool:
        """Not published yet (being assembled, reviewed, or published by the system now)."""
        return self.state != Stage.PUBLISHED

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    # --- the state machine: in-memory changes only; side effects live in the services --------
    @transition(
        field=state,
        source=Stage.IDENTIFICATION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step(
            "identify",
            Stage.IDENTIFICATION,
            _("Report the identification"),
            _("identification reported"),
        ),
    )
    def identify(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.INSTRUCTION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step(
            "instruct", Stage.INSTRUCTION, _("Issue the Nota Dinas"), _("Nota Dinas issued")
        ),
    )
    def instruct(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.COLLECTION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step("submit", Stage.COLLECTION, _("Submit for verification"), _("submitted")),
    )
    def submit(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.VERIFICATION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step("verify", Stage.VERIFICATION, _("Verify (paraf)"), _("verified (paraf)")),
    )
    def verify(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.CONSIDERATION,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step(
            "consider", Stage.CONSIDERATION, _("Pass on the consideration"), _("considered")
        ),
    )
    def consider(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=Stage.APPROVAL,
        target=RETURN_VALUE(*STAGE_ORDER),
        permission=_may_act,
        custom=_step("sign", Stage.APPROVAL, _("Sign"), _("signed")),
    )
    def sign(self) -> str:
        return self.next_stage()

    @transition(
        field=state,
        source=list(REVIEW_STAGES),
        target=RETURN_VALUE(*STAGE_ORDER),
        conditions=[_can_return],
        permission=_may_act,
        custom={
            "name": "return",
            "label": _("Return (tidak setuju)"),
            "decision": _("returned"),
            "note_required": True,
        },
    )
    def send_back(self) -> str:
        return self.return_target()

    @transition(
        field=state,
        source=Stage.PUBLICATION,
        target=Stage.PUBLISHED,
        permission=_never,
        custom={
            "name": "publish",
            "completes": Stage.PUBLICATION,
            "decision": _("published by the system"),
            "system": True,
        },
    )
    def publish(self) -> None:
        self.published_at = timezone.now()


@dataclass(frozen=True)
class TransitionSpec:
    """What the rest of the code knows of a transition, read from its fsm declaration."""

    name: str
    method: str
    completes: str | None
    label: str
    decision: str
    note_required: bool
    system: bool


def _transition_specs() -> dict[str, TransitionSpec]:
    specs: dict[str, TransitionSpec] = {}
    for t in Edition._meta.get_field("state").get_all_transitions(Edition):
        custom = t.custom
        specs.setdefault(
            custom["name"],
            TransitionSpec(
                name=custom["name"],
                method=t.name,
                completes=custom.get("completes"),
                label=custom.get("label", ""),
                decision=custom["decision"],
                note_required=custom.get("note_required", False),
                system=custom.get("system", False),
            ),
        )
    order = [*STAGE_ORDER, None]
    return dict(sorted(specs.items(), key=lambda kv: order.index(kv[1].completes)))


# Every transition by name, in the order of the stages they complete (the return last).
TRANSITIONS = _transition_specs()
# The forward transition an officer runs out of each stage: {stage: name} (publication, the
# system's, is not one).
FORWARD = {
    spec.completes: name for name, spec in TRANSITIONS.items() if spec.completes and not spec.system
}


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


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class SignedArtefact(models.Model):
    """A signed PDF built once by the system, with its status, checksum and last error."""

    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.FileField(upload_to="documents/", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    signer_subject = models.CharField(_("signed with"), max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.edition} ({self.status})"


class EditionDocument(SignedArtefact):
    """The signed PDF of an edition: an artefact built once, with its status and checksum."""

    edition = models.OneToOneField(Edition, on_delete=models.PROTECT, related_name="document")

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")


# The longest opening text of a berita acara (who met, why, under which decree).
RECORD_OPENING_MAX_LENGTH = 3000


class ConsiderationRecord(models.Model):
    """The berita acara uji konsekuensi of a DIK edition: where and when the tim pertimbangan
    met, who of the body's tim was present (names and positions as they were then), and an
    opening text. Its rows are the edition's signed DIK rows; it is signed and published as a
    PDF of its own beside the DIK."""

    edition = models.OneToOneField(
        Edition, on_delete=models.CASCADE, related_name="consideration_record"
    )
    place = models.CharField(_("place"), max_length=255)
    held_on = models.DateField(_("date"))
    opening = bounded_text(_("opening text"), max_length=RECORD_OPENING_MAX_LENGTH, blank=True)
    # [{"user": id, "name": "...", "position": "..."}], in the order chosen.
    members = models.JSONField(_("members present"), default=list)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consequence-test record")
        verbose_name_plural = _("consequence-test records")

    def __str__(self) -> str:
        return f"{self.edition} ({self.held_on})"


class RecordDocument(SignedArtefact):
    """The signed PDF of an edition's berita acara uji konsekuensi (DIK editions only)."""

    edition = models.OneToOneField(
        Edition, on_delete=models.PROTECT, related_name="record_document"
    )

    class Meta:
        verbose_name = _("signed consequence-test record")
        verbose_name_plural = _("signed consequence-test records")


class Aggregator(models.Model):
    """An outside system a body's published editions are pushed to (e.g. the province's SIKEDIP)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="aggregators")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("push URL"))
    secret = models.CharField(_("shared secret"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["body", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="aggregator_unique_name")
        ]
        verbose_name = _("aggregator")
        verbose_name_plural = _("aggregators")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Automatic pushes per delivery (the task's retries and the sweep together); past this a delivery
# stays failed, with its last error, until someone sends it again.
DELIVERY_MAX_ATTEMPTS = 10


class Delivery(models.Model):
    """One push of one published edition to one aggregator, with its last outcome."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="deliveries")
    aggregator = models.ForeignKey(Aggregator, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "aggregator"], name="delivery_once")
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.edition_id} → {self.aggregator} ({self.status})"


class AnnouncementKind(models.TextChoices):
    SERTA_MERTA = "serta_merta", _("Serta merta information")
    REOPENED = "reopened", _("Information opened to the public")


# The public fields of a row that an announcement copies (the DIP columns; never the
# consequence test, the attachments or anything else of an edition not yet published).
ANNOUNCEMENT_FIELDS = (
    "classification",
    "title",
    "summary",
    "unit_name",
    "holding_unit",
    "responsible",
    "produced_at",
    "produced_place",
    "form",
    "retention",
)


class Announcement(models.Model):
    """A public announcement, kept as evidence of what was announced and when: a serta merta
    row announced when the PPID verified it (before the edition is signed), or an exempted row
    opened to the public. It holds a copy of the row's public fields as they were then."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="announcements")
    item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="announcements"
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.SET_NULL, null=True, blank=True, related_name="announcements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AnnouncementKind.choices)
    # Names the event, so that announcing it again does nothing ("serta_merta:<item>:<digest>").
    key = models.CharField(max_length=120, unique=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary of the content"), blank=True)
    unit_name = models.CharField(_("unit"), max_length=255, blank=True)
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
    announced_at = models.DateTimeField(_("announced at"))
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Serta merta announced on its own request (not with an edition): when the operator asked;
    # `announced_at` is when the PPID approved it. Both are shown as the evidence of Pasal 10.
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)

    class Meta:
        ordering = ["-announced_at", "-pk"]
        indexes = [
            models.Index(fields=["body", "-announced_at"], name="announcement_body"),
            models.Index(fields=["-announced_at"], name="announcement_recent"),
        ]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


# --- classification changes: into or out of dikecualikan, only through the tim -----------------


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


class AnnouncementAudio(models.Model):
    """The spoken version of an announcement (Perki 1/2021: information in accessible forms),
    made on the server with espeak-ng's Indonesian voice: an artefact built once, with its
    status, format and checksum, like the signed PDF of an edition."""

    announcement = models.OneToOneField(
        Announcement, on_delete=models.CASCADE, related_name="audio"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.FileField(upload_to="announcements/", max_length=255, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("announcement audio")
        verbose_name_plural = _("announcement audio")

    def __str__(self) -> str:
        return f"{self.announcement_id} ({self.status})"

    @property
    def extension(self) -> str:
        return "ogg" if self.content_type == "audio/ogg" else "wav"


# --- spreadsheet import of an existing register (dip.services.imports) -------------------------


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One spreadsheet brought into a body's register. The file is read when it is uploaded
    (a file that cannot be read stores nothing) and kept only as its cells (`source`); the
    preview (`rows`) is built from them with the column mapping, and the commit writes every
    valid row in one transaction (dip.tasks.run_import). The figures are the outcome; while the
    transaction runs, its live count is in the cache (dip.selectors.import_progress)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    # The file as read: {"columns": [{"key", "heading"}], "rows": [{"sheet", "row", "class",
    # "cells": {key: value}}]}, cells as text, numbers or ISO dates.
    source = models.JSONField(default=dict)
    # Column key → item field ("" ignores the column).
    mapping = models.JSONField(default=dict)
    # The preview: [{"index", "sheet", "row", "title", "values", "errors", "duplicate_of"}].
    rows = models.JSONField(default=list)
    # The officer's choice for rows that match an existing item (title and unit).
    update_all = models.BooleanField(default=False)
    update_rows = models.JSONField(default=list)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    # [{"row", "sheet", "errors": [...]}]: what was not imported, and why.
    skipped = models.JSONField(default=list)
    # [{"row", "sheet", "item", "action": "created"|"updated"}]
    outcome = models.JSONField(default=list)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["body", "-created_at"], name="import_job_body")]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class ImportMapping(models.Model):
    """The column mapping a body's officers chose last, remembered for its next spreadsheet:
    normalised heading → item field ("" ignores it)."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="import_mapping")
    columns = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")

    def __str__(self) -> str:
        return str(self.body)
