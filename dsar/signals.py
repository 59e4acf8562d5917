"""A mail to a person whose data was erased is emptied the moment it is done with.

An erasure keeps the address only as long as the mail announcing it (or an earlier one
still queued) needs it to be sent. Once the outbox marks such a mail sent or failed, its
recipient, subject, bodies and headers go; the row stays as the proof the person was
told (kind, status, attempts, server answer, dates). Erased: the request's identifiers
were wiped (``dsar_erase``), which is what ``email is None`` on it means.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from mail.models import MailStatus, OutgoingMail

EMPTY = {"recipient": "", "subject": "", "text_body": "", "html_body": "", "headers": "{}"}


def empty_mail(mail: OutgoingMail) -> bool:
    """Empty a finished mail's personal contents; False when there was nothing to empty."""
    if not mail.recipient:
        return False
    for field, value in EMPTY.items():
        setattr(mail, field, value)
    mail.save(update_fields=list(EMPTY))
    return True


@receiver(post_save, sender=OutgoingMail, dispatch_uid="dsar.empty_mail_to_erased_person")
def _empty_when_done(sender, instance: OutgoingMail, created, update_fields=None, **kwargs):
    if created or instance.status not in (MailStatus.SENT, MailStatus.FAILED):
        return
    if update_fields is not None and "status" not in update_fields:
        return
    from dsar.models import DsarMail

    link = DsarMail.objects.filter(mail=instance).select_related("request").first()
    if link is not None and link.request.email is None:
        empty_mail(instance)
