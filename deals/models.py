"""Sales concluded through a social network, with the consumer-law checklist (RULES 23)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import in_past, in_range
from core.fields import BoundedDateField, BoundedDateTimeField, EncryptedTextField
from people.models import Network
from suppression.models import Channel


class DealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class DealStage(models.TextChoices):
    """Where an open deal stands on the pipeline board; won and lost deals are past it.

    Kept apart from ``status`` (open|won|lost), which the REST API and the customer
    period (RULES 18: an open deal keeps its customer) read: a deal in proposal is open.
    """

    OPEN = "open", _("Open")
    PROPOSAL = "proposal", _("Proposal")


class PipelineColumn(models.TextChoices):
    """The board's columns, in order: the open stages, then the outcomes."""

    OPEN = "open", _("Open")
    PROPOSAL = "proposal", _("Proposal")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Supply(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")


class Deal(models.Model):
    # The contract record outlives the prospect's erasure (it then names no one).
    prospect = models.ForeignKey(
        "prospects.Prospect",
        verbose_name=_("prospect"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="deals",
    )
    owner = models.ForeignKey(
        "people.Employee", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="deals"
    )
    product = models.CharField(_("product"), max_length=200)
    supply = models.CharField(
        _("what is sold"),
        max_length=16,
        choices=Supply.choices,
        default=Supply.SERVICES,
        help_text=_(
            "Goods: the withdrawal period runs from delivery; services: from the conclusion."
        ),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    network = models.CharField(
        _("network where it was concluded"), max_length=16, choices=Network.choices, blank=True
    )
    channel = models.CharField(
        _("channel where it was concluded"), max_length=32, choices=Channel.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=DealStatus.choices, default=DealStatus.OPEN
    )
    stage = models.CharField(
        _("stage"),
        max_length=16,
        choices=DealStage.choices,
        default=DealStage.OPEN,
        db_default=DealStage.OPEN,
    )
    concluded_on = BoundedDateField(_("concluded on"), null=True, blank=True, validators=[in_past])
    # RULES 23, for consumers: C. consom. L221-5, L221-18, and the delivery date.
    precontractual_info_on = BoundedDateField(
        _("pre-contractual information given on"), null=True, blank=True, validators=[in_past]
    )
    withdrawal_info_on = BoundedDateField(
        _("withdrawal right information given on"), null=True, blank=True, validators=[in_past]
    )
    # A delivery may be planned: any date the app accepts, not only past ones.
    delivery_on = BoundedDateField(_("delivery date"), null=True, blank=True, validators=[in_range])
    # L221-13: the contract confirmed on a durable medium (e-mail, PDF) after conclusion.
    durable_medium_on = BoundedDateField(
        _("confirmation on a durable medium sent on"), null=True, blank=True, validators=[in_past]
    )
    # RULES 3: the customer's details were collected at this sale with the opt-out offered
    # then, the condition of the soft opt-in for later e-mails about analogous products.
    opt_out_offered_at_sale = models.BooleanField(
        _("opt-out offered when the details were collected at the sale"),
        default=False,
        db_default=False,
    )
    # The deal's key is the database's sequence, unknown before the insert: the encrypted
    # notes name their row by this client-generated id instead.
    seal_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What the rep wrote about the customer: personal data, encrypted.
    notes = EncryptedTextField(_("notes"), blank=True, default="", row_key="seal_key")
    created_at = BoundedDateTimeField(auto_now_add=True)
    updated_at = BoundedDateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_amount_not_negative"),
            # The deal page's deadline starts from this date: a won deal must have one.
            models.CheckConstraint(
                condition=~Q(status="won") | Q(concluded_on__isnull=False),
                name="deal_won_has_conclusion_date",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="deal_owner_recent")]

    def __str__(self):
        return f"{self.product} · {self.amount} {self.currency}"

    @property
    def column(self) -> str:
        """The pipeline column: the stage while open, else the outcome."""
        return self.stage if self.status == DealStatus.OPEN else self.status

    def clean(self):
        # L221-5: the pre-contractual information is given before the consumer is bound.
        if (
            self.precontractual_info_on is not None
            and self.concluded_on is not None
            and self.precontractual_info_on > self.concluded_on
        ):
            raise ValidationError(
                {
                    "precontractual_info_on": _(
                        "The pre-contractual information must be given on or before the "
                        "conclusion date (C. consom. L221-5)."
                    )
                },
                code="after_conclusion",
            )
