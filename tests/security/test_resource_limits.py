"""Resource limits (OWASP API4 unrestricted resource consumption, API6 unrestricted access to sensitive flows).

- Every paginated list of the schema honours the maximum page size: `page_size=10000` gives at most 100 rows.
- Every operation that reads a JSON body refuses one above DATA_UPLOAD_MAX_MEMORY_SIZE with 413 `request_too_large`
  (before any work, nothing written).
- An order has at most 100 lines (400 on `lines`).
- Login and registration are throttled per client with 429 `throttled` and a `Retry-After`; the counters live in
  Redis when REDIS_URL is set (shared by every web process).
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from catalogue.models import Category

from .test_role_matrix import ROLE_MATRIX, A
from .world import (
    CALLS,
    ROLES,
    World,
    call,
    db_snapshot,
    is_paginated_list,
    schema_operations,
    snapshot_diff,
    url_for,
)

MAX_PAGE_SIZE = 100


def _allowed_role(op: str) -> str:
    """Who may call `op`: its natural caller, else the first role the matrix allows (staff first)."""
    if op in CALLS:
        return CALLS[op].role
    row = dict(zip(ROLES, ROLE_MATRIX[op], strict=True))
    return next(role for role in ("manager", "customer", "producer", "machine", "anonymous") if row[role] == A)


def paginated_lists() -> list[str]:
    return sorted(op for op in schema_operations() if op.startswith("GET ") and is_paginated_list(op))


# Lists that must be among the paginated ones (a list answering a bare array would escape the walker).
KNOWN_PAGINATED = {
    "GET /api/v1/baskets/offers/",
    "GET /api/v1/baskets/offers/{offer_id}/compositions/",
    "GET /api/v1/baskets/subscriptions/",
    "GET /api/v1/baskets/solidarity/",
}


def test_every_list_caps_the_page_size(world: World):
    Category.objects.bulk_create(Category(name=f"Rayon {n}", slug=f"rayon-{n}") for n in range(MAX_PAGE_SIZE + 20))
    assert len(paginated_lists()) >= 14
    assert not KNOWN_PAGINATED - set(paginated_lists()), "basket lists are paginated"
    failures = []
    for op in paginated_lists():
        role = _allowed_role(op)
        query = {**((CALLS[op].query or {}) if op in CALLS else {}), "page_size": "10000"}
        response = world.client(role).get(url_for(world, op), query)
        # past the maximum is refused, as the schema says (`maximum: 100`), not silently cut
        if response.status_code != 400 or "page_size" not in response.json()["fields"]:
            failures.append(f"{op} as {role}: {response.status_code}")
    assert not failures, failures
    # and where there are more rows than that, exactly the maximum comes back, with a next page
    body = world.client("anonymous").get("/api/v1/catalogue/categories/", {"page_size": str(MAX_PAGE_SIZE)}).json()
    assert len(body["results"]) == MAX_PAGE_SIZE and body["next"] and body["count"] > MAX_PAGE_SIZE


def json_body_operations() -> list[str]:
    operations = []
    for op, operation in schema_operations().items():
        content = (operation.get("requestBody") or {}).get("content", {})
        if "application/json" in content:
            operations.append(op)
    return sorted(operations)


def test_every_json_body_above_the_limit_is_refused_with_413(world: World):
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert len(json_body_operations()) >= 20
    failures = []
    before = db_snapshot()
    for op in json_body_operations():
        spec = CALLS[op]
        body = spec.data(world)
        body = {**body, "note": padding} if isinstance(body, dict) else {"note": padding}
        response = call(world, op, spec.role, body=body)
        code = response.json().get("code") if response.get("Content-Type", "").startswith("application/json") else None
        if (response.status_code, code) != (413, "request_too_large"):
            failures.append(f"{op} as {spec.role}: {response.status_code} {code}")
    assert not failures, failures
    assert snapshot_diff(before, db_snapshot()) == []


def test_an_import_file_above_its_limit_is_refused(world: World):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = b"nom;prix\n" + b"Courge;2,50\n" * 50_000  # 600 KB: above the import's 512 KB
    response = world.client("manager").post(
        "/api/v1/catalogue/products/import/",
        {"producer": world.o.producer_a.slug, "file": SimpleUploadedFile("prix.csv", big, "text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "import_file_unreadable"


def test_an_order_has_at_most_100_lines(world: World):
    body = CALLS["POST /api/v1/orders/"].data(world)
    line = body["lines"][0]
    before = db_snapshot()
    response = call(world, "POST /api/v1/orders/", "customer", body={**body, "lines": [line] * 101})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error" and "lines" in response.json()["fields"]
    assert snapshot_diff(before, db_snapshot()) == []


def test_a_basket_composition_has_at_most_50_lines(world: World):
    op = "PUT /api/v1/baskets/offers/{offer_id}/compositions/{week}/"
    line = CALLS[op].data(world)["lines"][0]
    before = db_snapshot()
    response = call(world, op, "preparer", body={"lines": [line] * 51})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error" and "lines" in response.json()["fields"]
    assert snapshot_diff(before, db_snapshot()) == []


def test_basket_lists_refuse_a_page_that_is_not_a_number(world: World):
    for url in ("/api/v1/baskets/offers/", "/api/v1/baskets/subscriptions/"):
        response = world.client("customer").get(url, {"page": "1; DROP TABLE", "page_size": "10000"})
        assert response.status_code == 400, url


@pytest.fixture
def low_rates(monkeypatch):
    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min", "register": "3/min"})
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/auth/register/", lambda n: {"email": f"inscrit{n}@example.org", "password": "un-mot-de-passe-42"}),
        ("/api/v1/auth/token/", lambda n: {"email": "personne@example.org", "password": "faux"}),
    ],
    ids=["register", "login"],
)
def test_registration_and_login_are_throttled_with_retry_after(db, low_rates, url, body):
    client = APIClient()
    responses = [client.post(url, body(n), format="json") for n in range(4)]
    assert [r.status_code for r in responses][-1] == 429
    assert all(r.status_code != 429 for r in responses[:3])
    assert responses[-1].json()["code"] == "throttled"
    assert int(responses[-1]["Retry-After"]) > 0
    # another client (another address) is not affected
    other = APIClient(REMOTE_ADDR="203.0.113.7").post(url, body(9), format="json")
    assert other.status_code != 429


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_throttle_counters_are_kept_in_redis(db, low_rates):
    from django_redis import get_redis_connection

    APIClient().post("/api/v1/auth/register/", {"email": "x@example.org", "password": "p"}, format="json")
    keys = get_redis_connection("default").keys("*throttle_register_*")
    assert keys, "the registration throttle counter is not in Redis"


def test_workshop_bookings_are_limited_per_producer_per_week(world: World, settings):
    """The workshop's per-producer limit is a weekly quota of hours (PROCESSING_WEEKLY_QUOTA_HOURS)."""
    settings.PROCESSING_WEEKLY_QUOTA_HOURS = 4  # producer A already holds 4 h on Thursday
    before = db_snapshot()
    response = call(world, "POST /api/v1/processing/bookings/", "producer")
    assert response.status_code == 409
    assert response.json()["code"] == "weekly_quota_exceeded"
    assert snapshot_diff(before, db_snapshot()) == []
