from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from ppid.exceptions import Conflict
from ppid.models import Body, Unit
from ppid.permissions import user_roles, warm_roles
from ppid.selectors import bodies_for_user
from ppid.services import token_revoke


def exception_handler(exc, context):
    """Service errors to HTTP: Django ValidationError → 400 per field, Conflict → 409."""
    if isinstance(exc, DjangoValidationError):
        detail = get_error_detail(exc)
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail}
        exc = ValidationError(detail=detail)
    if isinstance(exc, Conflict):
        return Response(
            {"detail": str(exc), "code": "already_processed", "state": exc.state},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class BodySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    roles = serializers.SerializerMethodField()
    units = UnitSerializer(many=True, read_only=True)

    class Meta:
        model = Body
        fields = [
            "slug",
            "name",
            "short_name",
            "address",
            "website",
            "parent",
            "time_zone",
            "roles",
            "units",
        ]

    def get_roles(self, body: Body) -> list[str]:
        return sorted(user_roles(self.context["request"].user, body))


@extend_schema(summary="Public bodies where the caller holds a role")
class BodyList(ListAPIView):
    serializer_class = BodySerializer

    def get_queryset(self):
        return (
            bodies_for_user(self.request.user)
            .select_related("parent")
            .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("name")))
        )

    def list(self, request, *args, **kwargs):
        bodies = list(self.get_queryset())
        warm_roles(request.user, bodies)
        return Response(self.get_serializer(bodies, many=True).data)


# --- API tokens: revocation by their holder ----------------------------------------------


@extend_schema(
    summary="Revoke the caller's API token",
    description=(
        "Deletes the token the caller holds; calls with it answer 401 afterwards. A new token "
        "is obtained from POST /api/auth/token/. An administrator revokes anyone's token by "
        "deleting it in the admin (Auth Token → Tokens)."
    ),
    request=None,
    responses={204: None},
)
class TokenRevokeView(APIView):
    def post(self, request):
        token_revoke(user=request.user, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
