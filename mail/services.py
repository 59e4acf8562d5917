"""Queue an e-mail, and carry a queued one to the mail server (at least once, one id).

``queue`` and ``queue_templated`` write the row in the caller's transaction and send
its delivery task through the outbox once that commits. ``deliver`` is what the task
runs: it claims the row, sends it with the ``Message-ID`` fixed at queueing, and marks
it ``sent`` with the server's answer, or counts a failed attempt and says when to try
again; after ``MAIL_MAX_ATTEMPTS`` the row is ``failed``. A worker killed after the
server took the message but before the row was marked sends it once more under the
same ``Message-ID``, which receivers use to drop the copy.
"""

import datetime
import json
import logging
import smtplib
import threading
import time
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from mail.models import MailStatus, OutgoingMail
from outbox import services as outbox

logger = logging.getLogger(__name__)

DELIVER_TASK = "mail.tasks.deliver_mail"


def _message_id() -> str:
    domain = settings.MAIL_MESSAGE_ID_DOMAIN or urlsplit(settings.SITE_URL).hostname or "localhost"
    return make_msgid(domain=domain)


def queue(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict | None = None,
    forget_when_done: bool = False,
) -> OutgoingMail:
    """Write the mail in the current transaction; its delivery starts once that commits.

    ``forget_when_done``: the recipient's data is already erased; the mail keeps what it
    needs to be sent, and no more than that (``forget``)."""
    mail = OutgoingMail.objects.create(
        kind=kind,
        recipient=to,
        subject=" ".join(subject.split()),  # a header: one line
        text_body=text,
        html_body=html,
        headers=json.dumps(headers or {}),
        message_id=_message_id(),
        forget_when_done=forget_when_done,
    )
    outbox.enqueue(task_name=DELIVER_TASK, args=[str(mail.pk)])
    return mail


