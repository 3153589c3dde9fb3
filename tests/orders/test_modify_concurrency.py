"""Changing an order while others order the same scarce product: real threads on PostgreSQL, a barrier so the
requests collide. The ledger never goes below zero and always balances."""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from catalogue.services.stock import stock_available, stock_check_ledger, stock_receive
from orders.models import OrderLine
from tests.clients import client_for
from tests.factories.accounts import UserFactory
from tests.factories.catalogue import ProductFactory
from tests.orders.helpers import pickup_body, place_pickup

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i):
        try:
            barrier.wait()
            response = calls[i]()
            results[i] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_change_racing_a_new_order_for_the_last_units(depot, leeks):
    # given 3 jars of honey: Alice ordered 1, 2 are left; Alice wants 2 more while Bob orders the last 2
    honey = ProductFactory(piece=True, name="Miel du marais", slug="miel", unit="jar", unit_price=Decimal("9.50"))
    stock_receive(product_id=honey.pk, quantity=Decimal("3"))
    alice, bob = UserFactory(), UserFactory()
    order = place_pickup(alice, depot, [(honey, 1), (leeks, 1)])
    change = {"lines": [{"product": honey.pk, "quantity": "3"}, {"product": leeks.pk, "quantity": "1"}]}

    results = _race(
        lambda: client_for(alice).put(f"/api/v1/orders/{order.pk}/lines/", change, format="json"),
        lambda: client_for(bob).post("/api/v1/orders/", pickup_body(depot, [(honey, 2)]), format="json"),
    )

    # then exactly one of them got the two jars, the other a 409 insufficient_stock naming the honey
    statuses = Counter(status for status, _ in results)
    assert statuses in ({200: 1, 409: 1}, {201: 1, 409: 1})
    loser = next(body for status, body in results if status == 409)
    assert (loser["code"], loser["fields"]["product"]) == ("insufficient_stock", honey.pk)
    assert stock_available(product_id=honey.pk) == Decimal(0)
    held_by_alice = OrderLine.objects.get(order=order, product=honey).quantity
    assert held_by_alice == (Decimal(3) if results[0][0] == 200 else Decimal(1))
    assert stock_check_ledger() == {}


def test_many_changes_for_the_last_units_never_oversell(depot):
    # given 6 jars and 6 customers who each ordered 1 jar (none left); then 3 cancel-by-change (release) while
    # 3 others ask for one more each, all at once
    honey = ProductFactory(piece=True, name="Miel du marais", slug="miel", unit="jar", unit_price=Decimal("9.50"))
    filler = ProductFactory(piece=True, name="Poireaux", slug="poireaux-x", unit="bunch", unit_price=Decimal("2.80"))
    stock_receive(product_id=honey.pk, quantity=Decimal("6"))
    stock_receive(product_id=filler.pk, quantity=Decimal("50"))
    customers = [UserFactory() for _ in range(6)]
    orders = [place_pickup(c, depot, [(honey, 1), (filler, 1)]) for c in customers]

    def change(i, quantity):
        lines = [{"product": filler.pk, "quantity": "1"}]
        if quantity:
            lines.append({"product": honey.pk, "quantity": str(quantity)})
        return lambda: client_for(customers[i]).put(
            f"/api/v1/orders/{orders[i].pk}/lines/", {"lines": lines}, format="json"
        )

    results = _race(*[change(i, 0) for i in range(3)], *[change(i, 2) for i in range(3, 6)])

    # the releases always succeed; each "one more" succeeds only if a released jar was there when it locked
    assert [status for status, _ in results[:3]] == [200, 200, 200]
    granted = sum(1 for status, _ in results[3:] if status == 200)
    refused = [body["code"] for status, body in results[3:] if status != 200]
    assert set(refused) <= {"insufficient_stock"}
    assert stock_available(product_id=honey.pk) == Decimal(3 - granted)
    assert stock_available(product_id=honey.pk) >= 0
    held = sum(OrderLine.objects.filter(product=honey).values_list("quantity", flat=True), Decimal(0))
    assert held + stock_available(product_id=honey.pk) == Decimal(6)
    assert stock_check_ledger() == {}
