import datetime
from decimal import Decimal

import pytest

from catalogue.season import allergens_to_mask, months_to_mask
from tests.baskets.basket_factories import BasketOfferFactory
from tests.catalogue.factories import CategoryFactory, CertifiedProducerFactory, ProductFactory
from tests.deliveries.factories import DeliveryDayFactory, PickupPointFactory


@pytest.fixture
def shop_catalogue(db):
    """A small shop: a certified market garden at Marck, apples in season, leeks by weight, a jar with allergens."""
    today = datetime.date.today()
    garden = CertifiedProducerFactory(
        name="Jardin des Anges", slug="jardin-des-anges", commune="Marck", distance_km=Decimal("14.2")
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
