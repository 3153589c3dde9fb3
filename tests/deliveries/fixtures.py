"""The rounds' fixtures, shared by the deliveries tests and the planning board's (tests/staff/planning/): both
conftests import them, so each exists once. Friday 23 October 2026, the Ecopôle depot at Vieille-Église, a relay
point in Ardres (drop-off 13:00–16:00), the Ilôt Jacquard antenna in Calais (08:30–10:00), home-delivery zones, a
van and a Calais cargo bike. Solver time limits are tiny so that the suites stay fast."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
import time_machine

from deliveries.models import DeliveryDay, DeliveryZone, PickupPointKind, VehicleKind, Weekday
from deliveries.services import planning
from tests.deliveries.helpers import THURSDAY_EVENING, pickup_point_create
from tests.factories.deliveries import VehicleFactory


@pytest.fixture(autouse=True)
def fast_solver(monkeypatch):
    monkeypatch.setattr(planning, "DEFAULT_TIME_LIMIT", 0.3)
    monkeypatch.setattr(planning, "AUTO_PLAN_TIME_LIMIT", 0.3)
    monkeypatch.setattr(planning, "MAX_ITERATIONS", 400)


@pytest.fixture
def frozen_thursday():
    with time_machine.travel(THURSDAY_EVENING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def depot(db):
    point = pickup_point_create(
        name="Ecopôle alimentaire",
        slug="ecopole",
        kind=PickupPointKind.DEPOT,
        is_depot=True,
        commune="Vieille-Église",
        latitude=Decimal("50.928100"),
        longitude=Decimal("2.076900"),
    )
    DeliveryDay.objects.create(pickup_point=point, weekday=Weekday.FRIDAY, cutoff_weekday=Weekday.WEDNESDAY)
    return point


@pytest.fixture
def ardres(db):
    point = pickup_point_create(
        name="Point relais d'Ardres",
        slug="relais-ardres",
        commune="Ardres",
        latitude=Decimal("50.855600"),
        longitude=Decimal("1.978500"),
        dropoff_start=time(13, 0),
        dropoff_end=time(16, 0),
    )
    for weekday in (Weekday.TUESDAY, Weekday.FRIDAY):
        DeliveryDay.objects.create(pickup_point=point, weekday=weekday, cutoff_weekday=Weekday.SUNDAY)
    return point


@pytest.fixture
def jacquard(db):
    point = pickup_point_create(
        name="Ilôt Jacquard",
        slug="ilot-jacquard",
        kind=PickupPointKind.ANTENNA,
        commune="Calais",
        latitude=Decimal("50.951300"),
        longitude=Decimal("1.858700"),
        dropoff_start=time(8, 30),
        dropoff_end=time(10, 0),
    )
    DeliveryDay.objects.create(pickup_point=point, weekday=Weekday.FRIDAY, cutoff_weekday=Weekday.WEDNESDAY)
    return point


@pytest.fixture
def calais_zone(db):
    zone = DeliveryZone.objects.create(
        name="Calais et littoral", slug="calais", communes=["Calais", "Marck", "Coquelles", "Guînes", "Audruicq"]
    )
    for weekday in (Weekday.TUESDAY, Weekday.FRIDAY):
        DeliveryDay.objects.create(
            zone=zone, weekday=weekday, cutoff_weekday=Weekday.WEDNESDAY if weekday == 4 else Weekday.SUNDAY
        )
    return zone


@pytest.fixture
def van(db, depot):
    return VehicleFactory(name="Camion frigorifique", capacity_kg=Decimal("60"), capacity_crates=10)


@pytest.fixture
def bike(db, depot):
    return VehicleFactory(
        name="Vélo cargo",
        kind=VehicleKind.CARGO_BIKE,
        capacity_kg=Decimal("30"),
        capacity_crates=5,
        speed_kmh=Decimal("18"),
        allowed_communes=["calais"],
    )
