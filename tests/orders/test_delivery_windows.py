"""Customer-chosen delivery windows at checkout (API): a window of the address's zone and date is taken, a full one
is refused with 409 `delivery_window_full`, two customers taking the last place at once: one gets it; cancelling
frees the place; a window of another zone or date, or on a pickup order, is refused."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import time

import pytest
from django.db import connection

from deliveries.models import DeliveryWindow
from deliveries.services.windows import delivery_window_create
from orders.models import Order
from orders.services.grocery import order_cancel
from tests.clients import client_for
from tests.factories.accounts import UserFactory
from tests.factories.deliveries import DeliveryZoneFactory
from tests.orders.helpers import FRIDAY, home_body, pickup_body

ORDERS_URL = "/api/v1/orders/"


def _window(zone, capacity=2, start=time(10, 0), day=FRIDAY) -> DeliveryWindow:
    return delivery_window_create(zone_id=zone.pk, day=day, start=start, capacity=capacity, actor=None)


def _home_with_window(window, jam) -> dict:
    body = home_body([(jam, 5)])
    body["fulfilment"]["window"] = window.pk
    return body


def test_a_home_order_takes_a_place_in_the_chosen_window(calais_zone, jam, customer):
    # given a 10:00–12:00 window for two customers on Friday
    window = _window(calais_zone)
    assert (window.start, window.end) == (time(10, 0), time(12, 0))

    # when a customer orders with it
    response = client_for(customer).post(ORDERS_URL, _home_with_window(window, jam), format="json")

    # then the order carries the window and one place is taken
    assert response.status_code == 201, response.content
    assert response.json()["delivery_window"] == window.pk
    assert Order.objects.get(pk=response.json()["id"]).delivery_window_id == window.pk
    window.refresh_from_db()
    assert (window.taken, window.remaining) == (1, 1)


def test_a_full_window_is_refused_and_not_offered(calais_zone, jam, customer, other_customer):
    window = _window(calais_zone, capacity=1)
    assert client_for(customer).post(ORDERS_URL, _home_with_window(window, jam), format="json").status_code == 201

    # when another customer asks for it
    response = client_for(other_customer).post(ORDERS_URL, _home_with_window(window, jam), format="json")

    # then 409 with a French message and nothing written
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "delivery_window_full"
    assert "complet" in body["detail"]
    assert Order.objects.filter(customer=other_customer).count() == 0
    window.refresh_from_db()
    assert window.taken == 1
    # and the customers' list of windows no longer offers it; staff still see it
    listed = client_for(other_customer).get(f"/api/v1/deliveries/windows/?date={FRIDAY}&zone={calais_zone.pk}")
    assert listed.status_code == 200 and listed.json() == []


def test_cancelling_an_order_frees_its_place(calais_zone, jam, customer, other_customer):
    window = _window(calais_zone, capacity=1)
    first = client_for(customer).post(ORDERS_URL, _home_with_window(window, jam), format="json").json()

    # when the customer cancels (twice: the second is a no-op)
    order_cancel(order_id=first["id"], actor=customer)
    order_cancel(order_id=first["id"], actor=customer)

    # then the place is free again, once, and another customer gets it
    window.refresh_from_db()
    assert window.taken == 0
    response = client_for(other_customer).post(ORDERS_URL, _home_with_window(window, jam), format="json")
    assert response.status_code == 201


def test_a_window_of_another_zone_or_date_or_a_pickup_order_is_refused(calais_zone, depot, jam, customer):
    other_zone = DeliveryZoneFactory(communes=["Ardres"])
    foreign = _window(other_zone)
    response = client_for(customer).post(ORDERS_URL, _home_with_window(foreign, jam), format="json")
    assert response.status_code == 400 and response.json()["code"] == "delivery_window_invalid"

    pickup = pickup_body(depot, [(jam, 1)])
    pickup["fulfilment"]["window"] = _window(calais_zone).pk
    response = client_for(customer).post(ORDERS_URL, pickup, format="json")
    assert response.status_code == 400
    assert DeliveryWindow.objects.filter(taken__gt=0).count() == 0
    assert Order.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_customers_taking_the_last_place_at_once_one_gets_it(calais_zone, jam):
    # given a window with one place left and two customers ordering at the same instant
    window = _window(calais_zone, capacity=1)
    customers = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(len(customers))
    results: list = [None] * len(customers)

    def order(i):
        try:
            barrier.wait()
            response = client_for(customers[i]).post(ORDERS_URL, _home_with_window(window, jam), format="json")
            results[i] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(i,)) for i in range(len(customers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one order with the window, the other a 409 with the code and a French message, and the counter is 1
    assert Counter(status for status, _ in results) == {201: 1, 409: 1}
    refused = next(body for status, body in results if status == 409)
    assert refused["code"] == "delivery_window_full"
    assert "complet" in refused["detail"]
    window.refresh_from_db()
    assert window.taken == 1
    assert Order.objects.filter(delivery_window=window).count() == 1
