"""Invoicing: invoices are issued by the service (numbers come from the locked counter, never from a factory)."""

from __future__ import annotations

from decimal import Decimal

from invoicing.models import Series
from invoicing.services.invoices import Buyer, LineData, invoice_issue


def issue_invoice(*, customer=None, producer=None, source: str, series: str = Series.CUSTOMER, lines=None, **kw):
    """An invoice issued for `source` with two lines at two VAT rates (5.5 % food, 20 % delivery) by default."""
    lines = lines or [
        LineData(
            description="Poireaux bio", quantity=Decimal("2"), unit_price=Decimal("2.80"), vat_rate=Decimal("5.5")
        ),
        LineData(description="Livraison", quantity=Decimal("1"), unit_price=Decimal("4.00"), vat_rate=Decimal("20")),
    ]
    name = customer.full_name if customer else (producer.name if producer else "Client")
    email = customer.email if customer else ""
    buyer = Buyer(
        name=name,
        email=email,
        address="1 rue des Maraîchers",
        postcode="62100",
        city="Calais",
        siret=getattr(producer, "siret", "") if producer else "",
        vat_number=getattr(producer, "vat_number", "") if producer else "",
    )
    invoice, _ = invoice_issue(
        series=series,
        source=source,
        buyer=buyer,
        lines=lines,
        customer_id=customer.pk if customer else None,
        producer_id=producer.pk if producer else None,
        **kw,
    )
    return invoice
