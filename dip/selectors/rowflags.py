"""Flagged rows: berkala items whose update is due, exemptions that have ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, QuerySet, Window

from dip.models import Classification, Item
from dip.permissions import can_mark_updated, can_review_exemption
from ppid.models import Role
from ppid.oversight import bodies_reached
from ppid.permissions import warm_roles

User = AbstractBaseUser | AnonymousUser


def items_update_due(today: date) -> list[int]:
    """Berkala items whose next update was due by `today` and that are not flagged yet (the
    daily sweep; partial index item_update_due)."""
    return list(
        Item.objects.filter(next_update_on__isnull=False, needs_update_since__isnull=True)
        .filter(next_update_on__lte=today)
        .order_by("next_update_on", "pk")
        .values_list("pk", flat=True)
    )


def items_exemption_ended(today: date) -> list[int]:
    """Dikecualikan items exempted until a date before `today`, not flagged yet (the daily
    sweep; partial index item_exemption_due). Permanent exemptions have no date."""
    return list(
        Item.objects.filter(
            classification=Classification.DIKECUALIKAN,
            exemption_until__isnull=False,
            exemption_ended_on__isnull=True,
            exemption_until__lt=today,
            exemption_permanent=False,
        )
        .order_by("exemption_until", "pk")
        .values_list("pk", flat=True)
    )


# Who sees a flagged row on the dashboard and the tasks page (the notices go to fewer: the
# operators and the PPID for berkala, the PPID and the tim for an ended exemption).
UPDATE_DUE_VIEWERS = (Role.OPERATOR, Role.PPID, Role.ATASAN, Role.PPID_UTAMA)
EXEMPTION_ENDED_VIEWERS = (Role.PPID, Role.TIM, Role.ATASAN, Role.PPID_UTAMA)
ROW_FLAGS_LIMIT = 50


@dataclass
class FlaggedRow:
    item: Item
    may_act: bool


@dataclass
class RowFlags:
    update_due: list[FlaggedRow]
    update_due_count: int
    exemption_ended: list[FlaggedRow]
    exemption_ended_count: int

    @property
    def update_due_more(self) -> int:
        return self.update_due_count - len(self.update_due)

    @property
    def exemption_ended_more(self) -> int:
        return self.exemption_ended_count - len(self.exemption_ended)


# What the flagged lists show and check (the title, the date, the body's names, and the body and
# the one above it for the roles): only these columns are read.
FLAGGED_FIELDS = (
    "title",
    "needs_update_since",
    "exemption_until",
    "exemption_ended_on",
    "body",
    "body__slug",
    "body__name",
    "body__short_name",
    "body__parent",
)


def _first_with_total(flagged: QuerySet[Item], order: tuple[str, ...], limit: int) -> list[Item]:
    """The first `limit` of the flagged rows, each carrying `total` (how many there are): one
    query whatever the count (a window count is taken before the LIMIT). Narrow rows: the
    window holds every flagged row, and whole Item and Body rows made a kabupaten's 4,299 spill
    to disk (130 ms; 26 ms with these columns, issue 15)."""
    return list(
        flagged.annotate(total=Window(Count("pk")))
        .select_related("body")
        .only(*FLAGGED_FIELDS)
        .order_by(*order)[:limit]
    )


def row_flags_for_user(user: User, *, limit: int = ROW_FLAGS_LIMIT) -> RowFlags:
    """The flagged rows of the user's bodies, oldest flag first (at most `limit` of each, with
    the total): berkala items that need an update and exemptions that have ended. A fixed
    number of queries, whatever the count."""
    due = Item.objects.filter(
        needs_update_since__isnull=False, body__in=bodies_reached(user, UPDATE_DUE_VIEWERS)
    )
    ended = Item.objects.filter(
        exemption_ended_on__isnull=False, body__in=bodies_reached(user, EXEMPTION_ENDED_VIEWERS)
    )
    due_rows = _first_with_total(due, ("needs_update_since", "pk"), limit)
    ended_rows = _first_with_total(ended, ("exemption_ended_on", "pk"), limit)
    warm_roles(user, {i.body_id: i.body for i in [*due_rows, *ended_rows]}.values())
    return RowFlags(
        update_due=[FlaggedRow(i, can_mark_updated(user, i.body)) for i in due_rows],
        update_due_count=due_rows[0].total if due_rows else 0,
        exemption_ended=[FlaggedRow(i, can_review_exemption(user, i.body)) for i in ended_rows],
        exemption_ended_count=ended_rows[0].total if ended_rows else 0,
    )
