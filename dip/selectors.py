from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from dip.models import (
    CLASSIFICATION_ORDER,
    REVIEW_STAGES,
    Attachment,
    Classification,
    DocumentStatus,
    Edition,
    EditionDocument,
    EditionItem,
    EditionKind,
    EditionRow,
    Item,
    Stage,
)
from ppid.models import Body
from ppid.selectors import bodies_for_user, public_bodies

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


def edition_document(edition: Edition) -> EditionDocument | None:
    """The signed PDF's artefact of an edition (None before it is signed)."""
    return EditionDocument.objects.filter(edition=edition).first()


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


# --- the public website: published editions only ---------------------------------------------
# Every public lookup starts from `published_editions()`: a draft, an edition under review or a
# signed edition not yet published is never found, whatever id or code is asked for.

PUBLISHED_ORDER = ("-year", "-revision", "-published_at", "-pk")


def published_editions() -> QuerySet[Edition]:
    """Published editions, newest first, each with its body and signed document (if any)."""
    return (
        Edition.objects.filter(state=Stage.PUBLISHED)
        .select_related("body", "document")
        .order_by(*PUBLISHED_ORDER)
    )


def body_published_editions(body: Body) -> list[Edition]:
    """All the body's published editions (DIP and DIK), newest first: one query."""
    return list(published_editions().filter(body=body))


def _current_edition_pk(kind: EditionKind) -> Subquery:
    """The pk of the body's current published edition of `kind` (correlated to Body.pk)."""
    return Subquery(
        Edition.objects.filter(body=OuterRef("pk"), kind=kind, state=Stage.PUBLISHED)
        .order_by(*PUBLISHED_ORDER)
        .values("pk")[:1]
    )


def bodies_with_current_editions() -> list[tuple[Body, Edition | None, Edition | None]]:
    """Every public body with its current DIP and DIK (None where none is published yet)."""
    bodies = list(
        public_bodies().annotate(
            current_dip=_current_edition_pk(EditionKind.DIP),
            current_dik=_current_edition_pk(EditionKind.DIK),
        )
    )
    ids = {pk for b in bodies for pk in (b.current_dip, b.current_dik) if pk}
    editions = {e.pk: e for e in published_editions().filter(pk__in=ids)}
    return [(b, editions.get(b.current_dip), editions.get(b.current_dik)) for b in bodies]


def public_rows(edition: Edition) -> QuerySet[EditionRow]:
    """The rows of a published edition that the public may read, serta merta first.

    A DIP never lists dikecualikan information; the DIK's rows are shown by their DIK columns
    only (the views never render a DIK row's summary or attachments).
    """
    rows = EditionRow.objects.filter(edition=edition, edition__state=Stage.PUBLISHED)
    if edition.kind == EditionKind.DIP:
        rows = rows.exclude(classification=Classification.DIKECUALIKAN)
    order = Case(
        *[When(classification=c, then=Value(n)) for c, n in CLASSIFICATION_ORDER.items()],
        output_field=IntegerField(),
    )
    return rows.order_by(order, "number")


def public_rows_filtered(
    rows: QuerySet[EditionRow],
    *,
    q: str = "",
    classification: str = "",
    unit: str = "",
    year: int | None = None,
) -> QuerySet[EditionRow]:
    if q := q.strip():
        rows = rows.filter(
            Q(title__icontains=q)
            | Q(summary__icontains=q)
            | Q(unit_name__icontains=q)
            | Q(holding_unit__icontains=q)
        )
    if classification:
        rows = rows.filter(classification=classification)
    if unit:
        rows = rows.filter(unit_name=unit)
    if year:
        rows = rows.filter(produced_at__year=year)
    return rows


def public_row_units(edition: Edition) -> list[str]:
    """The units named in a published edition's rows (for the filter): one query."""
    return list(
        public_rows(edition)
        .exclude(unit_name="")
        .order_by("unit_name")
        .values_list("unit_name", flat=True)
        .distinct()
    )


def public_row_years(edition: Edition) -> list[int]:
    return [d.year for d in public_rows(edition).dates("produced_at", "year", "DESC")]


def current_dip_rows_search(q: str) -> QuerySet[EditionRow]:
    """Search the rows of every body's current published DIP (title, summary, unit)."""
    current = (
        public_bodies()
        .annotate(current=_current_edition_pk(EditionKind.DIP))
        .filter(current__isnull=False)
        .values("current")
    )
    rows = EditionRow.objects.filter(
        edition__in=current, edition__kind=EditionKind.DIP, edition__state=Stage.PUBLISHED
    ).exclude(classification=Classification.DIKECUALIKAN)
    return (
        public_rows_filtered(rows, q=q)
        .select_related("edition__body")
        .order_by("edition__body__name", "number")
    )


def public_row(*, slug: str, edition_id: int, number: int) -> EditionRow | None:
    """A row of a published DIP that the public may open: never a DIK or dikecualikan row."""
    return (
        EditionRow.objects.filter(
            edition_id=edition_id,
            edition__body__slug=slug,
            edition__state=Stage.PUBLISHED,
            edition__kind=EditionKind.DIP,
            number=number,
        )
        .exclude(classification=Classification.DIKECUALIKAN)
        .select_related("edition__body", "edition__document")
        .first()
    )


def public_attachment(row: EditionRow, attachment_id: int) -> Attachment | None:
    """An attachment listed in the row's signed snapshot, unchanged since it was signed, and of
    an item that is not dikecualikan now (an item closed later is not served any more)."""
    signed = next((a for a in row.attachments if a.get("id") == attachment_id), None)
    if signed is None or row.item_id is None:
        return None
    return (
        Attachment.objects.filter(pk=attachment_id, item_id=row.item_id, sha256=signed["sha256"])
        .exclude(item__classification=Classification.DIKECUALIKAN)
        .first()
    )


def published_document_by_sha256(sha256: str) -> EditionDocument | None:
    """The ready signed document of a published edition with exactly these bytes."""
    return (
        EditionDocument.objects.filter(
            sha256=sha256, status=DocumentStatus.READY, edition__state=Stage.PUBLISHED
        )
        .select_related("edition__body", "edition__signed_by")
        .first()
    )


def published_document_signed_with(signer_subject: str) -> bool:
    """Some published document was signed with the certificate of this subject."""
    return EditionDocument.objects.filter(
        signer_subject=signer_subject, status=DocumentStatus.READY, edition__state=Stage.PUBLISHED
    ).exists()


def published_edition_by_code(code: str) -> Edition | None:
    """The published edition whose document carries this verification code (the QR's)."""
    code = code.strip()
    if not code:
        return None
    return published_editions().filter(verification_code__iexact=code).first()
