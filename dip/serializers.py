"""What the public channels say about a published edition: one shape for the public API, the
JSON and CSV downloads and the aggregator push. Rows come only through
`dip.selectors.public_rows` (the one door), so every public-visibility rule applies to all."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from dip.models import Edition, EditionKind, EditionRow
from dip.selectors import public_rows
from ppid.models import Body

DIP_COLUMNS = [
    "number",
    "classification",
    "title",
    "summary",
    "unit_name",
    "holding_unit",
    "responsible",
    "produced_at",
    "produced_place",
    "form",
    "retention",
    "update_period_months",
]
# The DIK columns of the lembar uji konsekuensi; never the exempted content or its files.
DIK_COLUMNS = [
    "number",
    "title",
    "exemption_ground",
    "exemption_law",
    "consequence_if_opened",
    "consequence_if_closed",
    "public_interest",
    "exemption_until",
    "exemption_event",
    "exemption_permanent",
]


class PublicDipRowSerializer(serializers.ModelSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = EditionRow
        fields = [*DIP_COLUMNS, "attachments"]

    def get_attachments(self, row: EditionRow) -> list[dict]:
        return [
            {"name": a["name"], "sha256": a["sha256"], "size": a["size"]} for a in row.attachments
        ]


class PublicDikRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = EditionRow
        fields = DIK_COLUMNS


class PublicEditionSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Edition
        fields = ["id", "body", "kind", "year", "revision", "title", "signed_at", "published_at"]


class PublicBodySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Body
        fields = ["slug", "name", "short_name", "address", "website", "parent"]


def row_serializer_for(kind: EditionKind | str) -> type[serializers.ModelSerializer]:
    return PublicDikRowSerializer if kind == EditionKind.DIK else PublicDipRowSerializer


def public_columns(kind: EditionKind | str) -> list[str]:
    """The columns of a public row of `kind`, in order (the CSV's header)."""
    return list(row_serializer_for(kind)().fields)


def edition_public_data(edition: Edition) -> dict[str, Any]:
    """A published edition as every public channel gives it: {"edition": {...}, "rows": [...]}
    (no rows unless the edition is published)."""
    return {
        "edition": PublicEditionSerializer(edition).data,
        "rows": row_serializer_for(edition.kind)(public_rows(edition), many=True).data,
    }
