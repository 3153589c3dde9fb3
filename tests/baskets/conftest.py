"""Fixtures of the cabas bio tests (the dates are in `tests/baskets/constants.py`).

The world: Monday 7 December 2026, 09:00 in Paris (ISO week 2026-W50); baskets are distributed on Friday
11 December, cutoff Wednesday 9 December at 12:00, at the Ilôt Jacquard antenna (the default point), at a relay
point, or at home in the Calais zone. Three offers; two vegetables with stock, composed and published for W50.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from baskets.models import BasketFrequency, BasketSize, BasketSubscription, SubscriptionStatus
from baskets.services.calendar import week_parity
from baskets.services.compositions import CompositionLineRequest, composition_publish, composition_set
from catalogue.services.stock import stock_receive
from deliveries.models import PickupPointKind
from orders.models import Fulfilment
from tests.factories.accounts import UserFactory
from tests.factories.baskets import BasketOfferFactory
from tests.factories.catalogue import ProductFactory
from tests.factories.deliveries import DeliveryDayFactory, DeliveryZoneFactory, PickupPointFactory

from .constants import FRIDAY, MONDAY, WEEK_START


@pytest.fixture(autouse=True)
def basket_now():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


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
def carrots(db):
    return _stocked("Carottes", "1000")


@pytest.fixture
def leeks(db):
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

    def make(offer, *, customer=None, frequency=BasketFrequency.WEEKLY, start=FRIDAY, **fields):
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
