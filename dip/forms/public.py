"""The search and filters of a published DIP on the public website."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dip.forms.common import PUBLIC_CLASSIFICATIONS, DescribedFieldsMixin, search_field


class PublicRowFilterForm(DescribedFieldsMixin, forms.Form):
    """Search and filters of a published DIP (GET). Bad values are ignored, never an error."""

    q = search_field()
    classification = forms.ChoiceField(
        label=_("classification"),
        required=False,
        choices=[("", _("All")), *PUBLIC_CLASSIFICATIONS],
    )
    unit = forms.ChoiceField(label=_("unit"), required=False)
    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, units: list[str], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All"))] + [(u, u) for u in units]
        self.fields["year"].choices = [("", _("All"))] + [(y, str(y)) for y in years]
        self._describe_fields()

    def filters(self) -> dict[str, Any]:
        """The values that passed their checks; a bad value drops only its own filter."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
