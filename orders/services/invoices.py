"""The customer's invoice of a fulfilled order: orders hands invoicing plain data (lines, amounts VAT included,
VAT rates, the customer's identity); invoicing numbers and keeps it."""

from __future__ import annotations

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
    `order_totals` does), so the invoice's total is the order's to the cent. Idempotent by the order."""
    lines = [
        LineData(
            description=line.product_name,
            quantity=line.billed_quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            amount=line.line_total,
        )
        for line in order.lines.all().order_by("id")
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
