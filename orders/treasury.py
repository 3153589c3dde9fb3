"""Orders' recorded payments as treasury movements (invoicing.ports): each change of payment status staff recorded
(unpaid → paid with its method, paid → refunded, paid → unpaid to correct a mistake) is a movement of the order's
total, settling the order's invoice. The payments app adds its own source (captures, refunds, vouchers) beside it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from invoicing.ports import Movement, MovementKind

from .models import OrderEvent, OrderEventKind, PaymentStatus
from .services.invoices import order_invoice_source


def _status_and_method(value: str) -> tuple[str, str]:
    status, _, method = value.partition(":")
    return status, method


def order_payment_movements(start: date, end: date) -> list[Movement]:
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    events = (
        OrderEvent.objects.filter(kind=OrderEventKind.PAYMENT, created_at__gte=since, created_at__lt=until)
        .select_related("order", "order__customer")
        .order_by("created_at", "id")
    )
    found = []
    for event in events:
        before, before_method = _status_and_method(event.from_value)
        after, method = _status_and_method(event.to_value)
        if before == after:
            continue  # only the method was corrected: no money moved
        kind = MovementKind.PAYMENT if after == PaymentStatus.PAID else MovementKind.REFUND
        order = event.order
        found.append(
            Movement(
                kind=kind,
                on=timezone.localdate(event.created_at),
                reference=f"order-payment:{event.pk}",
                label=f"Commande #{order.pk}",
                amount=order.total,
                method=method or before_method,
                invoice_source=order_invoice_source(order.pk),
                party=f"C{order.customer_id}",
            )
        )
    return found
