"""Counter sales: the stock leaves through the ledger with its own reason, never below zero (even for two sales at
once), the receipt shows what was sold and how it was paid."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from catalogue.errors import InsufficientStock
from catalogue.models import MovementReason, StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger
from orders.errors import InvalidQuantity
from orders.models import CounterSale
from orders.services.counter import counter_sale_record
from orders.services.grocery import LineRequest
from tests.factories.accounts import StaffFactory
from tests.orders.helpers import stocked_product


@pytest.mark.django_db
def test_a_sale_takes_the_stock_out_with_its_own_reason(preparer, leeks, jam):
    sale = counter_sale_record(
        seller=preparer,
        lines=[LineRequest(leeks.pk, Decimal("1.5")), LineRequest(jam.pk, Decimal("2"))],
        payment_method="card",
    )

    assert sale.subtotal == Decimal("13.20")  # 1.5 × 2.80 + 2 × 4.50
    assert stock_available(product_id=leeks.pk) == Decimal("18.5")
    assert stock_available(product_id=jam.pk) == Decimal("8")
    movements = StockMovement.objects.filter(reason=MovementReason.COUNTER_SALE).order_by("product_id")
    assert [(m.product_id, m.quantity, m.source_id) for m in movements] == sorted(
        [(leeks.pk, Decimal("-1.500"), sale.pk), (jam.pk, Decimal("-2.000"), sale.pk)]
    )
    assert stock_check_ledger() == {}


@pytest.mark.django_db
def test_more_than_the_stock_is_refused_and_nothing_is_written(preparer, jam, leeks):
    with pytest.raises(InsufficientStock):
        counter_sale_record(
            seller=preparer,
            lines=[LineRequest(leeks.pk, Decimal("1")), LineRequest(jam.pk, Decimal("11"))],
            payment_method="cash",
        )
    assert CounterSale.objects.count() == 0
    assert stock_available(product_id=jam.pk) == Decimal("10")
    assert stock_available(product_id=leeks.pk) == Decimal("20")


@pytest.mark.django_db
def test_a_quantity_off_the_products_step_is_refused(preparer, leeks):
    with pytest.raises(InvalidQuantity):
        counter_sale_record(seller=preparer, lines=[LineRequest(leeks.pk, Decimal("0.3"))], payment_method="cash")
    assert CounterSale.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_eight_sales_of_the_last_three_jars_at_once_sell_exactly_three():
    product = stocked_product(3, name="Confiture", slug="confiture-rare", unit="jar")
    sellers = [StaffFactory(groups=["preparer"]) for _ in range(8)]
    barrier = threading.Barrier(8)
    results: list = [None] * 8

    def sell(i):
        try:
            barrier.wait(timeout=10)
            results[i] = counter_sale_record(
                seller=sellers[i], lines=[LineRequest(product.pk, Decimal("1"))], payment_method="cash"
            )
        except Exception as error:  # asserted below
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=sell, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(isinstance(r, CounterSale) for r in results) == 3, results
    assert sum(isinstance(r, InsufficientStock) for r in results) == 5
    assert stock_available(product_id=product.pk) == Decimal("0")
    assert CounterSale.objects.count() == 3
    assert stock_check_ledger() == {}


@pytest.mark.django_db
def test_the_counter_page_scans_a_product_number_sells_and_shows_the_receipt(preparer_web, jam, leeks):
    # scanning (typing) a product's number finds it
    page = preparer_web.get(reverse("staff:counter") + f"?q={jam.pk}").content.decode()
    assert "Ajouter Confiture de fraises" in page
    # a name finds it too
    assert "Ajouter Poireaux" in preparer_web.get(reverse("staff:counter") + "?q=poireau").content.decode()

    preparer_web.post(reverse("staff:counter"), {"action": "add", "produit": jam.pk, "quantite": "2"})
    preparer_web.post(reverse("staff:counter"), {"action": "add", "produit": leeks.pk, "quantite": "0,5"})
    response = preparer_web.post(reverse("staff:counter-checkout"), {"paiement": "cheque"})

    sale = CounterSale.objects.get()
    assert response["Location"] == reverse("staff:counter-receipt", args=[sale.pk])
    assert (sale.payment_method, sale.subtotal) == ("cheque", Decimal("10.40"))
    assert stock_available(product_id=jam.pk) == Decimal("8")
    receipt = preparer_web.get(response["Location"]).content.decode()
    assert f"Ticket n° {sale.pk}" in receipt and "10,40 €" in receipt and "chèque" in receipt
    # the draft is emptied: a second checkout records nothing
    preparer_web.post(reverse("staff:counter-checkout"), {"paiement": "cash"})
    assert CounterSale.objects.count() == 1


@pytest.mark.django_db
def test_a_sale_without_payment_method_is_not_recorded(preparer_web, jam):
    preparer_web.post(reverse("staff:counter"), {"action": "add", "produit": jam.pk, "quantite": "1"})
    preparer_web.post(reverse("staff:counter-checkout"), {"paiement": "bitcoin"})
    assert CounterSale.objects.count() == 0


@pytest.mark.django_db
def test_the_api_records_a_counter_sale(preparer_client, preparer, jam):
    response = preparer_client.post(
        "/api/v1/orders/counter-sales/",
        {"lines": [{"product": jam.pk, "quantity": "2"}], "payment_method": "card"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["seller"], body["payment_method"], body["subtotal"]) == (preparer.pk, "card", "9.00")
    assert body["lines"][0]["quantity"] == "2.000"
    assert stock_available(product_id=jam.pk) == Decimal("8")


@pytest.mark.django_db
def test_the_api_refuses_a_sale_beyond_the_stock_and_writes_nothing(manager_client, jam):
    response = manager_client.post(
        "/api/v1/orders/counter-sales/",
        {"lines": [{"product": jam.pk, "quantity": "11"}], "payment_method": "cash"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert CounterSale.objects.count() == 0 and stock_available(product_id=jam.pk) == Decimal("10")


@pytest.mark.django_db
def test_the_api_refuses_customers(customer_client, jam):
    response = customer_client.post(
        "/api/v1/orders/counter-sales/",
        {"lines": [{"product": jam.pk, "quantity": "1"}], "payment_method": "cash"},
        format="json",
    )
    assert response.status_code == 403
    assert CounterSale.objects.count() == 0


@pytest.mark.django_db
def test_the_receipt_adds_the_jars_deposit_to_the_total(preparer_web):
    soup = stocked_product(5, name="Soupe", slug="soupe", unit="jar", unit_price=Decimal("4.50"), deposit="0.50")
    preparer_web.post(reverse("staff:counter"), {"action": "add", "produit": soup.pk, "quantite": "2"})
    response = preparer_web.post(reverse("staff:counter-checkout"), {"paiement": "cash"})

    sale = CounterSale.objects.get()
    assert (sale.subtotal, sale.deposit_total, sale.total) == (Decimal("9.00"), Decimal("1.00"), Decimal("10.00"))
    receipt = preparer_web.get(response["Location"]).content.decode()
    assert 'Consigne (2 bocaux × 0,50 €)</th><td class="number">1,00 €' in receipt
    assert '<td class="number" id="receipt-total">10,00 €</td>' in receipt
