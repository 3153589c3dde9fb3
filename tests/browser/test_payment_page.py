"""Paying an order in a real browser: the confirmation → "Payer ma commande" → the methods this order allows → the
balance → paid. By roles and French accessible names; the payment page through axe-core, on a phone and a desktop."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import Order
from orders.selectors import delivery_places_open
from orders.services.grocery import LineRequest, order_place
from payments.models import BalanceEntryKind
from payments.services.balance import balance_credit
from tests.browser.conftest import check_page, needs_chromium
from tests.browser.test_shop_checkout import log_in
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_an_order_paid_with_the_balance(page, context, live_server, shop_catalogue, shop_places):
    # given a customer with 10 € on their balance and an order of 2 kg of apples (6.40 €), Stripe not configured
    customer = UserFactory(full_name="Dominique Solde")
    place = next(p for p in delivery_places_open() if p["pickup_point"] == shop_places)
    order = order_place(
        customer=customer,
        lines=[LineRequest(shop_catalogue["apple"].pk, Decimal(2))],
        fulfilment="pickup",
        pickup_point_id=shop_places.pk,
        delivery_date=place["dates"][0].date,
    ).order
    balance_credit(customer_id=customer.pk, amount=Decimal("10.00"), kind=BalanceEntryKind.VOUCHER)
    page.goto(live_server.url + "/")
    log_in(context, live_server, customer)

    # when they open their order's confirmation and choose to pay
    page.goto(f"{live_server.url}/commande/{order.pk}/merci/")
    page.get_by_role("link", name="Payer ma commande").click()

    # then the page offers the balance and payment at pickup, not the card
    expect(page.get_by_role("heading", name=f"Payer la commande n° {order.pk}", level=1)).to_be_visible()
    methods = page.get_by_role("group", name="Comment souhaitez-vous payer ?")
    expect(methods.get_by_role("radio")).to_have_count(2)
    expect(methods.get_by_role("radio", name=re.compile(r"Avec mon solde \(10,00 €\)"))).to_be_visible()
    expect(methods.get_by_role("radio", name=re.compile("Au retrait de ma commande"))).to_be_visible()
    check_page(page, "paiement 01 moyens")

    # when they pay with the balance
    methods.get_by_role("radio", name=re.compile("Avec mon solde")).check()
    page.get_by_role("button", name="Continuer").click()

    # then the order is paid
    expect(page.get_by_role("status")).to_contain_text("Votre commande est payée avec votre solde.")
    expect(page.get_by_role("link", name="Payer ma commande")).to_have_count(0)
    check_page(page, "paiement 02 payee")
    order = Order.objects.get(pk=order.pk)
    assert (order.payment_status, order.payment_method) == ("paid", "balance")
