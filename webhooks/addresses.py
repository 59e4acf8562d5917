"""Where a webhook may be sent: an http(s) URL whose host resolves to public addresses only.

The host is resolved when a subscription is saved and again before every delivery, and
the delivery connects to the addresses that were checked, never to a second lookup's
answer: a host that answers public to the check and private to the connection (DNS
rebinding) reaches nothing. Without this, a subscription pointed at loopback, the
private network or the cloud's metadata service makes the app an internal port scanner.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

SCHEMES = {"http": 80, "https": 443}

# The instance metadata services of the clouds (AWS, ECS, GCP, Azure, Alibaba, Oracle):
# never a receiver, so refused even when private hosts are allowed.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",
        "169.254.169.253",
        "169.254.170.2",
        "168.63.129.16",
        "100.100.100.200",
        "192.0.0.192",
        "fd00:ec2::254",
        "fd00:ec2::253",
    )
)
# IPv6 forms that carry an IPv4 address the packets end up at.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """The URL may not receive webhooks; ``reason`` says why in words fit for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as the URL names it (ASCII): the Host header, TLS's SNI and certificate check
    port: int
    path: str  # path and query
    addresses: tuple[str, ...]  # every address the host resolved to, each one checked


def url_parts(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path)`` of an http(s) URL, or AddressRefused."""
    if not isinstance(url, str) or url != url.strip():
        raise AddressRefused(_("Only http and https addresses are accepted."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused(_("This is not a valid address.")) from None
    if parts.scheme.lower() not in SCHEMES:
        raise AddressRefused(_("Only http and https addresses are accepted."))
    if not parts.hostname:
        raise AddressRefused(_("The address names no host."))
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(_("An address with a user name or password is not accepted."))
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise AddressRefused(_("This is not a valid host name.")) from None
    scheme = parts.scheme.lower()
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or SCHEMES[scheme], path


def resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address ``host`` resolves to, in the resolver's order; OSError when none."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return tuple(dict.fromkeys(str(sockaddr[0]).split("%", 1)[0] for *_, sockaddr in answers))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_refused(address: str) -> bool:
    """Whether a webhook may not be sent to ``address`` (an IP address as text)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return ip in METADATA_ADDRESSES or is_refused(str(embedded))
    if ip in METADATA_ADDRESSES:
        return True
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return ip.is_multicast or ip.is_unspecified
    return not ip.is_global or any(
        (
            ip.is_private,
            ip.is_loopback,
            ip.is_link_local,
            ip.is_multicast,
            ip.is_reserved,
            ip.is_unspecified,
        )
    )


def checked_target(url: str) -> Target:
    """Resolve the URL's host and check every address it resolved to.

    AddressRefused when the URL or any of the addresses is not allowed; OSError when the
    host does not resolve (a failure to retry, not a refusal).
    """
    scheme, host, port, path = url_parts(url)
    addresses = resolve(host, port)
    if not addresses:
        raise OSError(f"{host} resolves to no address")
    if any(is_refused(address) for address in addresses):
        raise AddressRefused(
            _(
                "This host resolves to a loopback, private, link-local, multicast, reserved "
                "or cloud metadata address."
            )
        )
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)
