"""Forms of the SOP editor: the header and the steps (one formset checked as a route)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dip.forms import DescribedFieldsMixin
from dip.models import (
    Stage,
)
from workflow.models import (
    NOTE_MAX_LENGTH,
    Sop,
    SopStep,
    route_problems,
)
from workflow.services.sops import HEADER_FIELDS as SOP_HEADER_FIELDS
from workflow.services.sops import MAX_STEPS as SOP_MAX_STEPS
from workflow.services.sops import STEP_FIELDS as SOP_STEP_FIELDS


class SopHeaderForm(DescribedFieldsMixin, forms.ModelForm):
    """The SOP's header, as the seed documents lay it out, and why it changes."""

    change_note = forms.CharField(
        label=_("reason for the change"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit trail with the list of what changed."),
    )

    class Meta:
        model = Sop
        fields = list(SOP_HEADER_FIELDS)
        widgets = {
            "made_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "revised_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "effective_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "approved_by",
                    "legal_basis",
                    "qualifications",
                    "related",
                    "equipment",
                    "warnings",
                    "records",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe_fields()


class SopStepForm(DescribedFieldsMixin, forms.ModelForm):
    """One step of the SOP: a row of the seed's table (No, Kegiatan, Pelaksana, Mutu Baku:
    Kelengkapan, Waktu, Output, Keterangan) with the stage it drives and where a "tidak setuju"
    returns."""

    class Meta:
        model = SopStep
        fields = list(SOP_STEP_FIELDS)
        widgets = {
            "activity": forms.Textarea(attrs={"rows": 3}),
            "requirements": forms.Textarea(attrs={"rows": 2}),
            "output": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            c for c in self.fields["stage"].choices if c[0] != Stage.PUBLISHED
        ]
        self.fields["return_to"].choices = [
            c for c in self.fields["return_to"].choices if c[0] != Stage.PUBLISHED
        ]
        self._describe_fields()


class BaseSopStepFormSet(forms.BaseFormSet):
    """The steps together: one number and one stage per step, returns to a stage of this SOP,
    and the route rules that let the SOP drive an edition (`route_problems`)."""

    def kept_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.has_changed() or form.initial
            if not (self.can_delete and self._should_delete_form(form))
        ]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.kept_forms()
            if form.cleaned_data
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        forms_ = [f for f in self.kept_forms() if f.cleaned_data]
        if not forms_:
            raise ValidationError(_("The SOP needs at least one step."))
        numbers = [f.cleaned_data["number"] for f in forms_]
        stages = [f.cleaned_data["stage"] for f in forms_]
        found = False
        for form in forms_:
            data = form.cleaned_data
            if numbers.count(data["number"]) > 1:
                form.add_error("number", _("Another step has this number."))
                found = True
            if stages.count(data["stage"]) > 1:
                form.add_error(
                    "stage", _("Another step is at this stage: each stage has one step.")
                )
                found = True
            if data.get("return_to") and data["return_to"] not in stages:
                form.add_error("return_to", _("This SOP has no step at that stage."))
                found = True
        if found:
            raise ValidationError(_("Please correct the errors in the steps below."))
        steps = [SopStep(**{k: v for k, v in row.items()}) for row in self.rows()]
        if problems := route_problems(steps):
            raise ValidationError(problems)


def sop_step_formset(extra: int = 1) -> type[BaseSopStepFormSet]:
    """The steps' formset with `extra` empty rows for new steps."""
    return forms.formset_factory(
        SopStepForm,
        formset=BaseSopStepFormSet,
        extra=extra,
        can_delete=True,
        max_num=SOP_MAX_STEPS,
        validate_max=True,
    )
