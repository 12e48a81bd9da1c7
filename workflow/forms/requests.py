"""Forms of requests for information: the public and the offline request, and the officers'
extension, decision, hand-over, note and register filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dip.models import (
    Item,
)
from ppid.forms import HoneypotMixin
from ppid.models import Unit
from workflow.models import (
    NOTE_MAX_LENGTH,
    REQUEST_DECISIONS,
    REQUEST_EXTENSION_MAX_WORKING_DAYS,
    REQUESTER_FIELDS,
    InformationRequest,
    RequestChannel,
    RequestStatus,
)


class RequesterForm(forms.ModelForm):
    """A request for information: the requester, what is asked for and how."""

    class Meta:
        model = InformationRequest
        fields = REQUESTER_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "information": forms.Textarea(attrs={"rows": 4}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "obtain": forms.RadioSelect,
            "form": forms.RadioSelect,
            "delivery": forms.RadioSelect,
            "identity_number": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off"}
            ),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {
            "identity_number": _("Your NIK (KTP) or another identity number; never published."),
            "information": _("Describe the information you need as precisely as you can."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("obtain", "form", "delivery"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]

    def requester_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in REQUESTER_FIELDS}


class PublicRequestForm(HoneypotMixin, RequesterForm):
    """The public request form (no login): with the honeypot."""


OFFLINE_CHANNELS = [c for c in RequestChannel.choices if c[0] != RequestChannel.ONLINE]


class OfflineRequestForm(RequesterForm):
    """A request received at the counter, by letter, telephone or e-mail, entered by the
    operator with the date it was really received."""

    channel = forms.ChoiceField(label=_("channel"), choices=OFFLINE_CHANNELS)
    received_at = forms.DateTimeField(
        label=_("received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    class Meta(RequesterForm.Meta):
        pass

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identity_number"].required = True


class RequestExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for the extension"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
    )
    days = forms.IntegerField(
        label=_("extension (working days)"),
        min_value=1,
        max_value=REQUEST_EXTENSION_MAX_WORKING_DAYS,
        initial=REQUEST_EXTENSION_MAX_WORKING_DAYS,
    )


class RequestDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(value, RequestStatus(value).label) for value in REQUEST_DECISIONS],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        help_text=_("For a partial grant: which part and why; for “not yet documented”: when."),
    )
    dik_item = forms.ModelChoiceField(
        label=_("DIK row (for a refusal)"), queryset=Item.objects.none(), required=False
    )
    holder = forms.CharField(
        label=_("held by (when not held here)"), required=False, max_length=500
    )
    fee = forms.DecimalField(
        label=_("fee (Rp)"), required=False, min_value=0, max_digits=12, decimal_places=0
    )

    def __init__(self, *args: Any, dik_items=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if dik_items is not None:
            self.fields["dik_item"].queryset = dik_items


class RequestHandOverForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("unit holding the information"), queryset=Unit.objects.none()
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE_MAX_LENGTH,
    )

    def __init__(self, *args: Any, units=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class RequestNoteForm(forms.Form):
    text = forms.CharField(
        label=_("internal note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE_MAX_LENGTH,
    )


class RequestRegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("all")), *RequestStatus.choices]
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
