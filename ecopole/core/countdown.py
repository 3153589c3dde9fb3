"""The one rule for delayed Celery tasks: never delay a task beyond the broker's visibility timeout.

With the Redis transport, a task published with an ETA or a countdown is taken by a worker at once and held
unacknowledged until its time; once `CELERY_VISIBILITY_TIMEOUT` has passed, Redis hands it to another worker, and
again every timeout: a task delayed by 4 hours ran up to 4 times (the workshop's held-offer expiry did). So:
- no `eta=` anywhere: work due at a moment is found by a periodic sweep selected by status (e.g. held offers whose
  `hold_expires_at` is over, `processing.expire_offers`);
- every `countdown=` (retries) goes through `bounded_countdown`, which caps it well below the timeout.
`tests/core/test_celery_delays.py` checks both over the whole tree.
"""

from __future__ import annotations

from django.conf import settings


def bounded_countdown(seconds: float) -> int:
    """`seconds`, capped at half the visibility timeout (and at least 1 s)."""
    limit = max(settings.CELERY_VISIBILITY_TIMEOUT // 2, 1)
    return max(1, min(int(seconds), limit))
