"""Every staff page refuses anonymous visitors (to the login page), customers, producers and drivers who are not
also preparers or managers (403, nothing changed); preparers and managers open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalogue.services.stock import stock_available
from orders.models import Order, OrderStatus
from tests.orders.helpers import place_pickup

from .conftest import logged_in

GET_PAGES = [
    ("staff:dashboard", False),
    ("staff:preparation", False),
    ("staff:preparation-by-place", False),
    ("staff:preparation-order", True),
    ("staff:order-label", True),
    ("staff:counter", False),
    ("staff:order-new", False),
]
POST_ACTIONS = [
    ("staff:order-start", True),
    ("staff:order-weigh", True),
    ("staff:order-ready", True),
    ("staff:order-locker", True),
    ("staff:counter", False),
    ("staff:counter-checkout", False),
    ("staff:order-new", False),
    ("staff:order-place", False),
]
REFUSED = ["customer", "producer_member", "driver"]


@pytest.fixture
def order(customer, relay, jam):
    return place_pickup(customer, relay, [(jam, 2)])


def _url(name, needs_order, order):
    return reverse(name, args=[order.pk]) if needs_order else reverse(name)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "needs_order"), GET_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(name, needs_order, order):
    response = logged_in(None).get(_url(name, needs_order, order))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", REFUSED)
@pytest.mark.parametrize(("name", "needs_order"), GET_PAGES)
def test_customers_producers_and_drivers_only_are_refused(request, role, name, needs_order, order):
    response = logged_in(request.getfixturevalue(role)).get(_url(name, needs_order, order))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    assert f"Commande n° {order.pk}" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, *REFUSED])
@pytest.mark.parametrize(("name", "needs_order"), POST_ACTIONS)
def test_actions_refused_change_nothing(request, role, name, needs_order, order, jam):
    user = request.getfixturevalue(role) if role else None
    data = {"action": "add", "produit": jam.pk, "quantite": "1", "paiement": "cash", "casier": "A1"}
    response = logged_in(user).post(_url(name, needs_order, order), data)
    assert response.status_code == (302 if user is None else 403)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert stock_available(product_id=jam.pk) == 8
    assert Order.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["preparer", "manager"])
@pytest.mark.parametrize(("name", "needs_order"), GET_PAGES)
def test_preparers_and_managers_open_every_page(request, role, name, needs_order, order):
    response = logged_in(request.getfixturevalue(role)).get(_url(name, needs_order, order))
    assert response.status_code == 200
