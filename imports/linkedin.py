"""Reading a LinkedIn "Connections.csv" export, one row at a time (no database access).

The export starts with a few free-text "Notes:" lines (quoted, possibly over
several lines) before the header. Dates read ``15 Jan 2024``; the e-mail
column is empty unless the connection allowed its connections to download it.
The reader streams: memory stays flat however long the file is.
"""

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from core import dates, urls

COLUMNS = (
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
)
# Reasons are stored in English and translated when shown (imports.messages).
NOT_A_CONNECTIONS_EXPORT = (
    "not a LinkedIn Connections export: header with " + ", ".join(COLUMNS) + " not found"
)
UNREADABLE_DATE = "unreadable date, expected e.g. 15 Jan 2024"
# The notes LinkedIn puts first are a handful of records; a header further down is not this export.
HEADER_SEARCH_RECORDS = 20
# Company and job title columns of a prospect.
TEXT_MAX_LENGTH = 200
TOO_LONG = f"longer than {TEXT_MAX_LENGTH} characters"

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# English months, abbreviated as LinkedIn writes them or in full.
_MONTHS = {name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)} | {
    name: number for number, name in enumerate(_MONTH_NAMES, start=1)
}


class NotAConnectionsExport(ValueError):
    def __init__(self, message: str = NOT_A_CONNECTIONS_EXPORT):
        super().__init__(message)


@dataclass(slots=True)
class Connection:
    """One data row: ``line`` is where it starts in the file; ``errors`` maps field to reason."""

    line: int
    full_name: str = ""
    profile_url: str = ""
    email: str = ""
    company: str = ""
    position: str = ""
    connected_on: datetime.date | None = None
    errors: dict[str, str] = field(default_factory=dict)


def parse_date(text: str) -> datetime.date:
    """``15 Jan 2024`` (English month, any case); ``ValueError`` otherwise."""
    parts = text.split()
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
        raise ValueError(UNREADABLE_DATE)
    month = _MONTHS.get(parts[1].lower())
    if month is None:
        raise ValueError(UNREADABLE_DATE)
    try:
        return datetime.date(int(parts[2]), month, int(parts[0]))
    except ValueError:
        raise ValueError("not a calendar date") from None


def _find_header(reader: Iterator[list[str]]) -> dict[str, int]:
    for _ in range(HEADER_SEARCH_RECORDS):
        record = next(reader, None)
        if record is None:
            break
        names = [cell.strip().lower() for cell in record]
        if all(column.lower() in names for column in COLUMNS):
            return {column: names.index(column.lower()) for column in COLUMNS}
    raise NotAConnectionsExport()


def _connection(
    record: list[str], positions: dict[str, int], line: int, today: datetime.date
) -> Connection:
    def cell(column: str) -> str:
        index = positions[column]
        return record[index].strip() if index < len(record) else ""

    row = Connection(line=line)
    row.full_name = " ".join(part for part in (cell("First Name"), cell("Last Name")) if part)
    if not row.full_name:
        row.errors["full_name"] = "a first or last name is required"
    row.profile_url = cell("URL")
    if not row.profile_url:
        row.errors["profile_url"] = "a profile URL is required"
    elif not (
        urls.is_http_url(row.profile_url) and urls.is_on_network(row.profile_url, "linkedin")
    ):
        # A row's URL becomes a link on the prospect page: http(s) on LinkedIn only.
        row.errors["profile_url"] = "not an http(s) address on linkedin.com"
    row.email = cell("Email Address")
    row.company = cell("Company")
    row.position = cell("Position")
    for name, value in (("company", row.company), ("job_title", row.position)):
        if len(value) > TEXT_MAX_LENGTH:
            row.errors[name] = TOO_LONG
    try:
        row.connected_on = parse_date(cell("Connected On"))
    except ValueError as exc:
        row.errors["collected_at"] = str(exc)
    else:
        if row.connected_on > today:
            row.errors["collected_at"] = "date is in the future"
        elif row.connected_on < dates.EARLIEST:
            row.errors["collected_at"] = "date is before 1970"
    return row


def read_connections(text: TextIO, *, today: datetime.date, skip: int = 0) -> Iterator[Connection]:
    """Yield the data rows after the header, skipping the first ``skip`` of them.

    ``text`` must be opened with ``newline=""`` (the csv module handles line ends
    inside quoted notes). Blank lines are not rows. Raises ``NotAConnectionsExport``
    before yielding anything when the header is missing, ``UnicodeDecodeError`` or
    ``csv.Error`` when the bytes or the quoting cannot be read.
    """
    reader = csv.reader(text)
    positions = _find_header(reader)
    seen = 0
    last_line = reader.line_num
    for record in reader:
        first_line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        seen += 1
        if seen <= skip:
            continue
        yield _connection(record, positions, first_line, today)


def count_connections(text: TextIO) -> int:
    """Data rows of the file; reading it through also proves it decodes and parses."""
    reader = csv.reader(text)
    _find_header(reader)
    return sum(1 for record in reader if any(cell.strip() for cell in record))
