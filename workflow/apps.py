from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        from ppid.twofactor import register_signer_check
        from workflow import receivers, tasks  # noqa: F401 - connect signal receivers
        from workflow.selectors import user_signs

        # Who signs is in the SOPs: those people need a second factor (ppid.twofactor).
        register_signer_check(user_signs)

        # The atasan's signed answers to objections are verified on /verifikasi/ like the DIP.
        from dip.verification import register_letter_finder
        from workflow.selectors.objections import answer_letter_by_code, answer_letter_by_sha256

        register_letter_finder(by_sha256=answer_letter_by_sha256, by_code=answer_letter_by_code)
