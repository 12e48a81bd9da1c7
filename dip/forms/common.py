"""What the dip forms share: each input tied to its help and error text, the date input, the
public classes (every class but dikecualikan), the filters' search box and the berkala update
period."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dip.models import Classification


class DescribedFieldsMixin:
    """Tie each input to its help text and its error text (ids written by includes/field.html)."""

    def _describe_fields(self) -> None:
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            field.label = capfirst(field.label)
            auto_id = self[name].auto_id
            if not auto_id:
                continue
            ids = [f"{auto_id}_help"] if field.help_text else []
            ids.append(f"{auto_id}_error")
            field.widget.attrs.setdefault("aria-describedby", " ".join(ids))


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


PUBLIC_CLASSIFICATIONS = [
    (c.value, c.label) for c in Classification if c != Classification.DIKECUALIKAN
]


def search_field() -> forms.CharField:
    """The search box of the register's and the published DIP's filters."""
    return forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Title or summary"), "autocomplete": "off"}
        ),
    )


def update_period_field() -> forms.TypedChoiceField:
    """The update period (1 to 6 months) of an item that becomes berkala."""
    return forms.TypedChoiceField(
        label=_("update period (months)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "---------")] + [(n, str(n)) for n in range(1, 7)],
        help_text=_("Berkala only: how often it is updated, at least every 6 months."),
    )
