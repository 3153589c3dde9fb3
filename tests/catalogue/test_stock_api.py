from decimal import Decimal

import pytest

from catalogue.models import StockMovement
from catalogue.services.stock import StockLine, stock_available, stock_check_ledger, stock_reserve

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalogue/stock-movements/"


def record(client, product, operation, quantity, note=""):
    return client.post(
        URL, {"product": product.pk, "operation": operation, "quantity": quantity, "note": note}, format="json"
    )


def test_staff_record_a_receipt_a_loss_and_an_inventory_count(preparer_client, preparer, product):
    receipt = record(preparer_client, product, "receipt", "5.5", "Livraison du mardi")
    assert receipt.status_code == 201
    assert receipt.json()["movement"]["reason"] == "receipt"
    assert receipt.json()["movement"]["created_by"] == preparer.pk
    assert receipt.json()["stock_available"] == "15.500"

    loss = record(preparer_client, product, "loss", "1.5", "Poireaux abîmés")
    assert loss.status_code == 201
    assert loss.json()["movement"]["quantity"] == "-1.500"

    count = record(preparer_client, product, "count", "12")
    assert count.status_code == 201
    assert count.json()["movement"]["reason"] == "adjustment"
    assert count.json()["movement"]["quantity"] == "-2.000"
    assert count.json()["stock_available"] == "12.000"

    # counting the same again matches the ledger: nothing written (run twice)
    again = record(preparer_client, product, "count", "12")
    assert again.status_code == 200
    assert again.json() == {"movement": None, "stock_available": "12.000"}
    assert product.movements.count() == 4  # the initial receipt + 3
    assert stock_check_ledger() == {}


def test_a_loss_beyond_the_stock_is_refused_with_what_is_left(manager_client, product):
    response = record(manager_client, product, "loss", "11")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert body["fields"]["available"] == "10.000"
    assert stock_available(product_id=product.pk) == Decimal("10")


def test_invalid_movements_are_400(manager_client, product):
    assert record(manager_client, product, "receipt", "0").status_code == 400
    assert record(manager_client, product, "loss", "-1").status_code == 400
    assert record(manager_client, product, "gift", "1").status_code == 400
    assert record(manager_client, product, "receipt", "1.0001").status_code == 400
    response = manager_client.post(URL, {"product": 999999, "operation": "receipt", "quantity": "1"}, format="json")
    assert response.status_code == 404


def test_customers_and_producer_members_cannot_record_movements(customer_client, producer_client, api_client, product):
    assert record(customer_client, product, "receipt", "100").status_code == 403
    assert record(producer_client, product, "receipt", "100").status_code == 403
    assert record(api_client, product, "receipt", "100").status_code == 401
    assert stock_available(product_id=product.pk) == Decimal("10")


def test_staff_and_the_products_producer_read_its_ledger(manager_client, producer_client, customer, product):
    stock_reserve(lines=[StockLine(product.pk, Decimal("4"))], source=customer)

    for client in (manager_client, producer_client):
        response = client.get(URL, {"product": product.pk})
        assert response.status_code == 200
        results = response.json()["results"]
        assert [m["reason"] for m in results] == ["reservation", "receipt"]
        assert results[0]["source"] == {"type": "accounts.user", "id": customer.pk}
        assert sum(Decimal(m["quantity"]) for m in results) == Decimal("6")


def test_others_cannot_read_a_products_ledger(customer_client, other_member_client, api_client, product, other_product):
    assert customer_client.get(URL, {"product": product.pk}).status_code == 403
    assert api_client.get(URL).status_code == 401
    # a member of another producer: the product does not exist for them, and their own ledger hides it
    assert other_member_client.get(URL, {"product": product.pk}).status_code == 404
    own = other_member_client.get(URL).json()["results"]
    assert {m["product"] for m in own} == {other_product.pk}


def test_the_ledger_list_uses_a_constant_number_of_queries(manager_client, product, django_assert_max_num_queries):
    manager_client.get(URL)
    with django_assert_max_num_queries(3):
        manager_client.get(URL, {"page_size": 100})
    for _ in range(20):
        record(manager_client, product, "receipt", "1")
    assert StockMovement.objects.count() == 21
    with django_assert_max_num_queries(3):
        assert len(manager_client.get(URL, {"page_size": 100}).json()["results"]) == 21


def test_a_producer_member_does_not_see_who_is_behind_a_movement(
    manager_client, manager, producer_client, customer, product
):
    # given a customer's reservation and a manager's receipt on the producer's product
    stock_reserve(lines=[StockLine(product.pk, Decimal("2"))], source=customer, user=customer)
    record(manager_client, product, "receipt", "1")

    # when the producer member and the manager read the ledger
    member_rows = producer_client.get(URL, {"product": product.pk}).json()["results"]
    staff_rows = manager_client.get(URL, {"product": product.pk}).json()["results"]

    # then only staff see the user ids
    assert len(member_rows) == 3 and {m["created_by"] for m in member_rows} == {None}
    assert {m["created_by"] for m in staff_rows} >= {customer.pk, manager.pk}


def test_the_schema_says_created_by_is_for_staff_only(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["StockMovement"]["properties"]["created_by"]
    assert field["nullable"] is True and "staff only" in field["description"]
