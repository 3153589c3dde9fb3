"""Move an order that could not be handed over to another day, and possibly to a pickup point.

Used by the rounds when a manager resolves a failed home delivery (`deliveries.services.rounds.failed_stop_resolve`),
so that an order's date, place and status are only ever written by the orders app.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from deliveries.models import PickupPoint
from deliveries.services.windows import delivery_window_release
from ecopole.core.audit import audit_record
from ecopole.core.calendar import closed_day_check
from ecopole.core.exceptions import InvalidTransition
from ecopole.core.locking import lock_one
from ecopole.core.models import OutboxMessage
from ecopole.core.outbox import outbox_enqueue

from ..models import Fulfilment, Order, OrderEvent, OrderEventKind, OrderStatus
from .grocery import _priced, _totals_fields
from .pricing import order_totals


def order_delivery_failed(*, order_id: int, stop_id: int, reason: str, note: str = "", actor) -> Order:
    """Record that a round could not hand the order over (stop `stop_id`, `reason` a `deliveries.FailureReason`):
    a `delivery_failed` event on the order (the reason, the driver's note) and an email telling the customer what
    happens next (outbox, key per order and stop: recording it twice writes and sends once). The order's status
    does not change: a manager decides (`deliveries.services.rounds.failed_stop_resolve`)."""
    with transaction.atomic():
        order = lock_one(Order.objects.all(), pk=order_id)
        key = f"order_delivery_failed:{order.pk}:{stop_id}"
        if OutboxMessage.objects.filter(key=key).exists():
            return order
        OrderEvent.objects.create(
            order=order,
            kind=OrderEventKind.DELIVERY_FAILED,
            from_value=order.delivery_date.isoformat(),
            to_value=reason[:60],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            note=note[:255],
        )
        outbox_enqueue(
            key=key,
            handler="orders.services.notifications.send_delivery_failed",
            payload={"order_id": order.pk, "reason": reason, "date": order.delivery_date.isoformat()},
        )
        return order


def order_reschedule(
    *,
    order_id: int,
    delivery_date: date,
    actor,
    pickup_point: PickupPoint | None = None,
    note: str = "",
    refund_delivery_fee: bool = False,
) -> Order:
    """Give an order a new delivery date and, with `pickup_point`, turn it into a pickup there (no more home
    delivery: the zone is dropped). The delivery fee of a home order moved to a pickup point is refunded with
    `refund_delivery_fee` (fee set to 0, totals and VAT recomputed; an order already paid is then owed the
    difference, noted on the event) and kept otherwise; the caller applies the written rule
    (`DELIVERIES_FAILED_HOME_FEE`). The customer is emailed the new date, place and what happens to the fee
    (outbox, key per rescheduling event).

    An order that was `out_for_delivery` is back at the depot: it returns to `preparing`, so that the round that
    takes it next walks it again (to `out_for_delivery` then `fulfilled` at home, or `ready` at the point). A
    `rescheduled` event records the old and new date (and the place in the note); the change is audited. Refused
    (409 `invalid_transition`) for a fulfilled or cancelled order, (400 `closed_day`) for a closed day. One transaction, under the order's row lock;
    the same change again is a no-op.
    """
    with transaction.atomic():
        order = lock_one(Order.objects.all(), pk=order_id)
        if order.status in {OrderStatus.FULFILLED, OrderStatus.CANCELLED}:
            raise InvalidTransition(
                current=order.status,
                target="rescheduled",
                current_label=OrderStatus(order.status).label,
                target_label=OrderStatus.PREPARING.label,
            )
        closed_day_check(delivery_date)  # no delivery on a public holiday or a closure of the association
        moves_to_point = pickup_point is not None and order.pickup_point_id != pickup_point.pk
        if order.delivery_date == delivery_date and not moves_to_point:
            return order
        before = {
            "delivery_date": order.delivery_date.isoformat(),
            "fulfilment": order.fulfilment,
            "status": order.status,
        }
        fields = ["delivery_date", "updated_at"]
        previous_date, order.delivery_date = order.delivery_date, delivery_date
        if order.delivery_window_id is not None:  # the chosen window was for the first date: its place is freed
            delivery_window_release(window_id=order.delivery_window_id)
            order.delivery_window = None
            fields.append("delivery_window")
        fee = order.delivery_fee
        fee_refunded = moves_to_point and refund_delivery_fee and fee > 0
        if moves_to_point:
            order.fulfilment, order.pickup_point, order.delivery_zone = Fulfilment.PICKUP, pickup_point, None
            fields += ["fulfilment", "pickup_point", "delivery_zone"]
        if fee_refunded:
            totals = order_totals(lines=_priced(order.lines.all()), delivery_fee=Decimal("0.00"))
            for field, value in _totals_fields(totals).items():
                setattr(order, field, value)
            fields += list(_totals_fields(totals))
        if order.status == OrderStatus.OUT_FOR_DELIVERY:
            order.status = OrderStatus.PREPARING
            fields.append("status")
            OrderEvent.objects.create(
                order=order,
                kind=OrderEventKind.STATUS,
                from_value=OrderStatus.OUT_FOR_DELIVERY,
                to_value=OrderStatus.PREPARING,
                actor=actor,
                note="back at the depot",
            )
        order.save(update_fields=fields)
        fee_note = f" (delivery fee {fee} refunded)" if fee_refunded else ""
        event = OrderEvent.objects.create(
            order=order,
            kind=OrderEventKind.RESCHEDULED,
            from_value=previous_date.isoformat(),
            to_value=delivery_date.isoformat(),
            actor=actor,
            note=((f"→ {pickup_point.name}: {note}" if moves_to_point else note) + fee_note)[:255],
        )
        outbox_enqueue(
            key=f"order_rescheduled:{order.pk}:{event.pk}",
            handler="orders.services.notifications.send_rescheduled",
            payload={
                "order_id": order.pk,
                "previous_date": previous_date.isoformat(),
                "moved_to_point": moves_to_point,
                "fee": str(fee) if moves_to_point else "",
                "fee_refunded": fee_refunded,
            },
            new_key=True,
        )
        audit_record(
            actor=actor,
            action="order.reschedule",
            obj=order,
            changes={
                "before": before,
                "after": {
                    "delivery_date": delivery_date.isoformat(),
                    "fulfilment": order.fulfilment,
                    "status": order.status,
                },
                "pickup_point": pickup_point.pk if moves_to_point else None,
                "delivery_fee_refunded": str(fee) if fee_refunded else None,
                "note": note,
            },
        )
    return order
