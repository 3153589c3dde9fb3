"""Property-level authorization (OWASP API3, mass assignment and excessive data exposure).

1. Every write operation (POST, PUT, PATCH) is called twice from the same state, as its natural caller (`CALLS`):
   once with its valid body, once with the same body plus every read-only or foreign field that the operation does
   not declare (owner, customer, producer, status, prices, unit price snapshots, totals, stock levels, solidarity
   eligibility and its validity, is_staff, roles, ids of other users' objects...), at the top level and inside each line of a list.
   Both runs start from the same database state (a rolled-back savepoint each, id sequences reset) and time is
   frozen, so the extra fields changed nothing exactly when both runs leave identical rows in every project table
   and answer the same status and body.
2. Fields an operation does declare but that point at somebody else's object (producer A creating a product for
   producer B, a round given to a customer) are refused and change nothing.
3. Responses never carry another user's personal data (email, phone, full name, home address): every GET
   operation of the schema and every write of a non-staff caller is scanned, for anonymous, customer, producer and
   machine callers. Staff see customers' data by design (preparing, delivering).
"""

from __future__ import annotations

import contextlib
import json

import pytest
from django.core.management.color import no_style
from django.db import connection

from .world import (
    CALLS,
    World,
    call,
    db_snapshot,
    item_properties,
    project_models,
    request_properties,
    rolled_back,
    schema_operations,
    snapshot_diff,
)

WRITE_METHODS = ("POST", "PUT", "PATCH")

# Values that differ on every call whatever the input (salted hashes, random keys): not compared.
RANDOM_KEYS = {
    "password",
    "api_key_hash",
    "api_key_prefix",
    "code_hash",
    "locker_code",  # a new locker code, in the outbox message's payload until the email is sent
    "key",
    "prefix",
    "token",
    "digest",  # an API token's digest (accounts.ApiToken)
    "url",
}


def poison(world: World) -> dict:
    """Read-only and foreign fields a client might try to set."""
    o, users = world.o, world.users
    other = users["customer_b"]
    return {
        "id": 999_999,
        "pk": 999_999,
        "customer": other.pk,
        "user": other.pk,
        "owner": other.pk,
        "created_by": other.pk,
        "actor": other.pk,
        "producer": o.producer_b.slug,
        "producer_id": o.producer_b.pk,
        "machine": o.machine_b.pk,
        "driver": users["driver_b"].pk,
        "round": o.round_b.pk,
        "order": o.order_b.pk,
        "subscription": 999_999,
        "status": "fulfilled",
        "payment_status": "paid",
        "is_active": False,
        "is_locked": True,
        "unit_price": "0.01",
        "price": "0.01",
        "unit_price_excl_vat": "0.01",
        "line_total": "0.01",
        "subtotal": "0.01",
        "total": "0.01",
        "vat_total": "0.00",
        "vat_amount": "0.00",
        "vat_rate": "0.00",
        "delivery_fee": "0.00",
        "amount_due": "0.00",
        "stock": "9999",
        "stock_available": "9999",
        "quantity_available": "9999",
        "recorded_quantity": "0",
        "capacity": "9999",
        "solidarity": True,
        "solidarity_eligible": True,
        "is_solidarity": True,
        "solidarity_price": "0.01",
        "eligible": True,
        "valid_until": "2030-12-31",
        "granted_by": users["manager"].pk,
        "anchor_week_parity": 1,
        "cancelled_at": "2020-01-01T00:00:00Z",
        "published_at": "2020-01-01T00:00:00Z",
        "run": 999_999,
        "is_staff": True,
        "is_superuser": True,
        "roles": ["manager"],
        "groups": ["manager"],
        "email": "pirate@example.org",
        "created_at": "2020-01-01T00:00:00Z",
        "date_joined": "2020-01-01T00:00:00Z",
        "cutoff_at": "2030-01-01T00:00:00Z",
        "distance_km": "0",
        "api_key_hash": "x",
        "organic_certified": True,
        "organic": True,
    }


def poisoned(op: str, body, world: World):
    """`body` plus every poison field that `op` does not declare, at the top level and in each list item."""
    if not isinstance(body, dict):
        return body
    declared = request_properties(op)
    extra = poison(world)
    result = {**{k: v for k, v in extra.items() if k not in declared}, **body}
    for name, value in body.items():
        items = item_properties(declared.get(name, {}))
        if items and isinstance(value, list):
            result[name] = [
                {**{k: v for k, v in extra.items() if k not in items}, **item} if isinstance(item, dict) else item
                for item in value
            ]
    if CALLS[op].multipart:
        result = {k: v for k, v in result.items() if not isinstance(v, list | dict)}
        result = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in result.items()}
    return result


