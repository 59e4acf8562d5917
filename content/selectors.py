"""Reads on the content library: what reps are offered, what authors see, who authors."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from content.models import ContentItem, ContentKind, ContentVersion
from people.models import Role
from people.selectors import employee_of, role_of

_AUTHOR_ROLES = (Role.MANAGER, Role.DPO)
_READER_ROLES = (Role.REP, Role.MANAGER, Role.DPO, Role.ADMIN)


def is_author(user) -> bool:
    """Marketing and compliance: managers, the DPO, or anyone given ``content.author_content``."""
    if employee_of(user) is None and not getattr(user, "is_superuser", False):
        return False
    return role_of(user) in _AUTHOR_ROLES or user.has_perm("content.author_content")


def may_read(user) -> bool:
    return role_of(user) in _READER_ROLES or is_author(user)


def _latest_approved() -> QuerySet[ContentVersion]:
    newer_approved = ContentVersion.objects.filter(
        item=OuterRef("item"), number__gt=OuterRef("number"), approved_at__isnull=False
    )
    return ContentVersion.objects.filter(approved_at__isnull=False).exclude(Exists(newer_approved))


def offered_versions(
    *, today: datetime.date | None = None, kind: str | None = None
) -> QuerySet[ContentVersion]:
    """Per item, the latest approved version, if valid today and the item is not withdrawn.

    A newer draft does not hide it: the approved text stays usable until the new one is
    approved. Never-approved, expired, not-yet-valid and withdrawn content is not offered.
    """
    today = today or timezone.localdate()
    versions = (
        _latest_approved()
        .filter(item__archived_at__isnull=True, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("item")
        .order_by("title", "item_id")
    )
    if kind:
        versions = versions.filter(item__kind=kind)
    return versions


def offered_version_get(*, pk, today=None) -> ContentVersion | None:
    return offered_versions(today=today).filter(pk=pk).first()


def offered_posts_for(*, networks: set[str], today=None) -> list[ContentVersion]:
    """Approved posts for the networks the rep uses (a post for no network in particular fits all)."""
    posts = offered_versions(today=today, kind=ContentKind.POST)
    return [p for p in posts if not p.networks or networks.intersection(p.networks)]


def text_matches(version: ContentVersion, content: str) -> bool:
    """The text sent is the approved text (line endings and outer whitespace aside)."""

    def normal(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))

    return normal(version.body) == normal(content)


def items_for_author(*, status: str = "") -> QuerySet[ContentItem]:
    """Every item with its latest version number and title and its status flags, filtered.

    ``pending``: the latest version awaits approval; ``approved``: offered today;
    ``expired``: its approved version's validity has ended; ``withdrawn``.
    """
    today = timezone.localdate()
    latest = ContentVersion.objects.filter(item=OuterRef("pk")).order_by("-number")
    items = (
        ContentItem.objects.select_related("created_by__user")
        .annotate(
            latest_number=latest.values("number")[:1],
            latest_title=latest.values("title")[:1],
        )
        .order_by("-created_at", "-pk")
    )
    pending = ContentVersion.objects.filter(item=OuterRef("pk"), approved_at__isnull=True).exclude(
        Exists(ContentVersion.objects.filter(item=OuterRef("item"), number__gt=OuterRef("number")))
    )
    offered = offered_versions(today=today).filter(item=OuterRef("pk"))
    expired = _latest_approved().filter(item=OuterRef("pk"), valid_until__lt=today)
    items = items.annotate(
        is_pending=Exists(pending), is_offered=Exists(offered), is_expired=Exists(expired)
    )
    if status == "pending":
        items = items.filter(is_pending=True, archived_at__isnull=True)
    elif status == "approved":
        items = items.filter(is_offered=True)
    elif status == "expired":
        items = items.filter(is_expired=True, archived_at__isnull=True)
    elif status == "withdrawn":
        items = items.filter(archived_at__isnull=False)
    return items


def item_get(*, user, pk) -> ContentItem:
    """Authors see every item; others only items with a version offered today; else 404."""
    items = ContentItem.objects.all()
    if not is_author(user):
        if not may_read(user):
            raise Http404
        items = items.filter(Exists(offered_versions().filter(item=OuterRef("pk"))))
    try:
        return items.select_related("created_by__user").get(pk=pk)
    except (ContentItem.DoesNotExist, ValueError):
        raise Http404 from None


def versions_of(item: ContentItem) -> list[ContentVersion]:
    return list(
        item.versions.select_related("author__user", "approved_by__user").order_by("-number")
    )


def approval_queue() -> QuerySet[ContentVersion]:
    """Latest versions waiting for approval, oldest first, on items still in the library."""
    newer = ContentVersion.objects.filter(item=OuterRef("item"), number__gt=OuterRef("number"))
    return (
        ContentVersion.objects.filter(approved_at__isnull=True, item__archived_at__isnull=True)
        .exclude(Exists(newer))
        .select_related("item", "author__user")
        .order_by("created_at", "pk")
    )


def vouches_for(
    *, version: ContentVersion | None, content: str, channel: str, today: datetime.date
) -> bool:
    """The gate may skip the content check (RULES 17): this exact text is offered for this channel.

    One query, only when a library version was picked.
    """
    if version is None or channel not in version.channels:
        return False
    if not text_matches(version, content):
        return False
    return offered_versions(today=today, kind=ContentKind.MESSAGE).filter(pk=version.pk).exists()


def status_of(item: ContentItem, versions: list[ContentVersion], today=None) -> str:
    """``withdrawn``, ``approved`` (offered today), ``scheduled``, ``expired``, or ``pending``.

    ``versions`` newest first. An item whose approved version is offered is ``approved``
    even while a newer draft waits: that draft shows in the approval queue.
    """
    today = today or timezone.localdate()
    if item.archived_at is not None:
        return "withdrawn"
    approved = next((v for v in versions if v.is_approved), None)
    if approved is None:
        return "pending"
    if approved.valid_from > today:
        return "scheduled"
    if approved.valid_until is not None and approved.valid_until < today:
        return "expired"
    return "approved"


def current_of(versions: list[ContentVersion]) -> ContentVersion | None:
    return next((v for v in versions if v.is_approved), None)
