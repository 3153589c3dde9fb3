"""The farmers' space in a real browser (issue 17.1, first journey of "Must show"): farmer A books two equipment for
one slot, farmer B (another producer) joins its waiting list, A cancels after reading the cancellation terms, B opens
the link of the emailed offer and accepts the held slot; the workshop team completes the booking (the existing
services) and the lot appears on B's lots page. By roles and French accessible names; every page of the space
through axe-core, on a phone (first) and a desktop."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pypdf
import pytest
import segno
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from catalogue.services.stock import stock_receive
from processing.models import Booking, BookingStatus
from processing.services.billing import statement_build
from processing.services.bookings import booking_confirm
from processing.services.lots import Output, booking_complete
from tests.browser.conftest import check_page, needs_chromium
from tests.factories.accounts import DEFAULT_PASSWORD, ProducerMemberFactory, StaffFactory, UserFactory
from tests.factories.catalogue import ProducerFactory, ProductFactory
from tests.factories.processing import workshop_setup
from tests.lots.helpers import jar_product, qr_matrix
from tests.processing.helpers import NOW, THURSDAY_MORNING, make_booking, paris

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

SLOT = "jeudi 19 novembre 08:00"  # Thursday of the frozen week, 71 h after NOW: bookable


@pytest.fixture
def clock():
    """Monday 16 November 2026, 09:00 Paris, with the clock running (the live server and the browser keep working)."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def _space_menu(page):
    return page.get_by_role("navigation", name="Menu de l'espace producteur")


