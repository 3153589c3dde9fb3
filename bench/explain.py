"""`EXPLAIN (ANALYZE, BUFFERS)` of every SQL query of row 6's lists, on the database `make bench` left behind.

    .venv/bin/python bench/explain.py                 # every list of row 6
    .venv/bin/python bench/explain.py staff_orders    # only these (names of `bench.run.list_cases`)

Same environment variables as bench/run.py (DATABASE_URL etc.); run `make bench SCALE=10` first to read the plans at
ten times the data. Each request is made once under the Django test client; its queries (authentication apart) are
explained one by one, with the request's time and the plan's execution time. New tokens are made for a manager and
for the customer with the most orders (on the bench database only).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import bench_database_url, list_cases  # noqa: E402

os.environ["DATABASE_URL"] = bench_database_url()
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SKIPPED = ("accounts_apitoken", "SAVEPOINT", "auth_group")


def clients() -> dict[str, Client]:
    from accounts.models import User
    from accounts.services import token_create

    manager = User.objects.get(email="gestion@bench.example")
    busiest = User.objects.annotate(n=Count("orders")).order_by("-n").first()
    return {
        "anonymous": Client(),
        "customer": Client(HTTP_AUTHORIZATION=f"Token {token_create(user=busiest).key}"),
        "staff": Client(HTTP_AUTHORIZATION=f"Token {token_create(user=manager).key}"),
    }


def main(names: list[str]) -> int:
    from orders.models import Order

    day = Order.objects.order_by("-delivery_date").values_list("delivery_date", flat=True).first()
    by_who = clients()
    for name, (who, path, headers) in list_cases(day).items():
        if names and name not in names:
            continue
        client = by_who[who]
        client.get(path, **headers)  # warm-up
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, **headers)
            body = b"".join(response) if response.streaming else response.content
        spent = (time.perf_counter() - started) * 1000
        print(f"== {name}: {path} -> {response.status_code}, {spent:.1f} ms, {len(body):,} bytes")
        for query in queries.captured_queries:
            sql = query["sql"]
            if any(skip in sql for skip in SKIPPED):
                continue
            if sql.startswith("DECLARE"):  # a streamed body's server-side cursor: explain its SELECT
                sql = sql[sql.index(" FOR ") + 5 :]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"-- {sql[:200]}…")
            print("\n".join(plan))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
