"""Classification changes into or out of dikecualikan through the API: what a change reads
like, the requests that propose one or record the end of an exemption (on an item), and the
tim pertimbangan's decision."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dip.models import (
    CONSEQUENCE_MAX_LENGTH,
    EXEMPTION_FIELDS,
    Classification,
    ClassificationChange,
    ExemptionGround,
)
from dip.selectors import classification_changes_for_user
from dip.services import classification as classification_services
from dip.services import exemptions
from ppid.api import BodyFilter


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


class ExemptionEventRequest(serializers.Serializer):
    """The event an exemption ran until has happened (the PPID of the body): the day, what
    happened, and the public class the item is re-opened as (setiap saat unless chosen)."""

    happened_on = serializers.DateField(help_text="The day the event happened (not in the future).")
    note = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text="What happened, e.g. the ruling and its number (required, not blank).",
    )
    to_classification = serializers.ChoiceField(
        choices=[(c, c.label) for c in exemptions.PUBLIC_CLASSIFICATIONS],
        default=Classification.SETIAP_SAAT,
    )
    update_period_months = serializers.IntegerField(
        min_value=1, max_value=6, required=False, allow_null=True, default=None
    )


class ChangeDecisionRequest(serializers.Serializer):
    """The tim pertimbangan's decision on a classification change (a refusal needs a note)."""

    decision = serializers.ChoiceField(choices=[("agree", "agree"), ("refuse", "refuse")])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_view(list=extend_schema(parameters=[BodyFilter]))
class ClassificationChangeViewSet(viewsets.ReadOnlyModelViewSet):
    """Classification changes into or out of dikecualikan of the bodies the caller works in or
    oversees; the tim pertimbangan decides them while it considers the DIK they ride on."""

    serializer_class = ClassificationChangeSerializer
    list_filter = BodyFilter

    def get_queryset(self):
        return classification_changes_for_user(self.request.user).order_by("-proposed_at", "-pk")

    @extend_schema(
        summary="The tim pertimbangan agrees or refuses a classification change",
        description=(
            "Only the tim, while the DIK the change rides on is at its consideration stage "
            "(403 otherwise; 400 when it is not there yet). An agreed change may be refused "
            "while the tim still considers the DIK; a refused, applied or withdrawn one is a "
            "409. A refusal needs a note."
        ),
        request=ChangeDecisionRequest,
        responses={200: ClassificationChangeSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        change = self.get_object()
        data = ChangeDecisionRequest(data=request.data)
        data.is_valid(raise_exception=True)
        change = classification_services.classification_change_decide(
            change=change,
            user=request.user,
            agree=data.validated_data["decision"] == "agree",
            note=data.validated_data["note"],
        )
        return Response(ClassificationChangeSerializer(change).data)
