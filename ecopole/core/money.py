"""Money arithmetic, in `Decimal` only (never `float`): the one place that rounds amounts.

Prices are VAT included (French retail). An amount is rounded to the cent, half up (0.005 → 0.01), at the points
its caller defines (orders: each line total and each line's VAT, then sums of those rounded figures; vending: the
VAT once per rate of a report). VAT rates are percentages (`Decimal("5.50")`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """`value` rounded to the cent, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(*, unit_price: Decimal, quantity: Decimal) -> Decimal:
    """Unit price × quantity (a weight to the gram, or a count), rounded to the cent."""
    return money(Decimal(unit_price) * Decimal(quantity))


def vat_included(amount_incl: Decimal, rate_percent: Decimal) -> Decimal:
    """The VAT contained in a VAT-inclusive amount, rounded to the cent."""
    amount_incl = Decimal(amount_incl)
    return money(amount_incl - amount_incl / (1 + Decimal(rate_percent) / 100))


def amount_excl_vat(amount_incl: Decimal, rate_percent: Decimal) -> Decimal:
    """A VAT-inclusive amount without its VAT, rounded to the cent (the price excl. VAT shown to professionals)."""
    return money(Decimal(amount_incl) / (1 + Decimal(rate_percent) / 100))
