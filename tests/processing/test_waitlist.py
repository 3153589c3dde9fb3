"""Waiting list: a freed slot is offered to the first in line, held for OFFER_HOLD_HOURS, then to the next one."""

from datetime import timedelta

import pytest
import time_machine

from processing.models import Booking, BookingLine
from processing.tasks import expire_offer, expire_offers
from tests.factories.accounts import ProducerMemberFactory
from tests.factories.catalogue import ProducerFactory

from .helpers import NOW, THURSDAY_MORNING, booking_payload, make_booking

pytestmark = pytest.mark.django_db

URL = "/api/v1/processing/bookings/"


@pytest.fixture
def queue(frozen, workshop, producer):
    """The washing line taken on Thursday morning by `producer`; two other farms queue for it, in order."""
    taken = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    first_farm, second_farm = ProducerFactory(), ProducerFactory()
    first_member = ProducerMemberFactory(producer=first_farm, email="premier@ferme.example")
    second_member = ProducerMemberFactory(producer=second_farm, email="second@ferme.example")
    frozen.shift(timedelta(minutes=1))
    first = make_booking(first_farm, workshop["washing"], *THURSDAY_MORNING, waitlist=True)
    frozen.shift(timedelta(minutes=1))
    second = make_booking(second_farm, workshop["washing"], *THURSDAY_MORNING, waitlist=True)
    return {
        "taken": taken,
        "first": first,
        "second": second,
        "first_member": first_member,
        "second_member": second_member,
    }


def test_joining_the_waiting_list_of_a_taken_slot(frozen, workshop, producer, other_producer_client):
    make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    response = other_producer_client.post(URL, booking_payload(workshop["washing"], *THURSDAY_MORNING, waitlist=True))
    assert response.status_code == 201 and response.json()["status"] == "waiting"
    assert not BookingLine.objects.get(booking_id=response.json()["id"]).is_active
    again = other_producer_client.post(URL, booking_payload(workshop["washing"], *THURSDAY_MORNING, waitlist=True))
    assert again.status_code == 409 and again.json()["code"] == "already_waiting"


def test_a_cancellation_offers_the_slot_to_the_first_in_line_by_email(
    queue, producer_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.post(f"{URL}{queue['taken'].pk}/cancel/")

    first, second = (Booking.objects.get(pk=queue[k].pk) for k in ("first", "second"))
    assert first.status == "held" and first.hold_expires_at == NOW + timedelta(minutes=2, hours=4)
    assert second.status == "waiting"
    offers = [m for m in mailoutbox if "créneau" in m.subject]
    assert [m.to for m in offers] == [["premier@ferme.example"]]
    assert len(mailoutbox) == 2  # and the cancelling producer's members are told of their cancellation
    # the held slot is not free for anybody else
    assert BookingLine.objects.get(booking=first).is_active


def test_the_offer_accepted_books_the_slot(queue, producer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.post(f"{URL}{queue['taken'].pk}/cancel/")
    from tests.clients import client_for

    response = client_for(queue["first_member"]).post(f"{URL}{queue['first'].pk}/accept-offer/")
    assert response.status_code == 200 and response.json()["status"] == "requested"
    assert response.json()["hold_expires_at"] is None
    # accepting twice is refused
    again = client_for(queue["first_member"]).post(f"{URL}{queue['first'].pk}/accept-offer/")
    assert again.json()["code"] == "invalid_transition"


def test_an_unanswered_offer_expires_and_goes_to_the_next_one(
    queue, producer_client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PROCESSING_OFFER_HOLD_HOURS = 4
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.post(f"{URL}{queue['taken'].pk}/cancel/")
    first = Booking.objects.get(pk=queue["first"].pk)
    # an expiry task run before the hold is over changes nothing
    assert expire_offer.delay(first.pk).get() is False

    with time_machine.travel(first.hold_expires_at + timedelta(seconds=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            expired = expire_offers.delay().get()
        with django_capture_on_commit_callbacks(execute=True):
            again = expire_offers.delay().get()  # run twice: nothing more
        late = __import__("tests.clients", fromlist=["client_for"]).client_for(queue["first_member"])
        response = late.post(f"{URL}{first.pk}/accept-offer/")

    assert (expired, again) == (1, 0)
    first.refresh_from_db()
    second = Booking.objects.get(pk=queue["second"].pk)
    assert first.status == "expired" and second.status == "held"
    offers = [m.to for m in mailoutbox if "créneau" in m.subject]
    assert offers == [["premier@ferme.example"], ["second@ferme.example"]]
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert list(first.events.values_list("to_status", flat=True)) == ["waiting", "held", "expired"]


def test_accepting_after_the_hold_but_before_the_sweep_is_offer_expired(
    queue, producer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.post(f"{URL}{queue['taken'].pk}/cancel/")
    first = Booking.objects.get(pk=queue["first"].pk)
    from tests.clients import client_for

    with time_machine.travel(first.hold_expires_at, tick=False):
        response = client_for(queue["first_member"]).post(f"{URL}{first.pk}/accept-offer/")
    assert response.status_code == 409 and response.json()["code"] == "offer_expired"


def test_declining_an_offer_passes_it_on(queue, producer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.post(f"{URL}{queue['taken'].pk}/cancel/")
    from tests.clients import client_for

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(queue["first_member"]).post(f"{URL}{queue['first'].pk}/cancel/")
    assert response.json()["status"] == "cancelled"
    assert Booking.objects.get(pk=queue["second"].pk).status == "held"
