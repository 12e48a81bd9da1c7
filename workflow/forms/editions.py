"""Forms of the edition screens: opening an edition, a step of the chain (with the decree when
it signs), and the PPID's nota dinas."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dip.forms import DescribedFieldsMixin
from dip.models import (
    DECREE_NUMBER_MAX_LENGTH,
    EditionKind,
)
from ppid.calendar import body_today
from ppid.models import Body
from workflow.models import (
    NOTE_MAX_LENGTH,
    NotaDinas,
)


class EditionCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=EditionKind.choices)
    year = forms.IntegerField(label=_("year"))
    title = forms.CharField(
        label=_("title"),
        max_length=255,
        required=False,
        help_text=_(
            "For example “DIP 2026” or “DIP 2026 Perubahan ke-1”. Empty: set from the year."
        ),
    )
    revise = forms.BooleanField(
        label=_("Open a revision (Perubahan) of this year on purpose"),
        required=False,
        help_text=_(
            "Only when the year's edition must be changed: the revision is a new edition "
            "“Perubahan ke-N” beside the one already opened or published."
        ),
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.body = body

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = body_today(self.body).year  # the body's year: Jayapura's starts 22:00 WIB
        if not 2000 <= year <= this_year + 1:
            raise ValidationError(
                _("The year must be between 2000 and %(max)d.") % {"max": this_year + 1}
            )
        return year


class ActionForm(DescribedFieldsMixin, forms.Form):
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)
    # The signature (the step into publication) records the decree that sets the list; the
    # fields are offered only then (`signs=True`). The service requires them (after the checks
    # of stage and role, so a caller who may not sign is refused first).
    decree_number = forms.CharField(
        label=_("decree number"),
        required=False,
        max_length=DECREE_NUMBER_MAX_LENGTH,
        help_text=_("As it stands on the Keputusan, for example 188.4/123/DINSOS/2026."),
    )
    decree_date = forms.DateField(
        label=_("decree date"),
        required=False,
        help_text=_("The date on the Keputusan; not after today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, signs: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.signs = signs
        if not signs:
            del self.fields["decree_number"]
            del self.fields["decree_date"]
        else:
            for name in ("decree_number", "decree_date"):
                self.fields[name].widget.attrs.update({"required": True, "aria-required": "true"})
        self._describe_fields()

    def decree(self) -> dict[str, Any]:
        """The decree for the service (nothing unless the transition signs)."""
        if not self.signs:
            return {}
        return {
            "decree_number": self.cleaned_data["decree_number"],
            "decree_date": self.cleaned_data["decree_date"],
        }


class NotaDinasForm(forms.ModelForm):
    class Meta:
        model = NotaDinas
        fields = ["number", "dated", "addressed_to", "subject", "content"]
        widgets = {
            "dated": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "addressed_to": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 8}),
        }
