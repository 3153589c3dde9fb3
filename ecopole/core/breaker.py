"""A small circuit breaker for the network calls on the request path (the broker, the Redis cache).

Every call already has connect and read timeouts of about a second (`REDIS_SOCKET_TIMEOUT`); a breaker keeps a hung
or partitioned server from costing that second to every request: after a failure, calls are skipped for
`BREAKER_COOLDOWN_SECONDS` (the caller falls back — the outbox leaves the message to its periodic sweep, the cache
answers as empty), then one call tries again. Per process: each gunicorn worker learns on its own, in one timeout.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)


class Breaker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._open_until = 0.0
        self._lock = threading.Lock()

    def allow(self) -> bool:
        """May a call go out now? False while the breaker is open."""
        return time.monotonic() >= self._open_until

    def fail(self) -> None:
        with self._lock:
            if self.allow():
                logger.warning("%s unreachable: calls skipped for %s s", self.name, settings.BREAKER_COOLDOWN_SECONDS)
            self._open_until = time.monotonic() + settings.BREAKER_COOLDOWN_SECONDS

    def reset(self) -> None:
        self._open_until = 0.0


broker_breaker = Breaker("broker")
cache_breaker = Breaker("cache")
