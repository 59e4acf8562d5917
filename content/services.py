"""Writes on the content library: drafts, new versions, approval, withdrawal, uses and shares."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from content.models import ContentItem, ContentKind, ContentShare, ContentUse, ContentVersion
from people.models import Network
from suppression.models import Channel


class SelfApproval(PermissionDenied):
    """The author of a version cannot approve it: approval means a second pair of eyes."""


def _clean_lists(*, kind: str, channels: list[str], networks: list[str]) -> tuple[list, list]:
    channels = sorted(set(channels or []))
    networks = sorted(set(networks or []))
    errors = {}
    if kind == ContentKind.MESSAGE and not channels:
        errors["channels"] = _("Say on which channels this message may be sent.")
    if kind == ContentKind.POST and channels:
        errors["channels"] = _("A post is shared on networks, not sent on channels.")
    unknown_channels = [c for c in channels if c not in Channel.values]
    if unknown_channels:
        errors["channels"] = _("Unknown channel: %(values)s") % {
            "values": ", ".join(unknown_channels)
        }
    unknown_networks = [n for n in networks if n not in Network.values]
    if unknown_networks:
        errors["networks"] = _("Unknown network: %(values)s") % {
            "values": ", ".join(unknown_networks)
        }
    if errors:
        raise ValidationError(errors)
    return channels, networks


def _new_version(
    *,
    item: ContentItem,
    number: int,
    author,
    title: str,
    body: str,
    language: str,
    channels: list[str],
    networks: list[str],
    valid_from: datetime.date,
    valid_until: datetime.date | None,
) -> ContentVersion:
    channels, networks = _clean_lists(kind=item.kind, channels=channels, networks=networks)
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end of validity comes before its start.")})
    version = ContentVersion(
        item=item,
        number=number,
        author=author,
        title=title,
        body=body,
        language=language,
        channels=channels,
        networks=networks,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    version.full_clean(exclude=["item", "author", "approved_by"])
    version.save()
    return version


@transaction.atomic
def content_create(*, actor, author, kind: str, **fields) -> ContentVersion:
    """A new item and its first version, waiting for another author's approval."""
    if kind not in ContentKind.values:
        raise ValidationError({"kind": _("Choose a post or a message.")})
    item = ContentItem.objects.create(kind=kind, created_by=author)
    version = _new_version(item=item, number=1, author=author, **fields)
    events.created(actor=actor, obj=version, fields=["title", "body", "valid_from", "valid_until"])
    return version


@transaction.atomic
def content_revise(*, actor, author, item: ContentItem, **fields) -> ContentVersion:
    """An edit is a new version: it needs approval again; the approved one stays offered meanwhile."""
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.archived_at is not None:
        raise ValidationError({"item": _("This content was withdrawn from the library.")})
    last = item.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = _new_version(item=item, number=last + 1, author=author, **fields)
    events.created(actor=actor, obj=version, fields=["title", "body", "valid_from", "valid_until"])
    return version


OVERRIDE_REASON_MAX_LENGTH = 2000


@transaction.atomic
def content_approve(
    *,
    actor,
    approver,
    item: ContentItem,
    number: int | None = None,
    override_reason: str = "",
):
    """Approve the item's latest version. ``number``, when given, must be that version.

    The author of the version may not approve it (``SelfApproval``, the API's 403).
    A text the content check flags (RULES 17) is approved only with the approver's
    reason (``override_reason``, stored on the version and named in the audit trail);
    without one, nothing changes and the error names ``approval_override_reason``.
    A reason given for a text nothing flags is not stored: there was nothing to override.
    """
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    version = item.versions.order_by("-number").first()
    if item.archived_at is not None:
        raise ValidationError(
            {"item": ValidationError(_("This content was withdrawn."), code="withdrawn")}
        )
    if number is not None and number != version.number:
        message = _("Version %(number)d is not the latest: read the latest one first.")
        raise ValidationError(
            {"version": ValidationError(message % {"number": number}, code="superseded")}
        )
    if version.author_id == approver.pk:
        raise SelfApproval(_("You wrote this version: another author must approve it."))
    if version.is_approved:
        raise ValidationError(
            {
                "version": ValidationError(
                    _("This version is already approved."), code="already_approved"
                )
            }
        )
    flags = version.content_flags
    reason = (override_reason or "").strip()
    if flags and not reason:
        message = _(
            "The content check flags this text (%(codes)s): give your reason for approving it "
            "anyway."
        )
        raise ValidationError(
            {
                "approval_override_reason": ValidationError(
                    message % {"codes": ", ".join(flags)}, code="content_flagged"
                )
            }
        )
    if len(reason) > OVERRIDE_REASON_MAX_LENGTH:
        message = _("Keep the reason under %(max)d characters.")
        raise ValidationError(
            {
                "approval_override_reason": ValidationError(
                    message % {"max": OVERRIDE_REASON_MAX_LENGTH}, code="max_length"
                )
            }
        )
    version.approved_by = approver
    version.approved_at = timezone.now()
    version.approval_override_reason = reason if flags else ""
    version.save(update_fields=["approved_by", "approved_at", "approval_override_reason"])
    fields = ["approval_override_reason", *(f"flag:{code}" for code in flags)] if flags else []
    events.record(actor=actor, action="content.approved", obj=version, fields=fields)
    return version


@transaction.atomic
def content_withdraw(*, actor, item: ContentItem) -> ContentItem:
    """Take an item out of the library at once, whatever its versions' validity."""
    if item.archived_at is None:
        item.archived_at = timezone.now()
        item.save(update_fields=["archived_at"])
        events.record(actor=actor, action="content.withdrawn", obj=item)
    return item


def content_use_record(*, attempt, version: ContentVersion, content: str) -> ContentUse:
    """Link an outreach attempt to the library version it used (inside the outreach transaction)."""
    from content.selectors import text_matches

    return ContentUse.objects.create(
        attempt=attempt, version=version, edited=not text_matches(version, content)
    )


@transaction.atomic
def content_share_record(*, actor, employee, version: ContentVersion, network: str) -> ContentShare:
    if network not in Network.values:
        raise ValidationError({"network": _("Unknown network: %(values)s") % {"values": network}})
    share = ContentShare.objects.create(version=version, employee=employee, network=network)
    events.created(actor=actor, obj=share, fields=["network"])
    return share
