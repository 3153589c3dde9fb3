"""Issuing invoices and credit notes: continuous numbers per series and year, immutable once issued.

Callers (orders, baskets, processing) pass plain data: the buyer's identity and the lines with their prices VAT
included and VAT rates. Invoicing imports none of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ecopole.core.locking import lock_one, lock_rows
from ecopole.core.money import CENT, ZERO, money, vat_included
from ecopole.core.outbox import outbox_enqueue
from ecopole.core.personal_data import PSEUDONYM_PATTERN

from ..errors import AlreadyCredited, InvoiceNotFound, NotAnInvoice
from ..models import Invoice, InvoiceCounter, InvoiceKind, InvoiceLine, Series

SEND_HANDLER = "invoicing.services.emails.invoice_send"


@dataclass(frozen=True)
class Buyer:
    """Who the invoice is addressed to, copied onto it at issue."""

    name: str
    email: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    siret: str = ""
    vat_number: str = ""

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "email": self.email,
            "address": self.address,
            "postcode": self.postcode,
            "city": self.city,
            "siret": self.siret,
            "vat_number": self.vat_number,
        }


@dataclass(frozen=True)
class LineData:
    """One line: price VAT included (the shop's prices), its rate in percent (Decimal("5.50"))."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    amount: Decimal | None = None  # the line's total VAT included; computed from price × quantity when None
    unit: str = ""
    extra: dict = field(default_factory=dict)
    deposit: bool = False  # a jar's deposit, outside the VAT base (its rate is 0)


def seller_snapshot() -> dict:
    """The seller's legal mentions, from settings, as printed on the invoice."""
    vat_number = settings.INVOICING_SELLER_VAT_NUMBER.strip()
    return {
        "name": settings.INVOICING_SELLER_NAME,
        "address": settings.INVOICING_SELLER_ADDRESS,
        "postcode": settings.INVOICING_SELLER_POSTCODE,
        "city": settings.INVOICING_SELLER_CITY,
        "siret": settings.INVOICING_SELLER_SIRET,
        "vat_number": vat_number,
        "vat_exemption": "" if vat_number else settings.INVOICING_VAT_EXEMPTION_TEXT,
        "payment_terms": settings.INVOICING_PAYMENT_TERMS,
    }


def _vat_exempt(seller: dict) -> bool:
    return not seller["vat_number"]


def next_number(*, series: str, year: int) -> int:
    """The next number of (series, year), taken under the counter row's lock: the lock is held until the caller's
    transaction ends, so concurrent issuers queue, and a rollback gives the number back (no gap)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must be called inside transaction.atomic()")
    InvoiceCounter.objects.bulk_create([InvoiceCounter(series=series, year=year)], ignore_conflicts=True)
    counter = lock_one(InvoiceCounter.objects.all(), series=series, year=year)
    InvoiceCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    return counter.last_number + 1


def _priced_lines(lines: Iterable[LineData], *, exempt: bool) -> list[dict]:
    priced = []
    for position, line in enumerate(lines, start=1):
        rate = Decimal(0).quantize(CENT) if exempt else Decimal(line.vat_rate).quantize(CENT)
        amount = money(line.amount if line.amount is not None else Decimal(line.unit_price) * Decimal(line.quantity))
        priced.append(
            {
                "position": position,
                "description": line.description[:255],
                "quantity": Decimal(line.quantity),
                "unit": line.unit,
                "unit_price": money(line.unit_price),
                "vat_rate": rate,
                "amount_incl_vat": amount,
                "vat_amount": vat_included(amount, rate),
                "deposit": line.deposit,
            }
        )
    return priced


def _breakdown(priced: list[dict]) -> list[dict]:
    """VAT per rate: base excl. VAT, VAT and total, by increasing rate (figures summed from the rounded lines)."""
    totals: dict[Decimal, Decimal] = defaultdict(Decimal)
    vats: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in priced:
        totals[line["vat_rate"]] += line["amount_incl_vat"]
        vats[line["vat_rate"]] += line["vat_amount"]
    return [
        {
            "rate": str(rate),
            "base": str(money(totals[rate] - vats[rate])),
            "vat": str(money(vats[rate])),
            "total": str(money(totals[rate])),
        }
        for rate in sorted(totals)
    ]


def _create(
    *,
    series: str,
    kind: str,
    source: str,
    buyer: dict,
    priced: list[dict],
    seller: dict,
    customer_id: int | None,
    producer_id: int | None,
    e_invoice: bool,
    credited_invoice: Invoice | None = None,
    note: str = "",
    now: datetime | None = None,
    send: bool = True,
) -> Invoice:
    # The date is read once the counter is locked: numbers and issue times then run in the same order.
    year = timezone.localdate(now or timezone.now()).year
    number = next_number(series=series, year=year)
    now = now or timezone.now()
    issue_date = timezone.localdate(now)
    vat_total = money(sum((line["vat_amount"] for line in priced), ZERO))
    total = money(sum((line["amount_incl_vat"] for line in priced), ZERO))
    invoice = Invoice.objects.create(
        series=series,
        year=year,
        number=number,
        kind=kind,
        credited_invoice=credited_invoice,
        source=source,
        customer_id=customer_id,
        producer_id=producer_id,
        buyer=buyer,
        seller=seller,
        issue_date=issue_date,
        issued_at=now,
        total_excl_vat=total - vat_total,
        vat_total=vat_total,
        total_incl_vat=total,
        vat_breakdown=_breakdown(priced),
        e_invoice=e_invoice,
        note=note[:255],
    )
    InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, **line) for line in priced])
    if send:
        outbox_enqueue(key=f"invoicing.invoice:{invoice.pk}", handler=SEND_HANDLER, payload={"invoice_id": invoice.pk})
    return invoice


def invoice_issue(
    *,
    series: str,
    source: str,
    buyer: Buyer,
    lines: Iterable[LineData],
    customer_id: int | None = None,
    producer_id: int | None = None,
    e_invoice: bool = False,
    note: str = "",
    now: datetime | None = None,
    send: bool = True,
) -> tuple[Invoice, bool]:
    """Issue the invoice of `source` (e.g. "order:12"), numbered next in its series and year.

    Guarantees: idempotent by `source` (a second call returns the existing invoice and False); the number comes
    from the counter row locked until the caller's transaction ends (no gap, no duplicate; a rollback consumes no
    number); the seller's legal mentions are copied from settings; the email goes through the outbox after commit
    (`send=False`: the caller sends the document in its own email and marks it with `invoice_mark_emailed`).
    Runs inside the caller's transaction when there is one (an order's fulfilment, a statement's build), so the
    invoice exists exactly when what it bills does.
    """
    existing = Invoice.objects.filter(source=source).first()
    if existing is not None:
        return existing, False
    seller = seller_snapshot()
    priced = _priced_lines(lines, exempt=_vat_exempt(seller))
    try:
        with transaction.atomic():
            invoice = _create(
                series=series,
                kind=InvoiceKind.INVOICE,
                source=source,
                buyer=buyer.as_dict(),
                priced=priced,
                seller=seller,
                customer_id=customer_id,
                producer_id=producer_id,
                e_invoice=e_invoice,
                note=note,
                now=now,
                send=send,
            )
    except IntegrityError:
        existing = Invoice.objects.filter(source=source).first()
        if existing is None:
            raise
        return existing, False
    return invoice, True


def credit_note_issue(*, invoice_id: int, reason: str = "", now: datetime | None = None) -> Invoice:
    """Issue the credit note (avoir) cancelling invoice `invoice_id` in full, in series "A", referring to it.

    Guarantees: the invoice row is locked while the credit note is numbered; an invoice is credited once
    (`invoice_already_credited` 409 after that); a credit note cannot be credited (`not_an_invoice`). Durable.
    """
    with transaction.atomic(durable=True):
        try:
            invoice = lock_one(Invoice.objects.all(), pk=invoice_id)
        except Invoice.DoesNotExist:
            raise InvoiceNotFound() from None
        if invoice.kind != InvoiceKind.INVOICE:
            raise NotAnInvoice(reference=invoice.reference)
        previous = invoice.credit_notes.first()
        if previous is not None:
            raise AlreadyCredited(reference=invoice.reference, credit_note=previous.reference)
        priced = [
            {
                "position": line.position,
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price": line.unit_price,
                "vat_rate": line.vat_rate,
                "amount_incl_vat": line.amount_incl_vat,
                "vat_amount": line.vat_amount,
                "deposit": line.deposit,
            }
            for line in invoice.lines.all()
        ]
        return _create(
            series=Series.CREDIT_NOTE,
            kind=InvoiceKind.CREDIT_NOTE,
            source=f"credit:{invoice.pk}",
            buyer=invoice.buyer,
            priced=priced,
            seller=seller_snapshot(),
            customer_id=invoice.customer_id,
            producer_id=invoice.producer_id,
            e_invoice=invoice.e_invoice,
            credited_invoice=invoice,
            note=reason,
            now=now,
        )


def invoice_mark_emailed(*, invoice_id: int) -> None:
    """Record that the invoice reached its buyer in another app's email (the workshop statement's)."""
    Invoice.objects.filter(pk=invoice_id, emailed_at__isnull=True).update(emailed_at=timezone.now())


def invoices_buyer_pseudonymise(*, customer_id: int, pseudonym: str, now: datetime | None = None) -> int:
    """At the erasure of a customer's personal data: on each of their invoices and credit notes, the buyer's name
    becomes `pseudonym` (the account's, `ecopole.core.personal_data.pseudonym`, the one the erased account carries) and
    their email and address are emptied; `buyer_pseudonymised_at` records when. Amounts, numbers, lines and the note
    stay as issued: the invoices still add up and print, under the pseudonym (the PDF and Factur-X are rendered from
    these rows on demand, nothing else is stored).

    Guarantees: the invoices are locked (by primary key) while they change; idempotent (an invoice is pseudonymised
    once, a second call changes nothing); the database trigger refuses anything but exactly this change. Runs in the
    caller's transaction when there is one (the erasure walk's). Returns how many invoices changed."""
    if not re.fullmatch(PSEUDONYM_PATTERN, pseudonym):
        raise ValueError(f"{pseudonym!r} is not a pseudonym")
    with transaction.atomic():
        pending = Invoice.objects.filter(customer_id=customer_id, buyer_pseudonymised_at__isnull=True)
        ids = [invoice.pk for invoice in lock_rows(pending.only("pk"), of=("self",))]
        return Invoice.objects.filter(pk__in=ids).buyer_pseudonymise(pseudonym=pseudonym, at=now or timezone.now())
