"""Object-level authorization (OWASP API1, BOLA): every operation whose path carries an object id, called by a user
of the owning role on ANOTHER user's object (customer A on customer B's order, producer A on producer B's product,
driver A on driver B's round, machine A on machine B's URL), with the valid body of the operation: refused (404: the
object does not exist for them; 403 for a machine key on another machine's URL, the vending app's documented
answer) and NOTHING changed in the database (every row of every project table compared before and after).

Operations with an id that are not owned by a user are listed explicitly: PUBLIC (anyone may read them, with the
reason) or STAFF_WIDE (only staff reach them, as the role matrix proves, and staff act on every object by design).
An operation with an id missing from the table fails `test_every_operation_with_an_id_has_a_row`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from catalogue.models import Product

from .world import call, db_snapshot, path_parameters, schema_operations, snapshot_diff


@dataclass(frozen=True)
class Owned:
    """`role` A calls the operation on the B objects `targets` (path parameter → world object name)."""

    role: str
    targets: dict[str, str]
    status: int = 404
    note: str = ""


@dataclass(frozen=True)
class Public:
    reason: str


@dataclass(frozen=True)
class StaffWide:
    reason: str


ORDER_STAFF = StaffWide("staff move, weigh and record payment of every order; customers get 403 (role matrix)")
ROUND_MANAGER = StaffWide("the manager plans and corrects every round; drivers get 403 (role matrix)")
MACHINE_STAFF = StaffWide("staff refill and report on every machine; customers and machine keys are refused")

BASKET_STAFF = StaffWide("preparers and the manager compose every offer's baskets; others get 401/403 (role matrix)")

OBJECT_TABLE: dict[str, Owned | Public | StaffWide] = {
    "GET /api/v1/auth/me/addresses/{address_id}/": Owned("customer", {"address_id": "saved_address_b"}),
    "PUT /api/v1/auth/me/addresses/{address_id}/": Owned("customer", {"address_id": "saved_address_b"}),
    "DELETE /api/v1/auth/me/addresses/{address_id}/": Owned("customer", {"address_id": "saved_address_b"}),
    "POST /api/v1/baskets/solidarity-requests/{request_id}/decide/": StaffWide(
        "the manager decides every customer's request; everyone else gets 403 (role matrix)"
    ),
    "GET /api/v1/baskets/offers/{offer_id}/compositions/": Public(
        "an offer's published compositions are its public menu; drafts are listed to staff only"
    ),
    "PUT /api/v1/baskets/offers/{offer_id}/compositions/{week}/": BASKET_STAFF,
    "POST /api/v1/baskets/offers/{offer_id}/compositions/{week}/publish/": BASKET_STAFF,
    "GET /api/v1/baskets/subscriptions/{subscription_id}/": Owned("customer", {"subscription_id": "subscription_b"}),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/skip/": Owned(
        "customer", {"subscription_id": "subscription_b"}
    ),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/pause/": Owned(
        "customer", {"subscription_id": "subscription_b"}
    ),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/resume/": Owned(
        "customer", {"subscription_id": "subscription_b"}
    ),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/change/": Owned(
        "customer", {"subscription_id": "subscription_b"}
    ),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/cancel/": Owned(
        "customer", {"subscription_id": "subscription_b"}
    ),
    "POST /api/v1/baskets/deliveries/{delivery_id}/status/": StaffWide(
        "staff mark every basket collected at the pickup point; customers get 403 (role matrix)"
    ),
    "GET /api/v1/catalogue/producers/{slug}/": Public("a producer's public page (organisation, not a person)"),
    "GET /api/v1/catalogue/products/{id}/": Owned(
        "producer", {"id": "draft_b"}, note="active products are public; a draft is visible only to its producer"
    ),
    "PATCH /api/v1/catalogue/products/{id}/": Owned("producer", {"id": "product_b"}),
    "PUT /api/v1/catalogue/products/{id}/photo/": Owned("producer", {"id": "product_b"}),
    "DELETE /api/v1/catalogue/products/{id}/photo/": Owned("producer", {"id": "product_b"}),
    "PUT /api/v1/catalogue/producers/{slug}/photo/": Owned("producer", {"slug": "producer_b"}),
    "DELETE /api/v1/catalogue/producers/{slug}/photo/": Owned("producer", {"slug": "producer_b"}),
    "GET /api/v1/deliveries/rounds/{round_id}/": Owned("driver", {"round_id": "round_b"}),
    "GET /api/v1/deliveries/rounds/{round_id}/sheet/": Owned("driver", {"round_id": "round_b"}),
    "POST /api/v1/deliveries/rounds/{round_id}/start/": Owned("driver", {"round_id": "round_b"}),
    "POST /api/v1/deliveries/rounds/{round_id}/finish/": Owned("driver", {"round_id": "live_b"}),
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/delivered/": Owned(
        "driver", {"round_id": "live_b", "stop_id": "live_b_stop"}
    ),
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/failed/": Owned(
        "driver", {"round_id": "live_b", "stop_id": "live_b_stop"}
    ),
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/resolve/": ROUND_MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/driver/": ROUND_MANAGER,
    "GET /api/v1/deliveries/planning-jobs/{job_id}/": ROUND_MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/lock/": ROUND_MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/reorder/": ROUND_MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/move/": ROUND_MANAGER,
    "PATCH /api/v1/deliveries/windows/{window_id}/": StaffWide(
        "the manager sets the capacity of every window; others get 401/403 (role matrix)"
    ),
    "GET /api/v1/orders/{order_id}/": Owned("customer", {"order_id": "order_b"}),
    "POST /api/v1/orders/{order_id}/cancel/": Owned("customer", {"order_id": "order_b_pickup"}),
    "PUT /api/v1/orders/{order_id}/lines/": Owned("customer", {"order_id": "order_b_pickup"}),
    "POST /api/v1/orders/{order_id}/locker/": ORDER_STAFF,
    "POST /api/v1/orders/{order_id}/locker/code/": ORDER_STAFF,
    "POST /api/v1/orders/{order_id}/payment/": ORDER_STAFF,
    "POST /api/v1/orders/{order_id}/voucher/": ORDER_STAFF,
    "POST /api/v1/orders/{order_id}/prepared-quantities/": ORDER_STAFF,
    "POST /api/v1/orders/{order_id}/transition/": ORDER_STAFF,
    "GET /api/v1/processing/bookings/{id}/": Owned("producer", {"id": "booking_b"}),
    "POST /api/v1/processing/bookings/{id}/cancel/": Owned("producer", {"id": "booking_b"}),
    "POST /api/v1/processing/bookings/{id}/accept-offer/": Owned("producer", {"id": "booking_b"}),
    "POST /api/v1/processing/bookings/{id}/confirm/": StaffWide("the manager confirms every producer's bookings"),
    "POST /api/v1/processing/bookings/{id}/no-show/": StaffWide("the manager records every producer's no-shows"),
    "POST /api/v1/processing/bookings/{id}/complete/": StaffWide("the manager completes every producer's bookings"),
    "GET /api/v1/processing/lots/{code}/": Owned("producer", {"code": "lot_b"}),
    "POST /api/v1/processing/lots/{code}/recall/": Owned("producer", {"code": "lot_b"}),
    "GET /api/v1/processing/lots/{code}/recall/": StaffWide("the manager reads every recall report; others get 403"),
    "GET /api/v1/processing/lots/{code}/recall/csv/": StaffWide("the manager reads every recall report; others 403"),
    "GET /api/v1/processing/statements/{id}/": Owned("producer", {"id": "statement_b"}),
    "GET /api/v1/processing/statements/{id}/csv/": Owned("producer", {"id": "statement_b"}),
    "GET /api/v1/processing/statements/{id}/pdf/": Owned("producer", {"id": "statement_b"}),
    "GET /api/v1/invoicing/invoices/{id}/": Owned("customer", {"id": "invoice_b"}),
    "GET /api/v1/invoicing/invoices/{id}/pdf/": Owned("customer", {"id": "invoice_b"}),
    "GET /api/v1/payments/voucher-partners/{id}/statement/": StaffWide(
        "the manager reads every partner's statement; everyone else gets 403 (role matrix)"
    ),
    "POST /api/v1/invoicing/sepa/debits/{id}/return/": StaffWide(
        "the manager records every returned debit; everyone else gets 403 (role matrix)"
    ),
    "POST /api/v1/invoicing/invoices/{id}/credit-note/": StaffWide(
        "the manager credits every invoice; everyone else gets 403 (role matrix)"
    ),
    "GET /api/v1/processing/ical/{token}.ics": Public(
        "a capability URL: the 256-bit token is the credential (a wrong or revoked token is 404, tested below)"
    ),
    "GET /api/v1/vending/machines/{id}/": Public("a machine's public view: place, hours, compartments and prices"),
    "POST /api/v1/vending/machines/{id}/sales/": Owned("machine", {"id": "machine_b"}, status=403),
    "POST /api/v1/vending/machines/{id}/inventory/": Owned("machine", {"id": "machine_b"}, status=403),
    "POST /api/v1/vending/machines/{id}/unlock/": Owned("machine", {"id": "machine_b"}, status=403),
    "POST /api/v1/vending/machines/{id}/key/": MACHINE_STAFF,
    "POST /api/v1/vending/machines/{id}/refills/": MACHINE_STAFF,
    "POST /api/v1/vending/machines/{id}/removals/": MACHINE_STAFF,
    "GET /api/v1/vending/machines/{id}/report/": MACHINE_STAFF,
    "POST /api/v1/vending/sales/{id}/accept/": StaffWide("a manager accepts any machine's flagged sale (role matrix)"),
}

# Foreign ids slipped in elsewhere than the object's own path: a B object under an A parent, in a query or a body.
# (operation, role, path overrides, body or None for the table body, query or None, expected status)
MIXED_IDS = [
    (
        "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/delivered/",
        "driver",
        {"round_id": "live_a", "stop_id": "live_b_stop"},
        None,
        404,
    ),
    (
        "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/failed/",
        "driver",
        {"round_id": "live_a", "stop_id": "live_b_stop"},
        None,
        404,
    ),
    (
        "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/resolve/",
        "manager",
        {"round_id": "live_a", "stop_id": "live_b_failed"},
        None,
        404,
    ),
    (
        "POST /api/v1/orders/{order_id}/prepared-quantities/",
        "preparer",
        {"order_id": "order_prep"},
        lambda w: {"lines": [{"line": w.o.weight_line_b.pk, "prepared_quantity": "9.000"}]},
        404,
    ),
    (
        "POST /api/v1/deliveries/rounds/{round_id}/reorder/",
        "manager",
        {"round_id": "round_a"},
        lambda w: {"stops": [s.pk for s in w.o.round_b_stops]},
        400,
    ),
    (
        "POST /api/v1/vending/machines/{id}/unlock/",
        "machine",
        {},
        lambda w: {"compartment": "M1", "code": w.o.locker_code_b},
        404,
    ),
]


def test_every_operation_with_an_id_has_a_row():
    with_ids = {op for op in schema_operations() if path_parameters(op)}
    assert not sorted(with_ids - set(OBJECT_TABLE)), "operations with an id missing from OBJECT_TABLE"
    assert not sorted(set(OBJECT_TABLE) - with_ids), "stale rows in OBJECT_TABLE"
    for op, row in OBJECT_TABLE.items():
        if isinstance(row, Owned):
            assert set(row.targets) <= set(path_parameters(op)), op


def test_another_users_object_is_refused_and_unchanged(world):
    failures = []
    for op, row in OBJECT_TABLE.items():
        if not isinstance(row, Owned) or op not in schema_operations():
            continue
        before = db_snapshot()
        response = call(world, op, row.role, overrides=row.targets)
        changes = snapshot_diff(before, db_snapshot())
        if response.status_code != row.status or changes:
            failures.append(f"{op} as {row.role} A on {row.targets}: {response.status_code} {changes[:3]}")
    assert not failures, "\n".join(failures)


def test_the_owner_reaches_the_same_objects(world):
    """The control: the B user of the role reaches the objects the walker aims at (so a 404 above is about who asks,
    not about an object that does not exist)."""
    failures = []
    for op, row in OBJECT_TABLE.items():
        if not isinstance(row, Owned) or op.startswith(("POST", "PATCH")) or op not in schema_operations():
            continue
        response = call(world, op, row.role, b_side=True, overrides=row.targets)
        if not 200 <= response.status_code < 300:  # a DELETE answers 204
            failures.append(f"{op} as {row.role} B: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("op", "role", "overrides", "body", "expected"), MIXED_IDS, ids=lambda v: "fn" if callable(v) else str(v)[:40]
)
def test_a_foreign_id_under_an_own_parent_is_refused_and_unchanged(world, op, role, overrides, body, expected):
    before = db_snapshot()
    response = call(world, op, role, overrides=overrides, body=body(world) if callable(body) else body)
    assert response.status_code == expected, response.data
    assert snapshot_diff(before, db_snapshot()) == []


def test_a_producer_cannot_read_another_producers_ledger(world):
    response = world.client("producer").get("/api/v1/catalogue/stock-movements/", {"product": world.o.product_b.pk})
    assert response.status_code == 404
    own = world.client("producer").get("/api/v1/catalogue/stock-movements/")
    own_products = set(Product.objects.filter(producer=world.o.producer_a).values_list("pk", flat=True))
    assert own.json()["results"] and {m["product"] for m in own.json()["results"]} <= own_products


@pytest.mark.parametrize(
    ("op", "body"),
    [
        ("POST /api/v1/vending/machines/{id}/sales/", {"transaction_id": "T-X", "compartment": "B1", "quantity": "1"}),
        ("POST /api/v1/vending/machines/{id}/inventory/", {"count_id": "C-X", "lines": [{"compartment": "B1"}]}),
    ],
)
def test_a_machine_reporting_another_machines_compartment_touches_only_its_own_rows(world, op, body):
    """A sale or a count is never refused (the machine already handed the goods over): a compartment code that is
    not this machine's is recorded on THIS machine as an anomaly, and machine B's rows are untouched."""
    moment = "2026-10-19T08:30:00+02:00"
    body = {**body, "amount": "3.00", "sold_at": moment} if "sales" in op else {**body, "counted_at": moment}
    if "inventory" in op:
        body["lines"] = [{"compartment": "B1", "quantity": "0"}]
    before = db_snapshot()
    response = call(world, op, "machine", body=body)
    after = db_snapshot()
    assert response.status_code == 201
    machine_a, machine_b = world.o.machine_a.pk, world.o.machine_b.pk
    new_rows = [(label, row) for label, rows in after.items() for row in rows if row not in before[label]]
    assert new_rows, "the report is recorded"
    for label, row in new_rows:
        assert row.get("machine_id", machine_a) == machine_a, (label, row)
        assert row.get("machine_id") != machine_b
        assert row.get("compartment_id") in (None, world.o.shelf_a.pk, world.o.locker_a.pk), (label, row)
    for label in ("vending.Compartment", "vending.CompartmentMovement", "catalogue.StockLevel"):
        assert before[label] == after[label], label


def test_a_customer_cannot_read_another_customers_basket_statement(world):
    """`customer` in the statement's query is for staff: customer A naming customer B gets 404, not B's baskets."""
    client, other = world.client("customer"), world.users["customer_b"]
    response = client.get("/api/v1/baskets/statement/", {"month": "2026-10", "customer": other.pk})
    assert response.status_code == 404
    own = client.get("/api/v1/baskets/statement/", {"month": "2026-10"}).json()
    assert [d["id"] for d in own["deliveries"]] == [world.o.basket_delivery_a.pk]
    staff = world.client("manager").get("/api/v1/baskets/statement/", {"month": "2026-10", "customer": other.pk})
    assert [d["id"] for d in staff.json()["deliveries"]] == [world.o.basket_delivery_b.pk]


def test_a_customer_lists_only_their_own_subscriptions(world):
    response = world.client("customer").get("/api/v1/baskets/subscriptions/")
    assert [s["id"] for s in response.json()["results"]] == [world.o.subscription_a.pk]


def test_a_wrong_or_revoked_calendar_token_is_404(world):
    assert world.client("anonymous").get(f"/api/v1/processing/ical/{world.o.feed_a.token}.ics").status_code == 200
    assert world.client("anonymous").get("/api/v1/processing/ical/not-the-token.ics").status_code == 404
    world.client("producer").delete("/api/v1/processing/calendar-feed/")
    assert world.client("anonymous").get(f"/api/v1/processing/ical/{world.o.feed_a.token}.ics").status_code == 404


# Drivers reach only the orders and basket deliveries of their own rounds: driver A on customer B's order (carried by
# driver B's rounds) and on a basket delivery of no round of theirs, with the valid body of each operation.
DRIVER_FOREIGN = [
    ("GET /api/v1/orders/{order_id}/", {"order_id": "order_b"}),
    ("POST /api/v1/orders/{order_id}/cancel/", {"order_id": "order_b"}),
    ("PUT /api/v1/orders/{order_id}/lines/", {"order_id": "order_b"}),
    ("POST /api/v1/orders/{order_id}/transition/", {"order_id": "order_b_pickup"}),
    ("POST /api/v1/orders/{order_id}/payment/", {"order_id": "order_b"}),
    ("POST /api/v1/orders/{order_id}/voucher/", {"order_id": "order_b"}),
    ("POST /api/v1/orders/{order_id}/locker/", {"order_id": "order_b"}),
    ("POST /api/v1/orders/{order_id}/locker/code/", {"order_id": "order_b"}),
    ("GET /api/v1/baskets/subscriptions/{subscription_id}/", {"subscription_id": "subscription_b"}),
    ("POST /api/v1/baskets/deliveries/{delivery_id}/status/", {"delivery_id": "basket_delivery_b"}),
]


@pytest.mark.parametrize(("op", "targets"), DRIVER_FOREIGN, ids=lambda v: "fn" if callable(v) else str(v)[:50])
def test_a_driver_cannot_reach_an_order_or_basket_outside_their_rounds(world, op, targets):
    before = db_snapshot()
    response = call(world, op, "driver", overrides=targets)
    assert response.status_code == 404, response.data
    assert snapshot_diff(before, db_snapshot()) == []


def test_the_driver_of_the_round_reaches_its_orders(world):
    # the control: driver B carries customer B's orders
    for name in ("order_b", "order_b_pickup"):
        response = call(world, "GET /api/v1/orders/{order_id}/", "driver", b_side=True, overrides={"order_id": name})
        assert response.status_code == 200, response.data
