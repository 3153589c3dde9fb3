"""The balance and jar-return endpoints: a customer reads their own balance; staff credit returned jars."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payments.models import BalanceEntry, JarReturn
from tests.factories.catalogue import ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments/jar-returns/"


@pytest.fixture
def jam(db):
    return ProductFactory(piece=True, name="Confiture", slug="confiture-api", deposit=Decimal("0.50"))


def test_the_driver_credits_returned_jars_and_the_customer_sees_the_balance(
    driver_client, customer_client, customer, jam
):
    body = {"customer": customer.pk, "product": jam.pk, "quantity": 3, "place": "driver"}

    response = driver_client.post(URL, body, format="json")

    assert response.status_code == 201
    assert (response.json()["amount"], response.json()["balance"]) == ("1.50", "1.50")
    mine = customer_client.get("/api/v1/payments/balance/").json()
    assert mine["balance"] == "1.50"
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in mine["entries"]] == [("deposit", "1.50", "1.50")]


def test_customers_cannot_credit_jars_and_refusals_write_nothing(customer_client, driver_client, customer, jam, leeks):
    body = {"customer": customer.pk, "product": jam.pk, "quantity": 3, "place": "counter"}

    forbidden = customer_client.post(URL, body, format="json")
    no_deposit = driver_client.post(URL, {**body, "product": leeks.pk}, format="json")
    no_customer = driver_client.post(URL, {**body, "customer": 999999}, format="json")
    bad_place = driver_client.post(URL, {**body, "place": "moon"}, format="json")

    assert forbidden.status_code == 403
    assert (no_deposit.status_code, no_deposit.json()["code"]) == (400, "product_has_no_deposit")
    assert no_customer.status_code == 404
    assert (bad_place.status_code, bad_place.json()["code"]) == (400, "validation_error")
    assert not JarReturn.objects.exists() and not BalanceEntry.objects.exists()


def test_another_customers_balance_is_never_shown(other_customer_client, customer, jam, driver_client):
    driver_client.post(URL, {"customer": customer.pk, "product": jam.pk, "quantity": 1, "place": "driver"})

    theirs = other_customer_client.get("/api/v1/payments/balance/").json()

    assert theirs == {"balance": "0.00", "entries": []}
