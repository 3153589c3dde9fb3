"""Jar deposits paid by card: the card is asked for the order's total, deposits included (a fixed-price order charged
at once, a weighed one authorised with the margin and captured once weighed), and the invoice of the fulfilled order
totals exactly what was captured."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicing.models import Invoice
from orders.services.grocery import order_prepared_quantities_set, order_transition
from orders.services.payment import order_card_payment_start
from payments.models import Payment
from payments.selectors import amount_kept
from tests.orders.helpers import place_pickup, stocked_product
from tests.payments.helpers import event, post_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def soup(db):
    return stocked_product(
        20, name="Soupe de potimarron", slug="soupe", unit="jar", unit_price=Decimal("4.50"), deposit=Decimal("0.50")
    )


def _fulfil(order, preparer, django_capture_on_commit_callbacks) -> Invoice:
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order_id=order.pk, target="fulfilled", actor=preparer)
    return Invoice.objects.get(source=f"order:{order.pk}")


def test_a_fixed_price_order_is_charged_its_deposits_and_invoiced_the_same(
    api_client, fake_stripe, customer, preparer, depot, soup, leeks, django_capture_on_commit_callbacks
):
    order = place_pickup(customer, depot, [(soup, 3), (leeks, 1)])  # 13.50 + 2.80 + 1.50 of deposit
    assert order.total == Decimal("17.80")

    checkout = order_card_payment_start(order_id=order.pk, actor=customer)

    (created,) = fake_stripe.calls_of("payment_intent", "create")
    assert (created["amount"], created.get("capture_method", "automatic")) == ("1780", "automatic")
    paid = event(
        "evt_paid",
        "payment_intent.succeeded",
        {
            "id": checkout.payment.provider_reference,
            "object": "payment_intent",
            "status": "succeeded",
            "amount_received": 1780,
            "metadata": {"payment": str(checkout.payment.pk)},
        },
    )
    assert post_webhook(api_client, paid).status_code == 200
    order.refresh_from_db()
    assert order.payment_status == "paid"

    for target in ("preparing", "ready"):
        order_transition(order_id=order.pk, target=target, actor=preparer)
    invoice = _fulfil(order, preparer, django_capture_on_commit_callbacks)

    assert invoice.total_incl_vat == order.total == amount_kept(source="order", ref=order.pk) == Decimal("17.80")


def test_a_weighed_order_with_jars_is_captured_with_its_deposits(
    api_client, fake_stripe, customer, preparer, depot, soup, potatoes, django_capture_on_commit_callbacks
):
    # 2 kg of potatoes (estimate, 1.95 €/kg) and 2 jars of soup: 3.90 + 9.00 + 1.00 of deposit = 13.90 €.
    order = place_pickup(customer, depot, [(potatoes, Decimal("2")), (soup, 2)])
    checkout = order_card_payment_start(order_id=order.pk, actor=customer)
    assert post_webhook(api_client, fake_stripe.confirm_card(checkout.payment.provider_reference)).status_code == 200

    (created,) = fake_stripe.calls_of("payment_intent", "create")
    assert (created["amount"], created["capture_method"]) == ("1599", "manual")  # 13.90 € + 15 % = 15.985 → 15.99

    order_transition(order_id=order.pk, target="preparing", actor=preparer)
    line = order.lines.get(sold_by_weight=True)
    order_prepared_quantities_set(order_id=order.pk, quantities={line.pk: Decimal("1.8")}, actor=preparer)
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order_id=order.pk, target="ready", actor=preparer)

    order.refresh_from_db()
    assert (order.subtotal, order.deposit_total, order.total) == (Decimal("12.51"), Decimal("1.00"), Decimal("13.51"))
    (capture,) = fake_stripe.calls_of("payment_intent", "capture")
    assert capture["amount_to_capture"] == "1351"  # 1.8 × 1.95 = 3.51, + 9.00 + 1.00
    payment = Payment.objects.get(pk=checkout.payment.pk)
    assert (payment.status, payment.amount_captured) == ("captured", Decimal("13.51"))

    invoice = _fulfil(order, preparer, django_capture_on_commit_callbacks)

    assert invoice.total_incl_vat == order.total == payment.amount_captured
