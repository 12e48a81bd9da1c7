from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DipConfig(AppConfig):
    name = "dip"
    verbose_name = _("Information register and DIP")

    def ready(self) -> None:
        from dip import tasks  # noqa: F401 - connect the publication receiver in every process
