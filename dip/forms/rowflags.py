"""Row flags: confirm an update, re-open or re-test an exemption that has ended. Each form
carries the flag it was shown for, so a second click answers "already processed"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dip.forms.common import (
    PUBLIC_CLASSIFICATIONS,
    DescribedFieldsMixin,
    date_input,
    update_period_field,
)
from dip.models import (
    Classification,
)


class RowFlagForm(DescribedFieldsMixin, forms.Form):
    """A confirmation form that carries the flag it was shown for (`expected`), so a second
    click or a second tab answers "already processed" instead of acting twice."""

    expected = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe_fields()


class MarkUpdatedForm(RowFlagForm):
    updated_on = forms.DateField(
        label=_("updated on"),
        widget=date_input(),
        help_text=_("The day the information itself was last brought up to date."),
    )
    field_order = ["updated_on", "note"]


class ExemptionRetestForm(RowFlagForm):
    exemption_until = forms.DateField(
        label=_("exempted until (date)"),
        required=False,  # the service says what is missing, next to the field
        widget=date_input(),
        help_text=_("The consequence test was run again: the item stays closed until this date."),
    )
    field_order = ["exemption_until", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = capfirst(_("outcome of the new consequence test"))


class ReopenForm(RowFlagForm):
    classification = forms.ChoiceField(
        label=_("classification"),
        choices=[("", "---------"), *PUBLIC_CLASSIFICATIONS],
        help_text=_("The item becomes public information of this class."),
    )
    update_period_months = update_period_field()
    field_order = ["classification", "update_period_months", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("classification") == Classification.BERKALA and not data.get(
            "update_period_months"
        ):
            self.add_error(
                "update_period_months", _("Berkala information needs its update period.")
            )
        return data
