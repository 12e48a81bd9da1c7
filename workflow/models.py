"""How editions move: SOPs as data, one clock row per started stage, and the audit trail."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dip.models import (
    STAGE_ORDER,
    Announcement,
    DocumentStatus,
    Edition,
    EditionKind,
    ExemptionGround,
    Item,
    SignedArtefact,
    Stage,
)
from ppid.fields import NOTE_MAX_LENGTH, bounded_text
from ppid.models import Body, Role, Unit

# The longest free text an officer may write: an SOP's header fields and step cells, a note on
# a step or a consideration, a reviewer's comment, the Nota Dinas (a letter of a few pages).
SOP_TEXT_MAX_LENGTH = 5000
SOP_STEP_TEXT_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 5000
ADDRESSED_TO_MAX_LENGTH = 1000
NOTA_DINAS_MAX_LENGTH = 10000
# A step's time standard is a count of minutes, hours or days; more than this is a typing error.
SOP_TIME_MAX_AMOUNT = 9999


class TimeUnit(models.TextChoices):
    """The units of an SOP's time standard (mutu baku waktu). Minutes and hours count office
    time; "hari" and "hari kerja" both count office days by the body's calendar (two words only
    so that each SOP keeps its own wording); "hari kalender" is the rare standard that runs on
    calendar days, weekends and holidays included. See `workflow.deadlines`."""

    MENIT = "menit", _("minutes")
    JAM = "jam", _("hours")
    HARI = "hari", _("days")
    HARI_KERJA = "hari_kerja", _("working days")
    HARI_KALENDER = "hari_kalender", _("calendar days")


TIME_UNIT_MAX_LENGTH = 20
TIME_UNIT_HELP = _(
    "“Days” and “working days” both count office days by the body's calendar (weekends, "
    "holidays and cuti bersama skipped; due at closing time); choose “calendar days” only for "
    "a standard that really runs on calendar days."
)


# A time standard in seconds: a minute, an hour, a calendar day; a day or working day is one
# office day, whose length the body's calendar gives (`ppid.calendar.office_day_seconds`).
UNIT_SECONDS = {TimeUnit.MENIT: 60, TimeUnit.JAM: 3600, TimeUnit.HARI_KALENDER: 86400}


def standard_seconds_of(amount: int | None, unit: str, office_day_seconds: int) -> int | None:
    """The SOP's standard, amount times unit: "15 menit" is 900 s, "1 hari (kerja)" one office day
    (30,600 s on the default hours). Not the span to the deadline, which skips nights and days
    off: that is `Step.due_at`."""
    if not amount or not unit:
        return None
    return amount * UNIT_SECONDS.get(unit, office_day_seconds)


class Sop(models.Model):
    """A body's Standar Operasional Prosedur, with the header fields the seeds show."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="sops")
    applies_to = models.CharField(
        _("applies to"), max_length=3, choices=EditionKind.choices, default=EditionKind.DIP
    )
    number = models.CharField(_("SOP number"), max_length=100)
    name = models.CharField(_("SOP name"), max_length=255)
    made_on = models.DateField(_("date made"), null=True, blank=True)
    revised_on = models.DateField(_("date revised"), null=True, blank=True)
    effective_on = models.DateField(_("date effective"), null=True, blank=True)
    approved_by = bounded_text(_("approved by"), max_length=SOP_TEXT_MAX_LENGTH, blank=True)
    legal_basis = bounded_text(_("legal basis"), max_length=SOP_TEXT_MAX_LENGTH, blank=True)
    qualifications = bounded_text(
        _("qualifications of the executors"), max_length=SOP_TEXT_MAX_LENGTH, blank=True
    )
    related = bounded_text(_("related procedures"), max_length=SOP_TEXT_MAX_LENGTH, blank=True)
    equipment = bounded_text(_("equipment"), max_length=SOP_TEXT_MAX_LENGTH, blank=True)
    warnings = bounded_text(_("warning"), max_length=SOP_TEXT_MAX_LENGTH, blank=True)
    records = bounded_text(
        _("recording and data keeping"), max_length=SOP_TEXT_MAX_LENGTH, blank=True
    )
    lanes = models.JSONField(
        _("lanes"),
        default=list,
        blank=True,
        help_text="The SOP's pelaksana columns in order: [{'role': ..., 'label': ...}]",
    )
    is_active = models.BooleanField(_("in force"), default=True)
    # Each change made in the app is a new version (`workflow.services.sops.sop_revise`): a new
    # row with its own steps, in force from then on; the one it replaces stays for history and
    # for the editions that started on it (they carry its route, frozen in `Edition.route`).
    version = models.PositiveIntegerField(_("version"), default=1)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A route the PPID Utama of `body` sets for the bodies under it (and for `body` itself) whose
    # own SOPs do not cover this list: `workflow.services.active_sop` falls back to it.
    is_default_route = models.BooleanField(
        _("default route for the bodies below"),
        default=False,
        help_text=_(
            "Set by the PPID Utama: the route of every body under this one that has no SOP of "
            "its own for this list."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["body", "applies_to", "-effective_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "number", "version"], name="sop_unique_number_version"
            ),
            models.UniqueConstraint(
                fields=["body", "applies_to", "is_default_route"],
                condition=Q(is_active=True),
                name="sop_one_active_per_kind",
            ),
        ]
        verbose_name = _("SOP")
        verbose_name_plural = _("SOPs")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class SopStep(models.Model):
    sop = models.ForeignKey(Sop, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("no"))
    activity = bounded_text(_("activity"), max_length=SOP_STEP_TEXT_MAX_LENGTH)
    role = models.CharField(_("executor (role)"), max_length=20, choices=Role.choices)
    lane = models.CharField(_("executor (as named in the SOP)"), max_length=100)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    requirements = bounded_text(_("requirements"), max_length=SOP_STEP_TEXT_MAX_LENGTH, blank=True)
    time_amount = models.PositiveIntegerField(
        _("time"), validators=[MinValueValidator(1), MaxValueValidator(SOP_TIME_MAX_AMOUNT)]
    )
    time_unit = models.CharField(
        _("time unit"),
        max_length=TIME_UNIT_MAX_LENGTH,
        choices=TimeUnit.choices,
        help_text=TIME_UNIT_HELP,
    )
    output = bounded_text(_("output"), max_length=SOP_STEP_TEXT_MAX_LENGTH, blank=True)
    notes = bounded_text(_("remarks"), max_length=SOP_STEP_TEXT_MAX_LENGTH, blank=True)
    return_to = models.CharField(
        _("returns to stage"),
        max_length=20,
        choices=Stage.choices,
        blank=True,
        help_text=_("Where “tidak setuju” sends the edition; empty when this step cannot return."),
    )

    class Meta:
        ordering = ["sop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sop", "number"], name="sopstep_unique_number"),
            models.UniqueConstraint(fields=["sop", "stage"], name="sopstep_unique_stage"),
        ]
        verbose_name = _("SOP step")
        verbose_name_plural = _("SOP steps")

    def __str__(self) -> str:
        return f"{self.number}. {self.activity[:60]}"

    def clean(self) -> None:
        if self.stage == Stage.PUBLISHED:
            raise ValidationError({"stage": _("“Published” is the end, not a step.")})
        if self.return_to:
            if STAGE_ORDER.index(self.return_to) >= STAGE_ORDER.index(self.stage):
                raise ValidationError({"return_to": _("A return goes to an earlier stage.")})
            if self.stage not in (Stage.VERIFICATION, Stage.CONSIDERATION, Stage.APPROVAL):
                raise ValidationError(
                    {
                        "return_to": _(
                            "Only review stages (verification, consideration, "
                            "approval) can return an edition."
                        )
                    }
                )


