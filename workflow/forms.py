from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dip.forms import DescribedFieldsMixin
from dip.models import (
    DECREE_NUMBER_MAX_LENGTH,
    RECORD_OPENING_MAX_LENGTH,
    Classification,
    EditionKind,
    ExemptionGround,
    Item,
    Stage,
)
from ppid.forms import HoneypotMixin
from ppid.models import CalendarDay, Unit
from workflow.labels import ACTION_LABELS
from workflow.models import (
    COMMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    OBJECTION_REASON_MAX_LENGTH,
    REQUEST_DECISIONS,
    REQUEST_EXTENSION_MAX_WORKING_DAYS,
    ConsiderationDecision,
    InformationRequest,
    NotaDinas,
    ObjectionGround,
    ObjectionStatus,
    RequestChannel,
    RequestStatus,
    Sop,
    SopStep,
    TimeUnit,
    route_problems,
)
from workflow.periods import Period
from workflow.services.sops import HEADER_FIELDS as SOP_HEADER_FIELDS
from workflow.services.sops import MAX_STEPS as SOP_MAX_STEPS
from workflow.services.sops import STEP_FIELDS as SOP_STEP_FIELDS


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

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
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


# The security and audit log's filter: the groups, then each action by its label
# (`workflow.labels`, the one table of what the codes are called).
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
            *ACTION_LABELS.items(),
        ]


# --- SOPs ------------------------------------------------------------------------------------


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


class SertaMertaStandardForm(DescribedFieldsMixin, forms.Form):
    """The body's own time standard for the PPID's serta merta decision (or the default)."""

    use_default = forms.BooleanField(label=_("Use the project's default instead"), required=False)
    amount = forms.IntegerField(
        label=_("time standard"), min_value=1, max_value=999, required=False
    )
    unit = forms.ChoiceField(
        label=_("time unit"), choices=[("", "—"), *TimeUnit.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("use_default"):
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", _("Give the time standard."))
            if not data.get("unit") and "unit" not in self.errors:
                self.add_error("unit", _("Choose a time unit."))
        return data


# --- objections (keberatan) -------------------------------------------------------------------

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


# --- requests for information ----------------------------------------------------------------

REQUESTER_FIELDS = [
    "name",
    "address",
    "phone",
    "email",
    "occupation",
    "identity_number",
    "information",
    "purpose",
    "obtain",
    "form",
    "delivery",
]


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
