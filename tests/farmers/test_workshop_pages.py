"""The workshop pages of the farmers' space (issue 17.1): who may open them, the week's slots, booking several
equipment at once, the waiting list and the offered slot's page, the cancellation terms, the calendar link, the lots.
Every write goes through the processing services; a member of one producer never reaches another's rows."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from processing.models import Booking, BookingStatus, CalendarFeed
from processing.services.bookings import booking_cancel, booking_confirm
from processing.services.lots import Output, booking_complete
from tests.factories.accounts import StaffFactory
from tests.farmers.helpers import SPACE_PAGES, THURSDAY_MORNING, make_booking, paris

pytestmark = pytest.mark.django_db


def _booking_form(equipment, starts_at, ends_at, **extra) -> dict:
    data = {
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "equipment": [item.pk for item in equipment],
        "process": "soup",
        "raw_product_name": "Potimarrons",
        "raw_quantity_kg": "120",
        "expected_output": "240 bocaux",
    }
    data.update(extra)
    return data


# --- Who may open the space ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SPACE_PAGES)
def test_anonymous_visitor_is_sent_to_the_login_page_with_next(client, workshop, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/compte/connexion/?next={path}"


@pytest.mark.parametrize("path", SPACE_PAGES)
def test_a_customer_gets_a_french_page_saying_the_space_is_for_producers(customer_client, workshop, path):
    response = customer_client.get(path)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Espace producteur" in body and "n'est pas rattaché à un producteur" in body


@pytest.mark.parametrize("path", SPACE_PAGES)
def test_a_member_opens_every_page_of_the_space(member_client, workshop, frozen, path):
    response = member_client.get(path)
    assert response.status_code == 200
    assert "Ferme des Oyats" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_old_public_producer_addresses_redirect_permanently_to_nos_producteurs(client, farm):
    response = client.get(f"/producteurs/{farm.slug}/")
    assert response.status_code == 301
    assert response["Location"] == f"/nos-producteurs/{farm.slug}/"


# --- The week ------------------------------------------------------------------------------------------------------


def test_the_week_shows_free_and_taken_slots_with_the_cleaning_time(member_client, workshop, farm, other_farm, frozen):
    # given the washing line taken by another producer on Thursday morning
    make_booking(other_farm, workshop["washing"], *THURSDAY_MORNING)

    body = member_client.get("/producteurs/atelier/").content.decode()

    # then Thursday's washing line morning is taken (with a waiting-list link), its afternoon free (with a booking
    # link), Monday (less than 48 h ahead) not bookable; the cleaning time is said; another producer's name is not
    thursday = body[body.index("Jeudi 19 novembre") :]
    washing = thursday[thursday.index("<h3>Ligne de lavage") : thursday.index("Vendredi 20 novembre")]
    assert re.search(r"08:00–12:00</span>\s*<span class=\"slot-state\">Pris", washing)
    assert "Rejoindre la liste d&#x27;attente" in washing or "Rejoindre la liste d'attente" in washing
    assert re.search(r"13:00–17:00</span>\s*<span class=\"slot-state\">Libre", washing)
    assert "nettoyage : 30 min après chaque créneau" in body
    assert "Pas réservable" in body[body.index("Lundi 16 novembre") : body.index("Mardi 17 novembre")]
    assert other_farm.name not in body


def test_the_week_pages_move_by_week_and_ignore_a_bad_date(member_client, workshop, frozen):
    body = member_client.get("/producteurs/atelier/?semaine=2026-11-25").content.decode()
    assert "Semaine du lundi 23 novembre au dimanche 29 novembre 2026" in body
    assert "?semaine=2026-11-16" in body and "?semaine=2026-11-30" in body
    body = member_client.get("/producteurs/atelier/?semaine=pas-une-date").content.decode()
    assert "Semaine du lundi 16 novembre" in body


# --- Booking -------------------------------------------------------------------------------------------------------


def test_a_member_books_two_equipment_for_one_slot(member_client, member, workshop, farm, frozen):
    starts_at, ends_at = THURSDAY_MORNING
    page = member_client.get(
        "/producteurs/atelier/reserver/",
        {"debut": starts_at.isoformat(), "fin": ends_at.isoformat(), "equipement": workshop["washing"].pk},
    )
    assert page.status_code == 200
    assert "Jeudi 19 novembre 2026, 08:00–12:00" in page.content.decode()

    response = member_client.post(
        "/producteurs/atelier/reserver/",
        _booking_form([workshop["washing"], workshop["cutting"]], starts_at, ends_at),
    )

    assert response.status_code == 302 and response["Location"] == "/producteurs/reservations/"
    booking = Booking.objects.get()
    assert booking.producer == farm and booking.status == BookingStatus.REQUESTED and booking.created_by == member
    assert sorted(line.equipment.slug for line in booking.lines.all()) == ["decoupe", "lavage"]
    listing = member_client.get("/producteurs/reservations/").content.decode()
    assert f"Réservation n° {booking.pk}" in listing and "Ligne de lavage, Découpe et mise sous vide" in listing


def test_a_taken_slot_is_refused_next_to_the_equipment_and_nothing_is_written(
    member_client, workshop, other_farm, frozen
):
    make_booking(other_farm, workshop["washing"], *THURSDAY_MORNING)
    response = member_client.post(
        "/producteurs/atelier/reserver/", _booking_form([workshop["washing"]], *THURSDAY_MORNING)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_equipment-erreur"' in body and "Ligne de lavage" in body
    assert Booking.objects.count() == 1


def test_a_member_joins_the_waiting_list_of_a_taken_slot(member_client, workshop, farm, other_farm, frozen):
    make_booking(other_farm, [workshop["washing"], workshop["cutting"]], *THURSDAY_MORNING)
    response = member_client.post(
        "/producteurs/atelier/reserver/",
        _booking_form([workshop["washing"]], *THURSDAY_MORNING, waitlist="True"),
    )
    assert response.status_code == 302
    waiting = Booking.objects.get(producer=farm)
    assert waiting.status == BookingStatus.WAITING


def test_a_slot_that_does_not_parse_sends_back_to_the_calendar(member_client, workshop, frozen):
    response = member_client.get("/producteurs/atelier/reserver/", {"debut": "demain", "fin": "x"})
    assert response.status_code == 302 and response["Location"] == "/producteurs/atelier/"


# --- Cancelling ----------------------------------------------------------------------------------------------------


def test_the_cancellation_terms_are_shown_before_cancelling(member_client, member, workshop, farm, frozen):
    booking = make_booking(farm, [workshop["washing"], workshop["cutting"]], *THURSDAY_MORNING, user=member)

    body = member_client.get(f"/producteurs/reservations/{booking.pk}/annuler/").content.decode()

    # then the deadline (48 h before: Tuesday 17 at 08:00), the rate and this booking's fee (4 h × (12 + 10) € × 50 %)
    assert "gratuite jusqu'au mardi 17 novembre 2026 à 08:00" in body
    assert "50 %" in body and "44,00 €" in body
    assert "Annuler maintenant est gratuit." in body
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.REQUESTED  # a GET changes nothing

    response = member_client.post(f"/producteurs/reservations/{booking.pk}/annuler/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and not booking.billing_lines.exists()


def test_a_late_cancellation_says_the_fee_then_bills_it(member_client, member, workshop, farm, frozen):
    booking = make_booking(farm, workshop["washing"], *THURSDAY_MORNING, user=member)
    frozen.move_to(paris(2026, 11, 18, 9))  # 23 h before the start
    body = member_client.get(f"/producteurs/reservations/{booking.pk}/annuler/").content.decode()
    assert "annuler maintenant facture 24,00 €" in body
    member_client.post(f"/producteurs/reservations/{booking.pk}/annuler/")
    assert [line.amount for line in booking.billing_lines.all()] == [Decimal("24.00")]


def test_another_producers_booking_cannot_be_seen_cancelled_or_accepted(
    member_client, workshop, other_farm, other_member, frozen
):
    theirs = make_booking(other_farm, workshop["washing"], *THURSDAY_MORNING, user=other_member)
    for path in (f"/producteurs/reservations/{theirs.pk}/annuler/", f"/producteurs/reservations/{theirs.pk}/accepter/"):
        response = member_client.get(path)
        assert response.status_code == 404 and "Page introuvable" in response.content.decode()
        assert member_client.post(path).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.REQUESTED
    assert f"n° {theirs.pk}" not in member_client.get("/producteurs/reservations/").content.decode()


# --- The waiting list's offer ----------------------------------------------------------------------------------------


def test_the_offer_email_links_to_the_accept_page_where_the_member_takes_the_slot(
    member_client, member, workshop, farm, other_farm, other_member, frozen, django_capture_on_commit_callbacks
):
    # given the slot taken by another producer and our producer waiting for it
    theirs = make_booking(other_farm, workshop["washing"], *THURSDAY_MORNING, user=other_member)
    waiting = make_booking(farm, workshop["washing"], *THURSDAY_MORNING, user=member, waitlist=True)
    mail.outbox.clear()

    # when they cancel: the slot is held for us and we are emailed the link of the space's page
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking_id=theirs.pk, user=other_member)
    offer = next(m for m in mail.outbox if member.email in m.to)
    link = re.search(r"https?://\S+/producteurs/reservations/(\d+)/accepter/", offer.body)
    assert link and int(link.group(1)) == waiting.pk

    path = f"/producteurs/reservations/{waiting.pk}/accepter/"
    body = member_client.get(path).content.decode()
    assert "Accepter ce créneau" in body and "Il vous est réservé jusqu'au lundi 16 novembre 2026 à 13:00" in body

    # then accepting makes it a requested booking
    response = member_client.post(path)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.REQUESTED
    # and a second visit says the offer is no longer open (no button)
    assert "Accepter ce créneau" not in member_client.get(path).content.decode()


def test_an_expired_offer_is_refused_with_its_message(
    member_client, member, workshop, farm, other_farm, other_member, frozen
):
    theirs = make_booking(other_farm, workshop["washing"], *THURSDAY_MORNING, user=other_member)
    waiting = make_booking(farm, workshop["washing"], *THURSDAY_MORNING, user=member, waitlist=True)
    booking_cancel(booking_id=theirs.pk, user=other_member)
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.HELD
    frozen.move_to(waiting.hold_expires_at + timedelta(minutes=1))
    response = member_client.post(f"/producteurs/reservations/{waiting.pk}/accepter/", follow=True)
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.HELD
    assert "message-error" in response.content.decode() and "Accepter ce créneau" not in response.content.decode()


# --- Calendar link and lots ----------------------------------------------------------------------------------------


def test_the_member_creates_and_copies_the_private_calendar_link(member_client, member, workshop, farm, client):
    body = member_client.get("/producteurs/calendrier/").content.decode()
    assert "Créer mon lien de calendrier" in body
    member_client.post("/producteurs/calendrier/")
    feed = CalendarFeed.objects.get(producer=farm, is_active=True)
    body = member_client.get("/producteurs/calendrier/").content.decode()
    url = re.search(r'id="lien-ical"[^>]*value="([^"]+)"', body).group(1)
    assert url.endswith(f"/api/v1/processing/ical/{feed.token}.ics")
    assert client.get(url.split("testserver", 1)[1]).status_code == 200


def test_the_lots_page_lists_the_producers_lots_only(member_client, member, workshop, farm, other_farm, frozen):
    manager = StaffFactory()
    ours = make_booking(farm, workshop["washing"], *THURSDAY_MORNING, user=member)
    theirs = make_booking(other_farm, workshop["cutting"], *THURSDAY_MORNING)
    for booking in (ours, theirs):
        booking_confirm(booking_id=booking.pk, user=manager)
    frozen.move_to(paris(2026, 11, 19, 13))
    booking_complete(
        booking_id=ours.pk, user=manager, outputs=[Output(description="Soupe de potimarron", quantity=Decimal("240"))]
    )
    booking_complete(
        booking_id=theirs.pk, user=manager, outputs=[Output(description="Velouté du voisin", quantity=Decimal("10"))]
    )
    ours_lot, theirs_lot = ours.lots.get(), theirs.lots.get()

    body = member_client.get("/producteurs/lots/").content.decode()

    assert ours_lot.code in body and "Soupe de potimarron" in body and "240 " in body
    assert f"{ours_lot.best_before.day} " in body and "19 novembre 2026" in body
    assert theirs_lot.code not in body and "Velouté du voisin" not in body
    # each lot links to its labels and its public page
    assert f'href="/lots/{ours_lot.code}/etiquettes.pdf"' in body and f'href="/lots/{ours_lot.code}/"' in body
    assert member_client.get(f"/lots/{ours_lot.code}/etiquettes.pdf").status_code == 200


def test_the_shops_menu_links_to_the_space_for_producer_members_only(member_client, customer_client, workshop):
    assert 'href="/producteurs/">Espace producteur</a>' in member_client.get("/").content.decode()
    assert "Espace producteur" not in customer_client.get("/").content.decode()
