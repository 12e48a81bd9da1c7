"""Serializers of serta merta requests (announced at once, Pasal 10): the request with its
clock and announcement, and what asking for one takes."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dip.models import DocumentStatus
from workflow.models import NOTE_MAX_LENGTH, SertaMertaRequest, SertaMertaState


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
    standard_seconds = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The time standard itself, in seconds (amount times unit: menit 60, jam 3600, "
        "a day one office day of the body's calendar), not the span to the deadline.",
    )
    due_at = serializers.DateTimeField(
        read_only=True,
        help_text="The deadline of the decision, counted in office time from when it was asked.",
    )
    overdue = serializers.SerializerMethodField()
    on_time = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Whether the PPID decided by the deadline (decided_at <= due_at); null while "
        "waiting.",
    )
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
            "standard_seconds",
            "due_at",
            "overdue",
            "on_time",
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
