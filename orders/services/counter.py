"""Counter sales (ventes au comptoir): a manager or a preparer sells to a walk-in customer at the épicerie.

Why in `orders`: a counter sale is priced exactly as an order line (`pricing.line_amounts`, `order_totals`), checks
its quantities by the order lines' rule (`line_quantity_check`) and records the payment methods orders already know
(cash, card, cheque); a small app of its own would import all of it from here. It has no customer, no place, no
lifecycle: two tables, `CounterSale` and its lines, written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from catalogue.models import MovementReason, Product
from catalogue.services.stock import StockLine, stock_apply

from ..errors import CounterSaleEmpty, DuplicateProduct, ProductUnavailable
from ..models import CounterSale, CounterSaleLine, PaymentMethod
from .grocery import LineRequest, line_quantity_check
from .pricing import PricedLine, line_amounts, order_totals

COUNTER_PAYMENT_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CHEQUE)


def counter_sale_record(*, seller, lines: Iterable[LineRequest], payment_method: str) -> CounterSale:
    """Record a counter sale paid on the spot and take its products out of the stock, all or nothing.

    Guarantees: every product active, each at most once, each quantity at the product's minimum and step; the stock
    leaves through the ledger (`stock_apply`, reason `counter_sale`, the sale as source) under its row locks in
    primary-key order, so two sales at once never take the stock below zero (`insufficient_stock`, 409, and nothing
    written). Prices, VAT and jar deposits are the catalogue's at the time of sale; the customer pays the total, the
    deposits included (`total` = `subtotal` + `deposit_total`). Runs in its own durable transaction.
    """
    if payment_method not in COUNTER_PAYMENT_METHODS:
        raise ValueError(f"not a counter payment method: {payment_method}")
    lines = list(lines)
    if not lines:
        raise CounterSaleEmpty()
    seen: set[int] = set()
    for line in lines:
        if line.product_id in seen:
            raise DuplicateProduct(product=line.product_id)
        seen.add(line.product_id)
    with transaction.atomic(durable=True):
        products = Product.objects.in_bulk([line.product_id for line in lines])
        sale_lines = []
        for line in lines:
            product = products.get(line.product_id)
            if product is None or not product.is_active:
                raise ProductUnavailable(product=line.product_id)
            quantity = Decimal(line.quantity)
            line_quantity_check(product=product, quantity=quantity)
            amounts = line_amounts(
                unit_price=product.unit_price, quantity=quantity, vat_rate=product.vat_rate, deposit=product.deposit
            )
            sale_lines.append(
                CounterSaleLine(
                    product=product,
                    product_name=product.name,
                    unit=product.unit,
                    unit_price=product.unit_price,
                    vat_rate=product.vat_rate,
                    quantity=quantity,
                    line_total=amounts.line_total,
                    vat_amount=amounts.vat_amount,
                    deposit=product.deposit,
                    deposit_amount=amounts.deposit_amount,
                )
            )
        totals = order_totals(
            lines=[
                PricedLine(line.line_total, line.vat_amount, line.vat_rate, line.deposit_amount) for line in sale_lines
            ],
            delivery_fee=Decimal("0.00"),
        )
        sale = CounterSale.objects.create(
            seller=seller,
            payment_method=payment_method,
            subtotal=totals.subtotal,
            vat_total=totals.vat_total,
            vat_breakdown=totals.vat_breakdown,
            deposit_total=totals.deposit_total,
            total=totals.total,
        )
        for line in sale_lines:
            line.sale = sale
        CounterSaleLine.objects.bulk_create(sale_lines)
        # Last: the contended stock rows stay locked for the fewest statements.
        stock_apply(
            lines=[StockLine(line.product_id, -line.quantity) for line in sale_lines],
            reason=MovementReason.COUNTER_SALE,
            source=sale,
            user=seller,
        )
    return sale
