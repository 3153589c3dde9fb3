"""Mes commandes (issue 16.6): the customer's orders with status, date, place and total; an order's lines, history
and locker; cancelling and changing it before its cutoff through the orders' services; only the owner sees it."""

import html
import re
from decimal import Decimal

import pytest

from catalogue.services.stock import stock_available
from orders.models import OrderLine, OrderStatus
from orders.services.grocery import order_transition
from orders.services.locker import order_locker_load
from tests.orders.helpers import place_pickup

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def order(customer, depot, leeks, jam):
    return place_pickup(customer, depot, [(leeks, 2), (jam, 1)])


@pytest.fixture
def logged_in(client, customer):
    client.force_login(customer)
    return client


def test_my_orders_lists_mine_only_with_status_date_place_and_total(logged_in, order, other_customer, depot, jam):
    theirs = place_pickup(other_customer, depot, [(jam, 3)])

    page = _text(logged_in.get("/compte/commandes/"))

    assert f"Commande n° {order.pk}" in page and f"Commande n° {theirs.pk}" not in page
    assert "Passée" in page
    assert "Vendredi 23 octobre 2026" in page
    assert "Retrait : Ecopôle alimentaire" in page
    assert "9,95 €" in page


def test_an_order_shows_its_lines_and_history(logged_in, order):
    page = _text(logged_in.get(f"/compte/commandes/{order.pk}/"))

    assert "Poireaux" in page and "Confiture de fraises" in page
    assert "Historique" in page
    assert "Modifier la commande" in page and "Annuler la commande" in page


def test_another_customers_order_is_not_found(client, other_customer, order):
    client.force_login(other_customer)
    for suffix in ("", "annuler/", "modifier/"):
        assert client.get(f"/compte/commandes/{order.pk}/{suffix}").status_code == 404
    assert client.post(f"/compte/commandes/{order.pk}/annuler/").status_code == 404
    assert (
        client.post(
            f"/compte/commandes/{order.pk}/modifier/", {f"quantite-{order.lines.first().product_id}": "9"}
        ).status_code
        == 404
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_staff_see_only_their_own_orders_here(client, manager, order):
    client.force_login(manager)
    assert client.get(f"/compte/commandes/{order.pk}/").status_code == 404
    assert f"Commande n° {order.pk}" not in _text(client.get("/compte/commandes/"))


def test_cancel_asks_first_then_cancels_and_gives_the_stock_back(logged_in, order, leeks):
    confirm = _text(logged_in.get(f"/compte/commandes/{order.pk}/annuler/"))
    assert f"Annuler la commande n° {order.pk} ?" in confirm
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED  # a GET changes nothing

    done = logged_in.post(f"/compte/commandes/{order.pk}/annuler/", follow=True)

    assert f"Votre commande n° {order.pk} est annulée." in _text(done)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert stock_available(product_id=leeks.pk) == Decimal(50)
    assert "Annuler la commande" not in _text(logged_in.get(f"/compte/commandes/{order.pk}/"))


def test_after_the_cutoff_no_button_and_a_post_is_refused_in_french(logged_in, order, frozen_now):
    frozen_now.move_to(order.cutoff_at)

    page = _text(logged_in.get(f"/compte/commandes/{order.pk}/"))
    assert "Annuler la commande" not in page and "Modifier la commande" not in page

    refused = logged_in.post(f"/compte/commandes/{order.pk}/annuler/", follow=True)
    assert "Cette commande ne peut plus être annulée en ligne : contactez l'Ecopôle." in _text(refused)
    changed = logged_in.post(f"/compte/commandes/{order.pk}/modifier/", {}, follow=True)
    assert "Cette commande ne peut plus être modifiée en ligne : contactez l'Ecopôle." in _text(changed)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_change_the_quantities_remove_a_line_and_add_a_product(logged_in, order, leeks, jam, soap):
    form = _text(logged_in.get(f"/compte/commandes/{order.pk}/modifier/"))
    key = re.search(r'name="cle" value="([0-9a-f]+)"', form).group(1)
    assert f'for="quantite-{leeks.pk}"' in form and "Savon" in form

    body = {
        "cle": key,
        f"quantite-{leeks.pk}": "4",
        f"quantite-{jam.pk}": "0",
        "ajout-produit": soap.pk,
        "ajout-quantite": "1",
    }
    done = logged_in.post(f"/compte/commandes/{order.pk}/modifier/", body, follow=True)
    again = logged_in.post(f"/compte/commandes/{order.pk}/modifier/", body)  # a double click

    assert f"Votre commande n° {order.pk} est modifiée." in _text(done)
    assert again.status_code == 302
    assert set(OrderLine.objects.filter(order=order).values_list("product_id", "quantity")) == {
        (leeks.pk, Decimal("4.000")),
        (soap.pk, Decimal("1.000")),
    }
    assert stock_available(product_id=leeks.pk) == Decimal(46)
    assert stock_available(product_id=jam.pk) == Decimal(20)
    assert stock_available(product_id=soap.pk) == Decimal(9)
    assert "Lignes modifiées" in _text(done)


def test_a_refused_change_shows_the_message_next_to_the_field(logged_in, order, leeks, jam):
    response = logged_in.post(
        f"/compte/commandes/{order.pk}/modifier/", {f"quantite-{leeks.pk}": "60", f"quantite-{jam.pk}": "1"}
    )

    assert response.status_code == 400
    page = _text(response)
    assert f'aria-describedby="quantite-{leeks.pk}-erreur"' in page
    assert re.search(rf'id="quantite-{leeks.pk}-erreur" class="field-error">[^<]*Poireaux', page)
    assert OrderLine.objects.get(order=order, product=leeks).quantity == Decimal(2)

    empty = logged_in.post(
        f"/compte/commandes/{order.pk}/modifier/", {f"quantite-{leeks.pk}": "0", f"quantite-{jam.pk}": "0"}
    )
    assert empty.status_code == 400
    assert "Une commande garde au moins une ligne" in _text(empty)


def test_the_locker_status_of_a_click_and_collect_order(logged_in, customer, machine, leeks, manager):
    order = place_pickup(customer, machine.pickup_point, [(leeks, 2)])
    order_transition(order_id=order.pk, target=OrderStatus.PREPARING, actor=manager)
    order_locker_load(order_id=order.pk, compartment_code="D1", actor=manager)

    page = _text(logged_in.get(f"/compte/commandes/{order.pk}/"))

    assert "Votre casier au distributeur" in page
    assert "Casier D1" in page
    assert "En attente dans le casier" in page


def test_my_orders_costs_the_same_queries_for_1_or_12_orders(logged_in, customer, depot, leeks, jam):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    place_pickup(customer, depot, [(leeks, 1)])
    with CaptureQueriesContext(connection) as one:
        assert logged_in.get("/compte/commandes/").status_code == 200
    for _ in range(11):
        place_pickup(customer, depot, [(leeks, 1), (jam, 1)])
    with CaptureQueriesContext(connection) as twelve:
        page = logged_in.get("/compte/commandes/")
    assert page.content.decode().count("Commande n°") == 12
    assert len(twelve) == len(one), [q["sql"][:80] for q in twelve]
