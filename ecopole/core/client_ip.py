"""Who is calling: the client's address as the deployment's declared proxies report it, and nothing else.

`X-Forwarded-For` and `X-Forwarded-Proto` are plain request headers: anyone can send them. They are believed only
when the TCP peer (`REMOTE_ADDR`) is one of `TRUSTED_PROXIES` (addresses or CIDR networks; empty by default, as in
docker-compose where gunicorn faces clients directly). Then the chain is read from the right, skipping the trusted
hops: the first address a trusted proxy saw is the client. Every throttle and every record of an address uses
`client_ip()`; `ProxyHeadersMiddleware` removes the forwarded headers of an untrusted peer before Django's
`SECURE_PROXY_SSL_HEADER` (HTTPS detection, hence HSTS and the SSL redirect) reads them.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT")


@lru_cache(maxsize=8)
def _networks(declared: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in declared)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    parsed = _parse(address or "")
    return parsed is not None and any(parsed in network for network in networks)


def client_ip(request) -> str:
    """The calling client's address: REMOTE_ADDR, or the forwarded chain when REMOTE_ADDR is a declared proxy."""
    meta = getattr(request, "META", None) or request._request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    address = remote
    if is_trusted_proxy(remote):
        for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            parsed = _parse(hop)
            if parsed is None:
                break  # garbage written by the client: the last trusted hop is all we know
            address = str(parsed)
            if not is_trusted_proxy(address):
                break
    return address


class ProxyHeadersMiddleware:
    """First in MIDDLEWARE: forwarded headers from a peer that is not a declared proxy are dropped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
