"""JSON API for editions and their approval chain."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dip import services as dip_services
from dip.models import (
    REVIEW_STAGES,
    Edition,
    EditionDocument,
    RecordDocument,
    Stage,
)
from dip.selectors import (
    EDITION_ROWS_PER_PAGE,
    consideration_record_of,
    edition_document,
    edition_rows,
    editions_for_user,
    items_for_user,
    record_document_of,
    with_rows_count,
)
from ppid.api import BodyFilter
from ppid.lists import Pagination
from ppid.throttling import AnonThrottle, ObjectionThrottle, RequestFilingThrottle
from workflow import services
from workflow.models import NotaDinas
from workflow.selectors import (
    edition_history,
    editions_with_clock,
    serta_merta_requests_for_user,
)
from workflow.selectors.objections import objections_for_user
from workflow.selectors.requests import (
    dik_items_for_refusal,
    request_by_tracking_code,
    requests_for_user,
)
from workflow.serializers import (
    ConsiderationRecordSerializer,
    ConsiderationSerializer,
    EditionCreateSerializer,
    EditionDocumentSerializer,
    EditionEntrySerializer,
    EditionListSerializer,
    EditionRowsSerializer,
    EditionSerializer,
    HistorySerializer,
    InformationRequestListSerializer,
    InformationRequestSerializer,
    ItemIdsSerializer,
    NotaDinasSerializer,
    NoteSerializer,
    ObjectionAnswerSerializer,
    ObjectionFiledSerializer,
    ObjectionFileSerializer,
    ObjectionSerializer,
    PublicRequestCreateSerializer,
    PublicRequestReceiptSerializer,
    PublicRequestStatusSerializer,
    RecordDocumentSerializer,
    RequestDecideSerializer,
    RequestExtendSerializer,
    ReviewCommentSerializer,
    SertaMertaCreateSerializer,
    SertaMertaRequestSerializer,
    SignedRowSerializer,
    TransitionSerializer,
)
from workflow.services import objections, sertamerta
from workflow.services import requests as request_services
from workflow.services.review import require_current_actor


class RowsPagination(Pagination):
    """An edition's rows: 100 a page, as on the edition's page."""

    page_size = EDITION_ROWS_PER_PAGE


@extend_schema_view(list=extend_schema(parameters=[BodyFilter]))
class EditionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EditionSerializer
    list_filter = BodyFilter

    def get_queryset(self):
        user = self.request.user
        if self.action == "items":
            return editions_for_user(user)  # the page counts the rows itself
        if self.action == "transition":
            # No clock: the service reads the open step under its lock, and the answer is the
            # edition as the transition left it.
            return with_rows_count(editions_for_user(user))
        queryset = editions_with_clock(user).order_by("-created_at", "-pk")
        return queryset if self.action == "list" else with_rows_count(queryset)

    def get_serializer_class(self):
        return EditionListSerializer if self.action == "list" else EditionSerializer

    def _answer(self, edition: Edition) -> Response:
        return Response(EditionSerializer(edition, context=self.get_serializer_context()).data)

    def _fresh(self, pk: int) -> Response:
        return self._answer(get_object_or_404(self.get_queryset(), pk=pk))

    @extend_schema(request=EditionCreateSerializer, responses={201: EditionSerializer})
    def create(self, request, *args, **kwargs):
        payload = EditionCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        edition = services.edition_open(user=request.user, **payload.validated_data)
        response = self._fresh(edition.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(methods=["GET"], responses=EditionRowsSerializer)
    @action(detail=True, methods=["get"], pagination_class=RowsPagination)
    def items(self, request, pk=None):
        """The edition's rows, a page at a time (`?page=` from 1, `?page_size=` 100 by default,
        200 at most): once it is signed, its rows as signed, by `number`; before, the items
        picked, by `position`, each with the fields it still misses (`items_count` and
        `items_url` on the edition)."""
        edition = self.get_object()
        rows = self.paginate_queryset(edition_rows(edition))
        shape = SignedRowSerializer if edition.is_signed else EditionEntrySerializer
        return self.get_paginated_response(shape(rows, many=True).data)

    @extend_schema(methods=["POST"], request=ItemIdsSerializer, responses=EditionSerializer)
    @items.mapping.post
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

    @extend_schema(request=None, responses={200: EditionSerializer})
    @action(detail=True, methods=["delete"], url_path=r"items/(?P<item_id>\d+)")
    def remove_item(self, request, pk=None, item_id=None):
        edition = self.get_object()
        item = get_object_or_404(items_for_user(request.user), pk=item_id)
        if not edition.entries.filter(item=item).exists():
            raise Http404
        dip_services.edition_remove_item(edition=edition, item=item, user=request.user)
        return self._fresh(edition.pk)

    @extend_schema(request=TransitionSerializer, responses=EditionSerializer)
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z]+)")
    def transition(self, request, pk=None, name=None):
        """Run a transition. The signature (the step into publication: `sign`, or `verify`
        where the SOP has no atasan) also records the decree (Keputusan) that sets the list:
        `decree_number` and `decree_date` are required then (400 naming the field, nothing
        stored)."""
        if name not in services.USER_TRANSITIONS:
            raise Http404
        payload = TransitionSerializer(data=request.data)
        if not payload.is_valid():
            self.get_object()  # another body's edition is a 404 before any word on the payload
            raise serializers.ValidationError(payload.errors)
        data = payload.validated_data
        # The lookup is the service's lock (one query, in the editions the caller may reach),
        # and the answer is the edition as the transition left it: nothing is read twice.
        try:
            edition = services.edition_transition(
                edition=int(pk),
                within=self.get_queryset(),
                name=name,
                user=request.user,
                note=data["note"],
                decree_number=data["decree_number"],
                decree_date=data["decree_date"],
            )
        except (ValueError, Edition.DoesNotExist):
            raise Http404 from None
        if edition.state == Stage.PUBLICATION:
            # Signed: the system publishes it once committed, perhaps already (a worker that
            # runs tasks at once), so the answer reads what it is now.
            return self._fresh(edition.pk)
        return self._answer(edition)

    def _document(self, edition: Edition) -> EditionDocument:
        document = edition_document(edition)
        if document is None:
            raise Http404(_("The edition is not signed; it has no document yet."))
        return document

    @extend_schema(responses=EditionDocumentSerializer)
    @action(detail=True, methods=["get"], url_path="document")
    def document(self, request, pk=None):
        """The signed PDF's status: pending, rendering, ready or failed, with its last error."""
        document = self._document(self.get_object())
        return Response(EditionDocumentSerializer(document, context={"request": request}).data)

    @extend_schema(request=None, responses={202: EditionDocumentSerializer})
    @action(detail=True, methods=["post"], url_path="document/retry")
    def document_retry(self, request, pk=None):
        """Build a failed document again (PPID or atasan): it goes back to pending and the
        publication task is queued."""
        edition = self.get_object()
        self._document(edition)
        document = services.edition_document_rebuild(edition=edition, user=request.user)
        return Response(
            EditionDocumentSerializer(document, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )

    def _record_document(self, edition: Edition) -> RecordDocument:
        document = record_document_of(edition) if edition.is_signed else None
        if document is None:
            raise Http404(_("The edition has no signed berita acara."))
        return document

    @extend_schema(responses=RecordDocumentSerializer)
    @action(detail=True, methods=["get"], url_path="record-document")
    def record_document(self, request, pk=None):
        """The signed berita acara uji konsekuensi's status (a signed DIK whose tim wrote one):
        pending, rendering, ready or failed, with its last error."""
        document = self._record_document(self.get_object())
        return Response(RecordDocumentSerializer(document).data)

    @extend_schema(request=None, responses={202: RecordDocumentSerializer})
    @action(detail=True, methods=["post"], url_path="record-document/retry")
    def record_document_retry(self, request, pk=None):
        """Build a failed berita acara again (PPID, atasan or PPID Utama), as the document's
        retry: it goes back to pending and the publication task is queued."""
        edition = self.get_object()
        self._record_document(edition)
        document = services.edition_document_rebuild(
            edition=edition, user=request.user, artefact=RecordDocument
        )
        return Response(RecordDocumentSerializer(document).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=HistorySerializer(many=True))
    # An edition's own records come whole, not in pages.
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        edition = self.get_object()
        return Response(HistorySerializer(edition_history(edition), many=True).data)

    def _edition_item(self, edition: Edition, item_id):
        if item_id is None:
            return None
        item = items_for_user(self.request.user).filter(pk=item_id).first()
        if item is None or not edition.entries.filter(item=item).exists():
            raise serializers.ValidationError({"item": [_("This item is not in the edition.")]})
        return item

    @extend_schema(methods=["GET"], responses=NotaDinasSerializer)
    @extend_schema(methods=["PUT"], request=NotaDinasSerializer, responses=NotaDinasSerializer)
    @action(detail=True, methods=["get", "put"], url_path="nota-dinas")
    def nota_dinas(self, request, pk=None):
        edition = self.get_object()
        if request.method == "GET":
            nota = get_object_or_404(NotaDinas, edition=edition)
            return Response(NotaDinasSerializer(nota).data)
        # Stage and role first, so a caller who may not act never learns about the payload.
        require_current_actor(edition, request.user, {Stage.INSTRUCTION})
        payload = NotaDinasSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nota = services.nota_dinas_save(
            edition=edition, user=request.user, **payload.validated_data
        )
        return Response(NotaDinasSerializer(nota).data)

    @extend_schema(methods=["GET"], responses=ConsiderationRecordSerializer)
    @extend_schema(
        methods=["PUT"],
        request=ConsiderationRecordSerializer,
        responses=ConsiderationRecordSerializer,
    )
    @action(detail=True, methods=["get", "put"], url_path="consideration-record")
    def consideration_record(self, request, pk=None):
        """The berita acara uji konsekuensi (the tim writes it at the consideration stage)."""
        edition = self.get_object()
        if request.method == "GET":
            record = consideration_record_of(edition)
            if record is None:
                raise Http404
            return Response(ConsiderationRecordSerializer(record).data)
        # Stage and role first, so a caller who may not act never learns about the payload.
        require_current_actor(edition, request.user, {Stage.CONSIDERATION})
        payload = ConsiderationRecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record = dip_services.consideration_record_save(
            edition=edition, user=request.user, **payload.validated_data
        )
        return Response(ConsiderationRecordSerializer(record).data)

    @extend_schema(methods=["GET"], responses=ReviewCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ReviewCommentSerializer, responses={201: ReviewCommentSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        edition = self.get_object()
        if request.method == "GET":
            comments = edition.comments.select_related("author")
            return Response(ReviewCommentSerializer(comments, many=True).data)
        # Stage and role first, so a caller who may not act never learns about the payload.
        require_current_actor(edition, request.user, REVIEW_STAGES)
        payload = ReviewCommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = services.review_comment_add(
            edition=edition,
            user=request.user,
            text=payload.validated_data["text"],
            item=self._edition_item(edition, payload.validated_data.get("item_id")),
        )
        return Response(ReviewCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ConsiderationSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ConsiderationSerializer, responses=ConsiderationSerializer
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def considerations(self, request, pk=None):
        edition = self.get_object()
        if request.method == "GET":
            rows = edition.considerations.select_related("decided_by")
            return Response(ConsiderationSerializer(rows, many=True).data)
        # Stage and role first, so a caller who may not act never learns about the payload.
        require_current_actor(edition, request.user, {Stage.CONSIDERATION})
        payload = ConsiderationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        consideration = services.consideration_record(
            edition=edition,
            user=request.user,
            item=self._edition_item(edition, data["item_id"]),
            decision=data["decision"],
            note=data.get("note", ""),
            changes=data["changes"],
        )
        return Response(ConsiderationSerializer(consideration).data)


@extend_schema_view(list=extend_schema(parameters=[BodyFilter]))
class SertaMertaRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Serta merta announced at once (Pasal 10): the operator (or the PPID) asks, the PPID of
    the body approves (announced on the public site at once) or returns it with a note."""

    serializer_class = SertaMertaRequestSerializer
    list_filter = BodyFilter

    def get_queryset(self):
        return serta_merta_requests_for_user(self.request.user).order_by("-requested_at", "-pk")

    def _fresh(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        found = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(SertaMertaRequestSerializer(found).data, status=code)

    @extend_schema(request=SertaMertaCreateSerializer, responses={201: SertaMertaRequestSerializer})
    def create(self, request, *args, **kwargs):
        payload = SertaMertaCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = items_for_user(request.user).filter(pk=payload.validated_data["item"]).first()
        if item is None:
            raise serializers.ValidationError({"item": [_("Item not found.")]})
        made = sertamerta.serta_merta_request_create(
            item=item, user=request.user, note=payload.validated_data["note"]
        )
        return self._fresh(made.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SertaMertaRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (PPID of the body): the item is announced on the public site now."""
        found = self.get_object()
        sertamerta.serta_merta_request_approve(request=found, user=request.user)
        return self._fresh(found.pk)

    @extend_schema(request=NoteSerializer, responses=SertaMertaRequestSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        """Return it with a note (PPID of the body); nothing is announced."""
        found = self.get_object()
        payload = NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        sertamerta.serta_merta_request_return(
            request=found, user=request.user, note=payload.validated_data["note"]
        )
        return self._fresh(found.pk)


# --- objections (keberatan) ------------------------------------------------------------------


class PublicObjectionCreate(APIView):
    """File an objection to the atasan PPID on a request, by its tracking code (no token).
    Within 30 working days of the reason (the written notice; for ground c, the request's
    deadline), by the body's office calendar; otherwise, or with an unknown ground, 400 naming
    the field and nothing stored. Unknown tracking code: 404. Limited per address (429)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonThrottle, ObjectionThrottle]

    @extend_schema(
        summary="File an objection on a request (no token needed)",
        request=ObjectionFileSerializer,
        responses={201: ObjectionFiledSerializer},
    )
    def post(self, request, tracking_code: str):
        tracked = request_by_tracking_code(tracking_code)
        if tracked is None:
            raise Http404(_("No request has this tracking code."))
        payload = ObjectionFileSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        filed = objections.objection_file(request=tracked, **payload.validated_data)
        return Response(
            ObjectionFiledSerializer(
                {"id": filed.pk, "number": filed.register_number, "due_at": filed.due_at}
            ).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(list=extend_schema(parameters=[BodyFilter]))
class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The objections of the caller's bodies (others are 404); the atasan PPID answers."""

    serializer_class = ObjectionSerializer
    list_filter = BodyFilter

    def get_queryset(self):
        return objections_for_user(self.request.user).order_by("-filed_at", "-pk")

    @extend_schema(request=ObjectionAnswerSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer in writing (the atasan PPID of the body only; others 403): upheld or rejected,
        with the considerations. The signed answer is built afterwards (`answer_url` once
        ready); the requester may then go to the Komisi Informasi by `dispute_due_at`. A second
        answer is 409."""
        found = self.get_object()
        if not objections.can_answer_objection(request.user, found.body):
            raise PermissionDenied(_("Only the atasan PPID of the public body answers objections."))
        payload = ObjectionAnswerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        objections.objection_answer(objection=found, user=request.user, **payload.validated_data)
        fresh = get_object_or_404(self.get_queryset(), pk=found.pk)
        return Response(ObjectionSerializer(fresh).data)


# --- requests for information --------------------------------------------------------------


class PublicRequestCreate(APIView):
    """File a request for information (no token needed). Rate-limited per address like the
    public form; invalid input is a 400 with field errors and nothing stored."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonThrottle, RequestFilingThrottle]

    @extend_schema(
        summary="File a request for information (no token needed)",
        request=PublicRequestCreateSerializer,
        responses={201: PublicRequestReceiptSerializer},
    )
    def post(self, request):
        payload = PublicRequestCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        made = request_services.request_receive(**data)
        return Response(PublicRequestReceiptSerializer(made).data, status=status.HTTP_201_CREATED)


class PublicRequestStatus(APIView):
    """A request's status by its tracking code (no token needed; no personal data)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="A request's status by its tracking code (no token needed)",
        responses=PublicRequestStatusSerializer,
    )
    def get(self, request, tracking_code: str):
        found = request_by_tracking_code(tracking_code)
        if found is None:
            raise Http404
        return Response(PublicRequestStatusSerializer(found).data)


@extend_schema_view(list=extend_schema(parameters=[BodyFilter]))
class InformationRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The register of requests for information of the caller's bodies (another body's request
    is a 404); the PPID of the body extends a deadline once and gives the written notice."""

    serializer_class = InformationRequestSerializer
    list_filter = BodyFilter

    def get_queryset(self):
        return (
            requests_for_user(self.request.user)
            .select_related("notice_document")
            .order_by("-received_at", "-pk")
        )

    def get_serializer_class(self):
        if self.action == "list":
            return InformationRequestListSerializer
        return InformationRequestSerializer

    def _fresh(self, pk: int) -> Response:
        found = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(InformationRequestSerializer(found).data)

    @extend_schema(request=RequestExtendSerializer, responses=InformationRequestSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Extend the deadline once, by at most 7 working days, with a reason (a second
        extension is a 409)."""
        found = self.get_object()
        payload = RequestExtendSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        request_services.request_extend(request=found, user=request.user, **payload.validated_data)
        return self._fresh(found.pk)

    @extend_schema(request=RequestDecideSerializer, responses=InformationRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Give the written notice; a refusal cites a dikecualikan item of the body
        (`dik_item`). The signed PDF follows (`notice_url` once it is ready)."""
        found = self.get_object()
        payload = RequestDecideSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        dik_item = None
        if data.pop("dik_item") is not None:
            dik_item = (
                dik_items_for_refusal(found.body)
                .filter(pk=payload.validated_data["dik_item"])
                .first()
            )
            if dik_item is None:
                raise serializers.ValidationError(
                    {"dik_item": [_("Choose an exempted (dikecualikan) row of this body's DIK.")]}
                )
        request_services.request_decide(request=found, user=request.user, dik_item=dik_item, **data)
        return self._fresh(found.pk)
