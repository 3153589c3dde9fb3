"""Entry services own their durable transaction: a view, a task, the demo or a benchmark calling one gets the same
guarantees (committed, emails enqueued, when it returns). Nesting one inside a caller's transaction is refused
(Django's `durable=True`), so nobody can silently widen it; steps meant to compose say so in their name."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction

from deliveries.services.moves import round_reorder
from deliveries.services.rounds import (
    failed_stop_resolve,
    round_driver_assign,
    round_finish,
    round_lock_set,
    round_start,
    stop_deliver,
    stop_fail,
)
from orders.models import Order
from orders.services.grocery import (
    order_cancel,
    order_payment_record,
    order_place,
    order_prepared_quantities_set,
    order_transition,
    order_transition_in_transaction,
)
from orders.services.locker import order_locker_code_renew, order_locker_load
from processing.services.bookings import (
    booking_accept_offer,
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_mark_no_show,
)
from processing.services.feeds import calendar_feed_revoke, calendar_feed_rotate
from processing.services.lots import booking_complete
from vending.services.stock import inventory_record, refill_record, removal_record, sale_accept, sale_record

pytestmark = pytest.mark.django_db

NOBODY = None
ENTRY_SERVICES = [
    (round_start, {"round_id": 0, "actor": NOBODY}),
    (round_finish, {"round_id": 0, "actor": NOBODY}),
    (stop_deliver, {"round_id": 0, "stop_id": 0, "actor": NOBODY}),
    (stop_fail, {"round_id": 0, "stop_id": 0, "reason": "absent", "actor": NOBODY}),
    (failed_stop_resolve, {"round_id": 0, "stop_id": 0, "action": "next_day", "actor": NOBODY}),
    (round_reorder, {"round_id": 0, "stop_ids": [], "actor": NOBODY}),
    (round_lock_set, {"round_id": 0, "locked": True, "actor": NOBODY}),
    (round_driver_assign, {"round_id": 0, "driver_id": None, "actor": NOBODY}),
    (order_place, {"customer": NOBODY, "lines": [], "fulfilment": "pickup", "delivery_date": date(2026, 12, 4)}),
    (order_cancel, {"order_id": 0, "actor": NOBODY}),
    (order_transition, {"order_id": 0, "target": "preparing", "actor": NOBODY}),
    (order_prepared_quantities_set, {"order_id": 0, "quantities": {}, "actor": NOBODY}),
    (order_payment_record, {"order_id": 0, "payment_status": "paid", "actor": NOBODY}),
    (order_locker_load, {"order_id": 0, "compartment_code": "A1", "actor": NOBODY}),
    (order_locker_code_renew, {"order_id": 0, "actor": NOBODY}),
    (booking_create, {"producer_id": 0, "request": NOBODY, "user": NOBODY}),
    (booking_confirm, {"booking_id": 0, "user": NOBODY}),
    (booking_accept_offer, {"booking_id": 0, "user": NOBODY}),
    (booking_mark_no_show, {"booking_id": 0, "user": NOBODY}),
    (booking_cancel, {"booking_id": 0, "user": NOBODY}),
    (booking_complete, {"booking_id": 0, "user": NOBODY, "outputs": []}),
    (calendar_feed_rotate, {"producer_id": None, "user": NOBODY}),
    (calendar_feed_revoke, {"producer_id": None}),
    (
        refill_record,
        {"compartment": SimpleNamespace(pk=0), "product": NOBODY, "quantity": Decimal(1), "price": Decimal(1)},
    ),
    (removal_record, {"compartment": SimpleNamespace(pk=0), "note": ""}),
    (sale_accept, {"sale_id": 0, "user": NOBODY}),
    (
        sale_record,
        {
            "machine": NOBODY,
            "transaction_id": "t-1",
            "compartment_code": "A1",
            "quantity": Decimal(1),
            "amount": Decimal("2.00"),
            "sold_at": None,
        },
    ),
    (inventory_record, {"machine": NOBODY, "count_id": "c-1", "counted_at": None, "lines": []}),
]


@pytest.mark.parametrize(("service", "kwargs"), ENTRY_SERVICES, ids=[s.__name__ for s, _ in ENTRY_SERVICES])
def test_an_entry_service_opens_its_own_durable_transaction(service, kwargs):
    # given a caller that already holds a transaction of its own (the test's wrapper is not one: Django lets
    # durable blocks nest in it, as pytest-django's TestCase marks it)
    # when it calls the entry service inside it
    # then the service refuses to be swallowed: it must be the outermost transaction, committed when it returns
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        service(**kwargs)


def test_the_composable_step_joins_the_callers_transaction():
    # given a caller's transaction (a round delivering its stop moves each order inside its own)
    # when it moves an order through the step meant for that
    # then the step runs inside it (here: the order does not exist), no durability error
    with pytest.raises(Order.DoesNotExist), transaction.atomic():
        order_transition_in_transaction(order_id=0, target="preparing", actor=NOBODY)
    assert not Order.objects.exists()
