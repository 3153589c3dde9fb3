"""The treasurer's exports read the payments ledger: every euro of an order is one movement (a card capture, the
counter's remainder, a refund credited to the balance, the balance spent), each settling the order's invoice; credits
to balances that pay no invoice (a voucher without an order, jars brought back) are journaled beside them. The
reconciliation then finds every euro captured on exactly one invoice, and the FEC balances, account by account."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from invoicing.models import Invoice
from invoicing.ports import MovementKind, movements
from invoicing.services.exports import journal_lines, reconciliation
from orders.errors import PaymentMethodNotManual
from orders.services.grocery import order_payment_record, order_prepared_quantities_set, order_transition
from orders.services.payment import order_balance_pay, order_card_payment_start
from payments.models import CustomerBalance, DifferenceTo, Payment, Provider, VoucherPartner
from payments.services.offline import jar_return_record, voucher_record
from tests.clients import client_for
from tests.orders.helpers import place_pickup
from tests.payments.helpers import post_webhook

pytestmark = pytest.mark.django_db
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def _card(api_client, fake_stripe, order, customer, **kwargs) -> Payment:
    checkout = order_card_payment_start(order_id=order.pk, actor=customer, **kwargs)
    assert post_webhook(api_client, fake_stripe.confirm_card(checkout.payment.provider_reference)).status_code == 200
    return Payment.objects.get(pk=checkout.payment.pk)


def _fulfil(order, preparer, manager, capture, kilos=None) -> Invoice:
    order_transition(order_id=order.pk, target="preparing", actor=preparer)
    if kilos is not None:
        line = order.lines.get(sold_by_weight=True)
        order_prepared_quantities_set(order_id=order.pk, quantities={line.pk: Decimal(kilos)}, actor=preparer)
    with capture(execute=True):
        order_transition(order_id=order.pk, target="ready", actor=preparer)
    order.refresh_from_db()
    if order.payment_status == "unpaid":  # what the card did not cover, paid at pickup
        order_payment_record(order_id=order.pk, payment_status="paid", payment_method="cash", actor=manager)
    with capture(execute=True):
        order_transition(order_id=order.pk, target="fulfilled", actor=manager)
    return Invoice.objects.get(source=f"order:{order.pk}")


def test_every_euro_of_the_month_lands_on_one_invoice_and_the_journal_balances_per_account(
    api_client, fake_stripe, customer, other_customer, preparer, manager, depot, potatoes, leeks,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    capture = django_capture_on_commit_callbacks
    # 1. weighed above its authorisation: 2 kg estimated (6.70 €, authorised 7.71 €), 3 kg weighed: 8.65 €
    heavy = place_pickup(customer, depot, [(potatoes, Decimal("2")), (leeks, 1)])
    _card(api_client, fake_stripe, heavy, customer)
    heavy_invoice = _fulfil(heavy, preparer, manager, capture, kilos="3")
    # 2. a fixed-price order paid by card, cancelled: its 2.80 € credited to the balance as the customer chose
    cancelled = place_pickup(other_customer, depot, [(leeks, 1)])
    _card(api_client, fake_stripe, cancelled, other_customer, difference_to=DifferenceTo.BALANCE)
    with capture(execute=True):
        order_transition(order_id=cancelled.pk, target="cancelled", actor=manager)
    # 3. the balance pays the next order
    from_balance = place_pickup(other_customer, depot, [(leeks, 1)])
    order_balance_pay(order_id=from_balance.pk, actor=other_customer)
    from_balance_invoice = _fulfil(from_balance, preparer, manager, capture)
    # 4. a voucher handed over without an order, and jars brought back: credits to balances, no invoice
    partner = VoucherPartner.objects.create(name="CCAS de Calais")
    voucher_record(partner_id=partner.pk, number="A-1", value=Decimal("10.00"), customer_id=customer.pk, actor=manager)
    leeks.deposit = Decimal("0.50")
    leeks.save(update_fields=["deposit"])
    jar_return_record(customer_id=customer.pk, product_id=leeks.pk, quantity=2, place="counter", actor=manager)

    # the card covered what it authorised, the counter took the rest, once
    heavy.refresh_from_db()
    assert heavy.total == heavy_invoice.total_incl_vat == Decimal("8.65")
    (capture_call,) = fake_stripe.calls_of("payment_intent", "capture")
    assert capture_call["amount_to_capture"] == "771"
    counter = Payment.objects.get(source="order", ref=heavy.pk, provider=Provider.COUNTER)
    assert counter.amount_captured == Decimal("0.94")

    found = movements(*OCTOBER)
    by_source = defaultdict(list)
    for movement in found:
        by_source[movement.invoice_source].append((movement.kind, movement.method, movement.amount))
    assert sorted(by_source[f"order:{heavy.pk}"]) == [
        ("payment", "cash", Decimal("0.94")),
        ("payment", "online_card", Decimal("7.71")),
    ]
    assert sorted(by_source[f"order:{cancelled.pk}"]) == [
        ("payment", "online_card", Decimal("2.80")),
        ("refund", "balance", Decimal("2.80")),
    ]
    assert by_source[f"order:{from_balance.pk}"] == [("payment", "balance", Decimal("2.80"))]
    assert sorted((m.kind, m.amount) for m in found if not m.invoice_source) == [
        (MovementKind.TRANSFER, Decimal("1.00")),
        (MovementKind.VOUCHER, Decimal("10.00")),
    ]

    report = reconciliation(*OCTOBER)
    assert report["mismatched"] == []
    assert report["unmatched"] == []  # the cancelled order's money went back: nothing waits for an invoice
    assert report["balance_credits"] == {"count": 1, "amount": "10.00"}
    # money in: the card (7.71 + 2.80) and the counter (0.94), the voucher (10.00); the balance spent came in before
    assert Decimal(report["received"]) == Decimal("21.45")
    assert Decimal(report["received"]) == heavy_invoice.total_incl_vat + from_balance_invoice.total_incl_vat + Decimal(
        "10.00"
    )

    lines = journal_lines(*OCTOBER)
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines) > 0
    for number in {(line.journal, line.number) for line in lines}:
        entry = [line for line in lines if (line.journal, line.number) == number]
        assert sum(line.debit for line in entry) == sum(line.credit for line in entry)
    per_account = defaultdict(Decimal)
    for line in lines:
        per_account[line.account[0]] += line.credit - line.debit
    # what the journal says customers' balances hold is what they hold
    held = sum(CustomerBalance.objects.values_list("amount", flat=True), Decimal(0))
    assert per_account["419100"] == held == Decimal("11.00")
    # and the customers' account is settled: every invoice paid
    assert per_account["411000"] == 0


def test_a_payment_staff_record_is_one_movement_not_two(customer, manager, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])

    order_payment_record(order_id=order.pk, payment_status="paid", payment_method="cheque", actor=manager)
    order_payment_record(order_id=order.pk, payment_status="refunded", actor=manager)

    found = [m for m in movements(*OCTOBER) if m.invoice_source == f"order:{order.pk}"]
    assert [(m.kind, m.method, m.amount) for m in found] == [
        ("payment", "cheque", Decimal("5.60")),
        ("refund", "cheque", Decimal("5.60")),
    ]


def test_a_voucher_or_the_balance_is_not_recorded_as_a_status(customer, manager, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 1)])

    response = client_for(manager).post(
        f"/api/v1/orders/{order.pk}/payment/", {"payment_status": "paid", "payment_method": "voucher"}, format="json"
    )
    with pytest.raises(PaymentMethodNotManual):
        order_payment_record(order_id=order.pk, payment_status="paid", payment_method="balance", actor=manager)

    assert response.status_code == 400 and "payment_method" in response.json()["fields"]
    order.refresh_from_db()
    assert order.payment_status == "unpaid" and not Payment.objects.filter(ref=order.pk).exists()


def test_a_jars_deposit_is_owed_to_the_customer_not_sold_and_returns_to_their_balance(
    customer, preparer, manager, depot, leeks, django_capture_on_commit_callbacks
):
    leeks.deposit = Decimal("0.50")
    leeks.save(update_fields=["deposit"])
    order = place_pickup(customer, depot, [(leeks, 3)])  # 3 × 2.80 € + 3 × 0.50 € of deposit
    order_payment_record(order_id=order.pk, payment_status="paid", payment_method="cash", actor=manager)
    invoice = _fulfil(order, preparer, manager, django_capture_on_commit_callbacks)

    per_account = defaultdict(Decimal)
    for line in journal_lines(*OCTOBER):
        per_account[line.account[0]] += line.credit - line.debit
    assert invoice.total_incl_vat == order.total == Decimal("9.90")
    assert per_account["419600"] == Decimal("1.50")  # owed back when the jars return
    assert not any(account.startswith("707") and account.endswith("000") for account in per_account)  # no 0 % sale

    jar_return_record(customer_id=customer.pk, product_id=leeks.pk, quantity=3, place="counter", actor=manager)

    per_account = defaultdict(Decimal)
    for line in journal_lines(*OCTOBER):
        per_account[line.account[0]] += line.credit - line.debit
    assert per_account["419600"] == 0 and per_account["419100"] == Decimal("1.50")
    assert reconciliation(*OCTOBER)["mismatched"] == []


def test_the_counters_sales_are_the_days_takings_in_the_sales_journal(preparer, leeks, soap):
    from orders.services.counter import counter_sale_record
    from orders.services.grocery import LineRequest

    leeks.deposit = Decimal("0.50")
    leeks.save(update_fields=["deposit"])
    counter_sale_record(seller=preparer, lines=[LineRequest(leeks.pk, Decimal(2))], payment_method="cash")
    counter_sale_record(seller=preparer, lines=[LineRequest(soap.pk, Decimal(1))], payment_method="cash")
    counter_sale_record(seller=preparer, lines=[LineRequest(leeks.pk, Decimal(1))], payment_method="card")

    lines = journal_lines(*OCTOBER)
    report = reconciliation(*OCTOBER)

    takings = defaultdict(list)
    for line in lines:
        if line.piece.startswith("counter:"):
            takings[line.piece].append(line)
    assert sorted(takings) == ["counter:2026-10-19:card", "counter:2026-10-19:cash"]
    cash = takings["counter:2026-10-19:cash"]  # 2 bunches of leeks 5.60 + 2 jars' deposits 1.00 + soap 3.90
    assert sum(line.debit for line in cash) == sum(line.credit for line in cash) == Decimal("10.50")
    assert [line.debit for line in cash if line.account[0] == "530000"] == [Decimal("10.50")]
    assert [line.credit for line in cash if line.account[0] == "419600"] == [Decimal("1.00")]
    assert {line.account[0] for line in cash} == {"530000", "419600", "707055", "707200", "445710"}
    card = takings["counter:2026-10-19:card"]  # a bunch 2.80 + its deposit 0.50
    assert [line.debit for line in card if line.account[0] == "512000"] == [Decimal("3.30")]
    assert report["cash_sales"] == {"count": 3, "amount": "13.80"}
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
