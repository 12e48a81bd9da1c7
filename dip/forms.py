"""Forms of the register screens. They shape and type the input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dip.models import (
    EXEMPTION_FIELDS,
    ITEM_FIELDS,
    AttachmentKind,
    Classification,
    ClassificationChange,
    Item,
)
from dip.selectors.register import WITH_ATTACHMENTS, WITHOUT_ATTACHMENTS
from ppid.forms import add_service_errors
from ppid.models import Body

__all__ = [
    "AttachmentUploadForm",
    "ItemFilterForm",
    "ItemForm",
    "PublicRowFilterForm",
    "VerifyForm",
    "add_service_errors",
]

_EMPTY = {"exemption_until": None, "exemption_permanent": False}


class DescribedFieldsMixin:
    """Tie each input to its help text and its error text (ids written by includes/field.html)."""

    def _describe_fields(self) -> None:
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            field.label = capfirst(field.label)
            auto_id = self[name].auto_id
            if not auto_id:
                continue
            ids = [f"{auto_id}_help"] if field.help_text else []
            ids.append(f"{auto_id}_error")
            field.widget.attrs.setdefault("aria-describedby", " ".join(ids))


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(DescribedFieldsMixin, forms.ModelForm):
    """Every field an officer fills in for an item; the consequence test only for dikecualikan."""

    class Meta:
        model = Item
        fields = list(ITEM_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "produced_at": _date_input(),
            "exemption_until": _date_input(),
            "consequence_if_opened": forms.Textarea(attrs={"rows": 3}),
            "consequence_if_closed": forms.Textarea(attrs={"rows": 3}),
            "public_interest": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "classification": _(
                "Serta merta: must be announced at once because it concerns people's safety. "
                "Berkala: published regularly. Setiap saat: available on request at any time. "
                "Dikecualikan: closed to the public after a consequence test."
            ),
            "update_period_months": _(
                "How often this berkala information is updated: every 1 to 6 months."
            ),
            "summary": _("In a few sentences: what the information says or contains."),
            "exemption_ground": _(
                "The point of Pasal 17 UU 14/2008 that closes it. a to f: opening it would "
                "harm law enforcement, intellectual property or fair competition, national "
                "defence, Indonesia's natural wealth, the national economy, or foreign relations. "
                "g: the content of an authentic deed or a will. h: someone's private secrets. "
                "i: memoranda between or within public bodies that are kept confidential. "
                "j or another law: a law forbids disclosing it (cite it below)."
            ),
            "exemption_law": _(
                "Only for ground j or another law: the name of the law and the article, "
                "for example “UU 24/2013 Pasal 79”."
            ),
            "consequence_if_opened": _(
                "What harm would follow if the public could see it: who would be harmed, and how."
            ),
            "consequence_if_closed": _(
                "What the public would lose if it stays closed. The test weighs this against "
                "the harm of opening it."
            ),
            "public_interest": _(
                "Why keeping it closed protects a larger public interest than opening it "
                "(Pasal 2 ayat 4 UU 14/2008)."
            ),
            "exemption_until": _("Closed until this date; leave empty if you choose an event."),
            "exemption_event": _(
                "Or closed until something happens, for example “until the court's ruling is "
                "final”."
            ),
            "exemption_permanent": _(
                "Permanently closed: allowed only for ground g (a deed or a will) or h (private "
                "secrets). Every other ground needs a date or an event."
            ),
        }

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.body = body
        self.fields["unit"].queryset = body.units.order_by("name")
        period = self.fields["update_period_months"]
        period.required = False
        # No min/max in the page: a hidden, out-of-range value would block the browser's submit.
        period.widget.attrs.pop("min", None)
        period.widget.attrs.pop("max", None)
        self.fields["produced_at"].widget.attrs["max"] = timezone.localdate().isoformat()
        self._describe_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        classification = data.get("classification")
        if classification != Classification.DIKECUALIKAN:
            # The consequence test is hidden then: whatever is left in it does not count.
            for name in EXEMPTION_FIELDS:
                data[name] = _EMPTY.get(name, "")
                self._errors.pop(name, None)
        if data.get("update_period_months") is None:
            if classification == Classification.BERKALA and "update_period_months" not in (
                self._errors
            ):
                field = self.fields["update_period_months"]
                self.add_error("update_period_months", field.error_messages["required"])
            else:
                self._errors.pop("update_period_months", None)
                data["update_period_months"] = self.instance.update_period_months or 6
        return data

    def item_fields(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments for item_create / item_update."""
        return {name: self.cleaned_data[name] for name in ITEM_FIELDS}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>, cleaned to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        cleaned = []
        for upload in data if isinstance(data, list | tuple) else [data]:
            if upload:
                cleaned.append(super().clean(upload, initial))
        return cleaned


