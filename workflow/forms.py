from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dip.models import Classification, EditionKind, ExemptionGround
from workflow.models import ConsiderationDecision, NotaDinas


class EditionCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=EditionKind.choices)
    year = forms.IntegerField(label=_("year"))
    title = forms.CharField(
        label=_("title"),
        max_length=255,
        required=False,
        help_text=_("For example “DIP 2026” or “DIP 2026 Revisi 1”. Empty: set from the year."),
    )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not 2000 <= year <= this_year + 1:
            raise ValidationError(
                _("The year must be between 2000 and %(max)d.") % {"max": this_year + 1}
            )
        return year


class ActionForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)


class NotaDinasForm(forms.ModelForm):
    class Meta:
        model = NotaDinas
        fields = ["number", "dated", "addressed_to", "subject", "content"]
        widgets = {
            "dated": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "addressed_to": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 8}),
        }


class CommentForm(forms.Form):
    text = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}))
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ConsiderationForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=ConsiderationDecision.choices)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    exemption_ground = forms.ChoiceField(
        label=_("new legal ground"),
        required=False,
        choices=[("", "—"), *ExemptionGround.choices],
    )
    exemption_law = forms.CharField(label=_("law cited (name and article)"), required=False)
    exemption_until = forms.DateField(
        label=_("exempted until (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    exemption_event = forms.CharField(label=_("exempted until (event)"), required=False)
    exemption_permanent = forms.BooleanField(label=_("exempted permanently"), required=False)
    classification = forms.ChoiceField(
        label=_("open as"),
        required=False,
        choices=[("", "—")]
        + [c for c in Classification.choices if c[0] != Classification.DIKECUALIKAN],
    )

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            k: data[k]
            for k in (
                "exemption_ground",
                "exemption_law",
                "exemption_until",
                "exemption_event",
                "exemption_permanent",
                "classification",
            )
            if data.get(k) not in (None, "")
        }
