from django.apps import AppConfig
from django.db.models.signals import post_save


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from django.contrib.admin.models import LogEntry

        from audit.admin_changes import log_entry_created

        post_save.connect(log_entry_created, sender=LogEntry, dispatch_uid="audit-admin-changes")
