"""The dashboard's reads: the editions in progress of the bodies the user reaches, the most
urgent first and a page at a time, and a summary per body computed by one grouped query.

Issue 15: a PPID Utama over 55 bodies had every edition in flight rendered on one page and
sorted in Python; now the database orders them and the page shows one page of them, with a
row per body (its count by stage, overdue, waiting for a signature, its nearest deadline)
linking to that body's own list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from dip.models import Edition, Stage
from dip.selectors import editions_for_user
from workflow.models import Step

STAGES = list(Stage)


@dataclass
class BodySummary:
    """One body's editions: how many at each stage (in `STAGES` order), how many of those in
    progress are overdue or wait for a signature, and the nearest deadline of an open step."""

    body_id: int
    slug: str
    name: str
    short_name: str
    per_stage: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    nearest_due: datetime | None = None

    @property
    def in_progress(self) -> int:
        return sum(n for stage, n in self.per_stage.items() if stage != Stage.PUBLISHED)

    @property
    def signature(self) -> int:
        return self.per_stage.get(Stage.APPROVAL, 0)

    @property
    def published(self) -> int:
        return self.per_stage.get(Stage.PUBLISHED, 0)

    @property
    def stages_text(self) -> str:
        """The editions in progress by stage, in stage order: "Pengumpulan 2, Verifikasi 1"."""
        return ", ".join(
            f"{stage.label} {self.per_stage[stage.value]}"
            for stage in STAGES
            if stage != Stage.PUBLISHED and self.per_stage.get(stage.value)
        )

    def sort_key(self) -> tuple:
        # Something to act on first: a signature, then overdue, then the nearest deadline;
        # bodies with nothing in progress last, by name.
        return (
            not self.signature,
            not self.overdue,
            self.nearest_due is None,
            self.nearest_due or datetime.max,
            self.name,
        )


def body_summaries(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> list[BodySummary]:
    """Per body the user reaches and that has an edition: the counts of `BodySummary`, the bodies
    with something to act on first (one grouped query, whatever the number of editions)."""
    rows = (
        editions_for_user(user)
        .annotate(open_step=FilteredRelation("steps", condition=Q(steps__finished_at=None)))
        .values("body_id", "body__slug", "body__name", "body__short_name", "state")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(open_step__due_at__lt=now)),
            nearest_due=Min("open_step__due_at"),
        )
        .order_by()
    )
    bodies: dict[int, BodySummary] = {}
    for row in rows:
        summary = bodies.setdefault(
            row["body_id"],
            BodySummary(
                body_id=row["body_id"],
                slug=row["body__slug"],
                name=row["body__name"],
                short_name=row["body__short_name"],
            ),
        )
        summary.per_stage[row["state"]] = row["n"]
        summary.overdue += row["overdue"]
        if row["nearest_due"] and (
            summary.nearest_due is None or row["nearest_due"] < summary.nearest_due
        ):
            summary.nearest_due = row["nearest_due"]
    return sorted(bodies.values(), key=BodySummary.sort_key)


def editions_in_progress(
    user: AbstractBaseUser | AnonymousUser, *, now: datetime, body_id: int | None = None
) -> QuerySet[Edition]:
    """The editions not yet published of the bodies the user reaches (or of one of them), the
    most urgent first: waiting for a signature, then overdue, then by deadline (none last).
    Each carries `signature`, `overdue` and its open step's `open_due_at` and
    `open_due_explanation` (read in the same query: no query per page of steps)."""
    editions = editions_for_user(user).exclude(state=Stage.PUBLISHED)
    if body_id is not None:
        editions = editions.filter(body_id=body_id)
    open_step = Step.objects.filter(edition=OuterRef("pk"), finished_at=None)
    return (
        editions.annotate(
            open_due_at=Subquery(open_step.values("due_at")[:1]),
            open_due_explanation=Subquery(open_step.values("due_explanation")[:1]),
        )
        .annotate(
            signature=Case(
                When(state=Stage.APPROVAL, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            overdue=Case(
                When(open_due_at__lt=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by(
            F("signature").desc(),
            F("overdue").desc(),
            F("open_due_at").asc(nulls_last=True),
            "pk",
        )
    )


def deadline_of(edition: Edition) -> Step | None:
    """The deadline of the edition's open step as `editions_in_progress` read it, as an unsaved
    Step holding only `due_at` and `due_explanation` (what the deadline's display reads)."""
    if edition.open_due_at is None and edition.open_due_explanation is None:
        return None
    return Step(due_at=edition.open_due_at, due_explanation=edition.open_due_explanation or "")
