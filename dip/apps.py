from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DipConfig(AppConfig):
    name = "dip"
    verbose_name = _("Information register and DIP")
