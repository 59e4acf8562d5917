"""Employees, their roles, and the personal social accounts they use at work."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import PARIS, in_range
from core.fields import BoundedDateField, BoundedDateTimeField


def paris_today() -> datetime.date:
    """Today on the Paris calendar: departure dates are Paris dates, whatever TIME_ZONE says."""
    return timezone.now().astimezone(PARIS).date()


class Role(models.TextChoices):
    REP = "rep", _("Sales rep")
    MANAGER = "manager", _("Manager")
    DPO = "dpo", _("Data protection officer")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Administrator")


class EmployeeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    OFFBOARDING = "offboarding", _("Offboarding")
    DEPARTED = "departed", _("Departed")


class Employee(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employee"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.REP)
    status = models.CharField(
        _("status"), max_length=16, choices=EmployeeStatus.choices, default=EmployeeStatus.ACTIVE
    )
    hire_date = BoundedDateField(_("hire date"), validators=[in_range])
    # The first day the employee no longer works here (RULES 12): recorded by HR with the
    # offboarding case, it counts from that day whether or not the case was started.
    departure_date = BoundedDateField(
        _("departure date"), null=True, blank=True, validators=[in_range]
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    # Right to disconnect (C. trav. L2242-17): the gate warns outside these hours.
    work_days = models.CharField(
        _("working days"), max_length=7, default="12345", help_text=_("ISO weekdays, 1 = Monday")
    )
    work_start = models.TimeField(_("working day starts"), default=datetime.time(9, 0))
    work_end = models.TimeField(_("working day ends"), default=datetime.time(19, 0))

    class Meta:
        ordering = ["user__username"]
        constraints = [
            # Offboarding and provenance both read these dates; an inverted pair is a typo.
            models.CheckConstraint(
                condition=Q(departure_date__isnull=True)
                | Q(departure_date__gte=models.F("hire_date")),
                name="employee_departure_after_hire",
            ),
            models.CheckConstraint(
                condition=Q(work_start__lt=models.F("work_end")),
                name="employee_working_hours_order",
            ),
        ]

    def __str__(self):
        return self.user.get_username()

    @property
    def username(self) -> str:
        return self.user.get_username()

    def has_departed(self, today: datetime.date | None = None) -> bool:
        """Gone: status ``departed``, or the departure date has come (a Paris date, inclusive)."""
        if self.status == EmployeeStatus.DEPARTED:
            return True
        return self.departure_date is not None and self.departure_date <= (today or paris_today())

    @property
    def is_active_employee(self) -> bool:
        """May act for the company (RULES 12): not offboarding, not past the departure date."""
        return (
            self.status == EmployeeStatus.ACTIVE and self.user.is_active and not self.has_departed()
        )


class Network(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    OTHER = "other", _("Other")


class InUseSocialAccounts(models.Manager):
    """The accounts still in use: every picker and list reads through this one.

    A removed account stays in the table so the prospects, outreach and audit rows that
    name it keep reading it (a ForeignKey follows Django's base manager, which sees all).
    """

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class SocialAccount(models.Model):
    """A personal account an employee uses for work. It stays theirs; no credential is kept."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="social_accounts")
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    handle = models.CharField(_("handle"), max_length=150)
    profile_url = models.URLField(_("profile URL"), max_length=500, blank=True)
    created_at = BoundedDateTimeField(auto_now_add=True)
    # Removed by its owner: hidden from pickers and the list, kept for the history.
    removed_at = BoundedDateTimeField(_("removed at"), null=True, blank=True)

    all_objects = models.Manager()
    objects = InUseSocialAccounts()

    class Meta:
        ordering = ["network", "handle"]
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            # The registry names each account in use once per employee; a removed one
            # may be registered again.
            models.UniqueConstraint(
                fields=["employee", "network", "handle"],
                condition=Q(removed_at__isnull=True),
                name="social_account_unique_per_employee",
            ),
        ]

    def __str__(self):
        return f"{self.get_network_display()} · {self.handle}"
