"""Writes on employees, accounts and access. Each is atomic and audited."""

import datetime

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from audit import events
from core import urls
from people.models import Employee, EmployeeStatus, Role, SocialAccount, paris_today
from people.selectors import roles_grantable_by


@transaction.atomic
def employee_upsert(
    *,
    actor,
    username: str,
    role: str,
    hire_date: datetime.date | None = None,
    manager: Employee | None = None,
    password: str | None = None,
) -> tuple[Employee, bool]:
    """Create the user and its employee profile, or update role, dates and manager.

    A hire goes through ``onboarding.services.employee_hire``, which also opens the
    checklist; this one alone changes an employee who is already here.

    Only an administrator (or the command line) gives, or takes away, the dpo and admin
    roles (``selectors.roles_grantable_by``); anyone else gets ``PermissionDenied``. The
    password goes through the password validators.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"unknown role {role!r}; one of {', '.join(Role.values)}"})
    grantable = roles_grantable_by(actor)
    current = Employee.objects.filter(user__username=username).values_list("role", flat=True)
    if role not in grantable or any(held not in grantable for held in current):
        raise PermissionDenied(_("Only an administrator gives the DPO and administrator roles."))
    User = get_user_model()
    if password:
        # Judged against the account it will open: not like its username, among others.
        existing = User.objects.filter(username=username).first() or User(username=username)
        try:
            password_validation.validate_password(password, existing)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    user, created = User.objects.get_or_create(username=username)
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.save()
    employee = Employee.objects.filter(user=user).first()
    is_new = employee is None
    if is_new:
        employee = Employee(user=user, hire_date=hire_date or timezone.localdate())
    elif hire_date:
        employee.hire_date = hire_date
    employee.role = role
    if manager is not None:
        employee.manager = manager
    employee.full_clean(exclude=["user"])
    employee.save()
    if is_new:
        events.created(actor=actor, obj=employee, fields=["role", "hire_date", "manager"])
    else:
        events.changed(actor=actor, obj=employee, fields=["role", "hire_date", "manager"])
    return employee, is_new


def _checked_profile_url(*, network: str, profile_url: str) -> str:
    """The URL as stored: https assumed when typed without a scheme, and on the network's
    own site (core.urls: linkedin.com, x.com or twitter.com, facebook.com or fb.com,
    instagram.com; any http(s) address for another network)."""
    if not profile_url:
        return ""
    try:
        return urls.clean_profile_url(profile_url, network=network)
    except ValidationError as exc:
        raise ValidationError({"profile_url": exc.messages}) from None


def _check_not_registered(*, employee: Employee, network: str, handle: str, exclude=None) -> None:
    taken = SocialAccount.objects.filter(employee=employee, network=network, handle=handle)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        # Named on the field the person can change, not as a whole-form error.
        raise ValidationError({"handle": [_("You have already registered this account.")]})


@transaction.atomic
def social_account_create(*, employee: Employee, network: str, handle: str, profile_url: str = ""):
    profile_url = _checked_profile_url(network=network, profile_url=profile_url)
    account = SocialAccount(
        employee=employee, network=network, handle=handle.strip(), profile_url=profile_url
    )
    _check_not_registered(employee=employee, network=network, handle=account.handle)
    account.full_clean()
    account.save()
    events.created(actor=employee.user, obj=account, fields=["network", "handle", "profile_url"])
    return account


@transaction.atomic
def social_account_update(
    *, actor, account: SocialAccount, network: str, handle: str, profile_url: str = ""
) -> SocialAccount:
    """Correct an account in use. Its prospects and outreach keep pointing at it."""
    if account.removed_at is not None:
        raise ValidationError(_("This account was removed: register it again instead."))
    profile_url = _checked_profile_url(network=network, profile_url=profile_url)
    handle = handle.strip()
    _check_not_registered(
        employee=account.employee, network=network, handle=handle, exclude=account
    )
    changed = [
        name
        for name, value in (("network", network), ("handle", handle), ("profile_url", profile_url))
        if getattr(account, name) != value
    ]
    if not changed:
        return account
    account.network, account.handle, account.profile_url = network, handle, profile_url
    account.full_clean()
    account.save(update_fields=changed)
    events.changed(actor=actor, obj=account, fields=changed)
    return account


@transaction.atomic
def social_account_remove(*, actor, account: SocialAccount) -> SocialAccount:
    """Stop using an account: hidden from the pickers and the list, kept for the history
    (the prospects found through it, the messages sent from it). Removing twice is once."""
    if account.removed_at is not None:
        return account
    account.removed_at = timezone.now()
    account.save(update_fields=["removed_at"])
    events.record(actor=actor, action="social_account.removed", obj=account)
    return account


@transaction.atomic
def access_revoke(*, actor, user) -> None:
    """Deactivate a login: its API tokens stop at once, and its sessions no longer load a user."""
    user.is_active = False
    # The save revokes the API tokens, as any deactivation does (people.signals).
    user.save(update_fields=["is_active"])
    events.record(actor=actor, action="access.revoked", obj=user)


@transaction.atomic
def login_close(*, actor, user) -> None:
    """Close a login for good: no password works, tokens and sessions are revoked.

    A new unusable password changes the session hash, so a session opened on
    another device is flushed at its next request, not only refused a user.
    """
    user.set_unusable_password()
    user.save(update_fields=["password"])
    access_revoke(actor=actor, user=user)


@transaction.atomic
def employee_depart(
    *, actor, employee: Employee, keep_login_until: datetime.date | None = None
) -> None:
    """The employee has left: status ``departed``, API tokens revoked.

    With ``keep_login_until`` (their attestation deadline, API.md v2) the browser login
    stays open until that day, confined by the offboarding middleware to their
    attestation page and their own-network export; without it, or once that day
    has passed, the login is closed at once.
    """
    user = employee.user
    if keep_login_until is None or keep_login_until < paris_today():
        login_close(actor=actor, user=user)
    else:
        tokens_revoke(actor=actor, user=user)
    employee.status = EmployeeStatus.DEPARTED
    employee.departure_date = employee.departure_date or paris_today()
    employee.save(update_fields=["status", "departure_date"])
    events.changed(actor=actor, obj=employee, fields=["status", "departure_date"])


def tokens_revoke(*, actor, user) -> int:
    """Delete all of the user's API tokens (the login itself is untouched)."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    if deleted:
        events.record(actor=actor, action="access.tokens_revoked", obj=user)
    return deleted


