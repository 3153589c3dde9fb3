"""Click and collect at the vending machine, seen from the orders: load an order into a locker, and what happens when
the customer opens it or does not come.

An order whose pickup point is a machine's (`vending.Machine.pickup_point`) is prepared as usual; staff then put it
into an empty locker with `order_locker_load`, which makes it `ready` if it was still being prepared, reserves the
locker (`vending.services.locker_reservation_create`: a 6-digit code, stored hashed) and emails the code to the
customer through the outbox. The code is in clear only in that outbox message, whose payload is erased once the email
is sent. The machine's unlock (`vending.services.locker_unlock`) sends `vending.signals.locker_collected` in its own
transaction: `order_collected_from_locker` receives it (the order becomes `fulfilled`); the expiry task sends
`locker_expired`: `order_not_collected` receives it (the order is flagged for staff, its locker freed). Both are
connected in `OrdersConfig.ready()`, so vending never imports orders. This module uses vending only through
`vending.ports` (its services and selectors), never its tables.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from deliveries.models import PickupPointKind
from ecopole.core.audit import audit_record
from ecopole.core.emails import email_send, templated_email
from ecopole.core.locking import lock_one
from ecopole.core.outbox import outbox_enqueue
from vending.ports import (
    locker_code_renew,
    locker_get,
    locker_reservation_active_for_order,
    locker_reservation_active_get,
    locker_reservation_create,
    locker_reservations_release,
    machine_for_pickup_point,
)
from vending.ports import machine_takes_orders as _machine_takes_orders

from ..errors import (
    NotAMachineOrder,
    OrderAlreadyInLocker,
    OrderNotInLocker,
    OrderNotReadyForLocker,
    UnknownLocker,
)
from ..models import Fulfilment, Order, OrderEvent, OrderEventKind, OrderFlag, OrderStatus

if TYPE_CHECKING:
    from vending.models import LockerReservation, Machine

logger = logging.getLogger(__name__)

CODE_EMAIL = "orders/email/locker_code"


def order_machine(order: Order) -> Machine | None:
    """The active machine an order is to be collected from, or None (not a pickup at a machine)."""
    if order.fulfilment != Fulfilment.PICKUP or order.pickup_point_id is None:
        return None
    return machine_for_pickup_point(pickup_point_id=order.pickup_point_id)


def machine_takes_orders(point) -> bool:
    """A pickup point of the kind vending machine takes orders only through an active machine with lockers."""
    return _machine_takes_orders(pickup_point_id=point.pk)


def order_is_for_machine(order: Order) -> bool:
    """Whether the order is collected from a machine's locker (its pickup point is of the kind vending machine)."""
    return order.fulfilment == Fulfilment.PICKUP and order.pickup_point.kind == PickupPointKind.VENDING_MACHINE


def order_locker_load(*, order_id: int, compartment_code: str, actor) -> LockerReservation:
    """Staff put an order into an empty locker of its machine; the customer gets the one-time code by email.

    One transaction: the order (locked) becomes `ready` if it was `preparing` (every weight must be set), the
    locker is reserved (refused if it is not an empty free locker of that machine), a `locker` event is written and
    a "not collected" flag is cleared (loading again after an expiry), and the code's email is queued in the outbox.
    Refused: not an order for a machine (409 `not_a_machine_order`), not preparing or ready (409
    `order_not_ready_for_locker`), already in a locker (409 `order_already_in_locker`), unknown compartment (400).
    """
    from .grocery import _transition  # grocery imports this module

    with transaction.atomic(durable=True):
        order = lock_one(Order.objects.all(), pk=order_id)
        machine = order_machine(order)
        if machine is None:
            raise NotAMachineOrder()
        if order.status not in {OrderStatus.PREPARING, OrderStatus.READY}:
            raise OrderNotReadyForLocker(current=OrderStatus(order.status).label)
        active = locker_reservation_active_for_order(order_id=order.pk)
        if active is not None:
            raise OrderAlreadyInLocker(compartment=active.compartment.code)
        compartment = locker_get(machine=machine, code=compartment_code)
        if compartment is None:
            raise UnknownLocker(machine=machine.name, compartment=compartment_code)
        if order.status == OrderStatus.PREPARING:
            _transition(order=order, target=OrderStatus.READY, actor=actor, note=f"locker {compartment.code}")
        created = locker_reservation_create(
            compartment=compartment, order_id=order.pk, pickup_date=max(order.delivery_date, timezone.localdate())
        )
        reservation = created.reservation
        if order.flag:
            order.flag, order.flagged_at = OrderFlag.NONE, None
            order.save(update_fields=["flag", "flagged_at", "updated_at"])
        OrderEvent.objects.create(
            order=order,
            kind=OrderEventKind.LOCKER,
            to_value=compartment.code,
            actor=actor,
            note=f"{machine.name}"[:255],
        )
        audit_record(actor=actor, action="orders.locker_load", obj=order, changes={"locker": compartment.code})
        outbox_enqueue(
            key=f"order_locker_code:{reservation.pk}",
            handler="orders.services.locker.locker_code_send",
            payload={"reservation_id": reservation.pk, "locker_code": created.code},
            secret=True,
        )
    return reservation


