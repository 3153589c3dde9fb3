"""Food-aid vouchers at the counter: a voucher pays an order up to what is due, the rest to the customer's balance (no
change given); one handed over without an order credits the balance; a number is taken once per partner, even by two
staff at once; the manager downloads a partner's month; customers and preparers are refused what is not theirs."""

from __future__ import annotations

import csv
import io
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.test import Client

from orders.services.grocery import order_payment_record
from orders.services.payment import order_voucher_pay
from payments.errors import VoucherAlreadyRecorded
from payments.models import Payment, Provider, Voucher, VoucherPartner
from payments.selectors import amount_kept, balance_of
from tests.clients import client_for
from tests.orders.helpers import place_pickup

pytestmark = pytest.mark.django_db


@pytest.fixture
def ccas(db):
    return VoucherPartner.objects.create(name="CCAS de Calais")


def _pay(client, order, ccas, number, value):
    return client.post(
        f"/api/v1/orders/{order.pk}/voucher/",
        {"partner": ccas.pk, "number": number, "value": value},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )


def test_a_voucher_worth_more_than_the_order_pays_it_and_the_rest_goes_to_the_balance(
    customer, preparer, depot, leeks, ccas
):
    order = place_pickup(customer, depot, [(leeks, 2)])  # 5.60 €

    response = _pay(client_for(preparer), order, ccas, "A-100", "10.00")

    assert response.status_code == 201
    body = response.json()
    assert (body["paid"], body["credited"], body["balance"]) == ("5.60", "4.40", "4.40")
    order.refresh_from_db()
    assert (order.payment_status, order.payment_method) == ("paid", "voucher")
    assert amount_kept(source="order", ref=order.pk) == Decimal("5.60")
    assert balance_of(customer_id=customer.pk) == Decimal("4.40")


def test_a_smaller_voucher_pays_part_the_counter_takes_only_the_rest(customer, preparer, manager, depot, leeks, ccas):
    order = place_pickup(customer, depot, [(leeks, 2)])  # 5.60 €

    response = _pay(client_for(preparer), order, ccas, "A-101", "5.00")
    order.refresh_from_db()
    assert (response.status_code, order.payment_status) == (201, "unpaid")
    browser = Client(HTTP_ACCEPT_LANGUAGE="fr")
    browser.force_login(customer)
    page = browser.get(f"/compte/commandes/{order.pk}/").content.decode()
    assert "5,00 € déjà payés, 0,60 € restent à payer au retrait" in page
    order_payment_record(order_id=order.pk, payment_status="paid", payment_method="cash", actor=manager)

    order.refresh_from_db()
    counter = Payment.objects.get(source="order", ref=order.pk, provider=Provider.COUNTER)
    assert (order.payment_status, counter.amount_captured) == ("paid", Decimal("0.60"))
    assert amount_kept(source="order", ref=order.pk) == order.total
    assert balance_of(customer_id=customer.pk) == 0