def _log_in_by_cookie(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _go_to_thursday(page) -> None:
    _space_menu(page).get_by_role("link", name="Planning de l'atelier").click()
    expect(page.get_by_role("heading", name="Planning de l'atelier", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Jeudi 19 novembre", level=2)).to_be_visible()


def test_book_wait_cancel_accept_from_the_email_then_the_lot(browser, browser_context_args, page, live_server, clock):
    workshop_setup()
    oyats, hem = ProducerFactory(name="Ferme des Oyats"), ProducerFactory(name="Jardin de la Hem")
    farmer_a = ProducerMemberFactory(producer=oyats, email="oyats@example.org")
    farmer_b = ProducerMemberFactory(producer=hem, email="hem@example.org")
    manager = StaffFactory()
    mail.outbox.clear()

    # given farmer A, not logged in, opening the space: the login page, then back to the space
    page.goto(live_server.url + "/producteurs/")
    expect(page.get_by_role("heading", name="Se connecter", level=1)).to_be_visible()
    page.get_by_label("Adresse e-mail").fill(farmer_a.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_role("heading", name="Espace producteur", level=1)).to_be_visible()
    check_page(page, "producteurs 01 accueil")

    # when A books the washing line and, on the same slot, the cutting table
    _go_to_thursday(page)
    check_page(page, "producteurs 02 planning")
    page.get_by_role("link", name=f"Réserver Ligne de lavage, {SLOT}", exact=False).first.click()
    expect(page.get_by_role("heading", name="Réserver l'atelier", level=1)).to_be_visible()
    expect(page.get_by_text("Jeudi 19 novembre 2026, 08:00–12:00")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Ligne de lavage")).to_be_checked()
    page.get_by_role("checkbox", name="Découpe et mise sous vide").check()
    page.get_by_label("Transformation").select_option(label="Soupe")
    page.get_by_label("Produit brut").fill("Potimarrons")
    page.get_by_label("Quantité brute (kg)").fill("120")
    page.get_by_label("Production attendue").fill("240 bocaux de soupe 75 cl")
    check_page(page, "producteurs 03 reserver")
    page.get_by_role("button", name="Réserver ce créneau").click()

    # then the booking is requested, on both equipment
    booking_a = Booking.objects.get(producer=oyats)
    expect(page.get_by_role("status")).to_contain_text(f"La réservation n° {booking_a.pk} est demandée")
    expect(page.get_by_text("Ligne de lavage, Découpe et mise sous vide")).to_be_visible()
    check_page(page, "producteurs 04 mes reservations")
    assert booking_a.lines.count() == 2

    # when farmer B, in another browser, finds the slot taken and joins its waiting list
    context_b = browser.new_context(**browser_context_args)
    page_b = context_b.new_page()
    _log_in_by_cookie(page_b, live_server, farmer_b)
    page_b.goto(live_server.url + "/producteurs/")
    _go_to_thursday(page_b)
    page_b.get_by_role("link", name=f"Rejoindre la liste d'attente Ligne de lavage, {SLOT}").click()
    expect(page_b.get_by_role("heading", name="Rejoindre la liste d'attente", level=1)).to_be_visible()
    page_b.get_by_label("Transformation").select_option(label="Soupe")
    page_b.get_by_label("Produit brut").fill("Carottes")
    page_b.get_by_label("Quantité brute (kg)").fill("80")
    check_page(page_b, "producteurs 05 liste d'attente")
    page_b.get_by_role("button", name="Rejoindre la liste d'attente").click()
    booking_b = Booking.objects.get(producer=hem)
    expect(page_b.get_by_role("status")).to_contain_text("Vous êtes sur la liste d'attente")
    assert booking_b.status == BookingStatus.WAITING

    # when A cancels, after reading the terms (free: more than 48 h ahead)
    page.get_by_role("link", name=f"Annuler la réservation n° {booking_a.pk}").click()
    expect(page.get_by_role("heading", name=f"Annuler la réservation n° {booking_a.pk} ?")).to_be_visible()
    expect(page.get_by_text("Annuler maintenant est gratuit.")).to_be_visible()
    expect(page.get_by_text("L'annulation est gratuite jusqu'au mardi 17 novembre 2026 à 08:00")).to_be_visible()
    check_page(page, "producteurs 06 annuler")
    page.get_by_role("button", name="Oui, annuler la réservation").click()
    expect(page.get_by_role("status")).to_contain_text(f"La réservation n° {booking_a.pk} est annulée")

    # then B is emailed the offer with the link of the space's page, follows it and accepts the held slot
    offer = next(m for m in mail.outbox if farmer_b.email in m.to and "Un créneau" in m.subject)
    link = re.search(r"https?://\S+/producteurs/reservations/\d+/accepter/", offer.body).group(0)
    page_b.goto(live_server.url + urlsplit(link).path)
    expect(page_b.get_by_role("heading", name="Accepter le créneau qui vous est proposé", level=1)).to_be_visible()
    expect(page_b.get_by_text("Il vous est réservé jusqu'au lundi 16 novembre 2026")).to_be_visible()
    check_page(page_b, "producteurs 07 accepter")
    page_b.get_by_role("button", name="Accepter ce créneau").click()
    expect(page_b.get_by_role("status")).to_contain_text("Vous avez accepté le créneau")
    booking_b.refresh_from_db()
    assert booking_b.status == BookingStatus.REQUESTED

    # when the workshop team confirms it and, after the slot, completes it into a lot (the existing services)
    booking_confirm(booking_id=booking_b.pk, user=manager)
    clock.move_to(paris(2026, 11, 19, 13))
    booking_complete(
        booking_id=booking_b.pk,
        user=manager,
        outputs=[
            Output(
                description="Soupe de carottes",
                quantity=Decimal("160"),
                container="bocal 75 cl",
                product_id=jar_product(hem, name="Soupe de carottes").pk,
            )
        ],
    )
    lot = booking_b.lots.get()

    # then the lot, its best-before date and quantity are on B's lots page, and not on A's
    page_b.reload()
    _space_menu(page_b).get_by_role("link", name="Mes lots").click()
    card = page_b.get_by_role("listitem").filter(has_text=f"Lot {lot.code}")
    expect(card).to_contain_text("Soupe de carottes (bocal 75 cl)")
    expect(card).to_contain_text("160")
    expect(card).to_contain_text(f"{lot.best_before.day} ")
    check_page(page_b, "producteurs 08 mes lots")

    # and B prints the lot's labels from that page: an A4 PDF whose text has the lot code, the best-before date and
    # the allergens, and whose QR code is the lot's public address
    labels = card.get_by_role("link", name=f"Étiquettes du lot {lot.code} (PDF)")
    pdf = page_b.request.get(live_server.url + labels.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    sheet = pypdf.PdfReader(io.BytesIO(pdf.body())).pages[0]
    text = " ".join(sheet.extract_text().split())
    assert lot.code in text and f"À consommer de préférence avant le {lot.best_before:%d/%m/%Y}" in text
    assert "crème" in text and "céleri" in text and "Moutarde" in text  # the allergens (milk, celery, mustard)
    public_url = f"{settings.SITE_URL.rstrip('/')}/lots/{lot.code}/"
    expected = [[bool(module) for module in row] for row in segno.make(public_url, error="m").matrix]
    assert qr_matrix(sheet.images[0].image) == expected
    # that address opens without logging in (a browser with no session)
    anonymous = browser.new_context(**browser_context_args)
    public = anonymous.new_page()
    public.goto(live_server.url + urlsplit(public_url).path)
    expect(public.get_by_role("heading", level=1)).to_contain_text("Soupe de carottes")
    expect(public.locator("body")).to_contain_text(lot.code)
    check_page(public, "producteurs 08b page publique du lot")
    anonymous.close()
    _space_menu(page).get_by_role("link", name="Mes lots").click()
    expect(page.get_by_text("Aucun lot pour l'instant")).to_be_visible()

    # and the calendar link page gives a private link to copy
    _space_menu(page_b).get_by_role("link", name="Lien d'agenda").click()
    page_b.get_by_role("button", name="Créer mon lien de calendrier").click()
    expect(page_b.get_by_label("Votre lien d'agenda privé")).to_have_value(
        re.compile(r"/api/v1/processing/ical/.+\.ics$")
    )
    check_page(page_b, "producteurs 09 lien agenda")
    context_b.close()


def test_products_sales_and_statements_pages(page, live_server, clock):
    """The other pages of the space, through axe on a phone and a desktop: a product changed (price, season, sale),
    the sales per week and per month, a workshop statement; and the page a customer gets."""
    workshop = workshop_setup()
    oyats = ProducerFactory(name="Ferme des Oyats")
    farmer = ProducerMemberFactory(producer=oyats, email="oyats@example.org")
    leeks = ProductFactory(producer=oyats, name="Poireaux", unit_price=Decimal("2.50"))
    stock_receive(product_id=leeks.pk, quantity=Decimal("12"), note="Livraison du lundi")
    manager = StaffFactory()
    booking = make_booking(oyats, workshop["washing"], *THURSDAY_MORNING, user=farmer)
    booking_confirm(booking_id=booking.pk, user=manager)
    clock.move_to(paris(2026, 11, 19, 13))
    booking_complete(booking_id=booking.pk, user=manager, outputs=[Output(description="Soupe", quantity=10)])
    statement, _ = statement_build(producer_id=oyats.pk, month=date(2026, 11, 1))
    _log_in_by_cookie(page, live_server, farmer)

    # a product: its receipts, then a new price, the winter season, on sale
    page.goto(live_server.url + "/producteurs/")
    _space_menu(page).get_by_role("link", name="Mes produits").click()
    expect(page.get_by_role("heading", name="Mes produits", level=1)).to_be_visible()
    check_page(page, "producteurs 10 mes produits")
    page.get_by_role("link", name="Poireaux").click()
    expect(page.get_by_role("cell", name="Livraison du lundi", exact=False)).to_be_visible()
    page.get_by_label("Prix (€ TTC)").fill("2,80")
    for month in ("Juin", "Juillet", "Août"):
        page.get_by_role("checkbox", name=month).uncheck()
    check_page(page, "producteurs 11 produit")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Poireaux est enregistré")
    leeks.refresh_from_db()
    assert leeks.unit_price == Decimal("2.80") and 7 not in leeks.months_in_season and leeks.is_active

    # the sales, per week then per month, and the CSV link
    _space_menu(page).get_by_role("link", name="Mes ventes").click()
    expect(page.get_by_role("heading", name="Mes ventes", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger en CSV")).to_be_visible()
    check_page(page, "producteurs 12 ventes semaine")
    page.get_by_role("link", name="Par mois").click()
    check_page(page, "producteurs 13 ventes mois")

    # the workshop statements, HTML
    _space_menu(page).get_by_role("link", name="Relevés de l'atelier").click()
    check_page(page, "producteurs 14 releves")
    page.get_by_role("link", name="Novembre 2026", exact=True).click()
    expect(page.get_by_role("heading", name="Relevé de novembre 2026", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="Ligne de lavage", exact=False).first).to_be_visible()
    check_page(page, "producteurs 15 releve")
    assert statement is not None

    # a page of another producer's statement: the space's 404 page
    page.goto(live_server.url + f"/producteurs/releves/{statement.pk + 1000}/")
    expect(page.get_by_role("heading", name="Page introuvable", level=1)).to_be_visible()
    check_page(page, "producteurs 16 introuvable")

    # a customer: the page that says the space is for producers
    page.context.clear_cookies()
    _log_in_by_cookie(page, live_server, UserFactory(email="cliente@example.org"))
    page.goto(live_server.url + "/producteurs/")
    expect(page.get_by_text("votre compte n'est pas rattaché à un producteur")).to_be_visible()
    check_page(page, "producteurs 17 non producteur")
