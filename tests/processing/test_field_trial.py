"""The workshop items of the field trial (issue 14.6/14.7) and a small leak (issue 21.8)."""

from datetime import date, timedelta

import pytest
import time_machine

from catalogue.models import Product
from ecopole.core.models import Closure
from ecopole.core.outbox import OutboxMessage
from processing.models import Booking
from processing.services.bookings import booking_cancel, booking_confirm
from processing.services.calendar import PARIS, working_deadline
from processing.services.feeds import calendar_feed_rotate
from tests.factories.accounts import ProducerMemberFactory
from tests.factories.catalogue import ProducerFactory, ProductFactory

from .helpers import THURSDAY_MORNING, booking_payload, make_booking, paris

pytestmark = pytest.mark.django_db

URL = "/api/v1/processing/bookings/"


# --- iCal feed and Accept: text/calendar -------------------------------------------------------------------------


def test_the_ical_feed_answers_accept_text_calendar(frozen, workshop, producer, producer_member, api_client):
    make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    feed = calendar_feed_rotate(producer_id=producer.pk, user=producer_member)
    url = f"/api/v1/processing/ical/{feed.token}.ics"

    response = api_client.get(url, HTTP_ACCEPT="text/calendar")
    missing = api_client.get("/api/v1/processing/ical/nope.ics", HTTP_ACCEPT="text/calendar")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.decode().startswith("BEGIN:VCALENDAR")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


# --- cancelling twice: one rule ----------------------------------------------------------------------------------


def test_cancelling_a_cancelled_booking_answers_it_as_it_is(
    frozen, workshop, producer, producer_client, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    with django_capture_on_commit_callbacks(execute=True):
        first = producer_client.post(f"{URL}{booking.pk}/cancel/")
    with django_capture_on_commit_callbacks(execute=True):
        again = producer_client.post(f"{URL}{booking.pk}/cancel/")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert booking.events.filter(to_status="cancelled").count() == 1
    assert len(mailoutbox) == 1  # one cancellation email, not two


def test_cancelling_an_expired_offer_is_still_refused(frozen, workshop, producer):
    """Only a repeated cancel is a no-op: another final status cannot become `cancelled`."""
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    Booking.objects.filter(pk=booking.pk).update(status="expired")
    from ecopole.core.exceptions import InvalidTransition

    with pytest.raises(InvalidTransition):
        booking_cancel(booking_id=booking.pk, user=None)


# --- offers expire in working hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (paris(2026, 11, 16, 9, 0), paris(2026, 11, 16, 13, 0)),  # Monday morning: same day
        (paris(2026, 11, 16, 23, 51), paris(2026, 11, 17, 12, 0)),  # the field trial's 03:51
        (paris(2026, 11, 16, 6, 0), paris(2026, 11, 16, 12, 0)),  # before opening: from 08:00
        (paris(2026, 11, 20, 17, 0), paris(2026, 11, 23, 11, 0)),  # Friday 17:00 → Monday 11:00
        (paris(2026, 11, 21, 10, 0), paris(2026, 11, 23, 12, 0)),  # Saturday → Monday
        (paris(2026, 11, 16, 16, 0), paris(2026, 11, 17, 10, 0)),  # 2 h today, 2 h tomorrow
    ],
)
def test_an_offer_deadline_counts_working_hours(start, expected):
    assert working_deadline(start=start, hours=4) == expected


def test_an_offer_deadline_skips_public_holidays_and_closures():
    # Friday 17:00 before Whit Monday 2027 (17 May) + 4 working hours: Tuesday 11:00, not Monday
    assert working_deadline(start=paris(2027, 5, 14, 17, 0), hours=4) == paris(2027, 5, 18, 11, 0)
    # the association closes Tuesday too: Wednesday 11:00
    Closure.objects.create(start_date=date(2027, 5, 18), end_date=date(2027, 5, 18), label="Inventaire")
    assert working_deadline(start=paris(2027, 5, 14, 17, 0), hours=4) == paris(2027, 5, 19, 11, 0)


def test_the_working_hours_are_settings(settings):
    settings.PROCESSING_OFFER_WORKING_DAYS = (0, 1, 2, 3, 4, 5)
    settings.PROCESSING_OFFER_WORKING_DAY_START = "09:00"
    settings.PROCESSING_OFFER_WORKING_DAY_END = "12:00"
    assert working_deadline(start=paris(2026, 11, 20, 11, 0), hours=4) == paris(2026, 11, 21, 12, 0)


