"""Recall in one action (issue 17, item 5): jars of two lots sold through a grocery order, a cabas and the vending
machine; one lot recalled: its stock blocked, exactly its customers emailed once, the report adds up."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client

from baskets.services.compositions import CompositionLineRequest, composition_publish, composition_set
from baskets.services.generation import basket_run_generate
from catalogue.models import MovementReason, StockLot, StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger
from ecopole.core.models import OutboxMessage
from orders.services.grocery import LineRequest, order_cancel, order_place
from processing.errors import RecallReasonRequired
from processing.models import RecallStatus
from processing.services.recall import lot_recall, lot_recall_request
from tests.factories.accounts import UserFactory
from tests.factories.baskets import BasketOfferFactory
from tests.factories.deliveries import DeliveryDayFactory, PickupPointFactory
from tests.factories.vending import CompartmentFactory
from tests.lots.helpers import FRIDAY, NOW, completed_lot
from vending.services.refill_requests import refill_requests_generate
from vending.services.stock import refill_record, sale_record

DELIVERY = date(2026, 11, 20)  # Friday; the grocery's cutoff is Wednesday 18, 12:00


def order(customer, point, product, quantity):
    return order_place(
        customer=customer,
        lines=[LineRequest(product.pk, quantity)],
        fulfilment="pickup",
        pickup_point_id=point.pk,
        delivery_date=DELIVERY,
    ).order


@pytest.fixture
def point(db):
    point = PickupPointFactory(name="Ecopôle alimentaire", slug="ecopole-depot", is_depot=True)
    DeliveryDayFactory(pickup_point=point)
    return point


def test_recalling_a_lot_blocks_it_emails_its_customers_once_and_reports_what_left(
    frozen, farm, soup, manager, producer_member, workshop, point, mailoutbox, django_capture_on_commit_callbacks
):
    # given lot B (made on Friday, so best before one day later) sold first to c5, then lot A (Thursday, 12 jars)
    lot_b = completed_lot(producer=farm, product=soup, manager=manager, equipment=workshop["washing"], slot=FRIDAY)
    c1, c2, c3, c4, c5, c6 = (UserFactory() for _ in range(6))
    order(c5, point, soup, 2)  # B: 2
    lot_a = completed_lot(producer=farm, product=soup, manager=manager, equipment=workshop["washing"], quantity=12)
    assert lot_a.best_before < lot_b.best_before
    # a grocery order, two cabas, the vending machine, another order, and an order cancelled: all take lot A first
    order(c1, point, soup, 3)  # A: 3
    offer = BasketOfferFactory()
    week = NOW.date() - timedelta(days=NOW.weekday())
    composition_set(
        offer_id=offer.pk, week_start=week, lines=[CompositionLineRequest(soup.pk, Decimal("1"))], actor=manager
    )
    composition_publish(offer_id=offer.pk, week_start=week, actor=manager, force=True)
    _subscribe(offer, c2, point)
    _subscribe(offer, c3, point)
    basket_run_generate(offer_id=offer.pk, on=DELIVERY, actor=manager, force=True)  # A: 2
    compartment = CompartmentFactory(capacity=Decimal("10"))
    refill_record(compartment=compartment, product=soup, quantity=Decimal("4"), user=manager)  # A: 4
    sale_record(
        machine=compartment.machine,
        transaction_id="t-1",
        compartment_code=compartment.code,
        quantity=Decimal("1"),
        amount=Decimal("4.50"),
        sold_at=NOW,
    )
    order(c4, point, soup, 1)  # A: 1
    cancelled = order(c6, point, soup, 1)  # A: 1, given back
    order_cancel(order_id=cancelled.pk, actor=manager)
    assert StockLot.objects.get(code=lot_a.code).quantity == Decimal("2")

    # when the producer asks for the recall and a manager confirms it
    request = lot_recall_request(lot_id=lot_a.pk, user=producer_member, reason="Joint de bocal")
    assert request.status == RecallStatus.REQUESTED
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recall, done = lot_recall(lot_id=lot_a.pk, user=manager)

    # then lot A's last 2 jars are blocked: out of stock, not sold again; lot B still sells
    assert done and recall.status == RecallStatus.CONFIRMED and recall.reason == "Joint de bocal"
    assert StockLot.objects.get(code=lot_a.code).blocked_at is not None
    assert recall.blocked_quantity == Decimal("2")
    assert stock_available(product_id=soup.pk) == Decimal("8")  # lot B's 8
    later = order(UserFactory(), point, soup, 3)
    assert set(
        StockMovement.objects.filter(source_id=later.pk, reason="reservation").values_list("lot__code", flat=True)
    ) == {lot_b.code}
    # the compartment holding it is flagged, and the next refill request removes what is in it
    compartment.refresh_from_db()
    assert compartment.recall_flagged_at is not None
    lines = [line for request in refill_requests_generate(now=NOW) for line in request.lines.all()]
    assert [(line.compartment_id, line.remove_quantity) for line in lines] == [(compartment.pk, Decimal("3"))]

    # exactly the customers who received lot A are emailed, once each, in French
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.email for c in (c1, c2, c3, c4))
    assert all("Ne les consommez pas" in m.body and lot_a.code in m.subject for m in mailoutbox)

    # the report: who got how much and when; the vending quantity not tied to anyone; it adds up to the ledger
    report = recall.report
    by_customer = {row["customer_email"]: Decimal(row["quantity"]) for row in report["rows"] if row["customer_id"]}
    assert by_customer == {c1.email: 3, c2.email: 1, c3.email: 1, c4.email: 1}
    by_channel = {channel: Decimal(quantity) for channel, quantity in report["by_channel"].items()}
    assert by_channel == {"basket": 2, "grocery": 4, "vending": 4}
    assert Decimal(report["vending_not_attributable"]) == 4
    left_ledger = (
        -StockMovement.objects.filter(lot__code=lot_a.code)
        .exclude(reason__in=[MovementReason.PROCESSING_OUTPUT, MovementReason.RECALL])
        .aggregate(total=Sum("quantity"))["total"]
    )
    assert Decimal(report["left_stock"]) == left_ledger == Decimal("10")
    assert sum(Decimal(row["quantity"]) for row in report["rows"]) + Decimal(report["other"]) == left_ledger
    assert left_ledger + recall.blocked_quantity == lot_a.quantity
    assert stock_check_ledger() == {}

    # and the public page says the lot is recalled
    page = Client().get(f"/lots/{lot_a.code}/").content.decode()
    assert "Ce lot est rappelé" in page and "Joint de bocal" in page
    assert c1.email not in page

    # run twice: nothing blocked again, no one emailed again
    messages = OutboxMessage.objects.count()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again, done = lot_recall(lot_id=lot_a.pk, user=manager, reason="encore")
    assert not done and again.pk == recall.pk and again.reason == "Joint de bocal"
    assert mailoutbox == [] and OutboxMessage.objects.count() == messages


def test_a_recall_needs_a_reason_and_a_second_request_is_refused(frozen, lot, manager, producer_member):
    with pytest.raises(RecallReasonRequired):
        lot_recall(lot_id=lot.pk, user=manager, reason=" ")
    lot_recall_request(lot_id=lot.pk, user=producer_member, reason="Goût anormal")
    with pytest.raises(Exception) as refused:
        lot_recall_request(lot_id=lot.pk, user=producer_member, reason="Goût anormal")
    assert refused.value.code == "recall_already_requested"


def _subscribe(offer, customer, point):
    from baskets.models import BasketFrequency, BasketSubscription, SubscriptionStatus
    from baskets.services.calendar import week_parity
    from orders.models import Fulfilment

    return BasketSubscription.objects.create(
        customer=customer,
        offer=offer,
        frequency=BasketFrequency.WEEKLY,
        start_date=DELIVERY,
        anchor_week_parity=week_parity(DELIVERY),
        status=SubscriptionStatus.ACTIVE,
        fulfilment=Fulfilment.PICKUP,
        pickup_point=point,
    )
