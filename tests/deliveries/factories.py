from datetime import time
from decimal import Decimal

import factory

from deliveries.models import DeliveryDay, DeliveryZone, PickupPoint, PickupPointKind, Weekday


class PickupPointFactory(factory.django.DjangoModelFactory):
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
