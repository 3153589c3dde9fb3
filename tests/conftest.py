"""Shared fixtures: users of every role and API clients logged in as them; the small shop of the shop pages and the
browser tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from baskets.models import BasketFrequency, BasketSize, BasketSubscription, SubscriptionStatus
from baskets.services.calendar import week_parity
from baskets.services.compositions import CompositionLineRequest, composition_publish, composition_set
from catalogue.season import allergens_to_mask, months_to_mask
from catalogue.services.stock import stock_receive
from deliveries.models import PickupPointKind
from orders.models import Fulfilment
from tests.baskets.constants import FRIDAY as BASKET_FRIDAY
from tests.baskets.constants import WEEK_START
from tests.clients import client_for
from tests.deliveries.geocoding_fixtures import ban_sample, fake_ban  # noqa: F401  (the geocoder's, for every app)
from tests.factories.accounts import ProducerMemberFactory, StaffFactory, UserFactory
from tests.factories.baskets import BasketOfferFactory
from tests.factories.catalogue import CategoryFactory, ProducerFactory, ProductFactory
from tests.factories.deliveries import DeliveryDayFactory, DeliveryZoneFactory, PickupPointFactory


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


@pytest.fixture(autouse=True)
def _closed_breakers():
    """The circuit breakers (ecopole/core/breaker.py) are per process: a test that cut Redis must not leave the next
    test skipping it."""
    from ecopole.core.breaker import broker_breaker, cache_breaker

    broker_breaker.reset()
    cache_breaker.reset()
    yield
    broker_breaker.reset()
    cache_breaker.reset()


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


# --- the cabas bio (tests/baskets, the shop's cabas pages and their browser test) ---------------------------------
# Monday 7 December 2026 (tests/baskets/constants.py): baskets on Friday 11 December at the Ilôt Jacquard antenna, a
# relay point or at home in the Calais zone; three offers; two vegetables composed and published for W50.


def _point(**values):
    """A relay point in Calais, open on Fridays 10:00–19:00."""
    values = {
        "kind": PickupPointKind.RELAY,
        "postcode": "62100",
        "commune": "Calais",
        "latitude": Decimal("50.951300"),
        "longitude": Decimal("1.858700"),
        "opening_hours": [{"weekday": 4, "opens": "10:00", "closes": "19:00"}],
        **values,
    }
    return PickupPointFactory(**values)


@pytest.fixture
def ilot(db):
    point = _point(name="Ilôt Jacquard (antenne de Calais)", slug="ilot-jacquard-calais")
    DeliveryDayFactory(pickup_point=point)
    return point


@pytest.fixture
def relay_point(db):
    point = _point(name="Point relais d'Audruicq", slug="relais-audruicq", commune="Audruicq")
    DeliveryDayFactory(pickup_point=point)
    return point


@pytest.fixture
def home_zone(db):
    zone = DeliveryZoneFactory(
        name="Calais et littoral", slug="calais-littoral", communes=["Calais", "Marck"], minimum_order=Decimal("25.00")
    )
    DeliveryDayFactory(zone=zone)
    return zone


@pytest.fixture
def offers(db):
    return {
        "small": BasketOfferFactory(),
        "medium": BasketOfferFactory(
            name="Moyen cabas",
            slug="moyen-cabas",
            size=BasketSize.MEDIUM,
            price=Decimal("18.00"),
            solidarity_price=Decimal("9.00"),
            indicative_weight=Decimal("5.000"),
        ),
        "large": BasketOfferFactory(
            name="Grand cabas",
            slug="grand-cabas",
            size=BasketSize.LARGE,
            price=Decimal("25.00"),
            solidarity_price=Decimal("12.50"),
            indicative_weight=Decimal("8.000"),
        ),
    }


@pytest.fixture
def small(offers):
    return offers["small"]


def _stocked(name: str, quantity: str):
    product = ProductFactory(vegetable=True, name=name)
    stock_receive(product_id=product.pk, quantity=Decimal(quantity))
    return product


@pytest.fixture
def carrots(db):  # tests/vending has its own
    return _stocked("Carottes", "1000")


@pytest.fixture
def leeks(db):  # tests/orders has its own (by the bunch, for orders)
    return _stocked("Poireaux", "1000")


@pytest.fixture
def composed(small, carrots, leeks, manager):
    """The small basket of W50: 1.5 kg of carrots and 2 leeks, published."""
    lines = [CompositionLineRequest(carrots.pk, Decimal("1.5")), CompositionLineRequest(leeks.pk, Decimal("2"))]
    composition_set(offer_id=small.pk, week_start=WEEK_START, lines=lines, actor=manager)
    composition_publish(offer_id=small.pk, week_start=WEEK_START, actor=manager)
    return small


@pytest.fixture
def make_subscription(ilot):
    """Insert a subscription directly (tests of the generation need many, fast)."""

    def make(offer, *, customer=None, frequency=BasketFrequency.WEEKLY, start=BASKET_FRIDAY, **fields):
        fields.setdefault("fulfilment", Fulfilment.PICKUP)
        if fields["fulfilment"] == Fulfilment.PICKUP:
            fields.setdefault("pickup_point", ilot)
        return BasketSubscription.objects.create(
            customer=customer or UserFactory(),
            offer=offer,
            frequency=frequency,
            start_date=start,
            anchor_week_parity=week_parity(start),
            status=SubscriptionStatus.ACTIVE,
            **fields,
        )

    return make
