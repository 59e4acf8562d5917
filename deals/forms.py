from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import in_past, in_range
from deals.models import DealStatus, Supply
from people.models import Network
from suppression.models import Channel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DealForm(forms.Form):
    product = forms.CharField(label=_("Product"), max_length=200)
    supply = forms.ChoiceField(
        label=_("What is sold"),
        choices=Supply.choices,
        initial=Supply.SERVICES,
        help_text=_(
            "Goods: the withdrawal period runs from delivery; services: from the conclusion."
        ),
    )
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=0)
    currency = forms.RegexField(
        label=_("Currency"), regex=r"^[A-Za-z]{3}$", initial="EUR", max_length=3
    )
    network = forms.ChoiceField(
        label=_("Network where it was concluded"),
        choices=[("", _("— none —")), *Network.choices],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Channel where it was concluded"),
        choices=[("", _("— none —")), *Channel.choices],
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), choices=DealStatus.choices, initial="open")
    concluded_on = forms.DateField(
        label=_("Concluded on"), required=False, widget=DATE, validators=[in_past]
    )
    precontractual_info_on = forms.DateField(
        label=_("Pre-contractual information given on"),
        required=False,
        widget=DATE,
        validators=[in_past],
        help_text=_("Consumers: price, characteristics, seller’s identity… (C. consom. L221-5)."),
    )
    withdrawal_info_on = forms.DateField(
        label=_("Withdrawal right information given on"),
        required=False,
        widget=DATE,
        validators=[in_past],
        help_text=_(
            "Consumers: the 14-day withdrawal right and its form. Missing, the period grows by 12 months."
        ),
    )
    delivery_on = forms.DateField(
        label=_("Delivery date"), required=False, widget=DATE, validators=[in_range]
    )
    durable_medium_on = forms.DateField(
        label=_("Confirmation on a durable medium sent on"),
        required=False,
        widget=DATE,
        validators=[in_past],
        help_text=_("Consumers: the contract confirmed by e-mail or PDF (C. consom. L221-13)."),
    )
    opt_out_offered_at_sale = forms.BooleanField(
        label=_("Opt-out offered when the customer’s details were collected at the sale"),
        required=False,
        help_text=_("Lets you later e-mail them about similar products (soft opt-in)."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
