"""Refills out of the main stock, losses, and the books: main stock + machine stock == the ledger."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from catalogue.models import StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger, stock_receive, stock_record_loss
from tests.factories.catalogue import ProductFactory
from tests.factories.vending import CompartmentFactory
from vending.models import Compartment, CompartmentMovement, Refill
from vending.services import vending_check_ledger

pytestmark = pytest.mark.django_db


def refill(client, machine, **body):
    return client.post(f"/api/v1/vending/machines/{machine.pk}/refills/", body)


def test_a_refill_moves_units_from_the_main_stock_into_the_compartment(machine, a1, carrots, driver_client):
    response = refill(driver_client, machine, compartment="A1", product=carrots.pk, quantity="6", price="2.90")

    assert response.status_code == 201
    assert response.json()["compartment"]["quantity"] == "6.000"
    assert stock_available(product_id=carrots.pk) == Decimal("94")
    transfer = StockMovement.objects.get(reason="vending_transfer")
    assert transfer.quantity == Decimal("-6") and transfer.source == Refill.objects.get()
    a1.refresh_from_db()
    assert (a1.product, a1.price, a1.quantity) == (carrots, Decimal("2.90"), Decimal("6"))
    assert a1.filled_at is not None


def test_main_stock_plus_machine_stock_equals_the_ledger_after_refills_sales_and_losses(
    machine, machine_client, a1, carrots, manager_client
):
    # given two products received in the main stock, and two compartments
    leeks = ProductFactory(bunch=True, name="Poireaux")
    stock_receive(product_id=leeks.pk, quantity=Decimal("20"))
    b1 = CompartmentFactory(machine=machine, code="B1", capacity=Decimal("8"))
    stock_record_loss(product_id=carrots.pk, quantity=Decimal("1"))  # a loss in the main stock, too

    # when staff refill, the machine sells and counts, and staff remove unsold produce
    assert refill(manager_client, machine, compartment="A1", product=carrots.pk, quantity="10").status_code == 201
    assert refill(manager_client, machine, compartment="B1", product=leeks.pk, quantity="8").status_code == 201
    for n, (code, qty) in enumerate([("A1", "3"), ("B1", "2"), ("A1", "1"), ("B1", "9")]):  # the last is beyond stock
        machine_client.post(
            f"/api/v1/vending/machines/{machine.pk}/sales/",
            {
                "transaction_id": f"T-{n}",
                "compartment": code,
                "quantity": qty,
                "amount": "1.00",
                "sold_at": "2026-03-02T10:00:00Z",
            },
        )
    machine_client.post(
        f"/api/v1/vending/machines/{machine.pk}/inventory/",
        {"count_id": "C-1", "counted_at": "2026-03-02T20:00:00Z", "lines": [{"compartment": "A1", "quantity": "5"}]},
    )
    assert (
        manager_client.post(
            f"/api/v1/vending/machines/{machine.pk}/removals/", {"compartment": "A1", "quantity": "2"}
        ).status_code
        == 201
    )
    assert refill(manager_client, machine, compartment="B1", product=leeks.pk, quantity="4").status_code == 201

    # then, per product, main stock + machine stock == receipts − outgoing (main losses, machine sales/losses/counts)
    a1.refresh_from_db()
    b1.refresh_from_db()
    assert (a1.quantity, b1.quantity) == (Decimal("3"), Decimal("4"))  # 10−3−1 → counted 5 → −2 removed; 8−2−6 → +4
    assert stock_available(product_id=carrots.pk) + a1.quantity == Decimal("100") - 1 - 3 - 1 - 1 - 2
    assert stock_available(product_id=leeks.pk) + b1.quantity == Decimal("20") - 2 - 6
    assert vending_check_ledger() == {}
    assert stock_check_ledger() == {}
    for compartment in (a1, b1):
        assert (
            CompartmentMovement.objects.filter(compartment=compartment).aggregate(s=Sum("quantity"))["s"]
            == compartment.quantity
        )


def test_the_ledger_checker_finds_a_compartment_changed_behind_its_back(machine, filled_a1, carrots):
    Compartment.objects.filter(pk=filled_a1.pk).update(quantity=Decimal("9"))
    problems = vending_check_ledger()
    assert problems["compartments"] == {filled_a1.pk: (Decimal("9"), Decimal("5"))}
    assert problems["products"][carrots.pk] == (Decimal("104"), Decimal("100"))


def test_a_refill_beyond_the_main_stock_is_refused_and_writes_nothing(machine, a1, manager_client):
    scarce = ProductFactory(bunch=True)
    stock_receive(product_id=scarce.pk, quantity=Decimal("2"))

    response = refill(manager_client, machine, compartment="A1", product=scarce.pk, quantity="5")

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert Refill.objects.count() == 0 and CompartmentMovement.objects.count() == 0
    a1.refresh_from_db()
    assert a1.quantity == 0 and a1.product is None


def test_a_compartment_holding_another_product_is_refused_in_french(machine, filled_a1, manager_client):
    other = ProductFactory(bunch=True)
    stock_receive(product_id=other.pk, quantity=Decimal("5"))
    response = refill(manager_client, machine, compartment="A1", product=other.pk, quantity="1")
    assert response.status_code == 409
    assert response.json()["code"] == "compartment_holds_another_product"
    assert response.json()["detail"] == "Le casier A1 contient encore un autre produit : videz-le d'abord."


def test_a_refill_beyond_capacity_is_refused(machine, filled_a1, carrots, manager_client):
    response = refill(manager_client, machine, compartment="A1", product=carrots.pk, quantity="6")
    assert response.status_code == 409
    assert response.json()["code"] == "compartment_capacity_exceeded"


def test_a_refill_of_an_unknown_compartment_is_404(machine, carrots, manager_client):
    response = refill(manager_client, machine, compartment="Q9", product=carrots.pk, quantity="1")
    assert response.status_code == 404 and response.json()["code"] == "unknown_compartment"


def test_read_only_fields_of_a_refill_cannot_be_set(machine, a1, carrots, manager_client):
    response = refill(
        manager_client,
        machine,
        compartment="A1",
        product=carrots.pk,
        quantity="2",
        created_by=1,
        filled_at="2020-01-01T00:00:00Z",
    )
    assert response.status_code == 201
    assert not response.json()["compartment"]["filled_at"].startswith("2020")


@pytest.mark.parametrize("role, status", [("customer", 403), ("producer_member", 403)])
def test_only_staff_refill(machine, a1, carrots, role, status, request):
    from tests.clients import client_for

    response = refill(
        client_for(request.getfixturevalue(role)), machine, compartment="A1", product=carrots.pk, quantity="1"
    )
    assert response.status_code == status
    assert Refill.objects.count() == 0


def test_removing_everything_twice_records_one_loss(machine, filled_a1, preparer_client):
    url = f"/api/v1/vending/machines/{machine.pk}/removals/"
    first = preparer_client.post(url, {"compartment": "A1", "note": "trop vieux"})
    again = preparer_client.post(url, {"compartment": "A1"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["quantity"] == "5.000" and again.json()["id"] is None
    loss = CompartmentMovement.objects.get(kind="loss")
    assert loss.quantity == Decimal("-5") and loss.unit_price == Decimal("3.00")
    filled_a1.refresh_from_db()
    assert filled_a1.quantity == 0 and filled_a1.filled_at is None
    assert vending_check_ledger() == {}


def test_removing_more_than_the_compartment_holds_is_refused(machine, filled_a1, preparer_client):
    response = preparer_client.post(
        f"/api/v1/vending/machines/{machine.pk}/removals/", {"compartment": "A1", "quantity": "6"}
    )
    assert response.status_code == 409 and response.json()["code"] == "removal_exceeds_quantity"


def test_an_empty_compartment_can_take_another_product(machine, filled_a1, manager_client):
    manager_client.post(f"/api/v1/vending/machines/{machine.pk}/removals/", {"compartment": "A1"})
    other = ProductFactory(bunch=True)
    stock_receive(product_id=other.pk, quantity=Decimal("5"))
    assert refill(manager_client, machine, compartment="A1", product=other.pk, quantity="3").status_code == 201
    assert vending_check_ledger() == {}
