"""Thin Celery tasks: one service call each. Their schedules are in ecopole/core/schedule.py (django-celery-beat).
The emails they cause go through the transactional outbox (ecopole/core/outbox.py)."""

from celery import shared_task

from .services import locker_reservations_expire, refill_requests_generate


@shared_task(name="vending.check_machines")
def check_machines() -> dict:
    """Find compartments low or past the freshness limit; at most one refill request per machine per day."""
    return {"created": [request.pk for request in refill_requests_generate()]}


@shared_task(name="vending.expire_locker_reservations")
def expire_locker_reservations() -> dict:
    """Free lockers whose order was not collected in time and flag them to staff."""
    return {"expired": locker_reservations_expire()}
