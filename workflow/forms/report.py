"""The compliance report's period form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dip.forms import DescribedFieldsMixin
from workflow.periods import Period


class ReportPeriodForm(DescribedFieldsMixin, forms.Form):
    """The compliance report's period (GET). A bad value falls back to the default period."""

    period = forms.ChoiceField(label=_("Report period"), required=False)

    def __init__(self, *args: Any, choices: list, default: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default = default
        self.fields["period"].choices = choices
        self.fields["period"].initial = default.key
        self._describe_fields()

    def chosen_period(self) -> Period:
        if self.is_valid() and self.cleaned_data["period"]:
            return Period.parse(self.cleaned_data["period"]) or self.default
        return self.default
