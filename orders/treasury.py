"""The treasurer's movements (`invoicing.ports`) from the payments ledger: payments and invoicing are siblings that
import neither the other, so orders, above both, hands one to the other.

Every euro of an order goes through a `payments.Payment` (the counter's cash, card and cheques staff record, the
online card, vouchers, the balance), and every change of money is one `PaymentMovement`: a capture, a refund, a
difference credited to the balance, a payment recorded by mistake. Each becomes one movement settling the order's
invoice. Two credits to a customer's balance come from no payment: a voucher handed over without an order (money
the partner owes, now the customer's) and jars brought back (the deposit owed, now the customer's balance).

The counter's sales are paid on the spot and not invoiced: they reach the journal as each day's takings per payment
method (`invoicing.ports.CashSale`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from invoicing.ports import CashSale, Movement, MovementKind
from payments.models import BalanceEntryKind, Method, Provider
from payments.models import MovementKind as LedgerKind
from payments.selectors import balance_credits, payment_movements

from .models import CounterSale
from .services.invoices import order_invoice_source
from .services.payment import SOURCE

BALANCE_ACCOUNT = "419100"
DEPOSITS_ACCOUNT = "419600"


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    return since, until


def _ledger_movement(row) -> Movement:
    payment = row.payment
    method = payment.method
    kind = MovementKind.REFUND
    label = "Remboursement"
    if row.kind == LedgerKind.CAPTURE:
        kind = MovementKind.VOUCHER if payment.provider == Provider.VOUCHER else MovementKind.PAYMENT
        label = "Paiement"
    elif row.kind == LedgerKind.BALANCE_CREDIT:
        method, label = Method.BALANCE, "Crédité au solde"
    elif row.kind == LedgerKind.CORRECTION:
        label = "Correction"
    of = f"commande #{payment.ref}" if payment.source == SOURCE else f"{payment.source} #{payment.ref}"
    return Movement(
        kind=kind,
        on=timezone.localdate(row.created_at),
        reference=f"payment-movement:{row.pk}",
        label=f"{label} {of}",
        amount=row.amount,
        method=method,
        invoice_source=order_invoice_source(payment.ref) if payment.source == SOURCE else "",
        party=f"C{payment.customer_id}",
    )


def order_payment_movements(start: date, end: date) -> list[Movement]:
    """The period's money movements of orders, and the credits to customers' balances that no payment made."""
    since, until = _bounds(start, end)
    found = [_ledger_movement(row) for row in payment_movements(start=since, end=until)]
    for entry in balance_credits(start=since, end=until):
        common = {
            "on": timezone.localdate(entry.created_at),
            "reference": f"balance-entry:{entry.pk}",
            "amount": entry.amount,
            "party": f"C{entry.customer_id}",
            "counter_account": BALANCE_ACCOUNT,
        }
        if entry.kind == BalanceEntryKind.VOUCHER:
            found.append(
                Movement(
                    kind=MovementKind.VOUCHER, label=f"Chèque alimentaire {entry.note}", method=Method.VOUCHER, **common
                )
            )
        else:  # jars returned: the deposit the customer paid is now their balance
            found.append(
                Movement(
                    kind=MovementKind.TRANSFER,
                    label=f"Bocaux rendus {entry.note}",
                    method="deposit",
                    account=DEPOSITS_ACCOUNT,
                    **common,
                )
            )
    return found


def counter_cash_sales(start: date, end: date) -> list[CashSale]:
    """The counter's sales of the period, one per day and payment method (the day's takings: no invoice is made for
    a sale paid on the spot), their VAT per rate summed from each sale's rounded figures."""
    since, until = _bounds(start, end)
    days: dict[tuple, dict] = {}
    sales = CounterSale.objects.filter(created_at__gte=since, created_at__lt=until).order_by("created_at", "pk")
    for sale in sales.only("payment_method", "total", "deposit_total", "vat_breakdown", "created_at"):
        key = (timezone.localdate(sale.created_at), sale.payment_method)
        day = days.setdefault(key, {"total": Decimal(0), "deposit": Decimal(0), "count": 0, "rates": {}})
        day["total"] += sale.total
        day["deposit"] += sale.deposit_total
        day["count"] += 1
        for row in sale.vat_breakdown:
            amounts = day["rates"].setdefault(row["rate"], [Decimal(0), Decimal(0)])
            amounts[0] += Decimal(row["amount"])
            amounts[1] += Decimal(row["vat"])
    return [
        CashSale(
            on=on,
            reference=f"counter:{on:%Y-%m-%d}:{method}",
            method=method,
            total=day["total"],
            deposit_total=day["deposit"],
            count=day["count"],
            vat_breakdown=[
                {"rate": rate, "amount": str(amount), "vat": str(vat)}
                for rate, (amount, vat) in sorted(day["rates"].items(), key=lambda item: Decimal(item[0]))
            ],
        )
        for (on, method), day in sorted(days.items())
    ]
