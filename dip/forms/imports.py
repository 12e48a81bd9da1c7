"""Forms of the spreadsheet import: the file, the mapping of its columns, the confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dip.forms.common import DescribedFieldsMixin


class ImportUploadForm(DescribedFieldsMixin, forms.Form):
    # Not required here: the service names what is wrong with a missing or bad file.
    file = forms.FileField(
        label=_("spreadsheet"),
        required=False,
        help_text=_(
            "An .xlsx workbook or a .csv file, one row per item, with headings (the Perki "
            "column names are recognised). At most %(rows)s rows and %(size)s."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, max_rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "rows": f"{max_rows:,}".replace(",", "."),
            "size": filesizeformat(settings.PPID_UPLOAD_MAX_BYTES),
        }
        self._describe_fields()


class ImportMappingForm(DescribedFieldsMixin, forms.Form):
    """One choice per column of the file: the item field it fills, or nothing."""

    def __init__(
        self,
        *args: Any,
        columns: list[dict[str, Any]],
        mapping: dict[str, str],
        targets: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(do not import)")), ("number", _("Row number (not imported)"))]
        choices += [(name, capfirst(label)) for name, label in targets.items()]
        self.keys: dict[str, str] = {}
        for position, column in enumerate(columns):
            name = f"col_{position}"
            self.keys[name] = column["key"]
            self.fields[name] = forms.ChoiceField(
                label=column["heading"][:120],
                required=False,
                choices=choices,
                initial=mapping.get(column["key"], ""),
            )
        self._describe_fields()

    def mapping(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name) or "" for name, key in self.keys.items()}


class ImportCommitForm(DescribedFieldsMixin, forms.Form):
    update_all = forms.BooleanField(
        label=_("Update every item already in the register with its row from the file"),
        required=False,
    )
    update_rows = forms.TypedMultipleChoiceField(
        label=_("Update these items"), required=False, coerce=int, choices=()
    )
    confirm = forms.BooleanField(
        label=_("I have checked the preview: import the valid rows into the register."),
        required=True,
        error_messages={"required": _("Tick this box to confirm the import.")},
    )

    def __init__(self, *args: Any, duplicates: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["update_rows"].choices = [(i, str(i)) for i in duplicates]
        self._describe_fields()
