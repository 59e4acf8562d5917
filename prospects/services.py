"""Writes on prospects: create, update, delete, share. Each is atomic and audited.

Access (who may see or edit which prospect) is checked by the callers through
``prospects.selectors``; these functions enforce what holds whoever calls them:
provenance matching the dates, the suppression list, one prospect per
identifier, the retention clock, and who may own a prospect.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from audit import events
from core import dates, urls, wording
from people.models import Employee, EmployeeStatus, Role
from people.selectors import employee_of, role_of
from prospects import followups, rules
from prospects.models import (
    Prospect,
    ProspectTally,
    ProspectUserObjectPermission,
    Provenance,
    ValueHistory,
)
from suppression.selectors import opposed_scopes

# GDPR art. 14(3)(a): data not obtained from the person calls for a notice within one month.
SHARE_PERMISSION = "prospects.view_prospect"
# What ``data`` may set; indexes, tokens, the retention and notice dates are computed here.
WRITABLE_FIELDS = (
    *rules.VALUE_FIELDS,
    "kind",
    "network",
    "provenance",
    "source",
    "collected_at",
    "social_account",
    "lawful_basis",
    "contributed",
    "profile_visibility_at_collection",
    "language",
)
_ALL_PROSPECTS_ROLES = (Role.DPO, Role.ADMIN)


class ProspectRejected(Exception):
    """The prospect cannot be stored: an identifier is opposed, or it is already a prospect."""

    OPPOSITION = "opposition"
    DUPLICATE = "duplicate"

    def __init__(self, *, code: str, existing: Prospect | None = None):
        super().__init__(code)
        self.code = code
        self.existing = existing


@transaction.atomic
def prospect_create(*, actor, owner: Employee, data: Mapping[str, Any]) -> Prospect:
    """Store a new prospect for ``owner``, with provenance, indexes and one history entry per value.

    Nothing is stored when an identifier is on the suppression list or already
    belongs to a prospect (``ProspectRejected``).
    """
    _check_owner(actor=actor, owner=owner, previous_owner=None)
    prospect = Prospect(owner=owner)
    _assign(prospect, data)
    if prospect.collected_at is None:
        prospect.collected_at = timezone.now()
    if not data.get("provenance"):
        prospect.provenance = rules.derive_provenance(
            collected_at=prospect.collected_at, hire_date=owner.hire_date
        )
    _validate(prospect, changed=set(data) | {"provenance", "collected_at"})
    indexes = _index_identifiers(prospect, rules.IDENTIFIER_FIELDS)
    _check_suppression_and_duplicates(prospect, indexes)
    prospect.email_restricted = rules.email_restricted(
        visibility=prospect.profile_visibility_at_collection, new_address=True, was_restricted=False
    )
    prospect.name_tokens = rules.name_tokens(prospect.full_name)
    prospect.company_tokens = rules.company_tokens(prospect.company)
    # RULES 18: the clock starts today, when the company collects the record.
    prospect.retention_until = rules.retention_until(
        prospect.last_contact_from_prospect_at, timezone.now(), settings.PROSPECT_RETENTION_DAYS
    )
    prospect.notice_due_at = rules.notice_due_at(prospect.collected_at)
    if prospect.contributed:
        prospect.contributed_at = timezone.now()
    _save(prospect, indexes)
    stored = [field for field in rules.VALUE_FIELDS if getattr(prospect, field)]
    # The values were obtained at collection, under the record's provenance.
    _record_history(
        prospect,
        stored,
        provenance=prospect.provenance,
        recorded_at=prospect.collected_at,
        recorded_by=employee_of(actor),
    )
    events.created(actor=actor, obj=prospect, fields=[*stored, "owner", "provenance"])
    return prospect


@transaction.atomic
def prospect_update(
    *, actor, prospect: Prospect, data: Mapping[str, Any], rectification: bool = False
) -> Prospect:
    """Change the fields in ``data``; each new value is recorded with the provenance of this edit.

    The retention clock is not restarted (RULES 18: only contact coming from
    the prospect does that). A new owner keeps the record's provenance: it tells
    how the data came in, not who holds it now. A prospect whose processing is
    restricted (GDPR art. 18) cannot be edited, except by the rectification its
    owner asked for (``rectification=True``, from a data-subject request).
    """
    if prospect.processing_restricted_at is not None and not rectification:
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "processing of this person's data is restricted at their request: "
                        "it cannot be edited"
                    )
                ]
            }
        )
    before = {field: _current(prospect, field) for field in (*WRITABLE_FIELDS, "owner")}
    new_owner = data.get("owner")
    if new_owner is not None and new_owner.pk != prospect.owner_id:
        _check_owner(actor=actor, owner=new_owner, previous_owner=prospect.owner)
        prospect.owner = new_owner
    _assign(prospect, data)
    changed = {field for field, value in before.items() if _current(prospect, field) != value}
    if not changed:
        return prospect
    if (
        "collected_at" in changed
        and "provenance" not in data
        and prospect.provenance != Provenance.COMPANY
    ):
        derived = rules.derive_provenance(
            collected_at=prospect.collected_at, hire_date=prospect.owner.hire_date
        )
        if derived != prospect.provenance:
            prospect.provenance = derived
            changed.add("provenance")
    if "contributed" in changed:
        _check_contribution(actor=actor, prospect=prospect)
    _validate(prospect, changed=changed)
    indexes = _index_identifiers(prospect, [f for f in rules.IDENTIFIER_FIELDS if f in changed])
    _check_suppression_and_duplicates(prospect, indexes)
    prospect.email_restricted = rules.email_restricted(
        visibility=prospect.profile_visibility_at_collection,
        new_address="email" in indexes and indexes["email"] != prospect.email_index,
        was_restricted=prospect.email_restricted,
    )
    if "full_name" in changed:
        prospect.name_tokens = rules.name_tokens(prospect.full_name)
    if "company" in changed:
        prospect.company_tokens = rules.company_tokens(prospect.company)
    if "collected_at" in changed:
        # A corrected collection date may bring the notice forward, never push it back; the
        # retention clock runs from the record's entry into the CRM, which no edit changes.
        prospect.notice_due_at = _earliest(
            prospect.notice_due_at, rules.notice_due_at(prospect.collected_at)
        )
    if "contributed" in changed:
        prospect.contributed_at = timezone.now() if prospect.contributed else None
    _save(prospect, indexes)
    _record_history(
        prospect,
        [field for field in rules.VALUE_FIELDS if field in changed and getattr(prospect, field)],
        provenance=_provenance_of_edit(actor),
        recorded_at=timezone.now(),
        recorded_by=employee_of(actor),
        source=data.get("source") or "manual",
    )
    events.changed(actor=actor, obj=prospect, fields=changed)
    return prospect


@transaction.atomic
def prospect_restrict(*, actor, prospect: Prospect) -> Prospect:
    """GDPR art. 18: mark the prospect's processing restricted (no outreach, no edits). Idempotent."""
    if prospect.processing_restricted_at is None:
        prospect.processing_restricted_at = timezone.now()
        prospect.save(update_fields=["processing_restricted_at", "updated_at"])
        events.record(
            actor=actor,
            action="prospect.restricted",
            obj=prospect,
            fields=["processing_restricted_at"],
        )
    return prospect


