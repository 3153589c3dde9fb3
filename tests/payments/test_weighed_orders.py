"""A weighed order paid by card: authorised at the estimate plus the margin, captured at the weighed amount; a far
delivery saves the card and charges it off-session; cancelling releases or gives back (card or balance)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from orders.services.grocery import order_cancel, order_prepared_quantities_set, order_transition
from orders.services.payment import order_card_payment_start
from payments.models import BalanceEntry, DifferenceTo, Payment
from payments.selectors import amount_kept, balance_of
from payments.services.card import payment_settle
from tests.orders.helpers import FRIDAY, place_pickup
from tests.payments.helpers import post_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def weighed_order(customer, depot, potatoes, leeks):
    """2 kg of potatoes (estimate, 1.95 €/kg) and a bunch of leeks (2.80 €): 6.70 €."""
    return place_pickup(customer, depot, [(potatoes, Decimal("2")), (leeks, 1)])


def _authorised(api_client, fake_stripe, order, customer, **kwargs) -> Payment:
    checkout = order_card_payment_start(order_id=order.pk, actor=customer, **kwargs)
    assert checkout.client_secret and not checkout.saves_card
    response = post_webhook(api_client, fake_stripe.confirm_card(checkout.payment.provider_reference))
    assert response.status_code == 200
    return Payment.objects.get(pk=checkout.payment.pk)


def _weigh_and_ready(order, kilos, preparer, django_capture_on_commit_callbacks):
    order_transition(order_id=order.pk, target="preparing", actor=preparer)
    line = order.lines.get(sold_by_weight=True)
    order_prepared_quantities_set(order_id=order.pk, quantities={line.pk: Decimal(kilos)}, actor=preparer)
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order_id=order.pk, target="ready", actor=preparer)
    order.refresh_from_db()
    return order


def test_the_card_is_authorised_for_the_estimate_plus_the_margin_with_manual_capture(
    api_client, fake_stripe, weighed_order, customer
):
    payment = _authorised(api_client, fake_stripe, weighed_order, customer)

    (created,) = fake_stripe.calls_of("payment_intent", "create")
    assert (created["amount"], created["capture_method"]) == ("771", "manual")  # 6.70 € + 15 % = 7.705 → 7.71
    assert (payment.status, payment.amount_authorised, payment.amount_captured) == (
        "authorised",
        Decimal("7.71"),
        Decimal("0.00"),
    )


@pytest.mark.parametrize(
    ("kilos", "final"),
    [
        ("1.8", Decimal("6.31")),  # weighed lower: 1.8 × 1.95 = 3.51, + 2.80
        ("2.3", Decimal("7.29")),  # weighed higher within the margin: 2.3 × 1.95 = 4.485 → 4.49, + 2.80
    ],
)
def test_a_weighed_order_is_captured_at_its_final_amount(
    api_client, fake_stripe, weighed_order, customer, preparer, django_capture_on_commit_callbacks, kilos, final
):
    payment = _authorised(api_client, fake_stripe, weighed_order, customer)

    order = _weigh_and_ready(weighed_order, kilos, preparer, django_capture_on_commit_callbacks)

    assert order.total == final
    (capture,) = fake_stripe.calls_of("payment_intent", "capture")
    assert capture["amount_to_capture"] == str(int(final * 100))
    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured, payment.final_amount) == ("captured", final, final)
    assert amount_kept(source="order", ref=order.pk) == final
    assert (order.payment_status, order.payment_method) == ("paid", "card")
    # the capture's webhook, arriving after, changes nothing
    intent = fake_stripe.intents[payment.provider_reference]
    from tests.payments.helpers import event

    post_webhook(api_client, event("evt_captured", "payment_intent.succeeded", dict(intent)))
    payment.refresh_from_db()
    assert payment.amount_captured == final and payment.movements.count() == 1


def test_settling_twice_captures_once(
    api_client, fake_stripe, weighed_order, customer, preparer, django_capture_on_commit_callbacks
):
    payment = _authorised(api_client, fake_stripe, weighed_order, customer)
    order = _weigh_and_ready(weighed_order, "1.8", preparer, django_capture_on_commit_callbacks)

    payment_settle(source="order", ref=order.pk, final_amount=order.total)

    assert len(fake_stripe.calls_of("payment_intent", "capture")) == 1
    payment.refresh_from_db()
    assert payment.amount_captured == Decimal("6.31") and payment.amount_refunded == 0


def test_a_far_delivery_saves_the_card_and_charges_the_final_amount_off_session(
    api_client, fake_stripe, customer, depot, potatoes, leeks, preparer, django_capture_on_commit_callbacks
):
    order = place_pickup(customer, depot, [(potatoes, Decimal("2")), (leeks, 1)], delivery_date=FRIDAY + timedelta(7))
    checkout = order_card_payment_start(order_id=order.pk, actor=customer)
    assert checkout.saves_card and checkout.client_secret
    post_webhook(api_client, fake_stripe.confirm_setup(checkout.payment.provider_reference))
    assert fake_stripe.calls_of("payment_intent", "create") == []

    order = _weigh_and_ready(order, "1.8", preparer, django_capture_on_commit_callbacks)

    (charge,) = fake_stripe.calls_of("payment_intent", "create")
    assert (charge["amount"], charge["off_session"], charge["payment_method"]) == ("631", "true", "pm_card_visa")
    payment = Payment.objects.get(pk=checkout.payment.pk)
    assert (payment.status, payment.amount_captured) == ("captured", Decimal("6.31"))
    assert order.payment_status == "paid"


def test_a_declined_off_session_charge_leaves_the_order_to_pay_at_pickup(
    api_client, fake_stripe, customer, depot, potatoes, leeks, preparer, django_capture_on_commit_callbacks
):
    order = place_pickup(customer, depot, [(potatoes, Decimal("2")), (leeks, 1)], delivery_date=FRIDAY + timedelta(7))
    checkout = order_card_payment_start(order_id=order.pk, actor=customer)
    post_webhook(api_client, fake_stripe.confirm_setup(checkout.payment.provider_reference))
    fake_stripe.decline_off_session = True

    order = _weigh_and_ready(order, "1.8", preparer, django_capture_on_commit_callbacks)

    payment = Payment.objects.get(pk=checkout.payment.pk)
    assert (payment.status, payment.amount_captured) == ("failed", Decimal("0.00"))
    assert order.payment_status == "unpaid"


def test_cancelling_an_authorised_order_releases_the_authorisation(
    api_client, fake_stripe, weighed_order, customer, manager, django_capture_on_commit_callbacks
):
    payment = _authorised(api_client, fake_stripe, weighed_order, customer)

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order_id=weighed_order.pk, actor=manager)

    assert [c["id"] for c in fake_stripe.calls_of("payment_intent", "cancel")] == [payment.provider_reference]
    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured) == ("cancelled", Decimal("0.00"))


@pytest.mark.parametrize("difference_to", [DifferenceTo.CARD, DifferenceTo.BALANCE])
def test_a_lower_total_after_capture_goes_back_as_the_customer_chose(
    api_client, fake_stripe, weighed_order, customer, preparer, django_capture_on_commit_callbacks, difference_to
):
    # given the order captured at 6.31 €, then its total lowered by 1.00 € (a delivery fee refunded after a failed
    # delivery is the real case: the next ready/out-for-delivery settles again at the new total)
    payment = _authorised(api_client, fake_stripe, weighed_order, customer, difference_to=difference_to)
    order = _weigh_and_ready(weighed_order, "1.8", preparer, django_capture_on_commit_callbacks)

    payment_settle(source="order", ref=order.pk, final_amount=order.total - Decimal("1.00"))
    payment_settle(source="order", ref=order.pk, final_amount=order.total - Decimal("1.00"))  # again: no change

    payment.refresh_from_db()
    assert (payment.amount_captured, payment.amount_refunded, payment.kept) == (
        Decimal("6.31"),
        Decimal("1.00"),
        Decimal("5.31"),
    )
    if difference_to == DifferenceTo.CARD:
        assert [r["amount"] for r in fake_stripe.refunds] == [100]
        assert balance_of(customer_id=customer.pk) == 0
    else:
        assert fake_stripe.refunds == []
        assert balance_of(customer_id=customer.pk) == Decimal("1.00")
        assert BalanceEntry.objects.get(customer=customer).kind == "refund"


def test_weighed_before_stripe_confirms_the_card_is_captured_when_it_does(
    api_client, fake_stripe, weighed_order, customer, preparer, django_capture_on_commit_callbacks
):
    # given the card payment opened, but Stripe's "authorised" event not yet received when the order is weighed
    checkout = order_card_payment_start(order_id=weighed_order.pk, actor=customer)
    order = _weigh_and_ready(weighed_order, "1.8", preparer, django_capture_on_commit_callbacks)
    assert fake_stripe.calls_of("payment_intent", "capture") == []

    # when the event comes
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(api_client, fake_stripe.confirm_card(checkout.payment.provider_reference))

    # then the weighed amount is captured
    (capture,) = fake_stripe.calls_of("payment_intent", "capture")
    assert capture["amount_to_capture"] == "631"
    payment = Payment.objects.get(pk=checkout.payment.pk)
    assert (payment.status, payment.amount_captured) == ("captured", Decimal("6.31"))
    order.refresh_from_db()
    assert order.payment_status == "paid"
