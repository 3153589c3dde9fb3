"""Vending machines and their compartments (shelves and click-and-collect lockers)."""

from decimal import Decimal

import factory

from vending.models import Compartment, CompartmentKind, Machine


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
