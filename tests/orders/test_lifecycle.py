from decimal import Decimal

import pytest

from catalogue.models import StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger
from orders.models import OrderEvent
from tests.orders.helpers import place_home, place_pickup

pytestmark = pytest.mark.django_db


def url(order, action=""):
    return f"/api/v1/orders/{order.pk}/{action + '/' if action else ''}"


def test_a_pickup_order_goes_placed_preparing_ready_fulfilled_with_its_history(
    customer, depot, leeks, preparer, preparer_client
):
    order = place_pickup(customer, depot, [(leeks, 2)])

    for target in ["preparing", "ready", "fulfilled"]:
        response = preparer_client.post(url(order, "transition"), {"status": target, "note": "ok"}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == target

    events = list(OrderEvent.objects.filter(order=order, kind="status").values_list("from_value", "to_value", "actor"))
    assert events == [
        ("", "placed", customer.pk),
        ("placed", "preparing", preparer.pk),
        ("preparing", "ready", preparer.pk),
        ("ready", "fulfilled", preparer.pk),
    ]
    assert response.json()["events"][-1]["actor_name"] == preparer.full_name
    # the reservation is the sale: fulfilment moves no stock
    assert stock_available(product_id=leeks.pk) == Decimal("48")


def test_a_home_order_goes_out_for_delivery_never_ready(customer, calais_zone, meal, preparer_client, manager_client):
    order = place_home(customer, [(meal, 2)])
    manager_client.post(url(order, "transition"), {"status": "preparing"}, format="json")

    refused = manager_client.post(url(order, "transition"), {"status": "ready"}, format="json")
    out = preparer_client.post(url(order, "transition"), {"status": "out_for_delivery"}, format="json")
    done = preparer_client.post(url(order, "transition"), {"status": "fulfilled"}, format="json")

    assert refused.status_code == 409 and refused.json()["code"] == "wrong_fulfilment"
    assert out.status_code == 200 and done.json()["status"] == "fulfilled"


def test_an_illegal_transition_is_a_409_and_writes_nothing(customer, depot, leeks, manager_client):
    order = place_pickup(customer, depot, [(leeks, 1)])

    response = manager_client.post(url(order, "transition"), {"status": "fulfilled"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["fields"] == {"current": "placed", "target": "fulfilled"}
    assert response.json()["detail"] == "Ce changement de statut n'est pas permis : de « Passée » à « Remise »."
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_a_repeated_transition_is_a_no_op(customer, depot, leeks, manager_client):
    order = place_pickup(customer, depot, [(leeks, 1)])
    first = manager_client.post(url(order, "transition"), {"status": "preparing"}, format="json")
    second = manager_client.post(url(order, "transition"), {"status": "preparing"}, format="json")
    assert first.status_code == second.status_code == 200
    assert OrderEvent.objects.filter(order=order, to_value="preparing").count() == 1


def test_customers_and_producers_cannot_move_orders(customer, depot, leeks, customer_client, producer_client):
    order = place_pickup(customer, depot, [(leeks, 1)])
    assert customer_client.post(url(order, "transition"), {"status": "preparing"}, format="json").status_code == 403
    assert producer_client.post(url(order, "transition"), {"status": "preparing"}, format="json").status_code == 403


def test_a_customer_cancels_before_the_cutoff_and_the_stock_comes_back_once(customer, depot, leeks, customer_client):
    order = place_pickup(customer, depot, [(leeks, 5)])

    first = customer_client.post(url(order, "cancel"), {}, format="json")
    second = customer_client.post(url(order, "cancel"), {}, format="json")

    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert stock_available(product_id=leeks.pk) == Decimal("50")
    assert StockMovement.objects.filter(reason="release").count() == 1
    assert OrderEvent.objects.filter(order=order, to_value="cancelled").count() == 1
    assert stock_check_ledger() == {}


def test_a_customer_cannot_cancel_after_the_cutoff(customer, depot, leeks, customer_client, frozen_now):
    order = place_pickup(customer, depot, [(leeks, 5)])
    frozen_now.move_to("2026-10-21T10:00:00+00:00")  # Wednesday noon in Paris

    response = customer_client.post(url(order, "cancel"), {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "cancellation_closed"
    assert stock_available(product_id=leeks.pk) == Decimal("45")


def test_a_customer_cannot_cancel_once_preparation_started(customer, depot, leeks, customer_client, manager_client):
    order = place_pickup(customer, depot, [(leeks, 5)])
    manager_client.post(url(order, "transition"), {"status": "preparing"}, format="json")
    response = customer_client.post(url(order, "cancel"), {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "cancellation_closed"


def test_staff_cancel_until_fulfilment_not_after(customer, depot, leeks, manager_client, frozen_now):
    order = place_pickup(customer, depot, [(leeks, 5)])
    done = place_pickup(customer, depot, [(leeks, 1)])
    for target in ["preparing", "ready", "fulfilled"]:
        manager_client.post(url(done, "transition"), {"status": target}, format="json")
    manager_client.post(url(order, "transition"), {"status": "preparing"}, format="json")
    frozen_now.move_to("2026-10-23T08:00:00+00:00")  # past the cutoff

    cancelled = manager_client.post(url(order, "cancel"), {"note": "rupture"}, format="json")
    refused = manager_client.post(url(done, "cancel"), {}, format="json")

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert stock_available(product_id=leeks.pk) == Decimal("49")


def test_another_customers_order_cannot_be_cancelled(customer, depot, leeks, other_customer_client):
    order = place_pickup(customer, depot, [(leeks, 5)])
    assert other_customer_client.post(url(order, "cancel"), {}, format="json").status_code == 404


def test_prepared_weights_set_the_final_price_totals_and_stock(customer, depot, potatoes, leeks, preparer_client):
    order = place_pickup(customer, depot, [(potatoes, Decimal("2.5")), (leeks, 1)])  # 4.88 + 2.80
    weighed = order.lines.get(product=potatoes)
    assert order.total == Decimal("7.68")
    preparer_client.post(url(order, "transition"), {"status": "preparing"}, format="json")

    heavier = preparer_client.post(
        url(order, "prepared-quantities"),
        {"lines": [{"line": weighed.pk, "prepared_quantity": "2.745"}]},
        format="json",
    )
    # 1.95 × 2.745 = 5.35275 → 5.35; VAT 5.5 % of 5.35 = 0.28; with the leeks (2.80, 0.15)
    assert heavier.status_code == 200, heavier.json()
    line = next(line for line in heavier.json()["lines"] if line["id"] == weighed.pk)
    assert (line["prepared_quantity"], line["billed_quantity"], line["line_total"], line["vat_amount"]) == (
        "2.745",
        "2.745",
        "5.35",
        "0.28",
    )
    assert heavier.json()["subtotal"] == "8.15" and heavier.json()["total"] == "8.15"
    assert heavier.json()["vat_breakdown"] == [{"rate": "5.50", "amount": "8.15", "vat": "0.43"}]
    assert stock_available(product_id=potatoes.pk) == Decimal("97.255")

    lighter = preparer_client.post(
        url(order, "prepared-quantities"),
        {"lines": [{"line": weighed.pk, "prepared_quantity": "2.300"}]},
        format="json",
    )
    assert lighter.json()["total"] == "7.29"  # 1.95 × 2.3 = 4.485 → 4.49, + 2.80
    assert stock_available(product_id=potatoes.pk) == Decimal("97.700")
    again = preparer_client.post(
        url(order, "prepared-quantities"), {"lines": [{"line": weighed.pk, "prepared_quantity": "2.3"}]}, format="json"
    )
    assert again.status_code == 200
    assert StockMovement.objects.filter(product=potatoes).count() == 4  # receipt, reservation, +0.245, −0.445
    assert OrderEvent.objects.filter(order=order, kind="prepared_quantity").count() == 2
    assert stock_check_ledger() == {}

    # cancelling gives back exactly what the order still holds
    preparer_client.post(url(order, "cancel"), {}, format="json")
    assert stock_available(product_id=potatoes.pk) == Decimal("100")
    assert stock_check_ledger() == {}


def test_a_weighed_order_cannot_be_ready_before_weighing(customer, depot, potatoes, preparer_client):
    order = place_pickup(customer, depot, [(potatoes, Decimal("2"))])
    preparer_client.post(url(order, "transition"), {"status": "preparing"}, format="json")
    response = preparer_client.post(url(order, "transition"), {"status": "ready"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "prepared_quantity_missing"


def test_prepared_weights_are_refused_for_fixed_lines_and_outside_preparation(
    customer, depot, leeks, potatoes, preparer_client, driver_client
):
    order = place_pickup(customer, depot, [(leeks, 1), (potatoes, Decimal("2"))])
    fixed, weighed = order.lines.get(product=leeks), order.lines.get(product=potatoes)
    body = {"lines": [{"line": weighed.pk, "prepared_quantity": "2.1"}]}

    too_early = preparer_client.post(url(order, "prepared-quantities"), body, format="json")
    preparer_client.post(url(order, "transition"), {"status": "preparing"}, format="json")
    not_weighed = preparer_client.post(
        url(order, "prepared-quantities"), {"lines": [{"line": fixed.pk, "prepared_quantity": "2"}]}, format="json"
    )
    unknown = preparer_client.post(
        url(order, "prepared-quantities"), {"lines": [{"line": 999999, "prepared_quantity": "2"}]}, format="json"
    )
    driver = driver_client.post(url(order, "prepared-quantities"), body, format="json")

    assert too_early.status_code == 409 and too_early.json()["code"] == "order_not_being_prepared"
    assert not_weighed.status_code == 400 and not_weighed.json()["code"] == "not_variable_weight"
    assert unknown.status_code == 404
    assert driver.status_code == 403


def test_a_heavier_weight_than_the_stock_is_refused(customer, depot, potatoes, preparer_client):
    order = place_pickup(customer, depot, [(potatoes, Decimal("99"))])
    weighed = order.lines.get()
    preparer_client.post(url(order, "transition"), {"status": "preparing"}, format="json")
    response = preparer_client.post(
        url(order, "prepared-quantities"),
        {"lines": [{"line": weighed.pk, "prepared_quantity": "101.5"}]},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "insufficient_stock"
    weighed.refresh_from_db()
    assert weighed.prepared_quantity is None


def test_staff_record_payment_and_refund(customer, depot, leeks, preparer_client, customer_client):
    order = place_pickup(customer, depot, [(leeks, 1)])

    missing_method = preparer_client.post(url(order, "payment"), {"payment_status": "paid"}, format="json")
    paid = preparer_client.post(
        url(order, "payment"), {"payment_status": "paid", "payment_method": "cash"}, format="json"
    )
    again = preparer_client.post(
        url(order, "payment"), {"payment_status": "paid", "payment_method": "cash"}, format="json"
    )
    refunded = preparer_client.post(url(order, "payment"), {"payment_status": "refunded"}, format="json")
    back = preparer_client.post(
        url(order, "payment"), {"payment_status": "paid", "payment_method": "cash"}, format="json"
    )
    by_customer = customer_client.post(
        url(order, "payment"), {"payment_status": "paid", "payment_method": "card"}, format="json"
    )

    assert missing_method.status_code == 400
    assert paid.json()["payment_status"] == "paid" and paid.json()["payment_method"] == "cash"
    assert again.status_code == 200
    assert refunded.json()["payment_status"] == "refunded" and refunded.json()["payment_method"] == "cash"
    assert back.status_code == 409 and back.json()["code"] == "payment_not_allowed"
    assert by_customer.status_code == 403
    assert list(OrderEvent.objects.filter(order=order, kind="payment").values_list("from_value", "to_value")) == [
        ("unpaid", "paid:cash"),
        ("paid:cash", "refunded:cash"),
    ]


def test_a_line_weighed_twice_in_one_request_is_refused_and_nothing_changes(customer, depot, potatoes, preparer_client):
    order = place_pickup(customer, depot, [(potatoes, Decimal("2"))])
    preparer_client.post(url(order, "transition"), {"status": "preparing"}, format="json")
    line = order.lines.get()
    twice = {"lines": [{"line": line.pk, "prepared_quantity": q} for q in ("2.1", "1.9")]}

    response = preparer_client.post(url(order, "prepared-quantities"), twice, format="json")

    assert response.status_code == 400 and response.json()["fields"] == {"lines": ["Each line at most once."]}
    line.refresh_from_db()
    assert line.prepared_quantity is None
