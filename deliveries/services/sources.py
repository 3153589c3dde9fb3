"""What gets delivered on a date: the demands of every registered stop source (`deliveries.ports`).

Each client app (grocery orders, cabas baskets, vending refills) registers a `StopSource` in its `AppConfig.ready()`;
the planner calls `stop_demands_for`, which merges every demand bound for the same pickup point into one stop with
the summed load. This module offers the sources the shared estimates: weights per unit, crates, service times, the
pickup-point demand.

Loads are estimates in kg (see `line_weight_kg`); crates are counted per order or basket (each is packed in its own
crates), one crate per `KG_PER_CRATE` kg, rounded up, at least one.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal

from ..models import PickupPoint, StopKind
from ..ports import StopDemand, stop_sources

__all__ = [
    "DEFAULT_HOME_WINDOW",
    "KG_PER_CRATE",
    "SERVICE_MINUTES",
    "StopDemand",
    "crates_for",
    "kg",
    "line_weight_kg",
    "point_demand",
    "stop_demands_for",
]

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
# Home deliveries carry no customer-chosen window yet: they are delivered within this window (Europe/Paris).
DEFAULT_HOME_WINDOW = (time(9, 0), time(18, 0))


def stop_demands_for(day: date) -> list[StopDemand]:
    """Every demand of every registered source for `day`, demands for one pickup point merged into one, in key
    order."""
    by_key: dict[str, list[StopDemand]] = {}
    for source in stop_sources():
        for demand in source.demands(day):
            by_key.setdefault(demand.key, []).append(demand)
    # Merged once per key (a pickup point gathers thousands of orders at ten times the data: merging them one by one
    # copied the growing tuples each time). The first demand gives the place; loads add up in the same order.
    merged = []
    for key in sorted(by_key):
        first, *others = by_key[key]
        if not others:
            merged.append(first)
            continue
        load_kg, load_crates = first.load_kg, first.load_crates
        for demand in others:
            load_kg += demand.load_kg
            load_crates += demand.load_crates
        merged.append(
            replace(
                first,
                load_kg=load_kg,
                load_crates=load_crates,
                order_ids=tuple(ref for demand in by_key[key] for ref in demand.order_ids),
                handover=tuple(item for demand in by_key[key] for item in demand.handover),
            )
        )
    return merged


# --- Load estimates ---------------------------------------------------------------------------------------------


def line_weight_kg(*, unit: str, quantity: Decimal) -> Decimal:
    """Estimated weight of an order line: kg count as kg, other units at their default weight per unit."""
    return Decimal(quantity) * UNIT_WEIGHT_KG.get(unit, DEFAULT_UNIT_WEIGHT_KG)


def crates_for(kg: Decimal) -> int:
    return max(1, math.ceil(Decimal(kg) / KG_PER_CRATE))


def kg(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
