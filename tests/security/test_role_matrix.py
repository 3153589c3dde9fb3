"""Role matrix (OWASP API5, broken function-level authorization): every operation of the OpenAPI schema × every role,
with the status each role gets, in ONE table.

A cell is either an exact refusal (401 not authenticated, 403 authenticated but not allowed, 404 the object is not
visible to this role) or `A`, ALLOWED: the call passes authorization, i.e. anything but 401 and 403 (and never a
5xx). ALLOWED does not mean 2xx: a 400 from a minimal body, a 404 for an object the role may not see, or a 409 from
the object's state (a round already started) all come after the authorization checks, so they count as allowed.
Path parameters are the calling role's own objects (customer A's order, producer A's product, driver A's round,
machine A's id; staff and others get the same A objects) and bodies are the valid ones of `CALLS`, so most ALLOWED
cells really are 2xx.

The machine column is a vending machine's `X-Machine-Key`: only its own sales, inventory and unlock endpoints read
it; everywhere else it is no credential at all (anonymous: 401 where a login is needed).

Adding an endpoint without its row here fails `test_every_operation_has_a_row`.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.services import token_create

from .world import LAST_FRIDAY, ROLES, call, rolled_back, schema_operations

A = "ALLOWED"
PUBLIC = (A,) * 7
ANY_USER = (401, A, A, A, A, A, 401)
STAFF = (401, 403, 403, A, A, A, 401)
MANAGER = (401, 403, 403, 403, 403, A, 401)
DRIVER_OR_MANAGER = (401, 403, 403, 403, A, A, 401)
PREPARER_OR_MANAGER = (401, 403, 403, A, 403, A, 401)
MACHINE = (401, 401, 401, 401, 401, 401, A)
PRODUCT_WRITER = (401, 403, A, A, A, A, 401)
WORKSHOP = (401, 403, A, A, 403, A, 401)  # producer members (their producer's rows), preparers and the manager
PRODUCER_OR_MANAGER = (401, 403, A, 403, 403, A, 401)
OWN_OR_STAFF = (401, A, 404, A, A, A, 401)  # customer A's object: its owner and staff; anyone else gets 404
# customer A's subscription (it carries the solidarity status): its owner and the manager; anyone else gets 404
OWN_OR_MANAGER = (401, A, 404, 404, 404, A, 401)
# a basket delivery: preparers and the manager reach every one; a driver only those handed over on their own rounds
# (customer A's basket of last Friday is on no round of driver A: 404)
BASKET_ROUND_STAFF = (401, 403, 403, A, 404, A, 401)

# customer A's saved address: its owner only (staff read them in the admin); anyone else gets 404
OWN_ONLY = (401, A, 404, 404, 404, 404, 401)

# "METHOD /path/": (anonymous, customer, producer, preparer, driver, manager, machine)
ROLE_MATRIX: dict[str, tuple] = {
    "GET /api/v1/": PUBLIC,
    # accounts
    "GET /api/v1/auth/me/": ANY_USER,
    "PATCH /api/v1/auth/me/": ANY_USER,
    # personal data: anyone logged in downloads their own, or erases their own account (with their password)
    "GET /api/v1/auth/me/export/": ANY_USER,
    "DELETE /api/v1/auth/me/": ANY_USER,
    "GET /api/v1/auth/me/addresses/": ANY_USER,
    # requests for the solidarity price: anyone logged in asks (and lists their own); the manager decides
    "GET /api/v1/baskets/solidarity-requests/": ANY_USER,
    "POST /api/v1/baskets/solidarity-requests/": ANY_USER,
    "POST /api/v1/baskets/solidarity-requests/{request_id}/decide/": MANAGER,
    "POST /api/v1/auth/me/addresses/": ANY_USER,
    "GET /api/v1/auth/me/addresses/{address_id}/": OWN_ONLY,
    "PUT /api/v1/auth/me/addresses/{address_id}/": OWN_ONLY,
    "DELETE /api/v1/auth/me/addresses/{address_id}/": OWN_ONLY,
    "POST /api/v1/auth/register/": PUBLIC,
    "POST /api/v1/auth/token/": PUBLIC,
    "POST /api/v1/auth/logout/": ANY_USER,
    "POST /api/v1/auth/password/": ANY_USER,
    "POST /api/v1/auth/confirm-email/": PUBLIC,  # the emailed token is the credential
    "POST /api/v1/auth/confirm-email/resend/": ANY_USER,
    # baskets (cabas bio): offers and published compositions are public; any account subscribes and reaches only
    # its own subscriptions and statement (a subscription tells the solidarity status: among staff, only the manager
    # reaches every one, and another customer's statement); preparers and the manager compose; preparers and the
    # manager see every basket delivery, a driver those of their own rounds (the pickup sheet lists only those, without
    # price or solidarity flag); the manager generates the baskets and grants the solidarity price
    "GET /api/v1/baskets/offers/": PUBLIC,
    "GET /api/v1/baskets/offers/{offer_id}/compositions/": PUBLIC,
    "PUT /api/v1/baskets/offers/{offer_id}/compositions/{week}/": PREPARER_OR_MANAGER,
    "POST /api/v1/baskets/offers/{offer_id}/compositions/{week}/publish/": PREPARER_OR_MANAGER,
    "GET /api/v1/baskets/subscriptions/": ANY_USER,
    "POST /api/v1/baskets/subscriptions/": ANY_USER,
    "GET /api/v1/baskets/subscriptions/{subscription_id}/": OWN_OR_MANAGER,
    "POST /api/v1/baskets/subscriptions/{subscription_id}/skip/": OWN_OR_MANAGER,
    "POST /api/v1/baskets/subscriptions/{subscription_id}/pause/": OWN_OR_MANAGER,
    "POST /api/v1/baskets/subscriptions/{subscription_id}/resume/": OWN_OR_MANAGER,
    "POST /api/v1/baskets/subscriptions/{subscription_id}/change/": OWN_OR_MANAGER,
    "POST /api/v1/baskets/subscriptions/{subscription_id}/cancel/": OWN_OR_MANAGER,
    "GET /api/v1/baskets/statement/": ANY_USER,
    "GET /api/v1/baskets/deliveries/": STAFF,
    "POST /api/v1/baskets/deliveries/{delivery_id}/status/": BASKET_ROUND_STAFF,
    "POST /api/v1/baskets/generate/": MANAGER,
    "GET /api/v1/baskets/solidarity/": MANAGER,
    "POST /api/v1/baskets/solidarity/": MANAGER,
    # catalogue: reading is public; writing is for staff and producer members (their own products)
    "GET /api/v1/catalogue/categories/": PUBLIC,
    "GET /api/v1/catalogue/producers/": PUBLIC,
    "GET /api/v1/catalogue/producers/{slug}/": PUBLIC,
    "GET /api/v1/catalogue/products/": PUBLIC,
    "POST /api/v1/catalogue/products/": PRODUCT_WRITER,
    "GET /api/v1/catalogue/products/{id}/": PUBLIC,
    "PATCH /api/v1/catalogue/products/{id}/": PRODUCT_WRITER,
    "POST /api/v1/catalogue/products/import/": MANAGER,
    "PUT /api/v1/catalogue/products/{id}/photo/": PRODUCT_WRITER,
    "DELETE /api/v1/catalogue/products/{id}/photo/": PRODUCT_WRITER,
    "PUT /api/v1/catalogue/producers/{slug}/photo/": PRODUCT_WRITER,
    "DELETE /api/v1/catalogue/producers/{slug}/photo/": PRODUCT_WRITER,
    "GET /api/v1/catalogue/stock-movements/": PRODUCT_WRITER,
    "POST /api/v1/catalogue/stock-movements/": STAFF,
    # deliveries: staff; drivers only their own rounds; planning and corrections by the manager
    "GET /api/v1/deliveries/my-rounds/": STAFF,
    "GET /api/v1/deliveries/planning-jobs/{job_id}/": MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/move/": MANAGER,
    "GET /api/v1/deliveries/windows/": ANY_USER,
    "POST /api/v1/deliveries/windows/": MANAGER,
    "PATCH /api/v1/deliveries/windows/{window_id}/": MANAGER,
    "GET /api/v1/deliveries/rounds/": STAFF,
    "GET /api/v1/deliveries/rounds/{round_id}/": STAFF,
    "POST /api/v1/deliveries/rounds/{round_id}/driver/": MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/finish/": DRIVER_OR_MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/lock/": MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/reorder/": MANAGER,
    "GET /api/v1/deliveries/rounds/{round_id}/sheet/": STAFF,
    "POST /api/v1/deliveries/rounds/{round_id}/start/": DRIVER_OR_MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/delivered/": DRIVER_OR_MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/failed/": DRIVER_OR_MANAGER,
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/resolve/": MANAGER,
    "POST /api/v1/deliveries/rounds/plan/": MANAGER,
    # orders: any account may order; a customer reaches only their own orders (a producer member, who has none
    # here, gets 404 on customer A's); managers and preparers see and move every order, a driver only the orders of
    # their own rounds (customer A's orders are on driver A's rounds); the preparation list is for preparers
    "GET /api/v1/orders/": ANY_USER,
    "POST /api/v1/orders/": ANY_USER,
    "GET /api/v1/orders/{order_id}/": OWN_OR_STAFF,
    "POST /api/v1/orders/{order_id}/cancel/": OWN_OR_STAFF,
    # changing an order's lines: its owner, managers and preparers; a driver carries the order but changes no one's
    "PUT /api/v1/orders/{order_id}/lines/": (401, A, 404, A, 404, A, 401),
    "POST /api/v1/orders/{order_id}/locker/": STAFF,
    "POST /api/v1/orders/{order_id}/locker/code/": STAFF,
    "POST /api/v1/orders/{order_id}/payment/": STAFF,
    "POST /api/v1/orders/{order_id}/voucher/": STAFF,
    "POST /api/v1/orders/{order_id}/prepared-quantities/": PREPARER_OR_MANAGER,
    "POST /api/v1/orders/{order_id}/transition/": STAFF,
    "POST /api/v1/orders/counter-sales/": PREPARER_OR_MANAGER,
    "GET /api/v1/orders/delivery-days/": PUBLIC,
    "GET /api/v1/orders/preparation-list/": PREPARER_OR_MANAGER,
    # processing (the workshop): producer members for their producer, preparers and the manager for everything
    # (drivers: 403); statements and the calendar feed: producer members and the manager; the manager decides
    "GET /api/v1/processing/availability/": WORKSHOP,
    "GET /api/v1/processing/equipment/": WORKSHOP,
    "GET /api/v1/processing/bookings/": WORKSHOP,
    "POST /api/v1/processing/bookings/": PRODUCER_OR_MANAGER,
    "GET /api/v1/processing/bookings/{id}/": WORKSHOP,
    "POST /api/v1/processing/bookings/{id}/accept-offer/": PRODUCER_OR_MANAGER,
    "POST /api/v1/processing/bookings/{id}/cancel/": PRODUCER_OR_MANAGER,
    "POST /api/v1/processing/bookings/{id}/complete/": MANAGER,
    "POST /api/v1/processing/bookings/{id}/confirm/": MANAGER,
    "POST /api/v1/processing/bookings/{id}/no-show/": MANAGER,
    "GET /api/v1/processing/calendar-feed/": PRODUCER_OR_MANAGER,
    "POST /api/v1/processing/calendar-feed/": PRODUCER_OR_MANAGER,
    "DELETE /api/v1/processing/calendar-feed/": PRODUCER_OR_MANAGER,
    # the private iCalendar URL: its unguessable token is the credential (calendar apps send no header)
    "GET /api/v1/processing/ical/{token}.ics": PUBLIC,
    "GET /api/v1/processing/lots/": WORKSHOP,
    "GET /api/v1/processing/lots/{code}/": WORKSHOP,
    # a recall: its producer's members ask, the manager recalls and alone reads the report (it names customers)
    "POST /api/v1/processing/lots/{code}/recall/": PRODUCER_OR_MANAGER,
    "GET /api/v1/processing/lots/{code}/recall/": MANAGER,
    "GET /api/v1/processing/lots/{code}/recall/csv/": MANAGER,
    "GET /api/v1/processing/statements/": PRODUCER_OR_MANAGER,
    "GET /api/v1/processing/statements/{id}/": PRODUCER_OR_MANAGER,
    "GET /api/v1/processing/statements/{id}/csv/": PRODUCER_OR_MANAGER,
    "GET /api/v1/processing/statements/{id}/pdf/": PRODUCER_OR_MANAGER,
    # invoices: everyone signed in lists their own (a customer's, a producer member's producer's; the manager all);
    # customer A's invoice: its owner and the manager, anyone else 404; credit notes: the manager only
    "GET /api/v1/invoicing/invoices/": ANY_USER,
    "GET /api/v1/invoicing/invoices/{id}/": OWN_OR_MANAGER,
    "GET /api/v1/invoicing/invoices/{id}/pdf/": OWN_OR_MANAGER,
    "POST /api/v1/invoicing/invoices/{id}/credit-note/": MANAGER,
    # the treasurer's exports: the manager only
    "GET /api/v1/invoicing/exports/invoices/": MANAGER,
    "GET /api/v1/invoicing/exports/movements/": MANAGER,
    "GET /api/v1/invoicing/exports/fec/": MANAGER,
    "GET /api/v1/invoicing/exports/reconciliation/": MANAGER,
    # SEPA: anyone signed in signs their own mandate; the month's file and returned debits: the manager
    "POST /api/v1/invoicing/sepa/mandate/": ANY_USER,
    "GET /api/v1/invoicing/sepa/pain008/": MANAGER,
    "POST /api/v1/invoicing/sepa/debits/{id}/return/": MANAGER,
    # vending: the public view, the machine's own endpoints (its key only), staff endpoints
    "POST /api/v1/payments/stripe/webhook/": PUBLIC,
    "GET /api/v1/payments/balance/": ANY_USER,  # one's own balance only (no id in the path)
    "POST /api/v1/payments/jar-returns/": STAFF,
    "POST /api/v1/payments/vouchers/": STAFF,
    "GET /api/v1/payments/voucher-partners/": STAFF,
    "GET /api/v1/payments/voucher-partners/{id}/statement/": MANAGER,  # the signature is the credential: unsigned is a 400 for all
    "GET /api/v1/vending/machines/": PUBLIC,
    "GET /api/v1/vending/machines/{id}/": PUBLIC,
    "POST /api/v1/vending/machines/{id}/inventory/": MACHINE,
    "POST /api/v1/vending/machines/{id}/key/": MANAGER,
    "POST /api/v1/vending/machines/{id}/refills/": STAFF,
    "POST /api/v1/vending/machines/{id}/removals/": STAFF,
    "GET /api/v1/vending/machines/{id}/report/": STAFF,
    "POST /api/v1/vending/machines/{id}/sales/": MACHINE,
    "POST /api/v1/vending/machines/{id}/unlock/": MACHINE,
    "GET /api/v1/vending/refill-requests/": STAFF,
    "GET /api/v1/vending/sales/flagged/": STAFF,
    "POST /api/v1/vending/sales/{id}/accept/": MANAGER,
}


def coverage_problems(operations: set[str]) -> list[str]:
    problems = [f"no row in ROLE_MATRIX for {op}" for op in sorted(operations - set(ROLE_MATRIX))]
    problems += [f"stale row in ROLE_MATRIX: {op}" for op in sorted(set(ROLE_MATRIX) - operations)]
    problems += [f"row of the wrong length: {op}" for op, row in ROLE_MATRIX.items() if len(row) != len(ROLES)]
    return problems


def test_every_operation_has_a_row():
    assert not coverage_problems(set(schema_operations()))


def test_the_row_check_catches_a_new_endpoint():
    """The must-show point: an operation that the table does not know makes the coverage test fail."""
    added = "DELETE /api/v1/orders/{order_id}/"
    assert coverage_problems(set(schema_operations()) | {added}) == [f"no row in ROLE_MATRIX for {added}"]


def _outcome(status: int, expected) -> bool:
    if expected == A:
        return status not in (401, 403) and status < 500
    return status == expected


@pytest.mark.parametrize(
    "app", ["root-auth-catalogue", "baskets", "deliveries", "orders", "processing", "vending", "other"]
)
def test_role_matrix(world, app):
    """Each operation of one app × the seven roles, each call in a savepoint rolled back (one world per app)."""
    prefixes = {
        "root-auth-catalogue": ("/api/v1/auth/", "/api/v1/catalogue/"),
        "baskets": ("/api/v1/baskets/",),
        "deliveries": ("/api/v1/deliveries/",),
        "orders": ("/api/v1/orders/",),
        "processing": ("/api/v1/processing/",),
        "vending": ("/api/v1/vending/",),
    }
    known = tuple(p for group in prefixes.values() for p in group)

    def in_app(op: str) -> bool:
        path = op.split(" ", 1)[1]
        if app == "other":
            return not path.startswith(known) and path != "/api/v1/"
        return path.startswith(prefixes[app]) or (app == "root-auth-catalogue" and path == "/api/v1/")

    operations = [op for op in ROLE_MATRIX if in_app(op) and op in schema_operations()]
    failures = []
    for op in operations:
        for role, expected in zip(ROLES, ROLE_MATRIX[op], strict=True):
            with rolled_back():
                response = call(world, op, role)
            if not _outcome(response.status_code, expected):
                body = getattr(response, "data", None)
                failures.append(f"{op} as {role}: {response.status_code} (expected {expected}) {body}")
    assert not failures, "\n".join(failures)


# --- what each staff role SEES where the status alone does not tell (lists answer 200 to every role) ------------


def _order_ids(world, role, *, b_side=False) -> set[int]:
    response = world.client(role, b_side=b_side).get("/api/v1/orders/", {"page_size": 100})
    assert response.status_code == 200, response.content
    return {o["id"] for o in response.json()["results"]}


def test_what_drivers_and_preparers_see_in_the_lists(world):
    o = world.o
    every_order = {o.order_a.pk, o.order_prep.pk, o.order_b.pk, o.order_b_pickup.pk}

    # orders: the manager and preparers every one; a driver only the orders of their own rounds
    assert _order_ids(world, "manager") == _order_ids(world, "preparer") == every_order
    assert _order_ids(world, "driver") == {o.order_a.pk, o.order_prep.pk}
    assert _order_ids(world, "driver", b_side=True) == {o.order_b.pk, o.order_b_pickup.pk}

    # cabas subscriptions (they carry the solidarity flag): the manager every one, other staff none of the customers'
    def subscriptions(role):
        body = world.client(role).get("/api/v1/baskets/subscriptions/").json()
        return {s["id"] for s in body["results"]}

    assert subscriptions("manager") == {o.subscription_a.pk, o.subscription_b.pk}
    assert subscriptions("preparer") == subscriptions("driver") == set()

    # the basket pickup sheet: preparers every basket without price or solidarity flag; a driver only the baskets
    # of their rounds (none here); the manager everything
    def sheet(role):
        response = world.client(role).get("/api/v1/baskets/deliveries/", {"date": LAST_FRIDAY.isoformat()})
        assert response.status_code == 200, response.content
        return [b for place in response.json()["places"] for b in place["baskets"]]

    manager_baskets = sheet("manager")
    assert {b["id"] for b in manager_baskets} == {o.basket_delivery_a.pk, o.basket_delivery_b.pk}
    assert any(b["solidarity"] is True for b in manager_baskets)
    preparer_baskets = sheet("preparer")
    assert {b["id"] for b in preparer_baskets} == {o.basket_delivery_a.pk, o.basket_delivery_b.pk}
    assert all(b["solidarity"] is None and b["price"] is None for b in preparer_baskets)
    assert sheet("driver") == []
    assert (
        world.client("driver").get("/api/v1/baskets/deliveries/", {"date": LAST_FRIDAY.isoformat()}).json()["runs"]
        == []
    )

    # another customer's monthly statement: the manager only
    query = {"month": "2026-10", "customer": world.users["customer_b"].pk}
    assert world.client("manager").get("/api/v1/baskets/statement/", query).status_code == 200
    for role in ("preparer", "driver"):
        response = world.client(role).get("/api/v1/baskets/statement/", query)
        assert response.status_code == 404, (role, response.content)

    # producers' workshop statements and calendar feeds: not for preparers nor drivers
    for role in ("preparer", "driver"):
        client = world.client(role)
        assert client.get(f"/api/v1/processing/statements/{o.statement_a.pk}/pdf/").status_code == 403
        assert client.post(f"/api/v1/processing/calendar-feed/?producer={o.producer_a.pk}").status_code == 403
    # drivers do not reach the workshop at all; preparers see the bookings they run
    assert world.client("driver").get("/api/v1/processing/bookings/").status_code == 403
    assert world.client("preparer").get("/api/v1/processing/bookings/").status_code == 200


def test_a_driver_who_has_no_round_sees_no_customer(world):
    from tests.factories.accounts import StaffFactory

    # given a driver with no round at all
    driver = StaffFactory(groups=["driver"])
    world.tokens["lonely"] = token_create(user=driver).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens['lonely']}")

    # then no order, no subscription, no basket, no round, nobody's statement
    assert client.get("/api/v1/orders/").json()["results"] == []
    assert client.get("/api/v1/baskets/subscriptions/").json()["results"] == []
    sheet = client.get("/api/v1/baskets/deliveries/", {"date": LAST_FRIDAY.isoformat()}).json()
    assert sheet["places"] == [] and sheet["baskets_count"] == 0
    assert client.get("/api/v1/deliveries/rounds/").json()["results"] == []
    assert client.get(f"/api/v1/orders/{world.o.order_b.pk}/").status_code == 404
    query = {"month": "2026-10", "customer": world.users["customer"].pk}
    assert client.get("/api/v1/baskets/statement/", query).status_code == 404
    assert client.get("/api/v1/processing/statements/").status_code == 403
