"""Serializers of an edition for its officers: the edition with its clock, transitions and
history, its rows (signed, or the items picked), and what opening one, adding items and running
a transition take."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from dip.models import DECREE_NUMBER_MAX_LENGTH, Edition, EditionKind, EditionRow
from dip.selectors import edition_rows
from ppid.calendar import body_today
from ppid.lists import ValuesListSerializer
from ppid.models import Body
from ppid.permissions import warm_roles
from ppid.selectors import bodies_for_user
from workflow.models import NOTE_MAX_LENGTH, AuditEntry
from workflow.selectors import (
    available_transitions,
    blocked_transitions,
    open_step,
)


class HistorySerializer(serializers.ModelSerializer):
    # None for the system's steps (publication).
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    standard_seconds = serializers.IntegerField(
        source="step_standard_seconds",
        read_only=True,
        allow_null=True,
        help_text="The SOP's time standard of the step this transition closed, in seconds "
        "(amount times unit: menit 60, jam 3600, a day one office day of the body's calendar); "
        "null when the step has no standard.",
    )
    due_at = serializers.DateTimeField(
        source="step_due_at",
        read_only=True,
        allow_null=True,
        help_text="The deadline of that step, counted in office time from when it started.",
    )
    on_time = serializers.SerializerMethodField(
        help_text="Whether the step finished by its deadline (finished_at <= due_at); null "
        "when it had no deadline."
    )

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
            "due_at",
            "on_time",
        ]
        list_serializer_class = ValuesListSerializer

    def get_on_time(self, entry: AuditEntry) -> bool | None:
        due, finished = entry.step_due_at, entry.step_finished_at
        if due is None or finished is None:
            return None
        return finished <= due


class EditionEntrySerializer(serializers.Serializer):
    """A row of an edition not signed yet: an item picked, with what it still misses."""

    id = serializers.IntegerField(source="item.id")
    position = serializers.IntegerField()
    title = serializers.CharField(source="item.title")
    classification = serializers.CharField(source="item.classification")
    missing_fields = serializers.ListField(
        child=serializers.CharField(), source="item.missing_fields"
    )


class SignedRowSerializer(serializers.ModelSerializer):
    """A row of a signed edition, exactly as it was signed."""

    id = serializers.IntegerField(source="item_id", allow_null=True)

    class Meta:
        model = EditionRow
        exclude = ["edition", "item"]


# The rows of `GET /api/editions/{id}/items/`: signed rows once the edition is signed, else the
# items picked (the two shapes share no required set of fields, so a row is one of them).
EditionRowsSerializer = PolymorphicProxySerializer(
    component_name="EditionRowOrEntry",
    serializers=[SignedRowSerializer, EditionEntrySerializer],
    resource_type_field_name=None,
    many=True,
)


class BlockedTransitionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The transition that cannot run yet.")
    reason = serializers.CharField(help_text="What is missing, in the caller's language.")
    fix_url = serializers.URLField(help_text="The page where the missing step is done.")
    fix_label = serializers.CharField(help_text="What to do there.")


class EditionSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    actor_role = serializers.CharField(read_only=True, allow_null=True)
    revision_label = serializers.CharField(
        read_only=True, help_text="“Perubahan ke-N” for a revision, empty for the year's first."
    )
    due_at = serializers.SerializerMethodField()
    due_explanation = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField()
    blocked = serializers.SerializerMethodField()
    items_count = serializers.SerializerMethodField(
        help_text="How many rows the edition has: the signed rows once it is signed, else the "
        "items picked."
    )
    items_url = serializers.SerializerMethodField(
        help_text="Where its rows are listed, a page at a time (`GET`; the same URL takes "
        "`POST` to add items)."
    )
    history_url = serializers.SerializerMethodField(
        help_text="Where its history is (`GET`): every step taken, by whom, when, with its "
        "note and whether it was on time."
    )

    class Meta:
        model = Edition
        fields = [
            "id",
            "body",
            "kind",
            "year",
            "revision",
            "revision_label",
            "title",
            "state",
            "actor_role",
            "due_at",
            "due_explanation",
            "transitions",
            "blocked",
            "items_count",
            "items_url",
            "history_url",
            "signed_at",
            "decree_number",
            "decree_date",
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
        """How the deadline was counted, each skipped day with why: "Selasa 2026-12-08 16:00;
        dilewati: Sabtu 2026-12-05, Minggu 2026-12-06 (akhir pekan)"."""
        step = open_step(edition)
        return step.due_explanation if step and step.due_at else None

    def get_transitions(self, edition: Edition) -> list[str]:
        return self._available(edition)

    def _available(self, edition: Edition) -> list[str]:
        """The caller's transitions, worked out once per edition for `transitions` and
        `blocked` both."""
        known = self.__dict__.setdefault("_available_by_edition", {})
        if edition.pk not in known:
            known[edition.pk] = available_transitions(edition, self.context["request"].user)
        return known[edition.pk]

    @extend_schema_field(BlockedTransitionSerializer(many=True))
    def get_blocked(self, edition: Edition) -> list[dict]:
        """Of `transitions`, those that would be refused now: why, and where the missing step
        is done (the same checks the transition runs)."""
        user = self.context["request"].user
        return [
            {
                "name": b.name,
                "reason": b.reason,
                "fix_url": self._absolute(b.fix_url),
                "fix_label": b.fix_label,
            }
            for b in blocked_transitions(edition, self._available(edition), user).values()
        ]

    def get_items_count(self, edition: Edition) -> int:
        counted = getattr(edition, "rows_count", None)  # `with_rows_count`, when read so
        return edition_rows(edition).count() if counted is None else counted

    @extend_schema_field(serializers.URLField())
    def get_items_url(self, edition: Edition) -> str:
        return self._absolute(reverse("api:edition-items", args=[edition.pk]))

    @extend_schema_field(serializers.URLField())
    def get_history_url(self, edition: Edition) -> str:
        return self._absolute(reverse("api:edition-history", args=[edition.pk]))

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class EditionPageSerializer(serializers.ListSerializer):
    """A page of editions: the caller's roles in all of their bodies read at once (for the
    `transitions` of each), not once per body (issue 15: 37 queries for a page of 50)."""

    def to_representation(self, data):
        editions = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        if request is not None:
            warm_roles(request.user, {e.body_id: e.body for e in editions}.values())
        return super().to_representation(editions)