def test_a_number_is_taken_once_per_partner_and_a_paid_or_cancelled_order_takes_no_voucher(
    customer, preparer, manager, depot, leeks, ccas
):
    other_partner = VoucherPartner.objects.create(name="Secours populaire")
    order = place_pickup(customer, depot, [(leeks, 1)])
    cancelled = place_pickup(customer, depot, [(leeks, 1)])
    client = client_for(preparer)
    client_for(manager).post(f"/api/v1/orders/{cancelled.pk}/cancel/", {}, format="json")

    first = _pay(client, order, ccas, "A-102", "2.00")
    again = client.post(
        "/api/v1/payments/vouchers/",
        {"partner": ccas.pk, "number": " A-102 ", "value": "2.00", "customer": customer.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    elsewhere = _pay(client, order, other_partner, "A-102", "0.80")  # another partner's paper: fine, pays the rest
    paid_already = _pay(client, order, ccas, "A-103", "1.00")
    on_cancelled = _pay(client, cancelled, ccas, "A-104", "1.00")

    assert first.status_code == elsewhere.status_code == 201
    assert (again.status_code, again.json()["code"]) == (409, "voucher_already_recorded")
    assert "A-102" in again.json()["detail"]
    assert (paid_already.status_code, paid_already.json()["code"]) == (409, "payment_not_allowed")
    assert (on_cancelled.status_code, on_cancelled.json()["code"]) == (409, "payment_not_allowed")
    assert sorted(Voucher.objects.values_list("number", flat=True)) == ["A-102", "A-102"]


def test_a_voucher_without_an_order_credits_the_balance_unknown_customer_or_partner_is_404(customer, preparer, ccas):
    client = client_for(preparer)
    url = "/api/v1/payments/vouchers/"

    credited = client.post(url, {"partner": ccas.pk, "number": "B-1", "value": "15.00", "customer": customer.pk})
    nobody = client.post(url, {"partner": ccas.pk, "number": "B-2", "value": "15.00", "customer": 999999})
    ccas_closed = VoucherPartner.objects.create(name="Ancien partenaire", is_active=False)
    closed = client.post(url, {"partner": ccas_closed.pk, "number": "B-3", "value": "1.00", "customer": customer.pk})
    zero = client.post(url, {"partner": ccas.pk, "number": "B-4", "value": "0.00", "customer": customer.pk})

    assert credited.status_code == 201
    assert (credited.json()["paid"], credited.json()["credited"], credited.json()["balance"]) == (
        "0.00",
        "15.00",
        "15.00",
    )
    assert (nobody.status_code, nobody.json()["code"]) == (404, "not_found")
    assert closed.status_code == 404
    assert zero.status_code == 400 and "value" in zero.json()["fields"]
    assert Voucher.objects.count() == 1 and balance_of(customer_id=customer.pk) == Decimal("15.00")


def test_the_manager_downloads_a_partners_month_others_are_refused(customer, other_customer, manager, preparer, ccas):
    client = client_for(preparer)
    for number, who in (("C-1", customer), ("C-2", other_customer)):
        client.post(
            "/api/v1/payments/vouchers/", {"partner": ccas.pk, "number": number, "value": "7.50", "customer": who.pk}
        )
    url = f"/api/v1/payments/voucher-partners/{ccas.pk}/statement/"

    statement = client_for(manager).get(url, {"month": "2026-10"})
    empty_month = client_for(manager).get(url, {"month": "2026-09"})
    wrong_month = client_for(manager).get(url, {"month": "2026-13"})
    unknown = client_for(manager).get("/api/v1/payments/voucher-partners/999999/statement/", {"month": "2026-10"})

    assert (statement.status_code, statement["Content-Type"]) == (200, "text/csv")
    rows = list(csv.reader(io.StringIO(statement.content.decode()), delimiter=";"))
    assert [row[1] for row in rows[1:-1]] == ["C-1", "C-2"]
    assert rows[-1][:3] == ["total", "", "15.00"]
    assert list(csv.reader(io.StringIO(empty_month.content.decode()), delimiter=";"))[-1][:3] == ["total", "", "0.00"]
    assert wrong_month.status_code == 400 and unknown.status_code == 404
    assert client_for(preparer).get(url, {"month": "2026-10"}).status_code == 403
    assert client_for(customer).get("/api/v1/payments/voucher-partners/").status_code == 403
    assert (
        client_for(customer)
        .post(
            "/api/v1/payments/vouchers/", {"partner": ccas.pk, "number": "X", "value": "9.00", "customer": customer.pk}
        )
        .status_code
        == 403
    )


@pytest.mark.django_db(transaction=True)
def test_two_vouchers_for_one_order_at_once_pay_it_once_the_rest_to_the_balance(customer, manager, depot, leeks):
    ccas = VoucherPartner.objects.create(name="CCAS de Calais")
    order = place_pickup(customer, depot, [(leeks, 2)])  # 5.60 €
    barrier = threading.Barrier(2)
    outcomes = []

    def hand_over(number):
        try:
            barrier.wait()
            order_voucher_pay(
                order_id=order.pk, partner_id=ccas.pk, number=number, value=Decimal("5.00"), actor=manager
            )
            outcomes.append("ok")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=hand_over, args=(n,)) for n in ("D-1", "D-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["ok", "ok"]
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert amount_kept(source="order", ref=order.pk) == Decimal("5.60")  # never more than due
    assert balance_of(customer_id=customer.pk) == Decimal("4.40")  # 10.00 handed over − 5.60


def test_the_same_number_twice_is_refused_by_the_service_too(customer, manager, ccas):
    from payments.services.offline import voucher_record

    voucher_record(partner_id=ccas.pk, number="E-1", value=Decimal("3.00"), customer_id=customer.pk, actor=manager)
    with pytest.raises(VoucherAlreadyRecorded):
        voucher_record(partner_id=ccas.pk, number="E-1", value=Decimal("3.00"), customer_id=customer.pk, actor=manager)
    assert balance_of(customer_id=customer.pk) == Decimal("3.00")