def route_problems(steps: Sequence[SopStep]) -> list[str]:
    """What keeps these steps (of one SOP) from driving an edition, each problem a sentence;
    empty when they can. The one set of rules, read by `sop_route` and by the SOP form."""
    steps = sorted(steps, key=lambda s: s.number)
    stages = [s.stage for s in steps]
    problems = []
    if Stage.COLLECTION not in stages:
        problems.append(_("The SOP has no collection step."))
    if not stages or stages[-1] != Stage.PUBLICATION:
        problems.append(_("The SOP must end with the publication step."))
    if stages != sorted(stages, key=STAGE_ORDER.index):
        problems.append(_("The SOP's steps are not in the order of the stages."))
    numbers = [s.number for s in steps]
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(_("Two steps have the number %(n)d.") % {"n": number})
    for stage in sorted({s for s in stages if stages.count(s) > 1}, key=STAGE_ORDER.index):
        problems.append(
            _("Two steps are at the stage “%(stage)s”: each stage has one step.")
            % {"stage": Stage(stage).label}
        )
    for step in steps:
        if step.return_to and step.return_to not in stages:
            problems.append(
                _("Step %(n)d returns to the stage “%(stage)s”, which this SOP does not have.")
                % {"n": step.number, "stage": Stage(step.return_to).label}
            )
    return [str(p) for p in problems]


