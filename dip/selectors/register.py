"""Reads of the register with rules: what an officer may see of a body's items and editions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from dip.models import (
    CLASSIFICATION_ORDER,
    REVIEW_STAGES,
    Attachment,
    Classification,
    ClassificationChange,
    Edition,
    EditionDocument,
    EditionItem,
    EditionKind,
    EditionRow,
    Item,
    items_incomplete,
)
from ppid.models import Body
from ppid.selectors import bodies_for_user

User = AbstractBaseUser | AnonymousUser


def items_for_user(user: User) -> QuerySet[Item]:
    return Item.objects.filter(body__in=bodies_for_user(user)).select_related("body", "unit")


class ItemPages:
    """A list of items (`items_for_user`'s, filtered) in the API's order, by body name, then
    title, then id, that a paginator slices without sorting the whole list.

    Sorting every item a PPID Utama reaches (19,472 of 41 bodies at province scale) for each
    page of 50 cost tens of milliseconds, more for a deep page (issue 15). Here one query
    counts the items of each of `bodies` (those the items can be in), in the order of the
    bodies' names as the database sorts them; that gives the total and which bodies a slice
    spans. The slice then reads, in one query, only those bodies' entries of the
    (body, title, id) index, at the offset within each, and the rows they name, fetched as
    `fetch` says (its joins, prefetches and fields; its own filter is not the rule: the ids
    come from `items`). The rows are fetched by id, not through `items` again: PostgreSQL
    guesses a user's reach at a few rows and would then read every item reached to find 50."""

    ordered = True  # for Django's Paginator: the order is defined (above)

    def __init__(
        self, items: QuerySet[Item], bodies: QuerySet[Body], fetch: QuerySet[Item] | None = None
    ) -> None:
        self.items = items
        self.bodies = bodies
        self.fetch = Item.objects.all() if fetch is None else fetch
        self._groups: list[tuple[list[int], int]] | None = None

    def _bare(self) -> QuerySet[Item]:
        return self.items.order_by().select_related(None).prefetch_related(None)

    def groups(self) -> list[tuple[list[int], int]]:
        """(body ids, item count) in the list's order; bodies of the same name share a group,
        their items ordered by title among each other as the list orders them."""
        if self._groups is None:
            # COUNT(*) per body without a GROUP BY: an aggregate over an index-only scan.
            counts = (
                self._bare()
                .filter(body=OuterRef("pk"))
                .annotate(n=Func(Value(1), function="COUNT"))
                .values("n")
            )
            self._groups = []
            last_name = None
            rows = self.bodies.order_by("name", "pk").annotate(n=Subquery(counts))
            for pk, name, n in rows.values_list("pk", "name", "n"):
                if not n:
                    continue
                if self._groups and name == last_name:
                    ids, total = self._groups[-1]
                    self._groups[-1] = ([*ids, pk], total + n)
                else:
                    self._groups.append(([pk], n))
                last_name = name
        return self._groups

    def count(self) -> int:
        return sum(n for _, n in self.groups())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Item]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("ItemPages takes a slice without a step.")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        parts, position = [], 0
        for ids, n in self.groups():
            low, high = max(start - position, 0), min(stop - position, n)
            if low < high:
                within = self._bare().filter(body_id__in=ids).order_by("title", "pk")
                parts.append(within.values("pk")[low:high])
            position += n
            if position >= stop:
                break
        if not parts:
            return []
        chosen = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return list(self.fetch.filter(pk__in=chosen).order_by("body__name", "title", "pk"))


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
    # A correlated count, not a JOIN and GROUP BY: a page of 25 rows then counts the
    # attachments of those 25 only, and the order (title) reads from `item_body_title` instead
    # of grouping the whole register first (issue 15: thousands of items per body).
    attachments = (
        Attachment.objects.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        items_for_user(user)
        .filter(body=body)
        .annotate(attachment_count=Coalesce(Subquery(attachments), 0))
    )


# The register's attachments filter: with at least one, or with none.
WITH_ATTACHMENTS, WITHOUT_ATTACHMENTS = "yes", "no"


