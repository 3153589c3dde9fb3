"""The customer's balance: credits (refunds, vouchers, jars returned) and debits (paying with it).

The balance row is locked (`lock_one`) and re-read before each change; a debit larger than what it holds is refused
(`insufficient_balance`), and a database constraint keeps it from ever going below zero, so parallel debits cannot
overdraw it. Every change is a `BalanceEntry` with the balance after it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from ecopole.core.locking import lock_one

from ..errors import InsufficientBalance
from ..models import (
    BalanceEntry,
    BalanceEntryKind,
    CustomerBalance,
    Method,
    MovementKind,
    Payment,
    PaymentStatus,
    Provider,
)
from .ledger import payment_apply

CENT = Decimal("0.01")


def _locked_balance(customer_id: int) -> CustomerBalance:
    CustomerBalance.objects.get_or_create(customer_id=customer_id)
    return lock_one(CustomerBalance.objects.all(), customer_id=customer_id)


def balance_change_in_transaction(
    *,
    customer_id: int,
    amount: Decimal,
    kind: str,
    source: str = "",
    ref: int | None = None,
    note: str = "",
    actor=None,
) -> BalanceEntry:
    """Credit (`amount` > 0) or debit (< 0) a customer's balance inside the caller's transaction."""
    amount = Decimal(amount).quantize(CENT)
    with transaction.atomic():
        balance = _locked_balance(customer_id)
        if amount < 0 and balance.amount + amount < 0:
            raise InsufficientBalance(available=balance.amount, requested=-amount)
        CustomerBalance.objects.filter(pk=balance.pk).update(amount=F("amount") + amount)
        return BalanceEntry.objects.create(
            customer_id=customer_id,
            kind=kind,
            amount=amount,
            balance_after=balance.amount + amount,
            source=source,
            ref=ref,
            note=note[:255],
            actor=actor,
        )


def balance_credit(
    *,
    customer_id: int,
    amount: Decimal,
    kind: str,
    source: str = "",
    ref: int | None = None,
    note: str = "",
    actor=None,
) -> BalanceEntry:
    """Credit a customer's balance (a refund, a voucher, a deposit). Its own durable transaction."""
    with transaction.atomic(durable=True):
        return balance_change_in_transaction(
            customer_id=customer_id, amount=amount, kind=kind, source=source, ref=ref, note=note, actor=actor
        )


def balance_pay(*, customer_id: int, source: str, ref: int, amount: Decimal, actor=None) -> Payment:
    """Pay `source`'s thing `ref` with the customer's balance: the debit and the captured payment together, or
    nothing (`insufficient_balance`, 409). Its own durable transaction."""
    amount = Decimal(amount).quantize(CENT)
    with transaction.atomic(durable=True):
        balance_change_in_transaction(
            customer_id=customer_id, amount=-amount, kind=BalanceEntryKind.PAYMENT, source=source, ref=ref, actor=actor
        )
        payment = Payment.objects.create(
            customer_id=customer_id,
            source=source,
            ref=ref,
            provider=Provider.BALANCE,
            method=Method.BALANCE,
            amount=amount,
        )
        return payment_apply(payment, status=PaymentStatus.CAPTURED, captured=amount)


def payment_credit_back_in_transaction(payment: Payment, *, amount: Decimal, note: str, actor=None) -> Payment:
    """Give `amount` of a locked payment back as a balance credit (the customer chose the balance, or the payment
    was made with the balance or a voucher)."""
    target = payment.amount_refunded + amount
    balance_change_in_transaction(
        customer_id=payment.customer_id,
        amount=amount,
        kind=BalanceEntryKind.REFUND,
        source=payment.source,
        ref=payment.ref,
        note=note,
        actor=actor,
    )
    return payment_apply(payment, refunded=target, refund_kind=MovementKind.BALANCE_CREDIT)


__all__ = ["balance_change_in_transaction", "balance_credit", "balance_pay", "payment_credit_back_in_transaction"]
