"""Forms of the dip screens, by area: `register` (an item, its attachments, the register's
filters), `public` (a published DIP's filters), `verify`, `rowflags`, `classification`
(changes and their decision), `imports` (the spreadsheet import), and `common` (what they
share). They shape and type the input; the services decide. Callers import from here."""

from dip.forms.classification import (
    ChangeDecisionForm,
    ClassificationChangeForm,
    ExemptionEventForm,
)
from dip.forms.common import PUBLIC_CLASSIFICATIONS, DescribedFieldsMixin
from dip.forms.imports import ImportCommitForm, ImportMappingForm, ImportUploadForm
from dip.forms.public import PublicRowFilterForm
from dip.forms.register import (
    AttachmentUploadForm,
    ItemFilterForm,
    ItemForm,
    MultipleFileField,
    MultipleFileInput,
)
from dip.forms.rowflags import ExemptionRetestForm, MarkUpdatedForm, ReopenForm, RowFlagForm
from dip.forms.verify import PDF_MAGIC, VerifyForm
from ppid.forms import add_service_errors

__all__ = [
    "PDF_MAGIC",
    "PUBLIC_CLASSIFICATIONS",
    "AttachmentUploadForm",
    "ChangeDecisionForm",
    "ClassificationChangeForm",
    "DescribedFieldsMixin",
    "ExemptionEventForm",
    "ExemptionRetestForm",
    "ImportCommitForm",
    "ImportMappingForm",
    "ImportUploadForm",
    "ItemFilterForm",
    "ItemForm",
    "MarkUpdatedForm",
    "MultipleFileField",
    "MultipleFileInput",
    "PublicRowFilterForm",
    "ReopenForm",
    "RowFlagForm",
    "VerifyForm",
    "add_service_errors",
]
