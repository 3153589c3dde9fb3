"""Order emails: written to the outbox with the order, sent at least once per order and kind, marked sent after.

`order_notify` records an unsent `OrderNotification` and an outbox message in the caller's transaction: nothing
is sent when the transaction rolls back, the unique (order, kind) constraint means a second call enqueues nothing,
and an email whose dispatch was lost (Redis down at commit time) is sent by the outbox sweep once it is back.
`notification_send` marks the row (`sent_at`) only after the mail backend accepted the email: a worker that dies
between the two leaves it unsent, and the outbox delivers it again (the same Message-ID: a recognisable duplicate,
never a lost email). The outbox's claim keeps two workers from sending it at the same time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation

from ecopole.core.emails import email_send, templated_email
from ecopole.core.outbox import outbox_enqueue

from ..models import NotificationKind, Order, OrderNotification

TEMPLATES = {
    NotificationKind.CONFIRMATION: "orders/email/confirmation",
    NotificationKind.READY: "orders/email/ready",
    NotificationKind.CANCELLED: "orders/email/cancelled",
}


def order_notify(*, order: Order, kind: str, new_order: bool = False) -> OrderNotification | None:
    """Record the email and enqueue its sending after commit. Returns None if it was already recorded.

    `new_order=True` for an order created in this transaction: it has no notification yet, so two plain INSERTs
    (the notification, its outbox message) instead of lookups and savepoints.
    """
    if new_order:
        notification = OrderNotification.objects.create(order=order, kind=kind)
    else:
        notification, created = OrderNotification.objects.get_or_create(order=order, kind=kind)
        if not created:
            return None
    outbox_enqueue(
        key=f"order_email:{notification.pk}",
        handler="orders.services.notifications.notification_send",
        payload={"notification_id": notification.pk},
        new_key=new_order,
    )
    return notification


def notification_send(*, notification_id: int) -> bool:
    """Send the email, then mark it sent. Returns False when it was already sent (or no longer exists)."""
    notification = (
        OrderNotification.objects.select_related("order__customer", "order__pickup_point", "order__delivery_zone")
        .filter(pk=notification_id, sent_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    email_send(notification_render(notification=notification))
    OrderNotification.objects.filter(pk=notification_id, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


def notification_render(*, notification: OrderNotification) -> EmailMultiAlternatives:
    """Render the email (subject, text, HTML) in the site's language (French by default)."""
    order = notification.order
    base = TEMPLATES[notification.kind]
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "customer_name": order.customer.get_full_name(),
        "place": order.pickup_point or order.delivery_zone,
    }
    message = templated_email(base, context, to=[order.customer.email])
    return message


# --- Round outcomes: sent through the outbox (one message per event), not `OrderNotification` (once per kind) -----


def _order_for_email(order_id: int) -> Order | None:
    return Order.objects.select_related("customer", "pickup_point", "delivery_zone").filter(pk=order_id).first()


def send_delivery_failed(*, order_id: int, reason: str, date: str) -> bool:
    """Tell the customer their order could not be handed over on `date` and what happens next."""
    from datetime import date as date_type

    from deliveries.models import FailureReason

    order = _order_for_email(order_id)
    if order is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        reason_label = str(FailureReason(reason).label) if reason in FailureReason.values else reason
    context = {
        "order": order,
        "customer_name": order.customer.get_full_name(),
        "failed_on": date_type.fromisoformat(date),
        "reason": reason_label,
        "contact": settings.STAFF_NOTIFICATION_EMAIL,
    }
    email_send(templated_email("orders/email/delivery_failed", context, to=[order.customer.email]))
    return True


def send_rescheduled(
    *, order_id: int, previous_date: str, moved_to_point: bool, fee: str = "", fee_refunded: bool = False
) -> bool:
    """Tell the customer the new date (and pickup point) of their order, and what happens to the delivery fee."""
    from datetime import date as date_type
    from decimal import Decimal

    order = _order_for_email(order_id)
    if order is None:
        return False
    context = {
        "order": order,
        "customer_name": order.customer.get_full_name(),
        "previous_date": date_type.fromisoformat(previous_date),
        "moved_to_point": moved_to_point,
        "fee": Decimal(fee) if fee else None,
        "fee_refunded": fee_refunded,
        "contact": settings.STAFF_NOTIFICATION_EMAIL,
    }
    email_send(templated_email("orders/email/rescheduled", context, to=[order.customer.email]))
    return True


def send_arrival_window(*, order_id: int, opens: str, closes: str) -> bool:
    """Outbox handler (stored name `deliveries.emails.send_arrival_window`): tell a home-delivery customer the
    two-hour window in which the round reaches them. Returns False when the order no longer exists or is no longer
    a home delivery (nothing to say)."""
    from datetime import datetime

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
    email_send(templated_email("deliveries/email/arrival_window", context, to=[order.customer.email]))
    return True