def render(template: str, context: dict, *, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of ``templates/mail/{template}.{subject.txt,txt,html}``."""
    with translation.override(language):
        subject = render_to_string(f"mail/{template}.subject.txt", context).strip()
        text = render_to_string(f"mail/{template}.txt", context)
        html = render_to_string(f"mail/{template}.html", context)
    return subject, text, html


def queue_templated(
    *,
    kind: str,
    to: str,
    template: str,
    context: dict,
    language: str,
    headers: dict | None = None,
    forget_when_done: bool = False,
) -> OutgoingMail:
    """``queue`` a mail rendered from its three templates in ``language``."""
    subject, text, html = render(template, context, language=language)
    return queue(
        kind=kind,
        to=to,
        subject=subject,
        text=text,
        html=html,
        headers=headers,
        forget_when_done=forget_when_done,
    )


# What ``forget`` empties: the address, the texts and the headers (an objection link).
PERSONAL_CONTENTS = {
    "recipient": "",
    "subject": "",
    "text_body": "",
    "html_body": "",
    "headers": "{}",
}


def _contents_empty(mail: OutgoingMail) -> list[str]:
    """Empty the mail's personal contents in memory; the fields to save ([] if none left)."""
    if not mail.recipient:
        return []
    for name, value in PERSONAL_CONTENTS.items():
        setattr(mail, name, value)
    return list(PERSONAL_CONTENTS)


def forget(mails) -> int:
    """An erasure reaches these mails: the ones done with (sent or failed) are emptied now,
    the ones still queued the moment they are done (``deliver``). Rows, kinds, statuses,
    server answers and dates stay: the proof the person was told. Returns how many were
    emptied now."""
    # Queued ones first: one that is sent meanwhile is then among the done ones below.
    mails.filter(status=MailStatus.QUEUED).update(forget_when_done=True)
    emptied = 0
    for mail in mails.filter(status__in=[MailStatus.SENT, MailStatus.FAILED]):
        fields = _contents_empty(mail)
        if fields:
            mail.save(update_fields=fields)
            emptied += 1
    return emptied


def message_of(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.recipient],
        headers={**json.loads(mail.headers or "{}"), "Message-ID": mail.message_id},
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    return message


# One SMTP connection per thread (a worker process, a web thread) carries several mails
# in a row: connecting, greeting and TLS cost more than a message on a busy queue. It is
# dropped after an error, after REUSE_MAX messages (relays cap a session) and when idle
# longer than REUSE_IDLE_SECONDS (servers close idle sessions).
REUSE_MAX = 100
REUSE_IDLE_SECONDS = 20
_held = threading.local()


def _server_key() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_HOST_PASSWORD,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def _drop_held() -> None:
    backend = getattr(_held, "backend", None)
    _held.backend = None
    if backend is not None:
        try:
            backend.close()
        except Exception:  # noqa: BLE001, S110 - a dead session needs no goodbye
            pass


def _smtp_session() -> tuple[SMTPBackend, bool]:
    """(an open SMTP backend, whether it was used before); a new one when none fits."""
    backend = getattr(_held, "backend", None)
    if backend is not None and (
        _held.key != _server_key()
        or _held.count >= REUSE_MAX
        or time.monotonic() - _held.used_at > REUSE_IDLE_SECONDS
    ):
        _drop_held()
        backend = None
    if backend is not None:
        return backend, True
    backend = get_connection()
    backend.open()
    _held.backend, _held.key, _held.count = backend, _server_key(), 0
    return backend, False


def _transaction(smtp, message: EmailMultiAlternatives) -> str:
    sender = message.from_email
    smtp.ehlo_or_helo_if_needed()
    code, answer = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    code, answer = smtp.rcpt(message.to[0])
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({message.to[0]: (code, answer)})
    code, answer = smtp.data(message.message().as_bytes(linesep="\r\n"))
    if code != 250:
        raise smtplib.SMTPDataError(code, answer)
    return f"{code} {answer.decode('utf-8', 'replace')}"


def _send(message: EmailMultiAlternatives) -> str:
    """Hand the message to the configured backend; the server's answer to DATA."""
    if not issubclass(import_string(settings.EMAIL_BACKEND), SMTPBackend):
        # Console, memory (tests), file: nothing answers; say which backend took it.
        backend = get_connection()
        backend.send_messages([message])
        return f"accepted by the {type(backend).__module__.rsplit('.', 1)[-1]} backend"
    backend, reused = _smtp_session()
    try:
        if reused:
            try:
                # A held session starts clean (and proves it is still open) with RSET.
                code, _answer = backend.connection.rset()
                if code != 250:
                    raise smtplib.SMTPServerDisconnected("RSET refused")
            except (smtplib.SMTPServerDisconnected, OSError):
                # The server closed it while idle: nothing was sent on it. A new session.
                _drop_held()
                backend, _reused = _smtp_session()
        answer = _transaction(backend.connection, message)
    except BaseException:
        _drop_held()
        raise
    _held.count += 1
    _held.used_at = time.monotonic()
    return answer


def _answer_of(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(exc.recipients.values()))
        return (
            f"{code} {answer.decode('utf-8', 'replace') if isinstance(answer, bytes) else answer}"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        answer = exc.smtp_error
        return f"{exc.smtp_code} {answer.decode('utf-8', 'replace') if isinstance(answer, bytes) else answer}"
    return f"{type(exc).__name__}: {exc}"


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones (grows, bounded)."""
    return min(settings.MAIL_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 3600)


def deliver(mail_id: str) -> int | None:
    """Send one queued mail. None when done (sent, failed for good, or not queued);
    otherwise the seconds to wait before the next attempt."""
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=MailStatus.QUEUED)
            .first()
        )
        if mail is None:
            # Sent or failed already, gone, or being sent by another worker right now.
            return None
        mail.attempts += 1
        try:
            mail.last_response = _send(message_of(mail))[:300]
        except (smtplib.SMTPException, OSError) as exc:
            mail.last_response = _answer_of(exc)[:300]
            if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                mail.status = MailStatus.FAILED
            logger.warning(
                "mail %s (%s) attempt %d failed: %s",
                mail.pk,
                mail.kind,
                mail.attempts,
                mail.last_response.split(" ", 1)[0],
            )
        else:
            mail.status = MailStatus.SENT
            mail.sent_at = timezone.now()
        fields = ["attempts", "last_response", "status", "sent_at"]
        if mail.forget_when_done and mail.status != MailStatus.QUEUED:
            fields += _contents_empty(mail)
        mail.save(update_fields=fields)
    if mail.status == MailStatus.QUEUED:
        return retry_delay(mail.attempts)
    return None


def stalled_requeue(*, older_than_seconds: int | None = None) -> int:
    """Queue again the delivery of mails still queued long after their last chance.

    A worker lost with its task, or a broker restart, leaves a row queued with no task to
    carry it; the beat sweep hands those back to the outbox.
    """
    wait = older_than_seconds or (retry_delay(settings.MAIL_MAX_ATTEMPTS) + 300)
    stalled = list(
        OutgoingMail.objects.filter(
            status=MailStatus.QUEUED,
            created_at__lt=timezone.now() - datetime.timedelta(seconds=wait),
        ).values_list("pk", flat=True)[:500]
    )
    with transaction.atomic():
        for pk in stalled:
            outbox.enqueue(task_name=DELIVER_TASK, args=[str(pk)])
    return len(stalled)
