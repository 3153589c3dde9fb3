"""Failed logins counted per account, answered by a short delay that doubles, never by a long lock-out.

The per-address rate (`THROTTLE_LOGIN`, keyed on `client_ip()`) stops one client from guessing many passwords; an
attacker with many addresses is slowed per account instead: after `LOGIN_FAILURES_BEFORE_DELAY` failures in a row,
every attempt on that account (the right password included) is refused with 429 `login_delayed` and a Retry-After
for `LOGIN_DELAY_SECONDS`, doubling at each further failure up to `LOGIN_DELAY_MAX_SECONDS`. A success resets the
count; a count untouched for `LOGIN_FAILURE_MEMORY_SECONDS` is forgotten. An attacker can thus keep a customer
waiting at most `LOGIN_DELAY_MAX_SECONDS` per failure he makes, and makes one failure per delay at most.

The counters live in the cache (Redis in production: shared by every web process), keyed on a digest of the
normalised address, so that unknown addresses count exactly as known ones (no account enumeration by timing out).
Called by `accounts.backends.EmailBackend`: every `authenticate()` (API login, admin login, any later login form)
goes through it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

from .errors import LoginDelayed

logger = logging.getLogger("ecopole.security")


def _keys(email: str) -> tuple[str, str]:
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{digest}", f"login-delay:{digest}"


def login_delay_remaining(*, email: str) -> int:
    """Seconds before this account may try again (0: now)."""
    _count_key, delay_key = _keys(email)
    until = cache.get(delay_key)
    if until is None:
        return 0
    return max(0, math.ceil(until - time.time()))


def login_guard_check(*, email: str) -> None:
    """Raise `LoginDelayed` (429) while the account is in its delay."""
    remaining = login_delay_remaining(email=email)
    if remaining > 0:
        raise LoginDelayed(retry_after=remaining)


def login_failure_record(*, email: str, address: str = "") -> int:
    """Count one failure; from the threshold on, start the account's (doubling) delay. Returns the count."""
    count_key, delay_key = _keys(email)
    memory = settings.LOGIN_FAILURE_MEMORY_SECONDS
    cache.add(count_key, 0, timeout=memory)
    try:
        count = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=memory)
        count = 1
    if count is None:  # the cache is down (django-redis IGNORE_EXCEPTIONS): fail open, like the throttles
        return 0
    cache.touch(count_key, memory)
    threshold = settings.LOGIN_FAILURES_BEFORE_DELAY
    if count >= threshold:
        delay = min(settings.LOGIN_DELAY_SECONDS * 2 ** (count - threshold), settings.LOGIN_DELAY_MAX_SECONDS)
        cache.set(delay_key, time.time() + delay, timeout=max(1, math.ceil(delay)))
        logger.warning("login: %s failures in a row on one account (last from %s), delay %ss", count, address, delay)
    return count


def login_success_record(*, email: str) -> None:
    cache.delete_many(list(_keys(email)))
