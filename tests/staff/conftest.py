"""Staff pages' fixtures: Monday 19 October 2026, 09:00 in Paris (the grocery tests' day), a relay point delivering
on Friday 23 October, leeks sold by weight and jars of jam in stock, and test clients logged in per role."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from tests.factories.deliveries import DeliveryDayFactory, PickupPointFactory
from tests.orders.helpers import MONDAY_MORNING, stocked_product


@pytest.fixture(autouse=True)
def frozen_now(request):
    if "live_server" in request.fixturenames:  # the browser tests run on the real clock
        yield None
        return
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def relay(db):
    point = PickupPointFactory(name="Point relais d'Ardres", slug="relais-ardres", commune="Ardres")
    DeliveryDayFactory(pickup_point=point)
    return point


@pytest.fixture
def leeks(db):
    product = stocked_product(
        20, name="Poireaux", slug="poireaux-vrac", unit="kg", unit_price=Decimal("2.80"), sold_by_weight=True
    )
    product.quantity_step = product.minimum_quantity = Decimal("0.5")
    product.save(update_fields=["quantity_step", "minimum_quantity"])
    return product


@pytest.fixture
def jam(db):
    return stocked_product(
        10, name="Confiture de fraises", slug="confiture-fraises", unit="jar", unit_price=Decimal("4.50")
    )


def logged_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def preparer_web(preparer) -> Client:
    return logged_in(preparer)


@pytest.fixture
def manager_web(manager) -> Client:
    return logged_in(manager)
