"""Sales and workshop statements in the farmers' space (issue 17.1): what was sold of the producer's products per
week and month by channel (grocery orders, cabas, vending), as a table and a CSV; the monthly workshop statements
in HTML and PDF. Another producer's sales and statements never show; a customer is refused."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from catalogue.models import MovementReason
from catalogue.services.stock import StockLine, stock_apply, stock_receive
from orders.models import OrderLine, OrderStatus
from processing.services.billing import statement_build
from processing.services.bookings import booking_confirm
from processing.services.lots import Output, booking_complete
from tests.factories.accounts import StaffFactory
from tests.factories.catalogue import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.vending import MachineFactory
from tests.farmers.helpers import THURSDAY_MORNING, make_booking, paris
from vending.models import Sale

pytestmark = pytest.mark.django_db


def _order_line(product, *, day: date, quantity: str, total: str, status=OrderStatus.FULFILLED) -> OrderLine:
    order = OrderFactory(delivery_date=day, status=status)
    return OrderLine.objects.create(
        order=order,
        product=product,
        product_name=product.name,
        unit=product.unit,
        unit_price=product.unit_price,
        vat_rate=Decimal("5.50"),
        quantity=Decimal(quantity),
        line_total=Decimal(total),
        vat_amount=Decimal("0.00"),
    )


@pytest.fixture
def sold(frozen, farm, other_farm):
    """Leeks of our farm sold through the three channels in the weeks of 2 and 9 November 2026; another producer's
    product sold too."""
    leeks = ProductFactory(producer=farm, name="Poireaux", unit_price=Decimal("2.50"))
    theirs = ProductFactory(producer=other_farm, name="Salsifis du voisin", unit_price=Decimal("4.00"))
    _order_line(leeks, day=date(2026, 11, 4), quantity="3", total="7.50")
    _order_line(leeks, day=date(2026, 11, 6), quantity="2", total="5.00")
    _order_line(leeks, day=date(2026, 11, 12), quantity="4", total="10.00")
    _order_line(leeks, day=date(2026, 11, 12), quantity="9", total="22.50", status=OrderStatus.CANCELLED)
    _order_line(theirs, day=date(2026, 11, 12), quantity="1", total="4.00")
    stock_receive(product_id=leeks.pk, quantity=Decimal("50"))
    stock_apply(lines=[StockLine(leeks.pk, Decimal("-6"))], reason=MovementReason.BASKET_ALLOCATION)  # Monday 16
    machine = MachineFactory()
    for number, (when, quantity, amount) in enumerate(
        [(paris(2026, 11, 10, 18), "1", "2.50"), (paris(2026, 11, 11, 9), "2", "5.00")]
    ):
        Sale.objects.create(
            machine=machine,
            transaction_id=f"t{number}",
            compartment_code="A1",
            product=leeks,
            quantity=Decimal(quantity),
            recorded_quantity=Decimal(quantity),
            amount=Decimal(amount),
            sold_at=when,
        )
    return leeks


def test_sales_per_week_by_channel(member_client, sold):
    body = member_client.get("/producteurs/ventes/").content.decode()
    assert "Semaine du 16 novembre 2026" in body and "Semaine du 9 novembre 2026" in body
    week_9 = body[body.index("Semaine du 9 novembre 2026") : body.index("Semaine du 2 novembre 2026")]
    assert "Commandes d&#x27;épicerie" in week_9 or "Commandes d'épicerie" in week_9
    assert "10,00 €" in week_9 and "7,50 €" in week_9  # grocery 4 leeks, vending 3
    assert "22,50" not in body  # the cancelled order
    assert "Salsifis du voisin" not in body


def test_sales_csv_per_month_has_the_three_channels(member_client, sold):
    response = member_client.get("/producteurs/ventes.csv?periode=mois")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0] == ["period", "channel", "product_id", "product", "unit", "quantity", "amount"]
    by_channel = {row[1]: row for row in rows[1:]}
    assert set(by_channel) == {"grocery", "cabas", "vending"}
    assert by_channel["grocery"][0] == "2026-11-01"
    assert Decimal(by_channel["grocery"][5]) == 9 and Decimal(by_channel["grocery"][6]) == Decimal("22.50")
    assert Decimal(by_channel["cabas"][5]) == 6 and by_channel["cabas"][6] == ""
    assert Decimal(by_channel["vending"][5]) == 3 and Decimal(by_channel["vending"][6]) == Decimal("7.50")
    assert all(row[3] == "Poireaux" for row in rows[1:])


def test_statements_in_html_and_pdf_and_never_another_producers(
    member_client, member, workshop, farm, other_farm, frozen
):
    manager = StaffFactory()
    ours = make_booking(farm, workshop["washing"], *THURSDAY_MORNING, user=member)
    theirs = make_booking(other_farm, workshop["cutting"], *THURSDAY_MORNING)
    for booking in (ours, theirs):
        booking_confirm(booking_id=booking.pk, user=manager)
    frozen.move_to(paris(2026, 11, 19, 13))
    for booking in (ours, theirs):
        booking_complete(booking_id=booking.pk, user=manager, outputs=[Output(description="Soupe", quantity=10)])
    frozen.move_to(timezone.make_aware(datetime(2026, 12, 1, 8)))
    statement, _ = statement_build(producer_id=farm.pk, month=date(2026, 11, 1))
    their_statement, _ = statement_build(producer_id=other_farm.pk, month=date(2026, 11, 1))

    body = member_client.get("/producteurs/releves/").content.decode()
    assert "Novembre 2026" in body and f"/producteurs/releves/{statement.pk}/" in body
    assert f"/producteurs/releves/{their_statement.pk}/" not in body
    detail = member_client.get(f"/producteurs/releves/{statement.pk}/").content.decode()
    assert "Ligne de lavage" in detail and f"{statement.total:.2f}".replace(".", ",") in detail
    pdf = member_client.get(f"/producteurs/releves/{statement.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    for path in (f"/producteurs/releves/{their_statement.pk}/", f"/producteurs/releves/{their_statement.pk}/pdf/"):
        assert member_client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/producteurs/ventes/", "/producteurs/ventes.csv", "/producteurs/releves/"])
def test_sales_and_statements_refuse_customers_and_anonymous_visitors(customer_client, client, path):
    assert customer_client.get(path).status_code == 403
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/?next=")


def test_the_sales_csv_neutralises_a_formula_in_a_product_name(member_client, farm, frozen):
    evil = ProductFactory(producer=farm, name='=HYPERLINK("http://evil.example/","clic")', unit_price=Decimal("1"))
    _order_line(evil, day=date(2026, 11, 12), quantity="1", total="1.00")
    rows = list(csv.reader(io.StringIO(member_client.get("/producteurs/ventes.csv").content.decode()), delimiter=";"))
    assert rows[1][3] == "'" + evil.name
