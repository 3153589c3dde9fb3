"""Profile a hot path with pyinstrument under the Django test client, on the database `make bench` left behind.

    .venv/bin/python bench/profile.py catalogue [N]   # N list requests (default 200)
    .venv/bin/python bench/profile.py shop [N]        # N requests of the shop's catalogue page (row 1b), as HTML
    .venv/bin/python bench/profile.py times [N]       # no profiler: median ms of N API list and N page requests
    .venv/bin/python bench/profile.py orders [N]      # N orders placed through the API (default 100)

Same environment variables as bench/run.py (DATABASE_URL etc.); run `make bench` first (it seeds the database).
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import CATALOGUE_QUERY, bench_database_url  # noqa: E402

os.environ["DATABASE_URL"] = bench_database_url()
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402


def times(count: int) -> None:
    """Median milliseconds of the API's list and of the shop's page (pages 1-5 in turn), three times alternated."""
    import statistics
    import time

    client = Client()

    def median(path: str) -> float:
        for i in range(5):  # warm-up
            assert client.get(path.format(page=1 + i % 5)).status_code == 200
        spent = []
        for i in range(count):
            started = time.perf_counter()
            client.get(path.format(page=1 + i % 5))
            spent.append((time.perf_counter() - started) * 1000)
        return statistics.median(spent)

    for _ in range(3):
        api = median("/api/v1/catalogue/products/" + CATALOGUE_QUERY)
        page = median("/produits/" + CATALOGUE_QUERY)
        print(
            f"API list {api:.1f} ms, shop page {page:.1f} ms (median of {count}): page at {api / page:.2f} of the API"
        )


def main(what: str, count: int) -> None:
    if what == "times":
        return times(count)
    from django.utils import timezone

    from accounts.models import ApiToken
    from accounts.services import token_create
    from catalogue.models import StockLevel
    from deliveries.models import PickupPoint

    client = Client()
    if what == "catalogue":
        path = "/api/v1/catalogue/products/" + CATALOGUE_QUERY.format(page=1)

        def one(i):
            assert client.get(path).status_code == 200
    elif what == "shop":

        def one(i):
            assert client.get("/produits/" + CATALOGUE_QUERY.format(page=1 + i % 5)).status_code == 200
    else:
        # Only digests are stored: a new token for the first benchmark client that has one.
        token = token_create(user=ApiToken.objects.order_by("created_at").first().user)
        point = PickupPoint.objects.filter(slug="bench-point-0").get()
        ids = list(
            StockLevel.objects.filter(quantity__gt=100, product__is_active=True).values_list("product_id", flat=True)
        )
        rng = random.Random(7)
        tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()

        def one(i):
            body = {
                "lines": [{"product": pid, "quantity": "1"} for pid in rng.sample(ids, 3)],
                "fulfilment": {"type": "pickup", "point": point.pk},
                "delivery_date": tomorrow,
            }
            response = client.post(
                "/api/v1/orders/",
                json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {token.key}",
            )
            assert response.status_code == 201, response.content

    for i in range(5):  # warm-up
        one(i)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for i in range(count):
        one(i)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=os.environ.get("PROFILE_ALL") == "1"))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else (200 if sys.argv[1] == "catalogue" else 100))
