"""Sharing a prospect: the owner lists, adds and removes colleagues, through the API and the page."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from people.models import EmployeeStatus
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def shares_url(prospect):
    return f"/api/prospects/{prospect.pk}/shares/"


def test_the_owner_shares_lists_and_unshares_and_the_colleague_gains_then_loses_read_access(
    api_as, rep, prospect, outsider
):
    owner = api_as(rep)
    colleague = api_as(outsider)
    assert colleague.get(f"/api/prospects/{prospect.pk}/").status_code == 404
    assert owner.get(shares_url(prospect)).json() == []

    created = owner.post(shares_url(prospect), {"employee": outsider.pk}, format="json")
    assert created.status_code == 201
    assert created.json() == {"employee": outsider.pk, "username": outsider.username}
    assert owner.get(shares_url(prospect)).json() == [
        {"employee": outsider.pk, "username": outsider.username}
    ]
    assert colleague.get(f"/api/prospects/{prospect.pk}/").status_code == 200
    assert (
        colleague.patch(
            f"/api/prospects/{prospect.pk}/", {"company": "X"}, format="json"
        ).status_code
        == 403
    ), "a share gives read access only"
    assert AuditEvent.objects.filter(action="prospect.shared").exists()

    removed = owner.delete(shares_url(prospect), {"employee": outsider.pk}, format="json")
    assert removed.status_code == 204
    assert owner.get(shares_url(prospect)).json() == []
    assert colleague.get(f"/api/prospects/{prospect.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="prospect.unshared").exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda: EmployeeFactory(role="rep", status=EmployeeStatus.DEPARTED),
        lambda: EmployeeFactory(role="hr"),
        lambda: EmployeeFactory(role="rep", user__is_active=False),
        lambda: None,
    ],
    ids=["departed", "hr", "deactivated-account", "unknown"],
)
def test_sharing_outside_the_active_sales_staff_is_400_naming_employee(api_as, rep, prospect, make):
    target = make()
    response = api_as(rep).post(
        shares_url(prospect), {"employee": target.pk if target else 999_999}, format="json"
    )
    assert response.status_code == 400
    assert "employee" in response.json()


def test_sharing_with_oneself_is_400_and_a_missing_employee_is_400(api_as, rep, prospect):
    client = api_as(rep)
    assert "employee" in client.post(shares_url(prospect), {"employee": rep.pk}).json()
    assert client.post(shares_url(prospect), {}, format="json").status_code == 400


def test_out_of_scope_is_404_and_non_owners_who_see_it_are_403(
    api_as, prospect, outsider, manager, dpo, teammate
):
    assert api_as(outsider).get(shares_url(prospect)).status_code == 404
    assert api_as(outsider).post(shares_url(prospect), {"employee": teammate.pk}).status_code == 404
    assert api_as(manager).get(shares_url(prospect)).status_code == 403
    assert api_as(dpo).get(shares_url(prospect)).status_code == 403


def test_listing_shares_costs_the_same_queries_however_many(
    api_as, rep, prospect, teammate, outsider, django_assert_num_queries
):
    client = api_as(rep)
    client.post(shares_url(prospect), {"employee": teammate.pk}, format="json")
    # The token with its user and employee, the prospect, the shares: whatever their number.
    with django_assert_num_queries(3):
        client.get(shares_url(prospect))
    client.post(shares_url(prospect), {"employee": outsider.pk}, format="json")
    with django_assert_num_queries(3):
        body = client.get(shares_url(prospect)).json()
    assert {row["employee"] for row in body} == {teammate.pk, outsider.pk}


# --- the prospect page -----------------------------------------------------------------------


def page(client, prospect):
    return client.get(reverse("prospect", args=[prospect.pk]))


def test_the_owner_shares_from_the_page_and_removes_after_confirming(
    client, rep, prospect, outsider
):
    client.force_login(rep.user)
    html = page(client, prospect).content.decode()
    assert 'id="shares"' in html
    assert "Only you see this prospect" in html
    assert f'value="{outsider.pk}"' in html

    shared = client.post(reverse("prospect-share", args=[prospect.pk]), {"employee": outsider.pk})
    assert shared.status_code == 302
    html = client.get(shared["Location"]).content.decode()
    assert "can now see this prospect" in html
    assert reverse("prospect-unshare", args=[prospect.pk, outsider.pk]) in html

    confirm = client.get(reverse("prospect-unshare", args=[prospect.pk, outsider.pk]))
    assert confirm.status_code == 200
    assert "Stop sharing" in confirm.content.decode()
    assert "csrfmiddlewaretoken" in confirm.content.decode()
    # Only confirming (the POST) removes the share.
    assert outsider.user.prospectuserobjectpermission_set.exists()
    removed = client.post(reverse("prospect-unshare", args=[prospect.pk, outsider.pk]))
    assert removed.status_code == 302
    assert not outsider.user.prospectuserobjectpermission_set.exists()
    assert "no longer sees this prospect" in client.get(removed["Location"]).content.decode()


def test_an_invalid_share_redisplays_the_page_with_the_error(client, rep, prospect):
    client.force_login(rep.user)
    departed = EmployeeFactory(role="rep", status=EmployeeStatus.DEPARTED)
    response = client.post(reverse("prospect-share", args=[prospect.pk]), {"employee": departed.pk})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_only_the_owner_sees_the_share_section(client, prospect, manager, outsider, rep):
    client.force_login(manager.user)
    assert 'id="shares"' not in page(client, prospect).content.decode()
    assert (
        client.post(reverse("prospect-share", args=[prospect.pk]), {"employee": outsider.pk})
    ).status_code == 403
    client.force_login(outsider.user)
    assert (
        client.post(reverse("prospect-share", args=[prospect.pk]), {"employee": rep.pk})
    ).status_code == 404
