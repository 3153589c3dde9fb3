"""The staff report: sales per product and per day, revenue with VAT (Decimal, half-up), losses, anomalies, fill."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from catalogue.services.stock import stock_receive
from tests.factories.catalogue import ProductFactory
from tests.factories.vending import CompartmentFactory
from vending.services import refill_record, removal_record, sale_record

pytestmark = pytest.mark.django_db

PARIS = timezone.get_fixed_timezone(60)


@pytest.fixture
def week(machine, a1, carrots):
    soap = ProductFactory(bunch=True, name="Savon", vat_rate=Decimal("20.00"), unit_price=Decimal("10.00"))
    stock_receive(product_id=soap.pk, quantity=Decimal("5"))
    b1 = CompartmentFactory(machine=machine, code="B1", capacity=Decimal("10"))
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, 0, tzinfo=PARIS)):
        refill_record(compartment=a1, product=carrots, quantity=Decimal("5"), price=Decimal("3.00"))
        refill_record(compartment=b1, product=soap, quantity=Decimal("2"), price=Decimal("10.00"))

    def sold(tid, code, qty, amount, when):
        sale_record(
            machine=machine,
            transaction_id=tid,
            compartment_code=code,
            quantity=Decimal(qty),
            amount=Decimal(amount),
            sold_at=dt.datetime(*when, tzinfo=PARIS),
        )

    with time_machine.travel(dt.datetime(2026, 3, 3, 22, 0, tzinfo=PARIS)):
        sold("T1", "A1", "2", "6.00", (2026, 3, 2, 23, 30))  # late evening: still the 2nd in Paris
        sold("T2", "A1", "1", "3.00", (2026, 3, 3, 9, 0))
        sold("T3", "B1", "1", "10.00", (2026, 3, 3, 10, 0))
        sold("T4", "C9", "1", "1.00", (2026, 3, 3, 11, 0))  # unknown compartment: flagged, out of revenue
        removal_record(compartment=a1, quantity=Decimal("1"), note="abîmé")
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, 0, tzinfo=PARIS)):
        sold("T5", "A1", "1", "3.00", (2026, 3, 5, 9, 0))  # outside the period
    return machine


def test_the_report_sums_sales_revenue_losses_and_fill(week, manager_client):
    response = manager_client.get(f"/api/v1/vending/machines/{week.pk}/report/?from=2026-03-02&to=2026-03-03")

    assert response.status_code == 200
    body = response.json()
    assert body["sales_count"] == 3
    assert body["sales_by_day"] == [
        {"date": "2026-03-02", "count": 1, "quantity": "2.000", "amount_incl_vat": "6.00"},
        {"date": "2026-03-03", "count": 2, "quantity": "2.000", "amount_incl_vat": "13.00"},
    ]
    by_product = {line["product_name"]: line for line in body["sales_by_product"]}
    assert by_product["Botte de carottes"]["amount_incl_vat"] == "9.00"
    assert by_product["Savon"]["quantity"] == "1.000"
    # VAT included, rounded half-up once per rate: 5.5 % on 9.00 of carrots: 9.00×5.5/105.5 = 0.469 → 0.47;
    # 20 % on the soap: 10.00×20/120 = 1.667 → 1.67. The 1.00 from the unknown compartment is held back.
    assert body["revenue"] == {
        "amount_incl_vat": "19.00",
        "vat": "2.14",
        "amount_excl_vat": "16.86",
        "by_vat_rate": [
            {"vat_rate": "5.50", "amount_incl_vat": "9.00", "vat": "0.47", "amount_excl_vat": "8.53"},
            {"vat_rate": "20.00", "amount_incl_vat": "10.00", "vat": "1.67", "amount_excl_vat": "8.33"},
        ],
    }
    assert body["held_back"] == {"count": 1, "amount_incl_vat": "1.00"}
    # T1 + T2 + T3 + T4 (flagged units left the machine too); refills of 2 March: 5 + 2
    assert (body["sold_quantity"], body["refilled_quantity"]) == ("5.000", "7.000")
    assert body["losses"] == [
        {
            "product": by_product["Botte de carottes"]["product"],
            "product_name": "Botte de carottes",
            "quantity": "1.000",
            "value": "3.00",
        }
    ]
    assert body["anomalies"] == [{"kind": "unknown_compartment", "compartment": "C9", "count": 1}]
    # A1: 5 −2 −1 −1 (T5) −1 lost = 0 of 10; B1: 1 of 10 → 5.0 %
    assert body["fill_rate_now"] == "5.0"


def test_the_report_as_csv(week, preparer_client):
    response = preparer_client.get(
        f"/api/v1/vending/machines/{week.pk}/report/?from=2026-03-02&to=2026-03-03", HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    total = next(row for row in rows if row["section"] == "revenue_total")
    assert (total["amount_incl_vat"], total["vat"], total["amount_excl_vat"]) == ("19.00", "2.14", "16.86")
    anomaly = next(row for row in rows if row["section"] == "anomalies")
    assert (anomaly["product_name"], anomaly["compartment"], anomaly["count"]) == ("unknown_compartment", "C9", "1")
    assert [row["date"] for row in rows if row["section"] == "sales_by_day"] == ["2026-03-02", "2026-03-03"]
    same = preparer_client.get(f"/api/v1/vending/machines/{week.pk}/report/?from=2026-03-02&to=2026-03-03&format=csv")
    assert same.content == response.content


def test_the_report_is_for_staff_only(machine, customer_client, api_client):
    url = f"/api/v1/vending/machines/{machine.pk}/report/?from=2026-03-02&to=2026-03-03"
    assert customer_client.get(url).status_code == 403
    assert api_client.get(url).status_code == 401


def test_a_backward_period_is_a_400(machine, manager_client):
    response = manager_client.get(f"/api/v1/vending/machines/{machine.pk}/report/?from=2026-03-05&to=2026-03-03")
    assert response.status_code == 400 and response.json()["code"] == "invalid_report_period"
    missing = manager_client.get(f"/api/v1/vending/machines/{machine.pk}/report/")
    assert missing.status_code == 400 and set(missing.json()["fields"]) == {"from", "to"}