def _reset_sequences() -> None:
    """So that both runs give the rows they create the same ids (PostgreSQL sequences ignore rollbacks; SQLite's
    AUTOINCREMENT counters are rows, rolled back with the savepoint)."""
    statements = connection.ops.sequence_reset_sql(no_style(), project_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _scrub(value):
    """Drop what is random by nature (salted hashes, new keys) wherever it sits, even inside a JSON column."""
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in RANDOM_KEYS}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _normalise(snapshot: dict) -> dict:
    return {label: [_scrub(row) for row in rows] for label, rows in snapshot.items()}


def _body(response):
    if "json" not in response.get("Content-Type", ""):
        return None
    return _scrub(json.loads(response.content or b"null"))


def _run(world: World, op: str, body):
    _reset_sequences()
    with rolled_back():
        response = call(world, op, CALLS[op].role, body=body)
        state = _normalise(db_snapshot())
    return response, _body(response), state


def write_operations() -> list[str]:
    return sorted(op for op in schema_operations() if op.split(" ", 1)[0] in WRITE_METHODS)


def test_every_write_operation_has_a_natural_call():
    missing = [op for op in write_operations() if op not in CALLS]
    assert not missing, f"write operations without a row in CALLS (tests/security/conftest.py): {missing}"


def test_read_only_and_foreign_fields_change_nothing(world):
    failures = []
    for op in write_operations():
        spec = CALLS[op]
        clean_response, clean_body, clean_state = _run(world, op, spec.data(world))
        poisoned_body = poisoned(op, spec.data(world), world)
        dirty_response, dirty_body, dirty_state = _run(world, op, poisoned_body)
        if spec.succeeds is True and not 200 <= clean_response.status_code < 300:
            failures.append(f"{op}: the valid call should succeed, got {clean_response.status_code} {clean_body}")
        if dirty_response.status_code != clean_response.status_code:
            failures.append(
                f"{op}: {clean_response.status_code} without the extra fields, "
                f"{dirty_response.status_code} with them: {dirty_body}"
            )
        changes = snapshot_diff(clean_state, dirty_state)
        if changes:
            failures.append(f"{op}: the extra fields changed the database: {changes[:3]}")
        if clean_body != dirty_body:
            failures.append(f"{op}: the extra fields changed the response: {clean_body} != {dirty_body}")
    assert not failures, "\n".join(failures)


def test_the_poison_reaches_every_write_operation(world):
    """The control: each write operation receives extra fields (none of them is silently skipped)."""
    for op in write_operations():
        body = CALLS[op].data(world)
        if isinstance(body, dict) or body is None:
            assert set(poisoned(op, body or {}, world)) - set(body or {}), op


# Declared fields pointing at somebody else's object: (operation, role, body, expected status).
FOREIGN_FIELDS = [
    (
        "POST /api/v1/catalogue/products/",
        "producer",
        lambda w: {"producer": w.o.producer_b.slug, "category": "legumes", "name": "Intrus", "unit_price": "1.00"},
        403,
    ),
    ("POST /api/v1/deliveries/rounds/{round_id}/driver/", "manager", lambda w: {"driver": w.users["customer"].pk}, 400),
    (
        "PUT /api/v1/baskets/offers/{offer_id}/compositions/{week}/",
        "preparer",
        lambda w: {"lines": [{"product": w.o.draft_b.pk, "quantity": "1"}]},
        400,
    ),
    (
        "POST /api/v1/orders/",
        "customer",
        lambda w: {
            "lines": [{"product": w.o.draft_b.pk, "quantity": "1"}],
            "fulfilment": {"type": "pickup", "point": w.o.depot.pk},
            "delivery_date": "2026-10-23",
        },
        400,
    ),
]


@pytest.mark.parametrize(
    ("op", "role", "body", "expected"), FOREIGN_FIELDS, ids=lambda v: "fn" if callable(v) else str(v)[:45]
)
def test_a_declared_field_pointing_at_someone_elses_object_is_refused(world, op, role, body, expected):
    before = db_snapshot()
    response = call(world, op, role, body=body(world))
    assert response.status_code == expected or (expected == 400 and response.status_code in (400, 404, 409)), (
        response.status_code,
        response.data,
    )
    assert snapshot_diff(before, db_snapshot()) == []


# --- personal data in responses -----------------------------------------------------------------------------------

NON_STAFF = ("anonymous", "customer", "producer", "machine")

# More objects to scan than the default parameters reach: (operation, role, path overrides).
EXTRA_SCANS = [
    ("GET /api/v1/orders/{order_id}/", "customer", {"order_id": "order_prep"}),  # moved on by staff
]


def _forbidden_for(world: World, role: str) -> dict[str, str]:
    """Personal data the caller must never see: every user's except its own."""
    me = world.users.get(role)
    forbidden = {}
    for key, user in world.users.items():
        if user is None or (me is not None and user.pk == me.pk):
            continue
        for value in world.personal_data(user):
            forbidden[value] = key
    return forbidden


