"""The benchmark's data set, written with bulk_create (no API, no per-row service call): 500 products of 20
producers, 5,000 customers, 2,000 grocery orders on one delivery date (190 home deliveries and 1,810 pickups at ten
relay points: 200 stops), their reservations in the stock ledger, a fleet of 4 vans, 10,000 cabas bio subscriptions
when the baskets are there, and a workshop calendar with bookings when the processing app is there.

Stock levels equal the ledger (one receipt per product, one reservation per order line), so
`stock_check_ledger()` is empty before the benchmark writes anything. Seeded with a fixed random seed.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

# `make bench SCALE=N` (BENCH_SCALE): N times the products, customers, orders on the planning date (home deliveries
# among them, hence stops), vans, subscriptions and workshop bookings. 1 (the default) is the data set every earlier
# figure was measured on: the same rows, from the same random sequence.
SCALE = max(1, int(os.environ.get("BENCH_SCALE") or "1"))
PRODUCTS = 500 * SCALE
CUSTOMERS = 5_000 * SCALE
ORDERS = 2_000 * SCALE
HOME_ORDERS = 190 * SCALE
SUBSCRIPTIONS = 10_000 * SCALE
VEHICLES = 4 * SCALE
BENCH_CLIENTS = 8
SCARCE_STOCK = Decimal(20)
PLENTY_STOCK = Decimal(5_000)
BASKET_STOCK = Decimal(20_000) * SCALE

DEPOT = ("Ecopôle alimentaire", "Vieille-Église", Decimal("50.927000"), Decimal("2.077000"))
POINTS = [
    ("Ilôt Jacquard", "Calais", "50.951000", "1.853000"),
    ("Mairie de Marck", "Marck", "50.949000", "1.952000"),
    ("Épicerie de Gravelines", "Gravelines", "50.986000", "2.128000"),
    ("Halle d'Ardres", "Ardres", "50.853000", "1.978000"),
    ("Relais de Guînes", "Guînes", "50.869000", "1.871000"),
    ("Coquelles centre", "Coquelles", "50.935000", "1.800000"),
    ("Oye-Plage bourg", "Oye-Plage", "50.978000", "2.040000"),
    ("Audruicq marché", "Audruicq", "50.879000", "2.079000"),
    ("Coulogne école", "Coulogne", "50.921000", "1.885000"),
    ("Sangatte front de mer", "Sangatte", "50.945000", "1.754000"),
]
COMMUNES = ["Calais", "Marck", "Coulogne", "Coquelles", "Sangatte", "Vieille-Église", "Oye-Plage", "Guînes"]
CATEGORIES = ["Légumes", "Fruits", "Conserves", "Pain", "Épicerie sèche", "Produits laitiers", "Œufs", "Boissons"]
WORDS = [
    "Carotte",
    "Poireau",
    "Pomme",
    "Chou",
    "Betterave",
    "Courge",
    "Navet",
    "Oignon",
    "Épinard",
    "Radis",
    "Poire",
    "Confiture",
    "Soupe",
    "Farine",
    "Yaourt",
    "Jus",
    "Miel",
    "Lentille",
    "Pain",
    "Fromage",
]
UNITS = ["kg", "piece", "bunch", "jar", "litre", "dozen"]


@dataclass
class BenchData:
    """What the measurements need to know about the seeded data."""

    order_date: date  # the benchmark's own orders go there (not on the planning date)
    plan_date: date  # the 2,000 seeded orders: 200 stops
    pickup_point_id: int
    scarce_product_id: int
    product_ids: list[int]  # active, plenty of stock (the benchmark's orders pick from them)
    client_tokens: list[str]
    client_user_ids: list[int]
    order_content_type_id: int
    scale: int = 1
    staff_token: str | None = None  # a manager's clear token key (the staff order list, the preparation list)
    customer_token: str | None = None  # a customer with seeded orders on the planning date (their order list)
    basket_offer_ids: list[int] = field(default_factory=list)
    basket_date: date | None = None
    workshop_user_id: int | None = None
    workshop_token: str | None = None  # clear key of the workshop member's token (only its digest is stored)
    counts: dict[str, int] = field(default_factory=dict)


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def seed() -> BenchData:
    import secrets

    from accounts.models import ApiToken, User, token_digest
    from catalogue.models import Category, MovementReason, Producer, Product, StockLevel, StockMovement
    from catalogue.text import search_normalise
    from deliveries.models import DeliveryDay, DeliveryZone, PickupPoint, Vehicle
    from orders.models import Fulfilment, Order, OrderLine
    from orders.services.pricing import PricedLine, line_amounts, order_totals

    rng = random.Random(2026)
    today = timezone.localdate()
    now = timezone.now()
    data_counts: dict[str, int] = {}

    producers = Producer.objects.bulk_create(
        [
            Producer(
                name=f"Ferme bench {i:02d}",
                slug=f"ferme-bench-{i:02d}",
                commune=rng.choice(COMMUNES),
                latitude=Decimal("50.90") + Decimal(i) / 200,
                longitude=Decimal("1.90") + Decimal(i) / 200,
                distance_km=Decimal(rng.randint(1, 60)),
                organic_certifier="FR-BIO-01" if i % 4 else "",
                organic_certificate_number=f"CERT-{i:03d}" if i % 4 else "",
                organic_certificate_valid_until=today + timedelta(days=365) if i % 4 else None,
                search_text=search_normalise(f"Ferme bench {i:02d}"),
            )
            for i in range(20)
        ]
    )
    categories = Category.objects.bulk_create(
        [Category(name=name, slug=f"bench-{i}") for i, name in enumerate(CATEGORIES)]
    )
    products = Product.objects.bulk_create(
        [
            Product(
                producer=producers[i % len(producers)],
                category=categories[i % len(categories)],
                name=f"{WORDS[i % len(WORDS)]} {i:03d}",
                slug=f"bench-produit-{i:03d}",
                description=f"{WORDS[i % len(WORDS)]} de la ferme, lot {i}.",
                unit=UNITS[i % len(UNITS)],
                unit_price=_money(rng.uniform(0.8, 25)),
                vat_rate=Decimal("5.50") if i % 10 else Decimal("20.00"),
                organic=bool(i % 3),
                sold_by_weight=False,
                season_months=rng.randint(1, 4095),
                allergens=rng.choice([0, 0, 0, 1, 64, 65, 128]),
                is_active=i % 25 != 24,  # 4 % withdrawn
                search_text=search_normalise(f"{WORDS[i % len(WORDS)]} {i:03d}"),
            )
            for i in range(PRODUCTS)
        ]
    )
    active = [p for p in products if p.is_active]
    # 10 % are sold out (the `available` filter has something to filter); one is scarce (the refusals).
    sold_out = {p.pk for p in active[::10]}
    scarce = next(p for p in active if p.pk not in sold_out)
    stocked = [p for p in active if p.pk not in sold_out]
    receipts = {p.pk: (SCARCE_STOCK if p.pk == scarce.pk else PLENTY_STOCK) for p in stocked}
    # The cabas bio compositions take from 12 products that hold enough for 10,000 baskets.
    basket_products = [p for p in stocked if p.pk != scarce.pk][:12]
    receipts.update({p.pk: BASKET_STOCK for p in basket_products})

    depot = PickupPoint.objects.create(
        name=DEPOT[0],
        slug="bench-depot",
        kind="depot",
        address="Route de Gravelines",
        commune=DEPOT[1],
        latitude=DEPOT[2],
        longitude=DEPOT[3],
        is_depot=True,
    )
    points = PickupPoint.objects.bulk_create(
        [
            PickupPoint(
                name=name,
                slug=f"bench-point-{i}",
                kind="relay",
                address="Place de la mairie",
                commune=commune,
                latitude=Decimal(lat),
                longitude=Decimal(lon),
                dropoff_start=time(8),
                dropoff_end=time(16),
            )
            for i, (name, commune, lat, lon) in enumerate(POINTS)
        ]
    )
    # Free delivery: the delivery fee is not what the benchmark measures.
    zone = DeliveryZone.objects.create(
        name="Calaisis (bench)", slug="bench-calaisis", communes=COMMUNES, delivery_fee=Decimal("0.00")
    )
    # Every weekday is a delivery day with its cutoff at 23:00 the same day: the benchmark can order for tomorrow.
    DeliveryDay.objects.bulk_create(
        [
            DeliveryDay(pickup_point=p, weekday=d, cutoff_weekday=d, cutoff_time=time(23))
            for p in points
            for d in range(7)
        ]
        + [DeliveryDay(zone=zone, weekday=d, cutoff_weekday=d, cutoff_time=time(23)) for d in range(7)]
    )
    Vehicle.objects.bulk_create(
        [
            Vehicle(
                name=f"Fourgon bench {i + 1}",
                capacity_kg=Decimal(1800),
                capacity_crates=700,
                speed_kmh=Decimal(40),
                shift_start=time(7),
                shift_end=time(19),
                weekdays=list(range(7)),
            )
            for i in range(VEHICLES)
        ]
    )

    users = User.objects.bulk_create(
        [
            # confirmed addresses: ordering needs one (orders.services.limits)
            User(
                email=f"client{i:04d}@bench.example",
                full_name=f"Client bench {i:04d}",
                password="!bench",
                email_confirmed_at=now,
            )
            for i in range(CUSTOMERS)
        ],
        batch_size=2000,
    )
    clients = users[:BENCH_CLIENTS]
    # Tokens are stored as digests: the clear keys exist only here, for the benchmark's clients.
    client_keys = [secrets.token_urlsafe(32) for _ in clients]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=user, digest=token_digest(key), prefix=key[:8])
            for user, key in zip(clients, client_keys, strict=True)
        ]
    )

    # 2,000 orders on the planning date, each of 3 lines, with their reservations.
    plan_date = today + timedelta(days=3)
    cutoff_at = datetime.combine(plan_date, time(23), tzinfo=timezone.get_current_timezone())
    orders, lines_per_order = [], []
    orderable = [p for p in stocked if p.pk != scarce.pk]
    for i in range(ORDERS):
        home = i < HOME_ORDERS
        chosen = rng.sample(orderable, 3)
        lines = []
        for product in chosen:
            quantity = Decimal(rng.choice([1, 1, 1, 2]))
            amounts = line_amounts(
                unit_price=product.unit_price, quantity=quantity, vat_rate=product.vat_rate, deposit=product.deposit
            )
            lines.append(
                OrderLine(
                    product=product,
                    product_name=product.name,
                    unit=product.unit,
                    unit_price=product.unit_price,
                    vat_rate=product.vat_rate,
                    quantity=quantity,
                    line_total=amounts.line_total,
                    vat_amount=amounts.vat_amount,
                    deposit=product.deposit,
                    deposit_amount=amounts.deposit_amount,
                )
            )
        fee = zone.delivery_fee if home else Decimal("0.00")
        totals = order_totals(
            lines=[PricedLine(li.line_total, li.vat_amount, li.vat_rate, li.deposit_amount) for li in lines],
            delivery_fee=fee,
        )
        orders.append(
            Order(
                customer=users[rng.randrange(BENCH_CLIENTS, CUSTOMERS)],
                fulfilment=Fulfilment.HOME if home else Fulfilment.PICKUP,
                pickup_point=None if home else points[i % len(points)],
                delivery_zone=zone if home else None,
                delivery_address=f"{rng.randint(1, 200)} rue de la Mer" if home else "",
                delivery_commune=rng.choice(COMMUNES) if home else "",
                delivery_latitude=Decimal(f"{rng.uniform(50.88, 50.99):.6f}") if home else None,
                delivery_longitude=Decimal(f"{rng.uniform(1.76, 2.10):.6f}") if home else None,
                delivery_date=plan_date,
                cutoff_at=cutoff_at,
                subtotal=totals.subtotal,
                delivery_fee=totals.delivery_fee,
                vat_total=totals.vat_total,
                vat_breakdown=totals.vat_breakdown,
                deposit_total=totals.deposit_total,
                total=totals.total,
            )
        )
        lines_per_order.append(lines)
    orders = Order.objects.bulk_create(orders, batch_size=1000)
    all_lines = []
    for order, lines in zip(orders, lines_per_order, strict=True):
        for line in lines:
            line.order = order
            all_lines.append(line)
    OrderLine.objects.bulk_create(all_lines, batch_size=2000)

    order_ct = ContentType.objects.get_for_model(Order)
    reserved: dict[int, Decimal] = {}
    movements = [
        StockMovement(product_id=pid, quantity=qty, reason=MovementReason.RECEIPT, note="bench")
        for pid, qty in receipts.items()
    ]
    for line in all_lines:
        reserved[line.product_id] = reserved.get(line.product_id, Decimal(0)) + line.quantity
        movements.append(
            StockMovement(
                product_id=line.product_id,
                quantity=-line.quantity,
                reason=MovementReason.RESERVATION,
                source_type=order_ct,
                source_id=line.order_id,
            )
        )
    StockMovement.objects.bulk_create(movements, batch_size=2000)
    StockLevel.objects.bulk_create(
        [StockLevel(product_id=p.pk, quantity=receipts.get(p.pk, 0) - reserved.get(p.pk, 0)) for p in products]
    )
    data_counts.update(
        products=len(products),
        customers=len(users),
        orders_on_plan_date=len(orders),
        order_lines=len(all_lines),
        vehicles=VEHICLES,
    )

    data = BenchData(
        order_date=today + timedelta(days=1),
        plan_date=plan_date,
        pickup_point_id=points[0].pk,
        scarce_product_id=scarce.pk,
        product_ids=[p.pk for p in stocked if p.pk != scarce.pk],
        client_tokens=client_keys,
        client_user_ids=[u.pk for u in clients],
        order_content_type_id=order_ct.pk,
        counts=data_counts,
        scale=SCALE,
    )
    _ = depot, now
    # The customer with the most seeded orders (the first of them on a tie): their order list has something to show.
    busiest = Counter(order.customer_id for order in orders).most_common(1)[0][0]
    seed_readers(data, customer=next(u for u in users if u.pk == busiest))
    seed_baskets(data, users=users, points=points, products=basket_products)
    seed_workshop(data, producers=producers, rng=rng)
    return data


def seed_readers(data: BenchData, *, customer) -> None:
    """A manager and a customer who has orders, with tokens, for the list figures of the scale run (row 6). Made
    after everything drawn from the random sequence, so that the rest of the data set does not move."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.services import token_create
    from ecopole.core.permissions import MANAGER

    manager = User.objects.create(email="gestion@bench.example", full_name="Gestion bench", email_confirmed_at=None)
    manager.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    data.staff_token = token_create(user=manager).key
    data.customer_token = token_create(user=customer).key
    data.counts.update(customer_orders=customer.orders.count())


