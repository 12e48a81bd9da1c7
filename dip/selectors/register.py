"""Reads of the register with rules: what an officer may see of a body's items and editions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, QuerySet

from dip.models import (
    REVIEW_STAGES,
    ClassificationChange,
    Edition,
    EditionDocument,
    EditionItem,
    EditionRow,
    Item,
)
from ppid.models import Body
from ppid.selectors import bodies_for_user

User = AbstractBaseUser | AnonymousUser


def items_for_user(user: User) -> QuerySet[Item]:
    return Item.objects.filter(body__in=bodies_for_user(user)).select_related("body", "unit")


def editions_for_user(user: User) -> QuerySet[Edition]:
    return Edition.objects.filter(body__in=bodies_for_user(user)).select_related("body")


def item_review_edition(item: Item) -> Edition | None:
    """The edition under review that holds this item, if any (its rows must not move then)."""
    return (
        Edition.objects.filter(entries__item=item, state__in=REVIEW_STAGES).order_by("pk").first()
    )


def items_in_review(queryset: QuerySet[Item]) -> QuerySet[Item]:
    under_review = EditionItem.objects.filter(item=OuterRef("pk"), edition__state__in=REVIEW_STAGES)
    return queryset.annotate(in_review=Exists(under_review))


def edition_document(edition: Edition) -> EditionDocument | None:
    """The signed PDF's artefact of an edition (None before it is signed)."""
    return EditionDocument.objects.filter(edition=edition).first()


def register_items(user: User, body: Body) -> QuerySet[Item]:
    """A body's register as the user may see it, each row with its attachment count."""
    return (
        items_for_user(user)
        .filter(body=body)
        .annotate(attachment_count=Count("attachments", distinct=True))
    )


def register_years(body: Body) -> list[int]:
    """The years in which the body's items were produced, newest first (for the filter)."""
    return [d.year for d in Item.objects.filter(body=body).dates("produced_at", "year", "DESC")]


def item_editions(item: Item) -> QuerySet[Edition]:
    """The editions that hold the item: being assembled or reviewed, or signed with it."""
    picked = EditionItem.objects.filter(edition=OuterRef("pk"), item=item)
    signed = EditionRow.objects.filter(edition=OuterRef("pk"), item=item)
    return Edition.objects.filter(Exists(picked) | Exists(signed)).order_by("-year", "-revision")


def edition_entries(edition: Edition) -> list[Item]:
    """The items picked into an edition, in their order (each with its unit)."""
    return [
        e.item
        for e in EditionItem.objects.filter(edition=edition)
        .select_related("item__unit")
        .order_by("position", "pk")
    ]


def edition_classification_changes(edition: Edition) -> list[ClassificationChange]:
    """The classification changes a DIK edition carries, oldest first: one query."""
    return list(
        ClassificationChange.objects.filter(edition=edition)
        .select_related("item", "decided_by")
        .order_by("proposed_at", "pk")
    )