class EditionListSerializer(EditionSerializer):
    """The edition without its rows and history, for lists."""

    class Meta(EditionSerializer.Meta):
        list_serializer_class = EditionPageSerializer
        fields = [
            f
            for f in EditionSerializer.Meta.fields
            if f not in ("items_count", "items_url", "history_url", "blocked")
        ]


class EditionCreateSerializer(serializers.Serializer):
    body = serializers.SlugRelatedField(slug_field="slug", queryset=Body.objects.none())
    kind = serializers.ChoiceField(choices=EditionKind.choices)
    year = serializers.IntegerField()
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    revise = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Open a revision (Perubahan ke-N) of a year that has an edition already, on "
        "purpose. Without it, a second edition of the same body, kind and year is refused (400, "
        "on `revise`).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if request := self.context.get("request"):
            self.fields["body"].queryset = bodies_for_user(request.user)

    def validate(self, attrs: dict) -> dict:
        # The body's year now, on its clock: in Jayapura (WIT) the new year starts at 22:00 WIB.
        this_year = body_today(attrs["body"]).year
        if not 2000 <= attrs["year"] <= this_year + 1:
            raise serializers.ValidationError(
                {"year": [_("The year must be between 2000 and %(max)d.") % {"max": this_year + 1}]}
            )
        return attrs


class ItemIdsSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH
    )


class TransitionSerializer(NoteSerializer):
    """A transition's note, and for the signature (the step into publication) the decree that
    sets the list."""

    decree_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=DECREE_NUMBER_MAX_LENGTH,
        help_text="Signature only (the step into publication), and required then: the number "
        "of the decree (Keputusan) that sets the list, as it stands on it, e.g. "
        "188.4/123/DINSOS/2026. Ignored by every other transition.",
    )
    decree_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Signature only, and required then: the date of the decree (not after today "
        "in the body's time zone, not before 1 January of the year before the edition's).",
    )
