"""Stock held hostage (issue 21.4): a confirmed email to order, caps on a customer's open unpaid orders, and limits
that parallel requests cannot pass. The caps run with their defaults (500 € and 100 units per product)."""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from catalogue.services.stock import stock_available, stock_receive
from orders.models import Order
from tests.clients import client_for
from tests.factories.accounts import UserFactory
from tests.factories.catalogue import ProductFactory
from tests.orders.helpers import pickup_body

URL = "/api/v1/orders/"


@pytest.fixture
def honey(db):
    """A scarce product at 5.95 € a jar, 300 jars in stock (enough for the hoarder of the field report)."""
    product = ProductFactory(piece=True, name="Miel du marais", slug="miel", unit="jar", unit_price=Decimal("5.95"))
    stock_receive(product_id=product.pk, quantity=Decimal("300"))
    return product


@pytest.mark.django_db
def test_an_unconfirmed_customer_cannot_order_and_nothing_is_written(depot, leeks):
    # given a customer who has not confirmed their email address yet
    client = client_for(UserFactory(email_confirmed_at=None))

    # when they order
    response = client.post(URL, pickup_body(depot, [(leeks, 1)]), format="json")

    # then 403 with a clear code, and no order nor reservation
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "email_not_confirmed"
    assert body["detail"].startswith("Veuillez confirmer votre adresse e-mail avant de commander")
    assert Order.objects.count() == 0 and stock_available(product_id=leeks.pk) == Decimal("50")


@pytest.mark.django_db
def test_an_unconfirmed_member_of_staff_may_order(depot, leeks):
    manager = UserFactory(email_confirmed_at=None, groups=["manager"])
    assert client_for(manager).post(URL, pickup_body(depot, [(leeks, 1)]), format="json").status_code == 201


@pytest.mark.django_db
def test_the_hoarding_order_of_the_field_report_is_refused(customer_client, depot, honey):
    # when a customer reserves 276 jars, unpaid, for three weeks ahead
    response = customer_client.post(URL, pickup_body(depot, [(honey, 276)]), format="json")

    # then 409: the quantity is past the cap per product of open unpaid orders, and the stock stays for others
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "unpaid_quantity_exceeded"
    assert body["fields"] == {
        "product": honey.pk,
        "product_name": "Miel du marais",
        "limit": "100",
        "held": "0",
        "quantity": "276.000",
    }
    assert "Au plus 100 de « Miel du marais » par client" in body["detail"] and "276" in body["detail"]
    assert Order.objects.count() == 0 and stock_available(product_id=honey.pk) == Decimal("300")


@pytest.mark.django_db
def test_open_unpaid_orders_are_capped_in_value_across_orders(customer_client, manager_client, depot, honey):
    # given 80 jars (476.00 €) in an open unpaid order
    first = customer_client.post(URL, pickup_body(depot, [(honey, 80)]), format="json")
    assert first.status_code == 201

    # when 5 more jars (29.75 €) would take the unpaid orders past 500 €
    refused = customer_client.post(URL, pickup_body(depot, [(honey, 5)]), format="json")

    # then 409 unpaid_total_exceeded, in French with French amounts
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "unpaid_total_exceeded"
    assert body["fields"] == {"limit": "500.00", "held": "476.00", "total": "29.75"}
    assert body["detail"].startswith("Vos commandes non payées s'élèvent déjà à 476,00 €")
    assert "500,00 €" in body["detail"]
    # four jars fit; once the first order is paid it no longer counts
    assert customer_client.post(URL, pickup_body(depot, [(honey, 4)]), format="json").status_code == 201
    paid = manager_client.post(
        f"{URL}{first.json()['id']}/payment/", {"payment_status": "paid", "payment_method": "cash"}, format="json"
    )
    assert paid.status_code == 200, paid.json()
    assert customer_client.post(URL, pickup_body(depot, [(honey, 5)]), format="json").status_code == 201


@pytest.mark.django_db
def test_cancelled_orders_free_the_caps_and_staff_are_not_capped(customer_client, manager_client, depot, honey):
    order = customer_client.post(URL, pickup_body(depot, [(honey, 60)]), format="json").json()
    assert customer_client.post(URL, pickup_body(depot, [(honey, 41)]), format="json").json()["code"] == (
        "unpaid_quantity_exceeded"
    )
    assert customer_client.post(f"{URL}{order['id']}/cancel/", {}, format="json").status_code == 200
    assert customer_client.post(URL, pickup_body(depot, [(honey, 41)]), format="json").status_code == 201
    assert manager_client.post(URL, pickup_body(depot, [(honey, 150)]), format="json").status_code == 201


@pytest.mark.django_db
def test_a_cap_at_zero_is_off(customer_client, depot, honey, settings):
    settings.ORDERS_MAX_UNPAID_TOTAL = Decimal("0")
    settings.ORDERS_MAX_UNPAID_QUANTITY_PER_PRODUCT = Decimal("0")
    assert customer_client.post(URL, pickup_body(depot, [(honey, 276)]), format="json").status_code == 201


def _parallel(clients_and_bodies) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(len(clients_and_bodies))
    results: list = [None] * len(clients_and_bodies)

    def run(i):
        client, body = clients_and_bodies[i]
        try:
            barrier.wait()
            response = client.post(URL, body, format="json")
            results[i] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients_and_bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_parallel_orders_of_one_customer_cannot_pass_the_daily_limit(depot, leeks, settings):
    # given the default limit of 20 orders a day
    settings.ORDERS_MAX_PER_CUSTOMER_PER_DAY = 20
    customer = UserFactory()

    # when the customer sends 24 orders at once (before the fix: all 24 went through)
    results = _parallel([(client_for(customer), pickup_body(depot, [(leeks, 1)])) for _ in range(24)])

    # then exactly 20 pass, the 4 others are 429 order_rate_exceeded, and the stock follows
    assert Counter(status for status, _ in results) == {201: 20, 429: 4}
    assert {body["code"] for status, body in results if status == 429} == {"order_rate_exceeded"}
    assert Order.objects.filter(customer=customer).count() == 20
    assert stock_available(product_id=leeks.pk) == Decimal("30")


@pytest.mark.django_db(transaction=True)
def test_parallel_orders_of_one_customer_cannot_pass_the_unpaid_caps(depot, honey, settings):
    # given caps of 100 jars and 500 € for unpaid orders
    customer, other = UserFactory(), UserFactory()

    # when the customer sends 8 orders of 15 jars (89.25 € each) at once, and another customer 2 of them
    bodies = [pickup_body(depot, [(honey, 15)]) for _ in range(10)]
    clients = [client_for(customer) for _ in range(8)]
    clients += [client_for(other) for _ in range(2)]
    results = _parallel(list(zip(clients, bodies, strict=True)))

    # then 5 of the customer's orders pass (446.25 €, 75 jars; a sixth would be 535.50 €) and both of the other's
    mine, theirs = results[:8], results[8:]
    assert Counter(status for status, _ in mine) == {201: 5, 409: 3}
    assert {body["code"] for status, body in mine if status == 409} == {"unpaid_total_exceeded"}
    assert [status for status, _ in theirs] == [201, 201]
    assert Order.objects.filter(customer=customer).count() == 5
    assert stock_available(product_id=honey.pk) == Decimal(300 - 7 * 15)
