"""The hand-over at the pickup point, on the order's preparation page: once ready, staff see what is paid already
and what is left, take it (cash, card terminal, cheque) or a food-aid voucher (the rest to the balance), then hand the
order over (fulfilled: its invoice follows). The same services as the API; customers and drivers are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing.models import Invoice
from orders.models import OrderStatus
from orders.services.grocery import order_transition
from payments.models import Payment, Provider, VoucherPartner
from payments.selectors import amount_kept, balance_of
from tests.orders.helpers import place_pickup
from tests.staff.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(customer, preparer, relay, jam):
    order = place_pickup(customer, relay, [(jam, 2)])  # 9.00 €
    for target in (OrderStatus.PREPARING, OrderStatus.READY):
        order_transition(order_id=order.pk, target=target, actor=preparer)
    return order


def _page(client, order) -> str:
    return client.get(reverse("staff:preparation-order", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_staff_take_what_is_left_in_cash_and_hand_the_order_over(
    preparer_web, ready, django_capture_on_commit_callbacks
):
    before = _page(preparer_web, ready)

    paid = preparer_web.post(reverse("staff:order-pay", args=[ready.pk]), {"moyen": "cash"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        handed = preparer_web.post(reverse("staff:order-hand-over", args=[ready.pk]), follow=True)

    assert "Remise au point de retrait" in before and "Encaisser 9,00 €" in before
    assert "Paiement enregistré." in paid.content.decode()
    assert "La commande est remise." in handed.content.decode()
    ready.refresh_from_db()
    assert (ready.status, ready.payment_status, ready.payment_method) == ("fulfilled", "paid", "cash")
    assert Payment.objects.get(source="order", ref=ready.pk, provider=Provider.COUNTER).amount_captured == Decimal(
        "9.00"
    )
    assert Invoice.objects.get(source=f"order:{ready.pk}").total_incl_vat == Decimal("9.00")


def test_a_voucher_pays_part_the_page_shows_the_rest_and_the_counter_takes_only_it(preparer_web, customer, ready):
    ccas = VoucherPartner.objects.create(name="CCAS de Calais")
    url = reverse("staff:order-voucher", args=[ready.pk])

    recorded = preparer_web.post(url, {"partenaire": ccas.pk, "numero": "V-7", "valeur": "5,00"}, follow=True)
    page = recorded.content.decode()
    preparer_web.post(reverse("staff:order-pay", args=[ready.pk]), {"moyen": "card"})

    assert "Chèque V-7 enregistré : 5,00 € pour la commande, 0,00 € crédités au solde." in page
    assert "Déjà payé" in page and "Encaisser 4,00 €" in page
    counter = Payment.objects.get(source="order", ref=ready.pk, provider=Provider.COUNTER)
    assert counter.amount_captured == Decimal("4.00")
    assert amount_kept(source="order", ref=ready.pk) == Decimal("9.00") and balance_of(customer_id=customer.pk) == 0


def test_wrong_input_is_said_and_changes_nothing(preparer_web, ready):
    ccas = VoucherPartner.objects.create(name="CCAS de Calais")

    no_method = preparer_web.post(reverse("staff:order-pay", args=[ready.pk]), {"moyen": "voucher"}, follow=True)
    no_value = preparer_web.post(
        reverse("staff:order-voucher", args=[ready.pk]),
        {"partenaire": ccas.pk, "numero": "V-8", "valeur": "dix"},
        follow=True,
    )
    unknown_partner = preparer_web.post(
        reverse("staff:order-voucher", args=[ready.pk]),
        {"partenaire": "999999", "numero": "V-9", "valeur": "5"},
        follow=True,
    )

    assert "Choisissez comment le client a payé." in no_method.content.decode()
    assert "Indiquez le partenaire du chèque" in no_value.content.decode()
    assert "Introuvable." in unknown_partner.content.decode()
    ready.refresh_from_db()
    assert ready.payment_status == "unpaid" and not Payment.objects.filter(ref=ready.pk).exists()


def test_customers_and_drivers_are_refused_and_a_placed_order_has_no_hand_over(
    customer, driver, preparer_web, relay, jam, ready
):
    placed = place_pickup(customer, relay, [(jam, 1)])

    for user in (customer, driver):
        response = logged_in(user).post(reverse("staff:order-pay", args=[ready.pk]), {"moyen": "cash"})
        assert response.status_code == 403
    assert "Remise au point de retrait" not in _page(preparer_web, placed)
    ready.refresh_from_db()
    assert ready.payment_status == "unpaid"
