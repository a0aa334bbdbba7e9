"""Webhooks as the Standard Webhooks specification has them (https://www.standardwebhooks.com, spec 1.0): headers
``webhook-id``, ``webhook-timestamp`` (Unix seconds) and ``webhook-signature`` (``v1,<base64 HMAC-SHA256 of
id.timestamp.body>``) with a per-endpoint secret ``whsec_<base64 key>``. Outgoing requests refuse private, loopback,
link-local and other non-public addresses (unless allowed), follow no redirects and time out."""

import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from fastapi import Request

from governance.errors import RuleViolation

__all__ = ["Refused", "WebhookFailed", "check_destination", "checked_url", "new_secret", "pinned", "post", "sign"]

SECRET_PREFIX = "whsec_"


class Refused(Exception):
    """A destination Concord will not call (retrying would not help): ``reason`` is "scheme", "unresolved" or
    "private", ``host`` the host named."""

    def __init__(self, message: str, *, reason: str, host: str = "") -> None:
        super().__init__(message)
        self.reason, self.host = reason, host


class WebhookFailed(Exception):
    """The receiver did not take the webhook this time (no answer, or not a 2xx): try again later."""


def new_secret() -> str:
    """A new endpoint secret: ``whsec_`` and 24 random bytes in base64 (the spec asks for 24 to 64)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: ``v1,`` and the base64 HMAC-SHA256, keyed with the secret's decoded bytes,
    of ``{msg_id}.{timestamp}.{body}``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified)


def check_destination(url: str, *, allow_private: bool) -> str | None:
    """Refuse a URL that is not http(s), has no host, or whose host resolves to a non-public address (unless
    ``allow_private``); checked again at each delivery, as names can move. The address checked (None when private
    ones are allowed and nothing was resolved), for the request to connect to that one and no other."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"a webhook URL is http:// or https:// with a host name; got {url!r}", reason="scheme")
    if allow_private:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, ValueError) as error:
        raise Refused(f"{parts.hostname} does not resolve: {error}", reason="unresolved",
                      host=parts.hostname) from None
    for address in sorted(found):
        if not _public(ipaddress.ip_address(address.split("%")[0])):
            raise Refused(f"{parts.hostname} resolves to {address}, a private, loopback or link-local address",
                          reason="private", host=parts.hostname)
    return sorted(found)[0]


def pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """``url`` aimed at ``address`` (so a name that resolves elsewhere a moment later, DNS rebinding, cannot redirect
    the request), with the Host header and the TLS server name (SNI, and the certificate's name to verify) of the
    original: (url, headers, httpx request extensions).

    >>> pinned("https://hooks.example.org:8443/in?x=1", "2001:db8::1")
    ('https://[2001:db8::1]:8443/in?x=1', {'host': 'hooks.example.org:8443'}, {'sni_hostname': 'hooks.example.org'})
    """
    parts = urlsplit(url)
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
    return parts._replace(netloc=netloc).geturl(), {"host": host}, {"sni_hostname": parts.hostname}


@dataclass(frozen=True)
class Delivered:
    status: int


def post(url: str, *, secret: str, msg_id: str, timestamp: int, body: bytes, timeout: float,
         allow_private: bool) -> Delivered:
    """POST one signed webhook; a 2xx answer delivers it, anything else raises ``WebhookFailed``."""
    address = check_destination(url, allow_private=allow_private)
    headers = {"content-type": "application/json", "user-agent": "Concord-Webhooks/1",
               "webhook-id": msg_id, "webhook-timestamp": str(timestamp),
               "webhook-signature": sign(secret, msg_id=msg_id, timestamp=timestamp, body=body)}
    extensions: dict[str, str] = {}
    if address is not None:
        url, host, extensions = pinned(url, address)
        headers.update(host)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            response = client.post(url, content=body, headers=headers, extensions=extensions)
    except httpx.HTTPError as error:
        raise WebhookFailed(f"{type(error).__name__}: {error}") from None
    if not 200 <= response.status_code < 300:
        raise WebhookFailed(f"HTTP {response.status_code}")
    return Delivered(response.status_code)


def checked_url(request: Request, url: str) -> str:
    """Refuse a destination the worker would refuse (non-public addresses unless the settings allow them)."""
    try:
        check_destination(url.strip(), allow_private=request.app.state.settings.webhook_allow_private)
    except Refused as refused:
        if refused.reason == "private":
            raise RuleViolation("url: %(host)s is a private, loopback or link-local address; webhooks go to public "
                                "addresses only.", host=refused.host) from None
        if refused.reason == "unresolved":
            raise RuleViolation("url: the host %(host)s is not found.", host=refused.host) from None
        raise RuleViolation("url: a webhook URL starts with https:// (or http://) and names a host.") from None
    return url.strip()