def order_locker_code_renew(*, order_id: int, actor) -> LockerReservation:
    """Staff send a new code for an order waiting in its locker (lost email, or a locked-out locker once staff know
    who is asking): the old code stops working, the wrong-code count restarts, the new code is emailed through the
    outbox like the first (in clear only there, erased once sent). 409 `order_not_in_locker` when the order waits in
    no locker. Audited, with a `locker` event."""
    with transaction.atomic(durable=True):
        order = lock_one(Order.objects.all(), pk=order_id)
        active = locker_reservation_active_for_order(order_id=order.pk)
        if active is None:
            raise OrderNotInLocker()
        renewed = locker_code_renew(reservation_id=active.pk)
        reservation = renewed.reservation
        event = OrderEvent.objects.create(
            order=order,
            kind=OrderEventKind.LOCKER,
            from_value=reservation.compartment.code,
            to_value=reservation.compartment.code,
            actor=actor,
            note="new code",
        )
        audit_record(
            actor=actor, action="orders.locker_code_renew", obj=order, changes={"locker": reservation.compartment.code}
        )
        outbox_enqueue(
            key=f"order_locker_code:{reservation.pk}:event{event.pk}",  # a new event: the key cannot exist yet
            handler="orders.services.locker.locker_code_send",
            payload={"reservation_id": reservation.pk, "locker_code": renewed.code},
            secret=True,
            new_key=True,
        )
    return reservation


def order_collected_from_locker(*, order_id: int, reservation: LockerReservation, **signal) -> None:
    """Receiver of `vending.signals.locker_collected`: the customer opened the locker. Runs in the unlock's transaction.

    The order becomes `fulfilled` (with an event naming the locker) and loses any flag. Idempotent: an order already
    fulfilled is left alone; an order in another status (changed by staff meanwhile) is logged, not changed.
    """
    from .grocery import _transition  # grocery imports this module

    order = lock_one(Order.objects.all(), pk=order_id)
    if order.status == OrderStatus.FULFILLED:
        return
    if order.status != OrderStatus.READY:
        logger.warning("order %s opened from locker %s while %s", order_id, reservation.compartment_id, order.status)
        return
    _transition(
        order=order, target=OrderStatus.FULFILLED, actor=None, note=f"collected from locker {_code(reservation)}"
    )


def order_not_collected(*, order_id: int, reservation: LockerReservation, **signal) -> None:
    """Receiver of `vending.signals.locker_expired`: the code expired with the order still in the locker (now freed).

    The order is flagged `not_collected` for staff (list filter `flag`), with an event; staff then take it back and
    load it again (which clears the flag), hand it over, or cancel it. Idempotent: a flagged order is left alone.
    """
    order = lock_one(Order.objects.all(), pk=order_id)
    if order.flag == OrderFlag.NOT_COLLECTED or order.status != OrderStatus.READY:
        return
    order.flag, order.flagged_at = OrderFlag.NOT_COLLECTED, timezone.now()
    order.save(update_fields=["flag", "flagged_at", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        kind=OrderEventKind.FLAG,
        to_value=OrderFlag.NOT_COLLECTED,
        note=f"locker {_code(reservation)} freed",
    )


def order_lockers_release(*, order: Order, actor=None) -> int:
    """Free the locker of an order that staff fulfilled by hand or cancelled (in the caller's transaction), through
    vending's locked and audited service."""
    return locker_reservations_release(order_id=order.pk, user=actor)


def _code(reservation: LockerReservation) -> str:
    return reservation.compartment.code


def locker_code_send(*, reservation_id: int, locker_code: str) -> bool:
    """Outbox handler: email the customer the locker and its code. Sends nothing once the locker was opened,
    freed or expired (returns False): the code no longer opens anything."""
    reservation = locker_reservation_active_get(reservation_id=reservation_id)
    if reservation is None:
        return False
    order = reservation.order
    machine = reservation.compartment.machine
    context = {
        "order": order,
        "customer_name": order.customer.get_full_name(),
        "machine": machine,
        "compartment": reservation.compartment.code,
        "code": locker_code,
        "last_day": timezone.localtime(reservation.valid_until - dt.timedelta(seconds=1)).date(),
    }
    email_send(templated_email(CODE_EMAIL, context, to=[order.customer.email]))
    return True
