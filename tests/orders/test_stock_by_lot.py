"""Stock by lot (issue 17, item 2): jars of a product tracked by lot go out first-expired first-out, an order
records which lots it took, a cancellation gives them back to their lots, a blocked lot is never sold again."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from catalogue.models import StockLot, StockMovement
from catalogue.services.stock import (
    stock_available,
    stock_check_ledger,
    stock_lot_block,
    stock_lot_receive,
    stock_receive,
    stock_release,
)
from orders.services.grocery import order_cancel
from tests.clients import client_for
from tests.factories.accounts import UserFactory
from tests.factories.catalogue import ProductFactory
from tests.orders.helpers import pickup_body, place_pickup


def jars(**kwargs):
    return ProductFactory(piece=True, unit="jar", tracked_by_lot=True, unit_price=Decimal("4.50"), **kwargs)


def lot_taken(order, code) -> Decimal:
    total = StockMovement.objects.filter(lot__code=code, source_id=order.pk, reason__in=["reservation", "release"])
    return -(total.aggregate(total=Sum("quantity"))["total"] or Decimal("0"))


def test_an_order_takes_the_lot_that_expires_first_then_the_next(depot, customer):
    # given soup in two lots, the later one received first, and 2 jars without a lot
    soup = jars(name="Velouté de potimarron", slug="veloute")
    stock_lot_receive(product_id=soup.pk, code="LC-20261002-001", best_before=date(2027, 10, 2), quantity=5)
    stock_lot_receive(product_id=soup.pk, code="LC-20260901-001", best_before=date(2027, 9, 1), quantity=3)
    stock_receive(product_id=soup.pk, quantity=Decimal("2"))

    # when a customer orders 4 jars
    order = place_pickup(customer, depot, [(soup, 4)])

    # then the 3 jars of the earlier lot and 1 of the later one are taken, and recorded against the order
    assert lot_taken(order, "LC-20260901-001") == 3
    assert lot_taken(order, "LC-20261002-001") == 1
    assert dict(StockLot.objects.values_list("code", "quantity")) == {
        "LC-20260901-001": Decimal("0"),
        "LC-20261002-001": Decimal("4"),
    }
    assert stock_available(product_id=soup.pk) == Decimal("6")

    # and an order bigger than the lots takes the rest without a lot
    second = place_pickup(UserFactory(), depot, [(soup, 5)])
    assert lot_taken(second, "LC-20261002-001") == 4
    assert (
        StockMovement.objects.filter(source_id=second.pk, lot__isnull=True, reason="reservation").get().quantity == -1
    )

    # when the first order is cancelled, its jars go back to their own lots
    order_cancel(order_id=order.pk, actor=customer)
    assert dict(StockLot.objects.values_list("code", "quantity")) == {
        "LC-20260901-001": Decimal("3"),
        "LC-20261002-001": Decimal("1"),
    }
    assert stock_available(product_id=soup.pk) == Decimal("5")
    assert stock_check_ledger() == {}


def test_a_blocked_lot_is_not_sold_and_what_comes_back_to_it_stays_blocked(depot, customer):
    soup = jars(name="Soupe de poireaux", slug="soupe")
    stock_lot_receive(product_id=soup.pk, code="LC-20260901-002", best_before=date(2027, 9, 1), quantity=3)
    stock_lot_receive(product_id=soup.pk, code="LC-20261001-002", best_before=date(2027, 10, 1), quantity=2)
    order = place_pickup(customer, depot, [(soup, 2)])

    # when the earlier lot is blocked (a recall)
    blocked = stock_lot_block(code="LC-20260901-002")

    # then its last jar leaves the stock, only the other lot's 2 jars can be sold
    assert blocked == Decimal("1")
    assert stock_available(product_id=soup.pk) == Decimal("2")
    second = place_pickup(UserFactory(), depot, [(soup, 2)])
    assert lot_taken(second, "LC-20261001-002") == 2
    assert lot_taken(second, "LC-20260901-002") == 0

    # and the cancelled order's 2 jars of the blocked lot do not come back on sale
    order_cancel(order_id=order.pk, actor=customer)
    assert stock_available(product_id=soup.pk) == Decimal("0")
    assert StockLot.objects.get(code="LC-20260901-002").quantity == 0
    assert stock_release(source=order) == []  # run twice: nothing more
    assert stock_lot_block(code="LC-20260901-002") == 0
    assert stock_check_ledger() == {}


def test_products_without_lots_write_one_movement_as_before(depot, customer, jam):
    order = place_pickup(customer, depot, [(jam, 2)])
    movement = StockMovement.objects.get(source_id=order.pk, reason="reservation")
    assert movement.lot_id is None and movement.quantity == -2


@pytest.mark.django_db(transaction=True)
def test_two_orders_taking_the_last_jars_of_two_lots_never_take_more_than_a_lot_holds(depot):
    # given 3 jars left in one lot and 2 in another, and customers wanting 2 jars each at once
    soup = jars(name="Ratatouille", slug="ratatouille")
    stock_lot_receive(product_id=soup.pk, code="LC-20260901-003", best_before=date(2027, 9, 1), quantity=3)
    stock_lot_receive(product_id=soup.pk, code="LC-20261001-003", best_before=date(2027, 10, 1), quantity=2)
    customers = [UserFactory() for _ in range(4)]
    barrier = threading.Barrier(len(customers))
    results: list = [None] * len(customers)

    def order(i):
        try:
            barrier.wait()
            response = client_for(customers[i]).post("/api/v1/orders/", pickup_body(depot, [(soup, 2)]), format="json")
            results[i] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(i,)) for i in range(len(customers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then two orders went through (4 of the 5 jars), no lot went below zero, and each lot gave what it held
    assert sorted(results) == [201, 201, 409, 409]
    assert dict(StockLot.objects.values_list("code", "quantity")) == {
        "LC-20260901-003": Decimal("0"),
        "LC-20261001-003": Decimal("1"),
    }
    taken = dict(
        StockMovement.objects.filter(reason="reservation", lot__isnull=False)
        .values_list("lot__code")
        .annotate(total=Sum("quantity"))
    )
    assert taken == {"LC-20260901-003": Decimal("-3"), "LC-20261001-003": Decimal("-1")}
    assert stock_available(product_id=soup.pk) == Decimal("1")
    assert stock_check_ledger() == {}
