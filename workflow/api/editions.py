"""Editions and their approval chain through the API: open one, list and pick its rows, run a
transition, follow its signed documents, and the review records of its stages (nota dinas,
berita acara, comments, considerations)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dip import services as dip_services
from dip.models import REVIEW_STAGES, Edition, EditionDocument, RecordDocument, Stage
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
from workflow import services
from workflow.models import NotaDinas
from workflow.selectors import edition_history, editions_with_clock
from workflow.serializers.documents import EditionDocumentSerializer, RecordDocumentSerializer
from workflow.serializers.editions import (
    EditionCreateSerializer,
    EditionEntrySerializer,
    EditionListSerializer,
    EditionRowsSerializer,
    EditionSerializer,
    HistorySerializer,
    ItemIdsSerializer,
    SignedRowSerializer,
    TransitionSerializer,
)
from workflow.serializers.review import (
    ConsiderationRecordSerializer,
    ConsiderationSerializer,
    NotaDinasSerializer,
    ReviewCommentSerializer,
)
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
        # The lookup is the service's lock (one query, which also tells an edition the caller
        # does not reach: 404), and the answer is the edition as the transition left it, with
        # its row count read by the lock: nothing is read twice.
        try:
            edition = services.edition_transition(
                edition=int(pk),
                count_rows=True,
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
