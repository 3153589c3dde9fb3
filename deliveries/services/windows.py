"""Customer-chosen delivery windows (créneaux): staff open two-hour windows per zone and date with a capacity; a
home-delivery order takes a place in one (inside the order's transaction) and gives it back when cancelled.

Taking a place is one conditional UPDATE (`taken = taken + 1 WHERE taken < capacity`): PostgreSQL re-checks the
condition on the row the second of two concurrent customers waited for, so exactly one of them gets the last place
and the other gets `delivery_window_full` (409). A database constraint (`taken <= capacity`) backs it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F

from ecopole.core.audit import audit_record
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_one

from ..errors import WindowCapacityBelowTaken, WindowFull, WindowInvalid
from ..models import DeliveryWindow, DeliveryZone

WINDOW_LENGTH = timedelta(hours=2)


def window_end_of(start: time) -> time:
    """The end of the two-hour window opening at `start` (`delivery_window_invalid` past midnight)."""
    end = datetime.combine(date(2000, 1, 3), start) + WINDOW_LENGTH
    if end.date() != date(2000, 1, 3):
        raise WindowInvalid()
    return end.time()


def delivery_window_create(*, zone_id: int, day: date, start: time, capacity: int, actor) -> DeliveryWindow:
    """Open the two-hour window of `zone_id` on `day` starting at `start`, for `capacity` customers. The same window
    again sets its capacity (idempotent: a replayed request changes nothing more)."""
    with transaction.atomic(durable=True):
        zone = DeliveryZone.objects.filter(pk=zone_id, is_active=True).first()
        if zone is None:
            raise NotFound(zone=zone_id)
        start = start.replace(second=0, microsecond=0)
        window, created = DeliveryWindow.objects.get_or_create(
            zone=zone, date=day, start=start, defaults={"end": window_end_of(start), "capacity": capacity}
        )
        if created:
            audit_record(
                actor=actor,
                action="delivery_window.create",
                obj=window,
                changes={"zone": zone.pk, "date": day.isoformat(), "start": start.isoformat(), "capacity": capacity},
            )
            return window
    return delivery_window_capacity_set(window_id=window.pk, capacity=capacity, actor=actor)


def delivery_window_capacity_set(*, window_id: int, capacity: int, actor) -> DeliveryWindow:
    """Set how many customers a window takes: never below the places already taken (`…_capacity_below_taken`, 409).
    The window row is locked, so no customer takes a place between the check and the write."""
    with transaction.atomic(durable=True):
        try:
            window = lock_one(DeliveryWindow.objects.all(), pk=window_id)
        except DeliveryWindow.DoesNotExist:
            raise NotFound() from None
        if window.capacity == capacity:
            return window
        if capacity < window.taken:
            raise WindowCapacityBelowTaken(taken=window.taken)
        previous = window.capacity
        window.capacity = capacity
        window.save(update_fields=["capacity"])
        audit_record(
            actor=actor, action="delivery_window.capacity", obj=window, changes={"capacity": [previous, capacity]}
        )
        return window


def delivery_window_take(*, window_id: int, zone_id: int, day: date) -> DeliveryWindow:
    """Take one place in a window of `zone_id` on `day`, inside the caller's transaction (the order placement):
    `delivery_window_invalid` (400) for a window of another zone or date, `delivery_window_full` (409) when no place
    is left. Rolled back with the caller."""
    window = DeliveryWindow.objects.filter(pk=window_id, zone_id=zone_id, date=day).first()
    if window is None:
        raise WindowInvalid(window=window_id)
    taken = DeliveryWindow.objects.filter(pk=window.pk, taken__lt=F("capacity")).update(taken=F("taken") + 1)
    if not taken:
        raise WindowFull(window=window.pk, start=f"{window.start:%H:%M}", end=f"{window.end:%H:%M}")
    window.refresh_from_db(fields=["taken", "capacity"])
    return window


def delivery_window_release(*, window_id: int) -> None:
    """Give back one place (an order of the window was cancelled or moved to another day), inside the caller's
    transaction. Never below zero."""
    DeliveryWindow.objects.filter(pk=window_id, taken__gt=0).update(taken=F("taken") - 1)
