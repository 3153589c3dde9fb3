"""The one place a payment's amounts and status change: `payment_apply` merges what a provider reports.

Amounts only grow (`max` of what is stored and what is reported) and the status only climbs `STATUS_RANK`, so the
same report twice, or reports in any order (a refund's webhook before its payment's), end in the same state. Each
increase writes a `PaymentMovement` whose reference is the new cumulative amount: the same increase reported by the
API's answer and by the webhook is one row. The clients hear of a payment that became paid or refunded through
`ports.payment_listener_notify`, in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Sum

from ..models import STATUS_RANK, MovementKind, Payment, PaymentMovement, PaymentStatus, Provider
from ..ports import PaymentNews, payment_listener_notify


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def kept_total(*, source: str, ref: int) -> Decimal:
    """What the association keeps of every payment of `source`'s thing `ref` (captured minus refunded)."""
    return _totals(source, ref)[1]


def _totals(source: str, ref: int) -> tuple[Decimal, Decimal]:
    totals = Payment.objects.filter(source=source, ref=ref).aggregate(
        captured=Sum("amount_captured"), kept=Sum(F("amount_captured") - F("amount_refunded"))
    )
    return totals["captured"] or Decimal("0.00"), totals["kept"] or Decimal("0.00")


def payment_apply(
    payment: Payment,
    *,
    status: str | None = None,
    authorised: Decimal | None = None,
    captured: Decimal | None = None,
    refunded: Decimal | None = None,
    refund_kind: str = MovementKind.REFUND,
    **fields: str,
) -> Payment:
    """Merge a report into `payment`, which the caller has locked inside its transaction."""
    was_paid = payment.status == PaymentStatus.CAPTURED and payment.amount_captured > 0
    was_refunded = was_paid and payment.amount_refunded >= payment.amount_captured
    changed = []
    movements = []
    if status is not None and STATUS_RANK[status] > STATUS_RANK[payment.status]:
        payment.status = status
        changed.append("status")
    if authorised is not None and authorised > payment.amount_authorised:
        payment.amount_authorised = authorised
        changed.append("amount_authorised")
    if captured is not None and captured > payment.amount_captured:
        movements.append(
            PaymentMovement(
                payment=payment,
                kind=MovementKind.CAPTURE,
                amount=captured - payment.amount_captured,
                reference=f"to-{_cents(captured)}",
            )
        )
        payment.amount_captured = captured
        changed.append("amount_captured")
    if refunded is not None and refunded > payment.amount_refunded:
        movements.append(
            PaymentMovement(
                payment=payment,
                kind=refund_kind,
                amount=refunded - payment.amount_refunded,
                reference=f"to-{_cents(refunded)}",
            )
        )
        payment.amount_refunded = refunded
        changed.append("amount_refunded")
    for name, value in fields.items():
        if value not in (None, "") and getattr(payment, name) != value:
            setattr(payment, name, value)
            changed.append(name)
    if payment.amount_captured > 0 and STATUS_RANK[payment.status] < STATUS_RANK[PaymentStatus.CAPTURED]:
        payment.status = PaymentStatus.CAPTURED  # money was taken: whatever came before, it is captured
        changed.append("status")
    if not changed:
        return payment
    payment.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    PaymentMovement.objects.bulk_create(movements, ignore_conflicts=True)
    paid = payment.status == PaymentStatus.CAPTURED and payment.amount_captured > 0
    refunded_now = paid and payment.amount_refunded >= payment.amount_captured
    if payment.provider == Provider.COUNTER:
        return payment  # recorded by the client app itself, which changes its own row
    if (paid and not was_paid) or (refunded_now and not was_refunded):
        captured_total, kept = _totals(payment.source, payment.ref)
        payment_listener_notify(
            PaymentNews(
                source=payment.source,
                ref=payment.ref,
                state="refunded" if refunded_now else "paid",
                method=payment.method,
                kept=kept,
                captured=captured_total,
            )
        )
    return payment
