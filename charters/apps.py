from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChartersConfig(AppConfig):
    name = "charters"
    verbose_name = _("Charters and training")
