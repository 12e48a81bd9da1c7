"""Requests for information through the API: filed and followed by the public with the
tracking code (no token), and the register of the body's officers, who extend the deadline and
give the written notice."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ppid.api import BodyFilter
from ppid.throttling import AnonThrottle, RequestFilingThrottle
from workflow.selectors.requests import (
    dik_items_for_refusal,
    request_by_tracking_code,
    requests_for_user,
)
from workflow.serializers.requests import (
    InformationRequestListSerializer,
    InformationRequestSerializer,
    PublicRequestCreateSerializer,
    PublicRequestReceiptSerializer,
    PublicRequestStatusSerializer,
    RequestDecideSerializer,
    RequestExtendSerializer,
)
from workflow.services import requests as request_services


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
