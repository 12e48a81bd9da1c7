"""JSON API for the register (officers) and the published DIP/DIK (public, no token)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
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
    Item,
)
from dip.selectors import (
    aggregator_bodies,
    aggregator_rows,
    current_published_edition,
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
from ppid.api import BodyFilter
from ppid.lists import ChoiceFilter
from ppid.models import Body, Unit
from ppid.selectors import bodies_for_user, public_bodies


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "kind", "uploaded_at"]


class ItemSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", queryset=Body.objects.none())
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.none(), required=False, allow_null=True
    )
    attachments = AttachmentSerializer(many=True, read_only=True)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            bodies = bodies_for_user(request.user)
            self.fields["body"].queryset = bodies
            self.fields["unit"].queryset = Unit.objects.filter(body__in=bodies)

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


class ItemFilter(BodyFilter):
    classification = ChoiceFilter(choices=Classification.choices, required=False)

    def filter(self, queryset):
        queryset = super().filter(queryset)
        if classification := self.validated_data.get("classification"):
            queryset = queryset.filter(classification=classification)
        return queryset


@extend_schema_view(list=extend_schema(parameters=[ItemFilter]))
class ItemViewSet(viewsets.ModelViewSet):
    serializer_class = ItemSerializer
    list_filter = ItemFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            items_for_user(self.request.user)
            .prefetch_related("attachments")
            .order_by("body__name", "title", "pk")
        )

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
