"""The workshop's rules, each overridable by a Django setting `PROCESSING_<NAME>` (read at call time)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Booking window: at least this many hours ahead, at most this many weeks ahead.
    "MIN_NOTICE_HOURS": 48,
    "MAX_AHEAD_WEEKS": 8,
    # Fair sharing: booked hours per producer and ISO week (Monday to Sunday, Europe/Paris).
    "WEEKLY_QUOTA_HOURS": 16,
    # Cancellation is free until this many hours before the start; later it is billed this share of the hours.
    "FREE_CANCELLATION_HOURS": 48,
    "LATE_CANCELLATION_FEE_RATE": Decimal("0.50"),
    "NO_SHOW_FEE_RATE": Decimal("1.00"),
    # Waiting list: how long an offered slot is held for the producer before the next one is offered it, counted in
    # working hours (an offer made in the evening runs from the next working morning, never expires at night).
    "OFFER_HOLD_HOURS": 4,
    # The working hours the hold counts: weekdays (0 = Monday) and the local (Europe/Paris) start and end of the day.
    "OFFER_WORKING_DAYS": (0, 1, 2, 3, 4),
    "OFFER_WORKING_DAY_START": "08:00",
    "OFFER_WORKING_DAY_END": "18:00",
    "CLOSE_ON_PUBLIC_HOLIDAYS": True,
    # Largest range the availability endpoint answers (days).
    "AVAILABILITY_MAX_DAYS": 63,
    # Where the iCalendar feeds are served from (absolute URLs in the API answers).
    "PUBLIC_BASE_URL": "",
}


def rule(name: str) -> Any:
    return getattr(settings, f"PROCESSING_{name}", DEFAULTS[name])
