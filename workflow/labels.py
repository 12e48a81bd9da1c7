"""What the audit trail's codes are called on the pages: one table for actions, one for stages
(read by `/jejak-audit/` and its filter). A code with no entry here is named by its group
("Edition step", "Register change", ...), never shown raw."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dip.models import TRANSITIONS, Stage
from ppid.models import Role

ACCOUNT_LABELS = {
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
    "token_revoked": _("API token revoked"),
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
}

ACTION_LABELS = {
    **ACCOUNT_LABELS,
    # An edition's way along its SOP: each transition by the word its history shows.
    **{f"edition.{name}": capfirst(spec.decision) for name, spec in TRANSITIONS.items()},
    "edition.create": _("Edition opened"),
    "edition.add_items": _("Rows added to the edition"),
    "edition.remove_item": _("Row removed from the edition"),
    "edition.remove_closed_item": _("Row removed: exempted by the signed DIK"),
    "edition.document_ready": _("Signed PDF ready"),
    "edition.document_failed": _("Signed PDF failed"),
    "edition.document_retry": _("Signed PDF made again"),
    "edition.record_document_ready": _("Signed berita acara ready"),
    "edition.record_document_failed": _("Signed berita acara failed"),
    "edition.record_document_retry": _("Signed berita acara made again"),
    "evidence_pack.request": _("Monev evidence pack requested"),
    "evidence_pack.ready": _("Monev evidence pack ready"),
    "evidence_pack.failed": _("Monev evidence pack failed"),
    "edition.delivery_pending": _("Waiting to be sent to the aggregator"),
    "edition.delivery_sent": _("Sent to the aggregator"),
    "edition.delivery_failed": _("Sending to the aggregator failed"),
    "nota_dinas.save": _("Nota Dinas saved"),
    "consideration.record": _("Consideration recorded"),
    "comment.add": _("Comment added"),
    "step.reminded": _("Deadline reminder sent"),
    "step.overdue": _("Step overdue"),
    "step.escalated": _("Step escalated"),
    "item.create": _("Register entry added"),
    "item.update": _("Register entry changed"),
    "item.delete": _("Register entry deleted"),
    "import.upload": _("Spreadsheet uploaded for import"),
    "import.commit": _("Spreadsheet import confirmed"),
    "import.done": _("Spreadsheet imported into the register"),
    "item.update_due": _("Periodic update due"),
    "item.mark_updated": _("Marked as updated"),
    "item.exemption_ended": _("Exemption period ended"),
    "item.exemption_retest": _("Exemption to be tested again"),
    "item.reopen": _("Register entry reopened"),
    "item.opened_in_consideration": _("Opened by the tim pertimbangan"),
    "item.amend_in_consideration": _("Changed by the tim pertimbangan"),
    "attachment.create": _("Document attached"),
    "announcement.create": _("Announcement published"),
    "calendar.hours_set": _("Office hours changed"),
    "calendar.day_add": _("Calendar day added"),
    "calendar.day_remove": _("Calendar day removed"),
    "calendar.follow_parent": _("Calendar follows the PPID Utama again"),
    "sop.revise": _("SOP changed (new version)"),
    "step.deadline_recomputed": _("Deadline recounted"),
    "announcement.audio_ready": _("Spoken version ready"),
    "announcement.audio_failed": _("Spoken version failed"),
    "classification_change.propose": _("Classification change proposed"),
    "classification_change.decide": _("Classification change decided by the tim"),
    "classification_change.apply": _("Classification change applied at signing"),
    "classification_change.withdraw": _("Classification change withdrawn"),
    "consideration_record.save": _("Berita acara uji konsekuensi saved"),
    "item.exemption_event_closed": _("Event ending the exemption recorded"),
    "serta_merta.request": _("Serta merta announcement requested"),
    "serta_merta.approve": _("Serta merta announcement approved"),
    "serta_merta.return": _("Serta merta request returned"),
    "serta_merta.overdue": _("Serta merta request overdue"),
    "serta_merta.reminded": _("Serta merta request: deadline approaching"),
    "serta_merta.escalated": _("Serta merta request escalated to the PPID Utama"),
    "serta_merta.standard_set": _("Serta merta time standard set"),
    "sop.default_route_set": _("Default route set"),
    "sop.default_route_withdraw": _("Default route withdrawn"),
    "objection.file": _("Objection filed"),
    "objection.answer": _("Objection answered by the atasan"),
    "objection.answer_document_ready": _("Signed answer to the objection ready"),
    "objection.answer_document_failed": _("Signed answer to the objection failed"),
    "objection.answer_document_retry": _("Signed answer to the objection made again"),
    "objection.reminded": _("Objection deadline reminder sent"),
    "objection.overdue": _("Objection answer overdue"),
    "objection.escalated": _("Objection escalated"),
    "request.receive": _("Request for information registered"),
    "request.hand_over": _("Request handed over to a unit"),
    "request.note": _("Internal note on a request"),
    "request.extend": _("Request deadline extended"),
    "request.decide": _("Written notice given"),
    "request.deliver": _("Notice delivered to the requester"),
    "request.reminded": _("Request deadline approaching"),
    "request.overdue": _("Request overdue"),
    "request.escalated": _("Overdue request escalated"),
    "request.notice_ready": _("Signed written notice ready"),
    "request.notice_failed": _("Signed written notice failed"),
    "request.notice_retry": _("Signed written notice built again"),
}

# A code not in the table above is named by its group.
GROUP_LABELS = {
    "account.": _("Account event"),
    "role.": _("Role change"),
    "edition.": _("Edition step"),
    "step.": _("Step clock"),
    "item.": _("Register change"),
    "attachment.": _("Register change"),
    "import.": _("Register change"),
    "announcement.": _("Announcement"),
    "calendar.": _("Calendar change"),
    "classification_change.": _("Classification change"),
    "serta_merta.": _("Serta merta announcement"),
    "sop.": _("SOP change"),
    "objection.": _("Objection (keberatan)"),
    "request.": _("Request for information"),
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    group = next(
        (label for prefix, label in GROUP_LABELS.items() if action.startswith(prefix)), None
    )
    return str(group or _("Other event"))


def stage_label(stage: str) -> str:
    """A stage code (`collection`) by its name on the pages ("Pengumpulan")."""
    return str(Stage(stage).label) if stage in Stage.values else str(_("Other stage"))


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role
