"""Forms of the register: an item (the consequence test only for dikecualikan), its
attachments, and the register's search and filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from dip.forms.common import DescribedFieldsMixin, date_input, search_field
from dip.models import (
    EXEMPTION_FIELDS,
    ITEM_FIELDS,
    AttachmentKind,
    Classification,
    Item,
)
from dip.selectors.register import WITH_ATTACHMENTS, WITHOUT_ATTACHMENTS
from ppid.calendar import body_today
from ppid.models import Body

_EMPTY = {"exemption_until": None, "exemption_permanent": False}


class ItemForm(DescribedFieldsMixin, forms.ModelForm):
    """Every field an officer fills in for an item; the consequence test only for dikecualikan."""

    class Meta:
        model = Item
        fields = list(ITEM_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "produced_at": date_input(),
            "exemption_until": date_input(),
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
        self.fields["produced_at"].widget.attrs["max"] = body_today(body).isoformat()
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

    q = search_field()
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
