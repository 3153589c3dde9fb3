"""Benchmark: generate the cabas bio baskets of one distribution for N subscriptions (default 10,000).

Runs on a throwaway test database (created and destroyed here) of the configured engine: set DATABASE_URL for
PostgreSQL. Prints the wall time of `basket_run_generate` and its number of SQL queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecopole .venv/bin/python bench/basket_generation.py [N]
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecopole.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def main(count: int) -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(count)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(count: int) -> None:
    from accounts.models import User
    from baskets.models import BasketFrequency, BasketOffer, BasketSubscription, SolidarityEligibility
    from baskets.services.calendar import week_monday, week_parity
    from baskets.services.compositions import CompositionLineRequest, composition_publish, composition_set
    from baskets.services.generation import basket_run_generate
    from catalogue.models import Category, Producer, Product
    from catalogue.services.stock import stock_receive
    from deliveries.models import DeliveryDay, PickupPoint, Weekday
    from orders.models import Fulfilment

    friday = date(2026, 12, 11)
    point = PickupPoint.objects.create(
        name="Ilôt Jacquard",
        slug="ilot-jacquard-calais",
        address="Centre",
        commune="Calais",
        latitude=Decimal("50.95"),
        longitude=Decimal("1.85"),
    )
    DeliveryDay.objects.create(
        pickup_point=point, weekday=Weekday.FRIDAY, cutoff_weekday=Weekday.WEDNESDAY, cutoff_time=clock(12)
    )
    producer = Producer.objects.create(name="Les Anges Gardins", slug="les-anges-gardins")
    category = Category.objects.create(name="Légumes", slug="legumes")
    products = [
        Product.objects.create(
            producer=producer, category=category, name=f"Légume {i}", slug=f"legume-{i}", unit_price=Decimal("3.00")
        )
        for i in range(8)
    ]
    for product in products:
        stock_receive(product_id=product.pk, quantity=Decimal(count * 2))
    offer = BasketOffer.objects.create(
        name="Petit cabas",
        slug="petit-cabas",
        size="small",
        price=Decimal("12.00"),
        solidarity_price=Decimal("6.00"),
        indicative_weight=Decimal("3"),
    )
    composition_set(
        offer_id=offer.pk,
        week_start=week_monday(friday),
        lines=[CompositionLineRequest(p.pk, Decimal("0.5")) for p in products],
        actor=None,
    )
    composition_publish(offer_id=offer.pk, week_start=week_monday(friday), actor=None)
    users = User.objects.bulk_create(
        [User(email=f"abonne{i}@bench.example", full_name=f"Abonné {i}") for i in range(count)], batch_size=2000
    )
    BasketSubscription.objects.bulk_create(
        [
            BasketSubscription(
                customer=user,
                offer=offer,
                start_date=friday,
                anchor_week_parity=week_parity(friday),
                frequency=BasketFrequency.WEEKLY,
                fulfilment=Fulfilment.PICKUP,
                pickup_point=point,
            )
            for user in users
        ],
        batch_size=2000,
    )
    SolidarityEligibility.objects.bulk_create(
        [SolidarityEligibility(customer=user, valid_until=friday) for user in users[::5]], batch_size=2000
    )
    after_cutoff = datetime(2026, 12, 9, 13, 0, tzinfo=ZoneInfo("Europe/Paris"))
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:  # the service opens its durable transaction
        result = basket_run_generate(offer_id=offer.pk, on=friday, now=after_cutoff)
    elapsed = time.perf_counter() - started
    print(
        f"basket generation: {result.created} baskets ({result.solidarity} solidarity), "
        f"{len(products)} products, {len(queries.captured_queries)} SQL queries, {elapsed:.2f} s "
        f"on {connection.vendor}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
