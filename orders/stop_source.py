"""Grocery orders as stops of the delivery rounds: the orders app's `StopSource` (`deliveries.ports`), registered
by `OrdersConfig.ready()`.

What to deliver: one stop per home-delivery order of the day that has coordinates (`order:<id>`), and the orders
for a pickup point other than the depot, merged per point (`point:<id>`) with the other sources' goods. What
happened: a delivered home stop fulfils its orders; orders dropped at a pickup point become `ready` (the customer
is told and collects them there); a failed stop gives each order a `delivery_failed` event and its customer an
email; a manager's decision on a failed home delivery reschedules each order. Orders move only through their own
services (`order_transition`, `order_delivery_failed`, `order_reschedule`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from deliveries.errors import ResolutionNotAllowed
from deliveries.models import PickupPoint, StopKind
from deliveries.ports import BaseStopSource, Handover, HandoverItem, StopDemand, StopOutcome
from deliveries.services.places import delivery_rule_for
from deliveries.services.sources import (
    DEFAULT_HOME_WINDOW,
    SERVICE_MINUTES,
    crates_for,
    kg,
    line_weight_kg,
    point_demand,
)
from ecopole.core.formats import plain_decimal
from ecopole.core.locking import lock_rows
from ecopole.core.outbox import outbox_enqueue

from .models import Order, OrderLine, OrderStatus

# Orders that still have to be delivered.
DELIVERABLE_ORDER_STATUSES = ("placed", "preparing", "ready", "out_for_delivery")
SOURCE = "grocery"


def _deliverable_orders(day: date):
    """The orders of `day` that make stops: home deliveries and orders for a pickup point other than the depot."""
    return Order.objects.filter(delivery_date=day, status__in=DELIVERABLE_ORDER_STATUSES).filter(
        Q(fulfilment="home") | Q(fulfilment="pickup", pickup_point__is_depot=False)
    )


def _order_loads(day: date) -> tuple[list[dict], dict[int, tuple[Decimal, int, Handover]]]:
    """The deliverable orders of `day` (dicts, in id order) and each one's load and hand-over list, in two queries
    whatever the number of orders: planning reads thousands of them, and model instances cost more than the rest of
    the reading together."""
    orders = list(
        _deliverable_orders(day)
        .order_by("pk")
        .values(
            "pk",
            "fulfilment",
            "pickup_point_id",
            "delivery_latitude",
            "delivery_longitude",
            "delivery_address",
            "delivery_postcode",
            "delivery_commune",
            "delivery_window__start",
            "delivery_window__end",
            "customer_id",
            "customer__full_name",
            "customer__email",
            "customer__phone",
        )
    )
    lines: dict[int, list[dict]] = {}
    for line in (
        OrderLine.objects.filter(order__in=_deliverable_orders(day))
        .order_by("id")
        .values("order_id", "product_name", "unit", "quantity", "prepared_quantity")
    ):
        lines.setdefault(line["order_id"], []).append(line)
    loads = {}
    for order in orders:
        weight = Decimal(0)
        items = []
        for line in lines.get(order["pk"], ()):
            # OrderLine.billed_quantity
            quantity = line["prepared_quantity"] if line["prepared_quantity"] is not None else line["quantity"]
            weight += line_weight_kg(unit=line["unit"], quantity=quantity)
            items.append(HandoverItem(name=line["product_name"], quantity=plain_decimal(quantity), unit=line["unit"]))
        handover = Handover(
            source=SOURCE,
            ref=order["pk"],
            customer=order["customer__full_name"] or order["customer__email"],  # User.get_full_name
            phone=order["customer__phone"],
            items=tuple(items),
            customer_id=order["customer_id"],
        )
        loads[order["pk"]] = (kg(weight), crates_for(weight), handover)
    return orders, loads


def _stop_orders(stop_id: int, refs: tuple[int, ...]) -> list[int]:
    """The orders on the stop: those of its hand-over list and of its `orders` link (the same, for a planned stop)."""
    linked = Order.objects.filter(round_stops__pk=stop_id).values_list("pk", flat=True)
    return sorted(set(refs) | set(linked))


def _next_delivery_date(rules, after: date) -> date | None:
    for offset in range(1, 29):
        day = after + timedelta(days=offset)
        if delivery_rule_for(rules=rules, delivery_date=day) is not None:
            return day
    return None


class GrocerySource(BaseStopSource):
    name = SOURCE

    def demands(self, day: date) -> list[StopDemand]:
        """Home deliveries first, then pickup-point orders, each in id order. Three queries (orders, lines, pickup
        points), whatever the number of orders."""
        orders, loads = _order_loads(day)
        points = PickupPoint.objects.in_bulk({o["pickup_point_id"] for o in orders if o["fulfilment"] == "pickup"})
        demands = []
        for order in orders:
            if order["fulfilment"] != "home":
                continue
            if order["delivery_latitude"] is None or order["delivery_longitude"] is None:
                continue
            weight, crates, handover = loads[order["pk"]]
            demands.append(
                StopDemand(
                    key=f"order:{order['pk']}",
                    kind=StopKind.HOME,
                    label=handover.customer,
                    latitude=order["delivery_latitude"],
                    longitude=order["delivery_longitude"],
                    address=order["delivery_address"],
                    postcode=order["delivery_postcode"],
                    commune=order["delivery_commune"],
                    # The customer's chosen window, a hard window for the planner; the day's window otherwise.
                    window_start=order["delivery_window__start"] or DEFAULT_HOME_WINDOW[0],
                    window_end=order["delivery_window__end"] or DEFAULT_HOME_WINDOW[1],
                    load_kg=weight,
                    load_crates=crates,
                    service_minutes=SERVICE_MINUTES[StopKind.HOME],
                    order_ids=(order["pk"],),
                    handover=(handover,),
                )
            )
        for order in orders:
            if order["fulfilment"] != "pickup":
                continue
            weight, crates, handover = loads[order["pk"]]
            demands.append(
                point_demand(
                    points[order["pickup_point_id"]],
                    load_kg=weight,
                    load_crates=crates,
                    order_ids=(order["pk"],),
                    handover=(handover,),
                )
            )
        return demands

    def delivered(self, outcome: StopOutcome) -> None:
        """A home delivery ends `fulfilled`; orders dropped at a pickup point become `ready`. Cancelled and fulfilled
        orders are left alone. An order moved after a failed home delivery is back to `preparing`, so its next round
        walks it like any other."""
        from .services.grocery import order_transition_in_transaction

        S = OrderStatus
        if outcome.kind == StopKind.HOME:
            paths = {
                S.PLACED: [S.PREPARING, S.OUT_FOR_DELIVERY, S.FULFILLED],
                S.PREPARING: [S.OUT_FOR_DELIVERY, S.FULFILLED],
                S.OUT_FOR_DELIVERY: [S.FULFILLED],
            }
        else:
            paths = {S.PLACED: [S.PREPARING, S.READY], S.PREPARING: [S.READY]}
        for order in Order.objects.filter(pk__in=_stop_orders(outcome.stop_id, outcome.refs)).order_by("pk"):
            for target in paths.get(order.status, []):
                order_transition_in_transaction(
                    order_id=order.pk, target=target, actor=outcome.actor, note=f"round {outcome.round_id}"
                )

    def failed(self, outcome: StopOutcome) -> None:
        from .services.reschedule import order_delivery_failed

        for order_id in _stop_orders(outcome.stop_id, outcome.refs):
            order_delivery_failed(
                order_id=order_id,
                stop_id=outcome.stop_id,
                reason=outcome.reason,
                note=outcome.note,
                actor=outcome.actor,
            )

    def arrival_window(self, *, stop_id: int, refs: tuple[int, ...], day: date, opens, closes) -> int:
        """One arrival-window email per home-delivery order (outbox key `round_arrival:<order>:<date>`: enqueuing
        twice sends once)."""
        order_ids = _stop_orders(stop_id, refs)
        for order_id in order_ids:
            outbox_enqueue(
                key=f"round_arrival:{order_id}:{day.isoformat()}",
                handler="deliveries.emails.send_arrival_window",  # the stored name of queued messages
                payload={"order_id": order_id, "opens": opens.isoformat(), "closes": closes.isoformat()},
            )
        return len(order_ids)

    def failed_resolve(self, outcome: StopOutcome, *, action: str, pickup_point, refund_fee: bool) -> None:
        """Each order (locked) is delivered again on the next delivery day after the round's of its zone, or of
        `pickup_point` when moved there (`resolution_not_allowed`, 409, when there is none within four weeks)."""
        from .services.reschedule import order_reschedule

        for order in lock_rows(Order.objects.filter(pk__in=_stop_orders(outcome.stop_id, outcome.refs))):
            rules = list((pickup_point or order.delivery_zone).delivery_days.filter(is_active=True))
            next_day = _next_delivery_date(rules, outcome.day)
            if next_day is None:
                raise ResolutionNotAllowed(date=outcome.day.isoformat())
            order_reschedule(
                order_id=order.pk,
                delivery_date=next_day,
                pickup_point=pickup_point,
                actor=outcome.actor,
                note=outcome.note,
                refund_delivery_fee=refund_fee,
            )

    def phones(self, refs: tuple[int, ...]) -> dict[int, str]:
        """The customers' phones of `refs` (for stops planned before phones were stored). One query."""
        return dict(Order.objects.filter(pk__in=refs).values_list("pk", "customer__phone"))
