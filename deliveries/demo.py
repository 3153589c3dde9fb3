"""Demo places: the Ecopôle at Vieille-Église (depot), the Ilôt Jacquard antenna in Calais, two relay points,
three home-delivery zones over the communes of the area, and their delivery days; the BAN extract of the offline
geocoder. Idempotent (by slug, by BAN key).

Demo fleet: the refrigerated van of the Ecopôle and the cargo bike of Opale Vélo Services (Calais only), with the
demo drivers. A plannable demo day (`demo_day_seed`, run by `seed_demo` once every
app has seeded): the first date of the coming weeks that the registered stop sources give something to deliver is
planned once.
"""

from datetime import time
from decimal import Decimal

from .geocoding import SAMPLE_CSV, ban_import
from .models import DeliveryDay, DeliveryZone, PickupPoint, PickupPointKind, Round, Vehicle, VehicleKind, Weekday


def _hours(days, *ranges):
    return [{"weekday": d, "opens": o, "closes": c} for d in days for o, c in ranges]


PICKUP_POINTS = [
    {
        "slug": "ecopole-vieille-eglise",
        "name": "Ecopôle alimentaire de la région d'Audruicq",
        "kind": PickupPointKind.DEPOT,
        "is_depot": True,
        "address": "Ecopôle alimentaire",
        "postcode": "62162",
        "commune": "Vieille-Église",
        "latitude": Decimal("50.928100"),
        "longitude": Decimal("2.076900"),
        "opening_hours": _hours([1, 2, 3, 4], ("09:00", "12:00"), ("14:00", "18:00")) + _hours([5], ("09:00", "12:30")),
        "dropoff_start": None,
        "dropoff_end": None,
        "days": [(Weekday.TUESDAY, Weekday.SUNDAY, time(18)), (Weekday.FRIDAY, Weekday.WEDNESDAY, time(12))],
    },
    {
        "slug": "ilot-jacquard-calais",
        "name": "Ilôt Jacquard (antenne de Calais)",
        "kind": PickupPointKind.ANTENNA,
        "is_depot": False,
        "address": "Ilôt Jacquard, centre-ville",
        "postcode": "62100",
        "commune": "Calais",
        "latitude": Decimal("50.951300"),
        "longitude": Decimal("1.858700"),
        "opening_hours": _hours([1, 4], ("10:00", "19:00")) + _hours([2], ("14:00", "18:00")),
        "dropoff_start": time(8, 30),
        "dropoff_end": time(10, 0),
        "days": [(Weekday.TUESDAY, Weekday.SUNDAY, time(18)), (Weekday.FRIDAY, Weekday.WEDNESDAY, time(12))],
    },
    {
        "slug": "distributeur-ilot-jacquard",
        "name": "Distributeur de légumes de l'Ilôt Jacquard",
        "kind": PickupPointKind.VENDING_MACHINE,
        "is_depot": False,
        "address": "Ilôt Jacquard, entrée de la ferme urbaine",
        "postcode": "62100",
        "commune": "Calais",
        "latitude": Decimal("50.951900"),
        "longitude": Decimal("1.856200"),
        "opening_hours": _hours([0, 1, 2, 3, 4, 5, 6], ("07:00", "21:00")),
        "dropoff_start": time(8, 30),
        "dropoff_end": time(10, 0),
        "days": [(Weekday.TUESDAY, Weekday.SUNDAY, time(18)), (Weekday.FRIDAY, Weekday.WEDNESDAY, time(12))],
    },
    {
        "slug": "relais-audruicq",
        "name": "Point relais d'Audruicq",
        "kind": PickupPointKind.RELAY,
        "is_depot": False,
        "address": "Centre-bourg",
        "postcode": "62370",
        "commune": "Audruicq",
        "latitude": Decimal("50.879400"),
        "longitude": Decimal("2.078600"),
        "opening_hours": _hours([4], ("15:00", "19:00")) + _hours([5], ("09:00", "12:00")),
        "dropoff_start": time(13, 0),
        "dropoff_end": time(15, 0),
        "days": [(Weekday.FRIDAY, Weekday.WEDNESDAY, time(12))],
    },
    {
        "slug": "relais-ardres",
        "name": "Point relais d'Ardres",
        "kind": PickupPointKind.RELAY,
        "is_depot": False,
        "address": "Centre-bourg",
        "postcode": "62610",
        "commune": "Ardres",
        "latitude": Decimal("50.855600"),
        "longitude": Decimal("1.978500"),
        "opening_hours": _hours([4], ("16:00", "19:00")),
        "dropoff_start": time(13, 0),
        "dropoff_end": time(16, 0),
        "days": [(Weekday.FRIDAY, Weekday.WEDNESDAY, time(12))],
    },
]

