"""A producer member sees and changes only its producer's rows; customers are refused; lists in constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processing.models import Booking, BookingEvent
from processing.services.bookings import booking_confirm
from processing.services.lots import Output, booking_complete
from tests.factories.catalogue import ProducerFactory

from .helpers import THURSDAY_MORNING, booking_payload, make_booking, paris

pytestmark = pytest.mark.django_db

BASE = "/api/v1/processing/"


@pytest.mark.parametrize(
    "path",
    ["equipment/", "availability/", "bookings/", "lots/", "statements/", "calendar-feed/", "lots/LC-20261119-001/"],
)
def test_customers_get_403_and_anonymous_401(path, workshop, customer_client, api_client):
    assert customer_client.get(BASE + path).status_code == 403
    assert customer_client.get(BASE + path).json()["code"] == "permission_denied"
    assert api_client.get(BASE + path).status_code == 401


def test_a_customer_cannot_book(frozen, workshop, customer_client):
    response = customer_client.post(BASE + "bookings/", booking_payload(workshop["washing"], *THURSDAY_MORNING))
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_another_producers_booking_is_404_and_left_unchanged(
    frozen, workshop, other_producer, producer_client, manager
):
    theirs = make_booking(other_producer, workshop["washing"], *THURSDAY_MORNING)
    assert producer_client.get(f"{BASE}bookings/{theirs.pk}/").status_code == 404
    response = producer_client.post(f"{BASE}bookings/{theirs.pk}/cancel/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert producer_client.post(f"{BASE}bookings/{theirs.pk}/accept-offer/").status_code == 404
    assert producer_client.get(BASE + "bookings/").json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.status == "requested" and BookingEvent.objects.filter(booking=theirs).count() == 1


def test_another_producers_lot_is_404(
    frozen, workshop, other_producer, producer_client, manager, other_producer_client
):
    theirs = make_booking(other_producer, workshop["washing"], *THURSDAY_MORNING)
    booking_confirm(booking_id=theirs.pk, user=manager)
    booking_complete(booking_id=theirs.pk, user=manager, outputs=[Output(description="Soupe", quantity=10)])
    code = theirs.lots.get().code
    assert producer_client.get(f"{BASE}lots/{code}/").status_code == 404
    assert producer_client.get(f"{BASE}lots/").json()["results"] == []
    assert other_producer_client.get(f"{BASE}lots/{code}/").status_code == 200


def test_booking_list_uses_a_constant_number_of_queries(frozen, workshop, producer, manager_client):
    def book(count, start_day):
        for index in range(count):
            starts = paris(2026, 11, 19, 8) + timedelta(weeks=start_day + index // 4)
            equipment = list(workshop.values())[index % 4]
            if equipment.is_shared:
                make_booking(ProducerFactory(), equipment, starts, starts + timedelta(hours=2), jars=10)
            else:
                make_booking(ProducerFactory(), [equipment], starts, starts + timedelta(hours=4))

    book(2, 0)
    manager_client.get(BASE + "bookings/")  # warm the user's cached groups
    with CaptureQueriesContext(connection) as two:
        assert len(manager_client.get(BASE + "bookings/").json()["results"]) == 2
    book(18, 1)
    with CaptureQueriesContext(connection) as twenty:
        assert len(manager_client.get(BASE + "bookings/").json()["results"]) == 20
    assert len(two.captured_queries) == len(twenty.captured_queries)


def test_lot_list_uses_a_constant_number_of_queries(frozen, workshop, manager, manager_client):
    def lots(count, day):
        starts = paris(2026, 11, day, 8)
        booking = make_booking(ProducerFactory(), workshop["washing"], starts, starts + timedelta(hours=4))
        booking_confirm(booking_id=booking.pk, user=manager)
        booking_complete(
            booking_id=booking.pk, user=manager, outputs=[Output(description="x", quantity=5) for _ in range(count)]
        )

    lots(2, 19)
    manager_client.get(BASE + "lots/")  # warm the user's cached groups
    with CaptureQueriesContext(connection) as two:
        assert manager_client.get(BASE + "lots/").json()["count"] == 2
    lots(18, 20)
    with CaptureQueriesContext(connection) as twenty:
        assert len(manager_client.get(BASE + "lots/").json()["results"]) == 20
    assert len(two.captured_queries) == len(twenty.captured_queries)


def test_an_invalid_page_size_is_a_400(workshop, producer_client):
    response = producer_client.get(BASE + "equipment/", {"page_size": "null"})
    assert response.status_code == 400 and response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == ["page_size"]
    assert producer_client.get(BASE + "equipment/", {"page": ""}).status_code == 400
    assert len(producer_client.get(BASE + "equipment/", {"page_size": "2"}).json()["results"]) == 2
