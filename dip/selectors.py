from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, QuerySet

from dip.models import REVIEW_STAGES, Edition, EditionItem, EditionKind, EditionRow, Item, Stage
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


def current_published_edition(body: Body, kind: EditionKind | str) -> Edition | None:
    return (
        Edition.objects.filter(body=body, kind=kind, state=Stage.PUBLISHED)
        .select_related("body", "signed_by")
        .order_by("-year", "-revision", "-published_at")
        .first()
    )


def edition_rows(edition: Edition) -> QuerySet[EditionRow]:
    return EditionRow.objects.filter(edition=edition).order_by("number")


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
