"""The provincial aggregator's pull (a PPID Utama's token): the published rows of the bodies
it oversees, oldest change first, in cursor pages."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from dip.selectors import aggregator_bodies, aggregator_rows, rows_after
from dip.serializers import AggregatorPageSerializer, AggregatorRowSerializer


def cursor_encode(modified: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{modified.isoformat()}|{pk}".encode()).decode().rstrip("=")


def cursor_decode(value: str) -> tuple[datetime, int]:
    """(modified, id) of a cursor; ValueError for anything this API did not write."""
    padded = value + "=" * (-len(value) % 4)
    try:
        stamp, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        modified = datetime.fromisoformat(stamp)
        if modified.tzinfo is None or int(pk) < 1:
            raise ValueError(value)
        return modified, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise ValueError(value) from error


class AggregatorPullQuery(serializers.Serializer):
    since = serializers.DateTimeField(
        required=False,
        help_text="Only rows changed after this moment (ISO 8601 with its offset, `+` sent "
        "as `%2B`). Leave it out for every published row.",
    )
    cursor = serializers.CharField(
        required=False,
        max_length=200,
        help_text="The `cursor` of the previous answer: the rows after it.",
    )
    body = serializers.SlugField(
        required=False, help_text="Only this body (one the caller oversees)."
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)

    def validate_cursor(self, value: str) -> tuple[datetime, int]:
        try:
            return cursor_decode(value)
        except ValueError:
            raise serializers.ValidationError(_("This cursor was not given by this API.")) from None

    def validate_since(self, value: datetime) -> datetime:
        # DRF has already read a time without an offset in the server's zone: refuse it, so
        # that no aggregator misses rows by a few hours.
        given = parse_datetime(str(self.initial_data.get("since", "")))
        if given is None or timezone.is_naive(given):
            raise serializers.ValidationError(_("Give the time with its offset, e.g. +07:00."))
        return value


PULL_EXAMPLE = {
    "results": [
        {
            "id": 4812,
            "status": "published",
            "modified": "2026-12-01T09:00:00+07:00",
            "body": "dinsos-p3a-kapuas-hulu",
            "edition": {
                "id": 37,
                "kind": "dip",
                "year": 2026,
                "revision": 0,
                "title": "DIP Dinas Sosial P3A 2026",
                "published_at": "2026-12-01T09:00:00+07:00",
                "url": "https://ppid.example.go.id/badan-publik/dinsos-p3a-kapuas-hulu/edisi/37/",
            },
            "number": 3,
            "superseded_by": None,
            "superseded_at": None,
            "url": "https://ppid.example.go.id/badan-publik/dinsos-p3a-kapuas-hulu/edisi/37/"
            "informasi/3/",
            "needs_update_since": None,
            "content": {
                "number": 3,
                "classification": "berkala",
                "title": "Laporan Keuangan Tahun 2025",
                "summary": "Laporan realisasi anggaran dan neraca.",
                "unit_name": "Sekretariat",
                "holding_unit": "Sub Bagian Keuangan",
                "responsible": "Sekretaris Dinas",
                "produced_at": "2026-02-10",
                "produced_place": "Putussibau",
                "form": "both",
                "retention": "10 tahun",
                "update_period_months": 6,
            },
            "attachments": [
                {
                    "name": "lra-2025.pdf",
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "size": 182044,
                    "url": "https://ppid.example.go.id/badan-publik/dinsos-p3a-kapuas-hulu/edisi/"
                    "37/informasi/3/lampiran/911/",
                }
            ],
        },
        {
            "id": 3990,
            "status": "withdrawn",
            "modified": "2026-12-03T10:15:00+07:00",
            "body": "disdukcapil-kubu-raya",
            "edition": {
                "id": 21,
                "kind": "dik",
                "year": 2026,
                "revision": 0,
                "title": "DIK Disdukcapil Kubu Raya 2026",
                "published_at": "2026-03-02T08:00:00+07:00",
                "url": "https://ppid.example.go.id/badan-publik/disdukcapil-kubu-raya/edisi/21/",
            },
            "number": 2,
            "superseded_by": None,
            "superseded_at": None,
            "url": None,
            "needs_update_since": None,
            "content": None,
            "attachments": [],
        },
    ],
    "next": "https://ppid.example.go.id/api/aggregator/rows/?cursor=MjAyNi0xMi0wM1QwMzoxNTowMCswMDowMHwzOTkw",
    "cursor": "MjAyNi0xMi0wM1QwMzoxNTowMCswMDowMHwzOTkw",
}


class AggregatorRowsView(APIView):
    """The provincial aggregator's pull (besides the push): the published rows of every body
    the caller oversees as PPID Utama, oldest change first, in cursor pages."""

    @extend_schema(
        summary="Pull the published rows of the bodies a PPID Utama oversees (all, or those "
        "changed since a time)",
        description=(
            "Token of a PPID Utama. Rows come ordered by (`modified`, `id`); follow `next` "
            "until it is null, and keep the last `cursor` to ask later for only what changed "
            "since (or pass `since`). A row is `published`, `superseded` (a newer edition of "
            "its body and kind was published; it stays in the public archive) or `withdrawn` "
            "(no longer public: drop its content). Files carry their public URL and the "
            "SHA-256 they were signed with."
        ),
        parameters=[AggregatorPullQuery],
        responses={200: AggregatorPageSerializer},
        examples=[
            OpenApiExample(
                "A page with a published row and a withdrawn one",
                value=PULL_EXAMPLE,
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request):
        query = AggregatorPullQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        bodies = aggregator_bodies(request.user)
        if not bodies.exists():
            raise PermissionDenied(
                _("Only a PPID Utama pulls the rows of the public bodies it oversees.")
            )
        body = None
        if slug := data.get("body"):
            body = bodies.filter(slug=slug).first()
            if body is None:
                raise serializers.ValidationError({"body": [_("Not a public body you oversee.")]})
        rows = aggregator_rows(request.user, since=data.get("since"), body=body)
        if cursor := data.get("cursor"):
            rows = rows_after(rows, modified=cursor[0], pk=cursor[1])
        size = data["page_size"]
        page = list(rows[: size + 1])
        more, page = len(page) > size, page[:size]
        if page:
            bookmark = cursor_encode(page[-1].modified, page[-1].pk)
        else:
            bookmark = request.query_params.get("cursor") if cursor else None
        next_url = None
        if more:
            params = request.query_params.copy()
            params["cursor"] = bookmark
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(
            {
                "results": AggregatorRowSerializer(page, many=True).data,
                "next": next_url,
                "cursor": bookmark,
            }
        )
