"""Orders placed by staff for a customer who phones: through the API (`customer`) and the page. The order is the
customer's, its history says who placed it; a customer cannot place an order for someone else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order, OrderEvent
from tests.orders.helpers import pickup_body

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def test_a_preparer_places_an_order_for_a_customer_through_the_api(preparer_client, preparer, customer, relay, jam):
    response = preparer_client.post(
        "/api/v1/orders/", pickup_body(relay, [(jam, 2)], customer=customer.pk), format="json"
    )

    assert response.status_code == 201, response.json()
    order = Order.objects.get(pk=response.json()["id"])
    assert order.customer == customer
    event = OrderEvent.objects.get(order=order)
    assert (event.actor, event.to_value) == (preparer, "placed")
    # the customer sees it among their orders
    assert customer.orders.filter(pk=order.pk).exists() and not preparer.orders.exists()


def test_a_customer_naming_another_customer_is_refused(customer_client, other_customer, relay, jam):
    response = customer_client.post(
        "/api/v1/orders/", pickup_body(relay, [(jam, 1)], customer=other_customer.pk), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Order.objects.count() == 0


def test_a_driver_naming_a_customer_is_refused(driver_client, customer, relay, jam):
    response = driver_client.post(
        "/api/v1/orders/", pickup_body(relay, [(jam, 1)], customer=customer.pk), format="json"
    )
    assert response.status_code == 403
    assert Order.objects.count() == 0


def test_a_customer_naming_themselves_places_as_before(customer_client, customer, relay, jam):
    response = customer_client.post(
        "/api/v1/orders/", pickup_body(relay, [(jam, 1)], customer=customer.pk), format="json"
    )
    assert response.status_code == 201
    assert Order.objects.get().customer == customer


def test_an_unknown_customer_is_a_validation_error(manager_client, relay, jam):
    response = manager_client.post("/api/v1/orders/", pickup_body(relay, [(jam, 1)], customer=999999), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "customer" in response.json()["fields"]
    assert Order.objects.count() == 0


def test_the_page_finds_the_customer_adds_products_and_places_the_order(manager_web, manager, customer, relay, jam):
    customer.full_name = "Camille Marckoise"
    customer.save(update_fields=["full_name"])
    page = manager_web.get(reverse("staff:order-new") + "?qui=marckoise").content.decode()
    assert f'?client={customer.pk}"' in page

    manager_web.post(
        reverse("staff:order-new"), {"client": customer.pk, "action": "add", "produit": jam.pk, "quantite": "3"}
    )
    page = manager_web.get(reverse("staff:order-new") + f"?client={customer.pk}").content.decode()
    assert "Confiture de fraises" in page and "13,50 €" in page
    assert f'value="pickup:{relay.pk}:2026-10-23"' in page
    response = manager_web.post(
        reverse("staff:order-place"), {"client": customer.pk, "lieu": f"pickup:{relay.pk}:2026-10-23", "cle": "k1"}
    )

    order = Order.objects.get()
    assert response["Location"] == reverse("staff:preparation-order", args=[order.pk])
    assert (order.customer, order.total) == (customer, Decimal("13.50"))
    assert OrderEvent.objects.get(order=order).actor == manager
    # the customer's account lists it
    account = logged_in(customer).get(reverse("account:orders")).content.decode()
    assert f"{order.pk}" in account and "13,50" in account
