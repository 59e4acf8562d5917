"""Nobody acknowledges for another: the caller is the one recorded, and a login without an
employee profile records nothing."""

import pytest

from charters.models import Acknowledgement
from charters.selectors import current_versions
from tests.conftest import api_client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_login_without_an_employee_profile_cannot_acknowledge(client):
    class Bare:
        user = UserFactory(username="bare", is_superuser=True, is_staff=True)

    version = current_versions().get(charter__kind="social_selling")
    response = api_client_for(Bare).post(f"/api/charters/{version.pk}/acknowledge/")
    assert response.status_code == 403
    client.force_login(Bare.user)
    assert client.post(f"/me/compliance/{version.pk}/acknowledge/").status_code == 403
    assert not Acknowledgement.objects.exists()


def test_the_browser_records_the_logged_in_employee_whatever_the_form_says(client, rep, new_rep):
    version = current_versions().get(charter__kind="gdpr_code_of_conduct")
    client.force_login(new_rep.user)
    client.post(f"/me/compliance/{version.pk}/acknowledge/", {"employee": rep.pk})
    assert Acknowledgement.objects.filter(employee=new_rep, version=version).exists()
    assert Acknowledgement.objects.filter(version=version).count() == 2  # rep's own, from before