@transaction.atomic
def prospect_tally_recount() -> int:
    """Count the prospects into the tally again, after a load that ran without triggers.

    A bulk load with ``session_replication_role = replica`` (or a logical-replication
    subscriber) skips the triggers that keep ``ProspectTally``; this restores it.
    Concurrent writers wait on the table lock rather than be counted twice or missed.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Prospect._meta.db_table} IN SHARE MODE")
    total = Prospect.objects.count()
    ProspectTally.objects.all().delete()
    ProspectTally.objects.create(slot=0, rows=total)
    return total


@transaction.atomic
def prospect_share(*, actor, prospect: Prospect, with_employee: Employee) -> None:
    """Let one colleague see this prospect (read only)."""
    if with_employee.pk == prospect.owner_id:
        raise ValidationError({"with_employee": _("the owner already sees this prospect")})
    if with_employee.status != EmployeeStatus.ACTIVE or not with_employee.user.is_active:
        raise ValidationError({"with_employee": _("only active employees can be given access")})
    if with_employee.role not in (Role.REP, Role.MANAGER):
        raise ValidationError(
            {"with_employee": _("prospects are shared with sales reps and managers only")}
        )
    assign_perm(SHARE_PERMISSION, with_employee.user, prospect)
    events.record(
        actor=actor, action="prospect.shared", obj=prospect, fields=[f"with:{with_employee.pk}"]
    )


@transaction.atomic
def prospect_unshare(*, actor, prospect: Prospect, with_employee: Employee) -> None:
    remove_perm(SHARE_PERMISSION, with_employee.user, prospect)
    events.record(
        actor=actor, action="prospect.unshared", obj=prospect, fields=[f"with:{with_employee.pk}"]
    )


@transaction.atomic
def prospects_transfer(*, actor, from_owner: Employee, to_owner: Employee, prospects) -> int:
    """Give ``from_owner``'s prospects among the queryset ``prospects`` to ``to_owner``.

    One conditional UPDATE (``… WHERE owner = from_owner AND <prospects>``), so a batch
    run twice moves nothing the second time; returns how many moved. Shares to
    colleagues and the open follow-ups go along with the record; a share the new owner had
    on it is now redundant and is removed.
    """
    still_theirs = prospects.filter(owner=from_owner)
    redundant = ProspectUserObjectPermission.objects.filter(user_id=to_owner.user_id)
    # Usually the new owner holds no share at all: one indexed probe instead of a join.
    if redundant.exists():
        redundant.filter(content_object_id__in=still_theirs.values("id")).delete()
    # Their open follow-ups on these prospects go with them: the new owner's day now.
    followups.follow_ups_transfer(from_owner=from_owner, to_owner=to_owner, prospects=still_theirs)
    moved = still_theirs.update(owner=to_owner, updated_at=timezone.now())
    if moved:
        events.record(
            actor=actor,
            action="prospects.transferred",
            obj=to_owner,
            fields=[f"from:{from_owner.pk}", f"count:{moved}"],
        )
    return moved


def _earliest(current, candidate):
    return candidate if current is None else min(current, candidate)


def _current(prospect: Prospect, field: str):
    if field in ("owner", "social_account"):
        return getattr(prospect, f"{field}_id")
    return getattr(prospect, field)


def _assign(prospect: Prospect, data: Mapping[str, Any]) -> None:
    for field in WRITABLE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if isinstance(value, str):
            value = value.strip()
        if field in rules.IDENTIFIER_FIELDS and not value:
            # NULL, not "": the partial unique constraints skip absent identifiers.
            value = None
        if field in ("notes", "company", "job_title") and value is None:
            value = ""
        if field == "profile_url" and value:
            value = urls.with_assumed_scheme(value)
        setattr(prospect, field, value)
    if "notes" in data:
        # RULES 25: what the DPO's dashboard counts; the rep was warned before saving.
        prospect.notes_flagged = bool(wording.special_categories(prospect.notes))
    if prospect.social_account_id and not prospect.network:
        prospect.network = prospect.social_account.network


def _validate(prospect: Prospect, *, changed: set[str]) -> None:
    errors: dict[str, list[str]] = {}
    if "collected_at" in changed:
        try:
            dates.in_past(prospect.collected_at)
        except ValidationError as exc:
            errors.setdefault("collected_at", []).extend(exc.messages)
    if ({"provenance", "collected_at"} & changed) and rules.provenance_contradicts_dates(
        prospect.provenance,
        collected_at=prospect.collected_at,
        hire_date=prospect.owner.hire_date,
    ):
        errors.setdefault("provenance", []).append(
            _(
                "%(provenance)s contradicts the dates: collected on %(collected)s, owner hired on %(hired)s"
            )
            % {
                "provenance": prospect.provenance,
                "collected": timezone.localdate(prospect.collected_at),
                "hired": prospect.owner.hire_date,
            }
        )
    if prospect.contributed and prospect.provenance != Provenance.PRE_HIRE:
        errors.setdefault("contributed", []).append(
            _("only a contact from before the hire can be contributed to the company")
        )
    if prospect.profile_url and {"profile_url", "network", "social_account"} & changed:
        try:
            urls.validate_profile_url(prospect.profile_url, network=prospect.network)
        except ValidationError as exc:
            errors.setdefault("profile_url", []).extend(exc.messages)
    if (
        "social_account" in changed
        and prospect.social_account_id
        and prospect.social_account.employee_id != prospect.owner_id
    ):
        errors.setdefault("social_account", []).append(
            _("the social account must belong to the prospect's owner")
        )
    try:
        prospect.full_clean(
            exclude=["owner", "social_account"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        # Every unreadable identifier is named too, not only after the others are fixed.
        values = {field: getattr(prospect, field) for field in rules.IDENTIFIER_FIELDS}
        for field, message in rules.identifier_indexes(values)[1].items():
            if field in changed:
                errors.setdefault(field, [message])
        raise ValidationError(errors)


def _index_identifiers(prospect: Prospect, fields) -> dict[str, str | None]:
    """Blind indexes of ``fields`` (None for a cleared identifier); a field error when unreadable."""
    values = {field: getattr(prospect, field) for field in fields}
    indexes, errors = rules.identifier_indexes(values)
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    return {field: indexes.get(field) for field in fields}


def _check_suppression_and_duplicates(prospect: Prospect, indexes: dict[str, str | None]) -> None:
    present = {field: index for field, index in indexes.items() if index}
    if not present:
        return
    # RULES 1: an objection to direct marketing on any channel blocks storing the record.
    if opposed_scopes({field: [index] for field, index in present.items()}):
        raise ProspectRejected(code=ProspectRejected.OPPOSITION)
    existing = _existing_with(prospect, present)
    if existing is not None:
        raise ProspectRejected(code=ProspectRejected.DUPLICATE, existing=existing)


def _existing_with(prospect: Prospect, present: dict[str, str]) -> Prospect | None:
    """Another prospect with the same e-mail or profile URL (a shared phone is no duplicate)."""
    condition = Q()
    for field, index in present.items():
        if field in rules.UNIQUE_IDENTIFIER_FIELDS:
            condition |= Q(**{f"{field}_index": index})
    if not condition:
        return None
    return Prospect.objects.filter(condition).exclude(pk=prospect.pk).order_by("created_at").first()


def _save(prospect: Prospect, indexes: dict[str, str | None]) -> None:
    for field, index in indexes.items():
        setattr(prospect, f"{field}_index", index)
    try:
        with transaction.atomic():
            prospect.save()
    except IntegrityError:
        # Another request stored the same identifier between our check and this insert.
        existing = _existing_with(
            prospect, {field: index for field, index in indexes.items() if index}
        )
        if existing is None:
            raise
        raise ProspectRejected(code=ProspectRejected.DUPLICATE, existing=existing) from None


def _record_history(
    prospect: Prospect,
    fields: list[str],
    *,
    provenance: str,
    recorded_at: datetime.datetime,
    recorded_by: Employee | None,
    source: str | None = None,
) -> None:
    ValueHistory.objects.bulk_create(
        ValueHistory(
            prospect=prospect,
            field=field,
            provenance=provenance,
            source=source or prospect.source,
            recorded_at=recorded_at,
            recorded_by=recorded_by,
        )
        for field in fields
    )


def _check_contribution(*, actor, prospect: Prospect) -> None:
    """The contribution agreement is the owner's decision, and it holds still once they leave.

    Offboarding hands contributed contacts to the successor and returns the
    others (PRODUCT §2), so neither a manager nor a departing rep may change it.
    """
    if prospect.owner.user_id != actor.pk:
        raise ValidationError(
            {"contributed": [_("only the owner decides to contribute their pre-hire contact")]}
        )
    if prospect.owner.status != EmployeeStatus.ACTIVE:
        raise ValidationError(
            {"contributed": [_("contributions are final once the owner's departure has started")]}
        )


def _provenance_of_edit(actor) -> str:
    """Values added by the DPO, an admin or the system are company data; a rep's follow their hire."""
    employee = employee_of(actor)
    if employee is None or role_of(actor) in _ALL_PROSPECTS_ROLES:
        return Provenance.COMPANY
    return rules.derive_provenance(collected_at=timezone.now(), hire_date=employee.hire_date)


def _check_owner(*, actor, owner: Employee, previous_owner: Employee | None) -> None:
    """Anyone may own what they add; a manager assigns within the team; the DPO and admins, anywhere."""
    if owner.status != EmployeeStatus.ACTIVE or owner.role == Role.HR:
        raise ValidationError({"owner": _("prospects belong to active employees outside HR")})
    role = role_of(actor)
    if role in _ALL_PROSPECTS_ROLES:
        return
    me = employee_of(actor)
    if me is None:
        raise ValidationError({"owner": _("only employees can assign prospects")})
    adding_own = previous_owner is None and owner.pk == me.pk
    within_team = role == Role.MANAGER and (owner.pk == me.pk or owner.manager_id == me.pk)
    if not (adding_own or within_team):
        raise ValidationError(
            {"owner": _("you can only assign prospects to the people you manage")}
        )