ZONES = [
    {
        "slug": "calais-littoral",
        "name": "Calais et littoral",
        "communes": ["Calais", "Coquelles", "Coulogne", "Marck", "Oye-Plage"],
        "delivery_fee": Decimal("4.50"),
        "minimum_order": Decimal("25.00"),
        "free_delivery_threshold": Decimal("60.00"),
        "days": [(Weekday.TUESDAY, Weekday.SUNDAY, time(18)), (Weekday.FRIDAY, Weekday.WEDNESDAY, time(12))],
    },
    {
        "slug": "pays-d-audruicq",
        "name": "Pays d'Audruicq",
        "communes": ["Audruicq", "Nortkerque", "Polincove", "Ruminghem", "Vieille-Église", "Zutkerque"],
        "delivery_fee": Decimal("3.00"),
        "minimum_order": Decimal("20.00"),
        "free_delivery_threshold": Decimal("50.00"),
        "days": [(Weekday.FRIDAY, Weekday.WEDNESDAY, time(12))],
    },
    {
        "slug": "ardres-guines",
        "name": "Ardres, Brêmes et Guînes",
        "communes": ["Ardres", "Brêmes", "Guînes"],
        "delivery_fee": Decimal("3.50"),
        "minimum_order": Decimal("20.00"),
        "free_delivery_threshold": Decimal("50.00"),
        "days": [(Weekday.FRIDAY, Weekday.WEDNESDAY, time(12))],
    },
]


def seed(stdout=None) -> None:
    # The offline geocoder's addresses: the repository's (made-up) extract of the BAN's CSV, upserted.
    report = ban_import(SAMPLE_CSV)
    if stdout:
        stdout.write(f"deliveries: {report.saved} BAN addresses (extract)")
    for spec in PICKUP_POINTS:
        spec = dict(spec)
        days = spec.pop("days")
        point, _ = PickupPoint.objects.update_or_create(slug=spec.pop("slug"), defaults=spec)
        for weekday, cutoff_weekday, cutoff_time in days:
            DeliveryDay.objects.update_or_create(
                pickup_point=point,
                weekday=weekday,
                defaults={"cutoff_weekday": cutoff_weekday, "cutoff_time": cutoff_time, "is_active": True},
            )
    for spec in ZONES:
        spec = dict(spec)
        days = spec.pop("days")
        zone, _ = DeliveryZone.objects.update_or_create(slug=spec.pop("slug"), defaults=spec)
        for weekday, cutoff_weekday, cutoff_time in days:
            DeliveryDay.objects.update_or_create(
                zone=zone,
                weekday=weekday,
                defaults={"cutoff_weekday": cutoff_weekday, "cutoff_time": cutoff_time, "is_active": True},
            )
    if stdout:
        stdout.write(f"deliveries: {len(PICKUP_POINTS)} pickup points, {len(ZONES)} zones")
    fleet_seed(stdout=stdout)
    saved_addresses_seed(stdout=stdout)


def saved_addresses_seed(stdout=None) -> None:
    """The demo customer's home, saved (geocoded from the BAN extract): checkout offers it for home delivery."""
    from accounts.models import User

    from .models import SavedAddress
    from .services.addresses import saved_address_create

    customer = User.objects.filter(email="client@ecopole.example").first()
    if customer is None or SavedAddress.objects.filter(customer=customer).exists():
        return
    saved_address_create(
        customer=customer, label="Maison", street="5 boulevard Jacquard", postcode="62100", commune="Calais"
    )
    if stdout:
        stdout.write("deliveries: the demo customer's saved address")


VEHICLES = [
    {
        "name": "Camion frigorifique",
        "kind": VehicleKind.VAN,
        "operator": "Ecopôle alimentaire",
        "capacity_kg": Decimal("900"),
        "capacity_crates": 80,
        "speed_kmh": Decimal("45"),
        "shift_start": time(8, 0),
        "shift_end": time(16, 0),
        "weekdays": [Weekday.TUESDAY, Weekday.FRIDAY],
        "allowed_communes": [],
        "driver": "chauffeur@ecopole.example",
    },
    {
        "name": "Vélo cargo Opale Vélo Services",
        "kind": VehicleKind.CARGO_BIKE,
        "operator": "Opale Vélo Services",
        "capacity_kg": Decimal("120"),
        "capacity_crates": 12,
        "speed_kmh": Decimal("18"),
        "shift_start": time(8, 0),
        "shift_end": time(17, 0),
        "weekdays": [Weekday.TUESDAY, Weekday.FRIDAY],
        "allowed_communes": ["Calais"],
        "driver": "velo@ecopole.example",
    },
]


def fleet_seed(stdout=None) -> None:
    from accounts.models import User

    for spec in VEHICLES:
        spec = dict(spec)
        spec["weekdays"] = [int(d) for d in spec["weekdays"]]
        driver = User.objects.filter(email=spec.pop("driver")).first()
        Vehicle.objects.update_or_create(name=spec.pop("name"), defaults={**spec, "default_driver": driver})
    if stdout:
        stdout.write(f"deliveries: {len(VEHICLES)} vehicles")


def demo_day_seed(stdout=None) -> None:
    """Plan the first date of the next four weeks that has something to deliver, unless it already has rounds
    (idempotent). Runs after the other apps' demos (`seed_demo`), whose stop sources give the demands."""
    from datetime import timedelta

    from django.utils import timezone

    from .services.planning import round_plan
    from .services.sources import stop_demands_for

    today = timezone.localdate()
    for day in (today + timedelta(days=offset) for offset in range(29)):
        if Round.objects.filter(date=day).exists():
            return
        if stop_demands_for(day):
            result = round_plan(date=day, time_limit=0.5)
            if stdout:
                stdout.write(
                    f"deliveries: demo day {day}: {len(result.rounds)} rounds, {len(result.unassigned)} unassigned"
                )
            return
    if stdout:
        stdout.write("deliveries: nothing to plan in the next four weeks (no demo orders)")
