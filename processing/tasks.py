"""Celery tasks of the workshop: thin, ids in, idempotent (status guards, unique (producer, month))."""

from celery import shared_task

from .services.billing import statement_send, statements_build_monthly
from .services.bookings import booking_expire_offer, offers_expire_due
from .services.notifications import booking_send_offer_email


@shared_task(name="processing.expire_offer")
def expire_offer(booking_id: int) -> bool:
    """Scheduled at the end of an offer's hold; a no-op if the offer was accepted, declined or is not due yet."""
    return booking_expire_offer(booking_id=booking_id)


@shared_task(name="processing.expire_offers")
def expire_offers() -> int:
    """Periodic sweep (every few minutes) in case a scheduled `expire_offer` was lost."""
    return offers_expire_due()


@shared_task(name="processing.send_offer_email")
def send_offer_email(booking_id: int) -> bool:
    return booking_send_offer_email(booking_id=booking_id)


@shared_task(name="processing.build_monthly_statements")
def build_monthly_statements() -> int:
    """Beat, on the 1st of each month: every producer's statement of the month just ended."""
    return statements_build_monthly()


@shared_task(name="processing.send_statement", bind=True, max_retries=5)
def send_statement(self, statement_id: int) -> bool:
    try:
        return statement_send(statement_id=statement_id)
    except OSError as exc:  # SMTP down: temporary
        raise self.retry(exc=exc, countdown=300) from exc
