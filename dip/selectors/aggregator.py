"""The aggregator's pull: the published rows of the bodies a PPID Utama oversees, each with the
time it last changed for the public, in a stable order for keyset (cursor) pages.

Who is overseen is `ppid.oversight.bodies_reached` (the one rule); what the public may read of a
row is `PUBLIC_ROW` (the one door). A row is signed once and never edited, so it changes for the
public only when:

- its edition is published (`edition.published_at`);
- a newer edition of the same body and kind is published: the row is *superseded* (still
  readable in the archive) at that edition's publication;
- its item's public marks move (`Item.needs_update_changed_at`): the "perlu pembaruan" flag of
  a berkala row, an exemption that ended, an item opened or closed by a signed classification
  change. A row that is no longer public then is *withdrawn*: only its identity is given.

`modified` is the latest of these; the pull orders by (`modified`, `id`).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from dip.models import Edition, EditionRow
from dip.selectors.public import PUBLIC_ROW, published, rows_with_update_flags
from ppid.models import Body, Role
from ppid.oversight import bodies_reached

User = AbstractBaseUser | AnonymousUser

ROW_PUBLISHED, ROW_SUPERSEDED, ROW_WITHDRAWN = "published", "superseded", "withdrawn"


def aggregator_bodies(user: User) -> QuerySet[Body]:
    """The bodies whose rows a PPID Utama pulls: those it oversees (its own and those below)."""
    return bodies_reached(user, [Role.PPID_UTAMA])


def _newer_editions() -> QuerySet[Edition]:
    """Published editions of the outer row's body and kind that rank above its edition."""
    year, revision = OuterRef("edition__year"), OuterRef("edition__revision")
    return Edition.objects.filter(
        published(),
        body=OuterRef("edition__body"),
        kind=OuterRef("edition__kind"),
    ).filter(
        Q(year__gt=year)
        | Q(year=year, revision__gt=revision)
        | Q(year=year, revision=revision, published_at__gt=OuterRef("edition__published_at"))
    )


def aggregator_rows(
    user: User, *, since: datetime | None = None, body: Body | None = None
) -> QuerySet[EditionRow]:
    """Every row of a published edition of the bodies `user` oversees as PPID Utama (or only
    `body`), annotated with `modified`, `is_public`, `superseded_at` and `superseded_by_id`,
    changed after `since` when given; ordered by (`modified`, `id`)."""
    rows = EditionRow.objects.filter(
        published("edition__"), edition__body__in=aggregator_bodies(user)
    )
    if body is not None:
        rows = rows.filter(edition__body=body)
    newer = _newer_editions()
    published_at = F("edition__published_at")
    rows = rows_with_update_flags(rows).annotate(
        is_public=Case(
            When(PUBLIC_ROW, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        superseded_at=Subquery(
            newer.order_by().values("body").annotate(first=Min("published_at")).values("first")[:1],
            output_field=DateTimeField(),
        ),
        superseded_by_id=Subquery(
            newer.order_by("year", "revision", "published_at", "pk").values("pk")[:1]
        ),
    )
    rows = rows.annotate(
        modified=Greatest(
            published_at,
            Coalesce(F("superseded_at"), published_at),
            Case(
                When(
                    item__needs_update_changed_at__gt=published_at,
                    then=F("item__needs_update_changed_at"),
                ),
                default=published_at,
                output_field=DateTimeField(),
            ),
            output_field=DateTimeField(),
        )
    )
    if since is not None:
        rows = rows.filter(modified__gt=since)
    return rows.select_related("edition__body").order_by("modified", "pk")


def rows_after(rows: QuerySet[EditionRow], *, modified: datetime, pk: int) -> QuerySet[EditionRow]:
    """The rows after the keyset position (`modified`, `pk`): a cursor's page start."""
    return rows.filter(Q(modified__gt=modified) | Q(modified=modified, pk__gt=pk))


def row_status(row: EditionRow) -> str:
    if not row.is_public:
        return ROW_WITHDRAWN
    return ROW_SUPERSEDED if row.superseded_by_id else ROW_PUBLISHED
