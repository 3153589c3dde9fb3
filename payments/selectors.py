"""Reads of payments, for the shop, staff, and the invoicing app: what was captured and given back for each thing
and each customer, the balance and its entries, the vouchers of a partner's month."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from ecopole.core.csv_export import SafeCsvWriter

from .models import (
    BalanceEntry,
    BalanceEntryKind,
    CustomerBalance,
    Payment,
    PaymentMovement,
    Provider,
    Voucher,
    VoucherPartner,
)
from .services.ledger import kept_total


def payments_of(*, source: str, ref: int) -> QuerySet[Payment]:
    """Every payment of `source`'s thing `ref`, oldest first, with their movements."""
    return Payment.objects.filter(source=source, ref=ref).prefetch_related("movements").order_by("pk")


def amount_kept(*, source: str, ref: int) -> Decimal:
    """Captured minus refunded (to the card or the balance) over every payment of the thing: what an invoice bills."""
    return kept_total(source=source, ref=ref)


def payment_movements(
    *, customer_id: int | None = None, source: str = "", ref: int | None = None, start=None, end=None
) -> QuerySet[PaymentMovement]:
    """Money movements (captured, refunded, credited to the balance, corrected), filtered, in order: the rows the
    invoices and the treasurer's exports reconcile against."""
    movements = PaymentMovement.objects.select_related("payment")
    if customer_id is not None:
        movements = movements.filter(payment__customer_id=customer_id)
    if source:
        movements = movements.filter(payment__source=source)
    if ref is not None:
        movements = movements.filter(payment__ref=ref)
    if start is not None:
        movements = movements.filter(created_at__gte=start)
    if end is not None:
        movements = movements.filter(created_at__lt=end)
    return movements.order_by("created_at", "pk")


def payment_methods_for(*, customer_id: int, amount: Decimal, variable_weight: bool) -> list[str]:
    """The providers a thing may be paid with now, in the order the shop offers them: online card (when configured),
    the balance (when it covers the amount, and the amount is final: not a weighed order), at pickup (always)."""
    from .providers import providers_available

    names = {provider.name for provider in providers_available()}
    methods = []
    if Provider.STRIPE in names:
        methods.append(Provider.STRIPE)
    if not variable_weight and amount > 0 and balance_of(customer_id=customer_id) >= amount:
        methods.append(Provider.BALANCE)
    methods.append(Provider.COUNTER)
    return methods


def balance_of(*, customer_id: int) -> Decimal:
    balance = CustomerBalance.objects.filter(customer_id=customer_id).values_list("amount", flat=True).first()
    return balance if balance is not None else Decimal("0.00")


def balance_entries(*, customer_id: int, start=None, end=None) -> QuerySet[BalanceEntry]:
    entries = BalanceEntry.objects.filter(customer_id=customer_id)
    if start is not None:
        entries = entries.filter(created_at__gte=start)
    if end is not None:
        entries = entries.filter(created_at__lt=end)
    return entries.order_by("created_at", "pk")


def voucher_partners_active() -> QuerySet[VoucherPartner]:
    """The partners whose vouchers are taken now, by name (the counter's choice list)."""
    return VoucherPartner.objects.filter(is_active=True).order_by("name")


def balance_credits(*, start, end) -> QuerySet[BalanceEntry]:
    """Credits to customers' balances that no payment made (a voucher handed over without an order, jars returned);
    the others (a refund credited to the balance) are payment movements."""
    return BalanceEntry.objects.filter(
        kind__in=(BalanceEntryKind.VOUCHER, BalanceEntryKind.DEPOSIT),
        amount__gt=0,
        created_at__gte=start,
        created_at__lt=end,
    ).order_by("created_at", "pk")


def vouchers_of_month(*, partner_id: int, year: int, month: int) -> QuerySet[Voucher]:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return (
        Voucher.objects.filter(partner_id=partner_id, received_at__date__gte=start, received_at__date__lt=end)
        .select_related("partner", "customer", "payment")
        .order_by("received_at", "pk")
    )


def voucher_statement_csv(*, partner_id: int, year: int, month: int) -> str:
    """A partner's monthly statement: one row per voucher received, then the total (CSV through the safe writer)."""
    stream = io.StringIO()
    writer = SafeCsvWriter(stream, delimiter=";")
    writer.writerow(["date", "numero", "valeur", "client", "paye"])
    total = Decimal("0.00")
    for voucher in vouchers_of_month(partner_id=partner_id, year=year, month=month):
        total += voucher.value
        paid = f"{voucher.payment.source} {voucher.payment.ref}" if voucher.payment else "solde"
        writer.writerow(
            [voucher.received_at.date().isoformat(), voucher.number, str(voucher.value), voucher.customer.email, paid]
        )
    writer.writerow(["total", "", str(total), "", ""])
    return stream.getvalue()
