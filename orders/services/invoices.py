"""The customer's invoice of a fulfilled order: orders hands invoicing plain data (lines, amounts VAT included,
VAT rates, the customer's identity); invoicing numbers and keeps it."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from invoicing.models import Invoice, Series
from invoicing.services.invoices import Buyer, LineData, invoice_issue

from ..models import Fulfilment, Order


def order_invoice_source(order_id: int) -> str:
    return f"order:{order_id}"


def order_invoice_issue(*, order: Order) -> Invoice:
    """Issue the order's invoice inside the caller's transaction (the fulfilment's): billed quantities (the weighed
    ones), each line's total and rate as the order holds them, the delivery fee at the order's highest rate (as
    `order_totals` does), the jars' deposits on 0 % lines (no VAT on a returnable packaging's deposit), so
    the invoice's total is the order's to the cent. Idempotent by the order."""
    order_lines = list(order.lines.all().order_by("id"))
    lines = [
        LineData(
            description=line.product_name,
            quantity=line.billed_quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            amount=line.line_total,
        )
        for line in order_lines
    ]
    if order.delivery_fee > 0:
        rate = max((line.vat_rate for line in lines), default=Decimal("20.00"))
        lines.append(
            LineData(
                description=_("Home delivery"),
                quantity=Decimal(1),
                unit_price=order.delivery_fee,
                vat_rate=rate,
                amount=order.delivery_fee,
            )
        )
    # The jars' deposits, outside the VAT base (BOI-TVA-BASE-10-20-20): a line at 0 % per deposit amount (jars of
    # 0.50 € on one line), so that the invoice's total is what the order charged.
    jars: dict[Decimal, list] = defaultdict(list)
    for line in order_lines:
        if line.deposit_amount > 0:
            jars[line.deposit].append(line)
    for deposit, deposit_lines in sorted(jars.items()):
        lines.append(
            LineData(
                description=_("Jar deposit (outside the scope of VAT)"),
                quantity=sum((line.billed_quantity for line in deposit_lines), Decimal(0)),
                unit=deposit_lines[0].unit,
                unit_price=deposit,
                vat_rate=Decimal("0.00"),
                amount=sum((line.deposit_amount for line in deposit_lines), Decimal("0.00")),
                deposit=True,
            )
        )
    customer = order.customer
    home = order.fulfilment == Fulfilment.HOME
    buyer = Buyer(
        name=customer.full_name or customer.email,
        email=customer.email,
        address=order.delivery_address if home else "",
        postcode=order.delivery_postcode if home else "",
        city=order.delivery_commune if home else "",
    )
    invoice, _created = invoice_issue(
        series=Series.CUSTOMER,
        source=order_invoice_source(order.pk),
        buyer=buyer,
        lines=lines,
        customer_id=order.customer_id,
        note=_("Order #%(order)s of %(date)s") % {"order": order.pk, "date": order.delivery_date.strftime("%d/%m/%Y")},
    )
    return invoice
