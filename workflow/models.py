"""How editions move: SOPs as data, one clock row per started stage, and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence

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
    Item,
    Stage,
)
from ppid.fields import NOTE_MAX_LENGTH, bounded_text
from ppid.models import Body, Role

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
    due_at = models.DateTimeField(_("deadline"))
    due_explanation = models.CharField(max_length=500, blank=True)
    # The clock, as a step's (workflow.services.clock): the reminder at 80% of the standard,
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
