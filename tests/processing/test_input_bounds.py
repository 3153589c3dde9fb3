"""Values at the edges are a 400, never a 500 (issue 21.7): dates bounded to 2000-01-01..2099-12-31, integers to
their column, digits ASCII only. One test per example of the issue, each checking that nothing was written."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from processing.models import Booking

from .helpers import THURSDAY_MORNING, booking_payload

pytestmark = pytest.mark.django_db


def _refused(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"], body


def test_a_workshop_statement_list_of_month_0000_01_is_refused(producer_client):
    _refused(producer_client.get("/api/v1/processing/statements/", {"month": "0000-01"}), "month")


def test_availability_up_to_9999_12_31_is_refused(frozen, workshop, producer_client):
    _refused(producer_client.get("/api/v1/processing/availability/", {"to": "9999-12-31"}), "to_date")


def test_availability_from_9999_11_01_is_refused(frozen, workshop, producer_client):
    _refused(producer_client.get("/api/v1/processing/availability/", {"from": "9999-11-01"}), "from_date")


def test_bookings_listed_up_to_9999_12_31_are_refused(frozen, workshop, producer_client):
    _refused(producer_client.get("/api/v1/processing/bookings/", {"to": "9999-12-31"}), "to_date")


@pytest.mark.parametrize("equipment", ["²", "1²", "lavage,³"])
def test_equipment_written_with_a_unicode_digit_is_refused(frozen, workshop, producer_client, equipment):
    _refused(producer_client.get("/api/v1/processing/availability/", {"equipment": equipment}), "equipment")


def test_a_booking_of_99999999999999_jars_is_refused(frozen, workshop, producer_client):
    payload = booking_payload(workshop["autoclave"], *THURSDAY_MORNING, jars=99999999999999)
    _refused(producer_client.post("/api/v1/processing/bookings/", payload, format="json"), "jars")
    assert not Booking.objects.exists()


def test_a_booking_in_9999_is_refused(frozen, workshop, producer_client):
    utc_minus = ZoneInfo("America/New_York")
    payload = booking_payload(
        workshop["washing"], datetime(9999, 12, 31, 20, tzinfo=utc_minus), datetime(9999, 12, 31, 22, tzinfo=utc_minus)
    )
    _refused(producer_client.post("/api/v1/processing/bookings/", payload, format="json"), "starts_at")
    assert not Booking.objects.exists()
