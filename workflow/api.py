"""JSON API for editions and their approval chain."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dip import services as dip_services
from dip.models import (
    REVIEW_STAGES,
    DocumentStatus,
    Edition,
    EditionDocument,
    EditionItem,
    EditionKind,
    EditionRow,
    Stage,
)
from dip.selectors import edition_document, items_for_user
from ppid.models import Body
from ppid.selectors import bodies_for_user
from workflow import services, tasks
from workflow.models import AuditEntry, Consideration, NotaDinas, ReviewComment
from workflow.selectors import edition_history, editions_with_clock, open_step
from workflow.services.review import require_current_actor


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "transition",
            "from_state",
            "to_state",
            "actor",
            "at",
            "note",
            "duration_seconds",
            "standard_seconds",
        ]


class EditionEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.id")
    position = serializers.IntegerField()
    title = serializers.CharField(source="item.title")
    classification = serializers.CharField(source="item.classification")
    missing_fields = serializers.ListField(
        child=serializers.CharField(), source="item.missing_fields"
    )


class SignedRowSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="item_id", allow_null=True)

    class Meta:
        model = EditionRow
        exclude = ["edition", "item"]


class EditionSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    actor_role = serializers.CharField(read_only=True, allow_null=True)
    due_at = serializers.SerializerMethodField()
    due_explanation = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = [
            "id",
            "body",
            "kind",
            "year",
            "revision",
            "title",
            "state",
            "actor_role",
            "due_at",
            "due_explanation",
            "transitions",
            "items",
            "history",
            "signed_at",
            "published_at",
            "created_at",
        ]

    def get_due_at(self, edition: Edition) -> str | None:
        step = open_step(edition)
        return (
            serializers.DateTimeField().to_representation(step.due_at)
            if step and step.due_at
            else None
        )

    def get_due_explanation(self, edition: Edition) -> str | None:
        """How the deadline was counted: "Selasa 2026-06-02 07:40; dilewati: Sabtu, …"."""
        step = open_step(edition)
        return step.due_explanation if step and step.due_at else None

    def get_transitions(self, edition: Edition) -> list[str]:
        user = self.context["request"].user
        return [t.custom["name"] for t in edition.get_available_user_state_transitions(user)]

    def get_items(self, edition: Edition) -> list[dict]:
        if edition.is_signed:
            return SignedRowSerializer(edition.rows.all(), many=True).data
        entries = EditionItem.objects.filter(edition=edition).select_related("item")
        return EditionEntrySerializer(entries, many=True).data

    def get_history(self, edition: Edition) -> list[dict]:
        return HistorySerializer(edition_history(edition), many=True).data


class EditionListSerializer(EditionSerializer):
    """The edition without its rows and history, for lists."""

    class Meta(EditionSerializer.Meta):
        fields = [f for f in EditionSerializer.Meta.fields if f not in ("items", "history")]


class EditionCreateSerializer(serializers.Serializer):
    body = serializers.SlugRelatedField(slug_field="slug", queryset=Body.objects.none())
    kind = serializers.ChoiceField(choices=EditionKind.choices)
    year = serializers.IntegerField()
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if request := self.context.get("request"):
            self.fields["body"].queryset = bodies_for_user(request.user)

    def validate_year(self, year: int) -> int:
        this_year = timezone.localdate().year
        if not 2000 <= year <= this_year + 1:
            raise serializers.ValidationError(
                _("The year must be between 2000 and %(max)d.") % {"max": this_year + 1}
            )
        return year


class ItemIdsSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class NotaDinasSerializer(serializers.ModelSerializer):
    written_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = NotaDinas
        fields = [
            "number",
            "dated",
            "addressed_to",
            "subject",
            "content",
            "written_by",
            "updated_at",
            "issued_at",
        ]
        read_only_fields = ["written_by", "updated_at", "issued_at"]


class ReviewCommentSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    item = serializers.IntegerField(source="item_id", required=False, allow_null=True)

    class Meta:
        model = ReviewComment
        fields = ["id", "item", "stage", "author", "text", "created_at"]
        read_only_fields = ["stage", "author", "created_at"]


class ConsiderationSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="item_id")
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    changes = serializers.DictField(required=False, default=dict)

    class Meta:
        model = Consideration
        fields = ["item", "decision", "note", "changes", "decided_by", "decided_at"]
        read_only_fields = ["decided_by", "decided_at"]


class EditionDocumentSerializer(serializers.ModelSerializer):
    """The signed PDF's build: pending, rendering, ready or failed (with the last error)."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EditionDocument
        fields = [
            "status",
            "sha256",
            "size",
            "pages",
            "signer_subject",
            "attempts",
            "last_error",
            "rendered_at",
            "updated_at",
            "download_url",
        ]

    def get_download_url(self, document: EditionDocument) -> str | None:
        if document.status != DocumentStatus.READY:
            return None
        url = reverse("workflow:edition_document_pdf", args=[document.edition_id])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class EditionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EditionSerializer

    def get_queryset(self):
        queryset = editions_with_clock(self.request.user).order_by("-created_at", "-pk")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("rows", queryset=EditionRow.objects.order_by("number"))
            )
        if slug := self.request.query_params.get("body"):
            queryset = queryset.filter(body__slug=slug)
        return queryset

    def get_serializer_class(self):
        return EditionListSerializer if self.action == "list" else EditionSerializer

    def _fresh(self, pk: int) -> Response:
        edition = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(EditionSerializer(edition, context=self.get_serializer_context()).data)

    @extend_schema(request=EditionCreateSerializer, responses={201: EditionSerializer})
    def create(self, request, *args, **kwargs):
        payload = EditionCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        edition = services.edition_open(user=request.user, **payload.validated_data)
        response = self._fresh(edition.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=ItemIdsSerializer, responses=EditionSerializer)
    @action(detail=True, methods=["post"], url_path="items")
    def add_items(self, request, pk=None):
        edition = self.get_object()
        payload = ItemIdsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(payload.validated_data["items"]))
        items = {i.pk: i for i in items_for_user(request.user).filter(pk__in=ids)}
        unknown = [str(i) for i in ids if i not in items]
        if unknown:
            raise serializers.ValidationError(
                {"items": [_("Items not found: %(ids)s.") % {"ids": ", ".join(unknown)}]}
            )
        dip_services.edition_add_items(
            edition=edition, items=[items[i] for i in ids], user=request.user
        )
        return self._fresh(edition.pk)

    @extend_schema(request=None, responses=EditionSerializer)
    @action(detail=True, methods=["delete"], url_path=r"items/(?P<item_id>\d+)")
    def remove_item(self, request, pk=None, item_id=None):
        edition = self.get_object()
        item = get_object_or_404(items_for_user(request.user), pk=item_id)
        if not edition.entries.filter(item=item).exists():
            raise Http404
        dip_services.edition_remove_item(edition=edition, item=item, user=request.user)
        return self._fresh(edition.pk)

    @extend_schema(
        request=NoteSerializer,
        responses={
            200: EditionSerializer,
            403: inline_serializer("Forbidden", {"detail": serializers.CharField()}),
            409: inline_serializer(
                "AlreadyProcessed",
                {
                    "detail": serializers.CharField(),
                    "code": serializers.CharField(),
                    "state": serializers.CharField(),
                },
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z]+)")
    def transition(self, request, pk=None, name=None):
        edition = self.get_object()
        if name not in services.USER_TRANSITIONS:
            raise Http404
        payload = NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.edition_transition(
            edition=edition, name=name, user=request.user, note=payload.validated_data["note"]
        )
        return self._fresh(edition.pk)

    def _document(self, edition: Edition) -> EditionDocument:
        document = edition_document(edition)
        if document is None:
            raise Http404(_("The edition is not signed; it has no document yet."))
        return document

    @extend_schema(responses=EditionDocumentSerializer)
    @action(detail=True, methods=["get"], url_path="document")
    def document(self, request, pk=None):
        """The signed PDF's status: pending, rendering, ready or failed, with its last error."""
        document = self._document(self.get_object())
        return Response(EditionDocumentSerializer(document, context={"request": request}).data)

    @extend_schema(
        request=None,
        responses={
            202: EditionDocumentSerializer,
            403: inline_serializer("DocumentRetryForbidden", {"detail": serializers.CharField()}),
            409: inline_serializer(
                "DocumentNotFailed",
                {
                    "detail": serializers.CharField(),
                    "code": serializers.CharField(),
                    "state": serializers.CharField(),
                },
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="document/retry")
    def document_retry(self, request, pk=None):
        """Build a failed document again (PPID or atasan): it goes back to pending and the
        publication task is queued."""
        edition = self.get_object()
        self._document(edition)
        document = dip_services.edition_document_retry(edition=edition, user=request.user)
        transaction.on_commit(lambda: tasks.enqueue_publication(edition.pk))
        return Response(
            EditionDocumentSerializer(document, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        edition = self.get_object()
        return Response(HistorySerializer(edition_history(edition), many=True).data)

    def _edition_item(self, edition: Edition, item_id):
        if item_id is None:
            return None
        item = items_for_user(self.request.user).filter(pk=item_id).first()
        if item is None or not edition.entries.filter(item=item).exists():
            raise serializers.ValidationError({"item": [_("This item is not in the edition.")]})
        return item

    @extend_schema(methods=["GET"], responses=NotaDinasSerializer)
    @extend_schema(methods=["PUT"], request=NotaDinasSerializer, responses=NotaDinasSerializer)
    @action(detail=True, methods=["get", "put"], url_path="nota-dinas")
    def nota_dinas(self, request, pk=None):
        edition = self.get_object()
        if request.method == "GET":
            nota = get_object_or_404(NotaDinas, edition=edition)
            return Response(NotaDinasSerializer(nota).data)
        # Stage and role first, so a caller who may not act never learns about the payload.
        require_current_actor(edition, request.user, {Stage.INSTRUCTION})
        payload = NotaDinasSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nota = services.nota_dinas_save(
            edition=edition, user=request.user, **payload.validated_data
        )
        return Response(NotaDinasSerializer(nota).data)

    @extend_schema(methods=["GET"], responses=ReviewCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ReviewCommentSerializer, responses={201: ReviewCommentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        edition = self.get_object()
        if request.method == "GET":
            comments = edition.comments.select_related("author")
            return Response(ReviewCommentSerializer(comments, many=True).data)
        # Stage and role first, so a caller who may not act never learns about the payload.
        require_current_actor(edition, request.user, REVIEW_STAGES)
        payload = ReviewCommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = services.review_comment_add(
            edition=edition,
            user=request.user,
            text=payload.validated_data["text"],
            item=self._edition_item(edition, payload.validated_data.get("item_id")),
        )
        return Response(ReviewCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ConsiderationSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ConsiderationSerializer, responses=ConsiderationSerializer
    )
    @action(detail=True, methods=["get", "post"])
    def considerations(self, request, pk=None):
        edition = self.get_object()
        if request.method == "GET":
            rows = edition.considerations.select_related("decided_by")
            return Response(ConsiderationSerializer(rows, many=True).data)
        # Stage and role first, so a caller who may not act never learns about the payload.
        require_current_actor(edition, request.user, {Stage.CONSIDERATION})
        payload = ConsiderationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        consideration = services.consideration_record(
            edition=edition,
            user=request.user,
            item=self._edition_item(edition, data["item_id"]),
            decision=data["decision"],
            note=data.get("note", ""),
            changes=data["changes"],
        )
        return Response(ConsiderationSerializer(consideration).data)
