"""Emails of delivery rounds, sent by the outbox (`ecopole.core.outbox`): plain functions taking the payload."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from ecopole.core.emails import templated_email


def send_arrival_window(*, order_id: int, opens: str, closes: str) -> bool:
    """Tell a home-delivery customer the two-hour window in which the round reaches them. Returns False when the
    order no longer exists or is no longer a home delivery (nothing to say)."""
    from orders.models import Order

    order = Order.objects.select_related("customer").filter(pk=order_id, fulfilment="home").first()
    if order is None:
        return False
    with timezone.override(settings.TIME_ZONE):
        context = {
            "order": order,
            "customer_name": order.customer.get_full_name(),
            "opens": timezone.localtime(datetime.fromisoformat(opens)),
            "closes": timezone.localtime(datetime.fromisoformat(closes)),
        }
    message = templated_email("deliveries/email/arrival_window", context, to=[order.customer.email])
    message.send()
    return True
