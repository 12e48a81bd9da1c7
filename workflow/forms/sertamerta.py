"""Forms of serta merta information: the note of a request, and the body's time standard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dip.forms import DescribedFieldsMixin
from workflow.models import (
    NOTE_MAX_LENGTH,
    TimeUnit,
)


class SertaMertaNoteForm(DescribedFieldsMixin, forms.Form):
    """The note of a serta merta request (asking: optional; returning: required)."""

    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, note_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
        self._describe_fields()


class SertaMertaStandardForm(DescribedFieldsMixin, forms.Form):
    """The body's own time standard for the PPID's serta merta decision (or the default)."""

    use_default = forms.BooleanField(label=_("Use the project's default instead"), required=False)
    amount = forms.IntegerField(
        label=_("time standard"), min_value=1, max_value=999, required=False
    )
    unit = forms.ChoiceField(
        label=_("time unit"), choices=[("", "—"), *TimeUnit.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("use_default"):
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", _("Give the time standard."))
            if not data.get("unit") and "unit" not in self.errors:
                self.add_error("unit", _("Choose a time unit."))
        return data
