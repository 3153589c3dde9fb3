"""Jar deposits (consigne, issue 19): an order line copies the product's deposit per jar and charges it per unit,
outside the VAT base; the order's total is subtotal + delivery fee + deposits, and the database holds it so; a
product sold by weight carries none; the change, the cancellation, the counter sale, the invoice and the emails
follow."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from catalogue.models import Product
from catalogue.services.products import product_update
from catalogue.services.stock import stock_available, stock_check_ledger
from invoicing.models import Invoice
from invoicing.services.documents import invoice_pdf
from orders.models import Order, OrderLine
from orders.services.counter import counter_sale_record
from orders.services.grocery import LineRequest, order_cancel, order_transition
from orders.services.modify import order_modify
from orders.services.reschedule import order_reschedule
from tests.factories.catalogue import ProductFactory
from tests.orders.helpers import home_body, pickup_body, place_home, place_pickup, stocked_product

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


@pytest.fixture
def soup(db):
    """Returnable jars of soup: 4.50 € (5.5 %) and a 0.50 € deposit each."""
    return stocked_product(
        20, name="Soupe de potimarron", slug="soupe", unit="jar", unit_price=Decimal("4.50"), deposit=Decimal("0.50")
    )


@pytest.fixture
def juice(db):
    """Returnable bottles of juice: 3.50 € and a 0.20 € deposit each."""
    return stocked_product(
        20, name="Jus de pomme", slug="jus", unit="jar", unit_price=Decimal("3.50"), deposit=Decimal("0.20")
    )


def test_an_order_charges_the_deposit_per_jar_outside_the_vat_base(customer_client, customer, depot, soup, leeks):
    response = customer_client.post(URL, pickup_body(depot, [(soup, 3), (leeks, 2)]), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert [(li["product_name"], li["line_total"], li["deposit"], li["deposit_amount"]) for li in data["lines"]] == [
        ("Soupe de potimarron", "13.50", "0.50", "1.50"),
        ("Poireaux", "5.60", "0.00", "0.00"),
    ]
    assert (data["subtotal"], data["deposit_total"], data["delivery_fee"], data["total"]) == (
        "19.10",
        "1.50",
        "0.00",
        "20.60",
    )
    # The VAT is that of the goods only: no 0 % row, no VAT on the deposit.
    assert data["vat_breakdown"] == [{"rate": "5.50", "amount": "19.10", "vat": "0.99"}]
    assert data["vat_total"] == "0.99"
    order = Order.objects.get()
    assert (order.subtotal, order.deposit_total, order.total) == (Decimal("19.10"), Decimal("1.50"), Decimal("20.60"))
    line = order.lines.get(product=soup)
    assert (line.deposit, line.deposit_amount) == (Decimal("0.50"), Decimal("1.50"))
    assert stock_available(product_id=soup.pk) == Decimal("17")


def test_the_deposit_is_a_snapshot_and_counts_for_neither_the_minimum_nor_the_free_delivery(
    customer_client, calais_zone, soup
):
    # The zone: minimum 20 €, 4.50 € fee, free from 60 €. 13 jars: 58.50 € of soup + 6.50 € of deposit = 65 €,
    # still below the free delivery threshold, which counts the goods.
    response = customer_client.post(URL, home_body([(soup, 13)]), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["subtotal"], data["delivery_fee"], data["deposit_total"], data["total"]) == (
        "58.50",
        "4.50",
        "6.50",
        "69.50",
    )
    Product.objects.filter(pk=soup.pk).update(deposit=Decimal("0.80"))  # the catalogue changes afterwards
    assert Order.objects.get().lines.get().deposit == Decimal("0.50")


def test_the_database_refuses_a_total_without_its_deposit(customer, depot, soup):
    order = place_pickup(customer, depot, [(soup, 2)])

    with pytest.raises(IntegrityError, match="order_total_is_subtotal_plus_fee_plus_deposit"), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(total=order.subtotal)
    with pytest.raises(IntegrityError, match="order_deposit_not_negative"), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(deposit_total=Decimal("-1.00"), total=order.subtotal - 1)
    with pytest.raises(IntegrityError, match="order_line_deposit_per_jar"), transaction.atomic():
        OrderLine.objects.filter(order=order).update(sold_by_weight=True)


def test_a_product_sold_by_weight_carries_no_deposit(db):
    product = ProductFactory(name="Pommes de terre", unit="kg", sold_by_weight=True)

    product.deposit = Decimal("0.50")
    with pytest.raises(ValidationError) as refused:
        product.full_clean()
    assert "deposit" in refused.value.message_dict
    # The services call `full_clean`: turning a jar product into a weighed one is refused the same way.
    jar = ProductFactory(piece=True, name="Confiture", deposit=Decimal("0.50"))
    with pytest.raises(ValidationError):
        product_update(product=jar, sold_by_weight=True)
    assert Product.objects.get(pk=jar.pk).sold_by_weight is False
    # and the database backs it
    with pytest.raises(IntegrityError, match="product_deposit_per_jar"), transaction.atomic():
        Product.objects.filter(pk=jar.pk).update(sold_by_weight=True)


def test_changing_an_order_reprices_its_deposits(customer, depot, soup, juice, leeks):
    order = place_pickup(customer, depot, [(soup, 3), (leeks, 1)])
    Product.objects.filter(pk=soup.pk).update(deposit=Decimal("0.80"))  # the soup line keeps its 0.50

    order_modify(order_id=order.pk, actor=customer, lines=[LineRequest(soup.pk, 5), LineRequest(juice.pk, 2)])

    order.refresh_from_db()
    lines = {line.product_id: line for line in order.lines.all()}
    assert (lines[soup.pk].deposit, lines[soup.pk].deposit_amount) == (Decimal("0.50"), Decimal("2.50"))
    assert (lines[juice.pk].deposit, lines[juice.pk].deposit_amount) == (Decimal("0.20"), Decimal("0.40"))
    assert (order.subtotal, order.deposit_total, order.total) == (Decimal("29.50"), Decimal("2.90"), Decimal("32.40"))
    assert stock_available(product_id=soup.pk) == Decimal("15")
    assert stock_available(product_id=juice.pk) == Decimal("18")
    # The summary the pages and emails show: the deposits differ, so the jars are counted without a unit price.
    summary = order.deposit_summary
    assert (summary.jars, summary.per_jar, summary.amount) == (7, None, Decimal("2.90"))

    order_cancel(order_id=order.pk, actor=customer)

    order.refresh_from_db()
    assert order.status == "cancelled" and order.total == Decimal("32.40")  # what was ordered, kept as it was
    assert stock_available(product_id=soup.pk) == Decimal("20")
    assert stock_available(product_id=juice.pk) == Decimal("20")
    assert stock_check_ledger() == {}


def test_a_counter_sale_charges_the_deposit(preparer, soup, leeks):
    sale = counter_sale_record(
        seller=preparer, lines=[LineRequest(soup.pk, Decimal("2")), LineRequest(leeks.pk, 1)], payment_method="cash"
    )

    sale.refresh_from_db()
    assert (sale.subtotal, sale.deposit_total, sale.total) == (Decimal("11.80"), Decimal("1.00"), Decimal("12.80"))
    assert sale.vat_breakdown == [{"rate": "5.50", "amount": "11.80", "vat": "0.62"}]
    soup_line = sale.lines.get(product=soup)
    assert (soup_line.deposit, soup_line.deposit_amount) == (Decimal("0.50"), Decimal("1.00"))
    with pytest.raises(IntegrityError, match="counter_sale_total_is_subtotal_plus_deposit"), transaction.atomic():
        type(sale).objects.filter(pk=sale.pk).update(total=sale.subtotal)


def test_the_counter_sale_api_shows_the_deposit(preparer_client, soup):
    response = preparer_client.post(
        "/api/v1/orders/counter-sales/",
        {"lines": [{"product": soup.pk, "quantity": "3"}], "payment_method": "card"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["subtotal"], body["deposit_total"], body["total"]) == ("13.50", "1.50", "15.00")
    assert (body["lines"][0]["deposit"], body["lines"][0]["deposit_amount"]) == ("0.50", "1.50")


def test_the_invoice_bills_the_deposit_at_0_percent_and_totals_the_order(customer, manager, depot, soup, juice, leeks):
    order = place_pickup(customer, depot, [(soup, 3), (juice, 2), (leeks, 1)])
    for target in ("preparing", "ready", "fulfilled"):
        order_transition(order_id=order.pk, target=target, actor=manager)

    order.refresh_from_db()
    invoice = Invoice.objects.get(source=f"order:{order.pk}")
    assert invoice.total_incl_vat == order.total == Decimal("25.20")  # 23.30 + 1.50 + 0.40
    assert invoice.vat_total == order.vat_total
    assert [(line.description, line.quantity, line.unit_price, line.vat_rate, line.amount_incl_vat) for line in
            invoice.lines.all()][3:] == [
        ("Consigne des bocaux (hors champ de la TVA)", Decimal("2"), Decimal("0.20"), Decimal("0.00"), Decimal("0.40")),
        ("Consigne des bocaux (hors champ de la TVA)", Decimal("3"), Decimal("0.50"), Decimal("0.00"), Decimal("1.50")),
    ]  # fmt: skip
    # The VAT breakdown: the goods' row as the order's, and the deposits on a 0 % row without VAT.
    assert invoice.vat_breakdown == [
        {"rate": "0.00", "base": "1.90", "vat": "0.00", "total": "1.90"},
        {"rate": "5.50", "base": "22.09", "vat": "1.21", "total": "23.30"},
    ]
    assert order.vat_breakdown == [{"rate": "5.50", "amount": "23.30", "vat": "1.21"}]
    text = PdfReader(io.BytesIO(invoice_pdf(invoice))).pages[0].extract_text()
    assert "Consigne des bocaux (hors champ de la\nTVA)\n3 jar\n0,50\n0,00 %\n1,50" in text
    assert "0,00 %\n1,90\n0,00\n1,90" in text  # its row of the VAT table: a base, no VAT


def test_the_confirmation_email_shows_the_deposit_in_french(
    customer_client, depot, soup, leeks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(URL, pickup_body(depot, [(soup, 3), (leeks, 1)]), format="json")
    assert response.status_code == 201

    (email,) = mailoutbox
    assert "Sous-total : 16,30 €" in email.body
    assert "Consigne (3 bocaux × 0,50 €) : 1,50 €" in email.body
    assert "Total TTC : 17,80 €" in email.body
    assert "La consigne n’est pas soumise à la TVA" in email.body
    html, _mimetype = email.alternatives[0]
    assert "Consigne (3 bocaux × 0,50 €)" in html and "1,50 €" in html


def test_a_refunded_delivery_fee_keeps_the_deposits(manager, customer, calais_zone, relay, soup):
    order = place_home(customer, [(soup, 5)])  # 22.50 + 4.50 of fee + 2.50 of deposit
    assert order.total == Decimal("29.50")

    moved = order_reschedule(
        order_id=order.pk,
        delivery_date=order.delivery_date,
        pickup_point=relay,
        actor=manager,
        refund_delivery_fee=True,
    )

    moved.refresh_from_db()
    assert (moved.delivery_fee, moved.deposit_total, moved.total) == (
        Decimal("0.00"),
        Decimal("2.50"),
        Decimal("25.00"),
    )
