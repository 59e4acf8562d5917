"""LinkedIn exports as LinkedIn writes them, and jobs started the way the API starts them."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services
from imports.models import ImportJob

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
# LinkedIn's own preamble: a quoted note running over two lines, then a blank line.
NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more about member data "
    'here\nhttps://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
NOTES_LINES = 4


def connections_csv(lines: list[str], *, notes: bool = True, bom: bool = False) -> bytes:
    text = (NOTES if notes else "") + HEADER + "\n" + "".join(line + "\n" for line in lines)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def connection_line(n: int, *, connected_on: str = "15 Jan 2024", email: str = "") -> str:
    return (
        f"First{n},Last{n},https://www.linkedin.com/in/person-{n},{email},"
        f'"Company {n}, Inc.",Buyer,{connected_on}'
    )


@pytest.fixture(autouse=True)
def tasks_in_process(request):
    """Run tasks eagerly even with a broker configured, except where a real worker is wanted."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    from socialcrm.celery import app

    # Keys carry the CELERY_ namespace of config_from_object (socialcrm/celery.py).
    previous = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def start_import(django_capture_on_commit_callbacks):
    """Start a job as the API does; tasks run in-process, so it has run on return."""

    def start(owner, content: bytes) -> ImportJob:
        upload = SimpleUploadedFile("Connections.csv", content, content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            job = services.linkedin_import_start(owner=owner, upload=upload)
        job.refresh_from_db()
        return job

    return start


@pytest.fixture
def pending_job():
    """A job whose file is stored but whose task has not run (as if the worker never got it)."""

    def make(owner, content: bytes) -> ImportJob:
        job = ImportJob(owner=owner)
        job.file.save("connections.csv", ContentFile(content), save=False)
        job.save()
        return job

    return make