def register_filtered(items: QuerySet[Item], filters: dict[str, Any]) -> QuerySet[Item]:
    """The register's search and filters (`dip.forms.ItemFilterForm.filters()`), one door for
    the register page and its `.xlsx` export: `q` in the title or summary, a classification, a
    unit, the year produced, with or without attachments (`items` from `register_items`)."""
    if query := str(filters.get("q") or "").strip():
        items = items.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    if classification := filters.get("classification"):
        items = items.filter(classification=classification)
    if unit := filters.get("unit"):
        items = items.filter(unit=unit)
    if year := filters.get("year"):
        items = items.filter(produced_at__year=year)
    attachments = filters.get("attachments")
    if attachments == WITH_ATTACHMENTS:
        items = items.filter(attachment_count__gt=0)
    elif attachments == WITHOUT_ATTACHMENTS:
        items = items.filter(attachment_count=0)
    return items


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


def edition_rows_as_signed(edition: Edition) -> list[EditionRow]:
    """The edition's rows as signing would freeze them now (unsaved): in the signed order
    (serta merta, berkala, setiap saat, dikecualikan), numbered, with their attachments.
    Signing stores them (dip.services.edition_freeze); the DRAF preview renders them."""
    items = sorted(
        edition_entries(edition),
        key=lambda i: (CLASSIFICATION_ORDER[Classification(i.classification)],),
    )
    attachments: dict[int, list[dict[str, Any]]] = {}
    for a in Attachment.objects.filter(item__in=items).order_by("uploaded_at", "pk"):
        attachments.setdefault(a.item_id, []).append(
            {
                "id": a.pk,
                "name": a.original_name,
                "sha256": a.sha256,
                "size": a.size,
                "content_type": a.content_type,
                "kind": a.kind,
            }
        )
    rows = []
    for number, item in enumerate(items, start=1):
        rows.append(
            EditionRow(
                edition=edition,
                item=item,
                number=number,
                classification=item.classification,
                title=item.title,
                summary=item.summary,
                unit_name=item.unit.name if item.unit else "",
                holding_unit=item.holding_unit,
                responsible=item.responsible,
                produced_at=item.produced_at,
                produced_place=item.produced_place,
                form=item.form,
                retention=item.retention,
                update_period_months=(
                    item.update_period_months
                    if item.classification == Classification.BERKALA
                    else None
                ),
                exempted_part=item.exempted_part,
                exemption_ground=item.exemption_ground,
                exemption_law=item.exemption_law,
                consequence_if_opened=item.consequence_if_opened,
                consequence_if_closed=item.consequence_if_closed,
                public_interest=item.public_interest,
                exemption_until=item.exemption_until,
                exemption_event=item.exemption_event,
                exemption_permanent=item.exemption_permanent,
                attachments=attachments.get(item.pk, []),
            )
        )
    return rows


def classification_changes_for_user(user: User) -> QuerySet[ClassificationChange]:
    """The classification changes of the bodies the user works in or oversees (the same bodies
    as the register's items: the web page and the API read through here)."""
    return ClassificationChange.objects.filter(body__in=bodies_for_user(user)).select_related(
        "body", "item", "edition"
    )


def edition_classification_changes(edition: Edition) -> list[ClassificationChange]:
    """The classification changes a DIK edition carries, oldest first: one query."""
    return list(
        ClassificationChange.objects.filter(edition=edition)
        .select_related("item", "decided_by")
        .order_by("proposed_at", "pk")
    )


def entries_missing_fields() -> Q:
    """The rows (EditionItem) whose item `Item.missing_fields` reports incomplete, said in SQL
    so that an edition of thousands of rows is checked without loading them."""
    return items_incomplete("item__")


def entries_misplaced(edition: Edition) -> Q:
    """The rows that do not belong in the edition's list: a dikecualikan item in a DIP, any
    other in a DIK (`dip.services.editions._classification_error` in SQL)."""
    exempted = Q(item__classification=Classification.DIKECUALIKAN)
    return ~exempted if edition.kind == EditionKind.DIK else exempted


