"""The port through which payments tells its clients what happened to their payments.

payments sits below orders (and baskets, processing) and imports none of them. A client that wants to hear that a
payment of one of its things was confirmed (a Stripe webhook) or refunded registers a listener under its source
name in its `AppConfig.ready()`:

    payment_listener_register("order", OrderPaymentListener())

Listeners run inside the payments transaction that changes the payment, so that the payment and the client's row
change together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PaymentNews:
    """What happened: `source`'s thing `ref` is now `paid` or `refunded`, by `method`; over all its payments,
    `captured` euros were taken and `kept` are kept (captured minus refunded)."""

    source: str
    ref: int
    state: str  # "paid" or "refunded"
    method: str
    kept: Decimal
    captured: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class PaymentOutcome:
    """What a client says of its thing, for the sweep that settles payments whose own task was lost: its final
    amount once known (weighed, ready), or that it was cancelled; neither while it is still open."""

    final_amount: Decimal | None = None
    cancelled: bool = False


@runtime_checkable
class PaymentListener(Protocol):
    def payment_changed(self, news: PaymentNews) -> None:
        """Called in the payments transaction that changed the payment."""

    def payment_outcome(self, ref: int) -> PaymentOutcome:
        """The thing's final amount or its cancellation (`payments.services.card.payments_settle_sweep`)."""


LISTENERS: dict[str, PaymentListener] = {}


def payment_listener_register(source: str, listener: PaymentListener) -> PaymentListener:
    """Register `listener` for `source` (from an `AppConfig.ready()`); another type under a taken name is refused."""
    if not isinstance(listener, PaymentListener) or not source:
        raise ImproperlyConfigured(f"{listener!r} is not a PaymentListener")
    current = LISTENERS.get(source)
    if current is not None and type(current) is not type(listener):
        raise ImproperlyConfigured(f"payment listener {source!r} is already registered to {current!r}")
    LISTENERS[source] = listener
    return listener


def payment_outcome_of(source: str, ref: int) -> PaymentOutcome:
    listener = LISTENERS.get(source)
    return listener.payment_outcome(ref) if listener is not None else PaymentOutcome()


def payment_listener_notify(news: PaymentNews) -> None:
    listener = LISTENERS.get(news.source)
    if listener is not None:
        listener.payment_changed(news)
