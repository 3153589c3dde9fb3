"""Online card payments through the registered online provider (Stripe): authorise, settle, release.

A weighed order (variable-weight lines) is authorised for its estimate plus `PAYMENTS_WEIGHT_MARGIN_PERCENT` with
manual capture, and captured at the final amount once weighed (`payment_settle`). A delivery at least
`PAYMENTS_AUTHORISATION_DAYS` away would outlive the authorisation: the card is saved (a SetupIntent) and charged
off-session at the final amount instead. A fixed-price order is charged at once. Money owed back (weighed lighter
after a capture, a delivery fee refunded after a failed delivery, a cancellation) goes to the card or to the
balance, as the customer chose (`Payment.difference_to`): never lost.

No provider call runs inside a transaction: each service writes, calls the provider, then writes what it answered
in a second transaction (the webhooks may come first: `payment_apply` merges in any order).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ecopole.core.locking import lock_one

from ..errors import PaymentDeclined, ProviderUnavailable
from ..models import DifferenceTo, Method, Payment, PaymentStatus, Provider
from ..providers import OnlineProvider, provider_get
from .balance import payment_credit_back_in_transaction
from .ledger import payment_apply

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")
ONLINE = (Provider.STRIPE,)


@dataclass(frozen=True)
class CardCheckout:
    """What the payment page needs: the payment, the secret Stripe.js confirms with, whether the card is saved."""

    payment: Payment
    client_secret: str
    publishable_key: str
    saves_card: bool


def _online(name: str) -> OnlineProvider:
    provider = provider_get(name)
    if provider is None or not provider.online or not provider.available():
        raise ProviderUnavailable(provider=name)
    return provider  # type: ignore[return-value]


def authorisation_amount(*, amount: Decimal, variable_weight: bool) -> Decimal:
    """The amount asked of the card: the estimate plus the weight margin for a weighed order."""
    if not variable_weight:
        return amount
    margin = Decimal(settings.PAYMENTS_WEIGHT_MARGIN_PERCENT) / 100
    return (amount * (1 + margin)).quantize(CENT, rounding=ROUND_HALF_UP)


def card_payment_start(
    *,
    customer,
    source: str,
    ref: int,
    amount: Decimal,
    variable_weight: bool,
    delivery_date: date,
    difference_to: str = DifferenceTo.CARD,
    provider: str = Provider.STRIPE,
) -> CardCheckout:
    """Open the card payment of `source`'s thing `ref` (plain data from the client app). Calling it again for the same
    thing returns the same intent (the provider's idempotency key is the payment's id)."""
    online = _online(provider)
    saves_card = (delivery_date - timezone.localdate()).days >= settings.PAYMENTS_AUTHORISATION_DAYS
    with transaction.atomic(durable=True):
        payment = (
            Payment.objects.filter(source=source, ref=ref, provider=provider)
            .exclude(status__in=[PaymentStatus.CANCELLED, PaymentStatus.FAILED])
            .first()
        )
        if payment is None:
            payment = Payment.objects.create(
                customer=customer,
                source=source,
                ref=ref,
                provider=provider,
                method=Method.ONLINE_CARD,
                amount=amount,
                variable_weight=variable_weight,
                difference_to=difference_to,
            )
    if payment.status != PaymentStatus.PENDING:
        return CardCheckout(payment, "", settings.STRIPE_PUBLISHABLE_KEY, saves_card)
    if saves_card:
        result = online.save_card(payment_id=payment.pk, email=customer.email)
    else:
        result = online.authorise(
            payment_id=payment.pk,
            amount=authorisation_amount(amount=amount, variable_weight=variable_weight),
            manual_capture=variable_weight,
            email=customer.email,
        )
    with transaction.atomic(durable=True):
        payment = lock_one(Payment.objects.all(), pk=payment.pk)
        payment_apply(payment, provider_reference=result.reference, provider_customer=result.provider_customer)
    return CardCheckout(payment, result.client_secret, settings.STRIPE_PUBLISHABLE_KEY, saves_card)


def _open_online_payment(source: str, ref: int) -> Payment | None:
    return (
        Payment.objects.filter(source=source, ref=ref, provider__in=ONLINE)
        .exclude(status__in=[PaymentStatus.CANCELLED, PaymentStatus.FAILED])
        .order_by("-pk")
        .first()
    )


def payment_settle(*, source: str, ref: int, final_amount: Decimal) -> Payment | None:
    """The thing's final amount is known (weighed; or lowered by a refunded delivery fee): capture it from the
    authorisation (at most what was authorised), charge the saved card off-session, or, when more was captured than
    is now due, give the difference back (card or balance, as chosen). Again with the same amount: no change."""
    final_amount = Decimal(final_amount).quantize(CENT)
    payment = _open_online_payment(source, ref)
    if payment is None:
        return None
    if payment.status == PaymentStatus.PENDING:
        # Stripe has not said yet that the card was authorised (or saved): the amount is kept, and the webhook that
        # says so settles it then (`webhooks.stripe_event_apply`).
        return _record(payment, final_amount=final_amount)
    online = _online(payment.provider)
    if payment.status == PaymentStatus.AUTHORISED:
        to_capture = min(final_amount, payment.amount_authorised)
        if to_capture <= 0:
            online.cancel(reference=payment.provider_reference)
            return _record(payment, status=PaymentStatus.CANCELLED, final_amount=final_amount)
        result = online.capture(payment_id=payment.pk, reference=payment.provider_reference, amount=to_capture)
        return _record(payment, status=result.status, captured=result.captured, final_amount=final_amount)
    if payment.status == PaymentStatus.CARD_SAVED:
        try:
            result = online.charge_saved_card(
                payment_id=payment.pk,
                provider_customer=payment.provider_customer,
                payment_method=payment.saved_payment_method,
                amount=final_amount,
            )
        except PaymentDeclined:
            return _charge_declined(payment, final_amount=final_amount)
        return _record(
            payment,
            status=result.status,
            captured=result.captured,
            final_amount=final_amount,
            provider_reference=result.reference,
        )
    owed = payment.kept - final_amount
    if owed > 0:
        payment_difference_return(payment_id=payment.pk, amount=owed)
    return _record(payment, final_amount=final_amount)


def _charge_declined(payment: Payment, *, final_amount: Decimal) -> Payment:
    """The saved card was declined: the payment failed (the one move down the ranking, decided here, not by a
    late event); the order stays unpaid, to be paid at pickup."""
    with transaction.atomic(durable=True):
        payment = lock_one(Payment.objects.all(), pk=payment.pk)
        if payment.status == PaymentStatus.CARD_SAVED:
            payment.status, payment.final_amount = PaymentStatus.FAILED, final_amount
            payment.save(update_fields=["status", "final_amount", "updated_at"])
        return payment


def _record(payment: Payment, *, final_amount: Decimal | None = None, **report) -> Payment:
    with transaction.atomic(durable=True):
        payment = lock_one(Payment.objects.all(), pk=payment.pk)
        if final_amount is not None and payment.final_amount != final_amount:
            payment.final_amount = final_amount
            payment.save(update_fields=["final_amount", "updated_at"])
        return payment_apply(payment, **report)


def payment_difference_return(*, payment_id: int, amount: Decimal, note: str = "difference") -> Payment:
    """Give `amount` of a captured payment back: refunded to the card or credited to the balance, as the customer
    chose (a balance or voucher payment always to the balance). Never more than the payment still keeps."""
    payment = Payment.objects.get(pk=payment_id)
    amount = min(Decimal(amount).quantize(CENT), payment.kept)
    if amount <= 0:
        return payment
    target = payment.amount_refunded + amount
    if payment.provider in ONLINE and payment.difference_to == DifferenceTo.CARD:
        online = _online(payment.provider)
        online.refund(
            payment_id=payment.pk,
            reference=payment.provider_reference,
            amount=amount,
            key=f"payment-{payment.pk}-refund-to-{int(target * 100)}",
        )
        return _record(payment, refunded=target)
    with transaction.atomic(durable=True):
        payment = lock_one(Payment.objects.all(), pk=payment.pk)
        if payment.amount_refunded >= target:
            return payment
        return payment_credit_back_in_transaction(payment, amount=target - payment.amount_refunded, note=note)


def payment_release(*, source: str, ref: int) -> list[Payment]:
    """The thing is cancelled: release its authorisations (cancel the intent), forget a saved card, and give back
    what was captured (card or balance as chosen; balance and vouchers to the balance). Counter payments are
    refunded by staff by hand (`orders`' payment record). Again: no change."""
    released = []
    for payment in Payment.objects.filter(source=source, ref=ref).exclude(provider=Provider.COUNTER).order_by("pk"):
        if payment.status == PaymentStatus.CAPTURED:
            if payment.kept > 0:
                payment = payment_difference_return(payment_id=payment.pk, amount=payment.kept, note="cancelled")
        elif payment.status in {PaymentStatus.AUTHORISED, PaymentStatus.PENDING} and payment.provider in ONLINE:
            if payment.provider_reference.startswith("pi_"):
                _online(payment.provider).cancel(reference=payment.provider_reference)
            payment = _record(payment, status=PaymentStatus.CANCELLED)
        elif payment.status == PaymentStatus.CARD_SAVED:
            payment = _record(payment, status=PaymentStatus.CANCELLED)
        released.append(payment)
    return released


def payments_settle_sweep(*, limit: int = 200) -> dict[str, int]:
    """The safety net of `payments_follow_on_commit`: its task may be lost (a broker down at commit, retries spent
    while Stripe was unreachable). Online payments still authorised or holding a saved card, untouched for
    `PAYMENTS_SWEEP_AFTER_MINUTES`, are asked of their client (`ports.payment_outcome_of`): settled at the final
    amount, released when cancelled, left alone while the thing is open. At most `limit` per run, oldest first; a
    provider failure skips that payment until the next run. Idempotent: settling and releasing are."""
    from ..ports import payment_outcome_of

    before = timezone.now() - timedelta(minutes=settings.PAYMENTS_SWEEP_AFTER_MINUTES)
    due = (
        Payment.objects.filter(
            provider__in=ONLINE,
            status__in=(PaymentStatus.AUTHORISED, PaymentStatus.CARD_SAVED),
            updated_at__lt=before,
        )
        .order_by("updated_at", "pk")
        .values_list("source", "ref")[:limit]
    )
    counts = {"settled": 0, "released": 0, "open": 0, "failed": 0}
    for source, ref in dict.fromkeys(due):
        outcome = payment_outcome_of(source, ref)
        try:
            if outcome.cancelled:
                payment_release(source=source, ref=ref)
                counts["released"] += 1
            elif outcome.final_amount is not None:
                payment_settle(source=source, ref=ref, final_amount=outcome.final_amount)
                counts["settled"] += 1
            else:
                counts["open"] += 1
        except Exception:  # one payment's provider failure must not stop the others
            logger.exception("payment sweep: %s %s not settled", source, ref)
            counts["failed"] += 1
    return counts


def payments_follow_on_commit(*, source: str, ref: int, final_amount: Decimal | None = None) -> None:
    """For a client app's transaction: once it commits, settle the thing's payments at `final_amount`, or release them
    (`final_amount` None: cancelled). Nothing is queued for a thing without payments here."""
    from ..tasks import payment_release_task, payment_settle_task

    if not Payment.objects.filter(source=source, ref=ref).exclude(provider=Provider.COUNTER).exists():
        return
    if final_amount is None:
        transaction.on_commit(lambda: payment_release_task.delay(source, ref), robust=True)
    else:
        amount = str(final_amount)
        transaction.on_commit(lambda: payment_settle_task.delay(source, ref, amount), robust=True)
