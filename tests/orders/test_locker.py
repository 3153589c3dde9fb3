"""Click and collect at the vending machine, end to end: a customer orders to the machine's pickup point, staff put
the order into a locker, the customer gets a one-time code by email, the machine opens the locker with it and the
order is fulfilled; an order not collected in time is flagged for staff and its locker freed."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.contrib.auth.hashers import check_password
from django.db import connection

from catalogue.services.stock import stock_check_ledger
from ecopole.core.models import AuditEvent, OutboxMessage
from orders.models import Order, OrderEvent, OrderFlag, OrderStatus
from tests.clients import client_for
from tests.factories.vending import CompartmentFactory, MachineFactory
from tests.orders.helpers import PARIS, pickup_body, place_pickup
from tests.vending.helpers import machine_client_for
from vending.models import LockerReservation
from vending.services import locker_reservations_expire, machine_key_rotate

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


@pytest.fixture
def machine_client(machine):
    return machine_client_for(machine_key_rotate(machine=machine))


@pytest.fixture
def order(customer, machine, leeks):
    return place_pickup(customer, machine.pickup_point, [(leeks, 2)])


def load(client, order, compartment="D1"):
    return client.post(f"{URL}{order.pk}/locker/", {"compartment": compartment}, format="json")


def unlock(client, machine, code, compartment="D1"):
    return client.post(
        f"/api/v1/vending/machines/{machine.pk}/unlock/", {"compartment": compartment, "code": code}, format="json"
    )


def emailed_code(email) -> str:
    return re.search(r"Votre code : (\d{6})", email.body).group(1)


def test_the_whole_click_and_collect_path(
    customer, customer_client, manager_client, machine, machine_client, order, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    assert (
        manager_client.post(f"{URL}{order.pk}/transition/", {"status": "preparing"}, format="json").status_code == 200
    )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = load(manager_client, order)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "ready"
    assert body["locker"]["compartment"] == "D1" and body["locker"]["state"] == "waiting"
    assert body["locker"]["machine"] == machine.pk
    assert body["locker"]["valid_until"] == "2026-10-25T00:00:00+02:00"  # end of the day after Friday, Paris
    assert "code" not in body["locker"] and not re.search(r"\b\d{6}\b", str(body["locker"]))
    assert [e["kind"] for e in body["events"]][-2:] == ["status", "locker"]
    # one email, the code's (no separate "ready" email for a machine order), in French, to the customer
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [customer.email]
    assert email.subject == f"Votre commande n° {order.pk} vous attend au distributeur : votre code"
    assert "casier D1" in email.body and "jusqu'au 24 octobre 2026 inclus" in email.body
    code = emailed_code(email)
    reservation = LockerReservation.objects.get(order=order)
    assert check_password(code, reservation.code_hash) and code not in reservation.code_hash
    # the code was in clear only in the outbox message, erased once sent
    message = OutboxMessage.objects.get(key=f"order_locker_code:{reservation.pk}")
    assert message.status == "sent" and message.payload == {}

    with time_machine.travel(dt.datetime(2026, 10, 23, 17, 30, tzinfo=PARIS)):
        opened = unlock(machine_client, machine, code)
        again = unlock(machine_client, machine, code)

    assert opened.status_code == 200 and opened.json()["open"] is True and opened.json()["order_id"] == order.pk
    assert again.status_code == 404 and again.json()["code"] == "no_reservation"
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    last = OrderEvent.objects.filter(order=order).order_by("id").last()
    assert (last.from_value, last.to_value, last.actor) == ("ready", "fulfilled", None)
    assert last.note == "collected from locker D1"
    detail = customer_client.get(f"{URL}{order.pk}/").json()
    assert detail["status"] == "fulfilled" and detail["locker"]["state"] == "collected"
    assert not stock_check_ledger()


def test_the_code_email_is_not_sent_once_the_locker_was_freed(
    manager, manager_client, order, mailoutbox, django_capture_on_commit_callbacks
):
    from orders.services.locker import locker_code_send

    Order.objects.filter(pk=order.pk).update(status=OrderStatus.READY)
    with django_capture_on_commit_callbacks(execute=False):
        assert load(manager_client, order).status_code == 201
    reservation = LockerReservation.objects.get(order=order)
    LockerReservation.objects.filter(pk=reservation.pk).update(is_active=False)
    assert locker_code_send(reservation_id=reservation.pk, locker_code="123456") is False
    assert mailoutbox == []


def test_an_order_not_collected_is_flagged_and_its_locker_freed(
    manager_client, machine, order, mailoutbox, django_capture_on_commit_callbacks
):
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.READY)
    with django_capture_on_commit_callbacks(execute=True):
        assert load(manager_client, order).status_code == 201
    mailoutbox.clear()

    expiry = dt.datetime(2026, 10, 25, 0, 5, tzinfo=PARIS)
    with time_machine.travel(expiry, tick=False), django_capture_on_commit_callbacks(execute=True):
        expired = locker_reservations_expire()
        assert locker_reservations_expire() == []

    assert len(expired) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.READY and order.flag == OrderFlag.NOT_COLLECTED and order.flagged_at
    assert OrderEvent.objects.filter(order=order, kind="flag").count() == 1
    assert len(mailoutbox) == 1 and str(order.pk) in mailoutbox[0].subject  # staff are told
    # staff find it with the list filter, and the locker is free for another order
    flagged = manager_client.get(URL, {"flag": "not_collected"}).json()
    assert [o["id"] for o in flagged["results"]] == [order.pk] and flagged["results"][0]["flag"] == "not_collected"
    assert manager_client.get(URL, {"flag": "nothing"}).status_code == 400
    assert manager_client.get(f"{URL}{order.pk}/").json()["locker"]["state"] == "expired"

    # loading it again (a new code) clears the flag
    mailoutbox.clear()
    monday = dt.datetime(2026, 10, 26, 9, 0, tzinfo=PARIS)
    with time_machine.travel(monday, tick=False), django_capture_on_commit_callbacks(execute=True):
        again = load(manager_client, order, "D1")
    assert again.status_code == 201 and again.json()["flag"] == ""
    assert again.json()["locker"]["valid_until"] == "2026-10-28T00:00:00+01:00"  # from today, not the past Friday
    assert len(mailoutbox) == 1 and "Votre code" in mailoutbox[0].body


def test_cancelling_or_handing_over_by_hand_frees_the_locker(manager_client, customer, machine, order, leeks):
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.READY)
    assert load(manager_client, order).status_code == 201
    second = place_pickup(customer, machine.pickup_point, [(leeks, 1)])
    Order.objects.filter(pk=second.pk).update(status=OrderStatus.READY)
    assert load(manager_client, second, "D2").status_code == 201

    cancel = manager_client.post(f"{URL}{order.pk}/cancel/", {"note": "client absent"}, format="json")
    fulfil = manager_client.post(f"{URL}{second.pk}/transition/", {"status": "fulfilled"}, format="json")

    assert cancel.status_code == 200 and cancel.json()["locker"]["state"] == "freed"
    assert fulfil.status_code == 200 and fulfil.json()["locker"]["state"] == "freed"
    assert not LockerReservation.objects.filter(is_active=True).exists()
    assert not stock_check_ledger()
    # freed through vending's own service: locked and audited, by the staff member who acted
    freed = AuditEvent.objects.filter(action="vending.locker_reservation_cancel").order_by("pk")
    assert freed.count() == 2 and all(e.actor_id is not None for e in freed)


@pytest.mark.parametrize(
    ("setup", "compartment", "status", "code"),
    [
        ("placed", "D1", 409, "order_not_ready_for_locker"),
        ("fulfilled", "D1", 409, "order_not_ready_for_locker"),
        ("ready", "Z9", 400, "unknown_locker"),
        ("ready", "D1 ; x", 400, "validation_error"),
        ("in_locker", "D2", 409, "order_already_in_locker"),
        ("locker_taken", "D1", 409, "compartment_reserved"),
    ],
)
def test_loading_refusals_change_nothing(
    manager_client, customer, machine, order, leeks, mailoutbox, setup, compartment, status, code
):
    if setup != "placed":
        Order.objects.filter(pk=order.pk).update(status="ready" if setup != "fulfilled" else "fulfilled")
    if setup == "in_locker":
        assert load(manager_client, order, "D1").status_code == 201
    if setup == "locker_taken":
        other = place_pickup(customer, machine.pickup_point, [(leeks, 1)])
        Order.objects.filter(pk=other.pk).update(status=OrderStatus.READY)
        assert load(manager_client, other, "D1").status_code == 201
    before = (LockerReservation.objects.count(), OrderEvent.objects.count(), OutboxMessage.objects.count())

    response = load(manager_client, order, compartment)

    assert response.status_code == status, response.json()
    assert response.json()["code"] == code and response.json()["detail"]
    assert (LockerReservation.objects.count(), OrderEvent.objects.count(), OutboxMessage.objects.count()) == before


def test_an_order_for_another_pickup_point_cannot_go_into_a_locker(manager_client, customer, depot, machine, leeks):
    order = place_pickup(customer, depot, [(leeks, 1)])
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.READY)
    response = load(manager_client, order)
    assert response.status_code == 409 and response.json()["code"] == "not_a_machine_order"
    assert "distributeur" in response.json()["detail"]


def test_weights_must_be_set_before_the_locker(manager_client, customer, machine, potatoes):
    order = place_pickup(customer, machine.pickup_point, [(potatoes, "1.5")])
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PREPARING)
    response = load(manager_client, order)
    assert response.status_code == 409 and response.json()["code"] == "prepared_quantity_missing"
    assert not LockerReservation.objects.exists()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PREPARING


def test_customers_and_drivers_cannot_load_and_never_see_the_code(
    customer_client, other_customer_client, driver_client, preparer_client, order, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.READY)
    assert load(customer_client, order).status_code == 403
    assert load(other_customer_client, order).status_code == 403
    # a driver reaches only the orders of their own rounds: this one is on none
    assert load(driver_client, order).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert load(preparer_client, order).status_code == 201
    code = emailed_code(mailoutbox[0])
    assert code not in str(customer_client.get(f"{URL}{order.pk}/").json())
    assert other_customer_client.get(f"{URL}{order.pk}/").status_code == 404
    assert load(preparer_client, order).json()["code"] == "order_already_in_locker"


def test_a_machine_point_takes_orders_only_through_an_active_machine_with_lockers(
    customer_client, machine_point, leeks
):
    body = pickup_body(machine_point, [(leeks, 1)])
    no_machine = customer_client.post(URL, body, format="json")
    machine = MachineFactory(pickup_point=machine_point, is_active=False)
    CompartmentFactory(machine=machine, code="D1")
    inactive = customer_client.post(URL, body, format="json")
    machine.is_active = True
    machine.save()
    active = customer_client.post(URL, body, format="json")

    assert no_machine.status_code == 400 and no_machine.json()["code"] == "pickup_point_unavailable"
    assert inactive.status_code == 400 and inactive.json()["code"] == "pickup_point_unavailable"
    assert active.status_code == 201 and active.json()["pickup_point"]["id"] == machine_point.pk
    assert active.json()["locker"] is None


def test_the_public_machine_view_names_its_pickup_point(api_client, machine, machine_point):
    body = api_client.get(f"/api/v1/vending/machines/{machine.pk}/").json()
    assert body["pickup_point"] == machine_point.pk


@pytest.mark.django_db(transaction=True)
def test_parallel_loads_never_share_a_locker_nor_put_an_order_in_two(manager, customer, machine, leeks):
    """Six staff requests at once: three orders into the same locker D1, and the first order also into D2. One
    order ends in D1, no order is in two lockers, the refusals are 409s and each reservation has one code email."""
    orders = [place_pickup(customer, machine.pickup_point, [(leeks, 1)]) for _ in range(3)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(status=OrderStatus.READY)
    attempts = [(o, "D1") for o in orders] + [(orders[0], "D2")] * 3
    barrier = threading.Barrier(len(attempts))
    statuses: list[tuple[int, str]] = []

    def attempt(order, compartment):
        try:
            client = client_for(manager)
            barrier.wait(timeout=10)
            response = load(client, order, compartment)
            statuses.append((response.status_code, response.json().get("code", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=pair) for pair in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    active = list(LockerReservation.objects.filter(is_active=True).values_list("order_id", "compartment__code"))
    assert len({order_id for order_id, _ in active}) == len(active)  # no order in two lockers
    assert len({code for _, code in active}) == len(active)  # no locker with two orders
    assert sorted(code for _, code in active) in (["D1"], ["D1", "D2"])
    created = [s for s in statuses if s[0] == 201]
    assert len(created) == len(active) and all(status == 409 for status, _ in statuses if status != 201)
    assert {code for status, code in statuses if status == 409} <= {
        "compartment_reserved",
        "order_already_in_locker",
        "lock_timeout",
    }
    assert OutboxMessage.objects.filter(key__startswith="order_locker_code:").count() == len(active)
    assert LockerReservation.objects.count() == len(active)


def test_staff_send_a_new_code_that_replaces_the_old_and_unblocks_the_locker(
    customer_client, manager_client, machine, machine_client, order, mailoutbox, django_capture_on_commit_callbacks
):
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.READY)
    with django_capture_on_commit_callbacks(execute=True):
        assert load(manager_client, order).status_code == 201
    old = emailed_code(mailoutbox[0])
    with time_machine.travel(dt.datetime(2026, 10, 23, 17, 0, tzinfo=PARIS), tick=False):
        for _ in range(5):  # someone guesses: the locker is blocked
            unlock(machine_client, machine, f"{(int(old) + 1) % 10**6:06d}")
        assert unlock(machine_client, machine, old).json()["code"] == "locker_locked_out"
    assert customer_client.post(f"{URL}{order.pk}/locker/code/").status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        renewed = manager_client.post(f"{URL}{order.pk}/locker/code/")

    assert renewed.status_code == 200 and renewed.json()["locker"]["state"] == "waiting"
    assert len(mailoutbox) == 2 and mailoutbox[1].to == mailoutbox[0].to
    new = emailed_code(mailoutbox[1])
    assert OutboxMessage.objects.filter(key__startswith="order_locker_code:", payload={}).count() == 2
    with time_machine.travel(dt.datetime(2026, 10, 23, 17, 5, tzinfo=PARIS), tick=False):
        if new != old:
            assert unlock(machine_client, machine, old).json()["code"] == "wrong_code"
        assert unlock(machine_client, machine, new).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    # nothing waits any more: no code to renew
    again = manager_client.post(f"{URL}{order.pk}/locker/code/")
    assert again.status_code == 409 and again.json()["code"] == "order_not_in_locker"
