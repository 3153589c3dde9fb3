"""Celery tasks of the workshop: thin, ids in, idempotent (status guards, unique (producer, month)).

Emails (offers, statements) go through the transactional outbox (ecopole.core.outbox), not tasks of their own.
"""

from celery import shared_task

from .services.billing import statements_build_monthly
from .services.bookings import booking_expire_offer, offers_expire_due


@shared_task(name="processing.expire_offer")
def expire_offer(booking_id: int) -> bool:
    """Expire one held offer; a no-op if it was accepted, declined or is not due yet. Nothing schedules it any more
    (no ETA beyond the broker's visibility timeout, ecopole/core/countdown.py); kept for messages already queued."""
    return booking_expire_offer(booking_id=booking_id)


@shared_task(name="processing.expire_offers")
def expire_offers() -> int:
    """Periodic sweep (every few minutes, selected by status): expires the held offers whose hold is over."""
    return offers_expire_due()


@shared_task(name="processing.build_monthly_statements")
def build_monthly_statements() -> int:
    """Beat, on the 1st of each month: every producer's statement of the month just ended."""
    return statements_build_monthly()
