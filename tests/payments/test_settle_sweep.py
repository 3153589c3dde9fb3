"""The hourly sweep settles the online payments whose own task was lost: a weighed order ready while the broker was
down is captured at its final amount, a cancelled one released, an open one left alone; twice changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from orders.services.grocery import order_prepared_quantities_set, order_transition
from orders.services.payment import order_card_payment_start
from payments.models import Payment
from payments.services.card import payments_settle_sweep
from tests.orders.helpers import place_pickup
from tests.payments.helpers import post_webhook

pytestmark = pytest.mark.django_db


def _authorised(api_client, fake_stripe, customer, depot, potatoes, leeks) -> tuple:
    order = place_pickup(customer, depot, [(potatoes, Decimal("2")), (leeks, 1)])
    checkout = order_card_payment_start(order_id=order.pk, actor=customer)
    post_webhook(api_client, fake_stripe.confirm_card(checkout.payment.provider_reference))
    return order, Payment.objects.get(pk=checkout.payment.pk)


def test_the_sweep_captures_the_ready_releases_the_cancelled_and_leaves_the_open(
    api_client, fake_stripe, frozen_now, customer, other_customer, preparer, manager, depot, potatoes, leeks
):
    ready, ready_payment = _authorised(api_client, fake_stripe, customer, depot, potatoes, leeks)
    cancelled, cancelled_payment = _authorised(api_client, fake_stripe, other_customer, depot, potatoes, leeks)
    _still_open, open_payment = _authorised(api_client, fake_stripe, customer, depot, potatoes, leeks)
    # the order's transitions commit, but their after-commit tasks are lost (the callbacks never run here)
    order_transition(order_id=ready.pk, target="preparing", actor=preparer)
    line = ready.lines.get(sold_by_weight=True)
    order_prepared_quantities_set(order_id=ready.pk, quantities={line.pk: Decimal("1.8")}, actor=preparer)
    order_transition(order_id=ready.pk, target="ready", actor=preparer)
    order_transition(order_id=cancelled.pk, target="cancelled", actor=manager)

    too_early = payments_settle_sweep()
    frozen_now.shift(timedelta(minutes=31))
    first = payments_settle_sweep()
    second = payments_settle_sweep()

    assert too_early == {"settled": 0, "released": 0, "open": 0, "failed": 0}
    assert first == {"settled": 1, "released": 1, "open": 1, "failed": 0}
    assert second == {"settled": 0, "released": 0, "open": 1, "failed": 0}
    assert [c["amount_to_capture"] for c in fake_stripe.calls_of("payment_intent", "capture")] == ["631"]
    assert [c["id"] for c in fake_stripe.calls_of("payment_intent", "cancel")] == [cancelled_payment.provider_reference]
    ready_payment.refresh_from_db()
    cancelled_payment.refresh_from_db()
    open_payment.refresh_from_db()
    assert (ready_payment.status, ready_payment.amount_captured) == ("captured", Decimal("6.31"))
    assert cancelled_payment.status == "cancelled"
    assert (open_payment.status, open_payment.amount_captured) == ("authorised", Decimal("0.00"))
    ready.refresh_from_db()
    assert ready.payment_status == "paid"


def test_a_provider_failure_skips_one_payment_not_the_others(
    api_client, fake_stripe, frozen_now, customer, other_customer, manager, depot, potatoes, leeks
):
    first, first_payment = _authorised(api_client, fake_stripe, customer, depot, potatoes, leeks)
    second, second_payment = _authorised(api_client, fake_stripe, other_customer, depot, potatoes, leeks)
    order_transition(order_id=first.pk, target="cancelled", actor=manager)
    order_transition(order_id=second.pk, target="cancelled", actor=manager)
    del fake_stripe.intents[first_payment.provider_reference]  # the fake Stripe fails on this one
    frozen_now.shift(timedelta(minutes=31))

    counts = payments_settle_sweep()

    first_payment.refresh_from_db()
    second_payment.refresh_from_db()
    assert counts["released"] == 1 and counts["failed"] == 1
    assert (first_payment.status, second_payment.status) == ("authorised", "cancelled")
