"""A stolen database dump holds no one's personal data in clear.

The attacker has a copy of the database (a backup, ``pg_dump`` on a compromised
host) but not the keys. People go through the application as its users would put
them there: a rep records a prospect and imports a LinkedIn file (a bad row
included), records a consent with its purpose, logs a message, opens a deal with
notes and shares the prospect with a webhook receiver; the DPO records and runs a
data-subject request; someone files a public one; HR starts a departure. Then the
whole database is dumped — ``pg_dump`` on PostgreSQL, ``iterdump`` on SQLite —
and not one of their distinctive values appears, in any case or normalised form.
"""

import os
import shutil
import subprocess
import time
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from imports.models import ImportJob
from socialcrm.celery import app
from tests.conftest import api_client_for
from tests.factories import EmployeeFactory, SocialAccountFactory
from webhooks.models import WebhookSubscription

NAME = "Ysolde Quenthorpe"
EMAIL = "Ysolde.Quenthorpe@Example.org"
PHONE = "+33 6 47 29 81 53"
PROFILE = "https://www.linkedin.com/in/ysolde-quenthorpe"
COMPANY = "Brambleworth Ventures"
JOB_TITLE = "Chief Orchardist"
NOTES = "Met her at the Zanzibarine fair"
PURPOSE = "Tessellated newsletter"
WORDING = "Voulez-vous recevoir la lettre Marzipanova ?"
PROOF = "Replied Glimmerquist to my message"
MESSAGE = "Bonjour, parlons du projet Xanthoprisme"
DEAL_NOTES = "Invoice to the Harrowgate office"
IMPORTED = ("Oswin", "Threlkeld", "Quillfeather Holdings", "Master Falconer")
REJECTED = ("Perpetua", "Vandermolen", "Grimsditch Assayers")
REQUESTER = ("Corvinia Ashdown", "corvinia.ashdown@example.org", "Peppercornish")
DPO_REQUEST_PHONE = "+33 7 58 36 92 14"
LEAVER_CONTACT = ("Barnaby Wuthercombe", "Fennimore Oddlings")

CONNECTIONS = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    f"{IMPORTED[0]},{IMPORTED[1]},https://www.linkedin.com/in/oswin-threlkeld,"
    f"oswin.threlkeld@example.org,{IMPORTED[2]},{IMPORTED[3]},15 Jan 2024\n"
    f"{REJECTED[0]},{REJECTED[1]},https://www.linkedin.com/in/perpetua-vandermolen,"
    f"perpetua@@vandermolen,{REJECTED[2]},Assayer,not a date\n"
).encode()

# Each value as typed, and the words a normalised copy would still show.
MARKERS = (
    "Ysolde",
    "Quenthorpe",
    "ysolde.quenthorpe@example.org",
    "647298153",
    "ysolde-quenthorpe",
    "Brambleworth",
    "Orchardist",
    "Zanzibarine",
    "Tessellated",
    "Marzipanova",
    "Glimmerquist",
    "Xanthoprisme",
    "Harrowgate",
    "Threlkeld",
    "Quillfeather",
    "Falconer",
    "Vandermolen",
    "Grimsditch",
    "Corvinia",
    "Ashdown",
    "Peppercornish",
    "758369214",
    "Wuthercombe",
    "Oddlings",
    "Brackenridge",
    "Wolfsbanefield",
)


