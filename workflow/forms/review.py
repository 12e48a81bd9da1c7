"""Forms of the tim pertimbangan's review: the berita acara of the consequence test, a comment,
and the decision on one exempted row."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dip.models import (
    RECORD_OPENING_MAX_LENGTH,
    Classification,
    ExemptionGround,
)
from workflow.models import (
    COMMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    ConsiderationDecision,
)


class RecordMemberField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name() or user.get_username()
        officer = getattr(user, "officer", None)
        return f"{name} — {officer.position}" if officer and officer.position else name


class ConsiderationRecordForm(forms.Form):
    """The berita acara uji konsekuensi: where and when the tim met, and who was present."""

    place = forms.CharField(label=_("place"), max_length=255)
    held_on = forms.DateField(
        label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    members = RecordMemberField(
        label=_("members present"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members of this public body's tim pertimbangan who took part."),
    )
    opening = forms.CharField(
        label=_("opening text"),
        required=False,
        max_length=RECORD_OPENING_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("comment"), max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ConsiderationForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=ConsiderationDecision.choices)
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
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
