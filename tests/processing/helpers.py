"""Helpers of the processing tests (constants, request bodies, builders): test modules import them from here; the
fixtures are in conftest.py."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from processing.services.bookings import BookingRequest, booking_create

PARIS = ZoneInfo("Europe/Paris")

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=PARIS)  # a Monday


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


# Thursday 19 November 2026, morning: 71 h after NOW.
THURSDAY_MORNING = (paris(2026, 11, 19, 8), paris(2026, 11, 19, 12))


def booking_payload(equipment, starts_at, ends_at, **extra) -> dict:
    ids = [e.pk for e in (equipment if isinstance(equipment, list | tuple) else [equipment])]
    payload = {
        "equipment": ids,
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "process": "soup",
        "raw_product_name": "Potimarrons",
        "raw_quantity_kg": "120.000",
        "expected_output": "240 bocaux de soupe 75 cl",
        "organic": True,
    }
    payload.update(extra)
    return payload


def make_booking(producer, equipment, starts_at, ends_at, user=None, waitlist=False, **extra):
    ids = [e.pk for e in (equipment if isinstance(equipment, list | tuple) else [equipment])]
    request = BookingRequest(
        equipment_ids=ids,
        starts_at=starts_at,
        ends_at=ends_at,
        process=extra.pop("process", "soup"),
        raw_product_name=extra.pop("raw_product_name", "Potimarrons"),
        raw_quantity_kg=extra.pop("raw_quantity_kg", Decimal("120")),
        **extra,
    )
    return booking_create(producer_id=producer.pk, request=request, user=user, waitlist=waitlist)
