"""Factories of the cabas bio tests (kept apart from the grocery's `factories.py`)."""

from datetime import time
from decimal import Decimal

import factory

from baskets.models import BasketOffer, BasketSize
from catalogue.models import Category, Product
from deliveries.models import DeliveryDay, DeliveryZone, PickupPoint, PickupPointKind, Weekday
from tests.factories import ProducerFactory


class BasketCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = "Légumes"
    slug = "legumes"


class BasketProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    category = factory.SubFactory(BasketCategoryFactory)
    name = factory.Sequence(lambda n: f"Légume {n}")
    slug = factory.Sequence(lambda n: f"legume-{n}")
    unit = "kg"
    unit_price = Decimal("3.00")


class BasketPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PickupPoint

    name = factory.Sequence(lambda n: f"Point {n}")
    slug = factory.Sequence(lambda n: f"point-{n}")
    kind = PickupPointKind.RELAY
    address = "Centre-bourg"
    postcode = "62100"
    commune = "Calais"
    latitude = Decimal("50.951300")
    longitude = Decimal("1.858700")
    opening_hours = factory.LazyFunction(lambda: [{"weekday": 4, "opens": "10:00", "closes": "19:00"}])


class BasketZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryZone

    name = factory.Sequence(lambda n: f"Zone {n}")
    slug = factory.Sequence(lambda n: f"zone-{n}")
    communes = factory.LazyFunction(lambda: ["Calais", "Marck"])
    delivery_fee = Decimal("4.50")
    minimum_order = Decimal("25.00")
    free_delivery_threshold = Decimal("60.00")


class BasketDayFactory(factory.django.DjangoModelFactory):
    """Friday, cutoff Wednesday 12:00 (Europe/Paris)."""

    class Meta:
        model = DeliveryDay

    weekday = Weekday.FRIDAY
    cutoff_weekday = Weekday.WEDNESDAY
    cutoff_time = time(12, 0)


class BasketOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BasketOffer
        django_get_or_create = ("slug",)

    name = "Petit cabas"
    slug = "petit-cabas"
    size = BasketSize.SMALL
    price = Decimal("12.00")
    solidarity_price = Decimal("6.00")
    indicative_weight = Decimal("3.000")
