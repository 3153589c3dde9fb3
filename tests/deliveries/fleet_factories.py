"""Factories of the fleet and of grocery orders ready to be delivered (rows written directly: these tests are about
rounds, not about placing orders). Named apart from factories.py, which the places tests own."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from catalogue.models import Category, Product
from deliveries.models import Vehicle, VehicleKind
from orders.models import Order, OrderLine
from tests.factories import ProducerFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    name = factory.Sequence(lambda n: f"Camion {n}")
    kind = VehicleKind.VAN
    capacity_kg = Decimal("500")
    capacity_crates = 60
    speed_kmh = Decimal("40")
    shift_start = time(8, 0)
    shift_end = time(17, 0)
    weekdays = factory.LazyFunction(lambda: [0, 1, 2, 3, 4, 5, 6])
    allowed_communes = factory.LazyFunction(list)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = "Légumes"
    slug = "legumes"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("slug",)

    producer = factory.SubFactory(ProducerFactory)
    category = factory.SubFactory(CategoryFactory)
    name = "Pommes de terre"
    slug = "pommes-de-terre"
    unit = "kg"
    unit_price = Decimal("2.00")
    vat_rate = Decimal("5.50")


def order_create(
    *,
    day,
    zone=None,
    point=None,
    commune="Calais",
    lat="50.951300",
    lon="1.858700",
    kg="5",
    customer=None,
    status="preparing",
    jars=0,
) -> Order:
    """A grocery order for `day`: home delivery in `zone` at (lat, lon), or for pickup at `point`, weighing `kg`."""
    customer = customer or UserFactory()
    home = point is None
    order = Order.objects.create(
        customer=customer,
        status=status,
        fulfilment="home" if home else "pickup",
        pickup_point=point,
        delivery_zone=zone if home else None,
        delivery_address="12 rue des Jardins" if home else "",
        delivery_postcode="62100" if home else "",
        delivery_commune=commune if home else "",
        delivery_latitude=Decimal(lat) if home else None,
        delivery_longitude=Decimal(lon) if home else None,
        delivery_date=day,
        cutoff_at=datetime.combine(day, time(0), tzinfo=PARIS),
    )
    OrderLine.objects.create(
        order=order,
        product=ProductFactory(),
        product_name="Pommes de terre",
        unit="kg",
        unit_price=Decimal("2.00"),
        vat_rate=Decimal("5.50"),
        quantity=Decimal(kg),
        line_total=Decimal("0.00"),
        vat_amount=Decimal("0.00"),
    )
    if jars:
        OrderLine.objects.create(
            order=order,
            product=ProductFactory(name="Confiture", slug="confiture", unit="jar"),
            product_name="Confiture",
            unit="jar",
            unit_price=Decimal("4.00"),
            vat_rate=Decimal("5.50"),
            quantity=Decimal(jars),
            line_total=Decimal("0.00"),
            vat_amount=Decimal("0.00"),
        )
    return order
