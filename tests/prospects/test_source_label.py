"""A prospect's source is shown through its label; free text is shown as typed."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from prospects.models import Prospect
from prospects.templatetags.prospect_labels import source_label
from tests.factories import ProspectFactory


@pytest.mark.parametrize(
    ("source", "english", "french"),
    [
        ("manual", "Entered by hand", "Saisie manuelle"),
        ("linkedin_import", "LinkedIn import", None),
        ("referral", "Referral", "Recommandation"),
        (" Referral ", "Referral", "Recommandation"),
        ("Salon VivaTech 2026", "Salon VivaTech 2026", "Salon VivaTech 2026"),
        ("<b>card</b>", "&lt;b&gt;card&lt;/b&gt;", None),
        ("", "", ""),
    ],
)
def test_known_sources_are_labelled_and_others_shown_as_given(source, english, french):
    rendered = Template("{% load prospect_labels %}{{ source|source_label }}")
    with translation.override("en"):
        assert rendered.render(Context({"source": source})) == english
    if french is not None:
        with translation.override("fr"):
            assert str(source_label(source)) == french


@pytest.mark.django_db
def test_the_prospect_page_shows_no_raw_source_code(client, rep):
    prospect = ProspectFactory(owner=rep)
    Prospect.objects.filter(pk=prospect.pk).update(source="linkedin_import")
    client.force_login(rep.user)
    page = client.get(reverse("prospect", args=[prospect.pk])).content.decode()
    assert "<dd>LinkedIn import</dd>" in page
    assert "linkedin_import" not in page
