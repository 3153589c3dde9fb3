"""Booking rules with frozen time (Monday 16 November 2026, 09:00 Paris)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from processing.errors import SlotTaken
from processing.models import BillingLine, Booking, BookingEvent, BookingLine, ClosedDay
from processing.services.bookings import _conflict

from .helpers import NOW, THURSDAY_MORNING, booking_payload, make_booking, paris

pytestmark = pytest.mark.django_db

URL = "/api/v1/processing/bookings/"


def test_a_producer_member_books_two_equipment_for_a_slot(frozen, workshop, producer_client, producer_member):
    # when
    response = producer_client.post(URL, booking_payload([workshop["washing"], workshop["cutting"]], *THURSDAY_MORNING))

    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "requested"
    assert body["producer"]["id"] == producer_member.producer_id
    assert body["starts_at"] == "2026-11-19T08:00:00+01:00"
    assert {e["slug"] for e in body["equipment"]} == {"lavage", "decoupe"}
    lines = BookingLine.objects.filter(booking_id=body["id"])
    assert lines.count() == 2 and all(line.is_active for line in lines)
    assert lines.get(equipment=workshop["washing"]).blocked_until == paris(2026, 11, 19, 12, 30)
    event = BookingEvent.objects.get(booking_id=body["id"])
    assert (event.from_status, event.to_status, event.actor) == ("", "requested", producer_member)


def test_read_only_fields_sent_by_the_client_change_nothing(frozen, workshop, producer_client, other_producer):
    payload = booking_payload(
        workshop["washing"],
        *THURSDAY_MORNING,
        status="confirmed",
        producer=other_producer.pk,
        hours_used="1",
        hold_expires_at=NOW.isoformat(),
        id=999,
    )
    body = producer_client.post(URL, payload).json()
    booking = Booking.objects.get(pk=body["id"])
    assert booking.status == "requested" and booking.producer_id != other_producer.pk
    assert booking.hours_used is None and booking.hold_expires_at is None and booking.pk != 999


def test_too_late_to_book_under_48_hours_in_french(workshop, producer_client):
    starts, ends = THURSDAY_MORNING
    with time_machine.travel(starts - timedelta(hours=47, minutes=59), tick=False):
        response = producer_client.post(URL, booking_payload(workshop["washing"], starts, ends))
    assert response.status_code == 400
    assert response.json()["code"] == "too_late_to_book"
    assert response.json()["detail"] == "Un créneau se réserve au moins 48 heures à l'avance."
    with time_machine.travel(starts - timedelta(hours=48), tick=False):
        assert producer_client.post(URL, booking_payload(workshop["washing"], starts, ends)).status_code == 201


def test_too_far_ahead_beyond_8_weeks(frozen, workshop, producer_client):
    starts = paris(2027, 1, 12, 8)  # a Tuesday, 8 weeks and 1 day after NOW
    response = producer_client.post(URL, booking_payload(workshop["washing"], starts, starts + timedelta(hours=4)))
    assert response.status_code == 400
    assert response.json()["code"] == "too_far_ahead"
    assert Booking.objects.count() == 0
    starts = paris(2027, 1, 11, 8)  # the Monday of week 8: within the window
    assert (
        producer_client.post(URL, booking_payload(workshop["washing"], starts, starts + timedelta(hours=4))).status_code
        == 201
    )


def test_the_same_slot_twice_is_slot_taken(frozen, workshop, producer, other_producer_client):
    make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    response = other_producer_client.post(URL, booking_payload(workshop["washing"], *THURSDAY_MORNING))
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    assert Booking.objects.count() == 1


def test_the_cleaning_buffer_of_a_booking_is_respected_even_when_the_grid_changes(
    frozen, workshop, producer, other_producer_client
):
    # given the cold room booked 08:00–12:00 with 30 min of cleaning after it (blocked until 12:30)
    cold = workshop["cold"]
    make_booking(producer, cold, *THURSDAY_MORNING)
    # when the grid becomes 2 h slots without buffer, a slot starting 12:00… doesn't exist; 10:00–12:00 overlaps
    cold.slot_minutes, cold.cleaning_buffer_minutes = 120, 0
    cold.save()
    # a continuous opening period on Thursday to get a 12:00 start on the grid
    from processing.models import OpeningHours

    OpeningHours.objects.filter(weekday=3).delete()
    OpeningHours.objects.create(weekday=3, opens_at="08:00", closes_at="18:00")
    response = other_producer_client.post(URL, booking_payload(cold, paris(2026, 11, 19, 12), paris(2026, 11, 19, 14)))
    # then 12:00 falls inside the first booking's cleaning time
    assert response.status_code == 409 and response.json()["code"] == "slot_taken"
    assert (
        other_producer_client.post(
            URL, booking_payload(cold, paris(2026, 11, 19, 14), paris(2026, 11, 19, 16))
        ).status_code
        == 201
    )


def test_overlap_check_counts_the_buffer(frozen, workshop, producer):
    washing = workshop["washing"]
    make_booking(producer, washing, *THURSDAY_MORNING)  # blocked until 12:30
    assert isinstance(
        _conflict(equipment=washing, starts_at=paris(2026, 11, 19, 12, 15), ends_at=paris(2026, 11, 19, 13), jars=None),
        SlotTaken,
    )
    assert (
        _conflict(equipment=washing, starts_at=paris(2026, 11, 19, 12, 30), ends_at=paris(2026, 11, 19, 13), jars=None)
        is None
    )
    # and a new booking ending at 07:45 would need cleaning until 08:15: it overlaps too
    assert isinstance(
        _conflict(equipment=washing, starts_at=paris(2026, 11, 19, 6), ends_at=paris(2026, 11, 19, 7, 45), jars=None),
        SlotTaken,
    )


def test_a_public_holiday_and_a_closed_day_are_closed(frozen, workshop, producer_client):
    # 25 December 2026 is a Friday, a public holiday
    response = producer_client.post(
        URL, booking_payload(workshop["washing"], paris(2026, 12, 25, 8), paris(2026, 12, 25, 12))
    )
    assert response.status_code == 400 and response.json()["code"] == "workshop_closed"
    ClosedDay.objects.create(date=THURSDAY_MORNING[0].date(), reason="Maintenance autoclave")
    response = producer_client.post(URL, booking_payload(workshop["washing"], *THURSDAY_MORNING))
    assert response.json()["code"] == "workshop_closed"


def test_a_time_off_the_slot_grid_is_refused(frozen, workshop, producer_client):
    response = producer_client.post(
        URL, booking_payload(workshop["washing"], paris(2026, 11, 19, 9), paris(2026, 11, 19, 13))
    )
    assert response.status_code == 400 and response.json()["code"] == "not_a_slot"
    response = producer_client.post(
        URL, booking_payload(workshop["washing"], paris(2026, 11, 19, 8), paris(2026, 11, 19, 17))
    )
    assert response.json()["code"] == "not_a_slot"  # two periods: the lunch break is not bookable


def test_an_end_before_the_start_is_a_validation_error(frozen, workshop, producer_client):
    starts, ends = THURSDAY_MORNING
    response = producer_client.post(URL, booking_payload(workshop["washing"], ends, starts))
    assert response.status_code == 400 and response.json()["code"] == "validation_error"


def test_weekly_quota_of_hours(frozen, settings, workshop, producer, producer_client):
    settings.PROCESSING_WEEKLY_QUOTA_HOURS = 8
    make_booking(producer, workshop["washing"], paris(2026, 11, 19, 13), paris(2026, 11, 19, 17))
    make_booking(producer, workshop["washing"], paris(2026, 11, 20, 8), paris(2026, 11, 20, 12))
    response = producer_client.post(URL, booking_payload(workshop["cold"], *THURSDAY_MORNING))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "weekly_quota_exceeded"
    assert body["fields"] == {"used_hours": "8", "requested_hours": "4", "quota_hours": "8"}
    # the next week is another quota
    response = producer_client.post(
        URL, booking_payload(workshop["cold"], paris(2026, 11, 23, 8), paris(2026, 11, 23, 12))
    )
    assert response.status_code == 201


def test_cancelled_bookings_do_not_count_in_the_quota(frozen, settings, workshop, producer, producer_client):
    settings.PROCESSING_WEEKLY_QUOTA_HOURS = 4
    booking = make_booking(producer, workshop["washing"], paris(2026, 11, 19, 13), paris(2026, 11, 19, 17))
    assert producer_client.post(f"{URL}{booking.pk}/cancel/").status_code == 200
    assert producer_client.post(URL, booking_payload(workshop["washing"], *THURSDAY_MORNING)).status_code == 201


def test_autoclave_capacity_is_shared_by_jars(frozen, workshop, producer_client, other_producer_client):
    autoclave = workshop["autoclave"]
    starts, ends = paris(2026, 11, 19, 8), paris(2026, 11, 19, 10)
    response = producer_client.post(URL, booking_payload(autoclave, starts, ends))
    assert response.json()["code"] == "jars_required"
    assert producer_client.post(URL, booking_payload(autoclave, starts, ends, jars=200)).status_code == 201
    response = other_producer_client.post(URL, booking_payload(autoclave, starts, ends, jars=150))
    assert response.status_code == 409
    assert response.json()["code"] == "capacity_exceeded"
    assert response.json()["fields"]["capacity_left"] == 100
    assert other_producer_client.post(URL, booking_payload(autoclave, starts, ends, jars=100)).status_code == 201


def test_free_cancellation_until_48_hours_before(frozen, workshop, producer, producer_client):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    with time_machine.travel(THURSDAY_MORNING[0] - timedelta(hours=48), tick=False):
        response = producer_client.post(f"{URL}{booking.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert response.json()["billing_lines"] == []
    assert not BillingLine.objects.exists()
    assert not BookingLine.objects.get(booking=booking).is_active


def test_a_late_cancellation_is_billed(frozen, workshop, producer, producer_client):
    booking = make_booking(producer, [workshop["washing"], workshop["cold"]], *THURSDAY_MORNING)
    with time_machine.travel(THURSDAY_MORNING[0] - timedelta(hours=47), tick=False):
        response = producer_client.post(f"{URL}{booking.pk}/cancel/")
        again = producer_client.post(f"{URL}{booking.pk}/cancel/")
    assert response.status_code == 200
    lines = {line.equipment.slug: line for line in BillingLine.objects.select_related("equipment")}
    # 4 h × 12.00 € × 50 % and 4 h × 2.00 € × 50 %
    assert lines["lavage"].kind == "late_cancellation"
    assert (lines["lavage"].unit_price, lines["lavage"].amount) == (Decimal("6.00"), Decimal("24.00"))
    assert lines["chambre-froide"].amount == Decimal("4.00")
    # run twice: the second cancellation answers the booking as it is (README, API conventions), bills nothing more
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    assert BillingLine.objects.count() == 2
    assert list(booking.events.values_list("to_status", flat=True)) == ["requested", "cancelled"]


def test_lifecycle_requested_confirmed_completed_with_events(frozen, workshop, producer, manager, manager_client):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    assert manager_client.post(f"{URL}{booking.pk}/confirm/").json()["status"] == "confirmed"
    again = manager_client.post(f"{URL}{booking.pk}/confirm/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert again.json()["fields"] == {"current": "confirmed", "target": "confirmed"}
    response = manager_client.post(
        f"{URL}{booking.pk}/complete/", {"outputs": [{"description": "Soupe", "quantity": "240"}]}
    )
    assert response.status_code == 200 and response.json()["status"] == "completed"
    events = list(BookingEvent.objects.filter(booking=booking).values_list("from_status", "to_status", "actor"))
    assert events == [
        ("", "requested", None),
        ("requested", "confirmed", manager.pk),
        ("confirmed", "completed", manager.pk),
    ]
    assert manager_client.post(f"{URL}{booking.pk}/cancel/").json()["code"] == "invalid_transition"


def test_only_a_manager_confirms(frozen, workshop, producer, producer_client, preparer_client):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    assert producer_client.post(f"{URL}{booking.pk}/confirm/").status_code == 403
    assert preparer_client.post(f"{URL}{booking.pk}/confirm/").status_code == 403
    assert preparer_client.get(f"{URL}{booking.pk}/").status_code == 200  # staff can read
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_a_requested_booking_cannot_be_completed(frozen, workshop, producer, manager_client):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    response = manager_client.post(f"{URL}{booking.pk}/complete/", {"outputs": [{"description": "x", "quantity": "1"}]})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_no_show_only_after_the_start_and_billed(frozen, workshop, producer, manager_client):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    manager_client.post(f"{URL}{booking.pk}/confirm/")
    response = manager_client.post(f"{URL}{booking.pk}/no-show/")
    assert response.status_code == 409 and response.json()["code"] == "no_show_before_start"
    with time_machine.travel(THURSDAY_MORNING[0] + timedelta(minutes=45), tick=False):
        response = manager_client.post(f"{URL}{booking.pk}/no-show/")
    assert response.status_code == 200 and response.json()["status"] == "no_show"
    line = BillingLine.objects.get(booking=booking)
    assert (line.kind, line.amount) == ("no_show", Decimal("48.00"))
    assert not BookingLine.objects.get(booking=booking).is_active


def test_a_manager_books_for_a_producer(frozen, workshop, producer, manager_client):
    response = manager_client.post(URL, booking_payload(workshop["washing"], *THURSDAY_MORNING))
    assert response.status_code == 400 and response.json()["code"] == "producer_required"
    response = manager_client.post(URL, booking_payload(workshop["washing"], *THURSDAY_MORNING, producer=producer.pk))
    assert response.status_code == 201 and response.json()["producer"]["id"] == producer.pk
