"""Serializers of requests for information: what the public files and reads by its tracking
code (never personal data), the officers' register, and the extension and the written notice."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dip.models import DocumentStatus
from dip.serializers import public_url
from ppid.models import Body
from workflow.models import (
    NOTE_MAX_LENGTH,
    REQUEST_DECISION_CHOICES,
    REQUEST_EXTENSION_MAX_WORKING_DAYS,
    REQUESTER_FIELDS,
    InformationRequest,
    RequestNoticeDocument,
    RequestStatus,
)
from workflow.selectors.requests import objection_due_at


def _notice_url(request: InformationRequest, *, public: bool) -> str | None:
    """The signed written notice, once it is ready: the requester's link (by tracking code) or
    the officers' one."""
    try:
        document = request.notice_document
    except RequestNoticeDocument.DoesNotExist:
        return None
    if document.status != DocumentStatus.READY or not document.file:
        return None
    if public:
        return public_url(reverse("workflow:request_notice_download", args=[request.tracking_code]))
    return public_url(reverse("workflow:request_notice_pdf", args=[request.pk]))


class PublicRequestCreateSerializer(serializers.ModelSerializer):
    """A request for information, as the public form takes it. `body` is the slug of the public
    body asked."""

    body = serializers.SlugRelatedField(slug_field="slug", queryset=Body.objects.all())

    class Meta:
        model = InformationRequest
        fields = ["body", *REQUESTER_FIELDS]


class PublicRequestReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformationRequest
        fields = ["tracking_code", "received_at", "due_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    """The written notice's content (no personal data)."""

    decision = serializers.ChoiceField(choices=REQUEST_DECISION_CHOICES)
    decided_at = serializers.DateTimeField()
    note = serializers.CharField()
    ground = serializers.CharField(help_text="Pasal 17 letter of a refusal, or empty.")
    law = serializers.CharField(help_text="The other law cited by a refusal, or empty.")
    consequence_test = serializers.CharField(help_text="The DIK row's test, for a refusal.")
    holder = serializers.CharField(help_text="Who holds the information, when not held here.")
    fee = serializers.DecimalField(max_digits=12, decimal_places=0, allow_null=True)


def decision_data(request: InformationRequest) -> dict | None:
    if request.decided_at is None:
        return None
    return {
        "decision": request.status,
        "decided_at": request.decided_at,
        "note": request.decision_note,
        "ground": request.refusal_ground,
        "law": request.refusal_law,
        "consequence_test": request.refusal_consequence,
        "holder": request.holder,
        "fee": request.fee,
    }


class ObjectionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ground = serializers.CharField()
    status = serializers.CharField()
    filed_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class PublicRequestStatusSerializer(serializers.ModelSerializer):
    """What the requester reads by the tracking code: the status and the clock, the notice,
    the objection deadline; never personal data."""

    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.ChoiceField(choices=RequestStatus.choices, read_only=True)
    due_at = serializers.DateTimeField(
        source="deadline", read_only=True, help_text="The deadline that applies now."
    )
    due_explanation = serializers.CharField(source="deadline_explanation", read_only=True)
    extended = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    notice_url = serializers.SerializerMethodField()
    objection_due_at = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()

    class Meta:
        model = InformationRequest
        fields = [
            "register_number",
            "status",
            "body",
            "received_at",
            "due_at",
            "due_explanation",
            "extended",
            "extension_reason",
            "decision",
            "notice_url",
            "objection_due_at",
            "objections",
        ]
        read_only_fields = fields

    def get_extended(self, request: InformationRequest) -> bool:
        return request.extended_at is not None

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, request: InformationRequest) -> dict | None:
        return decision_data(request)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_notice_url(self, request: InformationRequest) -> str | None:
        return _notice_url(request, public=True)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_objection_due_at(self, request: InformationRequest):
        return objection_due_at(request)

    @extend_schema_field(ObjectionBriefSerializer(many=True))
    def get_objections(self, request: InformationRequest) -> list[dict]:
        return [
            {
                "id": o.pk,
                "ground": o.ground,
                "status": o.status,
                "filed_at": o.filed_at,
                "due_at": o.due_at,
                "answered_at": o.answered_at,
            }
            for o in request.objections.all()
        ]


class InformationRequestListSerializer(serializers.ModelSerializer):
    """A row of the register (identity number masked, as in every list)."""

    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.ChoiceField(choices=RequestStatus.choices, read_only=True)
    identity_number = serializers.CharField(source="masked_identity_number", read_only=True)
    deadline = serializers.DateTimeField(read_only=True)
    overdue = serializers.SerializerMethodField()
    notice_url = serializers.SerializerMethodField()

    class Meta:
        model = InformationRequest
        fields = [
            "id",
            "body",
            "register_number",
            "number",
            "year",
            "channel",
            "received_at",
            *REQUESTER_FIELDS,
            "status",
            "due_at",
            "extended_at",
            "extension_reason",
            "extension_days",
            "extended_due_at",
            "deadline",
            "overdue",
            "decided_at",
            "delivered_at",
            "notice_url",
        ]
        read_only_fields = fields

    def get_overdue(self, request: InformationRequest) -> bool:
        """Open past its deadline, or answered after it."""
        if request.is_open:
            return timezone.now() > request.deadline
        return request.decided_at is not None and request.decided_at > request.deadline

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_notice_url(self, request: InformationRequest) -> str | None:
        return _notice_url(request, public=False)


class InformationRequestSerializer(InformationRequestListSerializer):
    """One request, for its body's officers: the identity number in full, the decision."""

    identity_number = serializers.CharField(read_only=True)
    handed_to = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    decision = serializers.SerializerMethodField()
    tracking_code = serializers.CharField(read_only=True)

    class Meta(InformationRequestListSerializer.Meta):
        fields = [
            *InformationRequestListSerializer.Meta.fields,
            "tracking_code",
            "handed_to",
            "handed_over_at",
            "decision",
        ]
        read_only_fields = fields

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, request: InformationRequest) -> dict | None:
        return decision_data(request)


class RequestExtendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX_LENGTH)
    days = serializers.IntegerField(
        min_value=1,
        max_value=REQUEST_EXTENSION_MAX_WORKING_DAYS,
        default=REQUEST_EXTENSION_MAX_WORKING_DAYS,
        help_text="Working days added to the deadline (at most 7).",
    )


class RequestDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=REQUEST_DECISION_CHOICES)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )
    dik_item = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text="For a refusal: the id of a dikecualikan item of the request's body.",
    )
    holder = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    fee = serializers.DecimalField(
        required=False, allow_null=True, default=None, max_digits=12, decimal_places=0, min_value=0
    )
