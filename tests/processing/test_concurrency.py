"""No double booking, even when many producers book the same slot at the same moment (PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from processing.models import Booking, BookingLine
from processing.services import bookings as booking_services
from processing.services.lots import lot_code_next
from tests.clients import client_for
from tests.factories.accounts import ProducerMemberFactory

from .helpers import THURSDAY_MORNING, booking_payload, make_booking

pytestmark = [pytest.mark.django_db(transaction=True)]

URL = "/api/v1/processing/bookings/"


def test_many_producers_booking_the_same_slot_at_once_exactly_one_wins(frozen, workshop):
    members = [ProducerMemberFactory() for _ in range(6)]
    barrier = threading.Barrier(len(members))
    payload = booking_payload(workshop["washing"], *THURSDAY_MORNING)

    def book(member):
        client = client_for(member)
        try:
            barrier.wait(timeout=10)
            response = client.post(URL, payload)
            return response.status_code, response.json()["code"] if response.status_code != 201 else "ok"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(members)) as pool:
        results = list(pool.map(book, members))

    assert sorted(results) == [(201, "ok")] + [(409, "slot_taken")] * 5
    assert Booking.objects.filter(status="requested").count() == 1
    assert BookingLine.objects.filter(is_active=True).count() == 1


def test_the_exclusion_constraint_refuses_overlapping_lines_written_behind_the_services_back(
    frozen, workshop, producer
):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    line = booking.lines.get()
    other = make_booking(producer, workshop["cold"], *THURSDAY_MORNING)
    with pytest.raises(IntegrityError, match="processing_line_no_overlap"), transaction.atomic():
        BookingLine.objects.create(
            booking=other,
            equipment=workshop["washing"],
            starts_at=line.ends_at,  # starts in the cleaning buffer of the first one
            ends_at=line.blocked_until,
            blocked_until=line.blocked_until,
            is_active=True,
        )
    # an inactive (cancelled) line may overlap
    BookingLine.objects.create(
        booking=other, equipment=workshop["washing"], starts_at=line.starts_at, ends_at=line.ends_at,
        blocked_until=line.blocked_until, is_active=False,
    )  # fmt: skip


def test_the_constraint_error_becomes_slot_taken(frozen, workshop, producer, other_member, monkeypatch):
    # given the service-level check switched off, only the database stands in the way
    make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    monkeypatch.setattr(booking_services, "_conflict", lambda **kwargs: None)

    response = client_for(other_member).post(URL, booking_payload(workshop["washing"], *THURSDAY_MORNING))

    assert response.status_code == 409 and response.json()["code"] == "slot_taken"
    assert Booking.objects.count() == 1


def test_concurrent_lot_numbers_never_collide(db):
    barrier = threading.Barrier(8)
    day = date(2026, 11, 29)

    def next_code(_):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                return lot_code_next(day=day)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(next_code, range(8)))
    assert sorted(codes) == [f"LC-20261129-{n:03d}" for n in range(1, 9)]


def test_concurrent_cancellations_bill_once(frozen, workshop, producer, producer_member):
    import time_machine

    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    barrier = threading.Barrier(4)

    def cancel(_):
        try:
            barrier.wait(timeout=10)
            return client_for(producer_member).post(f"{URL}{booking.pk}/cancel/").status_code
        finally:
            connection.close()

    with time_machine.travel(THURSDAY_MORNING[0].replace(hour=0), tick=False), ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(cancel, range(4)))
    assert statuses == [200, 200, 200, 200]  # one cancels, the others find it cancelled (README, API conventions)
    assert booking.events.filter(to_status="cancelled").count() == 1
    assert booking.billing_lines.count() == 1
    assert booking.billing_lines.get().amount == Decimal("24.00")
