"""A decimal as plain text, written by one helper (issue 15.4): the grocery's fingerprints and events, the rounds'
handovers and the shop's quantity inputs all read the same."""

from decimal import Decimal

import pytest
from django.utils import translation

from ecopole.core.formats import display_decimal, plain_decimal
from shop.templatetags.shop import quantity, quantity_input


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1.000"), "1"),
        (Decimal("0.250"), "0.25"),
        (Decimal("100"), "100"),  # normalize() gives 1E+2: never an exponent
        (Decimal("1E+3"), "1000"),
        (Decimal("0.000"), "0"),
        (Decimal("-2.50"), "-2.5"),
        (3, "3"),
        ("12.500", "12.5"),
    ],
)
def test_plain_decimal_has_a_dot_no_trailing_zeros_and_no_exponent(value, text):
    assert plain_decimal(value) == text


def test_the_shop_filters_write_quantities_with_the_same_helper():
    assert quantity_input(Decimal("0.500")) == plain_decimal(Decimal("0.500")) == "0.5"
    assert quantity_input(None) == ""
    with translation.override("fr"):
        assert quantity(Decimal("12.000")) == "12"
        assert quantity(Decimal("0.500")) == "0,5"
        assert display_decimal(Decimal("276.000")) == "276"
        assert display_decimal(Decimal("12.50")) == "12,50"  # money keeps its cents
