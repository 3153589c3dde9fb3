import threading
from decimal import Decimal

import pytest
from django.db import connection

from catalogue.models import StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger
from orders.models import IdempotencyRecord, Order
from tests.clients import client_for
from tests.orders.helpers import pickup_body

URL = "/api/v1/orders/"


@pytest.mark.django_db
def test_the_same_key_and_body_return_the_same_order_without_a_second_reservation(customer_client, depot, leeks):
    body = pickup_body(depot, [(leeks, 3)])

    first = customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    body["lines"][0]["quantity"] = "3.000"  # written differently, same meaning
    second = customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")

    assert first.status_code == 201 and second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    assert Order.objects.count() == 1
    assert StockMovement.objects.filter(reason="reservation").count() == 1
    assert stock_available(product_id=leeks.pk) == Decimal("47")


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(customer_client, depot, leeks):
    customer_client.post(URL, pickup_body(depot, [(leeks, 3)]), format="json", HTTP_IDEMPOTENCY_KEY="cle-1")

    response = customer_client.post(URL, pickup_body(depot, [(leeks, 4)]), format="json", HTTP_IDEMPOTENCY_KEY="cle-1")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1 and stock_available(product_id=leeks.pk) == Decimal("47")


@pytest.mark.django_db
def test_a_key_belongs_to_its_user(customer_client, other_customer_client, depot, leeks):
    body = pickup_body(depot, [(leeks, 1)])
    mine = customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    theirs = other_customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


@pytest.mark.django_db
def test_a_failed_request_does_not_burn_its_key(customer_client, depot, leeks):
    body = pickup_body(depot, [(leeks, 60)])
    refused = customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    assert refused.status_code == 409
    assert not IdempotencyRecord.objects.exists()

    body["lines"][0]["quantity"] = "6"
    assert customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="cle-1").status_code == 201


@pytest.mark.django_db
def test_an_oversized_key_is_a_validation_error(customer_client, depot, leeks):
    response = customer_client.post(
        URL, pickup_body(depot, [(leeks, 1)]), format="json", HTTP_IDEMPOTENCY_KEY="k" * 256
    )
    assert response.status_code == 400 and response.json()["code"] == "validation_error"
    assert not Order.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_parallel_requests_with_the_same_key_make_one_order(customer, depot, leeks):
    clients = 6
    barrier = threading.Barrier(clients)
    results: list = [None] * clients
    body = pickup_body(depot, [(leeks, 2)])

    def order(i):
        try:
            barrier.wait()
            response = client_for(customer).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="parallel-key")
            results[i] = (response.status_code, response.json().get("id"))
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (clients - 1) + [201]
    assert len({order_id for _, order_id in results}) == 1
    assert Order.objects.count() == 1
    assert StockMovement.objects.filter(reason="reservation").count() == 1
    assert stock_available(product_id=leeks.pk) == Decimal("48")
    assert stock_check_ledger() == {}
