"""What the compliance report is made of: a body's report for a period, one line per SOP step,
and the overdue steps, each with the figures derived from its counts (on-time share, labels,
the order of the lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dip.models import STAGE_ORDER, Stage
from ppid.models import Body
from workflow.models import TimeUnit
from workflow.periods import Period

STAGE_INDEX = {stage: n for n, stage in enumerate(STAGE_ORDER)}


@dataclass
class OverdueStep:
    """A step that finished after its deadline, or is still open past it."""

    step_id: int
    edition_id: int
    edition_title: str
    stage: str
    step_number: int | None
    started_at: datetime
    due_at: datetime
    finished_at: datetime | None
    late_seconds: int

    @property
    def is_open(self) -> bool:
        return self.finished_at is None

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label


@dataclass
class StepReport:
    """One step of a body's SOP in one period. `timed` counts the finished steps that had a
    deadline; the on-time share is `on_time / timed`."""

    body_id: int
    sop_number: str | None
    stage: str
    step_number: int | None
    standard_amount: int | None
    standard_unit: str
    activity: str = ""
    # The SOP's standard in seconds as the steps stored it (one office day per "hari"); None
    # for a step no edition reached. "On time" is judged by each step's own deadline.
    standard_seconds: int | None = None
    total: int = 0
    finished: int = 0
    timed: int = 0
    on_time: int = 0
    open_overdue: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None
    overdue: list[OverdueStep] = field(default_factory=list)

    @property
    def open(self) -> int:
        return self.total - self.finished

    @property
    def late(self) -> int:
        return self.timed - self.on_time

    @property
    def overdue_count(self) -> int:
        return self.late + self.open_overdue

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.timed if self.timed else None

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def label(self) -> str:
        return self.activity or self.stage_label

    @property
    def standard_label(self) -> str:
        if not self.standard_amount or not self.standard_unit:
            return ""
        return f"{self.standard_amount} {TimeUnit(self.standard_unit).label}"

    def sort_key(self) -> tuple:
        return (
            self.sop_number or "",
            self.step_number if self.step_number is not None else 999,
            STAGE_INDEX.get(self.stage, 99),
            self.standard_seconds or 0,
        )


@dataclass
class BodyReport:
    body: Body
    period: Period
    steps: list[StepReport]

    def _sum(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.steps)

    @property
    def total(self) -> int:
        return self._sum("total")

    @property
    def finished(self) -> int:
        return self._sum("finished")

    @property
    def open(self) -> int:
        return self._sum("open")

    @property
    def on_time(self) -> int:
        return self._sum("on_time")

    @property
    def timed(self) -> int:
        return self._sum("timed")

    @property
    def on_time_share(self) -> float | None:
        timed = self.timed
        return self.on_time / timed if timed else None

    @property
    def overdue(self) -> list[OverdueStep]:
        """The overdue steps of the period read (every one, or the first `overdue_limit` of
        `compliance_report`), the longest late first."""
        rows = [o for s in self.steps for o in s.overdue]
        return sorted(rows, key=lambda o: (-o.late_seconds, o.step_id))

    @property
    def overdue_count(self) -> int:
        """How many steps of the period are overdue (counted in the database, all of them)."""
        return self._sum("overdue_count")
