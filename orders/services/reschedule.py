"""Move an order that could not be handed over to another day, and possibly to a pickup point.

Used by the rounds when a manager resolves a failed home delivery (`deliveries.services.rounds.failed_stop_resolve`),
so that an order's date, place and status are only ever written by the orders app.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from deliveries.models import PickupPoint
from ecopole.core.audit import audit_record
from ecopole.core.calendar import closed_day_check
from ecopole.core.exceptions import InvalidTransition
from ecopole.core.locking import lock_one

from ..models import Fulfilment, Order, OrderEvent, OrderEventKind, OrderStatus


def order_reschedule(
    *, order_id: int, delivery_date: date, actor, pickup_point: PickupPoint | None = None, note: str = ""
) -> Order:
    """Give an order a new delivery date and, with `pickup_point`, turn it into a pickup there (no more home
    delivery: the zone is dropped; the delivery fee already charged is kept, a refund is a payment matter).

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
                str(InvalidTransition.default_message).format(
                    current=OrderStatus(order.status).label, target=OrderStatus.PREPARING.label
                ),
                current=order.status,
                target="rescheduled",
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
        if moves_to_point:
            order.fulfilment, order.pickup_point, order.delivery_zone = Fulfilment.PICKUP, pickup_point, None
            fields += ["fulfilment", "pickup_point", "delivery_zone"]
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
        OrderEvent.objects.create(
            order=order,
            kind=OrderEventKind.RESCHEDULED,
            from_value=previous_date.isoformat(),
            to_value=delivery_date.isoformat(),
            actor=actor,
            note=(f"→ {pickup_point.name}: {note}" if moves_to_point else note)[:255],
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
                "note": note,
            },
        )
    return order
