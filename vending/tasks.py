"""Thin Celery tasks: ids in, one service call. Their schedules live in django-celery-beat (seeded by demo.py)."""

from celery import shared_task

from .services import locker_reservations_expire, refill_request_notify, refill_requests_generate


@shared_task(name="vending.check_machines")
def check_machines() -> dict:
    """Find compartments low or past the freshness limit; at most one refill request per machine per day."""
    return {"created": [request.pk for request in refill_requests_generate()]}


@shared_task(name="vending.email_refill_request", bind=True, max_retries=5)
def email_refill_request(self, refill_request_id: int) -> bool:
    try:
        return refill_request_notify(refill_request_id=refill_request_id)
    except OSError as exc:  # SMTP down: temporary
        raise self.retry(exc=exc, countdown=60) from exc


@shared_task(name="vending.expire_locker_reservations")
def expire_locker_reservations() -> dict:
    """Free lockers whose order was not collected in time and flag them to staff."""
    return {"expired": locker_reservations_expire()}
