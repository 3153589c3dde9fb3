import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from catalogue.models import StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger
from orders.models import Order
from tests.clients import client_for
from tests.factories.accounts import UserFactory
from tests.factories.catalogue import ProductFactory
from tests.orders.helpers import pickup_body


@pytest.mark.django_db(transaction=True)
def test_many_clients_ordering_the_last_units_sell_exactly_the_stock(depot, jam):
    # given 7 jars of a rare honey left, wanted by 20 customers at once (1 jar each, some with jam too)
    from catalogue.services.stock import stock_receive

    honey = ProductFactory(piece=True, name="Miel du marais", slug="miel", unit="jar", unit_price=Decimal("9.50"))
    stock_receive(product_id=honey.pk, quantity=Decimal("7"))
    customers = [UserFactory() for _ in range(20)]
    barrier = threading.Barrier(len(customers))
    results: list = [None] * len(customers)

    def order(i):
        try:
            lines = [(honey, 1), (jam, 1)] if i % 2 else [(honey, 1)]
            barrier.wait()
            response = client_for(customers[i]).post("/api/v1/orders/", pickup_body(depot, lines), format="json")
            results[i] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(i,)) for i in range(len(customers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly 7 orders went through, the 13 others got 409 insufficient_stock, and the ledger balances
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 7, 409: 13}
    assert {body["code"] for status, body in results if status == 409} == {"insufficient_stock"}
    assert {body["fields"]["product"] for status, body in results if status == 409} == {honey.pk}
    assert stock_available(product_id=honey.pk) == Decimal("0")
    assert Order.objects.count() == 7
    sold_jam = sum(1 for status, body in results if status == 201 and len(body["lines"]) == 2)
    assert stock_available(product_id=jam.pk) == Decimal(20 - sold_jam)
    assert StockMovement.objects.filter(product=honey, reason="reservation").count() == 7
    assert stock_check_ledger() == {}
