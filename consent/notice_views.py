"""The public art. 14 notice page ``/privacy/notice/`` (RULES 15, issue 17).

No login, in French or English (``?lang=``, else the visitor's language), printable.
Built from the settings (who we are, how to reach us and the DPO, the purpose and the
legitimate interest, the retention periods) and from the register of processing
(art. 30: purposes, lawful basis, data, sources, recipients, transfers, retention),
which the DPO edits; its version is the latest change of the register entries shown.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from consent import notice
from consent.objection_views import page_language, render_in
from people.models import Network
from register import selectors as register_selectors

# What the page reads from each register activity, in the page's order.
_REGISTER_FIELDS = (
    "name",
    "purposes",
    "lawful_basis",
    "data_categories",
    "sources",
    "recipients",
    "transfers",
    "retention",
)


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@require_safe
def public_notice(request):
    language = page_language(request, (getattr(request, "LANGUAGE_CODE", "") or "")[:2])
    activities = register_selectors.notice_activities(settings.NOTICE_REGISTER_ACTIVITIES)
    with translation.override(language):
        prospect_retention = notice._retention(settings.PROSPECT_RETENTION_DAYS)
        evidence_retention = notice._retention(settings.EVIDENCE_RETENTION_DAYS)
        networks = ", ".join(str(n.label) for n in Network if n != Network.OTHER)
    context = {
        "company_contact": settings.COMPANY_CONTACT,
        "company_contact_is_email": _is_email(settings.COMPANY_CONTACT),
        "dpo_contact": settings.DPO_CONTACT,
        "dpo_contact_is_email": _is_email(settings.DPO_CONTACT),
        "purpose": settings.NOTICE_PURPOSE.get(language, ""),
        "legitimate_interest": settings.NOTICE_LEGITIMATE_INTEREST.get(language, ""),
        "prospect_retention": prospect_retention,
        "evidence_retention": evidence_retention,
        "networks": networks,
        "activities": [
            {field: activity.text_in(field, language) for field in _REGISTER_FIELDS}
            for activity in activities
        ],
        "version": max((activity.updated_at for activity in activities), default=None),
        "request_url": reverse("dsar-public"),
    }
    return render_in(request, "privacy/notice.html", language, context)
