from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Employees and social accounts")

    def ready(self):
        from core.api import refuse_non_string_text
        from people import signals  # noqa: F401  (connects the receivers)

        refuse_non_string_text()