class Step(models.Model):
    """The clock of one started stage of one edition; its deadline is stored when it opens."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    role = models.CharField(max_length=20)
    sop_step_number = models.PositiveSmallIntegerField(null=True, blank=True)
    standard_amount = models.PositiveIntegerField(null=True, blank=True)
    standard_unit = models.CharField(
        max_length=TIME_UNIT_MAX_LENGTH, choices=TimeUnit.choices, blank=True
    )
    # The SOP's standard in seconds (amount times unit, see `standard_seconds_of`), frozen when the
    # step opens like its deadline; whether the step was on time is judged by `due_at`.
    standard_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    # How the deadline was counted, shown next to it: "Selasa 2026-06-02 07:40; dilewati: Sabtu
    # 2026-05-30, Minggu 2026-05-31 (akhir pekan); Senin 2026-06-01 (Hari Lahir Pancasila)".
    due_explanation = models.CharField(max_length=500, blank=True)
    # The clock watch: when 80% of the (office) time has passed, and the next moment the sweep
    # must look at this step (reminder, then due, then each escalation); empty when nothing is
    # left to send. The sweep's partial index is on this column.
    remind_at = models.DateTimeField(null=True, blank=True)
    next_notice_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_noticed_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    transition = models.CharField(max_length=20, blank=True)
    note = bounded_text(max_length=NOTE_MAX_LENGTH, blank=True)
    duration_seconds = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["edition", "started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(finished_at__isnull=True),
                name="step_one_open_per_edition",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(finished_at__isnull=True), name="step_open_due"
            ),
            models.Index(
                fields=["next_notice_at"],
                condition=Q(finished_at__isnull=True, next_notice_at__isnull=False),
                name="step_open_next_notice",
            ),
            # An edition's history: the step each transition closed, for every entry of it
            # (`workflow.selectors.edition_history`), one index probe instead of reading all
            # of the edition's steps per entry (issue 15: the answer of every transition).
            models.Index(
                fields=["edition", "stage", "transition", "finished_at", "id"],
                name="step_closed_by",
            ),
            # The steps by when they started: the report's steps of a period (a range of this
            # column, not every step the bodies ever had) and the period picker's earliest step
            # (the first index entry of the bodies' steps, `first_step_day`).
            models.Index(fields=["started_at"], name="step_started"),
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}:{self.stage}"

    @property
    def due_skipped(self) -> str:
        """The days off the deadline was counted over, and why ("Sabtu 2026-05-30, Minggu
        2026-05-31 (akhir pekan); Senin 2026-06-01 (Hari Lahir Pancasila)")."""
        _, _, skipped = self.due_explanation.partition("; dilewati: ")
        return skipped

    @property
    def on_time(self) -> bool | None:
        """Finished by its deadline; None while open or when it has no deadline."""
        if self.finished_at is None or self.due_at is None:
            return None
        return self.finished_at <= self.due_at


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("the audit trail is append-only")

    def delete(self):
        raise TypeError("the audit trail is append-only")


class AuditEntry(models.Model):
    """Append-only: who did what, when, written in the same transaction as the change."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    action = models.CharField(max_length=50)
    transition = models.CharField(max_length=20, blank=True)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    duration_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    standard_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["edition", "at"], name="audit_edition_at"),
            models.Index(fields=["body", "at"], name="audit_body_at"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("the audit trail is append-only")


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


class EvidencePack(models.Model):
    """The monev KIP evidence pack of a body for a year: one zip with an index page, built by
    Celery as an artefact (status, progress, last error, checksum), built again on request."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="evidence_packs")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Percent built."
    )
    file = models.FileField(upload_to="evidence/", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="evidence_pack_body_year")
        ]
        verbose_name = _("evidence pack")
        verbose_name_plural = _("evidence packs")

    def __str__(self) -> str:
        return f"{self.body} {self.year}"


# --- Requests for information (permohonan informasi) and objections (keberatan) ---------------
# UU 14/2008 Pasal 21-22 and 35-37, Perki 1/2021. A request is registered at once with a number
# per body and year and answered by a written notice (pemberitahuan tertulis) within 10 working
# days of receipt, extendable once by at most 7 working days with a written reason. An objection
# goes to the atasan PPID within 30 working days and is answered within 30 working days.

REQUEST_ANSWER_WORKING_DAYS = 10
REQUEST_EXTENSION_MAX_WORKING_DAYS = 7
OBJECTION_FILING_WORKING_DAYS = 30
OBJECTION_ANSWER_WORKING_DAYS = 30
DISPUTE_FILING_WORKING_DAYS = 14

