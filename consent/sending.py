"""Outreach e-mail the app sends itself, when the company turned it on (issue 17).

An allowed e-mail attempt may be sent by the app rather than from the rep's own
mailbox: the mail is queued (``mail.services.queue``, kind ``outreach``) in the same
transaction as the attempt it belongs to, so a rolled-back attempt sends nothing and a
logged one is never lost. It carries the final content with its notice as text and as
plain HTML (no images, no tracking), the rep as Reply-To, and the person's one-click
objection link as ``List-Unsubscribe`` with the RFC 8058 one-click header.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from consent import optout
from mail import services as mail_services
from suppression.models import Channel

KIND = "outreach"
LANGUAGES = ("fr", "en")


def sending_refused(*, channel: str, prospect) -> str | None:
    """Why the app may not send this attempt itself (None when it may)."""
    if not settings.OUTREACH_EMAIL_SENDING:
        return _("Sending e-mail from the app is not turned on for this company.")
    if channel != Channel.EMAIL:
        return _("Only an e-mail can be sent from the app.")
    if prospect is not None and not (prospect.email or "").strip():
        return _("This prospect has no e-mail address.")
    return None


def check_sendable(*, channel: str, prospect) -> None:
    """ValidationError naming ``send`` when the app may not send this attempt."""
    reason = sending_refused(channel=channel, prospect=prospect)
    if reason is not None:
        raise ValidationError({"send": reason}, code="send_refused")


def _language(prospect) -> str:
    return prospect.language if prospect.language in LANGUAGES else "fr"


def unsubscribe_headers(prospect) -> dict[str, str]:
    """List-Unsubscribe (the one-click URL and a mailto) and List-Unsubscribe-Post."""
    url = optout.objection_url(prospect=prospect, channel=Channel.EMAIL)
    return {
        "List-Unsubscribe": f"<{url}>, <mailto:{settings.OPT_OUT_MAILTO}?subject=unsubscribe>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def outreach_mail_queue(*, prospect, employee, final_content: str, subject: str = ""):
    """Queue the e-mail of an allowed attempt in the current transaction; the mail row."""
    language = _language(prospect)
    with translation.override(language):
        subject = " ".join((subject or "").split()) or _("A message from %(company)s") % {
            "company": settings.COMPANY_NAME
        }
        html = render_to_string(
            "mail/outreach.html",
            {"body": final_content, "subject": subject, "language": language},
        )
    headers = {"From": settings.OUTREACH_FROM_EMAIL, **unsubscribe_headers(prospect)}
    rep_address = getattr(getattr(employee, "user", None), "email", "") or ""
    if rep_address.strip():
        headers["Reply-To"] = rep_address.strip()
    return mail_services.queue(
        kind=KIND,
        to=prospect.email.strip(),
        subject=subject,
        text=final_content,
        html=html,
        headers=headers,
    )
