"""The one money module: cents, half up, VAT included in prices."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecopole.core.money import amount_excl_vat, line_total, money, vat_included

FRENCH_RATES = [Decimal("5.50"), Decimal("10.00"), Decimal("20.00")]
cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: Decimal(n) / 100)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),  # half up, not half even
        ("0.015", "0.02"),
        ("0.025", "0.03"),
        ("2.344", "2.34"),
        ("2.345", "2.35"),
        ("-0.005", "-0.01"),  # a refund rounds away from zero like a payment
        ("7", "7.00"),
    ],
)
def test_money_rounds_to_the_cent_half_up(value, expected):
    assert money(Decimal(value)) == Decimal(expected)
    assert str(money(Decimal(value))) == expected


def test_line_total_is_price_times_quantity_rounded_once():
    # 3.49 €/kg × 0.355 kg = 1.23895 → 1.24
    assert line_total(unit_price=Decimal("3.49"), quantity=Decimal("0.355")) == Decimal("1.24")
    assert line_total(unit_price=Decimal("2.50"), quantity=Decimal("3")) == Decimal("7.50")


def test_vat_included_and_price_excluding_vat_examples():
    assert vat_included(Decimal("10.55"), Decimal("5.50")) == Decimal("0.55")
    assert vat_included(Decimal("12.00"), Decimal("20.00")) == Decimal("2.00")
    assert amount_excl_vat(Decimal("2.50"), Decimal("5.50")) == Decimal("2.37")  # 2.3697
    assert vat_included(Decimal("0.03"), Decimal("20.00")) == Decimal("0.01")  # exactly 0.005: half up


@given(amount=cents, rate=st.sampled_from(FRENCH_RATES))
def test_vat_included_equals_the_rate_over_100_plus_rate_form(amount, rate):
    # vending computed its report's VAT as amount × rate / (100 + rate); orders as amount − amount / (1 + rate/100).
    # One function now serves both: the two forms agree to the cent on every amount (results stay identical).
    assert vat_included(amount, rate) == money(amount * rate / (Decimal(100) + rate))


@given(amount=cents, rate=st.sampled_from(FRENCH_RATES))
def test_price_excluding_vat_plus_vat_is_the_price_within_a_cent(amount, rate):
    excl, vat = amount_excl_vat(amount, rate), vat_included(amount, rate)
    assert excl >= 0 and vat >= 0
    assert abs(excl + vat - amount) <= Decimal("0.01")
    assert excl.as_tuple().exponent == -2 and vat.as_tuple().exponent == -2


@given(price=cents, grams=st.integers(min_value=0, max_value=100_000))
def test_line_total_is_within_half_a_cent_of_the_exact_product(price, grams):
    quantity = Decimal(grams) / 1000
    exact = price * quantity
    assert abs(line_total(unit_price=price, quantity=quantity) - exact) <= Decimal("0.005")
