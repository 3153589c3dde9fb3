"""Guards that keep one customer from holding the stock others need (a free account once reserved the whole stock of
two products three weeks ahead with one unpaid order). Staff are not limited.

- A customer orders only once their email address is confirmed (`email_not_confirmed`, 403).
- At most `ORDERS_MAX_PER_CUSTOMER_PER_DAY` orders a day (Europe/Paris), cancelled ones included (placing and
  cancelling would otherwise reserve stock at will): `order_rate_exceeded`, 429 with Retry-After.
- Open unpaid orders (not fulfilled nor cancelled, payment `unpaid`), this one included, come to at most
  `ORDERS_MAX_UNPAID_TOTAL` euros (`unpaid_total_exceeded`, 409) and hold at most
  `ORDERS_MAX_UNPAID_QUANTITY_PER_PRODUCT` units of any one product (`unpaid_quantity_exceeded`, 409).
Each setting at 0 switches its guard off.

Parallel requests of one customer cannot pass these limits: `order_place` locks the customer's row
(`customer_lock`) at the start of its transaction, so a customer's placements are serialised and each one counts
what the previous ones committed (READ COMMITTED reads a fresh snapshot after the lock wait). The idempotent replay
of an order already placed is never refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from ecopole.core.locking import lock_rows
from ecopole.core.money import CENT
from ecopole.core.permissions import is_staff_member

from ..errors import EmailNotConfirmed, OrderRateExceeded, UnpaidQuantityExceeded, UnpaidTotalExceeded
from ..models import Order, OrderLine, OrderStatus, PaymentStatus

OPEN_STATUSES = [OrderStatus.PLACED, OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY]


def customer_lock(*, customer) -> None:
    """Lock the customer's row (FOR NO KEY UPDATE: rows pointing to the user can still be written) until the end of
    the caller's transaction, so that this customer's order placements run one after the other."""
    lock_rows(get_user_model().objects.filter(pk=customer.pk), no_key=True)


def customer_may_order_check(*, customer, staff: bool) -> None:
    """`email_not_confirmed` (403) for a customer whose address is not confirmed yet."""
    if not staff and getattr(customer, "email_confirmed_at", None) is None:
        raise EmailNotConfirmed()


def order_rate_check(*, customer, staff: bool | None = None) -> None:
    limit = settings.ORDERS_MAX_PER_CUSTOMER_PER_DAY
    if limit <= 0:
        return
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    placed = Order.objects.filter(customer=customer, created_at__gte=midnight).count()
    if placed >= limit and not (is_staff_member(customer) if staff is None else staff):
        tomorrow = timezone.make_aware(dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time.min))
        raise OrderRateExceeded(limit=limit, retry_after=max(1, int((tomorrow - now).total_seconds())))


def unpaid_caps_check(
    *, customer, staff: bool, total: Decimal, quantities: Mapping[int, Decimal], names: Mapping[int, str]
) -> None:
    """Refuse a new order of `total` euros and `quantities` ({product_id: quantity}) that would take the customer's
    open unpaid orders past `ORDERS_MAX_UNPAID_TOTAL` or `ORDERS_MAX_UNPAID_QUANTITY_PER_PRODUCT`. Two queries."""
    if staff:
        return
    open_unpaid = Order.objects.filter(customer=customer, status__in=OPEN_STATUSES, payment_status=PaymentStatus.UNPAID)
    max_quantity = settings.ORDERS_MAX_UNPAID_QUANTITY_PER_PRODUCT
    if max_quantity > 0:
        held_by_product = dict(
            OrderLine.objects.filter(order__in=open_unpaid, product_id__in=list(quantities))
            .values("product_id")
            .annotate(quantity=Sum("quantity"))
            .values_list("product_id", "quantity")
        )
        for product_id in sorted(quantities):
            held = held_by_product.get(product_id) or Decimal(0)
            if held + quantities[product_id] > max_quantity:
                raise UnpaidQuantityExceeded(
                    product=product_id,
                    product_name=names.get(product_id, ""),
                    limit=max_quantity,
                    held=held,
                    quantity=Decimal(quantities[product_id]),
                )
    max_total = settings.ORDERS_MAX_UNPAID_TOTAL
    if max_total > 0:
        held = open_unpaid.aggregate(total=Sum("total"))["total"] or Decimal("0.00")
        if held + total > max_total:
            raise UnpaidTotalExceeded(limit=max_total.quantize(CENT), held=held, total=total)
