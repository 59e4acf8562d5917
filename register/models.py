"""The register of processing activities (GDPR art. 30(1)).

One row per processing activity, kept by the DPO. Contacts are single values;
everything a person reads as prose exists in English and French, and the
register is printed and exported in both.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateTimeField

# The prose fields of an activity, in register order; each has an ``_en`` and an ``_fr`` column.
PROSE_FIELDS = (
    "name",
    "purposes",
    "lawful_basis",
    "data_subjects",
    "data_categories",
    "sources",
    "recipients",
    "transfers",
    "retention",
    "security_measures",
)


class ProcessingActivity(models.Model):
    slug = models.SlugField(
        _("reference"),
        max_length=64,
        unique=True,
        help_text=_("A short, stable reference for this activity, e.g. social-selling."),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    controller = models.TextField(
        _("controller and contact"),
        help_text=_("Name and address of the controller (and its representative, if any)."),
    )
    dpo_contact = models.TextField(_("DPO contact"))
    purposes_en = models.TextField(_("purposes (English)"))
    purposes_fr = models.TextField(_("purposes (French)"))
    lawful_basis_en = models.TextField(_("lawful basis (English)"))
    lawful_basis_fr = models.TextField(_("lawful basis (French)"))
    data_subjects_en = models.TextField(_("categories of data subjects (English)"))
    data_subjects_fr = models.TextField(_("categories of data subjects (French)"))
    data_categories_en = models.TextField(_("categories of personal data (English)"))
    data_categories_fr = models.TextField(_("categories of personal data (French)"))
    # Where the data comes from (art. 14(2)(f)): the public notice page says it.
    sources_en = models.TextField(_("sources of the data (English)"), blank=True, default="")
    sources_fr = models.TextField(_("sources of the data (French)"), blank=True, default="")
    recipients_en = models.TextField(_("recipients (English)"))
    recipients_fr = models.TextField(_("recipients (French)"))
    transfers_en = models.TextField(_("transfers outside the EU and safeguards (English)"))
    transfers_fr = models.TextField(_("transfers outside the EU and safeguards (French)"))
    retention_en = models.TextField(_("retention periods (English)"))
    retention_fr = models.TextField(_("retention periods (French)"))
    security_measures_en = models.TextField(_("security measures (English)"))
    security_measures_fr = models.TextField(_("security measures (French)"))
    created_at = BoundedDateTimeField(_("created at"), auto_now_add=True)
    updated_at = BoundedDateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")

    def __str__(self):
        return self.name_en

    def text_in(self, field: str, language: str | None) -> str:
        """The ``field`` prose in the reader's language (French for ``fr*``, English otherwise)."""
        suffix = "fr" if (language or "").startswith("fr") else "en"
        return getattr(self, f"{field}_{suffix}")
