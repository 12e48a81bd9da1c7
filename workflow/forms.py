from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dip.forms import DescribedFieldsMixin
from dip.models import Classification, EditionKind, ExemptionGround
from ppid.models import CalendarDay
from workflow.models import (
    COMMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    ConsiderationDecision,
    NotaDinas,
)
from workflow.periods import Period


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
        label=_("note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
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


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(
        label=_("name"),
        max_length=120,
        help_text=_("For example “Hari Jadi Kabupaten Kapuas Hulu”."),
    )


WEEKDAY_LABELS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


class OfficeHoursForm(forms.Form):
    """Opening and closing time per weekday; both empty: the day is not worked."""

    national_holidays = forms.BooleanField(
        label=_("Observe national holidays and cuti bersama"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, label in enumerate(WEEKDAY_LABELS, start=1):
            widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            self.fields[f"start_{number}"] = forms.TimeField(
                label=_("%(day)s opens") % {"day": label}, required=False, widget=widget
            )
            self.fields[f"end_{number}"] = forms.TimeField(
                label=_("%(day)s closes") % {"day": label}, required=False, widget=widget
            )

    def day_fields(self):
        return [
            (label, self[f"start_{n}"], self[f"end_{n}"])
            for n, label in enumerate(WEEKDAY_LABELS, start=1)
        ]

    def clean(self):
        data = super().clean()
        hours = {}
        for number in range(1, 8):
            start, end = data.get(f"start_{number}"), data.get(f"end_{number}")
            if (start is None) != (end is None):
                self.add_error(
                    f"end_{number}" if end is None else f"start_{number}",
                    _("Give both the opening and the closing time, or neither."),
                )
            elif start and end and start >= end:
                self.add_error(f"end_{number}", _("The office closes after it opens."))
            hours[number] = (start, end) if start and end else None
        data["hours"] = hours
        return data

    @staticmethod
    def initial_from(calendar) -> dict:
        initial = {"national_holidays": calendar.national}
        for number, (start, end) in calendar.hours.items():
            initial[f"start_{number}"] = start
            initial[f"end_{number}"] = end
        return initial


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


# The security and audit log: what each action is called on the page.
AUDIT_ACTION_LABELS = {
    "account.login": _("Signed in"),
    "account.login_failed": _("Failed sign-in"),
    "account.locked_out": _("Sign-in locked"),
    "account.logout": _("Signed out"),
    "account.create": _("Account created"),
    "account.update": _("Account updated"),
    "account.invite": _("Invitation sent"),
    "account.password_set": _("Password chosen"),
    "account.deactivate": _("Account deactivated"),
    "account.reactivate": _("Account reactivated"),
    "account.token": _("API token issued"),
    "account.2fa_enrol": _("Second factor set up"),
    "account.2fa_verify": _("Second factor confirmed"),
    "account.2fa_failed": _("Wrong second-factor code"),
    "account.2fa_recovery_codes": _("New recovery codes"),
    "account.2fa_reset": _("Second factor reset"),
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
}
AUDIT_ACTION_GROUPS = [
    ("account.", _("All account events")),
    ("role.", _("All role changes")),
    ("edition.", _("All edition steps")),
    ("item.", _("All register changes")),
]


class AuditFilterForm(forms.Form):
    body = forms.ModelChoiceField(
        label=_("Public body"), queryset=None, required=False, empty_label=_("All")
    )
    user = forms.CharField(label=_("Username"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("Event"), required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies.order_by("name")
        self.fields["action"].choices = [
            ("", _("All")),
            *AUDIT_ACTION_GROUPS,
            *AUDIT_ACTION_LABELS.items(),
        ]


class SertaMertaNoteForm(DescribedFieldsMixin, forms.Form):
    """The note of a serta merta request (asking: optional; returning: required)."""

    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, note_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
        self._describe_fields()
