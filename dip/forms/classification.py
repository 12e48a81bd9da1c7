"""Classification changes: proposed for the tim pertimbangan, an exemption's event recorded,
and the tim's decision."""

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
from dip.forms.register import ItemForm
from dip.forms.rowflags import RowFlagForm
from dip.models import (
    EXEMPTION_FIELDS,
    Classification,
    ClassificationChange,
    Item,
)


class ClassificationChangeForm(DescribedFieldsMixin, forms.ModelForm):
    """Propose moving an item into or out of dikecualikan. Opening asks for the public class
    (and a berkala period); closing asks for the whole consequence test. The service decides."""

    class Meta:
        model = ClassificationChange
        fields = [
            "to_classification",
            "update_period_months",
            "reason",
            *EXEMPTION_FIELDS,
        ]
        widgets = {
            **{k: v for k, v in ItemForm.Meta.widgets.items() if k in EXEMPTION_FIELDS},
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"to_classification": _("new classification")}
        help_texts = {
            **{k: v for k, v in ItemForm.Meta.help_texts.items() if k in EXEMPTION_FIELDS},
            "reason": _(
                "Why the classification should change. The tim pertimbangan reads it when it "
                "decides; the change takes effect only when the atasan signs the DIK."
            ),
            "update_period_months": _(
                "Berkala only: how often it is updated, at least every 6 months."
            ),
        }

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.opens = item.classification == Classification.DIKECUALIKAN
        target = self.fields["to_classification"]
        if self.opens:
            target.choices = [("", "---------"), *PUBLIC_CLASSIFICATIONS]
            for name in EXEMPTION_FIELDS:
                del self.fields[name]
        else:
            target.choices = [(Classification.DIKECUALIKAN, Classification.DIKECUALIKAN.label)]
            target.initial = Classification.DIKECUALIKAN
            del self.fields["update_period_months"]
            for name in EXEMPTION_FIELDS:
                self.fields[name].required = False  # the service says what the test lacks
        if "update_period_months" in self.fields:
            period = self.fields["update_period_months"]
            period.widget.attrs.pop("min", None)
            period.widget.attrs.pop("max", None)
        self.fields["reason"].required = False  # the service's message, next to the field
        self._describe_fields()

    def _post_clean(self) -> None:
        # The service validates the change as a whole (with the item); no model checks here.
        pass

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        fields = {
            "to_classification": data.get("to_classification") or "",
            "reason": data.get("reason") or "",
            "update_period_months": data.get("update_period_months"),
        }
        if not self.opens:
            fields.update({name: data.get(name) for name in EXEMPTION_FIELDS})
            fields["exemption_permanent"] = bool(fields["exemption_permanent"])
            for name in EXEMPTION_FIELDS:
                if fields[name] is None and name != "exemption_until":
                    fields[name] = ""
        return fields


class ExemptionEventForm(RowFlagForm):
    """The PPID records that the event an exemption ran until has happened."""

    happened_on = forms.DateField(
        label=_("the event happened on"),
        required=False,  # the service says what is missing, next to the field
        widget=date_input(),
    )
    classification = forms.ChoiceField(
        label=_("re-open as"),
        choices=PUBLIC_CLASSIFICATIONS,
        initial=Classification.SETIAP_SAAT,
        help_text=_(
            "The public class proposed to the tim pertimbangan; it takes effect when the atasan "
            "signs the DIK."
        ),
    )
    update_period_months = update_period_field()
    field_order = ["happened_on", "note", "classification", "update_period_months"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = capfirst(_("what happened"))


class ChangeDecisionForm(forms.Form):
    """The tim pertimbangan agrees or refuses a classification change."""

    AGREE = "agree"
    REFUSE = "refuse"
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(AGREE, _("Agree")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
