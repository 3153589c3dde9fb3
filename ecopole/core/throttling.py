"""Throttles keyed on the client address of `client_ip()`, never on a header the client can forge.

DRF's own throttles identify an anonymous caller by the whole `X-Forwarded-For` header when `NUM_PROXIES` is unset:
a client that sends a new header on every request is never throttled. Every throttle of the project is one of these.
"""

from __future__ import annotations

from rest_framework import throttling

from .client_ip import client_ip


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's ScopedRateThrottle (per user when authenticated, else per client address), rate from `throttle_scope`."""

    def get_ident(self, request) -> str:
        return client_ip(request)


class AddressRateThrottle(throttling.SimpleRateThrottle):
    """A rate per client address for a fixed scope, usable outside DRF views (the admin login shares `login`)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_rate(self):
        return throttling.ScopedRateThrottle.THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class KeyRateThrottle(throttling.SimpleRateThrottle):
    """A rate per given key (e.g. a digest of an email address asked for) for a fixed scope, outside DRF views."""

    def __init__(self, scope: str, key: str) -> None:
        self.scope, self.key = scope, key
        super().__init__()

    def get_rate(self):
        return throttling.ScopedRateThrottle.THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.key}
