"""Thin Celery tasks: plain data in, one service call. Idempotent (the services merge; the provider's idempotency
keys make a repeated capture or refund the same one); retried on a network failure only."""

from __future__ import annotations

from decimal import Decimal

import stripe
from celery import shared_task

from ecopole.core.countdown import bounded_countdown

from .services.card import payment_release, payment_settle, payments_settle_sweep

NETWORK_ERRORS = (stripe.APIConnectionError, stripe.RateLimitError)


@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=60, time_limit=90)
def payment_settle_task(self, source: str, ref: int, final_amount: str) -> None:
    try:
        payment_settle(source=source, ref=ref, final_amount=Decimal(final_amount))
    except NETWORK_ERRORS as error:
        raise self.retry(exc=error, countdown=bounded_countdown(30 * (self.request.retries + 1))) from error


@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=60, time_limit=90)
def payment_release_task(self, source: str, ref: int) -> None:
    try:
        payment_release(source=source, ref=ref)
    except NETWORK_ERRORS as error:
        raise self.retry(exc=error, countdown=bounded_countdown(30 * (self.request.retries + 1))) from error


@shared_task(name="payments.settle_sweep", acks_late=True, soft_time_limit=300, time_limit=360)
def payments_settle_sweep_task() -> dict[str, int]:
    return payments_settle_sweep()
