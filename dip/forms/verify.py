"""The check of a signed document on /verifikasi/: the PDF itself, or its code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from dip.forms.common import DescribedFieldsMixin

PDF_MAGIC = b"%PDF-"


class VerifyForm(DescribedFieldsMixin, forms.Form):
    """A signed document to check: the PDF itself, or the code printed under its QR code."""

    file = forms.FileField(
        label=_("The PDF file"),
        required=False,
        help_text=_("At most %(size)s."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    code = forms.CharField(
        label=_("Or the verification code"),
        required=False,
        max_length=40,
        help_text=_("Printed under the QR code of the document."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "size": filesizeformat(settings.PPID_UPLOAD_MAX_BYTES)
        }
        self._describe_fields()

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        limit = settings.PPID_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="size",
            )
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise forms.ValidationError(
                _("This file is not a PDF. Choose the PDF of the signed DIP or DIK."),
                code="type",
            )
        return upload

    def clean_code(self) -> str:
        return "".join(self.cleaned_data.get("code", "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not cleaned.get("code"):
            raise forms.ValidationError(
                _("Choose the PDF file or type the verification code."), code="empty"
            )
        return cleaned
