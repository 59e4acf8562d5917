from django.apps import AppConfig


class SocialCRMConfig(AppConfig):
    name = "socialcrm"
    verbose_name = "SocialCRM"

    def ready(self):
        from socialcrm import checks  # noqa: F401 - registers the deployment checks
