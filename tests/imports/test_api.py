"""POST /api/imports/linkedin/ and GET /api/imports/{id}/: the contract and who sees what."""

import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportJob
from prospects.models import Prospect
from tests.factories import EmployeeFactory
from tests.imports.conftest import connection_line, connections_csv

pytestmark = pytest.mark.django_db


def upload(content: bytes) -> dict:
    return {"file": SimpleUploadedFile("Connections.csv", content, content_type="text/csv")}


def post_export(client, content: bytes):
    return client.post("/api/imports/linkedin/", upload(content), format="multipart")


def test_an_upload_is_accepted_and_its_status_url_reports_the_outcome(
    api_as, rep, django_capture_on_commit_callbacks
):
    client = api_as(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_export(client, connections_csv([connection_line(n) for n in range(3)]))

    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status_url"}
    assert body["status_url"] == f"/api/imports/{body['id']}/"

    status = client.get(body["status_url"])
    assert status.status_code == 200
    job = status.json()
    assert job["status"] == "done"
    assert (job["total"], job["processed"], job["created"], job["duplicates"]) == (3, 3, 3, 0)
    assert job["rejected"] == []
    assert job["by_provenance"] == {"pre_hire": 3, "employment": 0}
    assert Prospect.objects.filter(owner=rep).count() == 3


def test_the_job_is_enqueued_only_once_the_upload_is_committed(
    api_as, rep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_export(api_as(rep), connections_csv([connection_line(1)]))

    assert response.status_code == 202
    assert len(callbacks) == 1
    assert ImportJob.objects.get().status == "pending"


def test_another_employee_gets_404_and_the_dpo_sees_the_counts(
    api_as, rep, dpo, manager, hr, pending_job
):
    job = pending_job(rep, connections_csv([connection_line(1)]))
    url = f"/api/imports/{job.pk}/"

    assert api_as(EmployeeFactory(role="rep")).get(url).status_code == 404
    assert api_as(manager).get(url).status_code == 404
    assert api_as(hr).get(url).status_code == 404
    assert api_as(dpo).get(url).status_code == 200
    assert api_as(rep).get(f"/api/imports/{uuid.uuid4()}/").status_code == 404


def test_only_active_reps_and_managers_import(api_as, hr, dpo, manager):
    content = connections_csv([connection_line(1)])
    assert post_export(api_as(hr), content).status_code == 403
    assert post_export(api_as(dpo), content).status_code == 403
    offboarding = EmployeeFactory(role="rep", status="offboarding")
    assert post_export(api_as(offboarding), content).status_code == 403
    # A departed employee's token no longer authenticates at all.
    departed = EmployeeFactory(role="rep", status="departed")
    assert post_export(api_as(departed), content).status_code == 401
    assert not ImportJob.objects.exists()


def test_a_request_without_a_file_is_a_400_naming_it(api_as, rep):
    response = api_as(rep).post("/api/imports/linkedin/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_anonymous_callers_get_401(client):
    assert client.post("/api/imports/linkedin/").status_code == 401
    assert client.get(f"/api/imports/{uuid.uuid4()}/").status_code == 401


@pytest.mark.services
def test_a_real_worker_imports_the_file_while_the_client_polls(api_as, celery_worker):
    rep = EmployeeFactory(role="rep")
    client = api_as(rep)
    lines = [connection_line(n) for n in range(2500)] + [connection_line(7)]
    lines[42] = connection_line(42, connected_on="not a date")

    response = post_export(client, connections_csv(lines))
    assert response.status_code == 202

    deadline = time.monotonic() + 60
    while True:
        job = client.get(response.json()["status_url"]).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    assert job["status"] == "done"
    assert (job["total"], job["created"], job["duplicates"]) == (2501, 2499, 1)
    assert [entry["row"] for entry in job["rejected"]] == [48]
    assert Prospect.objects.filter(owner=rep).count() == 2499
    assert ImportJob.objects.get().file.name == ""