def token_issue(*, user) -> tuple[str, datetime.datetime]:
    """A new API token for the user, and when it expires (``API_TOKEN_TTL_DAYS``).

    The token is returned once; only its digest is stored. Earlier tokens stay valid:
    each script or device holds its own, and revoking one leaves the others.
    """
    instance, token = AuthToken.objects.create(user=user)
    return token, instance.expiry


def token_revoke(*, token: AuthToken) -> None:
    """Revoke the one token presented (``DELETE /api/auth/token/``)."""
    token.delete()


def tokens_expired_delete() -> int:
    """Delete the tokens past their expiry: they are refused already, and only clutter."""
    deleted, _ = AuthToken.objects.filter(expiry__lte=timezone.now()).delete()
    return deleted


@transaction.atomic
def employee_departure_record(*, actor, employee: Employee, departure_date: datetime.date) -> None:
    """HR records the departure date: from that day the employee is inactive (RULES 12).

    It counts whether or not anyone starts the offboarding; a date already past is
    accepted (a departure recorded late) and takes effect at once.
    """
    employee.departure_date = departure_date
    employee.full_clean(exclude=["user", "manager"])
    employee.save(update_fields=["departure_date"])
    events.changed(actor=actor, obj=employee, fields=["departure_date"])
    if employee.has_departed():
        tokens_revoke(actor=actor, user=employee.user)


@transaction.atomic
def employee_freeze(*, actor, employee: Employee, departure_date: datetime.date) -> None:
    """Offboarding starts: status ``offboarding`` (the gate denies their outreach at once)."""
    employee.status = EmployeeStatus.OFFBOARDING
    employee.departure_date = departure_date
    employee.full_clean(exclude=["user", "manager"])
    employee.save(update_fields=["status", "departure_date"])
    events.changed(actor=actor, obj=employee, fields=["status", "departure_date"])
