"""What an import tells its owner, in their language and in the words of their file.

Jobs store the reader's reasons as plain English (``imports.linkedin``, the identifier
checks, the services): a job runs in a worker, with no reader's language. Each reason is
translated here when a page shows it, under the CSV's own column names ("Connected On",
never ``collected_at``). A reason this module does not know is shown as stored.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports import linkedin

# The prospect's fields the reader fills, and the columns of Connections.csv they come from.
COLUMNS = {
    "full_name": "First Name, Last Name",
    "profile_url": "URL",
    "email": "Email Address",
    "company": "Company",
    "job_title": "Position",
    "collected_at": "Connected On",
}

_REASONS = {
    "a first or last name is required": _("a first or last name is required"),
    "a profile URL is required": _("a profile URL is required"),
    "not an http(s) address on linkedin.com": _("not an http(s) address on linkedin.com"),
    linkedin.UNREADABLE_DATE: _("unreadable date, expected e.g. 15 Jan 2024"),
    "not a calendar date": _("not a calendar date"),
    "date is in the future": _("date is in the future"),
    "date is before 1970": _("date is before 1970"),
    # core.identifiers, stored in English by the import.
    "not a valid e-mail address": _("not a valid e-mail address"),
    "not a valid profile URL": _("not a valid profile URL"),
    "a profile URL needs a path to the profile": _("a profile URL needs a path to the profile"),
    # Why a whole job stopped (imports.services, imports.tasks).
    "the uploaded file is no longer available: upload it again": _(
        "The uploaded file is no longer available: upload it again."
    ),
    "the file is not UTF-8 text: upload the Connections.csv file as LinkedIn exported it": _(
        "The file is not UTF-8 text: upload the Connections.csv file as LinkedIn exported it."
    ),
    "the file is not readable as CSV: upload the Connections.csv file as exported": _(
        "The file is not readable as CSV: upload the Connections.csv file as exported."
    ),
    "the import could not be queued: upload the file again": _(
        "The import could not be queued: upload the file again."
    ),
    "the import stopped on an internal error: upload it again": _(
        "The import stopped on an internal error: upload it again."
    ),
}


def reason_text(message: str) -> str:
    """A stored reason in the active language."""
    if message == linkedin.TOO_LONG:
        return gettext("longer than %(max)d characters") % {"max": linkedin.TEXT_MAX_LENGTH}
    if message == linkedin.NOT_A_CONNECTIONS_EXPORT:
        return gettext(
            "This is not a LinkedIn Connections export: no header with the columns "
            "%(columns)s was found."
        ) % {"columns": ", ".join(linkedin.COLUMNS)}
    found = _REASONS.get(message)
    return message if found is None else str(found)


def column_of(field: str) -> str:
    """The CSV column(s) a reader's field comes from; the field itself when unknown."""
    return COLUMNS.get(field, field)


def rejected_rows(job) -> list[dict]:
    """The listed rejected rows: ``{row, errors: [(column, reason)]}``, ready to show."""
    return [
        {
            "row": entry.get("row"),
            "errors": [
                (column_of(field), reason_text(str(message)))
                for field, message in (entry.get("errors") or {}).items()
            ],
        }
        for entry in job.rejected or []
    ]
