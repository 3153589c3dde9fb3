"""Demo of the légumerie-conserverie: equipment and rates, opening calendar, bookings of the demo producers, a
completed one with its lots (the periodic tasks are in ecopole/core/schedule.py). Idempotent: natural keys (slug, weekday, date, a demo marker
in the booking's notes, lot numbers)."""

from __future__ import annotations

import contextlib
from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalogue.models import Category, Producer, Product
from catalogue.season import allergens_to_mask
from ecopole.core.exceptions import ApplicationError

from .models import (
    DEFAULT_SHELF_LIFE_DAYS,
    Booking,
    BookingLine,
    BookingStatus,
    ClosedDay,
    ConsumableUnit,
    Equipment,
    EquipmentKind,
    OpeningHours,
    ProcessShelfLife,
)
from .services.bookings import BookingRequest, booking_confirm, booking_create
from .services.calendar import WorkshopCalendar, local_date
from .services.lots import Output, RawInput, booking_complete

EQUIPMENT = [
    # slug, name, kind, hourly rate, consumables rate, unit, buffer, slot minutes, capacity
    ("ligne-lavage-epluchage", "Ligne de lavage et d'épluchage", EquipmentKind.WASHING_LINE, "15.00", "0.04",
     ConsumableUnit.KG, 30, 240, None),
    ("decoupe-sous-vide", "Découpe et mise sous vide", EquipmentKind.CUTTING, "12.00", "0.06", ConsumableUnit.KG,
     30, 240, None),
    ("autoclave", "Autoclave (stérilisation des bocaux)", EquipmentKind.AUTOCLAVE, "9.00", "0.18",
     ConsumableUnit.JAR, 0, 120, 400),
    ("chambre-froide", "Chambre froide", EquipmentKind.COLD_ROOM, "2.50", "0", ConsumableUnit.NONE, 15, 240, None),
]  # fmt: skip


def _marker(key: str) -> str:
    return f"[demo:{key}]"


def seed(stdout=None) -> None:
    equipment = {}
    for slug, name, kind, rate, consumable, unit, buffer, slot, capacity in EQUIPMENT:
        equipment[slug], _ = Equipment.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "hourly_rate": Decimal(rate),
                "consumable_rate": Decimal(consumable),
                "consumable_unit": unit,
                "cleaning_buffer_minutes": buffer,
                "slot_minutes": slot,
                "capacity": capacity,
            },
        )
    for weekday in range(5):
        OpeningHours.objects.update_or_create(weekday=weekday, opens_at=time(8), defaults={"closes_at": time(12)})
        OpeningHours.objects.update_or_create(weekday=weekday, opens_at=time(13), defaults={"closes_at": time(17)})
    year = timezone.localdate().year
    for day, month, reason in [(24, 12, "Fermeture de fin d'année"), (31, 12, "Fermeture de fin d'année")]:
        ClosedDay.objects.get_or_create(date=timezone.localdate().replace(year=year, month=month, day=day),
                                        defaults={"reason": reason})  # fmt: skip
    for process, days in DEFAULT_SHELF_LIFE_DAYS.items():
        ProcessShelfLife.objects.get_or_create(process=process, defaults={"best_before_days": days})

    producers = {
        p.slug: p for p in Producer.objects.filter(slug__in=["terre-d-opale", "les-anges-gardins", "ferme-du-marais"])
    }
    if len(producers) < 3:
        return
    manager = get_user_model().objects.filter(email="gestion@ecopole.example").first()
    slots = _future_slots(equipment["ligne-lavage-epluchage"], count=4)
    plans = [
        ("terre-d-opale-soupe", "terre-d-opale", ["ligne-lavage-epluchage", "decoupe-sous-vide"], 0, "soup",
         "Potimarrons", "150", "300 bocaux de soupe 75 cl", None),
        ("anges-gardins-ratatouille", "les-anges-gardins", ["ligne-lavage-epluchage"], 1, "ratatouille",
         "Courgettes et tomates", "90", "180 bocaux de ratatouille 37 cl", None),
        ("marais-jus", "ferme-du-marais", ["chambre-froide"], 2, "juice", "Pommes", "200", "120 bouteilles de jus", None),
    ]  # fmt: skip
    for key, producer_slug, slugs, slot_index, process, raw, kg, expected, jars in plans:
        if slot_index >= len(slots) or Booking.objects.filter(notes__startswith=_marker(key)).exists():
            continue
        starts_at, ends_at = slots[slot_index]
        with contextlib.suppress(ApplicationError):  # a slot taken by hand in the admin: skip that demo booking
            booking_create(
                producer_id=producers[producer_slug].pk,
                user=manager,
                request=BookingRequest(
                    equipment_ids=[equipment[s].pk for s in slugs],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    process=process,
                    raw_product_name=raw,
                    raw_quantity_kg=Decimal(kg),
                    expected_output=expected,
                    jars=jars,
                    organic=producer_slug != "ferme-du-marais",
                    notes=_marker(key),
                ),
            )
    _completed_booking(producers["les-anges-gardins"], equipment, manager)


