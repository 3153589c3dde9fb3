"""Orders: grocery orders written as rows (tests about what happens to an order, not about placing one: those call
`order_place`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from catalogue.models import Product
from deliveries.models import PickupPointKind
from orders.models import Fulfilment, Order, OrderLine, OrderStatus

from .accounts import UserFactory
from .catalogue import CategoryFactory, ProductFactory
from .deliveries import PickupPointFactory

PARIS = ZoneInfo("Europe/Paris")


class OrderFactory(factory.django.DjangoModelFactory):
    """An order ready for pickup on Friday 6 March 2026, with no line; `at_machine=True` collects it at a vending
    machine (what a locker takes)."""

    class Meta:
        model = Order

    class Params:
        at_machine = factory.Trait(
            pickup_point=factory.SubFactory(PickupPointFactory, kind=PickupPointKind.VENDING_MACHINE)
        )

    customer = factory.SubFactory(UserFactory)
    fulfilment = Fulfilment.PICKUP
    pickup_point = factory.SubFactory(PickupPointFactory)
    status = OrderStatus.READY
    delivery_date = dt.date(2026, 3, 6)
    cutoff_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 4, 11, 0, tzinfo=dt.UTC))


def _product(name: str, slug: str, unit: str) -> Product:
    return Product.objects.filter(slug=slug).first() or ProductFactory(
        name=name,
        slug=slug,
        unit=unit,
        unit_price=Decimal("2.00"),
        vat_rate=Decimal("5.50"),
        category=CategoryFactory(name="Légumes", slug="legumes"),
    )


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
    window=None,
) -> Order:
    """A grocery order for `day`: home delivery in `zone` at (lat, lon), or for pickup at `point`, weighing `kg` (of
    potatoes), plus `jars` jars of jam; `window`: the customer's chosen delivery window (its place is not counted)."""
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
        delivery_window=window,
        cutoff_at=dt.datetime.combine(day, dt.time(0), tzinfo=PARIS),
    )
    OrderLine.objects.create(
        order=order,
        product=_product("Pommes de terre", "pommes-de-terre", "kg"),
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
            product=_product("Confiture", "confiture", "jar"),
            product_name="Confiture",
            unit="jar",
            unit_price=Decimal("4.00"),
            vat_rate=Decimal("5.50"),
            quantity=Decimal(jars),
            line_total=Decimal("0.00"),
            vat_amount=Decimal("0.00"),
        )
    return order
