"""Serializers of objections (keberatan): what the requester files and gets back, an objection
as its body's officers see it, and the atasan PPID's answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from dip.models import DocumentStatus
from workflow.models import (
    NOTE_MAX_LENGTH,
    OBJECTION_REASON_MAX_LENGTH,
    Objection,
    ObjectionGround,
    ObjectionStatus,
)


class ObjectionFileSerializer(serializers.Serializer):
    """What the requester sends: a ground of Pasal 35(1) and the reasons."""

    ground = serializers.ChoiceField(
        choices=ObjectionGround.choices,
        help_text="Pasal 35(1) UU 14/2008: a refusal under Pasal 17; b berkala information not "
        "provided; c request not answered; d answered other than asked; e not fulfilled; "
        "f unreasonable fee; g answered later than the law allows.",
    )
    reason = serializers.CharField(max_length=OBJECTION_REASON_MAX_LENGTH)


class ObjectionFiledSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The objection's id.")
    number = serializers.CharField(help_text="Its number in the body's objection register.")
    due_at = serializers.DateTimeField(
        help_text="The atasan PPID's written answer is due by then (30 working days)."
    )


class ObjectionSerializer(serializers.ModelSerializer):
    """An objection as the officers of its body see it (the requester's personal data stays on
    the request)."""

    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    request = serializers.PrimaryKeyRelatedField(read_only=True)
    request_number = serializers.CharField(source="request.register_number", read_only=True)
    number = serializers.CharField(source="register_number", read_only=True)
    status = serializers.ChoiceField(choices=ObjectionStatus.choices, read_only=True)
    ground = serializers.ChoiceField(choices=ObjectionGround.choices, read_only=True)
    answered_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    overdue = serializers.SerializerMethodField()
    answer_url = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            "id",
            "body",
            "number",
            "request",
            "request_number",
            "ground",
            "reason",
            "status",
            "filed_at",
            "due_at",
            "overdue",
            "answered_by",
            "answered_at",
            "answer_note",
            "dispute_due_at",
            "answer_url",
        ]

    def get_overdue(self, objection: Objection) -> bool:
        """Open past its deadline, or answered after it."""
        if objection.answered_at is not None:
            return objection.answered_at > objection.due_at
        return timezone.now() > objection.due_at

    def get_answer_url(self, objection: Objection) -> str | None:
        """The signed answer (PDF) once it is ready."""
        document = getattr(objection, "answer_document", None)
        if document is None or document.status != DocumentStatus.READY:
            return None
        return reverse("workflow:objection_answer_pdf", args=[objection.pk])


class ObjectionAnswerSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[(ObjectionStatus.UPHELD, "upheld"), (ObjectionStatus.REJECTED, "rejected")]
    )
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH)
