"""Deliveries: pickup points, zones, delivery days, vehicles."""

from datetime import time
from decimal import Decimal

import factory

from deliveries.models import DeliveryDay, DeliveryZone, PickupPoint, PickupPointKind, Vehicle, VehicleKind, Weekday


class PickupPointFactory(factory.django.DjangoModelFactory):
    """A relay point at Audruicq, open on Fridays 15:00–19:00."""

    class Meta:
        model = PickupPoint

    name = factory.Sequence(lambda n: f"Point relais {n}")
    slug = factory.Sequence(lambda n: f"point-relais-{n}")
    kind = PickupPointKind.RELAY
    address = "Centre-bourg"
    postcode = "62370"
    commune = "Audruicq"
    latitude = Decimal("50.879400")
    longitude = Decimal("2.078600")
    opening_hours = factory.LazyFunction(lambda: [{"weekday": 4, "opens": "15:00", "closes": "19:00"}])


class DeliveryZoneFactory(factory.django.DjangoModelFactory):
    """Calais, Marck and Coquelles: fee 4.50 €, minimum 20.00 €, free from 60.00 €."""

    class Meta:
        model = DeliveryZone

    name = factory.Sequence(lambda n: f"Zone {n}")
    slug = factory.Sequence(lambda n: f"zone-{n}")
    communes = factory.LazyFunction(lambda: ["Calais", "Marck", "Coquelles"])
    delivery_fee = Decimal("4.50")
    minimum_order = Decimal("20.00")
    free_delivery_threshold = Decimal("60.00")


class DeliveryDayFactory(factory.django.DjangoModelFactory):
    """Friday, cutoff Wednesday 12:00 (Europe/Paris) by default."""

    class Meta:
        model = DeliveryDay

    weekday = Weekday.FRIDAY
    cutoff_weekday = Weekday.WEDNESDAY
    cutoff_time = time(12, 0)


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
