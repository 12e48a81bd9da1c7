"""Forms of a body's office calendar: a holiday or a working day, and the opening hours."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ppid.models import CalendarDay


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
