"""Property test of the ledger: whatever the sequence of operations, the level is the sum of the movements, is
never negative, and matches a plain Python model of the stock."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.errors import InsufficientStock
from catalogue.models import StockMovement
from catalogue.services.stock import (
    StockLine,
    stock_available,
    stock_check_ledger,
    stock_count,
    stock_receive,
    stock_record_loss,
    stock_release,
    stock_reserve,
)
from tests.factories.catalogue import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("40"), places=3)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), quantities),
        st.tuples(st.just("reserve"), quantities, st.integers(0, 2)),
        st.tuples(st.just("release"), st.integers(0, 2)),
        st.tuples(st.just("loss"), quantities),
        st.tuples(st.just("count"), st.decimals(min_value=Decimal("0"), max_value=Decimal("60"), places=3)),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_the_level_is_always_the_sum_of_movements_and_never_negative(ops, category_for_properties):
    product = ProductFactory(category=category_for_properties)
    # Fresh sources (any model will do; categories are the cheapest rows) so a release concerns this example only.
    sources = [CategoryFactory() for _ in range(3)]
    expected = Decimal("0")
    reserved = [Decimal("0")] * 3

    for op in ops:
        kind = op[0]
        if kind == "receive":
            stock_receive(product_id=product.pk, quantity=op[1])
            expected += op[1]
        elif kind == "reserve":
            quantity, source = op[1], op[2]
            if quantity > expected:
                with pytest.raises(InsufficientStock):
                    stock_reserve(lines=[StockLine(product.pk, quantity)], source=sources[source])
            else:
                stock_reserve(lines=[StockLine(product.pk, quantity)], source=sources[source])
                expected -= quantity
                reserved[source] += quantity
        elif kind == "release":
            stock_release(source=sources[op[1]])
            expected += reserved[op[1]]
            reserved[op[1]] = Decimal("0")
        elif kind == "loss":
            if op[1] > expected:
                with pytest.raises(InsufficientStock):
                    stock_record_loss(product_id=product.pk, quantity=op[1])
            else:
                stock_record_loss(product_id=product.pk, quantity=op[1])
                expected -= op[1]
        elif kind == "count":
            stock_count(product_id=product.pk, counted=op[1])
            expected = op[1]

        level = stock_available(product_id=product.pk)
        assert level == expected
        assert level >= 0
        assert stock_check_ledger(product_ids=[product.pk]) == {}

    ledger_sum = sum((m.quantity for m in StockMovement.objects.filter(product=product)), Decimal("0"))
    assert ledger_sum == expected


@pytest.fixture
def category_for_properties(db):
    return CategoryFactory()


def test_decimal_quantities_never_drift_even_where_the_database_sums_in_floats(category_for_properties, customer):
    # Decimal arithmetic must stay exact: 0.3 - 0.1 - 0.1 - 0.1 as floats is -2.8e-17 and would break the CHECK.
    product = ProductFactory(category=category_for_properties)
    stock_receive(product_id=product.pk, quantity=Decimal("0.3"))
    for _ in range(3):
        stock_record_loss(product_id=product.pk, quantity=Decimal("0.1"))
    assert stock_available(product_id=product.pk) == Decimal("0")

    stock_receive(product_id=product.pk, quantity=Decimal("1"))
    stock_reserve(lines=[StockLine(product.pk, Decimal("0.1"))], source=customer)
    stock_reserve(lines=[StockLine(product.pk, Decimal("0.2"))], source=customer)
    assert len(stock_release(source=customer)) == 1
    assert stock_release(source=customer) == []  # run twice: nothing left to release
    assert stock_available(product_id=product.pk) == Decimal("1")
    assert stock_check_ledger() == {}
