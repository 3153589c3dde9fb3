"""Planning board fixtures: the depot at Vieille-Église, a Calais zone, a van and the Calais cargo bike, and a Friday
(23 October 2026) with home orders to plan, seen from Thursday evening. Solver limits are tiny to stay fast."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from deliveries.models import DeliveryDay, DeliveryZone, PickupPointKind, VehicleKind, Weekday
from deliveries.services import planning
from tests.deliveries.helpers import CALAIS_POINTS, FRIDAY, MARCK, THURSDAY_EVENING, pickup_point_create
from tests.factories.deliveries import VehicleFactory
from tests.factories.orders import order_create


@pytest.fixture(autouse=True)
def fast_solver(monkeypatch):
    monkeypatch.setattr(planning, "DEFAULT_TIME_LIMIT", 0.3)
    monkeypatch.setattr(planning, "AUTO_PLAN_TIME_LIMIT", 0.3)
    monkeypatch.setattr(planning, "MAX_ITERATIONS", 400)


@pytest.fixture
def thursday():
    with time_machine.travel(THURSDAY_EVENING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def board_friday(db):
    """The depot, a Calais zone with four Calais orders and one in Marck, a van (100 kg) and the Calais cargo bike."""
    depot = pickup_point_create(
        name="Ecopôle alimentaire",
        slug="ecopole",
        kind=PickupPointKind.DEPOT,
        is_depot=True,
        commune="Vieille-Église",
        latitude=Decimal("50.928100"),
        longitude=Decimal("2.076900"),
    )
    DeliveryDay.objects.create(pickup_point=depot, weekday=Weekday.FRIDAY, cutoff_weekday=Weekday.WEDNESDAY)
    zone = DeliveryZone.objects.create(name="Calais et littoral", slug="calais", communes=["Calais", "Marck"])
    DeliveryDay.objects.create(zone=zone, weekday=Weekday.FRIDAY, cutoff_weekday=Weekday.WEDNESDAY)
    van = VehicleFactory(name="Camion frigorifique", capacity_kg=Decimal("100"), capacity_crates=20)
    bike = VehicleFactory(
        name="Vélo cargo",
        kind=VehicleKind.CARGO_BIKE,
        capacity_kg=Decimal("30"),
        capacity_crates=5,
        speed_kmh=Decimal("18"),
        allowed_communes=["calais"],
    )
    orders = [
        order_create(day=FRIDAY, zone=zone, commune="Calais", lat=lat, lon=lon, kg="6") for lat, lon in CALAIS_POINTS
    ]
    orders.append(order_create(day=FRIDAY, zone=zone, commune="Marck", lat=MARCK[0], lon=MARCK[1], kg="6"))
    return {"depot": depot, "zone": zone, "van": van, "bike": bike, "orders": orders}


# The browser tests of the board run Debian's Chromium as tests/browser does (its launch and context settings).
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
