"""Availability: free slots in Europe/Paris, capacity left, constant number of queries over eight weeks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processing.models import ClosedDay, Equipment
from processing.services.calendar import easter_sunday, french_public_holidays
from tests.factories.catalogue import ProducerFactory
from tests.factories.processing import EquipmentFactory

from .helpers import THURSDAY_MORNING, booking_payload, make_booking, paris

pytestmark = pytest.mark.django_db

URL = "/api/v1/processing/availability/"


def test_french_public_holidays():
    assert easter_sunday(2026).isoformat() == "2026-04-05"
    assert easter_sunday(2027).isoformat() == "2027-03-28"
    holidays = french_public_holidays(2026)
    assert len(holidays) == 11
    assert {d.isoformat() for d in holidays} >= {"2026-04-06", "2026-05-14", "2026-05-25", "2026-07-14", "2026-11-11"}


def test_half_day_slots_and_free_ones_only(frozen, workshop, producer, producer_client):
    make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    response = producer_client.get(URL, {"equipment": "lavage", "from": "2026-11-19", "to": "2026-11-20"})
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Europe/Paris"
    (washing,) = body["equipment"]
    assert washing["equipment"]["slug"] == "lavage" and washing["slot_minutes"] == 240
    assert [(s["starts_at"], s["ends_at"]) for s in washing["slots"]] == [
        ("2026-11-19T13:00:00+01:00", "2026-11-19T17:00:00+01:00"),
        ("2026-11-20T08:00:00+01:00", "2026-11-20T12:00:00+01:00"),
        ("2026-11-20T13:00:00+01:00", "2026-11-20T17:00:00+01:00"),
    ]


def test_taken_and_too_soon_slots_are_flagged_with_include_taken(frozen, workshop, producer, producer_client):
    make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    body = producer_client.get(
        URL,
        {"equipment": str(workshop["washing"].pk), "from": "2026-11-18", "to": "2026-11-19", "include_taken": "true"},
    ).json()
    flags = [(s["starts_at"][:16], s["available"]) for s in body["equipment"][0]["slots"]]
    assert flags == [
        ("2026-11-18T08:00", False),  # under 48 h
        ("2026-11-18T13:00", True),  # Wednesday 13:00 is 52 h away
        ("2026-11-19T08:00", False),  # taken
        ("2026-11-19T13:00", True),
    ]


def test_closed_days_have_no_slots(frozen, workshop, producer_client):
    ClosedDay.objects.create(date=THURSDAY_MORNING[0].date(), reason="Inventaire")
    body = producer_client.get(URL, {"equipment": "lavage", "from": "2026-11-19", "to": "2026-11-19"}).json()
    assert body["equipment"][0]["slots"] == []
    body = producer_client.get(URL, {"equipment": "lavage", "from": "2026-12-25", "to": "2026-12-25"}).json()
    assert body["equipment"][0]["slots"] == []  # Christmas


def test_the_autoclave_reports_the_capacity_left(frozen, workshop, producer):
    make_booking(producer, workshop["autoclave"], paris(2026, 11, 19, 8), paris(2026, 11, 19, 10), jars=220)
    from tests.clients import client_for
    from tests.factories.accounts import ProducerMemberFactory

    client = client_for(ProducerMemberFactory(producer=ProducerFactory()))
    body = client.get(URL, {"equipment": "autoclave", "from": "2026-11-19", "to": "2026-11-19"}).json()
    slots = body["equipment"][0]["slots"]
    assert body["equipment"][0]["capacity"] == 300
    assert [(s["starts_at"][11:16], s["capacity_left"]) for s in slots] == [
        ("08:00", 80),
        ("10:00", 300),
        ("13:00", 300),
        ("15:00", 300),
    ]


def test_a_range_over_the_maximum_is_refused(frozen, workshop, producer_client):
    response = producer_client.get(URL, {"from": "2026-11-16", "to": "2027-03-01"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_range"


def test_eight_weeks_for_all_equipment_in_a_constant_number_of_queries(frozen, workshop, producer_client):
    # given one equipment and no booking
    Equipment.objects.exclude(slug="lavage").update(is_active=False)
    params = {"from": "2026-11-16", "to": "2027-01-10"}
    with CaptureQueriesContext(connection) as small:
        assert producer_client.get(URL, params).status_code == 200
    # and then twelve equipment and forty bookings
    Equipment.objects.update(is_active=True)
    extra = [EquipmentFactory() for _ in range(8)]
    day = paris(2026, 11, 19, 8)
    for week in range(8):
        for equipment in extra[:5]:
            starts = day + timedelta(weeks=week)
            make_booking(ProducerFactory(), equipment, starts, starts + timedelta(hours=4))
    with CaptureQueriesContext(connection) as big:
        response = producer_client.get(URL, params)
    assert response.status_code == 200
    assert len(response.json()["equipment"]) == 12
    assert len(big.captured_queries) == len(small.captured_queries)
    # auth (user, groups) + equipment + opening hours + closed days + booking lines
    assert len(big.captured_queries) <= 6


def test_the_demo_has_the_workshop_and_a_completed_booking_with_lots(db):
    from django.core.management import call_command

    from catalogue.models import StockMovement
    from processing.models import Booking, Lot

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Equipment.objects.filter(slug__in=["autoclave", "chambre-froide", "ligne-lavage-epluchage"]).count() == 3
    completed = Booking.objects.get(status="completed")
    assert completed.producer.slug == "les-anges-gardins"
    lot = Lot.objects.get(booking=completed)
    entry = StockMovement.objects.get(reason="processing_output", product=lot.product)
    assert entry.quantity == lot.quantity and entry.source == lot and lot.inputs.count() == 3
    assert Booking.objects.filter(status="requested").count() == 3


def test_a_closure_of_the_association_closes_the_workshop_too(frozen, workshop, producer_client):
    # given the association's calendar closes Thursday 19 November (one calendar for the three apps)
    from ecopole.core.models import Closure

    day = THURSDAY_MORNING[0].date()
    Closure.objects.create(start_date=day, end_date=day, label="Assemblée générale")

    # then no slot is offered that day, and booking one is refused with the reason
    body = producer_client.get(URL, {"equipment": "lavage", "from": "2026-11-19", "to": "2026-11-19"}).json()
    assert body["equipment"][0]["slots"] == []
    response = producer_client.post(
        "/api/v1/processing/bookings/", booking_payload(workshop["washing"], *THURSDAY_MORNING), format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "workshop_closed"
    assert response.json()["fields"]["reason"] == "Assemblée générale"
