"""`stock_reservation_change`: a source's reservation grows or shrinks by product, all or nothing (an order whose
lines change, orders/services/modify.py)."""

from decimal import Decimal

import pytest
from django.db import transaction

from catalogue.errors import InsufficientStock
from catalogue.models import Category, Product, StockMovement
from catalogue.services.stock import (
    StockLine,
    stock_available,
    stock_check_ledger,
    stock_receive,
    stock_release,
    stock_reservation_change,
    stock_reserve,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(producer):
    category = Category.objects.create(name="Légumes", slug="legumes")
    made = []
    for slug in ("poireaux", "carottes"):
        product = Product.objects.create(
            producer=producer, category=category, name=slug.title(), slug=slug, unit_price=Decimal("2.00")
        )
        stock_receive(product_id=product.pk, quantity=Decimal("10"))
        made.append(product)
    return made


def test_more_of_one_and_less_of_another_in_one_call(products, customer):
    leeks, carrots = products
    stock_reserve(lines=[StockLine(leeks.pk, Decimal(2)), StockLine(carrots.pk, Decimal(5))], source=customer)

    with transaction.atomic():
        movements = stock_reservation_change(
            lines=[StockLine(leeks.pk, Decimal(3)), StockLine(carrots.pk, Decimal(-4))], source=customer
        )

    assert {(m.product_id, m.reason, m.quantity) for m in movements} == {
        (leeks.pk, "reservation", Decimal("-3.000")),
        (carrots.pk, "release", Decimal("4.000")),
    }
    assert (stock_available(product_id=leeks.pk), stock_available(product_id=carrots.pk)) == (Decimal(5), Decimal(9))
    # what the source still holds comes back whole
    stock_release(source=customer)
    assert (stock_available(product_id=leeks.pk), stock_available(product_id=carrots.pk)) == (Decimal(10), Decimal(10))
    assert stock_check_ledger() == {}


def test_a_shortage_writes_nothing(products, customer):
    leeks, carrots = products
    stock_reserve(lines=[StockLine(carrots.pk, Decimal(5))], source=customer)
    count = StockMovement.objects.count()

    with pytest.raises(InsufficientStock) as refused, transaction.atomic():
        stock_reservation_change(
            lines=[StockLine(leeks.pk, Decimal(11)), StockLine(carrots.pk, Decimal(-5))], source=customer
        )

    assert refused.value.extra["product"] == leeks.pk
    assert StockMovement.objects.count() == count
    assert stock_available(product_id=carrots.pk) == Decimal(5)


def test_nothing_to_change_is_a_no_op(products, customer):
    assert stock_reservation_change(lines=[StockLine(products[0].pk, Decimal(0))], source=customer) == []
