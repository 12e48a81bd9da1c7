from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
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
    Announcement,
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
from dip.permissions import can_mark_updated, can_review_exemption
from ppid.models import Body, BodyUserObjectPermission, Role
from ppid.permissions import warm_roles
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
    rows = (
        EditionRow.objects.filter(
            edition_id=edition_id,
            edition__body__slug=slug,
            edition__state=Stage.PUBLISHED,
            edition__kind=EditionKind.DIP,
            number=number,
        )
        .exclude(classification=Classification.DIKECUALIKAN)
        .select_related("edition__body", "edition__document")
        .annotate(needs_update_changed_at=F("item__needs_update_changed_at"))
    )
    return rows_with_update_flags(rows).first()


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


# --- row flags and announcements --------------------------------------------------------------


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


def bodies_with_roles(user: User, roles: Iterable[Role]) -> QuerySet[Body]:
    """The bodies where the user holds one of `roles` (PPID Utama also through the parent)."""
    if not user.is_authenticated or not user.is_active:
        return Body.objects.none()
    roles = list(roles)
    direct = BodyUserObjectPermission.objects.filter(
        user=user,
        content_object=OuterRef("pk"),
        permission__codename__in=[Role(r).codename for r in roles],
    )
    condition = Q(Exists(direct))
    if Role.PPID_UTAMA in roles:
        via_parent = BodyUserObjectPermission.objects.filter(
            user=user,
            content_object=OuterRef("parent"),
            permission__codename=Role.PPID_UTAMA.codename,
        )
        condition |= Q(Exists(via_parent))
    return Body.objects.filter(condition)


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


def row_flags_for_user(user: User) -> RowFlags:
    """The flagged rows of the user's bodies, oldest flag first: berkala items that need an
    update and exemptions that have ended. A fixed number of queries, whatever the count."""
    due = (
        Item.objects.filter(
            needs_update_since__isnull=False,
            body__in=bodies_with_roles(user, UPDATE_DUE_VIEWERS),
        )
        .select_related("body")
        .order_by("needs_update_since", "pk")
    )
    ended = (
        Item.objects.filter(
            exemption_ended_on__isnull=False,
            body__in=bodies_with_roles(user, EXEMPTION_ENDED_VIEWERS),
        )
        .select_related("body")
        .order_by("exemption_ended_on", "pk")
    )
    due_rows = list(due[:ROW_FLAGS_LIMIT])
    ended_rows = list(ended[:ROW_FLAGS_LIMIT])
    warm_roles(user, {i.body_id: i.body for i in [*due_rows, *ended_rows]}.values())
    return RowFlags(
        update_due=[FlaggedRow(i, can_mark_updated(user, i.body)) for i in due_rows],
        update_due_count=len(due_rows) if len(due_rows) < ROW_FLAGS_LIMIT else due.count(),
        exemption_ended=[FlaggedRow(i, can_review_exemption(user, i.body)) for i in ended_rows],
        exemption_ended_count=(
            len(ended_rows) if len(ended_rows) < ROW_FLAGS_LIMIT else ended.count()
        ),
    )


def public_announcements() -> QuerySet[Announcement]:
    """Every announcement, newest first: they hold only the public columns of a row."""
    return Announcement.objects.select_related("body").order_by("-announced_at", "-pk")


def body_announcements(body: Body) -> QuerySet[Announcement]:
    return public_announcements().filter(body=body)


def rows_with_update_flags(rows: QuerySet[EditionRow]) -> QuerySet[EditionRow]:
    """Each row with its item's "perlu pembaruan" date (None: up to date, or not berkala)."""
    return rows.annotate(
        needs_update_since=Case(
            When(
                classification=Classification.BERKALA,
                then=F("item__needs_update_since"),
            ),
            default=Value(None),
            output_field=DateField(),
        )
    )


@dataclass(frozen=True)
class PublicMarks:
    """What changes a body's public pages between publications: its rows' "perlu pembaruan"
    flags and its announcements. Part of the pages' ETag and Last-Modified."""

    flags_changed_at: datetime | None
    announced_at: datetime | None
    last_announcement: int | None

    @property
    def token(self) -> str:
        stamps = (self.flags_changed_at, self.announced_at)
        return "|".join(s.isoformat() if s else "-" for s in stamps) + f"|{self.last_announcement}"

    @property
    def changed_at(self) -> datetime | None:
        stamps = [s for s in (self.flags_changed_at, self.announced_at) if s]
        return max(stamps) if stamps else None


def body_public_marks(body: Body) -> PublicMarks:
    """One query: the latest change of the body's flags and its latest announcement."""
    items = Item.objects.filter(body=OuterRef("pk")).order_by()
    announcements = Announcement.objects.filter(body=OuterRef("pk")).order_by()
    row = (
        Body.objects.filter(pk=body.pk)
        .annotate(
            flags_changed_at=Subquery(
                items.values("body").annotate(m=Max("needs_update_changed_at")).values("m")[:1]
            ),
            announced_at=Subquery(
                announcements.values("body").annotate(m=Max("announced_at")).values("m")[:1]
            ),
            last_announcement=Subquery(
                announcements.values("body").annotate(m=Max("pk")).values("m")[:1]
            ),
        )
        .values("flags_changed_at", "announced_at", "last_announcement")
        .first()
    )
    return PublicMarks(**row) if row else PublicMarks(None, None, None)
