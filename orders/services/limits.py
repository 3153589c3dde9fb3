"""A customer may place at most `ORDERS_MAX_PER_CUSTOMER_PER_DAY` orders a day (Europe/Paris), staff excepted.

An abuse guard, not a business rule: a stolen token or a runaway client cannot hold the whole stock with thousands
of small reservations. Cancelled orders count too (placing and cancelling would otherwise reserve stock at will).
0 switches the guard off. It counts committed orders without a lock, so parallel requests of one customer can go
past the limit by at most the number of requests in flight; the idempotent replay of an order is never refused.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from ecopole.core.permissions import is_staff_member

from ..errors import OrderRateExceeded
from ..models import Order


def order_rate_check(*, customer) -> None:
    limit = int(getattr(settings, "ORDERS_MAX_PER_CUSTOMER_PER_DAY", 0) or 0)
    if limit <= 0:
        return
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    # One COUNT per order; the staff check (a query for the groups) only once past the limit.
    placed = Order.objects.filter(customer=customer, created_at__gte=midnight).count()
    if placed >= limit and not is_staff_member(customer):
        tomorrow = timezone.make_aware(dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time.min))
        raise OrderRateExceeded(limit=limit, retry_after=max(1, int((tomorrow - now).total_seconds())))
