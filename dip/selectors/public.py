"""What the public may read: published editions, their public rows, documents, announcements.

One door: every public channel (the website, the public API, the JSON and CSV downloads, the
aggregator push) reads an edition through `published_editions()` and its rows through
`public_rows()`. "Published" is said once, in `published()`; a draft, an edition under review or
a signed edition not yet published is never found, whatever id or code is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.db.models import (
    Case,
    DateField,
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
    Announcement,
    AnnouncementAudio,
    Attachment,
    AttachmentKind,
    Classification,
    DocumentStatus,
    Edition,
    EditionDocument,
    EditionKind,
    EditionRow,
    Item,
    RecordDocument,
    Stage,
)
from dip.selectors.search import rows_by_relevance, rows_matching, search_terms
from ppid.models import Body
from ppid.selectors import public_bodies

PUBLISHED_ORDER = ("-year", "-revision", "-published_at", "-pk")
# The most matching rows one public search considers (dip.selectors.search).
SEARCH_CANDIDATES = 500


def published(prefix: str = "") -> Q:
    """What "published" means, said once (`published("edition__")` for a row's edition)."""
    return Q(**{f"{prefix}state": Stage.PUBLISHED})


# A row the public may read: of a published edition, and never a dikecualikan row of a DIP
# (whatever put it there, or an item closed since by a signed classification change). A DIK row
# leaves the public DIK at once when its exemption ends (date passed or event happened) or its
# item was opened since; a DIK row is read by its DIK columns only (dip.serializers).
PUBLIC_ROW = (
    published("edition__")
    & ~Q(edition__kind=EditionKind.DIP, classification=Classification.DIKECUALIKAN)
    & ~Q(edition__kind=EditionKind.DIP, item__classification=Classification.DIKECUALIKAN)
    & ~Q(edition__kind=EditionKind.DIK, item__exemption_ended_on__isnull=False)
    & ~Q(
        edition__kind=EditionKind.DIK,
        item__classification__in=[
            Classification.SERTA_MERTA,
            Classification.BERKALA,
            Classification.SETIAP_SAAT,
        ],
    )
)


def published_editions() -> QuerySet[Edition]:
    """Published editions, newest first, each with its body and signed document (if any)."""
    return (
        Edition.objects.filter(published())
        .select_related("body", "document", "record_document")
        .order_by(*PUBLISHED_ORDER)
    )


def current_published_edition(body: Body, kind: EditionKind | str) -> Edition | None:
    """The body's newest published edition of `kind`, or None."""
    return published_editions().filter(body=body, kind=kind).first()


def body_published_editions(body: Body) -> list[Edition]:
    """All the body's published editions (DIP and DIK), newest first: one query."""
    return list(published_editions().filter(body=body))


def _current_edition_pk(kind: EditionKind) -> Subquery:
    """The pk of the body's current published edition of `kind` (correlated to Body.pk)."""
    return Subquery(
        Edition.objects.filter(published(), body=OuterRef("pk"), kind=kind)
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


_CLASSIFICATION_RANK = Case(
    *[When(classification=c, then=Value(n)) for c, n in CLASSIFICATION_ORDER.items()],
    output_field=IntegerField(),
)


def public_rows(edition: Edition) -> QuerySet[EditionRow]:
    """The rows of an edition that the public may read, serta merta first: none unless the
    edition is published. The only way a public channel reads an edition's rows."""
    return EditionRow.objects.filter(PUBLIC_ROW, edition=edition).order_by(
        _CLASSIFICATION_RANK, "number"
    )


def public_rows_filtered(
    rows: QuerySet[EditionRow],
    *,
    q: str = "",
    classification: str = "",
    unit: str = "",
    year: int | None = None,
) -> QuerySet[EditionRow]:
    if q := q.strip():
        rows = rows_matching(rows, search_terms(q, using=rows.db))
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


@dataclass(frozen=True)
class PublicSearch:
    rows: QuerySet[EditionRow]
    # More rows matched than one search considers (`limit`): the page says so.
    capped: bool
    limit: int


def _current_dip_pks() -> QuerySet:
    """The pks of every public body's current published DIP (DISTINCT ON on PostgreSQL: one
    pass over the index rather than a subquery per body)."""
    editions = Edition.objects.filter(
        published(), kind=EditionKind.DIP, body__in=public_bodies().values("pk")
    )
    if connections[editions.db].vendor == "postgresql":
        return editions.order_by("body_id", *PUBLISHED_ORDER).distinct("body_id").values("pk")
    return (
        public_bodies()
        .annotate(current=_current_edition_pk(EditionKind.DIP))
        .filter(current__isnull=False)
        .values("current")
    )


def current_dip_rows_search(q: str) -> PublicSearch:
    """Search the public rows of every body's current published DIP (title, summary, units),
    most relevant first (dip.selectors.search says what matches and how it ranks): two queries
    here (the typos, the candidates), two for the paginator, whatever the size.

    At most SEARCH_CANDIDATES matching rows are considered (the first found), so that a word
    found in every other row costs what a rare one does. The public-row rules apply to what is
    shown, whatever was considered."""
    rows = EditionRow.objects.filter(edition__in=_current_dip_pks())
    terms = search_terms(q, using=rows.db)
    if terms is None:
        return PublicSearch(rows=rows.none(), capped=False, limit=SEARCH_CANDIDATES)
    candidates = list(
        rows_matching(rows, terms).order_by().values_list("pk", flat=True)[: SEARCH_CANDIDATES + 1]
    )
    found = EditionRow.objects.filter(
        PUBLIC_ROW, pk__in=candidates[:SEARCH_CANDIDATES], edition__kind=EditionKind.DIP
    )
    return PublicSearch(
        rows=rows_by_relevance(found, terms, "edition__body__name", "number").select_related(
            "edition__body"
        ),
        capped=len(candidates) > SEARCH_CANDIDATES,
        limit=SEARCH_CANDIDATES,
    )


def public_row(*, slug: str, edition_id: int, number: int) -> EditionRow | None:
    """A row of a published DIP that the public may open: never a DIK or dikecualikan row."""
    rows = (
        EditionRow.objects.filter(
            PUBLIC_ROW,
            edition_id=edition_id,
            edition__body__slug=slug,
            edition__kind=EditionKind.DIP,
            number=number,
        )
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


def public_dik_row(*, slug: str, edition_id: int, number: int) -> EditionRow | None:
    """A row of a published DIK, read for its redacted public copies only."""
    return (
        EditionRow.objects.filter(
            PUBLIC_ROW,
            edition_id=edition_id,
            edition__body__slug=slug,
            edition__kind=EditionKind.DIK,
            number=number,
        )
        .select_related("edition__body", "edition__document", "edition__record_document")
        .first()
    )


def redacted_copies(row: EditionRow) -> list[dict]:
    """The redacted public copies signed into a DIK row (never its other files)."""
    return [a for a in row.attachments if a.get("kind") == AttachmentKind.REDACTED]


def public_redacted_copy(row: EditionRow, attachment_id: int) -> Attachment | None:
    """A redacted public copy of a published DIK row, unchanged since it was signed. Any other
    file of a dikecualikan item (the original) is never found here."""
    signed = next((a for a in redacted_copies(row) if a.get("id") == attachment_id), None)
    if signed is None or row.item_id is None:
        return None
    return Attachment.objects.filter(
        pk=attachment_id,
        item_id=row.item_id,
        sha256=signed["sha256"],
        kind=AttachmentKind.REDACTED,
    ).first()


def ready_document(edition: Edition) -> EditionDocument | None:
    """The edition's signed PDF when it can be downloaded (no query: it was select_related)."""
    try:
        document = edition.document
    except EditionDocument.DoesNotExist:
        return None
    if document.status != DocumentStatus.READY or not document.file or not document.sha256:
        return None
    return document


def ready_record_document(edition: Edition) -> RecordDocument | None:
    """The signed berita acara uji konsekuensi of a published edition (a DIK whose tim wrote
    one) when it can be downloaded (no query: it was select_related)."""
    try:
        document = edition.record_document
    except RecordDocument.DoesNotExist:
        return None
    if document.status != DocumentStatus.READY or not document.file or not document.sha256:
        return None
    return document


def published_document_by_sha256(sha256: str) -> EditionDocument | None:
    """The ready signed document of a published edition with exactly these bytes."""
    return (
        EditionDocument.objects.filter(
            published("edition__"), sha256=sha256, status=DocumentStatus.READY
        )
        .select_related("edition__body", "edition__signed_by")
        .first()
    )


def published_document_signed_with(signer_subject: str) -> bool:
    """Some published document was signed with the certificate of this subject."""
    return EditionDocument.objects.filter(
        published("edition__"), signer_subject=signer_subject, status=DocumentStatus.READY
    ).exists()


def published_edition_by_code(code: str) -> Edition | None:
    """The published edition whose document carries this verification code (the QR's)."""
    code = code.strip()
    if not code:
        return None
    return published_editions().filter(verification_code__iexact=code).first()


def public_announcements() -> QuerySet[Announcement]:
    """Every announcement, newest first: they hold only the public columns of a row."""
    return Announcement.objects.select_related("body", "audio").order_by("-announced_at", "-pk")


def body_announcements(body: Body) -> QuerySet[Announcement]:
    return public_announcements().filter(body=body)


def public_announcement(pk: int) -> Announcement | None:
    """One announcement of a public body (its large-print page, its spoken version)."""
    return public_announcements().filter(pk=pk, body__in=public_bodies()).first()


def ready_audio(announcement: Announcement) -> AnnouncementAudio | None:
    """The announcement's spoken version when it is ready to be played."""
    audio = announcement.audio if _has_audio(announcement) else None
    return audio if audio is not None and audio.status == DocumentStatus.READY else None


def _has_audio(announcement: Announcement) -> bool:
    try:
        announcement.audio  # noqa: B018 - loaded by select_related, or one query
    except AnnouncementAudio.DoesNotExist:
        return False
    return True


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
