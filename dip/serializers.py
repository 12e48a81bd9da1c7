"""What the public channels say about a published edition: one shape for the public API, the
JSON and CSV downloads and the aggregator push. Rows come only through
`dip.selectors.public_rows` (the one door), so every public-visibility rule applies to all."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dip.models import Edition, EditionKind, EditionRow
from dip.selectors import (
    public_rows,
    ready_document,
    ready_record_document,
    redacted_copies,
    row_status,
)
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
    "exempted_part",
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


class RedactedCopySerializer(serializers.Serializer):
    name = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.URLField(help_text="The redacted copy as it was signed into the row.")


class PublicDikRowSerializer(serializers.ModelSerializer):
    redacted_copies = serializers.SerializerMethodField(
        help_text="Copies of the document with the exempted part blacked out (the original is "
        "never public)."
    )

    class Meta:
        model = EditionRow
        fields = [*DIK_COLUMNS, "redacted_copies"]

    @extend_schema_field(RedactedCopySerializer(many=True))
    def get_redacted_copies(self, row: EditionRow) -> list[dict]:
        copies = redacted_copies(row)
        if not copies:
            return []  # most rows: no query for the edition
        edition = row.edition
        return [
            {
                "name": a["name"],
                "sha256": a["sha256"],
                "size": a["size"],
                "url": public_url(
                    reverse(
                        "dip:public_redacted_copy",
                        args=[edition.body.slug, edition.pk, row.number, a["id"]],
                    )
                ),
            }
            for a in copies
        ]


def public_url(path: str) -> str:
    """An absolute URL on the public site: PPID_PUBLIC_BASE_URL, the address the signed
    PDF's QR code prints, whichever channel asks (API, download or push) and whatever host
    name the request came by."""
    return f"{settings.PPID_PUBLIC_BASE_URL.rstrip('/')}{path}"


def verification_url(edition: Edition) -> str:
    return public_url(reverse("dip:verify_code", args=[edition.verification_code]))


class PublicEditionSerializer(serializers.ModelSerializer):
    """An edition's header with the addresses an integrator needs (absolute URLs)."""

    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    html_url = serializers.SerializerMethodField(help_text="The edition's public page.")
    pdf_url = serializers.SerializerMethodField(
        help_text="The signed PDF; null until the document is ready."
    )
    record_pdf_url = serializers.SerializerMethodField(
        help_text="The signed berita acara uji konsekuensi published beside a DIK; null for a "
        "DIP, and until the document is ready."
    )
    csv_url = serializers.SerializerMethodField(help_text="The rows as CSV.")
    xlsx_url = serializers.SerializerMethodField(
        help_text="The rows as an .xlsx workbook with Indonesian headings."
    )
    json_url = serializers.SerializerMethodField(help_text="This document as a download.")
    verification_url = serializers.SerializerMethodField(
        help_text="The page the QR code on the PDF points to (by its verification code)."
    )

    class Meta:
        model = Edition
        fields = [
            "id",
            "body",
            "kind",
            "year",
            "revision",
            "title",
            "signed_at",
            "decree_number",
            "decree_date",
            "published_at",
            "verification_code",
            "verification_url",
            "html_url",
            "pdf_url",
            "record_pdf_url",
            "csv_url",
            "xlsx_url",
            "json_url",
        ]

    @staticmethod
    def _edition_url(edition: Edition, name: str) -> str:
        return public_url(reverse(f"dip:{name}", args=[edition.body.slug, edition.pk]))

    @extend_schema_field(serializers.URLField())
    def get_html_url(self, edition: Edition) -> str:
        return self._edition_url(edition, "public_edition")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, edition: Edition) -> str | None:
        if ready_document(edition) is None:
            return None
        return self._edition_url(edition, "public_edition_pdf")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_record_pdf_url(self, edition: Edition) -> str | None:
        if ready_record_document(edition) is None:
            return None
        return self._edition_url(edition, "public_edition_record_pdf")

    @extend_schema_field(serializers.URLField())
    def get_csv_url(self, edition: Edition) -> str:
        return self._edition_url(edition, "public_edition_csv")

    @extend_schema_field(serializers.URLField())
    def get_xlsx_url(self, edition: Edition) -> str:
        return self._edition_url(edition, "public_edition_xlsx")

    @extend_schema_field(serializers.URLField())
    def get_json_url(self, edition: Edition) -> str:
        return self._edition_url(edition, "public_edition_json")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_verification_url(self, edition: Edition) -> str | None:
        return verification_url(edition) if edition.verification_code else None


class PublicBodySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

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


# --- the aggregator's pull -------------------------------------------------------------------


class AggregatorEditionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The edition's public page.")

    class Meta:
        model = Edition
        fields = ["id", "kind", "year", "revision", "title", "published_at", "url"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, edition: Edition) -> str:
        return public_url(reverse("dip:public_edition", args=[edition.body.slug, edition.pk]))


class AggregatorFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    sha256 = serializers.CharField(help_text="SHA-256 of the file as it was signed into the row.")
    size = serializers.IntegerField()
    url = serializers.URLField(help_text="The public download (absolute).")


ROW_CONTENT_SCHEMA = {
    "type": "object",
    "nullable": True,
    "additionalProperties": True,
    "description": "The row's public columns (a DIP row: the DIP columns; a DIK row: the "
    "consequence test's public columns); null for a withdrawn row.",
}


class AggregatorRowSerializer(serializers.Serializer):
    """One signed row as the aggregator pulls it (from `dip.selectors.aggregator_rows`)."""

    id = serializers.IntegerField(help_text="The signed row's id: the aggregator's key.")
    status = serializers.SerializerMethodField(
        help_text="published: in the body's current edition; superseded: a newer edition of "
        "the body and kind was published (the row stays in the public archive); withdrawn: "
        "no longer public (an exemption ended, or the item was closed): drop its content."
    )
    modified = serializers.DateTimeField(help_text="When the row last changed for the public.")
    body = serializers.CharField(source="edition.body.slug")
    edition = AggregatorEditionSerializer()
    number = serializers.IntegerField()
    superseded_by = serializers.IntegerField(
        source="superseded_by_id", allow_null=True, help_text="The edition that replaced it."
    )
    superseded_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="The row's public page (DIP rows).")
    needs_update_since = serializers.DateField(
        allow_null=True, help_text="A berkala row overdue for its update since this day."
    )
    content = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField(
        help_text="The row's public files (a DIK row: the redacted copies only)."
    )

    @extend_schema_field(serializers.ChoiceField(choices=["published", "superseded", "withdrawn"]))
    def get_status(self, row: EditionRow) -> str:
        return row_status(row)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, row: EditionRow) -> str | None:
        if not row.is_public or row.edition.kind != EditionKind.DIP:
            return None
        edition = row.edition
        return public_url(
            reverse("dip:public_row", args=[edition.body.slug, edition.pk, row.number])
        )

    @extend_schema_field(ROW_CONTENT_SCHEMA)
    def get_content(self, row: EditionRow) -> dict | None:
        if not row.is_public:
            return None
        data = row_serializer_for(row.edition.kind)(row).data
        return {k: v for k, v in data.items() if k not in ("attachments", "redacted_copies")}

    @extend_schema_field(AggregatorFileSerializer(many=True))
    def get_attachments(self, row: EditionRow) -> list[dict]:
        if not row.is_public:
            return []
        edition = row.edition
        if edition.kind == EditionKind.DIK:
            return [
                {k: a[k] for k in ("name", "sha256", "size", "url")}
                for a in PublicDikRowSerializer().get_redacted_copies(row)
            ]
        return [
            {
                "name": a["name"],
                "sha256": a["sha256"],
                "size": a["size"],
                "url": public_url(
                    reverse(
                        "dip:public_attachment",
                        args=[edition.body.slug, edition.pk, row.number, a["id"]],
                    )
                ),
            }
            for a in row.attachments
        ]


class AggregatorPageSerializer(serializers.Serializer):
    results = AggregatorRowSerializer(many=True)
    next = serializers.URLField(
        allow_null=True, help_text="The next page, or null when these are the last rows."
    )
    cursor = serializers.CharField(
        allow_null=True,
        help_text="A bookmark after the last row given: pass it as `cursor` for the next page, "
        "and keep it to pull only what changes later (null when no row was given and none "
        "was asked after).",
    )
