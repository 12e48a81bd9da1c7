"""Objections (keberatan) through the API: filed by the requester with the tracking code (no
token), answered by the atasan PPID of the body."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ppid.api import BodyFilter
from ppid.throttling import AnonThrottle, ObjectionThrottle
from workflow.selectors.objections import objections_for_user
from workflow.selectors.requests import request_by_tracking_code
from workflow.serializers.objections import (
    ObjectionAnswerSerializer,
    ObjectionFiledSerializer,
    ObjectionFileSerializer,
    ObjectionSerializer,
)
from workflow.services import objections


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
