"""The DPO's dashboard page (/dpo/): the API's figures, with server-drawn bar charts."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from consent.reason_labels import reason_label
from dashboard.charts import bar_chart
from dashboard.selectors import NONE, OUTREACH_WINDOW_DAYS, provenance_dashboard
from people.models import Network, Role
from people.selectors import has_role
from prospects.models import LawfulBasis, Provenance
from suppression.models import Channel

TOP_OWNERS = 15


def _labelled(counts: dict, choices, *, none_label: str) -> list[tuple[str, int]]:
    labels = {**dict(choices), NONE: none_label}
    return [(labels.get(key, key), count) for key, count in counts.items()]


@login_required
def dpo_dashboard(request):
    if not has_role(request.user, Role.DPO):
        raise PermissionDenied
    figures = provenance_dashboard()
    owners = figures["by_owner"]
    shown_owners = owners[:TOP_OWNERS]
    outreach = figures["outreach_last_30_days"]
    consent = figures["consent_by_channel"]
    total = figures["total_prospects"]
    charts = {
        "provenance": bar_chart(
            _labelled(figures["by_provenance"], Provenance.choices, none_label="")
        ),
        "network": bar_chart(
            _labelled(figures["by_network"], Network.choices, none_label=_("No network recorded"))
        ),
        "lawful_basis": bar_chart(
            _labelled(
                figures["by_lawful_basis"],
                LawfulBasis.choices,
                none_label=_("No lawful basis recorded"),
            )
        ),
        "owners": bar_chart([(row["username"], row["count"]) for row in shown_owners]),
        "consent": bar_chart(
            [(label, consent[channel]["opt_in"]) for channel, label in Channel.choices]
        ),
        "outreach": bar_chart(
            [(_("Allowed"), outreach["allowed"]), (_("Denied"), outreach["denied"])]
        ),
        "reasons": bar_chart(
            [(reason_label(row["code"]), row["count"]) for row in outreach["top_denial_reasons"]]
        ),
    }
    hidden_owners = owners[TOP_OWNERS:]
    return render(
        request,
        "dashboard/dpo.html",
        {
            "figures": figures,
            "charts": charts,
            "total": total,
            "hidden_owner_count": len(hidden_owners),
            "hidden_owner_prospects": sum(row["count"] for row in hidden_owners),
            "outreach_window_days": OUTREACH_WINDOW_DAYS,
        },
    )
