"""Serializers of the signed artefacts of an edition: the DIP/DIK document and the berita
acara uji konsekuensi, each with its build status."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from dip.models import DocumentStatus, EditionDocument, RecordDocument


class EditionDocumentSerializer(serializers.ModelSerializer):
    """The signed PDF's build: pending, rendering, ready or failed (with the last error)."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EditionDocument
        fields = [
            "status",
            "sha256",
            "size",
            "pages",
            "signer_subject",
            "attempts",
            "last_error",
            "rendered_at",
            "updated_at",
            "download_url",
        ]

    def get_download_url(self, document: EditionDocument) -> str | None:
        if document.status != DocumentStatus.READY:
            return None
        url = reverse("workflow:edition_document_pdf", args=[document.edition_id])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class RecordDocumentSerializer(serializers.ModelSerializer):
    """The signed berita acara uji konsekuensi's build, like the edition's own document."""

    class Meta:
        model = RecordDocument
        fields = [
            "status",
            "sha256",
            "size",
            "pages",
            "signer_subject",
            "attempts",
            "last_error",
            "rendered_at",
            "updated_at",
        ]
