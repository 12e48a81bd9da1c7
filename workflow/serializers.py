"""Serializers of editions and their review records, for the JSON API (and any other channel
that speaks of an edition to officers)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dip.models import (
    DocumentStatus,
    Edition,
    EditionDocument,
    EditionItem,
    EditionKind,
    EditionRow,
)
from ppid.models import Body
from ppid.selectors import bodies_for_user
from workflow.models import (
    NOTE_MAX_LENGTH,
    AuditEntry,
    Consideration,
    NotaDinas,
    ReviewComment,
    SertaMertaRequest,
    SertaMertaState,
)
from workflow.selectors import (
    available_transitions,
    edition_history,
    open_step,
)


class HistorySerializer(serializers.ModelSerializer):
    # None for the system's steps (publication).
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

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
        return available_transitions(edition, user)

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
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )


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


# --- serta merta announced at once ------------------------------------------------------------


class SertaMertaAnnouncementSerializer(serializers.Serializer):
    """Where the public finds the announcement a request made, and its times."""

    id = serializers.IntegerField()
    requested_at = serializers.DateTimeField(allow_null=True)
    announced_at = serializers.DateTimeField()
    url = serializers.CharField(help_text="The body's announcements page, at this announcement.")
    large_print_url = serializers.CharField()
    audio_url = serializers.CharField(
        allow_null=True, help_text="The spoken version once it is made (null until then)."
    )


class SertaMertaRequestSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    item = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    state = serializers.ChoiceField(choices=SertaMertaState.choices, read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    overdue = serializers.SerializerMethodField()
    announcement = serializers.SerializerMethodField()

    class Meta:
        model = SertaMertaRequest
        fields = [
            "id",
            "body",
            "item",
            "title",
            "state",
            "note",
            "requested_by",
            "requested_at",
            "standard_amount",
            "standard_unit",
            "due_at",
            "overdue",
            "decided_by",
            "decided_at",
            "decision_note",
            "announcement",
        ]
        read_only_fields = fields

    def get_overdue(self, request: SertaMertaRequest) -> bool:
        if request.state == SertaMertaState.DIAJUKAN:
            return timezone.now() >= request.due_at
        return request.decided_at is not None and request.decided_at > request.due_at

    @extend_schema_field(SertaMertaAnnouncementSerializer(allow_null=True))
    def get_announcement(self, request: SertaMertaRequest) -> dict | None:
        announcement = request.announcement
        if announcement is None:
            return None
        audio = getattr(announcement, "audio", None)  # none yet: RelatedObjectDoesNotExist
        ready = audio is not None and audio.status == DocumentStatus.READY
        slug = request.body.slug
        return {
            "id": announcement.pk,
            "requested_at": announcement.requested_at,
            "announced_at": announcement.announced_at,
            "url": reverse("dip:body_announcements", args=[slug])
            + f"#pengumuman-{announcement.pk}",
            "large_print_url": reverse("dip:announcement_large_print", args=[announcement.pk]),
            "audio_url": reverse("dip:announcement_audio", args=[announcement.pk])
            if ready
            else None,
        }


class SertaMertaCreateSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )
