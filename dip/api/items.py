"""The register's items through the API (officers): list, create, change and delete an item,
upload its attachments, and propose a change of its classification or record the event that
ends its exemption."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dip import services
from dip.api.classification import (
    ClassificationChangeRequest,
    ClassificationChangeSerializer,
    ExemptionEventRequest,
)
from dip.models import ITEM_FIELDS, Attachment, AttachmentKind, Classification, Item
from dip.selectors import ItemPages, items_for_user
from dip.services import classification as classification_services
from dip.services import exemptions
from ppid.api import BodyFilter
from ppid.lists import ChoiceFilter, PlainListSerializer
from ppid.models import Body, Unit
from ppid.parsers import MultiPartParser
from ppid.selectors import bodies_for_user


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