def edition_rows_ready() -> Q:
    """For a query over editions: the edition has a row, and none of its rows is incomplete or
    misplaced (what `edition_entries_to_check` would find). A transition's lock reads it with
    the edition, so that the usual submit of a complete edition costs no query of its own
    (`dip.services.edition_check_ready` trusts it when true).

    A DIP runs to thousands of rows, so it is asked from the other side: of the body's items
    (a row's item is always of the edition's body), the incomplete ones (partial index
    `item_incomplete`) and the exempted ones (`item_body_class`), is one a row of it (the
    unique index of edition and item)? That reads the body's few problem items, not the rows.
    A DIK holds only exempted items (hundreds at most): its rows are read."""
    entries = EditionItem.objects.filter(edition=OuterRef("pk"))
    exempted = Q(item__classification=Classification.DIKECUALIKAN)
    in_dik = entries.filter(entries_missing_fields() | ~exempted)
    body_items = Item.objects.filter(body=OuterRef("body"), entries__edition=OuterRef("pk"))
    incomplete = body_items.filter(items_incomplete())
    exempted_in_dip = body_items.filter(classification=Classification.DIKECUALIKAN)
    problem = Case(
        When(kind=EditionKind.DIK, then=Exists(in_dik)),
        default=Exists(incomplete) | Exists(exempted_in_dip),
        output_field=BooleanField(),
    )
    return Q(Exists(entries)) & ~Q(problem)


def edition_entries_to_check(edition: Edition) -> list[Item]:
    """The items of the edition's rows that are incomplete or misplaced, plus its first row (to
    tell an empty edition): one query, never every row."""
    entries = EditionItem.objects.filter(edition=edition)
    first = entries.order_by("position", "pk").values("pk")[:1]
    problems = entries_missing_fields() | entries_misplaced(edition) | Q(pk=Subquery(first))
    return [
        e.item
        for e in entries.filter(problems).select_related("item__unit").order_by("position", "pk")
    ]


def edition_incomplete_count(edition: Edition) -> int:
    """How many of the edition's rows still miss a field the document needs (one query)."""
    return EditionItem.objects.filter(edition=edition).filter(entries_missing_fields()).count()


def edition_entries_page_queryset(edition: Edition) -> QuerySet[EditionItem]:
    """The edition's rows in their order, each with its item, unit and attachments, for a page
    of them."""
    return (
        EditionItem.objects.filter(edition=edition)
        .select_related("item__unit")
        .prefetch_related("item__attachments")
        .order_by("position", "pk")
    )


# Rows of an edition a page shows: the edition's page (`?baris=`) and the API's rows.
EDITION_ROWS_PER_PAGE = 100


def edition_rows(edition: Edition) -> QuerySet[EditionRow] | QuerySet[EditionItem]:
    """The edition's rows as its readers list them, a page at a time: once signed, the rows as
    signed, by number; before, the items picked, by position, each with its item. The items
    are read for the page's rows only (a second query), not joined: a page deep into a
    4,298-row DIP would join every row it skips (40 ms against under 1)."""
    if edition.is_signed:
        return EditionRow.objects.filter(edition=edition).order_by("number")
    return (
        EditionItem.objects.filter(edition=edition)
        .prefetch_related("item")
        .order_by("position", "pk")
    )


def rows_count() -> Coalesce:
    """How many rows `edition_rows` lists for the edition read (the signed rows once signed,
    else the items picked): one count over the edition's index, as an annotation."""

    def counted(model) -> Subquery:
        rows = model.objects.filter(edition=OuterRef("pk")).order_by().values("edition")
        return Subquery(rows.annotate(n=Count("*")).values("n"))

    return Coalesce(
        Case(
            When(signed_at__isnull=False, then=counted(EditionRow)),
            default=counted(EditionItem),
        ),
        0,
    )


def with_rows_count(editions: QuerySet[Edition]) -> QuerySet[Edition]:
    """Each edition with `rows_count` (`rows_count()`), in the same query."""
    return editions.annotate(rows_count=rows_count())
