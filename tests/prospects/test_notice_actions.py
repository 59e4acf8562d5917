"""The art. 14 notice's actions: append it to the next message, or mark it sent by mail,
letter or other means with its evidence."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from prospects import notices
from prospects.models import NoticeDelivery, Prospect
from tests.factories import EmployeeFactory, ProspectFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def overdue(rep):
    return ProspectFactory(owner=rep, notice_due_at=timezone.now() - DAY)


def mark(client, prospect, **data):
    form = {
        "notice-method": "mail",
        "notice-sent_on": timezone.localdate().isoformat(),
        "notice-evidence": "Sent from my mailbox, ref. 2026-12-07-42",
        **{f"notice-{key}": value for key, value in data.items()},
    }
    return client.post(reverse("prospect-notice-mark-sent", args=[prospect.pk]), form)


def test_the_owner_marks_the_notice_sent_by_mail_with_its_evidence(client, rep, overdue):
    client.force_login(rep.user)
    yesterday = timezone.localdate() - DAY

    response = mark(client, overdue, **{"sent_on": yesterday.isoformat()})

    assert response.status_code == 302
    assert response.url == reverse("prospect", args=[overdue.pk])
    overdue.refresh_from_db()
    assert timezone.localdate(overdue.notice_sent_at) == yesterday
    delivery = NoticeDelivery.objects.get(prospect=overdue)
    assert (delivery.method, delivery.sent_on) == ("mail", yesterday)
    assert delivery.evidence == "Sent from my mailbox, ref. 2026-12-07-42"
    event = AuditEvent.objects.get(action="prospect.notice_marked_sent")
    assert (event.object_id, event.actor) == (str(overdue.pk), rep.user)
    page = client.get(response.url).content.decode()
    assert "sent on" in page
    assert "The notice is recorded as sent on" in page


def test_the_evidence_is_sealed_at_rest(rep, overdue):
    notices.notice_mark_sent(
        actor=rep.user,
        prospect=overdue,
        method="letter",
        sent_on=timezone.localdate(),
        evidence="Registered letter 1A 234 567",
    )

    stored = NoticeDelivery.objects.values_list("evidence", flat=True).get()
    assert "1A 234 567" not in stored


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sent_on": (timezone.localdate() + 2 * DAY).isoformat()}, "sent_on"),
        ({"sent_on": ""}, "sent_on"),
        ({"sent_on": "1969-12-31"}, "sent_on"),
        ({"method": "pigeon"}, "method"),
        ({"evidence": "   "}, "evidence"),
        ({"evidence": "x" * 501}, "evidence"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(client, rep, overdue, data, field):
    client.force_login(rep.user)

    response = mark(client, overdue, **data)

    assert response.status_code == 400
    assert field in response.context["notice_form"].errors
    assert f'id="id_notice-{field}_error"' in response.content.decode()
    assert Prospect.objects.get(pk=overdue.pk).notice_sent_at is None
    assert not NoticeDelivery.objects.exists()
    # What was typed is still there.
    if field != "evidence":
        assert "ref. 2026-12-07-42" in response.content.decode()


def test_today_is_the_latest_date_accepted(rep, overdue):
    delivery = notices.notice_mark_sent(
        actor=rep.user,
        prospect=overdue,
        method="other",
        sent_on=timezone.localdate(),
        evidence="Handed over at the fair",
    )

    assert delivery is not None
    assert Prospect.objects.get(pk=overdue.pk).notice_sent_at is not None


def test_a_second_mark_changes_nothing(client, rep, overdue):
    client.force_login(rep.user)
    mark(client, overdue)
    first = Prospect.objects.get(pk=overdue.pk).notice_sent_at

    response = mark(client, overdue, method="letter", evidence="Another proof")

    assert response.status_code == 302
    assert Prospect.objects.get(pk=overdue.pk).notice_sent_at == first
    assert list(NoticeDelivery.objects.values_list("method", flat=True)) == ["mail"]
    assert AuditEvent.objects.filter(action="prospect.notice_marked_sent").count() == 1


def test_a_notice_already_carried_by_a_message_is_not_marked_again(rep):
    sent_at = timezone.now() - 3 * DAY
    prospect = ProspectFactory(
        owner=rep, notice_due_at=timezone.now() - DAY, notice_sent_at=sent_at
    )

    result = notices.notice_mark_sent(
        actor=rep.user, prospect=prospect, method="mail", sent_on=timezone.localdate(), evidence="x"
    )

    assert result is None
    assert Prospect.objects.get(pk=prospect.pk).notice_sent_at == sent_at


def test_the_manager_and_the_dpo_may_mark_it(client, manager, dpo):
    report = EmployeeFactory(role="rep", manager=manager)
    for actor in (manager, dpo):
        prospect = ProspectFactory(owner=report, notice_due_at=timezone.now() - DAY)
        client.force_login(actor.user)
        assert mark(client, prospect).status_code == 302
        assert Prospect.objects.get(pk=prospect.pk).notice_sent_at is not None


def test_a_colleague_who_cannot_see_it_gets_404_and_hr_403(client, overdue):
    client.force_login(EmployeeFactory(role="rep").user)
    assert mark(client, overdue).status_code == 404
    assert client.get(reverse("prospect-notice", args=[overdue.pk])).status_code == 404
    client.force_login(EmployeeFactory(role="hr").user)
    assert mark(client, overdue).status_code == 403
    assert Prospect.objects.get(pk=overdue.pk).notice_sent_at is None


def test_a_colleague_it_is_shared_with_sees_the_state_but_not_the_actions(client, rep, overdue):
    from prospects import services

    colleague = EmployeeFactory(role="rep")
    services.prospect_share(actor=rep.user, prospect=overdue, with_employee=colleague)
    client.force_login(colleague.user)

    page = client.get(reverse("prospect-notice", args=[overdue.pk])).content.decode()

    assert "Not sent yet: due by" in page
    assert "Mark sent by" not in page
    assert mark(client, overdue).status_code == 403


def test_the_action_explains_the_append_route_and_links_to_the_contact_panel(client, rep, overdue):
    client.force_login(rep.user)

    page = client.get(reverse("prospect-notice", args=[overdue.pk])).content.decode()

    assert "Append to my next message" in page
    assert f'href="/prospects/{overdue.pk}/#contact-panel"' in page
    assert "Mark sent by" in page
    assert f'max="{timezone.localdate().isoformat()}"' in page


def test_the_partial_renders_inside_the_prospect_page_context(rf, rep, overdue):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = rep.user
    html = render_to_string(
        "prospects/_notice_action.html", {"prospect": overdue, "can_edit": True}, request=request
    )

    assert f'action="/prospects/{overdue.pk}/notice/mark-sent/"' in html
    assert "csrfmiddlewaretoken" in html


def test_nothing_shows_when_no_notice_is_due(client, rep):
    prospect = ProspectFactory(owner=rep)
    client.force_login(rep.user)

    page = client.get(reverse("prospect-notice", args=[prospect.pk])).content.decode()

    assert 'id="notice-action"' not in page
    assert "No information notice is due for this prospect." in page


def test_french_labels(client, rep, overdue):
    client.force_login(rep.user)
    client.cookies["django_language"] = "fr"

    page = client.get(reverse("prospect-notice", args=[overdue.pk]), HTTP_ACCEPT_LANGUAGE="fr")

    assert "Ajouter à mon prochain message" in page.content.decode()
