from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        from dip.verification import OTHER_DOCUMENT_LOOKUPS
        from ppid.twofactor import register_signer_check
        from workflow import receivers, tasks  # noqa: F401 - connect signal receivers
        from workflow.selectors import user_signs
        from workflow.services.request_documents import notice_for_verification

        # Requests' written notices are verified on /verifikasi/ like the editions.
        if notice_for_verification not in OTHER_DOCUMENT_LOOKUPS:
            OTHER_DOCUMENT_LOOKUPS.append(notice_for_verification)
        # Who signs is in the SOPs: those people need a second factor (ppid.twofactor).
        register_signer_check(user_signs)

        # The atasan's signed answers to objections too, by their bytes and by their QR code.
        from dip.verification import OTHER_DOCUMENT_CODE_LOOKUPS
        from workflow.selectors.objections import answer_by_code, answer_by_sha256

        if answer_by_sha256 not in OTHER_DOCUMENT_LOOKUPS:
            OTHER_DOCUMENT_LOOKUPS.append(answer_by_sha256)
        if answer_by_code not in OTHER_DOCUMENT_CODE_LOOKUPS:
            OTHER_DOCUMENT_CODE_LOOKUPS.append(answer_by_code)
