"""SOPs as data: a body's Standar Operasional Prosedur, its steps, the units of their time
standards, and the rules a route must meet to drive an edition."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dip.models import STAGE_ORDER, EditionKind, Stage
from ppid.fields import bounded_text
from ppid.models import Body, Role

# The longest free text of an SOP: its header fields and its step cells.
SOP_TEXT_MAX_LENGTH = 5000
SOP_STEP_TEXT_MAX_LENGTH = 2000
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
