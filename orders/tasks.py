"""Celery tasks of the online grocery: thin, ids in, idempotent (see services.notifications)."""

from smtplib import SMTPException

from celery import shared_task

from ecopole.core.countdown import bounded_countdown

from .services.notifications import notification_send


@shared_task(name="orders.order_email_send", bind=True, max_retries=5)
def order_email_send(self, notification_id: int) -> bool:
    """Send one order email; a second run is a no-op. Retried on mail-server failures only."""
    try:
        return notification_send(notification_id=notification_id)
    except (SMTPException, ConnectionError, TimeoutError) as exc:
        raise self.retry(exc=exc, countdown=bounded_countdown(60 * (self.request.retries + 1))) from exc


@shared_task(name="orders.newsletter_week_queue")
def newsletter_week_queue() -> int:
    """Queue the week's newsletter to the accounts that asked for it (once per week and account)."""
    from .services.newsletter import newsletter_week_queue as queue

    return queue()
