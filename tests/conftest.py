"""Shared fixtures: users of every role and API clients logged in as them; the small shop of the shop pages and the
browser tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from catalogue.season import allergens_to_mask, months_to_mask
from tests.clients import client_for
from tests.factories.accounts import ProducerMemberFactory, StaffFactory, UserFactory
from tests.factories.baskets import BasketOfferFactory
from tests.factories.catalogue import CategoryFactory, ProducerFactory, ProductFactory
from tests.factories.deliveries import DeliveryDayFactory, PickupPointFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and login-failure counters (Redis when REDIS_URL is set) must not leak from one test to the next."""
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def other_customer(db):
    return UserFactory()


@pytest.fixture
def producer(db):
    return ProducerFactory()


@pytest.fixture
def producer_member(db, producer):
    return ProducerMemberFactory(producer=producer)


@pytest.fixture
def manager(db):
    return StaffFactory(groups=["manager"])


@pytest.fixture
def preparer(db):
    return StaffFactory(groups=["preparer"])


@pytest.fixture
def driver(db):
    return StaffFactory(groups=["driver"])


@pytest.fixture
def customer_client(customer) -> APIClient:
    return client_for(customer)


@pytest.fixture
def other_customer_client(other_customer) -> APIClient:
    return client_for(other_customer)


@pytest.fixture
def producer_client(producer_member) -> APIClient:
    return client_for(producer_member)


@pytest.fixture
def manager_client(manager) -> APIClient:
    return client_for(manager)


@pytest.fixture
def preparer_client(preparer) -> APIClient:
    return client_for(preparer)


@pytest.fixture
def driver_client(driver) -> APIClient:
    return client_for(driver)


# --- the small shop (tests/shop and tests/browser) ---


@pytest.fixture
def shop_catalogue(db):
    """A small shop: a certified market garden at Marck, apples in season, leeks by weight, a jar with allergens."""
    today = datetime.date.today()
    garden = ProducerFactory(
        certified=True, name="Jardin des Anges", slug="jardin-des-anges", commune="Marck", distance_km=Decimal("14.2")
    )
    fruit = CategoryFactory(name="Fruits", slug="fruits")
    vegetables = CategoryFactory(name="Légumes", slug="legumes")
    preserves = CategoryFactory(name="Conserves", slug="conserves")
    apple = ProductFactory(
        producer=garden,
        category=fruit,
        name="Pommes Reinette",
        slug="pommes-reinette",
        organic=True,
        unit="kg",
        unit_price=Decimal("3.20"),
        season_months=months_to_mask([today.month]),
        stock=40,
    )
    leek = ProductFactory(
        producer=garden,
        category=vegetables,
        name="Poireaux",
        slug="poireaux",
        organic=True,
        unit="kg",
        sold_by_weight=True,
        unit_price=Decimal("2.80"),
        quantity_step=Decimal("0.5"),
        minimum_quantity=Decimal("0.5"),
        stock=12,
    )
    soup = ProductFactory(
        producer=garden,
        category=preserves,
        name="Velouté d'épinards",
        slug="veloute-epinards",
        unit="jar",
        unit_price=Decimal("4.50"),
        allergens=allergens_to_mask(["milk", "celery"]),
        stock=0,
    )
    return {"garden": garden, "apple": apple, "leek": leek, "soup": soup}


@pytest.fixture
def shop_places(db):
    point = PickupPointFactory(name="Ilôt Jacquard", slug="ilot-jacquard", commune="Calais")
    DeliveryDayFactory(pickup_point=point)
    BasketOfferFactory()
    return point
