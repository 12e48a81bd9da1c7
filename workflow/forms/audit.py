"""The security and audit log's filter form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.labels import ACTION_LABELS

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
