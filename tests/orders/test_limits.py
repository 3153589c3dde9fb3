"""The daily guard on the number of orders a customer places (ORDERS_MAX_PER_CUSTOMER_PER_DAY)."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from catalogue.services.stock import stock_available
from orders.models import Order
from tests.orders.helpers import PARIS, pickup_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


@pytest.fixture(autouse=True)
def two_a_day(settings):
    settings.ORDERS_MAX_PER_CUSTOMER_PER_DAY = 2


def place(client, depot, leeks, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, pickup_body(depot, [(leeks, 1)]), format="json", **headers)


def test_the_third_order_of_the_day_is_refused_with_a_retry_after_and_nothing_written(customer_client, depot, leeks):
    first = place(customer_client, depot, leeks, key="first")
    assert [first.status_code, place(customer_client, depot, leeks).status_code] == [201, 201]

    refused = place(customer_client, depot, leeks)

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "order_rate_exceeded" and body["fields"]["limit"] == 2
    assert body["detail"].startswith("Vous avez déjà passé 2 commandes aujourd'hui")
    # Monday 09:00 in Paris: 15 hours to midnight
    assert refused["Retry-After"] == str(15 * 3600) and body["fields"]["retry_after"] == 15 * 3600
    assert Order.objects.count() == 2 and stock_available(product_id=leeks.pk) == Decimal("48")
    # a retry of an order already placed is not a new order: it is still answered
    replay = place(customer_client, depot, leeks, key="first")
    assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]


def test_cancelled_orders_count_and_the_limit_resets_at_midnight_in_paris(customer_client, depot, leeks):
    for _ in range(2):
        order_id = place(customer_client, depot, leeks).json()["id"]
        assert customer_client.post(f"{URL}{order_id}/cancel/", {}, format="json").status_code == 200
    assert place(customer_client, depot, leeks).status_code == 429

    with time_machine.travel(datetime(2026, 10, 19, 23, 59, tzinfo=PARIS), tick=False):
        assert place(customer_client, depot, leeks).status_code == 429
    with time_machine.travel(datetime(2026, 10, 20, 0, 0, 1, tzinfo=PARIS), tick=False):
        assert place(customer_client, depot, leeks).status_code == 201


def test_each_customer_has_their_own_count_and_staff_and_zero_are_not_limited(
    customer_client, other_customer_client, manager_client, depot, leeks, settings
):
    for _ in range(2):
        assert place(customer_client, depot, leeks).status_code == 201
    assert place(other_customer_client, depot, leeks).status_code == 201
    assert [place(manager_client, depot, leeks).status_code for _ in range(3)] == [201] * 3
    settings.ORDERS_MAX_PER_CUSTOMER_PER_DAY = 0
    assert place(customer_client, depot, leeks).status_code == 201
