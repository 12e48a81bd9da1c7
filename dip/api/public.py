"""The published DIP/DIK for anyone (no token): the public bodies, and a body's current
published DIP or DIK with its rows as signed."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dip.models import EditionKind
from dip.selectors import current_published_edition
from dip.serializers import (
    PublicBodySerializer,
    PublicDikRowSerializer,
    PublicDipRowSerializer,
    PublicEditionSerializer,
    edition_public_data,
)
from ppid.selectors import public_bodies


@extend_schema(summary="All public bodies (no token needed)")
class PublicBodyList(ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = PublicBodySerializer
    queryset = public_bodies().select_related("parent")


class PublicEditionView(APIView):
    """The current published DIP or DIK of a body, with its rows as signed (one class per
    kind, so that the schema names each kind's row columns)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    kind: str = EditionKind.DIP

    def get(self, request, slug: str):
        body = get_object_or_404(public_bodies(), slug=slug)
        edition = current_published_edition(body, self.kind)
        if edition is None:
            return Response(
                {"detail": _("No edition has been published yet.")},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(edition_public_data(edition))


def _public_edition_schema(kind: str, rows: type[serializers.Serializer]):
    label = kind.upper()
    return extend_schema(
        summary=f"The body's current published {label} (no token needed)",
        responses=inline_serializer(
            f"Public{label}",
            {"edition": PublicEditionSerializer(), "rows": rows(many=True)},
        ),
    )


@extend_schema_view(get=_public_edition_schema(EditionKind.DIP, PublicDipRowSerializer))
class PublicDipView(PublicEditionView):
    kind = EditionKind.DIP


@extend_schema_view(get=_public_edition_schema(EditionKind.DIK, PublicDikRowSerializer))
class PublicDikView(PublicEditionView):
    kind = EditionKind.DIK
