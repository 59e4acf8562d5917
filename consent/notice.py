"""The art. 14 information appended to a first written message (RULES 15).

Pure functions of the prospect's language, the channel, where the data came from
and the settings: no database, no clock. The notice is short and complete —
who writes and how to reach them and their DPO, why, on which basis, where the
details came from, how long they are kept, the person's rights — with a link to
the full notice page, and, in a paragraph of its own (GDPR art. 21(4)), how to
object. A connection request's note has little room: it carries a short form
(company, source, the link, how to object), and a note that does not fit with it
is refused rather than cut. The personal one-click link (``consent.optout``) is
given by the caller, which knows the prospect.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people.models import Network

WRITTEN_CHANNELS = frozenset({"email", "sms", "social_message", "connection_request"})
NOTICE_PATH = "/privacy/notice/"
DEFAULT_LANGUAGE = "fr"
LANGUAGES = ("fr", "en")
# Networks named as such in the notice; "other" and unknown ones read "a social network".
_NAMED_NETWORKS = {n.value: n.label for n in Network if n != Network.OTHER}


class NoteTooLong(ValueError):
    """A connection request's note, with its short notice, exceeds what the network holds."""

    def __init__(self, *, length: int, limit: int):
        super().__init__(f"{length} > {limit}")
        self.length = length
        self.limit = limit


def carries_notice(*, channel: str, content: str, append_notice: bool) -> bool:
    """Whether the message as sent carries the notice, which then counts as given.

    A written channel with the notice appended; a connection request only with a
    note to append it to (a bare invitation says nothing). A call never does.
    """
    if not append_notice or channel not in WRITTEN_CHANNELS:
        return False
    return channel != "connection_request" or bool(content.strip())


def notice_url() -> str:
    return f"{settings.SITE_URL}{NOTICE_PATH}"


def notice_for(
    *,
    channel: str,
    language: str = DEFAULT_LANGUAGE,
    network: str = "",
    source: str = "",
    lawful_basis: str = "",
    objection_url: str | None = None,
) -> str:
    """The notice in ``language`` (French when unknown): short on a connection request."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    with translation.override(language):
        if channel == "connection_request":
            return _short(network=network, source=source, objection_url=objection_url)
        return _full(
            language=language,
            network=network,
            source=source,
            lawful_basis=lawful_basis,
            objection_url=objection_url,
        )


def with_notice(content: str, notice: str) -> str:
    """The message followed by its notice (the notice alone when there is no text)."""
    return f"{content.rstrip()}\n\n{notice}" if content.strip() else notice


def note_limit(network: str) -> int | None:
    """How many characters a connection request's note may hold on ``network`` (None: no limit)."""
    return settings.CONNECTION_NOTE_MAX_CHARS.get(network)


def check_note_length(final_note: str, *, network: str) -> None:
    """``NoteTooLong`` when the note as sent does not fit the network's invitation."""
    limit = note_limit(network)
    if limit is not None and len(final_note) > limit:
        raise NoteTooLong(length=len(final_note), limit=limit)


def _network_name(network: str) -> str:
    return str(_NAMED_NETWORKS.get(network) or _("a social network"))


def _source(*, network: str, source: str) -> str:
    if source == "inbound":
        return _("You gave us your contact details yourself.")
    return _("We obtained your contact details on %(network)s, through one of our employees.") % {
        "network": _network_name(network)
    }


def _basis(*, language: str, lawful_basis: str) -> str:
    purpose = settings.NOTICE_PURPOSE.get(language, "")
    if lawful_basis == "consent":
        return _("Purpose: %(purpose)s, with your consent, which you may withdraw at any time.") % {
            "purpose": purpose
        }
    if lawful_basis == "contract":
        return _("Purpose: %(purpose)s, for the contract between us.") % {"purpose": purpose}
    return _("Purpose: %(purpose)s, in our legitimate interest: %(interest)s.") % {
        "purpose": purpose,
        "interest": settings.NOTICE_LEGITIMATE_INTEREST.get(language, ""),
    }


def _retention(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def _objection(objection_url: str | None) -> str:
    """How to object, said apart from the rest (GDPR art. 21(4))."""
    if objection_url:
        return _("To object to our messages: %(link)s (one click), or reply STOP.") % {
            "link": objection_url
        }
    return _("To object to our messages: reply STOP, or write to %(contact)s.") % {
        "contact": settings.DPO_CONTACT
    }


def _full(*, language, network, source, lawful_basis, objection_url) -> str:
    about = " ".join(
        (
            _("Sent by %(company)s (%(contact)s).")
            % {"company": settings.COMPANY_NAME, "contact": settings.COMPANY_CONTACT},
            _source(network=network, source=source),
            _basis(language=language, lawful_basis=lawful_basis),
            _(
                "We keep them for %(period)s from their collection or from your last contact "
                "with us."
            )
            % {"period": _retention(settings.PROSPECT_RETENTION_DAYS)},
            _(
                "You may access, correct or erase them, restrict or object to their use, and "
                "complain to the CNIL (cnil.fr). Our data protection officer: %(dpo)s."
            )
            % {"dpo": settings.DPO_CONTACT},
            _("Full notice: %(url)s") % {"url": notice_url()},
        )
    )
    return f"— {about}\n\n{_objection(objection_url)}"


def _short(*, network, source, objection_url) -> str:
    if source == "inbound":
        origin = settings.COMPANY_NAME
    else:
        origin = _("%(company)s, via %(network)s, by one of our staff") % {
            "company": settings.COMPANY_NAME,
            "network": _network_name(network),
        }
    # With the one-click link, no room is spent on "reply STOP" (it still works).
    objection = (
        _("Object: %(link)s") % {"link": objection_url}
        if objection_url
        else _("Object: reply STOP")
    )
    return "— " + " · ".join((origin, _("Info: %(url)s") % {"url": notice_url()}, objection))
