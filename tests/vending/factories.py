"""Factories of the vending tests (and the few catalogue rows they need)."""

import datetime as dt
from decimal import Decimal

import factory

from catalogue.models import Category, Product, Unit
from deliveries.models import PickupPointKind
from orders.models import Fulfilment, Order, OrderStatus
from tests.deliveries.factories import PickupPointFactory
from tests.factories import ProducerFactory, UserFactory
from vending.models import Compartment, CompartmentKind, Machine


class VendingCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = "Légumes (distributeur)"
    slug = "legumes-distributeur"


class VendingProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    category = factory.SubFactory(VendingCategoryFactory)
    name = factory.Sequence(lambda n: f"Botte de légumes {n}")
    slug = factory.Sequence(lambda n: f"botte-de-legumes-{n}")
    unit = Unit.BUNCH
    unit_price = Decimal("2.50")
    vat_rate = Decimal("5.50")


class MachineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Machine

    name = factory.Sequence(lambda n: f"Distributeur {n}")
    slug = factory.Sequence(lambda n: f"distributeur-{n}")
    place = "Ilôt Jacquard"
    commune = "Calais"
    latitude = Decimal("50.951900")
    longitude = Decimal("1.856200")


class CompartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compartment

    machine = factory.SubFactory(MachineFactory)
    code = factory.Sequence(lambda n: f"Z{n}")
    kind = CompartmentKind.LOCKER
    capacity = Decimal("10")
    low_threshold = Decimal("2")


class MachineOrderFactory(factory.django.DjangoModelFactory):
    """A grocery order ready to go into a locker (no lines: the vending tests only need the row)."""

    class Meta:
        model = Order

    customer = factory.SubFactory(UserFactory)
    fulfilment = Fulfilment.PICKUP
    pickup_point = factory.SubFactory(PickupPointFactory, kind=PickupPointKind.VENDING_MACHINE)
    status = OrderStatus.READY
    delivery_date = dt.date(2026, 3, 6)
    cutoff_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 4, 11, 0, tzinfo=dt.UTC))
