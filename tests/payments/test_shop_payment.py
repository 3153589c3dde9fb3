"""The shop's payment page: the methods the order allows, the balance paying a final amount, the card typed into
Stripe's own field (the only page whose policy allows js.stripe.com), never into ours."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payments.models import BalanceEntryKind, Payment
from payments.services.balance import balance_credit
from tests.orders.helpers import place_pickup

pytestmark = pytest.mark.django_db


def url(order):
    return f"/commande/{order.pk}/paiement/"


def test_the_page_offers_card_balance_and_pickup_for_a_fixed_price_order(client, customer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])  # 5.60 €
    balance_credit(customer_id=customer.pk, amount=Decimal("10.00"), kind=BalanceEntryKind.REFUND)
    client.force_login(customer)

    response = client.get(url(order))

    html = response.content.decode()
    assert response.status_code == 200
    assert [v for v in ("stripe", "balance", "counter") if f'value="{v}"' in html] == ["stripe", "balance", "counter"]
    assert "js.stripe.com" not in html and "js.stripe.com" not in response["Content-Security-Policy"]


def test_a_weighed_order_is_not_offered_the_balance_and_without_keys_no_card(
    client, customer, depot, potatoes, settings
):
    settings.STRIPE_SECRET_KEY = ""
    order = place_pickup(customer, depot, [(potatoes, Decimal("2"))])
    balance_credit(customer_id=customer.pk, amount=Decimal("50.00"), kind=BalanceEntryKind.REFUND)
    client.force_login(customer)

    html = client.get(url(order)).content.decode()

    assert 'value="counter"' in html and 'value="balance"' not in html and 'value="stripe"' not in html


def test_paying_with_the_balance_pays_the_order(client, customer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])
    balance_credit(customer_id=customer.pk, amount=Decimal("6.00"), kind=BalanceEntryKind.REFUND)
    client.force_login(customer)

    response = client.post(url(order), {"method": "balance"})

    assert response.status_code == 302 and response["Location"] == f"/commande/{order.pk}/merci/"
    order.refresh_from_db()
    assert (order.payment_status, order.payment_method) == ("paid", "balance")


def test_the_card_page_loads_stripe_js_with_its_own_policy_and_no_card_field_of_ours(
    client, customer, depot, leeks, fake_stripe
):
    order = place_pickup(customer, depot, [(leeks, 2)])
    client.force_login(customer)

    response = client.post(url(order), {"method": "stripe", "difference_to": "balance"})

    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert response.status_code == 200
    assert '<script src="https://js.stripe.com/v3/"></script>' in html
    assert 'data-client-secret="pi_secret_fake"' in html and 'data-publishable-key="pk_test_fake"' in html
    assert "script-src 'self' https://js.stripe.com;" in policy and "frame-src 'self' https://js.stripe.com" in policy
    assert "connect-src 'self' https://api.stripe.com" in policy
    assert 'name="card' not in html and "<input" not in html.split('id="card-form"', 1)[1].split("</form>", 1)[0]
    payment = Payment.objects.get(source="order", ref=order.pk)
    assert (payment.provider, payment.difference_to, payment.amount) == ("stripe", "balance", Decimal("5.60"))


def test_another_customers_order_is_a_404(client, customer, other_customer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])
    client.force_login(other_customer)

    assert client.get(url(order)).status_code == 404
    assert client.post(url(order), {"method": "counter"}).status_code == 404
