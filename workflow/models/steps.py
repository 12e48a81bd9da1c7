"""The clock of an edition: one row per started stage, its deadline stored when it opens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dip.models import Edition, Stage
from ppid.fields import NOTE_MAX_LENGTH, bounded_text
from workflow.models.sops import TIME_UNIT_MAX_LENGTH, TimeUnit


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
