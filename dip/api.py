"""JSON API for the register (officers) and the published DIP/DIK (public, no token)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dip import services
from dip.models import (
    CONSEQUENCE_MAX_LENGTH,
    EXEMPTION_FIELDS,
    ITEM_FIELDS,
    Attachment,
    AttachmentKind,
    Classification,
    ClassificationChange,
    EditionKind,
    ExemptionGround,
    ImportJob,
    ImportStatus,
    Item,
)
from dip.permissions import can_change_items
from dip.selectors import (
    ItemPages,
    aggregator_bodies,
    aggregator_rows,
    classification_changes_for_user,
    current_published_edition,
    import_jobs_for_user,
    import_jobs_to_keep,
    import_progress,
    items_for_user,
    rows_after,
)
from dip.serializers import (
    AggregatorPageSerializer,
    AggregatorRowSerializer,
    PublicBodySerializer,
    PublicDikRowSerializer,
    PublicDipRowSerializer,
    PublicEditionSerializer,
    edition_public_data,
)
from dip.services import classification as classification_services
from dip.services import exemptions, imports
from ppid.api import BodyFilter
from ppid.lists import ChoiceFilter, PlainListSerializer
from ppid.models import Body, Unit
from ppid.parsers import MultiPartParser
from ppid.selectors import bodies_for_user, public_bodies


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "kind", "uploaded_at"]
        list_serializer_class = PlainListSerializer


class CallerBodyField(serializers.SlugRelatedField):
    """A body where the caller holds a role (or that it oversees), by slug. The caller's bodies
    are asked for only when a value is written, never while a list is read."""

    def get_queryset(self):
        request = self.context.get("request")
        return Body.objects.none() if request is None else bodies_for_user(request.user)


class CallerUnitField(serializers.PrimaryKeyRelatedField):
    """A unit of one of the caller's bodies (asked for only when a value is written)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Unit.objects.none()
        return Unit.objects.filter(body__in=bodies_for_user(request.user))


# Where a page of items carries each item's attachments, as a plain list (ItemViewSet).
LISTED_ATTACHMENTS = "listed_attachments"


class ItemAttachments(PlainListSerializer):
    """An item's attachments: the list prefetched for a page of items when there is one (no
    related manager and no queryset for each item), else the item's own."""

    def get_attribute(self, instance: Item):
        listed = getattr(instance, LISTED_ATTACHMENTS, None)
        return instance.attachments.all() if listed is None else listed


class ItemSerializer(serializers.ModelSerializer):
    body = CallerBodyField(slug_field="slug", queryset=Body.objects.none())
    unit = CallerUnitField(queryset=Unit.objects.none(), required=False, allow_null=True)
    attachments = ItemAttachments(child=AttachmentSerializer(), read_only=True)
    missing_fields = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "body",
            *ITEM_FIELDS,
            "attachments",
            "missing_fields",
            "created_at",
            "updated_at",
        ]
        list_serializer_class = PlainListSerializer

    def get_missing_fields(self, item: Item) -> list[str]:
        return item.missing_fields()

    def validate_body(self, body: Body) -> Body:
        if self.instance is not None and body != self.instance.body:
            raise serializers.ValidationError(_("An item cannot be moved to another public body."))
        return body


class ClassificationChangeSerializer(serializers.ModelSerializer):
    """A change into or out of dikecualikan: it waits in the body's DIK for the tim, and is
    applied when the atasan signs that DIK (issue 12 rule 1)."""

    class Meta:
        model = ClassificationChange
        fields = [
            "id",
            "item",
            "edition",
            "origin",
            "state",
            "from_classification",
            "to_classification",
            "update_period_months",
            "reason",
            *EXEMPTION_FIELDS,
            "proposed_at",
            "decided_at",
            "decision_note",
            "applied_at",
        ]
        read_only_fields = fields


