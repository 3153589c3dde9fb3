"""Changing an order before its cutoff (issue 16.6): `order_modify` and `PUT /api/v1/orders/{id}/lines/`.

Only the stock difference moves through the ledger; totals, fee and minimum follow the pricing of a new order; the
refusals carry a code and a French message; a retried request with its Idempotency-Key replays."""

from decimal import Decimal

import pytest
from django.test import override_settings

from catalogue.models import StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger
from ecopole.core.exceptions import IdempotencyKeyReused, NotFound
from orders.errors import BelowMinimumOrder, DuplicateProduct, InvalidQuantity, ModificationClosed, OrderEmpty
from orders.models import OrderEvent, OrderLine, OrderStatus
from orders.services.grocery import LineRequest, order_cancel, order_payment_record, order_transition
from orders.services.modify import order_modify
from tests.clients import client_for
from tests.factories.catalogue import ProductFactory
from tests.orders.helpers import place_home, place_pickup

pytestmark = pytest.mark.django_db


def _lines(*pairs):
    return [LineRequest(product.pk, Decimal(str(quantity))) for product, quantity in pairs]


def _reserved_for(order, product) -> Decimal:
    return -sum((m.quantity for m in StockMovement.objects.filter(source_id=order.pk, product=product)), Decimal(0))


def test_more_of_a_line_reserves_only_the_difference(customer, depot, leeks, jam):
    order = place_pickup(customer, depot, [(leeks, 2), (jam, 1)])
    assert stock_available(product_id=leeks.pk) == Decimal(48)

    result = order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 5), (jam, 1)))

    assert result.changed
    assert stock_available(product_id=leeks.pk) == Decimal(45)
    assert stock_available(product_id=jam.pk) == Decimal(19)
    movement = StockMovement.objects.filter(product=leeks, source_id=order.pk).order_by("-id").first()
    assert (movement.reason, movement.quantity) == ("reservation", Decimal("-3.000"))
    order.refresh_from_db()
    assert order.subtotal == Decimal("18.35")  # 5 × 2.80 + 4.35
    assert order.total == order.subtotal
    event = OrderEvent.objects.get(order=order, kind="lines_changed")
    assert (event.from_value, event.to_value) == ("9.95", "18.35")
    assert "Poireaux 2→5" in event.note and event.actor == customer
    assert stock_check_ledger() == {}


def test_removing_and_adding_lines_release_and_reserve(customer, depot, leeks, jam, soap):
    order = place_pickup(customer, depot, [(leeks, 2), (jam, 3)])

    order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 1), (soap, 2)))

    assert stock_available(product_id=leeks.pk) == Decimal(49)
    assert stock_available(product_id=jam.pk) == Decimal(20)  # all three jars back
    assert stock_available(product_id=soap.pk) == Decimal(8)
    assert set(OrderLine.objects.filter(order=order).values_list("product_id", "quantity")) == {
        (leeks.pk, Decimal("1.000")),
        (soap.pk, Decimal("2.000")),
    }
    order.refresh_from_db()
    # soap at 20 % VAT: the breakdown has both rates, as for a new order
    assert {row["rate"] for row in order.vat_breakdown} == {"5.50", "20.00"}
    assert order.subtotal == Decimal("10.60")
    # cancelling afterwards gives back exactly what the order still holds
    order_cancel(order_id=order.pk, actor=customer)
    assert stock_available(product_id=leeks.pk) == Decimal(50)
    assert stock_available(product_id=soap.pk) == Decimal(10)
    assert stock_check_ledger() == {}


def test_an_ordered_line_keeps_its_price_a_new_line_takes_todays(customer, depot, leeks, jam):
    order = place_pickup(customer, depot, [(leeks, 1)])
    leeks.unit_price = Decimal("3.00")
    leeks.save()
    jam.unit_price = Decimal("5.00")
    jam.save()

    order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 2), (jam, 1)))

    prices = dict(OrderLine.objects.filter(order=order).values_list("product_id", "unit_price"))
    assert prices == {leeks.pk: Decimal("2.80"), jam.pk: Decimal("5.00")}


