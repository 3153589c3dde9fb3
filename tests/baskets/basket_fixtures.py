"""Fixtures of the cabas bio tests, imported by each `test_basket_*.py` module (`from .basket_fixtures import *`).

The world: Monday 7 December 2026, 09:00 in Paris (ISO week 2026-W50); baskets are distributed on Friday
11 December, cutoff Wednesday 9 December at 12:00, at the Ilôt Jacquard antenna (the default point), at a relay
point, or at home in the Calais zone. Three offers; two vegetables with stock, composed and published for W50.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from baskets.models import BasketFrequency, BasketSize, BasketSubscription, SubscriptionStatus
from baskets.services.calendar import week_parity
from baskets.services.compositions import CompositionLineRequest, composition_publish, composition_set
from catalogue.services.stock import stock_receive
from orders.models import Fulfilment
from tests.factories import UserFactory

from .basket_factories import (
    BasketDayFactory,
    BasketOfferFactory,
    BasketPointFactory,
    BasketProductFactory,
    BasketZoneFactory,
)

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)
FRIDAY = date(2026, 12, 11)
NEXT_FRIDAY = date(2026, 12, 18)
WEEK = "2026-W50"
WEEK_START = date(2026, 12, 7)
CUTOFF = datetime(2026, 12, 9, 12, 0, tzinfo=PARIS)
BASE = "/api/v1/baskets"

__all__ = [
    "BASE",
    "CUTOFF",
    "FRIDAY",
    "MONDAY",
    "NEXT_FRIDAY",
    "PARIS",
    "WEEK",
    "WEEK_START",
    "basket_now",
    "carrots",
    "composed",
    "home_zone",
    "ilot",
    "leeks",
    "make_subscription",
    "offers",
    "relay_point",
    "small",
]


@pytest.fixture(autouse=True)
def basket_now():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ilot(db):
    point = BasketPointFactory(name="Ilôt Jacquard (antenne de Calais)", slug="ilot-jacquard-calais")
    BasketDayFactory(pickup_point=point)
    return point


@pytest.fixture
def relay_point(db):
    point = BasketPointFactory(name="Point relais d'Audruicq", slug="relais-audruicq", commune="Audruicq")
    BasketDayFactory(pickup_point=point)
    return point


@pytest.fixture
def home_zone(db):
    zone = BasketZoneFactory(name="Calais et littoral", slug="calais-littoral")
    BasketDayFactory(zone=zone)
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
    product = BasketProductFactory(name=name)
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
