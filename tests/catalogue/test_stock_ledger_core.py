from decimal import Decimal

import pytest

from catalogue.errors import InsufficientStock
from catalogue.models import Category, Product, StockMovement
from catalogue.services.stock import (
    StockLine,
    stock_available,
    stock_check_ledger,
    stock_count,
    stock_receive,
    stock_release,
    stock_reserve,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def leeks(producer):
    category = Category.objects.create(name="Légumes", slug="legumes")
    return Product.objects.create(
        producer=producer, category=category, name="Poireaux", slug="poireaux", unit_price=Decimal("2.80")
    )


def test_reserve_then_release_balances_the_ledger(leeks, customer):
    stock_receive(product_id=leeks.pk, quantity=Decimal("10"))
    stock_reserve(lines=[StockLine(leeks.pk, Decimal("4"))], source=customer)
    assert stock_available(product_id=leeks.pk) == Decimal("6")

    released = stock_release(source=customer)
    released_again = stock_release(source=customer)

    assert stock_available(product_id=leeks.pk) == Decimal("10")
    assert len(released) == 1 and released_again == []
    assert stock_check_ledger() == {}


def test_a_reservation_beyond_stock_is_refused_and_writes_nothing(leeks, customer):
    stock_receive(product_id=leeks.pk, quantity=Decimal("3"))

    with pytest.raises(InsufficientStock) as error:
        stock_reserve(lines=[StockLine(leeks.pk, Decimal("5"))], source=customer)

    assert error.value.code == "insufficient_stock"
    assert error.value.extra["available"] == "3.000"
    assert StockMovement.objects.filter(product=leeks).count() == 1
    assert stock_available(product_id=leeks.pk) == Decimal("3")


def test_inventory_count_records_the_difference(leeks):
    stock_receive(product_id=leeks.pk, quantity=Decimal("10"))
    movement = stock_count(product_id=leeks.pk, counted=Decimal("7.5"))
    assert movement.quantity == Decimal("-2.5") and movement.reason == "adjustment"
    assert stock_count(product_id=leeks.pk, counted=Decimal("7.5")) is None
    assert stock_available(product_id=leeks.pk) == Decimal("7.5")