class AttachmentUploadForm(DescribedFieldsMixin, forms.Form):
    # Not required here: the service says "choose at least one file" in its own words.
    file = MultipleFileField(
        label=_("files"),
        required=False,
        help_text=_(
            "Choose one or several files: PDF, office documents, JPEG/PNG/TIFF images. "
            "At most %(size)s each."
        ),
    )
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=AttachmentKind.choices,
        initial=AttachmentKind.SOFTCOPY,
        help_text=_(
            "Scan of a hard copy: photos or scans (JPEG/PNG/TIFF) are combined into one PDF, "
            "pages in the order the files were chosen."
        ),
    )

    def __init__(self, *args: Any, max_size: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {"size": max_size}
        self._describe_fields()


class ItemFilterForm(DescribedFieldsMixin, forms.Form):
    """The register's search and filters (GET). Bad values are ignored, never an error page."""

    ATTACHMENTS_YES = WITH_ATTACHMENTS
    ATTACHMENTS_NO = WITHOUT_ATTACHMENTS

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Title or summary"), "autocomplete": "off"}
        ),
    )
    classification = forms.ChoiceField(
        label=_("classification"),
        required=False,
        choices=[("", _("All")), *Classification.choices],
    )
    unit = forms.ModelChoiceField(
        label=_("unit"), required=False, queryset=None, empty_label=_("All")
    )
    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)
    attachments = forms.ChoiceField(
        label=_("attachments"),
        required=False,
        choices=[
            ("", _("All")),
            (ATTACHMENTS_YES, _("With attachments")),
            (ATTACHMENTS_NO, _("Without attachments")),
        ],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, body: Body, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = body.units.order_by("name")
        self.fields["year"].choices = [("", _("All"))] + [(y, str(y)) for y in years]
        self._describe_fields()

    def filters(self) -> dict[str, Any]:
        """The values that passed their checks; a bad value drops only its own filter."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


# --- the public website --------------------------------------------------------------------

PUBLIC_CLASSIFICATIONS = [
    (c.value, c.label) for c in Classification if c != Classification.DIKECUALIKAN
]
PDF_MAGIC = b"%PDF-"


class PublicRowFilterForm(DescribedFieldsMixin, forms.Form):
    """Search and filters of a published DIP (GET). Bad values are ignored, never an error."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Title or summary"), "autocomplete": "off"}
        ),
    )
    classification = forms.ChoiceField(
        label=_("classification"),
        required=False,
        choices=[("", _("All")), *PUBLIC_CLASSIFICATIONS],
    )
    unit = forms.ChoiceField(label=_("unit"), required=False)
    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, units: list[str], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All"))] + [(u, u) for u in units]
        self.fields["year"].choices = [("", _("All"))] + [(y, str(y)) for y in years]
        self._describe_fields()

    def filters(self) -> dict[str, Any]:
        """The values that passed their checks; a bad value drops only its own filter."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class VerifyForm(DescribedFieldsMixin, forms.Form):
    """A signed document to check: the PDF itself, or the code printed under its QR code."""

    file = forms.FileField(
        label=_("The PDF file"),
        required=False,
        help_text=_("At most %(size)s."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    code = forms.CharField(
        label=_("Or the verification code"),
        required=False,
        max_length=40,
        help_text=_("Printed under the QR code of the document."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "size": filesizeformat(settings.PPID_UPLOAD_MAX_BYTES)
        }
        self._describe_fields()

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        limit = settings.PPID_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="size",
            )
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise forms.ValidationError(
                _("This file is not a PDF. Choose the PDF of the signed DIP or DIK."),
                code="type",
            )
        return upload

    def clean_code(self) -> str:
        return "".join(self.cleaned_data.get("code", "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not cleaned.get("code"):
            raise forms.ValidationError(
                _("Choose the PDF file or type the verification code."), code="empty"
            )
        return cleaned


# --- row flags: confirm an update, re-open or re-test an exemption that has ended ------------


class RowFlagForm(DescribedFieldsMixin, forms.Form):
    """A confirmation form that carries the flag it was shown for (`expected`), so a second
    click or a second tab answers "already processed" instead of acting twice."""

    expected = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe_fields()


class MarkUpdatedForm(RowFlagForm):
    updated_on = forms.DateField(
        label=_("updated on"),
        widget=_date_input(),
        help_text=_("The day the information itself was last brought up to date."),
    )
    field_order = ["updated_on", "note"]


class ExemptionRetestForm(RowFlagForm):
    exemption_until = forms.DateField(
        label=_("exempted until (date)"),
        required=False,  # the service says what is missing, next to the field
        widget=_date_input(),
        help_text=_("The consequence test was run again: the item stays closed until this date."),
    )
    field_order = ["exemption_until", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = capfirst(_("outcome of the new consequence test"))


class ReopenForm(RowFlagForm):
    classification = forms.ChoiceField(
        label=_("classification"),
        choices=[("", "---------"), *PUBLIC_CLASSIFICATIONS],
        help_text=_("The item becomes public information of this class."),
    )
    update_period_months = forms.TypedChoiceField(
        label=_("update period (months)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "---------")] + [(n, str(n)) for n in range(1, 7)],
        help_text=_("Berkala only: how often it is updated, at least every 6 months."),
    )
    field_order = ["classification", "update_period_months", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("classification") == Classification.BERKALA and not data.get(
            "update_period_months"
        ):
            self.add_error(
                "update_period_months", _("Berkala information needs its update period.")
            )
        return data


# --- classification changes: proposed for the tim, an exemption's event recorded -------------


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
        widget=_date_input(),
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
    update_period_months = forms.TypedChoiceField(
        label=_("update period (months)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "---------")] + [(n, str(n)) for n in range(1, 7)],
        help_text=_("Berkala only: how often it is updated, at least every 6 months."),
    )
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


# --- spreadsheet import ----------------------------------------------------------------------


class ImportUploadForm(DescribedFieldsMixin, forms.Form):
    # Not required here: the service names what is wrong with a missing or bad file.
    file = forms.FileField(
        label=_("spreadsheet"),
        required=False,
        help_text=_(
            "An .xlsx workbook or a .csv file, one row per item, with headings (the Perki "
            "column names are recognised). At most %(rows)s rows and %(size)s."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, max_rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "rows": f"{max_rows:,}".replace(",", "."),
            "size": filesizeformat(settings.PPID_UPLOAD_MAX_BYTES),
        }
        self._describe_fields()


class ImportMappingForm(DescribedFieldsMixin, forms.Form):
    """One choice per column of the file: the item field it fills, or nothing."""

    def __init__(
        self,
        *args: Any,
        columns: list[dict[str, Any]],
        mapping: dict[str, str],
        targets: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(do not import)")), ("number", _("Row number (not imported)"))]
        choices += [(name, capfirst(label)) for name, label in targets.items()]
        self.keys: dict[str, str] = {}
        for position, column in enumerate(columns):
            name = f"col_{position}"
            self.keys[name] = column["key"]
            self.fields[name] = forms.ChoiceField(
                label=column["heading"][:120],
                required=False,
                choices=choices,
                initial=mapping.get(column["key"], ""),
            )
        self._describe_fields()

    def mapping(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name) or "" for name, key in self.keys.items()}


class ImportCommitForm(DescribedFieldsMixin, forms.Form):
    update_all = forms.BooleanField(
        label=_("Update every item already in the register with its row from the file"),
        required=False,
    )
    update_rows = forms.TypedMultipleChoiceField(
        label=_("Update these items"), required=False, coerce=int, choices=()
    )
    confirm = forms.BooleanField(
        label=_("I have checked the preview: import the valid rows into the register."),
        required=True,
        error_messages={"required": _("Tick this box to confirm the import.")},
    )

    def __init__(self, *args: Any, duplicates: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["update_rows"].choices = [(i, str(i)) for i in duplicates]
        self._describe_fields()