def test_working_hours_across_the_autumn_clock_change():
    # Sunday 25 October 2026 the clocks go back: Friday 17:00 + 4 working hours is Monday 11:00, local time
    deadline = working_deadline(start=paris(2026, 10, 23, 17, 0), hours=4)
    local = deadline.astimezone(PARIS)
    assert (local.date().isoformat(), local.hour, local.minute) == ("2026-10-26", 11, 0)


def test_an_offer_made_at_night_expires_the_next_working_day_not_at_night(
    workshop, producer, producer_member, django_capture_on_commit_callbacks
):
    slot = (paris(2026, 11, 26, 8), paris(2026, 11, 26, 12))  # Thursday of the next week
    with time_machine.travel(paris(2026, 11, 16, 9), tick=False):
        taken = make_booking(producer, workshop["washing"], *slot)
        waiting_farm = ProducerFactory()
        ProducerMemberFactory(producer=waiting_farm)
        waiting = make_booking(waiting_farm, workshop["washing"], *slot, waitlist=True)
    night = time_machine.travel(paris(2026, 11, 16, 23, 51), tick=False)
    with night, django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking_cancel(booking_id=taken.pk, user=producer_member)

    waiting.refresh_from_db()
    assert waiting.status == "held"
    assert waiting.hold_expires_at == paris(2026, 11, 17, 12, 0)
    # nothing delayed was scheduled for the end of the hold: the periodic sweep expires it
    assert all("expire" not in getattr(c, "__qualname__", repr(c)) for c in callbacks)


# --- emails a producer expects: booking confirmed, booking cancelled ---------------------------------------------


def test_a_confirmed_booking_is_emailed_to_the_producer_in_french_text_and_html(
    frozen, workshop, producer, producer_member, manager, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING, raw_product_name="Potimarrons")
    with django_capture_on_commit_callbacks(execute=True):
        booking_confirm(booking_id=booking.pk, user=manager)

    assert OutboxMessage.objects.filter(key=f"processing.booking:{booking.pk}:confirmed").count() == 1
    (message,) = mailoutbox
    assert message.to == [producer_member.email]
    assert message.subject == f"Réservation n° {booking.pk} de l'atelier confirmée pour le jeudi 19 novembre"
    assert "de 08:00 à 12:00" in message.body and "Potimarrons" in message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html" and "<p>" in html and "confirmé" in html


def test_a_cancelled_booking_is_emailed_with_its_late_fee(
    frozen, workshop, producer, producer_member, producer_client, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    late = time_machine.travel(THURSDAY_MORNING[0] - timedelta(hours=47), tick=False)
    with late, django_capture_on_commit_callbacks(execute=True):
        producer_client.post(f"{URL}{booking.pk}/cancel/")

    (message,) = mailoutbox
    assert message.to == [producer_member.email]
    assert message.subject == f"Réservation n° {booking.pk} de l'atelier du jeudi 19 novembre annulée"
    assert "24,00 €" in message.body and "relevé mensuel" in message.body
    assert "24,00 €" in message.alternatives[0][0]


def test_a_free_cancellation_says_so(
    frozen, workshop, producer, producer_member, producer_client, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.post(f"{URL}{booking.pk}/cancel/")

    (message,) = mailoutbox
    assert "sans frais" in message.body and "€" not in message.body


def test_leaving_the_waiting_list_sends_no_cancellation_email(
    frozen, workshop, producer, other_member, mailoutbox, django_capture_on_commit_callbacks
):
    make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    waiting = make_booking(other_member.producer, workshop["washing"], *THURSDAY_MORNING, waitlist=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking_id=waiting.pk, user=other_member)
    assert mailoutbox == []


# --- a booking error names no other producer's product -----------------------------------------------------------


def test_a_foreign_product_is_named_by_its_id_only(frozen, workshop, producer_client, other_producer):
    secret = ProductFactory(
        jar=True, producer=other_producer, name="Confiture secrète de la ferme voisine", is_active=False
    )

    response = producer_client.post(URL, booking_payload(workshop["washing"], *THURSDAY_MORNING, raw_product=secret.pk))

    assert response.status_code == 400 and response.json()["code"] == "product_not_of_producer"
    assert "secrète" not in response.content.decode()
    assert response.json()["detail"] == f"Le produit n° {secret.pk} n'appartient pas à ce producteur."
    assert Product.objects.filter(pk=secret.pk).exists() and not Booking.objects.exists()