def test_the_same_lines_again_change_nothing(customer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])
    movements = StockMovement.objects.count()

    result = order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 2)))

    assert not result.changed
    assert StockMovement.objects.count() == movements
    assert not OrderEvent.objects.filter(order=order, kind="lines_changed").exists()


def test_short_stock_refuses_and_leaves_the_order_as_it_was(customer, depot, leeks, soap):
    order = place_pickup(customer, depot, [(leeks, 2), (soap, 1)])

    with pytest.raises(Exception) as refused:
        order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 1), (soap, 11)))

    assert refused.value.code == "insufficient_stock"
    assert "Savon" in refused.value.detail
    assert stock_available(product_id=leeks.pk) == Decimal(48)
    assert stock_available(product_id=soap.pk) == Decimal(9)
    assert OrderLine.objects.get(order=order, product=leeks).quantity == Decimal(2)
    assert not OrderEvent.objects.filter(order=order, kind="lines_changed").exists()


def test_after_the_cutoff_the_order_cannot_change(customer, depot, leeks, frozen_now):
    order = place_pickup(customer, depot, [(leeks, 2)])
    frozen_now.move_to(order.cutoff_at)

    with pytest.raises(ModificationClosed) as refused:
        order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 3)))

    assert refused.value.status_code == 409
    assert refused.value.extra["current"] == "placed"
    assert stock_available(product_id=leeks.pk) == Decimal(48)


@pytest.mark.parametrize("status", [OrderStatus.PREPARING, OrderStatus.CANCELLED])
def test_an_order_past_placed_cannot_change(customer, manager, depot, leeks, status):
    order = place_pickup(customer, depot, [(leeks, 2)])
    order_transition(order_id=order.pk, target=status, actor=manager)

    with pytest.raises(ModificationClosed):
        order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 3)))
    # a manager is held to the same rule: the order is being prepared
    with pytest.raises(ModificationClosed):
        order_modify(order_id=order.pk, actor=manager, lines=_lines((leeks, 3)))


def test_a_paid_order_cannot_change(customer, manager, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])
    order_payment_record(order_id=order.pk, payment_status="paid", payment_method="card", actor=manager)

    with pytest.raises(ModificationClosed):
        order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 3)))


def test_another_customer_gets_not_found(customer, other_customer, depot, leeks, driver):
    order = place_pickup(customer, depot, [(leeks, 2)])

    for intruder in (other_customer, driver):
        with pytest.raises(NotFound):
            order_modify(order_id=order.pk, actor=intruder, lines=_lines((leeks, 3)))
    assert OrderLine.objects.get(order=order).quantity == Decimal(2)


def test_a_preparer_may_change_a_customers_order(customer, preparer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])

    order_modify(order_id=order.pk, actor=preparer, lines=_lines((leeks, 4)))

    assert OrderEvent.objects.get(order=order, kind="lines_changed").actor == preparer
    assert stock_available(product_id=leeks.pk) == Decimal(46)


def test_new_lines_follow_the_rules_of_a_new_order(customer, depot, leeks, potatoes):
    order = place_pickup(customer, depot, [(leeks, 2)])
    gone = ProductFactory(piece=True, name="Hors saison", slug="hors-saison", is_active=False)

    with pytest.raises(InvalidQuantity):
        order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 2), (potatoes, "1.25")))
    with pytest.raises(DuplicateProduct):
        order_modify(
            order_id=order.pk,
            actor=customer,
            lines=[LineRequest(leeks.pk, Decimal(1)), LineRequest(leeks.pk, Decimal(2))],
        )
    with pytest.raises(OrderEmpty):
        order_modify(order_id=order.pk, actor=customer, lines=[])
    with pytest.raises(Exception) as refused:
        order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 2), (gone, 1)))
    assert refused.value.code == "product_unavailable"


def test_a_line_whose_product_left_the_catalogue_may_stay_unchanged(customer, depot, leeks, jam):
    order = place_pickup(customer, depot, [(leeks, 2), (jam, 1)])
    jam.is_active = False
    jam.save()

    order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 3), (jam, 1)))

    assert OrderLine.objects.get(order=order, product=jam).quantity == Decimal(1)