REQUEST_INFORMATION_MAX_LENGTH = 5000
REQUEST_PURPOSE_MAX_LENGTH = 2000
REQUESTER_ADDRESS_MAX_LENGTH = 1000
OBJECTION_REASON_MAX_LENGTH = 5000
# Long enough for a NIK (16 digits), a passport or an organisation's registration number.
IDENTITY_NUMBER_MAX_LENGTH = 32
TRACKING_CODE_LENGTH = 16
# Without 0/O and 1/I/L so that a code read aloud or copied from paper is not mistaken.
TRACKING_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    """An unguessable code (16 symbols of 31: about 79 bits) the requester follows the request
    by, printed on the receipt; no personal data is needed to read the status."""
    return "".join(secrets.choice(TRACKING_CODE_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


class RequestChannel(models.TextChoices):
    ONLINE = "online", _("Online form")
    WALK_IN = "walk_in", _("In person (walk-in)")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Telephone")
    EMAIL = "email", _("E-mail")


class RequestObtain(models.TextChoices):
    VIEW = "view", _("View / read")
    COPY = "copy", _("Get a copy")


class RequestForm(models.TextChoices):
    SOFTCOPY = "softcopy", _("Softcopy")
    HARDCOPY = "hardcopy", _("Hardcopy")


class RequestDelivery(models.TextChoices):
    PICKUP = "pickup", _("Picked up in person")
    EMAIL = "email", _("By e-mail")
    POST = "post", _("By post / courier")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    EXTENDED = "extended", _("Extended")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")
    NOT_HELD = "not_held", _("Not held by this body")
    NOT_DOCUMENTED = "not_documented", _("Not yet documented")


# The statuses in which the request still waits for its written notice (the clock runs).
REQUEST_OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.EXTENDED)
REQUEST_DECISIONS = (
    RequestStatus.GRANTED,
    RequestStatus.PARTLY_GRANTED,
    RequestStatus.REFUSED,
    RequestStatus.NOT_HELD,
    RequestStatus.NOT_DOCUMENTED,
)


class InformationRequest(ConcurrentTransitionMixin, models.Model):
    """One request for information (permohonan informasi publik): a row of the body's Buku
    Register Permohonan. The requester's personal data is never shown publicly; the public
    reads the status by `tracking_code`. The deadline is stored at receipt (`due_at`, 10
    working days by the body's office calendar) and, after the one extension, `extended_due_at`
    (`deadline` is whichever applies). The clock fields work like a step's
    (`workflow.services.watch`)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="information_requests")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("register number"))
    tracking_code = models.CharField(
        _("tracking code"), max_length=TRACKING_CODE_LENGTH, unique=True, default=new_tracking_code
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=RequestChannel.choices, default=RequestChannel.ONLINE
    )
    received_at = models.DateTimeField(_("received at"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The requester (Perki 1/2021: identity, address, contact); never published.
    name = models.CharField(_("name"), max_length=255)
    address = bounded_text(_("address"), max_length=REQUESTER_ADDRESS_MAX_LENGTH)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=255, blank=True)
    identity_number = models.CharField(
        _("identity number (NIK)"), max_length=IDENTITY_NUMBER_MAX_LENGTH
    )
    # What is asked for, why, and how it is to be obtained.
    information = bounded_text(
        _("information requested"), max_length=REQUEST_INFORMATION_MAX_LENGTH
    )
    purpose = bounded_text(_("purpose"), max_length=REQUEST_PURPOSE_MAX_LENGTH)
    obtain = models.CharField(
        _("how to obtain"), max_length=10, choices=RequestObtain.choices, default=RequestObtain.COPY
    )
    form = models.CharField(
        _("form"), max_length=10, choices=RequestForm.choices, default=RequestForm.SOFTCOPY
    )
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=RequestDelivery.choices, default=RequestDelivery.EMAIL
    )
    status = FSMField(_("status"), choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    # The clock: stored at receipt, never recomputed on read.
    due_at = models.DateTimeField(_("deadline"))
    due_explanation = models.CharField(max_length=500, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    next_notice_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_noticed_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The one extension (Pasal 22(8)): when, by whom, why, by how many working days.
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extension_reason = bounded_text(
        _("reason for the extension"), max_length=NOTE_MAX_LENGTH, blank=True
    )
    extension_days = models.PositiveSmallIntegerField(
        _("extension (working days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(REQUEST_EXTENSION_MAX_WORKING_DAYS)],
    )
    extended_due_at = models.DateTimeField(_("extended deadline"), null=True, blank=True)
    extended_due_explanation = models.CharField(max_length=500, blank=True)
    # Handed over to the unit (bidang/seksi) that holds the information.
    handed_to = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over to"),
    )
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The decision, said in the written notice.
    decision_note = bounded_text(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    refused_item = models.ForeignKey(
        Item,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("DIK row"),
    )
    # Copied from the DIK row when refused, so the notice stays as it was given.
    refusal_ground = models.CharField(
        _("legal ground"), max_length=5, choices=ExemptionGround.choices, blank=True
    )
    refusal_law = models.CharField(_("law cited"), max_length=500, blank=True)
    refusal_consequence = models.TextField(_("consequence test"), blank=True)
    holder = models.CharField(_("held by"), max_length=500, blank=True)
    fee = models.DecimalField(
        _("fee (Rp)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    decided_at = models.DateTimeField(_("notice date"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"], name="request_unique_register_number"
            ),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True, extended_due_at__isnull=True)
                | Q(
                    extended_at__isnull=False,
                    extended_due_at__isnull=False,
                    extension_days__gte=1,
                    extension_days__lte=REQUEST_EXTENSION_MAX_WORKING_DAYS,
                ),
                name="request_one_extension_of_at_most_7_days",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "-received_at"], name="request_register"),
            models.Index(fields=["body", "status"], name="request_body_status"),
            models.Index(
                fields=["next_notice_at"],
                # OR rather than IN: PostgreSQL prints `IN` back as an array that a restore
                # re-reads differently, and the backup test compares the indexes exactly.
                condition=(Q(status="received") | Q(status="extended"))
                & Q(next_notice_at__isnull=False),
                name="request_open_next_notice",
            ),
        ]
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")

    def __str__(self) -> str:
        return f"{self.register_number} ({self.status})"

    @property
    def register_number(self) -> str:
        """ "12/2026": the number in the body's register of the year."""
        return f"{self.number}/{self.year}"

    @property
    def deadline(self) -> datetime:
        """The deadline that applies: the extended one after the extension."""
        return self.extended_due_at or self.due_at

    @property
    def deadline_explanation(self) -> str:
        return self.extended_due_explanation if self.extended_due_at else self.due_explanation

    @property
    def is_open(self) -> bool:
        return self.status in REQUEST_OPEN_STATUSES

    @property
    def masked_identity_number(self) -> str:
        """The identity number as every list shows it: the last four digits only."""
        value = self.identity_number or ""
        if len(value) <= 4:
            return "*" * len(value)
        return "*" * (len(value) - 4) + value[-4:]

    @transition(field=status, source=RequestStatus.RECEIVED, target=RequestStatus.EXTENDED)
    def extend(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.GRANTED)
    def grant(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.PARTLY_GRANTED)
    def grant_partly(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.REFUSED)
    def refuse(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.NOT_HELD)
    def report_not_held(self) -> None:
        pass

    @transition(field=status, source=REQUEST_OPEN_STATUSES, target=RequestStatus.NOT_DOCUMENTED)
    def report_not_documented(self) -> None:
        pass


# The decisions a written notice gives, as a form's or the API's choices.
REQUEST_DECISION_CHOICES = [(value, RequestStatus(value).label) for value in REQUEST_DECISIONS]

# The transition method of each decision.
REQUEST_DECISION_TRANSITIONS = {
    RequestStatus.GRANTED: "grant",
    RequestStatus.PARTLY_GRANTED: "grant_partly",
    RequestStatus.REFUSED: "refuse",
    RequestStatus.NOT_HELD: "report_not_held",
    RequestStatus.NOT_DOCUMENTED: "report_not_documented",
}


class RequestNote(models.Model):
    """An internal note on a request (never shown to the requester)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = bounded_text(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["request", "created_at", "pk"]
        verbose_name = _("request note")
        verbose_name_plural = _("request notes")

    def __str__(self) -> str:
        return self.text[:60]


class RequestNoticeDocument(SignedArtefact):
    """The written notice (pemberitahuan tertulis) of a request's decision, as a signed PDF."""

    request = models.OneToOneField(
        InformationRequest, on_delete=models.PROTECT, related_name="notice_document"
    )

    class Meta:
        verbose_name = _("signed written notice")
        verbose_name_plural = _("signed written notices")

    def __str__(self) -> str:
        return f"{self.request} ({self.status})"


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
