"""The Redis cache client behind the circuit breaker (`ecopole.core.breaker.cache_breaker`).

django-redis with IGNORE_EXCEPTIONS already turns a Redis error into a cache miss; with Redis hung (not refusing, just
silent) each call would still wait its socket timeout, and a request makes several (throttling reads and writes). The
first timeout opens the breaker; until it closes, calls fail at once and django-redis answers them as misses.
"""

from __future__ import annotations

import functools

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

from .breaker import cache_breaker

_OPERATIONS = frozenset(
    {
        "add", "set", "get", "get_many", "set_many", "delete", "delete_many", "incr", "decr", "has_key", "touch",
        "expire", "ttl", "persist", "keys", "iter_keys", "delete_pattern", "clear", "incr_version",
    }
)  # fmt: skip


class BreakerClient(DefaultClient):
    def __getattribute__(self, name: str):
        attribute = super().__getattribute__(name)
        if name not in _OPERATIONS:
            return attribute

        @functools.wraps(attribute)
        def guarded(*args, **kwargs):
            if not cache_breaker.allow():
                raise ConnectionInterrupted(connection=None)
            try:
                return attribute(*args, **kwargs)
            except ConnectionInterrupted:
                cache_breaker.fail()
                raise

        return guarded
