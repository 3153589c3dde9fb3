"""Stripe's webhooks: checked, recorded once, merged in any order, applied with the client's row in one transaction.

`stripe_webhook_receive` checks the `Stripe-Signature` header exactly as Stripe signs (HMAC-SHA256 of
`"{t}.{payload}"` with `STRIPE_WEBHOOK_SECRET`, a timestamp at most `STRIPE_WEBHOOK_TOLERANCE_SECONDS` old):
anything else is `webhook_signature_invalid` (400) and nothing is written. An event id is recorded once (a unique
constraint): a replay, or two deliveries racing, change nothing the second time. What an event says is merged
by `payment_apply` (amounts by `max`, status up its ranking), so a refund's event before its payment's ends in the
right state, and the order hears of it (`ports`) in the same transaction.
"""

from __future__ import annotations

import json

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from ecopole.core.locking import lock_one

from ..errors import WebhookPayloadInvalid, WebhookSignatureInvalid
from ..models import Payment, PaymentStatus, Provider, StripeEvent
from ..providers import euros
from .ledger import payment_apply


def stripe_signature_check(*, payload: bytes, signature: str) -> dict:
    """The event of a correctly signed, recent payload; `webhook_signature_invalid` otherwise."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature:
        raise WebhookSignatureInvalid()
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise WebhookSignatureInvalid() from error
    try:
        event = json.loads(text)
    except ValueError as error:
        raise WebhookPayloadInvalid() from error
    data = event.get("data") if isinstance(event, dict) else None
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not isinstance(data, dict)
        or not isinstance(data.get("object"), dict)
    ):
        raise WebhookPayloadInvalid()
    return event


def stripe_webhook_receive(*, payload: bytes, signature: str) -> StripeEvent | None:
    """Check and apply one webhook. Returns the recorded event, or None for a replay."""
    return stripe_event_apply(event=stripe_signature_check(payload=payload, signature=signature))


def _payment_for(obj: dict) -> Payment | None:
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    payment_id = str(metadata.get("payment", ""))
    if payment_id.isdigit():
        payment = Payment.objects.filter(pk=int(payment_id), provider=Provider.STRIPE).first()
        if payment is not None:
            return payment
    references = [value for value in (obj.get("id"), obj.get("payment_intent")) if isinstance(value, str) and value]
    if not references:
        return None
    return Payment.objects.filter(provider=Provider.STRIPE, provider_reference__in=references).first()


def _report(event_type: str, obj: dict) -> dict:
    """What `payment_apply` should merge for an event (empty: an event we do not act on)."""
    if event_type == "payment_intent.amount_capturable_updated" or (
        event_type.startswith("payment_intent.") and obj.get("status") == "requires_capture"
    ):
        return {
            "status": PaymentStatus.AUTHORISED,
            "authorised": euros(obj.get("amount_capturable")),
            "provider_reference": obj.get("id") or "",
        }
    if event_type == "payment_intent.succeeded":
        return {
            "status": PaymentStatus.CAPTURED,
            "captured": euros(obj.get("amount_received")),
            "provider_reference": obj.get("id") or "",
        }
    if event_type == "payment_intent.canceled":
        return {"status": PaymentStatus.CANCELLED}
    if event_type == "payment_intent.payment_failed":
        return {"status": PaymentStatus.FAILED}
    if event_type in {"charge.refunded", "charge.succeeded", "charge.captured"}:
        report = {"status": PaymentStatus.CAPTURED, "captured": euros(obj.get("amount_captured"))}
        if obj.get("amount_refunded"):
            report["refunded"] = euros(obj.get("amount_refunded"))
        return report
    if event_type == "setup_intent.succeeded":
        return {
            "status": PaymentStatus.CARD_SAVED,
            "saved_payment_method": obj.get("payment_method") or "",
            "provider_customer": obj.get("customer") or "",
        }
    return {}


def stripe_event_apply(*, event: dict) -> StripeEvent | None:
    """Apply one checked event in its own durable transaction: the event row, the payment, the client's row."""
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(event_id=event["id"][:255], type=event["type"][:100])
        except IntegrityError:
            return None  # already applied (or being applied by a parallel delivery, which we waited for)
        obj = event["data"]["object"]
        report = _report(event["type"], obj)
        payment = _payment_for(obj) if report else None
        if payment is None:
            return record
        payment = lock_one(Payment.objects.all(), pk=payment.pk)
        if report.get("refunded") is not None and report.get("captured") is not None:
            report["refunded"] = min(report["refunded"], max(report["captured"], payment.amount_captured))
        payment_apply(payment, **report)
        if payment.final_amount is not None and payment.status in {PaymentStatus.AUTHORISED, PaymentStatus.CARD_SAVED}:
            # Weighed before Stripe confirmed the card: settle now at the amount that was waiting.
            from ..tasks import payment_settle_task

            source, ref, amount = payment.source, payment.ref, str(payment.final_amount)
            transaction.on_commit(lambda: payment_settle_task.delay(source, ref, amount), robust=True)
        record.payment = payment
        record.save(update_fields=["payment"])
        return record
