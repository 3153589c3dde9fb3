"""The benchmark's floors write the same rows as the application: a schema change that breaks their raw SQL (a new
NOT NULL column, say) fails here rather than as a silent 0 in `make bench`."""

import json
from decimal import Decimal

import pytest
from django.test import RequestFactory

from accounts.services import token_create
from bench.floor import floor_order
from catalogue.services.stock import stock_available, stock_check_ledger, stock_receive
from orders.models import Order
from tests.factories.catalogue import ProductFactory
from tests.factories.deliveries import PickupPointFactory


@pytest.mark.django_db(transaction=True)
def test_the_bare_order_view_places_an_order_the_ledger_agrees_with(customer):
    products = [ProductFactory(piece=True) for _ in range(3)]
    for product in products:
        stock_receive(product_id=product.pk, quantity=Decimal("5"))
    point = PickupPointFactory()
    token = token_create(user=customer).key

    def post(quantity):
        body = {
            "lines": [{"product": p.pk, "quantity": quantity} for p in products],
            "fulfilment": {"type": "pickup", "point": point.pk},
            "delivery_date": "2026-10-23",
        }
        request = RequestFactory().post(
            "/bench/floor/orders/",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        return floor_order(request)

    placed, refused = post("2"), post("4")

    assert placed.status_code == 201 and refused.status_code == 409
    order = Order.objects.get(pk=json.loads(placed.content)["id"])
    assert (order.customer, order.status, order.flag, order.lines.count()) == (customer, "placed", "", 3)
    assert [stock_available(product_id=p.pk) for p in products] == [Decimal("3")] * 3
    assert not stock_check_ledger()
