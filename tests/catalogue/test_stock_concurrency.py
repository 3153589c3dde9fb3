"""Many callers take the last units of one product at the same instant, on PostgreSQL with real row locks."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from catalogue.errors import InsufficientStock
from catalogue.models import StockMovement
from catalogue.services.stock import StockLine, stock_available, stock_check_ledger, stock_reserve
from tests.clients import client_for
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.catalogue import ProductFactory

THREADS = 12


def run_together(worker, count: int) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = worker(i)
        except Exception as exc:  # recorded, asserted by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_twelve_reservations_of_the_last_units_at_once_reserve_exactly_the_stock():
    # given 5 units left and 12 customers each reserving 1 at the same instant
    product = ProductFactory(stock=5)
    customers = [UserFactory() for _ in range(THREADS)]

    results = run_together(
        lambda i: stock_reserve(lines=[StockLine(product.pk, Decimal("1"))], source=customers[i]), THREADS
    )

    # then exactly 5 succeed, 7 are refused with insufficient_stock, and the ledger balances at zero
    succeeded = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(succeeded) == 5, results
    assert len(refused) == THREADS - 5
    assert all(r.extra["available"] == "0.000" for r in refused)
    assert stock_available(product_id=product.pk) == Decimal("0")
    assert StockMovement.objects.filter(product=product, reason="reservation").count() == 5
    assert stock_check_ledger() == {}


@pytest.mark.django_db(transaction=True)
def test_twelve_losses_recorded_at_once_through_the_api_never_go_below_zero():
    # given 7.5 kg left and 12 preparers each recording a loss of 1 kg through the API at once
    product = ProductFactory(stock=Decimal("7.5"))
    preparers = [StaffFactory(groups=["preparer"]) for _ in range(THREADS)]
    clients = [client_for(p) for p in preparers]

    def lose_one(i: int) -> int:
        response = clients[i].post(
            "/api/v1/catalogue/stock-movements/",
            {"product": product.pk, "operation": "loss", "quantity": "1"},
            format="json",
        )
        assert response.status_code in (201, 409), response.json()
        if response.status_code == 409:
            assert response.json()["code"] == "insufficient_stock"
        return response.status_code

    results = run_together(lose_one, THREADS)

    assert sorted(results) == [201] * 7 + [409] * 5, results
    assert stock_available(product_id=product.pk) == Decimal("0.5")
    assert stock_check_ledger() == {}
