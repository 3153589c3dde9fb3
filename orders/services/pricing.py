"""Order money arithmetic, pure and in `Decimal`: VAT is included in prices.

Rounding points (to the cent, ROUND_HALF_UP, `ecopole.core.money`): each line total (unit price × quantity), each line's VAT
(total − total / (1 + rate)); then the order sums those rounded figures: subtotal, VAT per rate, VAT total.
The delivery fee carries VAT at the highest rate among the order's lines (French rule for an accessory delivery:
it follows the goods; with several rates, applying the highest is the accepted simplification).

Jar deposits (consigne): each line's deposit is the deposit per jar × the billed quantity, rounded to the cent, kept
beside the line total. A returnable packaging deposit is outside the VAT base (BOI-TVA-BASE-10-20-20: the deposit
of packaging that is returned is not part of the price), so it is not in the subtotal, carries no VAT, stays out of
`vat_breakdown`, and counts neither for the free delivery threshold nor the minimum order (goods only); the order's
total is subtotal + delivery fee + deposits. A product sold by weight carries no deposit (`Product.clean`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ecopole.core.money import CENT, ZERO, line_total, money, vat_included

__all__ = [
    "DepositSummary",
    "LineAmounts",
    "OrderTotals",
    "PricedLine",
    "deposit_summary",
    "line_amounts",
    "money",
    "order_totals",
    "vat_included",
]


@dataclass(frozen=True)
class LineAmounts:
    line_total: Decimal
    vat_amount: Decimal
    deposit_amount: Decimal


def line_amounts(*, unit_price: Decimal, quantity: Decimal, vat_rate: Decimal, deposit: Decimal) -> LineAmounts:
    """The line's total VAT included and its VAT, and its deposit (`deposit` per jar × `quantity`, no VAT). The
    deposit is required: a caller cannot forget it (0 for a product without one)."""
    total = line_total(unit_price=unit_price, quantity=quantity)
    return LineAmounts(
        line_total=total,
        vat_amount=vat_included(total, vat_rate),
        deposit_amount=line_total(unit_price=deposit, quantity=quantity),
    )


@dataclass(frozen=True)
class PricedLine:
    line_total: Decimal
    vat_amount: Decimal
    vat_rate: Decimal
    deposit_amount: Decimal


@dataclass(frozen=True)
class OrderTotals:
    subtotal: Decimal
    delivery_fee: Decimal
    vat_breakdown: list[dict]
    vat_total: Decimal
    deposit_total: Decimal
    total: Decimal


def order_totals(*, lines: Iterable[PricedLine], delivery_fee: Decimal) -> OrderTotals:
    """Sum already-rounded line figures; add the delivery fee and its VAT, and the deposits (no VAT). `vat_breakdown`
    is JSON-ready: `[{"rate": "5.50", "amount": "12.40", "vat": "0.65"}]`, by increasing rate, amounts VAT included;
    the deposits are not in it."""
    lines = list(lines)
    delivery_fee = money(delivery_fee)
    amounts: dict[Decimal, Decimal] = defaultdict(Decimal)
    vats: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        rate = Decimal(line.vat_rate).quantize(CENT)
        amounts[rate] += line.line_total
        vats[rate] += line.vat_amount
    if delivery_fee > 0:
        rate = max(amounts) if amounts else Decimal("20.00")
        amounts[rate] += delivery_fee
        vats[rate] += vat_included(delivery_fee, rate)
    subtotal = money(sum((line.line_total for line in lines), ZERO))
    deposit_total = money(sum((line.deposit_amount for line in lines), ZERO))
    breakdown = [
        {"rate": str(rate), "amount": str(money(amounts[rate])), "vat": str(money(vats[rate]))}
        for rate in sorted(amounts)
    ]
    return OrderTotals(
        subtotal=subtotal,
        delivery_fee=delivery_fee,
        vat_breakdown=breakdown,
        vat_total=money(sum(vats.values(), ZERO)),
        deposit_total=deposit_total,
        total=subtotal + delivery_fee + deposit_total,
    )


@dataclass(frozen=True)
class DepositSummary:
    """What a page, a cart or an email says of the deposits: "3 bocaux × 0,50 €" (`per_jar` is None when the jars
    carry different deposits), and their amount."""

    jars: int | Decimal  # an int when whole (the plural wants one)
    per_jar: Decimal | None
    amount: Decimal

    @property
    def detail(self) -> str:
        """ "3 bocaux × 0,50 €" (or "3 bocaux" when the deposits differ), in the active language."""
        from django.utils.formats import number_format
        from django.utils.translation import gettext, ngettext

        jars = ngettext("%(jars)s jar", "%(jars)s jars", self.jars) % {"jars": number_format(self.jars)}
        if self.per_jar is None:
            return jars
        return gettext("%(jars)s × %(deposit)s €") % {"jars": jars, "deposit": number_format(self.per_jar, 2)}


def deposit_summary(lines: Iterable[tuple[Decimal, Decimal, Decimal]]) -> DepositSummary | None:
    """From (deposit per jar, quantity, deposit amount) per line, those with a deposit summed; None without any."""
    lines = [(Decimal(deposit), Decimal(quantity), amount) for deposit, quantity, amount in lines if deposit > 0]
    if not lines:
        return None
    jars = sum((quantity for _deposit, quantity, _amount in lines), Decimal(0))
    per_jar = {deposit for deposit, _quantity, _amount in lines}
    return DepositSummary(
        jars=int(jars) if jars == jars.to_integral_value() else jars.normalize(),
        per_jar=per_jar.pop() if len(per_jar) == 1 else None,
        amount=money(sum((amount for _deposit, _quantity, amount in lines), ZERO)),
    )
