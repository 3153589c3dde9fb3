"""Workshop (atelier de transformation): equipment and the opening hours of the Ecopôle's workshop."""

from datetime import time
from decimal import Decimal

import factory

from processing.models import ConsumableUnit, Equipment, EquipmentKind, OpeningHours


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Équipement {n}")
    slug = factory.Sequence(lambda n: f"equipement-{n}")
    kind = EquipmentKind.OTHER
    hourly_rate = Decimal("10.00")
    cleaning_buffer_minutes = 30
    slot_minutes = 240


def workshop_setup() -> dict[str, Equipment]:
    """Monday to Friday 08:00–12:00 and 13:00–17:00; the four pieces of equipment of the Ecopôle."""
    for weekday in range(5):
        OpeningHours.objects.get_or_create(weekday=weekday, opens_at=time(8), defaults={"closes_at": time(12)})
        OpeningHours.objects.get_or_create(weekday=weekday, opens_at=time(13), defaults={"closes_at": time(17)})
    return {
        "washing": EquipmentFactory(
            name="Ligne de lavage", slug="lavage", kind=EquipmentKind.WASHING_LINE, hourly_rate=Decimal("12.00")
        ),
        "cutting": EquipmentFactory(
            name="Découpe et mise sous vide",
            slug="decoupe",
            kind=EquipmentKind.CUTTING,
            hourly_rate=Decimal("10.00"),
            consumable_rate=Decimal("0.05"),
            consumable_unit=ConsumableUnit.KG,
        ),
        "autoclave": EquipmentFactory(
            name="Autoclave",
            slug="autoclave",
            kind=EquipmentKind.AUTOCLAVE,
            hourly_rate=Decimal("8.00"),
            consumable_rate=Decimal("0.20"),
            consumable_unit=ConsumableUnit.JAR,
            slot_minutes=120,
            cleaning_buffer_minutes=0,
            capacity=300,
        ),
        "cold": EquipmentFactory(
            name="Chambre froide", slug="chambre-froide", kind=EquipmentKind.COLD_ROOM, hourly_rate=Decimal("2.00")
        ),
    }
