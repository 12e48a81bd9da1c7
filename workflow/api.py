"""JSON API for editions and their approval chain."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dip import services as dip_services
from dip.models import Edition, EditionItem, EditionKind, EditionRow
from dip.selectors import items_for_user
from ppid.models import Body
from ppid.selectors import bodies_for_user
from workflow import services
from workflow.models import AuditEntry
from workflow.selectors import edition_history, editions_with_clock, open_step


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

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        edition = self.get_object()
        return Response(HistorySerializer(edition_history(edition), many=True).data)
