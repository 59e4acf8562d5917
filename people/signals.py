"""A password change or a deactivation revokes all of the user's API tokens.

Here rather than in the services because a password changes through doors that are
not ours (the admin's password form, ``changepassword``, ``set_password`` in a shell);
Django already ends the user's other sessions on a password change, through the
session's password hash. Bulk ``update()`` calls skip this signal: none changes a
password or ``is_active`` in this project.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _revoke_tokens_on_credentials_change(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    # ``set_password`` leaves the raw password on the instance until the save ends:
    # Django's own sign of a change (its validators' ``password_changed`` hook reads it).
    # The re-hash of an unchanged password at sign-in clears it first, keeping the tokens.
    if getattr(instance, "_password", None) is not None:
        reason = "password_change"
    elif not instance.is_active and (update_fields is None or "is_active" in update_fields):
        # An inactive login holds no token: one DELETE, audited only when it removed one.
        reason = "deactivation"
    else:
        return
    from people.services import tokens_revoke

    tokens_revoke(actor=reason, user=instance)
