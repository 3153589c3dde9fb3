"""The customer's balance: credits and debits, never negative even when two payments race for it; food-aid vouchers
once per number and partner, with their monthly statement; returned jars credited."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from ecopole.core.exceptions import ApplicationError
from payments.errors import InsufficientBalance, NoDeposit, VoucherAlreadyRecorded
from payments.models import BalanceEntry, BalanceEntryKind, Payment
from payments.selectors import amount_kept, balance_entries, balance_of, voucher_statement_csv
from payments.services.balance import balance_credit, balance_pay
from payments.services.card import payment_release
from payments.services.offline import jar_return_record, voucher_record
from tests.factories.accounts import UserFactory
from tests.factories.catalogue import ProductFactory
from tests.factories.payments import VoucherPartnerFactory
from tests.orders.helpers import place_pickup


@pytest.mark.django_db
def test_credits_and_debits_keep_a_running_balance(customer):
    balance_credit(customer_id=customer.pk, amount=Decimal("10.00"), kind=BalanceEntryKind.REFUND)
    balance_pay(customer_id=customer.pk, source="order", ref=1, amount=Decimal("4.50"))

    with pytest.raises(InsufficientBalance):
        balance_pay(customer_id=customer.pk, source="order", ref=2, amount=Decimal("6.00"))

    assert balance_of(customer_id=customer.pk) == Decimal("5.50")
    assert [(e.amount, e.balance_after) for e in balance_entries(customer_id=customer.pk)] == [
        (Decimal("10.00"), Decimal("10.00")),
        (Decimal("-4.50"), Decimal("5.50")),
    ]
    assert not Payment.objects.filter(ref=2).exists()  # the refused payment wrote nothing


@pytest.mark.django_db(transaction=True)
def test_two_payments_racing_for_the_balance_never_overdraw_it():
    # given 10 € on the balance, two orders of 7 € each paid with it at the same instant
    customer = UserFactory()
    balance_credit(customer_id=customer.pk, amount=Decimal("10.00"), kind=BalanceEntryKind.VOUCHER)
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def pay(i):
        try:
            barrier.wait()
            balance_pay(customer_id=customer.pk, source="order", ref=100 + i, amount=Decimal("7.00"))
            outcomes[i] = "paid"
        except ApplicationError as error:
            outcomes[i] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly one was paid, the other refused, and the balance is 3 €, the sum of its entries
    assert sorted(outcomes) == ["insufficient_balance", "paid"]
    assert balance_of(customer_id=customer.pk) == Decimal("3.00")
    assert sum(BalanceEntry.objects.filter(customer=customer).values_list("amount", flat=True)) == Decimal("3.00")
    assert Payment.objects.filter(customer=customer, provider="balance").count() == 1


@pytest.mark.django_db
def test_a_balance_payment_of_an_order_pays_it_and_a_cancellation_credits_it_back(customer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])  # 5.60 €
    balance_credit(customer_id=customer.pk, amount=Decimal("6.00"), kind=BalanceEntryKind.REFUND)

    balance_pay(customer_id=customer.pk, source="order", ref=order.pk, amount=order.total)
    order.refresh_from_db()
    assert (order.payment_status, order.payment_method) == ("paid", "balance")

    payment_release(source="order", ref=order.pk)
    payment_release(source="order", ref=order.pk)  # again: no change

    assert balance_of(customer_id=customer.pk) == Decimal("6.00")
    assert amount_kept(source="order", ref=order.pk) == 0
    order.refresh_from_db()
    assert order.payment_status == "refunded"


@pytest.mark.django_db
def test_a_voucher_number_is_recorded_once_per_partner(customer, manager, depot, leeks):
    ccas, other = VoucherPartnerFactory(name="CCAS de Calais"), VoucherPartnerFactory(name="Secours populaire")
    order = place_pickup(customer, depot, [(leeks, 2)])  # 5.60 €

    voucher_record(
        partner_id=ccas.pk, number="A-001", value=Decimal("5.60"), customer_id=customer.pk, source="order",
        ref=order.pk, actor=manager,
    )  # fmt: skip
    with pytest.raises(VoucherAlreadyRecorded):
        voucher_record(partner_id=ccas.pk, number="A-001", value=Decimal("5.00"), customer_id=customer.pk)
    voucher_record(partner_id=other.pk, number="A-001", value=Decimal("3.00"), customer_id=customer.pk)

    order.refresh_from_db()
    assert (order.payment_status, order.payment_method) == ("paid", "voucher")
    assert balance_of(customer_id=customer.pk) == Decimal("3.00")  # the voucher without an order: to the balance
    statement = voucher_statement_csv(partner_id=ccas.pk, year=2026, month=10).splitlines()
    assert statement[0] == "date;numero;valeur;client;paye"
    assert statement[1] == f"2026-10-19;A-001;5.60;{customer.email};order {order.pk}"
    assert statement[-1] == "total;;5.60;;"


@pytest.mark.django_db
def test_returned_jars_credit_their_deposit(customer, driver):
    jam = ProductFactory(piece=True, name="Confiture", slug="confiture-consignee", deposit=Decimal("0.50"))
    soap = ProductFactory(piece=True, name="Savon", slug="savon-sans-consigne")

    jars = jar_return_record(customer_id=customer.pk, product_id=jam.pk, quantity=4, place="driver", actor=driver)
    with pytest.raises(NoDeposit):
        jar_return_record(customer_id=customer.pk, product_id=soap.pk, quantity=1, place="counter", actor=driver)

    assert jars.amount == Decimal("2.00")
    assert balance_of(customer_id=customer.pk) == Decimal("2.00")
    assert BalanceEntry.objects.get(customer=customer).kind == "deposit"
