"""What gets delivered on a date: stop demands from a registry of providers.

A provider is a function `stops_for(day) -> list[StopDemand]` registered with `@stop_provider("name")`. A new kind
of delivery (vending refills, basket deliveries) plugs in by registering one; the planner calls `stop_demands_for`,
which merges every demand bound for the same pickup point into one stop with the summed load.

Loads are estimates in kg from the order lines (see `line_weight_kg`); crates are counted per order (an order is
packed in its own crates), one crate per `KG_PER_CRATE` kg, rounded up, at least one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Prefetch

from ..models import PickupPoint, StopKind

KG_PER_CRATE = Decimal(8)
# Default weight of one unit of a product not sold in kg (documented estimates; a litre of liquid weighs ~1 kg).
UNIT_WEIGHT_KG: dict[str, Decimal] = {
    "kg": Decimal(1),
    "litre": Decimal("1.05"),
    "piece": Decimal("0.5"),
    "bunch": Decimal("0.5"),
    "jar": Decimal("0.45"),
    "dozen": Decimal("0.7"),
}
DEFAULT_UNIT_WEIGHT_KG = Decimal("0.5")
# Hand-over times, in minutes.
SERVICE_MINUTES = {StopKind.HOME: 5, StopKind.PICKUP_POINT: 10, StopKind.VENDING_REFILL: 15}
# Home orders carry no customer-chosen window yet: they are delivered within this window (Europe/Paris) unless the
# order has `delivery_window_start` / `delivery_window_end` attributes.
DEFAULT_HOME_WINDOW = (time(9, 0), time(18, 0))
# Orders that still have to be delivered.
DELIVERABLE_ORDER_STATUSES = ("placed", "preparing", "ready", "out_for_delivery")


@dataclass(frozen=True)
class StopDemand:
    """One place to serve on a date. `key` is stable across planning runs ("order:12", "point:3")."""

    key: str
    kind: str
    label: str
    latitude: Decimal
    longitude: Decimal
    address: str = ""
    postcode: str = ""
    commune: str = ""
    window_start: time | None = None
    window_end: time | None = None
    load_kg: Decimal = Decimal("0.00")
    load_crates: int = 0
    service_minutes: int = 5
    pickup_point_id: int | None = None
    order_ids: tuple[int, ...] = ()
    handover: tuple[dict, ...] = field(default_factory=tuple)


StopProvider = Callable[[date], list[StopDemand]]
STOP_PROVIDERS: dict[str, StopProvider] = {}


def stop_provider(name: str) -> Callable[[StopProvider], StopProvider]:
    """Register `stops_for(day)` under `name` (registering the same name again replaces it)."""

    def register(function: StopProvider) -> StopProvider:
        STOP_PROVIDERS[name] = function
        return function

    return register


def stop_demands_for(day: date) -> list[StopDemand]:
    """Every demand of every provider for `day`, demands for one pickup point merged into one, in key order."""
    merged: dict[str, StopDemand] = {}
    for name in sorted(STOP_PROVIDERS):
        for demand in STOP_PROVIDERS[name](day):
            previous = merged.get(demand.key)
            if previous is None:
                merged[demand.key] = demand
            else:
                merged[demand.key] = replace(
                    previous,
                    load_kg=previous.load_kg + demand.load_kg,
                    load_crates=previous.load_crates + demand.load_crates,
                    order_ids=previous.order_ids + demand.order_ids,
                    handover=previous.handover + demand.handover,
                )
    return [merged[key] for key in sorted(merged)]


# --- Load estimates ---------------------------------------------------------------------------------------------


def line_weight_kg(*, unit: str, quantity: Decimal) -> Decimal:
    """Estimated weight of an order line: kg count as kg, other units at their default weight per unit."""
    return Decimal(quantity) * UNIT_WEIGHT_KG.get(unit, DEFAULT_UNIT_WEIGHT_KG)


def crates_for(kg: Decimal) -> int:
    return max(1, math.ceil(Decimal(kg) / KG_PER_CRATE))


def _kg(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _order_load(order) -> tuple[Decimal, int, dict]:
    kg = Decimal(0)
    items = []
    for line in order.lines.all():
        quantity = line.billed_quantity
        kg += line_weight_kg(unit=line.unit, quantity=quantity)
        items.append({"name": line.product_name, "quantity": _plain(quantity), "unit": line.unit})
    handover = {
        "order": order.pk,
        "customer": order.customer.get_full_name(),
        "phone": order.customer.phone,
        "items": items,
    }
    return _kg(kg), crates_for(kg), handover


def _deliverable_orders(day: date):
    from orders.models import Order, OrderLine

    return (
        Order.objects.filter(delivery_date=day, status__in=DELIVERABLE_ORDER_STATUSES)
        .select_related("customer", "pickup_point")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
        .order_by("pk")
    )


# --- Providers ----------------------------------------------------------------------------------------------------


@stop_provider("grocery_home")
def grocery_home_stops(day: date) -> list[StopDemand]:
    """One stop per home-delivery order of `day` that has coordinates."""
    demands = []
    for order in _deliverable_orders(day).filter(fulfilment="home"):
        if order.delivery_latitude is None or order.delivery_longitude is None:
            continue
        kg, crates, handover = _order_load(order)
        demands.append(
            StopDemand(
                key=f"order:{order.pk}",
                kind=StopKind.HOME,
                label=order.customer.get_full_name() or order.customer.email,
                latitude=order.delivery_latitude,
                longitude=order.delivery_longitude,
                address=order.delivery_address,
                postcode=order.delivery_postcode,
                commune=order.delivery_commune,
                window_start=getattr(order, "delivery_window_start", None) or DEFAULT_HOME_WINDOW[0],
                window_end=getattr(order, "delivery_window_end", None) or DEFAULT_HOME_WINDOW[1],
                load_kg=kg,
                load_crates=crates,
                service_minutes=SERVICE_MINUTES[StopKind.HOME],
                order_ids=(order.pk,),
                handover=(handover,),
            )
        )
    return demands


def point_demand(point: PickupPoint, **values) -> StopDemand:
    """A demand bound for a pickup point (its address, coordinates and drop-off window); providers merge on its key."""
    return StopDemand(
        key=f"point:{point.pk}",
        kind=StopKind.PICKUP_POINT,
        label=point.name,
        latitude=point.latitude,
        longitude=point.longitude,
        address=point.address,
        postcode=point.postcode,
        commune=point.commune,
        window_start=point.dropoff_start,
        window_end=point.dropoff_end,
        service_minutes=SERVICE_MINUTES[StopKind.PICKUP_POINT],
        pickup_point_id=point.pk,
        **values,
    )


@stop_provider("grocery_pickup_points")
def grocery_pickup_point_stops(day: date) -> list[StopDemand]:
    """Grocery orders for a pickup point other than the depot: one demand per order, merged per point."""
    demands = []
    for order in _deliverable_orders(day).filter(fulfilment="pickup", pickup_point__is_depot=False):
        kg, crates, handover = _order_load(order)
        demands.append(
            point_demand(
                order.pickup_point, load_kg=kg, load_crates=crates, order_ids=(order.pk,), handover=(handover,)
            )
        )
    return demands


# Slot for basket (cabas) deliveries: when `orders.BasketDelivery` lands (parallel basket issue), register
#
#     @stop_provider("baskets")
#     def basket_stops(day): return [point_demand(d.pickup_point, load_kg=..., load_crates=..., handover=(...,))
#                                    for d in BasketDelivery.objects.filter(date=day, pickup_point__is_depot=False)]
#
# `stop_demands_for` then merges them with the grocery orders of the same point into one stop.


@stop_provider("vending_refills")
def vending_refill_stops(day: date) -> list[StopDemand]:
    """Vending-machine refills of `day` (`vending.RefillRequest`, open or planned), when the vending app has them."""
    try:
        refill_model = apps.get_model("vending", "RefillRequest")
    except LookupError:
        return []
    demands = []
    requests = refill_model.objects.filter(date=day, status__in=("open", "planned")).select_related("machine")
    for request in requests.order_by("pk"):
        machine = request.machine
        if getattr(machine, "at_depot", False):
            continue
        kg = _kg(request.load_kg or 0)
        demands.append(
            StopDemand(
                key=f"refill:{request.pk}",
                kind=StopKind.VENDING_REFILL,
                label=machine.name,
                latitude=machine.latitude,
                longitude=machine.longitude,
                address=getattr(machine, "address", "") or getattr(machine, "place", ""),
                commune=machine.commune,
                load_kg=kg,
                load_crates=crates_for(kg),
                service_minutes=SERVICE_MINUTES[StopKind.VENDING_REFILL],
                handover=({"order": None, "customer": machine.name, "items": []},),
            )
        )
    return demands