@pytest.fixture
def tasks_run(request, settings, tmp_path):
    """The tasks run as deployed: a real worker with the real services, else in-process."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if not app.conf.task_always_eager:
        request.getfixturevalue("celery_worker")


def _wait_until(done, what: str):
    """Poll like a client would, until the work is over (the worker may be in another thread)."""
    deadline = time.monotonic() + 60
    while not (found := done()):
        assert time.monotonic() < deadline, f"{what} did not finish"
        time.sleep(0.2)
    return found


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _dump() -> str:
    """The whole database as an attacker with a copy of it would read it."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    database = connection.settings_dict
    pg_dump = shutil.which("pg_dump") or "/usr/bin/pg_dump"
    command = [pg_dump, "--no-owner", "--dbname", database["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command += [option, str(database[key])]
    env = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    done = subprocess.run(command, capture_output=True, env=env, check=True, timeout=120)  # noqa: S603
    return done.stdout.decode("utf-8")


def _record_people(rep, dpo, hr) -> None:
    api = api_client_for(rep)
    account = SocialAccountFactory(employee=rep, network="linkedin")
    WebhookSubscription.objects.create(
        url="https://hooks.example.net/crm",
        secret="dump-test-secret-0123456789",
        events=["consent.changed", "dsar.completed"],
        include_personal_data=True,
    )

    created = api.post(
        "/api/prospects/",
        {
            "full_name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "profile_url": PROFILE,
            "network": "linkedin",
            "company": COMPANY,
            "job_title": JOB_TITLE,
            "notes": NOTES,
            "lawful_basis": "legitimate_interest",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    prospect = created.json()["id"]

    upload = SimpleUploadedFile("Connections.csv", CONNECTIONS, content_type="text/csv")
    started = api.post("/api/imports/linkedin/", {"file": upload}, format="multipart")
    assert started.status_code == 202, started.content
    job = _wait_until(
        lambda: ImportJob.objects.filter(pk=started.json()["id"], status="done").first(), "import"
    )
    assert (job.created, job.rejected_count) == (1, 1)

    consent = api.post(
        "/api/consents/",
        {
            "prospect": prospect,
            "channel": "social_message",
            "action": "grant",
            "evidence": "written_reply",
            "purpose": PURPOSE,
            "wording_shown": WORDING,
            "proof": PROOF,
        },
        format="json",
    )
    assert consent.status_code == 201, consent.content
    outreach = api.post(
        "/api/outreach/",
        {
            "prospect": prospect,
            "channel": "social_message",
            "content": MESSAGE,
            "social_account": account.pk,
        },
        format="json",
    )
    assert outreach.status_code in (201, 403), outreach.content
    deal = api.post(
        "/api/deals/",
        {"prospect": prospect, "product": "Licence", "amount": "120.00", "notes": DEAL_NOTES},
        format="json",
    )
    assert deal.status_code == 201, deal.content

    dpo_api = api_client_for(dpo)
    request = dpo_api.post(
        "/api/dsar/",
        {"type": "access", "email": EMAIL, "phone": DPO_REQUEST_PHONE, "received_via": "email"},
        format="json",
    )
    assert request.status_code == 201, request.content
    request_url = f"/api/dsar/{request.json()['id']}/"
    extended = dpo_api.post(
        f"{request_url}extend/",
        {"reason": "Records kept at the Wolfsbanefield archive take longer"},
        format="json",
    )
    assert extended.status_code in (200, 202), extended.content
    verified = dpo_api.post(
        f"{request_url}verify/", {"note": "Called back on the Brackenridge line"}, format="json"
    )
    assert verified.status_code in (200, 202), verified.content
    assert dpo_api.post(f"{request_url}execute/", {}, format="json").status_code == 202
    _wait_until(lambda: dpo_api.get(request_url).json()["status"] == "completed", "request")
    assert dpo_api.get(f"{request_url}export/").status_code == 200

    name, email, message = REQUESTER
    public = Client().post(
        "/api/dsar/public/",
        {"type": "access", "email": email, "full_name": name, "message": message},
        content_type="application/json",
    )
    assert public.status_code == 202, public.content

    leaver = EmployeeFactory(
        role="rep", compliant=True, hire_date=timezone.localdate() - timezone.timedelta(days=400)
    )
    successor = EmployeeFactory(role="rep", compliant=True)
    pre_hire = api_client_for(leaver).post(
        "/api/prospects/",
        {
            "full_name": LEAVER_CONTACT[0],
            "company": LEAVER_CONTACT[1],
            "collected_at": (timezone.now() - timezone.timedelta(days=800)).isoformat(),
        },
        format="json",
    )
    assert pre_hire.status_code == 201, pre_hire.content
    hr_api = api_client_for(hr)
    case = hr_api.post(
        "/api/offboardings/",
        {
            "employee": leaver.pk,
            "departure_date": timezone.localdate().isoformat(),
            "successor": successor.pk,
        },
        format="json",
    )
    assert case.status_code == 201, case.content
    case_url = f"/api/offboardings/{case.json()['id']}/"
    assert hr_api.post(f"{case_url}start/").status_code == 202
    _wait_until(
        lambda: hr_api.get(case_url).json()["status"] in ("waiting", "done", "failed"), "departure"
    )


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_shows_no_ones_personal_data(charters_in_force, tasks_run):
    rep = EmployeeFactory(role="rep", compliant=True)
    _record_people(rep, EmployeeFactory(role="dpo"), EmployeeFactory(role="hr"))

    dump = _dump()

    assert "consent_consentevent" in dump, "the dump holds the tables: check the setup"
    readable = _folded(dump)
    leaks = [marker for marker in MARKERS if _folded(marker) in readable]
    assert leaks == [], "\n".join(
        line for line in dump.splitlines() if any(_folded(m) in _folded(line) for m in leaks)
    )[:4000]
