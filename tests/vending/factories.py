"""Factories of the vending tests (and the few catalogue rows they need)."""

from decimal import Decimal

import factory

from catalogue.models import Category, Product, Unit
from tests.factories import ProducerFactory
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