class ClassificationChangeRequest(serializers.Serializer):
    """Propose a classification change. Opening (out of dikecualikan): the public class, and
    for berkala its period. Closing (into dikecualikan): the whole consequence test."""

    to_classification = serializers.ChoiceField(choices=Classification.choices)
    reason = serializers.CharField(max_length=CONSEQUENCE_MAX_LENGTH, allow_blank=True)
    update_period_months = serializers.IntegerField(
        min_value=1, max_value=6, required=False, allow_null=True
    )
    exemption_ground = serializers.ChoiceField(
        choices=ExemptionGround.choices, required=False, allow_blank=True, default=""
    )
    exemption_law = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    consequence_if_opened = serializers.CharField(
        max_length=CONSEQUENCE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    consequence_if_closed = serializers.CharField(
        max_length=CONSEQUENCE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    public_interest = serializers.CharField(
        max_length=CONSEQUENCE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    exemption_until = serializers.DateField(required=False, allow_null=True, default=None)
    exemption_event = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    exemption_permanent = serializers.BooleanField(required=False, default=False)


class ExemptionEventRequest(serializers.Serializer):
    """The event an exemption ran until has happened (the PPID of the body): the day, what
    happened, and the public class the item is re-opened as (setiap saat unless chosen)."""

    happened_on = serializers.DateField(help_text="The day the event happened (not in the future).")
    note = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text="What happened, e.g. the ruling and its number (required, not blank).",
    )
    to_classification = serializers.ChoiceField(
        choices=[(c, c.label) for c in exemptions.PUBLIC_CLASSIFICATIONS],
        default=Classification.SETIAP_SAAT,
    )
    update_period_months = serializers.IntegerField(
        min_value=1, max_value=6, required=False, allow_null=True, default=None
    )


class ChangeDecisionRequest(serializers.Serializer):
    """The tim pertimbangan's decision on a classification change (a refusal needs a note)."""

    decision = serializers.ChoiceField(choices=[("agree", "agree"), ("refuse", "refuse")])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ItemFilter(BodyFilter):
    classification = ChoiceFilter(choices=Classification.choices, required=False)

    def filter(self, queryset):
        queryset = super().filter(queryset)
        if classification := self.validated_data.get("classification"):
            queryset = queryset.filter(classification=classification)
        return queryset


@extend_schema_view(
    list=extend_schema(
        parameters=[ItemFilter],
        description="The items of the bodies where the caller holds a role (or that it "
        "oversees), ordered by the body's name, then title, then id.",
    )
)
class ItemViewSet(viewsets.ModelViewSet):
    serializer_class = ItemSerializer
    list_filter = ItemFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return items_for_user(self.request.user).prefetch_related("attachments")

    def paginate_queryset(self, queryset):
        # By body name, title and id, a page read without sorting every item (ItemPages),
        # each row with only the columns ItemSerializer shows (no unit row: it shows the id).
        shown = Attachment.objects.only(*AttachmentSerializer.Meta.fields, "item_id")
        rows = (
            Item.objects.select_related("body")
            .only("id", "body__slug", "body__name", *ITEM_FIELDS, "created_at", "updated_at")
            .prefetch_related(Prefetch("attachments", queryset=shown, to_attr=LISTED_ATTACHMENTS))
        )
        pages = ItemPages(queryset, bodies_for_user(self.request.user), fetch=rows)
        return super().paginate_queryset(pages)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        body = data.pop("body")
        serializer.instance = services.item_create(body=body, user=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("body", None)
        serializer.instance = services.item_update(
            item=serializer.instance, user=self.request.user, **data
        )

    def perform_destroy(self, instance):
        services.item_delete(item=instance, user=self.request.user)

    @extend_schema(
        summary="Propose a change into or out of dikecualikan (decided by the tim in the DIK)",
        request=ClassificationChangeRequest,
        responses={201: ClassificationChangeSerializer},
    )
    @action(detail=True, methods=["post"], url_path="classification-change", pagination_class=None)
    def classification_change(self, request, pk=None):
        item = self.get_object()
        data = ClassificationChangeRequest(data=request.data)
        data.is_valid(raise_exception=True)
        change = classification_services.classification_change_propose(
            item=item, user=request.user, **data.validated_data
        )
        return Response(ClassificationChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record that the event ending an exemption happened (the body's PPID)",
        description=(
            'The exemption "until an event" ends that day: the row leaves the public DIK at '
            "once and a re-opening change waits in the body's DIK for the tim pertimbangan; it "
            "takes effect (announced, into the next DIP) when the atasan signs that DIK. "
            "An item without such an exemption is a 400; one whose event is recorded already, 409."
        ),
        request=ExemptionEventRequest,
        responses={200: ClassificationChangeSerializer},
    )
    @action(detail=True, methods=["post"], url_path="event-happened", pagination_class=None)
    def event_happened(self, request, pk=None):
        item = self.get_object()
        data = ExemptionEventRequest(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = exemptions.item_exemption_event_close(
            item=item,
            user=request.user,
            happened_on=values["happened_on"],
            note=values["note"],
            to_classification=values["to_classification"],
            update_period_months=values["update_period_months"],
        )
        change = classification_services.open_change(item)
        return Response(ClassificationChangeSerializer(change).data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "AttachmentUpload",
                {
                    "file": serializers.ListField(child=serializers.FileField()),
                    "kind": serializers.ChoiceField(choices=AttachmentKind.choices, required=False),
                },
            )
        },
        responses={201: AttachmentSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], pagination_class=None)
    def attachments(self, request, pk=None):
        item = self.get_object()
        created = services.attachments_create(
            item=item,
            user=request.user,
            uploads=request.FILES.getlist("file"),
            kind=request.data.get("kind") or AttachmentKind.SOFTCOPY,
        )
        return Response(
            AttachmentSerializer(created, many=True).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(list=extend_schema(parameters=[BodyFilter]))
class ClassificationChangeViewSet(viewsets.ReadOnlyModelViewSet):
    """Classification changes into or out of dikecualikan of the bodies the caller works in or
    oversees; the tim pertimbangan decides them while it considers the DIK they ride on."""

    serializer_class = ClassificationChangeSerializer
    list_filter = BodyFilter

    def get_queryset(self):
        return classification_changes_for_user(self.request.user).order_by("-proposed_at", "-pk")

    @extend_schema(
        summary="The tim pertimbangan agrees or refuses a classification change",
        description=(
            "Only the tim, while the DIK the change rides on is at its consideration stage "
            "(403 otherwise; 400 when it is not there yet). An agreed change may be refused "
            "while the tim still considers the DIK; a refused, applied or withdrawn one is a "
            "409. A refusal needs a note."
        ),
        request=ChangeDecisionRequest,
        responses={200: ClassificationChangeSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        change = self.get_object()
        data = ChangeDecisionRequest(data=request.data)
        data.is_valid(raise_exception=True)
        change = classification_services.classification_change_decide(
            change=change,
            user=request.user,
            agree=data.validated_data["decision"] == "agree",
            note=data.validated_data["note"],
        )
        return Response(ClassificationChangeSerializer(change).data)


# --- public, no token ----------------------------------------------------------------------


@extend_schema(summary="All public bodies (no token needed)")
class PublicBodyList(ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = PublicBodySerializer
    queryset = public_bodies().select_related("parent")


class PublicEditionView(APIView):
    """The current published DIP or DIK of a body, with its rows as signed (one class per
    kind, so that the schema names each kind's row columns)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    kind: str = EditionKind.DIP

    def get(self, request, slug: str):
        body = get_object_or_404(public_bodies(), slug=slug)
        edition = current_published_edition(body, self.kind)
        if edition is None:
            return Response(
                {"detail": _("No edition has been published yet.")},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(edition_public_data(edition))


def _public_edition_schema(kind: str, rows: type[serializers.Serializer]):
    label = kind.upper()
    return extend_schema(
        summary=f"The body's current published {label} (no token needed)",
        responses=inline_serializer(
            f"Public{label}",
            {"edition": PublicEditionSerializer(), "rows": rows(many=True)},
        ),
    )


@extend_schema_view(get=_public_edition_schema(EditionKind.DIP, PublicDipRowSerializer))
class PublicDipView(PublicEditionView):
    kind = EditionKind.DIP


@extend_schema_view(get=_public_edition_schema(EditionKind.DIK, PublicDikRowSerializer))
class PublicDikView(PublicEditionView):
    kind = EditionKind.DIK


# --- spreadsheet import --------------------------------------------------------------------


class ImportSkippedSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in its sheet.")
    sheet = serializers.CharField(help_text="The sheet's name (a CSV file: its name).")
    errors = serializers.ListField(child=serializers.CharField())


class ImportRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's position in the import (from 0).")
    row = serializers.IntegerField()
    sheet = serializers.CharField()
    title = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField())
    duplicate_of = serializers.IntegerField(
        allow_null=True, help_text="The existing item with the same title and unit."
    )


class ImportJobSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    committed = serializers.SerializerMethodField()
    done = serializers.SerializerMethodField(help_text="Rows written so far.")
    skipped = ImportSkippedSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField(
        help_text="Rows of the preview that will be skipped, with their problems."
    )
    duplicates = serializers.SerializerMethodField(
        help_text="Valid rows that repeat an existing item (title and unit): updated only "
        "when chosen at the commit."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "body",
            "file_name",
            "status",
            "committed",
            "total",
            "done",
            "created",
            "updated",
            "skipped",
            "problems",
            "duplicates",
            "mapping",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_committed(self, job: ImportJob) -> bool:
        return job.committed_at is not None

    def get_done(self, job: ImportJob) -> int:
        return import_progress(job)

    @extend_schema_field(ImportRowSerializer(many=True))
    def get_problems(self, job: ImportJob) -> list[dict]:
        return [_import_row(r) for r in job.rows if r["errors"]]

    @extend_schema_field(ImportRowSerializer(many=True))
    def get_duplicates(self, job: ImportJob) -> list[dict]:
        return [_import_row(r) for r in job.rows if r.get("duplicate_of") and not r["errors"]]


def _import_row(row: dict) -> dict:
    return {k: row.get(k) for k in ("index", "row", "sheet", "title", "errors", "duplicate_of")}


class ImportAccepted(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportStatus.choices)


class ImportCommitRequest(serializers.Serializer):
    update_all = serializers.BooleanField(
        required=False, default=False, help_text="Update every repeated item with its row."
    )
    update_rows = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        default=list,
        max_length=20_000,
        help_text="The `index` of each repeated row whose item is to be updated.",
    )


@extend_schema_view(list=extend_schema(parameters=[BodyFilter]))
class ImportViewSet(viewsets.ReadOnlyModelViewSet):
    """Spreadsheet imports into a body's register: upload (read and previewed at once), then
    commit (written by a task in one transaction)."""

    serializer_class = ImportJobSerializer
    list_filter = BodyFilter

    def get_queryset(self):
        if self.action == "list":  # only the bodies whose register the caller keeps
            jobs = import_jobs_to_keep(self.request.user)
        else:  # another body's job is 404; a role that may not keep the register 403
            jobs = import_jobs_for_user(self.request.user)
        return jobs.order_by("-created_at", "-pk")

    def get_object(self):
        job = super().get_object()
        if not can_change_items(self.request.user, job.body):
            raise PermissionDenied(_("Your role in this public body does not allow this action."))
        return job

    @extend_schema(
        summary="Upload a spreadsheet (.xlsx or .csv): read, mapped and previewed at once",
        request={
            "multipart/form-data": inline_serializer(
                "ImportUpload",
                {
                    "file": serializers.FileField(help_text="An .xlsx workbook or a .csv file."),
                    "body": serializers.SlugField(help_text="The public body's slug."),
                },
            )
        },
        responses={202: ImportAccepted},
    )
    def create(self, request):
        upload = request.FILES.get("file")
        slug = request.data.get("body") or ""
        errors = {}
        body = bodies_for_user(request.user).filter(slug=slug).first() if slug else None
        if body is None:
            errors["body"] = [_("There is no public body “%(slug)s” among yours.") % {"slug": slug}]
        if upload is None:
            errors["file"] = [_("Choose a spreadsheet file.")]
        if errors:
            raise serializers.ValidationError(errors)
        job = imports.import_job_create(body=body, user=request.user, upload=upload)
        return Response({"id": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Import the valid rows of a previewed upload (a task; follow it on GET)",
        request=ImportCommitRequest,
        responses={202: ImportAccepted},
    )
    @action(detail=True, methods=["post"], pagination_class=None)
    def commit(self, request, pk=None):
        job = self.get_object()
        data = ImportCommitRequest(data=request.data)
        data.is_valid(raise_exception=True)
        job = imports.import_job_commit(job=job, user=request.user, **data.validated_data)
        job.refresh_from_db(fields=["status"])
        return Response({"id": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)


# --- the aggregator's pull (a PPID Utama's token) ---------------------------------------------


def cursor_encode(modified: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{modified.isoformat()}|{pk}".encode()).decode().rstrip("=")


def cursor_decode(value: str) -> tuple[datetime, int]:
    """(modified, id) of a cursor; ValueError for anything this API did not write."""
    padded = value + "=" * (-len(value) % 4)
    try:
        stamp, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        modified = datetime.fromisoformat(stamp)
        if modified.tzinfo is None or int(pk) < 1:
            raise ValueError(value)
        return modified, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise ValueError(value) from error


class AggregatorPullQuery(serializers.Serializer):
    since = serializers.DateTimeField(
        required=False,
        help_text="Only rows changed after this moment (ISO 8601 with its offset, `+` sent "
        "as `%2B`). Leave it out for every published row.",
    )
    cursor = serializers.CharField(
        required=False,
        max_length=200,
        help_text="The `cursor` of the previous answer: the rows after it.",
    )
    body = serializers.SlugField(
        required=False, help_text="Only this body (one the caller oversees)."
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)

    def validate_cursor(self, value: str) -> tuple[datetime, int]:
        try:
            return cursor_decode(value)
        except ValueError:
            raise serializers.ValidationError(_("This cursor was not given by this API.")) from None

    def validate_since(self, value: datetime) -> datetime:
        # DRF has already read a time without an offset in the server's zone: refuse it, so
        # that no aggregator misses rows by a few hours.
        given = parse_datetime(str(self.initial_data.get("since", "")))
        if given is None or timezone.is_naive(given):
            raise serializers.ValidationError(_("Give the time with its offset, e.g. +07:00."))
        return value


PULL_EXAMPLE = {
    "results": [
        {
            "id": 4812,
            "status": "published",
            "modified": "2026-12-01T09:00:00+07:00",
            "body": "dinsos-p3a-kapuas-hulu",
            "edition": {
                "id": 37,
                "kind": "dip",
                "year": 2026,
                "revision": 0,
                "title": "DIP Dinas Sosial P3A 2026",
                "published_at": "2026-12-01T09:00:00+07:00",
                "url": "https://ppid.example.go.id/badan-publik/dinsos-p3a-kapuas-hulu/edisi/37/",
            },
            "number": 3,
            "superseded_by": None,
            "superseded_at": None,
            "url": "https://ppid.example.go.id/badan-publik/dinsos-p3a-kapuas-hulu/edisi/37/"
            "informasi/3/",
            "needs_update_since": None,
            "content": {
                "number": 3,
                "classification": "berkala",
                "title": "Laporan Keuangan Tahun 2025",
                "summary": "Laporan realisasi anggaran dan neraca.",
                "unit_name": "Sekretariat",
                "holding_unit": "Sub Bagian Keuangan",
                "responsible": "Sekretaris Dinas",
                "produced_at": "2026-02-10",
                "produced_place": "Putussibau",
                "form": "both",
                "retention": "10 tahun",
                "update_period_months": 6,
            },
            "attachments": [
                {
                    "name": "lra-2025.pdf",
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "size": 182044,
                    "url": "https://ppid.example.go.id/badan-publik/dinsos-p3a-kapuas-hulu/edisi/"
                    "37/informasi/3/lampiran/911/",
                }
            ],
        },
        {
            "id": 3990,
            "status": "withdrawn",
            "modified": "2026-12-03T10:15:00+07:00",
            "body": "disdukcapil-kubu-raya",
            "edition": {
                "id": 21,
                "kind": "dik",
                "year": 2026,
                "revision": 0,
                "title": "DIK Disdukcapil Kubu Raya 2026",
                "published_at": "2026-03-02T08:00:00+07:00",
                "url": "https://ppid.example.go.id/badan-publik/disdukcapil-kubu-raya/edisi/21/",
            },
            "number": 2,
            "superseded_by": None,
            "superseded_at": None,
            "url": None,
            "needs_update_since": None,
            "content": None,
            "attachments": [],
        },
    ],
    "next": "https://ppid.example.go.id/api/aggregator/rows/?cursor=MjAyNi0xMi0wM1QwMzoxNTowMCswMDowMHwzOTkw",
    "cursor": "MjAyNi0xMi0wM1QwMzoxNTowMCswMDowMHwzOTkw",
}


class AggregatorRowsView(APIView):
    """The provincial aggregator's pull (besides the push): the published rows of every body
    the caller oversees as PPID Utama, oldest change first, in cursor pages."""

    @extend_schema(
        summary="Pull the published rows of the bodies a PPID Utama oversees (all, or those "
        "changed since a time)",
        description=(
            "Token of a PPID Utama. Rows come ordered by (`modified`, `id`); follow `next` "
            "until it is null, and keep the last `cursor` to ask later for only what changed "
            "since (or pass `since`). A row is `published`, `superseded` (a newer edition of "
            "its body and kind was published; it stays in the public archive) or `withdrawn` "
            "(no longer public: drop its content). Files carry their public URL and the "
            "SHA-256 they were signed with."
        ),
        parameters=[AggregatorPullQuery],
        responses={200: AggregatorPageSerializer},
        examples=[
            OpenApiExample(
                "A page with a published row and a withdrawn one",
                value=PULL_EXAMPLE,
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request):
        query = AggregatorPullQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        bodies = aggregator_bodies(request.user)
        if not bodies.exists():
            raise PermissionDenied(
                _("Only a PPID Utama pulls the rows of the public bodies it oversees.")
            )
        body = None
        if slug := data.get("body"):
            body = bodies.filter(slug=slug).first()
            if body is None:
                raise serializers.ValidationError({"body": [_("Not a public body you oversee.")]})
        rows = aggregator_rows(request.user, since=data.get("since"), body=body)
        if cursor := data.get("cursor"):
            rows = rows_after(rows, modified=cursor[0], pk=cursor[1])
        size = data["page_size"]
        page = list(rows[: size + 1])
        more, page = len(page) > size, page[:size]
        if page:
            bookmark = cursor_encode(page[-1].modified, page[-1].pk)
        else:
            bookmark = request.query_params.get("cursor") if cursor else None
        next_url = None
        if more:
            params = request.query_params.copy()
            params["cursor"] = bookmark
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(
            {
                "results": AggregatorRowSerializer(page, many=True).data,
                "next": next_url,
                "cursor": bookmark,
            }
        )
