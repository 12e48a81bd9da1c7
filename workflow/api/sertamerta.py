"""Serta merta requests through the API (Pasal 10): the operator or the PPID asks, the PPID
of the body approves (announced at once) or returns it with a note."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dip.selectors import items_for_user
from ppid.api import BodyFilter
from workflow.selectors import serta_merta_requests_for_user
from workflow.serializers.editions import NoteSerializer
from workflow.serializers.sertamerta import SertaMertaCreateSerializer, SertaMertaRequestSerializer
from workflow.services import sertamerta


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
