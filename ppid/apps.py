from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PpidConfig(AppConfig):
    name = "ppid"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from ppid import receivers, tasks  # noqa: F401 - connect the receivers
