"""Money handed over in person: at the counter or at pickup (cash, card terminal, cheque), food-aid vouchers, and
jars brought back (their deposit credited to the balance)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from catalogue.models import Product
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_one

from ..errors import NoDeposit, VoucherAlreadyRecorded
from ..models import (
    BalanceEntryKind,
    JarReturn,
    Method,
    MovementKind,
    Payment,
    PaymentStatus,
    Provider,
    Voucher,
    VoucherPartner,
)
from .balance import balance_change_in_transaction
from .ledger import payment_apply

CENT = Decimal("0.01")


def counter_payment_record_in_transaction(
    *, customer_id: int, source: str, ref: int, amount: Decimal, method: str
) -> Payment:
    """Staff took `amount` for the thing at the counter or at pickup: a captured counter payment (inside the
    caller's transaction, which changes the thing itself)."""
    payment = Payment.objects.create(
        customer_id=customer_id,
        source=source,
        ref=ref,
        provider=Provider.COUNTER,
        method=method if method in {Method.CASH, Method.CARD, Method.CHEQUE} else Method.CASH,
        amount=Decimal(amount).quantize(CENT),
    )
    return payment_apply(payment, status=PaymentStatus.CAPTURED, captured=payment.amount)


def counter_payment_undo_in_transaction(*, source: str, ref: int, refunded: bool) -> None:
    """Staff gave the counter payments of the thing back (`refunded`) or record that they were a mistake."""
    for payment in Payment.objects.filter(source=source, ref=ref, provider=Provider.COUNTER).order_by("pk"):
        payment = lock_one(Payment.objects.all(), pk=payment.pk)
        if payment.kept > 0:
            payment_apply(
                payment,
                refunded=payment.amount_captured,
                refund_kind=MovementKind.REFUND if refunded else MovementKind.CORRECTION,
            )


def voucher_record(
    *,
    partner_id: int,
    number: str,
    value: Decimal,
    customer_id: int,
    source: str = "",
    ref: int | None = None,
    due: Decimal | None = None,
    actor=None,
) -> Voucher:
    """Record a food-aid voucher a customer handed over: it pays `source`'s thing `ref` (a captured voucher payment)
    up to what is `due` on it, the rest credited to the customer's balance (a voucher gives no change); without a
    thing, all of it goes to the balance. A number already recorded for the partner is refused
    (`voucher_already_recorded`, 409), also when two staff record it at once (unique constraint). Durable."""
    with transaction.atomic(durable=True):
        return voucher_record_in_transaction(
            partner_id=partner_id,
            number=number,
            value=value,
            customer_id=customer_id,
            source=source,
            ref=ref,
            due=due,
            actor=actor,
        )


def voucher_record_in_transaction(
    *,
    partner_id: int,
    number: str,
    value: Decimal,
    customer_id: int,
    source: str = "",
    ref: int | None = None,
    due: Decimal | None = None,
    actor=None,
) -> Voucher:
    """`voucher_record` inside the caller's transaction (which holds the thing's lock, so that `due` stays true)."""
    value = Decimal(value).quantize(CENT)
    paid = value if due is None else max(min(value, Decimal(due).quantize(CENT)), Decimal("0.00"))
    number = number.strip()
    with transaction.atomic():
        partner = VoucherPartner.objects.filter(pk=partner_id, is_active=True).first()
        if partner is None:
            raise NotFound(partner=partner_id)
        if not get_user_model().objects.filter(pk=customer_id, is_active=True).exists():
            raise NotFound(customer=customer_id)
        try:
            with transaction.atomic():
                voucher = Voucher.objects.create(
                    partner=partner, number=number, value=value, customer_id=customer_id, recorded_by=actor
                )
        except IntegrityError as error:
            raise VoucherAlreadyRecorded(number=number) from error
        if source and ref is not None and paid > 0:
            payment = Payment.objects.create(
                customer_id=customer_id,
                source=source,
                ref=ref,
                provider=Provider.VOUCHER,
                method=Method.VOUCHER,
                amount=paid,
            )
            voucher.payment = payment
            voucher.save(update_fields=["payment"])
            payment_apply(payment, status=PaymentStatus.CAPTURED, captured=paid)
        else:
            paid = Decimal("0.00")
        if value > paid:
            balance_change_in_transaction(
                customer_id=customer_id,
                amount=value - paid,
                kind=BalanceEntryKind.VOUCHER,
                note=f"{partner.name} {number}",
                actor=actor,
            )
        return voucher


def jar_return_record(*, customer_id: int, product_id: int, quantity: int, place: str, actor=None) -> JarReturn:
    """Jars of a product brought back (counter, pickup point, driver): their deposit is credited to the customer's
    balance, in one transaction. A product without a deposit is refused (`product_has_no_deposit`)."""
    with transaction.atomic(durable=True):
        if not get_user_model().objects.filter(pk=customer_id, is_active=True).exists():
            raise NotFound(customer=customer_id)
        product = Product.objects.filter(pk=product_id).first()
        if product is None:
            raise NotFound(product=product_id)
        if product.deposit <= 0:
            raise NoDeposit(product=product_id)
        amount = (product.deposit * quantity).quantize(CENT)
        jars = JarReturn.objects.create(
            customer_id=customer_id,
            product=product,
            quantity=quantity,
            deposit=product.deposit,
            amount=amount,
            place=place,
            recorded_by=actor,
        )
        balance_change_in_transaction(
            customer_id=customer_id,
            amount=amount,
            kind=BalanceEntryKind.DEPOSIT,
            source="jars",
            ref=jars.pk,
            note=f"{product.name} × {quantity}",
            actor=actor,
        )
        return jars
