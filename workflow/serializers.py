"""Serializers of editions and their review records, for the JSON API (and any other channel
that speaks of an edition to officers)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from dip.models import (
    DECREE_NUMBER_MAX_LENGTH,
    ConsiderationRecord,
    DocumentStatus,
    Edition,
    EditionDocument,
    EditionKind,
    EditionRow,
    RecordDocument,
)
from dip.selectors import edition_rows
from dip.serializers import public_url
from ppid.lists import ValuesListSerializer
from ppid.models import Body
from ppid.permissions import warm_roles
from ppid.selectors import bodies_for_user
from workflow.models import (
    NOTE_MAX_LENGTH,
    OBJECTION_REASON_MAX_LENGTH,
    REQUEST_DECISION_CHOICES,
    REQUEST_EXTENSION_MAX_WORKING_DAYS,
    AuditEntry,
    Consideration,
    InformationRequest,
    NotaDinas,
    Objection,
    ObjectionGround,
    ObjectionStatus,
    RequestNoticeDocument,
    RequestStatus,
    ReviewComment,
    SertaMertaRequest,
    SertaMertaState,
)
from workflow.selectors import (
    available_transitions,
    blocked_transitions,
    edition_history,
    open_step,
)
from workflow.selectors.requests import objection_due_at


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
    history = serializers.SerializerMethodField()

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
            "history",
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
        user = self.context["request"].user
        return available_transitions(edition, user)

    @extend_schema_field(BlockedTransitionSerializer(many=True))
    def get_blocked(self, edition: Edition) -> list[dict]:
        """Of `transitions`, those that would be refused now: why, and where the missing step
        is done (the same checks the transition runs)."""
        user = self.context["request"].user
        names = available_transitions(edition, user)
        request = self.context.get("request")
        return [
            {
                "name": b.name,
                "reason": b.reason,
                "fix_url": request.build_absolute_uri(b.fix_url) if request else b.fix_url,
                "fix_label": b.fix_label,
            }
            for b in blocked_transitions(edition, names, user).values()
        ]

    def get_items_count(self, edition: Edition) -> int:
        counted = getattr(edition, "rows_count", None)  # `with_rows_count`, when read so
        return edition_rows(edition).count() if counted is None else counted

    @extend_schema_field(serializers.URLField())
    def get_items_url(self, edition: Edition) -> str:
        url = reverse("api:edition-items", args=[edition.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_history(self, edition: Edition) -> list[dict]:
        return HistorySerializer(edition_history(edition), many=True).data


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
            if f not in ("items_count", "items_url", "history", "blocked")
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


class RecordDocumentSerializer(serializers.ModelSerializer):
    """The signed berita acara uji konsekuensi's build, like the edition's own document."""

    class Meta:
        model = RecordDocument
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
        ]


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


# --- objections (keberatan) ------------------------------------------------------------------


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


# --- requests for information ------------------------------------------------------------------


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
        fields = [
            "body",
            "name",
            "address",
            "phone",
            "email",
            "occupation",
            "identity_number",
            "information",
            "purpose",
            "obtain",
            "form",
            "delivery",
        ]


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
            "name",
            "address",
            "phone",
            "email",
            "occupation",
            "identity_number",
            "information",
            "purpose",
            "obtain",
            "form",
            "delivery",
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
