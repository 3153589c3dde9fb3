"""Celery tasks of the cabas bio: thin, idempotent (run rows and unique keys), imported by `orders/tasks.py`."""

from celery import shared_task

from .services.generation import basket_reminders_enqueue, basket_runs_generate_due

__all__ = ["basket_invoices_monthly", "basket_reminders_queue", "basket_runs_generate"]


@shared_task(name="orders.basket_runs_generate")
def basket_runs_generate() -> dict:
    """Generate the baskets of every distribution whose cutoff has passed (each (offer, date) at most once)."""
    return basket_runs_generate_due()


@shared_task(name="orders.basket_reminders_queue")
def basket_reminders_queue() -> int:
    """Queue, in a bounded batch, the reminder emails of tomorrow's baskets (each at most once)."""
    return basket_reminders_enqueue()


@shared_task(name="baskets.invoices_monthly")
def basket_invoices_monthly() -> int:
    """Beat, on the 1st of each month: each subscriber's invoice of the baskets of the month just ended."""
    from .services.invoices import basket_invoices_issue_monthly

    return basket_invoices_issue_monthly()
