"""Serializers of an edition's review records: the nota dinas, the berita acara uji konsekuensi
with its members, the reviewers' comments and the tim's considerations."""

from __future__ import annotations

from rest_framework import serializers

from dip.models import ConsiderationRecord
from workflow.models import Consideration, NotaDinas, ReviewComment


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


class RecordMemberSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="The member's user id.")
    name = serializers.CharField()
    position = serializers.CharField(help_text="The position (jabatan) as it was then.")


class ConsiderationRecordSerializer(serializers.ModelSerializer):
    """The berita acara uji konsekuensi: write it with `member_ids` (users holding the tim
    role on the body); read it with `members` (names and positions copied when written)."""

    members = RecordMemberSerializer(many=True, read_only=True)
    member_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        write_only=True,
        max_length=100,
        help_text="The users of the body's tim who were present.",
    )
    written_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ConsiderationRecord
        fields = [
            "place",
            "held_on",
            "opening",
            "members",
            "member_ids",
            "written_by",
            "updated_at",
        ]
        read_only_fields = ["written_by", "updated_at"]


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
