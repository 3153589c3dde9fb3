"""Sales and counts reported by the machine: once per transaction, never refused, never negative stock."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories.catalogue import ProductFactory
from tests.factories.vending import CompartmentFactory, MachineFactory
from vending.models import Anomaly, Compartment, CompartmentMovement, Sale
from vending.services import machine_key_rotate, refill_record, vending_check_ledger

from .helpers import machine_client_for


def sale(transaction_id="T-1", compartment="A1", quantity="1", amount="3.00", **extra):
    """A sale as the machine reports it, a few minutes after it was made (a date far from receipt is flagged)."""
    return {
        "transaction_id": transaction_id,
        "compartment": compartment,
        "quantity": quantity,
        "amount": amount,
        "sold_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        **extra,
    }


@pytest.mark.django_db
def test_a_sale_takes_its_units_out_of_the_compartment(machine, machine_client, filled_a1):
    response = machine_client.post(f"/api/v1/vending/machines/{machine.pk}/sales/", sale(quantity="2", amount="6.00"))

    assert response.status_code == 201
    body = response.json()
    assert body["recorded_quantity"] == "2.000" and body["anomaly"] is False
    filled_a1.refresh_from_db()
    assert filled_a1.quantity == Decimal("3")
    assert CompartmentMovement.objects.get(sale_id=body["id"]).quantity == Decimal("-2")


@pytest.mark.django_db
def test_the_same_transaction_posted_twice_is_recorded_once(machine, machine_client, filled_a1):
    url = f"/api/v1/vending/machines/{machine.pk}/sales/"
    first = machine_client.post(url, sale())
    again = machine_client.post(url, sale())

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Sale.objects.count() == 1
    filled_a1.refresh_from_db()
    assert filled_a1.quantity == Decimal("4")


@pytest.mark.django_db
def test_read_only_fields_sent_by_the_machine_change_nothing(machine, machine_client, filled_a1):
    response = machine_client.post(
        f"/api/v1/vending/machines/{machine.pk}/sales/",
        sale(recorded_quantity="0", anomaly=True, id=999, received_at="2020-01-01T00:00:00Z"),
    )
    body = response.json()
    assert body["recorded_quantity"] == "1.000" and body["id"] != 999 and not body["received_at"].startswith("2020")


@pytest.mark.django_db
def test_a_sale_from_a_compartment_believed_empty_is_an_anomaly_not_an_error(machine, machine_client, a1, carrots):
    # given a compartment the backend believes empty (it held carrots, all sold)
    refill_record(compartment=a1, product=carrots, quantity=Decimal("1"), price=Decimal("3.00"))
    url = f"/api/v1/vending/machines/{machine.pk}/sales/"
    machine_client.post(url, sale("T-1"))

    # when the machine reports one more sale from it
    response = machine_client.post(url, sale("T-2", quantity="2", amount="6.00"))

    # then the machine gets a success, the sale is kept, the stock stays at zero and staff have an anomaly
    assert response.status_code == 201
    assert response.json()["recorded_quantity"] == "0.000" and response.json()["anomaly"] is True
    a1.refresh_from_db()
    assert a1.quantity == 0
    anomaly = Anomaly.objects.get(sale__transaction_id="T-2")
    assert anomaly.kind == "sale_from_empty" and anomaly.details["missing"] == "2.000"
    assert Sale.objects.get(transaction_id="T-2").amount == Decimal("6.00")
    assert vending_check_ledger() == {}


@pytest.mark.django_db
def test_a_sale_beyond_the_stock_takes_only_what_is_there(machine, machine_client, filled_a1):
    response = machine_client.post(f"/api/v1/vending/machines/{machine.pk}/sales/", sale(quantity="7", amount="21.00"))
    assert response.status_code == 201
    assert response.json()["recorded_quantity"] == "5.000"
    filled_a1.refresh_from_db()
    assert filled_a1.quantity == 0
    assert Anomaly.objects.get().details["missing"] == "2.000"


@pytest.mark.django_db
def test_a_sale_from_an_unknown_compartment_is_kept_with_an_anomaly(machine, machine_client, filled_a1):
    response = machine_client.post(f"/api/v1/vending/machines/{machine.pk}/sales/", sale(compartment="Z9"))
    assert response.status_code == 201
    assert Anomaly.objects.get().kind == "unknown_compartment"


@pytest.mark.django_db
def test_invalid_sale_input_is_a_400_not_a_500(machine, machine_client, filled_a1):
    url = f"/api/v1/vending/machines/{machine.pk}/sales/"
    response = machine_client.post(url, sale(quantity="0", amount="-1", sold_at="yesterday"))
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"quantity", "amount", "sold_at"}
    assert response.json()["detail"] == "Certains champs sont invalides."
    assert Sale.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_sale_posted_many_times_in_parallel_is_counted_once():
    # given a machine with 5 units in A1
    machine = MachineFactory()
    key = machine_key_rotate(machine=machine)
    compartment = CompartmentFactory(machine=machine, code="A1")
    product = ProductFactory(bunch=True)
    from catalogue.services.stock import stock_receive

    stock_receive(product_id=product.pk, quantity=Decimal("10"))
    refill_record(compartment=compartment, product=product, quantity=Decimal("5"))
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    statuses: list[int] = []

    def post():
        try:
            client = machine_client_for(key)
            barrier.wait(timeout=10)
            response = client.post(f"/api/v1/vending/machines/{machine.pk}/sales/", sale("RETRY-42", quantity="2"))
            statuses.append(response.status_code)
        finally:
            connection.close()

    # when the machine's retries all arrive at once
    threads = [threading.Thread(target=post) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one sale, two units out, one 201 and the rest 200
    assert sorted(statuses) == [200] * (threads_count - 1) + [201]
    assert Sale.objects.filter(transaction_id="RETRY-42").count() == 1
    assert Compartment.objects.get(pk=compartment.pk).quantity == Decimal("3")
    assert CompartmentMovement.objects.filter(kind="sale").count() == 1
    assert vending_check_ledger() == {}


@pytest.mark.django_db(transaction=True)
def test_parallel_distinct_sales_never_drive_the_compartment_negative():
    machine = MachineFactory()
    key = machine_key_rotate(machine=machine)
    compartment = CompartmentFactory(machine=machine, code="A1")
    product = ProductFactory(bunch=True)
    from catalogue.services.stock import stock_receive

    stock_receive(product_id=product.pk, quantity=Decimal("10"))
    refill_record(compartment=compartment, product=product, quantity=Decimal("3"))
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def post(n):
        try:
            client = machine_client_for(key)
            barrier.wait(timeout=10)
            statuses.append(client.post(f"/api/v1/vending/machines/{machine.pk}/sales/", sale(f"T-{n}")).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * 8
    assert Compartment.objects.get(pk=compartment.pk).quantity == 0
    assert Anomaly.objects.filter(kind="sale_from_empty").count() == 5
    assert vending_check_ledger() == {}


# --- inventory ---------------------------------------------------------------------------------------------------


def count(count_id="C-1", lines=None):
    return {
        "count_id": count_id,
        "counted_at": "2026-03-02T20:00:00+01:00",
        "lines": lines or [{"compartment": "A1", "quantity": "3"}],
    }


@pytest.mark.django_db
def test_the_machine_count_records_differences_as_adjustments(machine, machine_client, filled_a1):
    b2 = CompartmentFactory(machine=machine, code="B2")
    url = f"/api/v1/vending/machines/{machine.pk}/inventory/"
    response = machine_client.post(
        url,
        count(
            lines=[
                {"compartment": "A1", "quantity": "3"},
                {"compartment": "B2", "quantity": "0"},
                {"compartment": "X1", "quantity": "1"},
            ]
        ),
    )

    assert response.status_code == 201
    assert response.json()["adjustments"] == [{"compartment": "A1", "quantity": "-2.000"}]
    assert response.json()["anomalies"] == 1  # X1 is unknown
    filled_a1.refresh_from_db()
    b2.refresh_from_db()
    assert (filled_a1.quantity, b2.quantity) == (Decimal("3"), Decimal("0"))
    assert vending_check_ledger() == {}


@pytest.mark.django_db
def test_a_count_posted_twice_is_applied_once(machine, machine_client, filled_a1):
    url = f"/api/v1/vending/machines/{machine.pk}/inventory/"
    first = machine_client.post(url, count())
    # a sale happens between the retries: the replayed count must not undo it
    machine_client.post(f"/api/v1/vending/machines/{machine.pk}/sales/", sale())
    again = machine_client.post(url, count())

    assert (first.status_code, again.status_code) == (201, 200)
    filled_a1.refresh_from_db()
    assert filled_a1.quantity == Decimal("2")
    assert CompartmentMovement.objects.filter(kind="adjustment").count() == 1