def baskets_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("baskets.models") is not None


def workshop_available() -> bool:
    try:
        from processing import selectors

        return hasattr(selectors, "availability")
    except ImportError:
        return False


def seed_baskets(data: BenchData, *, users, points, products) -> None:
    """Two offers (small and large cabas) with a published composition of 6 products each for one distribution
    date; every customer subscribes to both, weekly, at a pickup point: 10,000 subscriptions, all due that day. One
    customer in five is eligible for the solidarity price."""
    if not baskets_available():
        return
    from baskets.models import (
        BasketComposition,
        BasketCompositionLine,
        BasketFrequency,
        BasketOffer,
        BasketSubscription,
        CompositionStatus,
        SolidarityEligibility,
    )
    from baskets.services.calendar import week_monday, week_parity

    basket_date = timezone.localdate() + timedelta(days=7)
    offers = BasketOffer.objects.bulk_create(
        [
            BasketOffer(
                name="Petit cabas (bench)",
                slug="bench-petit-cabas",
                size="small",
                price=Decimal("12.00"),
                solidarity_price=Decimal("6.00"),
                indicative_weight=Decimal(3),
                distribution_weekday=basket_date.weekday(),
            ),
            BasketOffer(
                name="Grand cabas (bench)",
                slug="bench-grand-cabas",
                size="large",
                price=Decimal("22.00"),
                solidarity_price=Decimal("11.00"),
                indicative_weight=Decimal(6),
                distribution_weekday=basket_date.weekday(),
                position=1,
            ),
        ]
    )
    compositions = BasketComposition.objects.bulk_create(
        [
            BasketComposition(
                offer=offer,
                week_start=week_monday(basket_date),
                status=CompositionStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            for offer in offers
        ]
    )
    BasketCompositionLine.objects.bulk_create(
        [
            BasketCompositionLine(composition=composition, product=product, quantity=Decimal("0.5") * (i + 1))
            for i, composition in enumerate(compositions)
            for product in products[i * 6 : (i + 1) * 6]
        ]
    )
    start = basket_date - timedelta(weeks=4)
    subscriptions = [
        BasketSubscription(
            customer=user,
            offer=offer,
            frequency=BasketFrequency.WEEKLY,
            start_date=start,
            anchor_week_parity=week_parity(start),
            fulfilment="pickup",
            pickup_point=points[(index + k) % len(points)],
        )
        for index, user in enumerate(users)
        for k, offer in enumerate(offers)
    ][:SUBSCRIPTIONS]
    BasketSubscription.objects.bulk_create(subscriptions, batch_size=2000)
    SolidarityEligibility.objects.bulk_create(
        [SolidarityEligibility(customer=user, valid_until=basket_date + timedelta(days=90)) for user in users[::5]],
        batch_size=2000,
    )
    data.basket_offer_ids = [offer.pk for offer in offers]
    data.basket_date = basket_date
    data.counts.update(basket_subscriptions=len(subscriptions))


def basket_generate(data: BenchData, *, offer_id: int):
    """`basket_run_generate` for one offer, just after the generation cutoff (subscribers can no longer change it),
    in its own durable transaction as the periodic task runs it."""
    from baskets.services.calendar import generation_cutoff
    from baskets.services.generation import basket_run_generate

    now = generation_cutoff(on=data.basket_date) + timedelta(minutes=1)
    return basket_run_generate(offer_id=offer_id, on=data.basket_date, now=now)  # its own durable transaction


WORKSHOP_EQUIPMENT = [
    # slug, name, kind, hourly rate, buffer (min), slot (min), capacity (jars, shared equipment)
    ("bench-lavage", "Ligne de lavage (bench)", "washing_line", "15.00", 30, 240, None),
    ("bench-decoupe", "Découpe sous vide (bench)", "cutting", "12.00", 30, 240, None),
    ("bench-autoclave", "Autoclave (bench)", "autoclave", "9.00", 0, 120, 400),
    ("bench-chambre-froide", "Chambre froide (bench)", "cold_room", "2.50", 15, 240, None),
]
WORKSHOP_BOOKINGS = 150 * SCALE


def seed_workshop(data: BenchData, *, producers, rng) -> None:
    """Four equipment, the week's opening hours (Monday to Friday, 8-12 and 13-17) and 150 active bookings over the
    next eight weeks on free slots of the grid, plus a producer member who asks for the availability."""
    if not workshop_available():
        return
    from accounts.models import User
    from accounts.services import token_create
    from processing.models import Booking, BookingLine, Equipment, OpeningHours
    from processing.services.calendar import WorkshopCalendar

    equipment = Equipment.objects.bulk_create(
        [
            Equipment(
                slug=slug,
                name=name,
                kind=kind,
                hourly_rate=Decimal(rate),
                cleaning_buffer_minutes=buffer,
                slot_minutes=slot,
                capacity=capacity,
            )
            for slug, name, kind, rate, buffer, slot, capacity in WORKSHOP_EQUIPMENT
        ]
    )
    OpeningHours.objects.bulk_create(
        [OpeningHours(weekday=d, opens_at=time(8), closes_at=time(12)) for d in range(5)]
        + [OpeningHours(weekday=d, opens_at=time(13), closes_at=time(17)) for d in range(5)]
    )
    start = timezone.localdate() + timedelta(days=3)
    end = start + timedelta(weeks=8)
    calendar = WorkshopCalendar.load(start=start, end=end)
    grid = []
    day = start
    while day <= end:
        for item in equipment:
            grid += [(item, slot) for slot in calendar.slots(equipment=item, day=day)]
        day += timedelta(days=1)
    chosen = rng.sample(grid, min(WORKSHOP_BOOKINGS, len(grid)))
    bookings = Booking.objects.bulk_create(
        [
            Booking(
                producer=producers[i % len(producers)],
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                status="confirmed",
                process="canning" if item.is_shared else "washing_cutting",
                raw_product_name="Tomates",
                raw_quantity_kg=Decimal(50),
                jars=150 if item.is_shared else None,
            )
            for i, (item, slot) in enumerate(chosen)
        ]
    )
    BookingLine.objects.bulk_create(
        [
            BookingLine(
                booking=booking,
                equipment=item,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                blocked_until=slot.ends_at + item.buffer,
                is_active=True,
                exclusive=not item.is_shared,
                jars=150 if item.is_shared else None,
            )
            for booking, (item, slot) in zip(bookings, chosen, strict=True)
        ]
    )
    member = User.objects.create(email="atelier@bench.example", full_name="Membre bench", producer=producers[0])
    data.workshop_token = token_create(user=member).key
    data.workshop_user_id = member.pk
    data.counts.update(workshop_equipment=len(equipment), workshop_bookings=len(bookings))


def workshop_measure(data: BenchData, *, repeats: int) -> dict:
    """The availability of every equipment over eight weeks from today: the selector, then the endpoint (test
    client, token of a producer member), each `repeats` times; medians."""
    import statistics
    import time as clock

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from processing.selectors import availability

    start = timezone.localdate()
    end = start + timedelta(weeks=8)
    selector_times, endpoint_times = [], []
    availability(equipment_refs=None, start=start, end=end)  # warm-up: first-call caches are not the figure
    for _ in range(repeats):
        began = clock.perf_counter()
        with CaptureQueriesContext(connection) as selector_queries:
            rows = availability(equipment_refs=None, start=start, end=end)
        selector_times.append(clock.perf_counter() - began)
        # Counted now: captured_queries reads the connection's log, which the next request clears.
        selector_count = len(selector_queries.captured_queries)
    token = data.workshop_token
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    path = f"/api/v1/processing/availability/?from={start.isoformat()}&to={end.isoformat()}"
    client.get(path)
    for _ in range(repeats):
        began = clock.perf_counter()
        with CaptureQueriesContext(connection) as endpoint_queries:
            response = client.get(path)
        endpoint_times.append(clock.perf_counter() - began)
        endpoint_count = len(endpoint_queries.captured_queries)
    if response.status_code != 200:
        raise RuntimeError(f"availability endpoint answered {response.status_code}: {response.content[:300]!r}")
    return {
        "range": [start.isoformat(), end.isoformat()],
        "equipment": len(rows),
        "slots": sum(len(row["slots"]) for row in rows),
        "bookings": data.counts.get("workshop_bookings", 0),
        "selector_ms": round(statistics.median(selector_times) * 1000, 1),
        "selector_queries": selector_count,
        "endpoint_ms": round(statistics.median(endpoint_times) * 1000, 1),
        "endpoint_queries": endpoint_count,
        "endpoint_bytes": len(response.content),
        "repeats": repeats,
    }
