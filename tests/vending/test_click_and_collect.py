"""Click and collect at the machine: a hashed one-time code opens its locker once; guessing is cut off."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.utils import timezone

from tests.factories.orders import OrderFactory
from tests.factories.vending import CompartmentFactory, MachineFactory
from vending.errors import CompartmentNotEmpty, NotALocker
from vending.models import CompartmentKind, LockerReservation
from vending.services import (
    locker_reservation_cancel,
    locker_reservation_create,
    locker_reservations_expire,
    machine_key_rotate,
)
from vending.signals import locker_collected, locker_expired

from .helpers import machine_client_for

PARIS = timezone.get_fixed_timezone(60)
PICKUP = dt.date(2026, 3, 6)
COLLECTED: list[dict] = []


def record_collected(**kwargs):
    """A receiver of vending's signals, beside the orders app's own (connected in `OrdersConfig.ready()`)."""
    COLLECTED.append(kwargs)


@pytest.fixture
def listening():
    """`record_collected` connected to both locker signals for the test."""
    COLLECTED.clear()
    locker_collected.connect(record_collected, dispatch_uid="test.collected")
    locker_expired.connect(record_collected, dispatch_uid="test.expired")
    yield COLLECTED
    locker_collected.disconnect(dispatch_uid="test.collected")
    locker_expired.disconnect(dispatch_uid="test.expired")


@pytest.fixture
def order(db):
    return OrderFactory(at_machine=True)


@pytest.fixture
def reserved(locker, order):
    with time_machine.travel(dt.datetime(2026, 3, 5, 18, 0, tzinfo=PARIS)):
        created = locker_reservation_create(compartment=locker, order_id=order.pk, pickup_date=PICKUP)
    return created


def unlock(client, machine, code, compartment="D6"):
    return client.post(f"/api/v1/vending/machines/{machine.pk}/unlock/", {"compartment": compartment, "code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.mark.django_db
def test_the_code_is_six_digits_returned_once_and_stored_hashed(reserved):
    reservation = reserved.reservation
    assert len(reserved.code) == 6 and reserved.code.isdigit()
    assert reserved.code not in reservation.code_hash
    assert check_password(reserved.code, reservation.code_hash)
    # valid until the end of the day after the pickup date, Paris time
    assert reservation.valid_until == dt.datetime(2026, 3, 8, 0, 0, tzinfo=PARIS)


@pytest.mark.django_db
def test_a_code_opens_its_locker_once_and_calls_the_orders_hook(machine, machine_client, order, reserved, listening):

    with time_machine.travel(dt.datetime(2026, 3, 6, 17, 0, tzinfo=PARIS)):
        first = unlock(machine_client, machine, reserved.code)
        again = unlock(machine_client, machine, reserved.code)

    assert first.status_code == 200
    assert first.json()["open"] is True and first.json()["order_id"] == order.pk and first.json()["compartment"] == "D6"
    assert again.status_code == 404 and again.json()["code"] == "no_reservation"
    assert [c["order_id"] for c in COLLECTED] == [order.pk]
    reservation = LockerReservation.objects.get()
    assert reservation.opened_at is not None and reservation.is_active is False


@pytest.mark.django_db
def test_wrong_codes_are_cut_off_after_five_tries(machine, machine_client, reserved):
    with time_machine.travel(dt.datetime(2026, 3, 6, 17, 0, tzinfo=PARIS)):
        answers = [unlock(machine_client, machine, wrong(reserved.code)) for _ in range(5)]
        right_code_too_late = unlock(machine_client, machine, reserved.code)

    assert [a.status_code for a in answers] == [403, 403, 403, 403, 423]
    assert [a.json()["fields"].get("remaining_tries") for a in answers[:4]] == [4, 3, 2, 1]
    assert answers[0].json()["code"] == "wrong_code"
    assert answers[0].json()["detail"] == "Code erroné. Encore 4 essais."
    assert answers[4].json()["code"] == "locker_locked_out"
    assert right_code_too_late.status_code == 423
    reservation = LockerReservation.objects.get()
    assert (reservation.failed_attempts, reservation.locked_out, reservation.opened_at) == (5, True, None)


@pytest.mark.django_db
def test_tries_are_counted_per_locker(machine, machine_client, reserved):
    other = CompartmentFactory(machine=machine, code="D5", capacity=Decimal("1"))
    second = locker_reservation_create(compartment=other, order_id=OrderFactory(at_machine=True).pk, pickup_date=PICKUP)
    with time_machine.travel(dt.datetime(2026, 3, 6, 17, 0, tzinfo=PARIS)):
        for _ in range(5):
            unlock(machine_client, machine, wrong(reserved.code))
        assert unlock(machine_client, machine, second.code, compartment="D5").status_code == 200


@pytest.mark.django_db
def test_an_expired_code_does_not_open(machine, machine_client, reserved):
    with time_machine.travel(dt.datetime(2026, 3, 8, 0, 1, tzinfo=PARIS)):
        response = unlock(machine_client, machine, reserved.code)
    assert response.status_code == 410 and response.json()["code"] == "code_expired"


@pytest.mark.django_db
def test_another_machine_cannot_open_the_locker(machine, reserved, other_machine_key):
    response = unlock(machine_client_for(other_machine_key), machine, reserved.code)
    assert response.status_code == 403
    assert LockerReservation.objects.get().is_active is True


@pytest.mark.django_db
def test_a_badly_formed_code_is_a_400_and_costs_no_try(machine, machine_client, reserved):
    assert unlock(machine_client, machine, "12ab").status_code == 400
    assert LockerReservation.objects.get().failed_attempts == 0


@pytest.mark.django_db
def test_only_an_empty_free_locker_can_be_reserved(machine, locker, filled_a1, reserved):
    another = OrderFactory(at_machine=True).pk
    spiral = CompartmentFactory(machine=machine, code="S1", kind=CompartmentKind.SPIRAL)
    with pytest.raises(NotALocker):
        locker_reservation_create(compartment=spiral, order_id=another, pickup_date=PICKUP)
    with pytest.raises(CompartmentNotEmpty):
        locker_reservation_create(compartment=filled_a1, order_id=another, pickup_date=PICKUP)
    from vending.errors import CompartmentReserved

    with pytest.raises(CompartmentReserved):
        locker_reservation_create(compartment=locker, order_id=another, pickup_date=PICKUP)


@pytest.mark.django_db
def test_orders_not_collected_in_time_free_their_locker_and_are_flagged(
    machine, locker, order, reserved, mailoutbox, listening, django_capture_on_commit_callbacks
):
    with time_machine.travel(dt.datetime(2026, 3, 8, 0, 30, tzinfo=PARIS)):
        with django_capture_on_commit_callbacks(execute=True):
            first = locker_reservations_expire()
        with django_capture_on_commit_callbacks(execute=True):
            second = locker_reservations_expire()

    assert first == [reserved.reservation.pk] and second == []
    assert [c["order_id"] for c in COLLECTED] == [order.pk]
    assert len(mailoutbox) == 1 and str(order.pk) in mailoutbox[0].body
    # the locker is free again
    assert locker_reservation_create(
        compartment=locker, order_id=OrderFactory(at_machine=True).pk, pickup_date=PICKUP
    ).code


@pytest.mark.django_db
def test_staff_can_free_a_locked_out_locker(machine, machine_client, reserved):
    cancelled = locker_reservation_cancel(reservation=reserved.reservation)
    assert cancelled.is_active is False
    assert locker_reservation_cancel(reservation=reserved.reservation).is_active is False


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_never_get_more_than_five_tries():
    machine = MachineFactory()
    key = machine_key_rotate(machine=machine)
    locker = CompartmentFactory(machine=machine, code="D6", capacity=Decimal("1"))
    created = locker_reservation_create(
        compartment=locker, order_id=OrderFactory(at_machine=True).pk, pickup_date=timezone.localdate()
    )
    guesses = [f"{n:06d}" for n in range(12) if f"{n:06d}" != created.code][:10]
    barrier = threading.Barrier(len(guesses))
    statuses: list[int] = []

    def guess(code):
        try:
            client = machine_client_for(key)
            barrier.wait(timeout=10)
            statuses.append(unlock(client, machine, code).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(code,)) for code in guesses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reservation = LockerReservation.objects.get()
    assert (reservation.failed_attempts, reservation.locked_out) == (5, True)
    assert sorted(statuses) == [403] * 4 + [423] * 6