def test_responses_never_expose_another_users_personal_data(world):
    failures = []
    operations = [op for op in schema_operations() if op.startswith("GET ")]
    operations += [op for op in write_operations() if CALLS[op].role in NON_STAFF]
    for op in sorted(operations):
        for role in NON_STAFF:
            if op.startswith(WRITE_METHODS) and role != CALLS[op].role:
                continue
            with rolled_back():
                response = call(world, op, role)
            failures += _leaks(world, op, role, response)
    for op, role, overrides in EXTRA_SCANS:
        failures += _leaks(world, op, role, call(world, op, role, overrides=overrides))
    assert not failures, "\n".join(failures)


def _leaks(world: World, op: str, role: str, response) -> list[str]:
    text = response.content.decode("utf-8", "replace")
    with contextlib.suppress(ValueError, TypeError):  # JSON escapes accents: read it decoded too
        text += json.dumps(response.json(), ensure_ascii=False)
    leaked = {owner for value, owner in _forbidden_for(world, role).items() if value in text}
    return [f"{op} as {role} ({response.status_code}) shows personal data of {sorted(leaked)}"] if leaked else []


def test_the_personal_data_scan_sees_ones_own_data(world):
    """The control: customer A's own order does carry customer A's email and address, so the scan above would
    see another customer's if it were there."""
    response = world.client("customer").get(f"/api/v1/orders/{world.o.order_prep.pk}/")
    text = response.content.decode()
    assert world.users["customer"].email in text and "1 impasse Alpha-Secrète" in text


def test_public_endpoints_carry_no_member_or_user_data(world):
    """Products, producers and machines are public: they show organisations and places, never a member or a user."""
    everyone = [v for user in world.users.values() if user is not None for v in world.personal_data(user)]
    for url in (
        "/api/v1/catalogue/products/",
        f"/api/v1/catalogue/products/{world.o.product_a.pk}/",
        "/api/v1/catalogue/producers/",
        f"/api/v1/catalogue/producers/{world.o.producer_a.slug}/",
        "/api/v1/vending/machines/",
        f"/api/v1/vending/machines/{world.o.machine_a.pk}/",
        "/api/v1/orders/delivery-days/",
    ):
        text = world.client("anonymous").get(url).content.decode()
        assert not [v for v in everyone if v in text], url
        assert "@" not in text, url


def test_a_producer_member_books_for_its_own_producer_whatever_the_body(world):
    """`producer` is declared for staff; a member sending another producer's id still books for its own."""
    from processing.models import Booking

    body = {**CALLS["POST /api/v1/processing/bookings/"].data(world), "producer": world.o.producer_b.pk}
    response = call(world, "POST /api/v1/processing/bookings/", "producer", body=body)
    assert response.status_code == 201, response.data
    assert Booking.objects.get(pk=response.json()["id"]).producer_id == world.o.producer_a.pk


def test_a_booking_cannot_name_another_producers_product_as_raw_material(world):
    body = {**CALLS["POST /api/v1/processing/bookings/"].data(world), "raw_product": world.o.product_b.pk}
    before = db_snapshot()
    response = call(world, "POST /api/v1/processing/bookings/", "producer", body=body)
    assert response.status_code == 400 and response.json()["code"] == "product_not_of_producer"
    assert snapshot_diff(before, db_snapshot()) == []


# --- cabas bio: the solidarity price is granted by a manager, never self-declared ----------------------------------


def test_a_customer_cannot_declare_themselves_eligible_for_the_solidarity_price(world):
    """Customer A (not eligible) subscribes sending every solidarity flag, then tries the manager's grant: the
    subscription is at the full price, no eligibility row appears, the grant is 403 and changes nothing."""
    from baskets.models import BasketSubscription, SolidarityEligibility

    flags = {"solidarity": True, "solidarity_eligible": True, "is_solidarity": True, "eligible": True}
    body = {**CALLS["POST /api/v1/baskets/subscriptions/"].data(world), **flags, "price": "0.01"}
    response = call(world, "POST /api/v1/baskets/subscriptions/", "customer", body=body)
    assert response.status_code == 201, response.data
    assert response.json()["solidarity"] is False and response.json()["price"] == "18.00"
    customer = world.users["customer"]
    assert not SolidarityEligibility.objects.filter(customer=customer).exists()
    assert BasketSubscription.objects.get(pk=response.json()["id"]).customer_id == customer.pk

    before = db_snapshot()
    grant = {"customer": customer.pk, "valid_until": "2030-12-31", "note": "moi"}
    assert call(world, "POST /api/v1/baskets/solidarity/", "customer", body=grant).status_code == 403
    assert snapshot_diff(before, db_snapshot()) == []


def test_the_solidarity_price_granted_by_the_manager_shows(world):
    """The control: customer B, whom the manager made eligible, sees the solidarity price on their subscription."""
    response = world.client("customer", b_side=True).get(f"/api/v1/baskets/subscriptions/{world.o.subscription_b.pk}/")
    assert response.status_code == 200
    assert response.json()["solidarity"] is True and response.json()["price"] == "6.00"
    assert world.o.basket_delivery_b.solidarity and not world.o.basket_delivery_a.solidarity
