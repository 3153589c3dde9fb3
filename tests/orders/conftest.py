"""Grocery fixtures: a frozen Monday (19 October 2026, 09:00 in Paris), the depot and a Calais zone delivering on
Friday 23 October (cutoff Wednesday 21, 12:00), products at every VAT rate with stock, and a `place` helper."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
import time_machine

from deliveries.models import PickupPointKind, Weekday
from tests.factories.deliveries import DeliveryDayFactory, DeliveryZoneFactory, PickupPointFactory
from tests.factories.vending import CompartmentFactory, MachineFactory
from tests.orders.helpers import MONDAY_MORNING, stocked_product


@pytest.fixture(autouse=True)
def frozen_now():
    """Every grocery test runs on Monday 19 October 2026 at 09:00 in Paris unless it travels elsewhere."""
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def depot(db):
    point = PickupPointFactory(
        name="Ecopôle alimentaire",
        slug="ecopole",
        kind=PickupPointKind.DEPOT,
        is_depot=True,
        commune="Vieille-Église",
    )
    DeliveryDayFactory(pickup_point=point)  # Friday, cutoff Wednesday 12:00
    DeliveryDayFactory(
        pickup_point=point, weekday=Weekday.TUESDAY, cutoff_weekday=Weekday.SUNDAY, cutoff_time=time(18, 0)
    )
    return point


@pytest.fixture
def relay(db):
    point = PickupPointFactory(name="Point relais d'Ardres", slug="relais-ardres", commune="Ardres")
    DeliveryDayFactory(pickup_point=point)
    return point


@pytest.fixture
def calais_zone(db):
    zone = DeliveryZoneFactory(name="Calais et littoral", slug="calais", communes=["Calais", "Marck", "Oye-Plage"])
    DeliveryDayFactory(zone=zone)
    return zone


@pytest.fixture
def leeks(db):
    return stocked_product(50, name="Poireaux", slug="poireaux", unit="bunch", unit_price=Decimal("2.80"))


@pytest.fixture
def jam(db):
    return stocked_product(20, name="Confiture de fraises", slug="confiture", unit="jar", unit_price=Decimal("4.35"))


@pytest.fixture
def soap(db):
    return stocked_product(
        10, name="Savon", slug="savon", unit="piece", unit_price=Decimal("3.90"), vat_rate=Decimal("20.00")
    )


@pytest.fixture
def meal(db):
    return stocked_product(
        10, name="Plat du jour", slug="plat", unit="piece", unit_price=Decimal("12.50"), vat_rate="10.00"
    )


@pytest.fixture
def potatoes(db):
    return stocked_product(
        100,
        name="Pommes de terre",
        slug="pommes-de-terre",
        unit="kg",
        unit_price=Decimal("1.95"),
        sold_by_weight=True,
        quantity_step=Decimal("0.5"),
        minimum_quantity=Decimal("1"),
    )


# --- a vending machine with click-and-collect lockers (the locker tests, the account's order pages) ---


@pytest.fixture
def machine_point(db):
    point = PickupPointFactory(
        name="Distributeur de l'Ilôt Jacquard", slug="distributeur", kind=PickupPointKind.VENDING_MACHINE
    )
    DeliveryDayFactory(pickup_point=point)  # Friday, cutoff Wednesday 12:00
    return point


@pytest.fixture
def machine(machine_point):
    machine = MachineFactory(name="Distributeur de l'Ilôt Jacquard", open_all_day=True, pickup_point=machine_point)
    for code in ("D1", "D2"):
        CompartmentFactory(machine=machine, code=code, capacity=Decimal("1"), low_threshold=Decimal("0"))
    return machine
