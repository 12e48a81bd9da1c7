from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from ppid import services, signin, twofactor
from ppid.exceptions import Conflict
from ppid.lists import ListFilter
from ppid.models import Body, Unit
from ppid.permissions import user_roles, warm_roles
from ppid.selectors import bodies_for_user
from ppid.services import token_revoke

User = get_user_model()


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


def exception_handler(exc, context):
    """Service errors to HTTP: Django ValidationError → 400 per field, Conflict → 409, a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE → 413 (JSON like every other API answer; the OpenAPI
    schema documents them all, ppid.openapi)."""
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = ParseError(_("The request has too many fields or files."))
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


class BodyFilter(ListFilter):
    body = serializers.SlugField(
        required=False,
        help_text="A public body's slug, one where the caller holds a role (or oversees it); "
        "any other slug, unknown or not the caller's, is a 400.",
    )

    def validate_body(self, slug: str) -> Body:
        body = bodies_for_user(self.context["request"].user).filter(slug=slug).first()
        if body is None:
            raise ValidationError(
                _("There is no public body “%(slug)s” among yours.") % {"slug": slug}
            )
        return body

    def filter(self, queryset):
        if body := self.validated_data.get("body"):
            queryset = queryset.filter(body=body)
        return queryset


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class BodySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
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
        bodies = self.paginate_queryset(self.get_queryset().order_by("name", "pk"))
        warm_roles(request.user, bodies)
        return self.get_paginated_response(self.get_serializer(bodies, many=True).data)


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


# --- tokens -------------------------------------------------------------------------------------


class TokenCredentialsSerializer(serializers.Serializer):
    # The longest username there is; a longer one never reaches django-axes (its store of
    # failed attempts holds 255 characters and failed with a 500).
    username = serializers.CharField(
        write_only=True, max_length=User._meta.get_field("username").max_length
    )
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    otp = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="The code from the authenticator app (or a recovery code): required for "
        "those who sign and for the PPID Utama when PPID_REQUIRE_2FA is on.",
    )


@extend_schema(
    summary="Obtain the caller's API token",
    request=TokenCredentialsSerializer,
    responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
)
class ObtainToken(APIView):
    """POST {username, password[, otp]} → {token}. Failures count towards the sign-in
    lockout (django-axes); a locked-out username and address get 429."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        payload = TokenCredentialsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):
            return Response(
                {"detail": signin.lockout_message(), "code": "locked_out"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(signin.lockout_seconds())},
            )
        if user is None:
            raise ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]}
            )
        verified = False
        if twofactor.second_factor_required(user) or data.get("otp"):
            if not twofactor.has_device(user):
                raise ValidationError(
                    {
                        "otp": [
                            _(
                                "This account needs a second factor. Sign in once in the "
                                "browser to set up an authenticator app, then send its code "
                                "in “otp”."
                            )
                        ]
                    }
                )
            if not data.get("otp"):
                raise ValidationError(
                    {"otp": [_("Send the code from your authenticator app in “otp”.")]}
                )
            wait = twofactor.second_factor_wait(user)
            if wait:
                raise ValidationError({"otp": [twofactor.wait_message(wait)]})
            if twofactor.second_factor_verify(user=user, code=data["otp"]) is None:
                raise ValidationError({"otp": [_("That code is not right.")]})
            verified = True
        token = services.token_issue(user=user, second_factor=verified)
        return Response({"token": token.key})
