"""The Connections.csv reader: notes, header, dates, line numbers; no database."""

import datetime
import io

import pytest

from imports import linkedin
from tests.imports.conftest import NOTES_LINES, connection_line, connections_csv

TODAY = datetime.date(2026, 6, 1)


def read(content: bytes, **kwargs) -> list[linkedin.Connection]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    return list(linkedin.read_connections(text, today=TODAY, **kwargs))


def test_rows_after_the_notes_and_header_are_read_with_their_line_numbers():
    rows = read(connections_csv([connection_line(1), connection_line(2)]))
    assert [row.line for row in rows] == [NOTES_LINES + 2, NOTES_LINES + 3]
    first = rows[0]
    assert first.full_name == "First1 Last1"
    assert first.profile_url == "https://www.linkedin.com/in/person-1"
    assert first.email == ""
    assert first.company == "Company 1, Inc."
    assert first.position == "Buyer"
    assert first.connected_on == datetime.date(2024, 1, 15)
    assert first.errors == {}


def test_a_byte_order_mark_and_missing_notes_are_accepted():
    rows = read(connections_csv([connection_line(1)], notes=False, bom=True))
    assert [row.line for row in rows] == [2]


def test_a_row_spanning_two_lines_is_numbered_by_its_first_line():
    lines = [
        'Anne,Multi,https://www.linkedin.com/in/anne,,"Acme\nEurope",Buyer,1 Feb 2024',
        connection_line(2),
    ]
    rows = read(connections_csv(lines, notes=False))
    assert [row.line for row in rows] == [2, 4]
    assert rows[0].company == "Acme\nEurope"


def test_blank_lines_are_not_rows():
    rows = read(connections_csv([connection_line(1), "", connection_line(2)], notes=False))
    assert [row.line for row in rows] == [2, 4]


def test_skip_resumes_after_the_rows_already_handled():
    rows = read(connections_csv([connection_line(n) for n in range(5)]), skip=3)
    assert [row.full_name for row in rows] == ["First3 Last3", "First4 Last4"]


def test_a_file_without_the_header_is_refused_before_any_row():
    content = b"Name,Email\nJane,jane@example.com\n"
    with pytest.raises(linkedin.NotAConnectionsExport, match="not a LinkedIn Connections export"):
        read(content)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 Jan 2024", datetime.date(2024, 1, 15)),
        ("1 feb 2023", datetime.date(2023, 2, 1)),
        ("29 Feb 2024", datetime.date(2024, 2, 29)),
        ("03 Sep 2019", datetime.date(2019, 9, 3)),
    ],
)
def test_linkedin_dates_are_read(text, expected):
    assert linkedin.parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "2024-01-15", "15 Foo 2024", "31 Feb 2024", "15/01/2024", "15 janv. 2024"]
)
def test_unreadable_dates_are_refused(text):
    with pytest.raises(ValueError):
        linkedin.parse_date(text)


def test_bad_rows_carry_their_errors_by_field():
    lines = [
        ",,https://www.linkedin.com/in/nobody,,Acme,Buyer,15 Jan 2024",
        "Ann,Lee,https://www.linkedin.com/in/ann,,Acme,Buyer,someday",
        "Bob,Ray,,,Acme,Buyer,15 Jan 2024",
        "Cy,Day,https://www.linkedin.com/in/cy,,Acme,Buyer,15 Jan 2027",
        f"Di,Eve,https://www.linkedin.com/in/di,,{'x' * 201},Buyer,15 Jan 2024",
    ]
    errors = [row.errors for row in read(connections_csv(lines, notes=False))]
    assert list(errors[0]) == ["full_name"]
    assert list(errors[1]) == ["collected_at"]
    assert list(errors[2]) == ["profile_url"]
    assert errors[3] == {"collected_at": "date is in the future"}
    assert list(errors[4]) == ["company"]


def test_counting_reads_the_whole_file():
    content = connections_csv([connection_line(n) for n in range(7)] + [""])
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    assert linkedin.count_connections(text) == 7
