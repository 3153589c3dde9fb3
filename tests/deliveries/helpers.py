"""Helpers of the deliveries tests (constants, request bodies, builders): test modules import them from here; the
fixtures are in conftest.py."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from deliveries.models import PickupPoint

PARIS = ZoneInfo("Europe/Paris")

FRIDAY = date(2026, 10, 23)

THURSDAY_EVENING = datetime(2026, 10, 22, 18, 0, tzinfo=PARIS)

# Points around the Calaisis (lat, lon) for home deliveries.
CALAIS_POINTS = [("50.9513", "1.8587"), ("50.9580", "1.8480"), ("50.9460", "1.8700"), ("50.9620", "1.8650")]

MARCK = ("50.9480", "1.9510")

GUINES = ("50.8690", "1.8710")

AUDRUICQ = ("50.8794", "2.0786")


def pickup_point_create(**values) -> PickupPoint:
    defaults = {"address": "Centre", "postcode": "62000", "opening_hours": []}
    return PickupPoint.objects.create(**{**defaults, **values})


def road_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points × the road factor, written here again (not imported from
    the planner) so that tests recompute a round's times independently."""
    import math

    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h))) * 1.3


def minutes(value) -> float:
    """Minutes from midnight of a `time` or of an aware datetime (Europe/Paris wall clock)."""
    if hasattr(value, "tzinfo") and hasattr(value, "date"):
        value = value.astimezone(PARIS).time()
    return value.hour * 60 + value.minute + value.second / 60


def round_build(*, vehicle, day, orders, start_minutes: float = 480):
    """A planned round of `vehicle` on `day` serving `orders` in this order (the planner's own writer, so that the
    round looks exactly like a planned one), without running the solver."""
    from deliveries.services import planning
    from deliveries.services.sources import stop_demands_for

    demands = {d.key: d for d in stop_demands_for(day)}
    return planning._round_create(
        date=day,
        depot=planning.depot_get(),
        vehicle=vehicle,
        start=start_minutes,
        demands=[demands[f"order:{o.pk}"] for o in orders],
        user=None,
    )
