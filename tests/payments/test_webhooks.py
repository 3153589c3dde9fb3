"""Stripe's webhook: a forged or stale signature changes nothing, an event applies once, events out of order end
right, and the order follows its payment in the same transaction."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest

from orders.models import OrderEvent, PaymentStatus
from orders.services.payment import order_card_payment_start
from payments.models import MovementKind, Payment, PaymentMovement, StripeEvent
from tests.orders.helpers import place_pickup
from tests.payments.helpers import event, post_webhook, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_order(customer, depot, leeks, fake_stripe):
    """A fixed-price order of 2 bunches of leeks (5.60 €) whose card payment was opened (charged at once)."""
    order = place_pickup(customer, depot, [(leeks, 2)])
    checkout = order_card_payment_start(order_id=order.pk, actor=customer)
    return order, checkout.payment


def succeeded(payment, event_id="evt_paid", amount=560):
    return event(
        event_id,
        "payment_intent.succeeded",
        {
            "id": payment.provider_reference,
            "object": "payment_intent",
            "status": "succeeded",
            "amount_received": amount,
            "metadata": {"payment": str(payment.pk)},
        },
    )


def refunded(payment, event_id="evt_refund", captured=560, refunded_cents=560):
    return event(
        event_id,
        "charge.refunded",
        {
            "id": "ch_1",
            "object": "charge",
            "payment_intent": payment.provider_reference,
            "amount_captured": captured,
            "amount_refunded": refunded_cents,
        },
    )


def snapshot(payment):
    payment.refresh_from_db()
    return (
        payment.status,
        payment.amount_captured,
        payment.amount_refunded,
        StripeEvent.objects.count(),
        PaymentMovement.objects.count(),
    )


def test_a_forged_or_stale_signature_is_a_400_and_changes_nothing(api_client, card_order):
    order, payment = card_order
    before = snapshot(payment)
    payload = succeeded(payment)

    forged = post_webhook(api_client, payload, sign(payload, secret="whsec_someone_else"))
    stale = post_webhook(api_client, payload, sign(payload, timestamp=int(time.time()) - 301))
    tampered = post_webhook(api_client, payload.replace("560", "1"), sign(payload))
    missing = post_webhook(api_client, payload, "")

    for response in (forged, stale, tampered, missing):
        assert response.status_code == 400
        assert response.json()["code"] == "webhook_signature_invalid"
    assert snapshot(payment) == before
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.UNPAID


def test_a_signed_event_pays_the_order_in_the_same_transaction(api_client, card_order):
    order, payment = card_order

    response = post_webhook(api_client, succeeded(payment))

    assert response.status_code == 200 and response.json() == {"received": True, "replay": False}
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, payment.amount_captured) == ("captured", Decimal("5.60"))
    assert (order.payment_status, order.payment_method) == ("paid", "card")


def test_the_same_event_twice_has_one_effect(api_client, card_order):
    order, payment = card_order
    payload = succeeded(payment)

    first = post_webhook(api_client, payload)
    second = post_webhook(api_client, payload)

    assert first.json()["replay"] is False and second.json()["replay"] is True
    assert StripeEvent.objects.filter(event_id="evt_paid").count() == 1
    assert list(PaymentMovement.objects.values_list("kind", "amount")) == [(MovementKind.CAPTURE, Decimal("5.60"))]
    assert OrderEvent.objects.filter(order=order, kind="payment").count() == 1


def test_a_refund_before_its_payment_event_ends_right(api_client, card_order):
    # given Stripe delivers the refund's event (2 € of 5.60 € refunded) before the payment's
    order, payment = card_order

    post_webhook(api_client, refunded(payment, refunded_cents=200))
    post_webhook(api_client, succeeded(payment))
    # and an older "authorised" event arrives last
    post_webhook(
        api_client,
        event(
            "evt_late_auth",
            "payment_intent.amount_capturable_updated",
            {"id": payment.provider_reference, "status": "requires_capture", "amount_capturable": 560},
        ),
    )

    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, payment.amount_captured, payment.amount_refunded) == (
        "captured",
        Decimal("5.60"),
        Decimal("2.00"),
    )
    assert payment.kept == Decimal("3.60")
    assert sorted(PaymentMovement.objects.values_list("kind", "amount")) == [
        (MovementKind.CAPTURE, Decimal("5.60")),
        (MovementKind.REFUND, Decimal("2.00")),
    ]
    assert order.payment_status == "paid"


def test_a_full_refund_before_its_payment_event_leaves_the_order_refunded(api_client, card_order):
    order, payment = card_order

    post_webhook(api_client, refunded(payment))
    post_webhook(api_client, succeeded(payment))

    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.amount_captured, payment.amount_refunded, payment.kept) == (
        Decimal("5.60"),
        Decimal("5.60"),
        Decimal("0.00"),
    )
    assert order.payment_status == "refunded"
    assert list(OrderEvent.objects.filter(order=order, kind="payment").values_list("to_value", flat=True)) == [
        "paid:card",
        "refunded:card",
    ]


def test_an_event_that_is_not_a_stripe_event_is_a_400(api_client, card_order):
    payload = json.dumps({"hello": "world"})

    response = post_webhook(api_client, payload)

    assert response.status_code == 400 and response.json()["code"] == "webhook_payload_invalid"
    assert StripeEvent.objects.count() == 0


def test_an_event_for_an_unknown_payment_is_recorded_and_ignored(api_client, card_order):
    payload = event("evt_other", "payment_intent.succeeded", {"id": "pi_elsewhere", "amount_received": 100})

    response = post_webhook(api_client, payload)

    assert response.status_code == 200
    assert StripeEvent.objects.get(event_id="evt_other").payment is None
    assert Payment.objects.filter(amount_captured__gt=0).count() == 0


def test_without_a_webhook_secret_every_call_is_refused(api_client, card_order, settings):
    _, payment = card_order
    payload = succeeded(payment)
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_webhook(api_client, payload, sign(payload))

    assert response.status_code == 400 and StripeEvent.objects.count() == 0
