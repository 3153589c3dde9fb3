"""`order_reschedule`: the one place where an order's date and place change after it was placed."""

from datetime import date

import pytest

from ecopole.core.exceptions import InvalidTransition
from ecopole.core.models import AuditEvent
from orders.models import OrderEvent
from orders.services.grocery import order_cancel, order_transition
from orders.services.reschedule import order_reschedule
from tests.orders.helpers import place_home

pytestmark = pytest.mark.django_db
TUESDAY = date(2026, 10, 27)


def test_an_order_back_from_its_round_is_prepared_again_and_moved_to_a_point(
    manager, customer, calais_zone, relay, leeks
):
    order = place_home(customer, [(leeks, 10)])
    for status in ("preparing", "out_for_delivery"):
        order_transition(order_id=order.pk, target=status, actor=manager)

    moved = order_reschedule(order_id=order.pk, delivery_date=TUESDAY, pickup_point=relay, actor=manager, note="absent")
    again = order_reschedule(order_id=order.pk, delivery_date=TUESDAY, pickup_point=relay, actor=manager)

    assert (moved.status, moved.fulfilment, moved.pickup_point_id, moved.delivery_zone_id) == (
        "preparing", "pickup", relay.pk, None,
    )  # fmt: skip
    assert moved.total == again.total == order.total  # the fee already charged is kept
    events = list(OrderEvent.objects.filter(order=order).order_by("id").values_list("kind", "to_value", "note"))
    assert events[-2:] == [
        ("status", "preparing", "back at the depot"),
        ("rescheduled", "2026-10-27", f"→ {relay.name}: absent"),
    ]
    assert AuditEvent.objects.filter(action="order.reschedule", object_id=str(order.pk)).count() == 1  # once


@pytest.mark.parametrize("final", ["fulfilled", "cancelled"])
def test_a_finished_order_cannot_be_rescheduled(manager, customer, calais_zone, leeks, final):
    order = place_home(customer, [(leeks, 10)])
    if final == "cancelled":
        order_cancel(order_id=order.pk, actor=manager)
    else:
        for status in ("preparing", "out_for_delivery", "fulfilled"):
            order_transition(order_id=order.pk, target=status, actor=manager)
    with pytest.raises(InvalidTransition):
        order_reschedule(order_id=order.pk, delivery_date=TUESDAY, actor=manager)
    order.refresh_from_db()
    assert order.delivery_date == date(2026, 10, 23) and order.status == final
