"""Forms of objections (keberatan): the requester's objection, the atasan's answer, the
register's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dip.forms import DescribedFieldsMixin
from ppid.forms import HoneypotMixin
from workflow.models import (
    NOTE_MAX_LENGTH,
    OBJECTION_REASON_MAX_LENGTH,
    ObjectionGround,
    ObjectionStatus,
)

# Pasal 35(1) a-g as the requester reads them on the public form (the register shows the
# model's short labels).
OBJECTION_GROUND_CHOICES = [
    ("a", _("a. My request was refused on the grounds of the exceptions of Pasal 17")),
    ("b", _("b. Periodic (berkala) information under Pasal 9 was not provided")),
    ("c", _("c. My request for information was not answered")),
    ("d", _("d. My request was answered other than what I asked for")),
    ("e", _("e. My request for information was not fulfilled")),
    ("f", _("f. I was charged an unreasonable fee")),
    ("g", _("g. The information was given later than the law allows")),
]


class ObjectionForm(HoneypotMixin, DescribedFieldsMixin, forms.Form):
    """The requester's objection to the atasan PPID (public: with the honeypot)."""

    ground = forms.ChoiceField(
        label=_("Ground of the objection (Pasal 35 ayat 1)"),
        choices=OBJECTION_GROUND_CHOICES,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Your reasons"),
        max_length=OBJECTION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you object to and what you ask the atasan PPID to decide."),
    )

    def __init__(self, *args: Any, grounds: dict | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if grounds is not None:
            self.fields["ground"].choices = [c for c in OBJECTION_GROUND_CHOICES if c[0] in grounds]
        self._describe_fields()


class ObjectionAnswerForm(DescribedFieldsMixin, forms.Form):
    """The atasan's answer (tanggapan atasan), confirmed before it is signed."""

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            ("upheld", _("Uphold the objection (the requester is right)")),
            ("rejected", _("Reject the objection (the PPID's answer stands)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("considerations of the atasan"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Printed in the signed answer the requester receives."),
    )
    confirm = forms.BooleanField(
        label=_("I have read the objection and sign this answer electronically."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe_fields()


class ObjectionFilterForm(forms.Form):
    """The filters of the objection register."""

    q = forms.CharField(label=_("search the objections"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("state of the objection"), required=False)
    ground = forms.ChoiceField(label=_("ground of the objection"), required=False)
    overdue = forms.BooleanField(label=_("only overdue"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("any state")), *ObjectionStatus.choices]
        self.fields["ground"].choices = [("", _("any ground")), *ObjectionGround.choices]