def _future_slots(item: Equipment, *, count: int) -> list:
    """The next morning slots at least 3 days ahead (past the 48 h notice), on open days."""
    today = timezone.localdate()
    calendar = WorkshopCalendar.load(start=today, end=today + timedelta(days=40))
    found = []
    day = today + timedelta(days=3)
    while len(found) < count and day < today + timedelta(days=40):
        day_slots = calendar.slots(equipment=item, day=day)
        if day_slots:
            found.append((day_slots[0].starts_at, day_slots[0].ends_at))
        day += timedelta(days=1)
    return found


def _completed_booking(producer: Producer, equipment: dict, manager) -> None:
    """A soup made last week by Les Anges Gardins, completed with its lots (written directly: it is in the past)."""
    key = _marker("anges-gardins-soupe-terminee")
    if Booking.objects.filter(notes__startswith=key).exists():
        return
    category, _ = Category.objects.get_or_create(slug="conserves", defaults={"name": "Conserves"})
    soup, _ = Product.objects.get_or_create(
        slug="soupe-de-legumes-anges-gardins-75cl",
        defaults={
            "producer": producer,
            "category": category,
            "name": "Soupe de légumes bio 75 cl",
            "unit": "jar",
            "unit_price": Decimal("5.90"),
            "organic": True,
            # A jar: its stock is kept by lot (the public lot page, the labels, a recall).
            "tracked_by_lot": True,
            "ingredients": "Poireaux 35 %, carottes 30 %, potimarrons 30 %, céleri, huile de colza, sel",
            "allergens": allergens_to_mask(["celery"]),
        },
    )
    today = timezone.localdate()
    day = today - timedelta(days=7)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    starts_at = timezone.make_aware(timezone.datetime.combine(day, time(8)))
    ends_at = starts_at + timedelta(hours=4)
    booking = Booking.objects.create(
        producer=producer,
        starts_at=starts_at,
        ends_at=ends_at,
        status=BookingStatus.REQUESTED,
        process="soup",
        raw_product_name="Légumes de saison (poireaux, carottes, potimarrons)",
        raw_quantity_kg=Decimal("140"),
        expected_output="280 bocaux de soupe 75 cl",
        jars=280,
        organic=True,
        notes=f"{key} Récolte de l'Ilôt Jacquard et de Vieille-Église",
        created_by=manager,
    )
    for slug in ["ligne-lavage-epluchage", "autoclave"]:
        item = equipment[slug]
        BookingLine.objects.create(
            booking=booking,
            equipment=item,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_until=ends_at + (timedelta(0) if item.is_shared else item.buffer),
            is_active=True,
            exclusive=not item.is_shared,
            jars=280 if item.is_shared else None,
        )
    booking.events.create(from_status="", to_status=BookingStatus.REQUESTED, actor=manager, at=timezone.now())
    booking_confirm(booking_id=booking.pk, user=manager)
    booking_complete(
        booking_id=booking.pk,
        user=manager,
        hours_used=Decimal("4"),
        outputs=[
            Output(
                description="Soupe de légumes bio",
                quantity=Decimal("276"),
                container="bocal 75 cl",
                product_id=soup.pk,
                inputs=[
                    RawInput(name="Poireaux", quantity_kg=Decimal("50"), origin="Ilôt Jacquard, Calais"),
                    RawInput(name="Carottes", quantity_kg=Decimal("45"), origin="Vieille-Église"),
                    RawInput(name="Potimarrons", quantity_kg=Decimal("45"), origin="Vieille-Église"),
                ],
            )
        ],
    )
    assert local_date(starts_at) == day
