"""Forms of the workflow screens, by area: `editions` (opening, a step of the chain, the nota
dinas), `review` (the tim pertimbangan), `calendar`, `report`, `audit`, `sops`, `sertamerta`,
`objections` and `requests`. They shape and type the input; the services decide. Callers
import from here."""

from workflow.forms.audit import AUDIT_ACTION_GROUPS, AuditFilterForm
from workflow.forms.calendar import WEEKDAY_LABELS, CalendarDayForm, OfficeHoursForm
from workflow.forms.editions import ActionForm, EditionCreateForm, NotaDinasForm
from workflow.forms.objections import (
    OBJECTION_GROUND_CHOICES,
    ObjectionAnswerForm,
    ObjectionFilterForm,
    ObjectionForm,
)
from workflow.forms.report import ReportPeriodForm
from workflow.forms.requests import (
    OFFLINE_CHANNELS,
    REQUESTER_FIELDS,
    OfflineRequestForm,
    PublicRequestForm,
    RequestDecideForm,
    RequesterForm,
    RequestExtendForm,
    RequestHandOverForm,
    RequestNoteForm,
    RequestRegisterFilterForm,
)
from workflow.forms.review import (
    CommentForm,
    ConsiderationForm,
    ConsiderationRecordForm,
    RecordMemberField,
)
from workflow.forms.sertamerta import SertaMertaNoteForm, SertaMertaStandardForm
from workflow.forms.sops import BaseSopStepFormSet, SopHeaderForm, SopStepForm, sop_step_formset

__all__ = [
    "AUDIT_ACTION_GROUPS",
    "OBJECTION_GROUND_CHOICES",
    "OFFLINE_CHANNELS",
    "REQUESTER_FIELDS",
    "WEEKDAY_LABELS",
    "ActionForm",
    "AuditFilterForm",
    "BaseSopStepFormSet",
    "CalendarDayForm",
    "CommentForm",
    "ConsiderationForm",
    "ConsiderationRecordForm",
    "EditionCreateForm",
    "NotaDinasForm",
    "ObjectionAnswerForm",
    "ObjectionFilterForm",
    "ObjectionForm",
    "OfficeHoursForm",
    "OfflineRequestForm",
    "PublicRequestForm",
    "RecordMemberField",
    "ReportPeriodForm",
    "RequestDecideForm",
    "RequestExtendForm",
    "RequestHandOverForm",
    "RequestNoteForm",
    "RequestRegisterFilterForm",
    "RequesterForm",
    "SertaMertaNoteForm",
    "SertaMertaStandardForm",
    "SopHeaderForm",
    "SopStepForm",
    "sop_step_formset",
]
