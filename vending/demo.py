"""Demo vending machine at the Ilôt Jacquard (Calais): 24 lockers A1…D6 and a week of sales. Rows A to C are stocked
with produce; row D is kept empty for click-and-collect orders (the machine is the pickup point
`distributeur-ilot-jacquard` of the deliveries demo, when that exists).

Idempotent: the machine, its periods and lockers are found by natural keys (its API key, derived from SECRET_KEY, is
printed at every run); stock is moved in only the first time
(when the machine has no refill yet); sales are keyed by transaction id (`DEMO-YYYYMMDD-NN`), so running it again the
same day records nothing twice. The periodic tasks (vending.check_machines, vending.expire_locker_reservations) are in
the project's table, `ecopole/core/schedule.py`. Works with or without catalogue products: without any, it creates a few minimal ones
by slug.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import random
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from catalogue.models import Category, Producer, Product, Unit
from catalogue.services.stock import stock_receive
from deliveries.models import PickupPoint

from .models import Compartment, CompartmentKind, Machine, OpeningPeriod, Refill
from .services import machine_key_rotate, refill_record, sale_record
from .services.machines import KEY_PREFIX, machine_key_hash

MACHINE_SLUG = "distributeur-ilot-jacquard"
ROWS, COLUMNS = "ABCD", range(1, 7)
CLICK_AND_COLLECT_ROW = "D"
LOCKER_CAPACITY = Decimal("4")

# slug, name, unit, price incl. VAT: created only when the catalogue has no product at all.
MINIMAL_PRODUCTS = [
    ("distributeur-botte-de-carottes", "Botte de carottes", Unit.BUNCH, Decimal("2.50")),
    ("distributeur-poireaux-botte", "Poireaux (botte)", Unit.BUNCH, Decimal("3.00")),
    ("distributeur-salade-batavia", "Salade batavia", Unit.PIECE, Decimal("1.50")),
    ("distributeur-pommes-de-terre-2kg", "Pommes de terre (sac de 2 kg)", Unit.PIECE, Decimal("4.00")),
    ("distributeur-panier-de-saison", "Panier de légumes de saison", Unit.PIECE, Decimal("8.00")),
    ("distributeur-soupe-potiron", "Soupe de potiron (bocal)", Unit.JAR, Decimal("4.50")),
]


def _products() -> list[Product]:
    existing = list(Product.objects.filter(is_active=True).order_by("pk")[:6])
    if existing:
        return existing
    producer, _ = Producer.objects.get_or_create(slug="les-anges-gardins", defaults={"name": "Les Anges Gardins"})
    category = Category.objects.filter(Q(slug="legumes") | Q(name="Légumes")).first()
    if category is None:
        category = Category.objects.create(slug="legumes", name="Légumes")
    products = []
    for slug, name, unit, price in MINIMAL_PRODUCTS:
        product, _ = Product.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "unit": unit, "unit_price": price, "producer": producer, "category": category},
        )
        products.append(product)
    return products


def _demo_machine_key(machine: Machine) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"vending-demo-machine-{machine.pk}".encode(), hashlib.sha256)
    return KEY_PREFIX + base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def demo_machine_key_line() -> list[str]:
    """For `make run`'s banner (scripts/run.py): the demo machine's key, the same seed_demo printed and set."""
    machine = Machine.objects.filter(slug=MACHINE_SLUG).first()
    if machine is None or machine.api_key_hash != machine_key_hash(_demo_machine_key(machine)):
        return []
    return [f"Vending machine {machine.pk} key (header X-Machine-Key): {_demo_machine_key(machine)}"]


def seed(stdout=None) -> None:
    machine, _created = Machine.objects.update_or_create(
        slug=MACHINE_SLUG,
        defaults={
            "name": "Distributeur de légumes de l'Ilôt Jacquard",
            "place": "Ilôt Jacquard, entrée de la ferme urbaine",
            "address": "Ilôt Jacquard, centre de Calais",
            "commune": "Calais",
            "latitude": Decimal("50.951900"),
            "longitude": Decimal("1.856200"),
            "at_depot": False,
            "freshness_days": 3,
            "pickup_point": PickupPoint.objects.filter(slug=MACHINE_SLUG, kind="vending_machine").first(),
        },
    )
    for weekday in range(7):
        OpeningPeriod.objects.get_or_create(
            machine=machine, weekday=weekday, opens_at=dt.time(7, 0), closes_at=dt.time(21, 0)
        )
    compartments = []
    for row_index, row in enumerate(ROWS):
        for column in COLUMNS:
            compartment, _ = Compartment.objects.get_or_create(
                machine=machine,
                code=f"{row}{column}",
                defaults={
                    "kind": CompartmentKind.LOCKER,
                    "capacity": LOCKER_CAPACITY,
                    "low_threshold": Decimal("1"),
                    "position": row_index * 10 + column,
                },
            )
            compartments.append(compartment)
    # Only a key's hash is stored, so the demo derives its machine's key from SECRET_KEY (as secret as it) to print
    # the same working key at every `make run` (README, "Two commands"), setting it only when it changed.
    key = _demo_machine_key(machine)
    if machine.api_key_hash != machine_key_hash(key):
        machine_key_rotate(machine=machine, key=key)
    if stdout is not None:
        stdout.write(f"vending: API key of the demo machine {machine.pk} (header X-Machine-Key): {key}")

    stocked = [c for c in compartments if not c.code.startswith(CLICK_AND_COLLECT_ROW)]
    products = _products()
    if not Refill.objects.filter(compartment__machine=machine).exists():
        for product in products:
            stock_receive(product_id=product.pk, quantity=Decimal("100"), note="demo: vending machine stock")
        for index, compartment in enumerate(stocked):
            product = products[index % len(products)]
            refill_record(compartment=compartment, product=product, quantity=LOCKER_CAPACITY)

    today = timezone.localdate()
    for days_ago in range(7, 0, -1):
        day = today - dt.timedelta(days=days_ago)
        rng = random.Random(f"{MACHINE_SLUG}-{day.isoformat()}")
        for number in range(rng.randint(4, 8)):
            compartment = stocked[rng.randrange(len(stocked))]
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(7, 20), rng.randint(0, 59))))
            price = compartment.price or Decimal("2.00")
            sale_record(
                machine=machine,
                transaction_id=f"DEMO-{day:%Y%m%d}-{number:02d}",
                compartment_code=compartment.code,
                quantity=Decimal("1"),
                amount=price,
                sold_at=moment,
            )