def test_home_delivery_fee_and_minimum_follow_the_new_subtotal(customer, calais_zone, jam):
    # 5 jars: 21.75 € — above the 20 € minimum, under the 60 € threshold: 4.50 € fee
    order = place_home(customer, [(jam, 5)])
    assert order.delivery_fee == Decimal("4.50")

    order_modify(order_id=order.pk, actor=customer, lines=_lines((jam, 14)))  # 60.90 €: free delivery
    order.refresh_from_db()
    assert (order.delivery_fee, order.total) == (Decimal("0.00"), Decimal("60.90"))

    with pytest.raises(BelowMinimumOrder):
        order_modify(order_id=order.pk, actor=customer, lines=_lines((jam, 2)))
    order.refresh_from_db()
    assert order.total == Decimal("60.90")


@override_settings(ORDERS_MAX_UNPAID_QUANTITY_PER_PRODUCT=10)
def test_the_unpaid_caps_count_only_the_difference(customer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 8)])

    order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 10)))  # 10 held in all: at the cap
    with pytest.raises(Exception) as refused:
        order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 11)))
    assert refused.value.code == "unpaid_quantity_exceeded"


def test_a_retried_request_with_its_key_replays(customer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])
    first = order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 4)), idempotency_key="k-1")
    order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 3)))

    again = order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 4)), idempotency_key="k-1")

    assert first.changed and not again.changed and again.replayed
    assert OrderLine.objects.get(order=order).quantity == Decimal(3)  # the retry did not undo the later change
    with pytest.raises(IdempotencyKeyReused):
        order_modify(order_id=order.pk, actor=customer, lines=_lines((leeks, 5)), idempotency_key="k-1")


# --- API ---------------------------------------------------------------------------------------------------------


def _put(client, order, lines, **headers):
    body = {"lines": [{"product": p.pk, "quantity": str(q)} for p, q in lines]}
    return client.put(f"/api/v1/orders/{order.pk}/lines/", body, format="json", headers=headers)


def test_api_changes_the_lines_and_answers_the_order(customer, customer_client, depot, leeks, jam):
    order = place_pickup(customer, depot, [(leeks, 2)])

    response = _put(customer_client, order, [(leeks, 1), (jam, 2)])

    assert response.status_code == 200
    body = response.json()
    assert {(line["product"], line["quantity"]) for line in body["lines"]} == {(leeks.pk, "1.000"), (jam.pk, "2.000")}
    assert body["total"] == "11.50"
    assert body["events"][-1]["kind"] == "lines_changed"


def test_api_refusals_have_a_code_and_a_french_message(customer, customer_client, depot, leeks, soap, frozen_now):
    order = place_pickup(customer, depot, [(leeks, 2)])

    short = _put(customer_client, order, [(soap, 11)])
    assert (short.status_code, short.json()["code"]) == (409, "insufficient_stock")
    empty = _put(customer_client, order, [])
    assert (empty.status_code, empty.json()["code"]) == (400, "validation_error")
    bad = _put(customer_client, order, [(leeks, "0")])
    assert bad.status_code == 400

    frozen_now.move_to(order.cutoff_at)
    late = _put(customer_client, order, [(leeks, 3)])
    assert late.status_code == 409
    assert late.json()["code"] == "modification_closed"
    assert late.json()["detail"] == "Cette commande ne peut plus être modifiée en ligne : contactez l'Ecopôle."
    assert late.json()["fields"]["current"] == "placed"


def test_api_another_customers_order_is_not_found(customer, other_customer_client, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])

    response = _put(other_customer_client, order, [(leeks, 5)])

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert OrderLine.objects.get(order=order).quantity == Decimal(2)


def test_api_anonymous_is_refused(api_client, customer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])
    assert _put(api_client, order, [(leeks, 5)]).status_code == 401


def test_api_idempotency_key_replays_and_refuses_another_body(customer, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 2)])
    client = client_for(customer)

    first = _put(client, order, [(leeks, 4)], **{"Idempotency-Key": "modif-1"})
    again = _put(client, order, [(leeks, 4)], **{"Idempotency-Key": "modif-1"})
    other = _put(client, order, [(leeks, 6)], **{"Idempotency-Key": "modif-1"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert stock_available(product_id=leeks.pk) == Decimal(46)
