"""Saved addresses in a real browser: the customer types an address, picks a suggestion (htmx), saves it; and the
same without JavaScript, where the server geocodes and offers the choices."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from deliveries.models import SavedAddress
from tests.browser.conftest import SCREENSHOT_DIR, check_page, needs_chromium
from tests.factories.deliveries import DeliveryZoneFactory

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture
def zones(ban_sample):
    DeliveryZoneFactory(name="Calais et littoral", communes=["Calais", "Marck", "Oye-Plage"])
    DeliveryZoneFactory(name="Audruicq", communes=["Audruicq", "Vieille-Église"])


def _log_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_type_an_address_pick_a_suggestion_and_save(page, live_server, customer, zones):
    _log_in(page.context, live_server, customer)
    page.goto(live_server.url + "/compte/adresses/")
    expect(page.get_by_role("heading", name="Mes adresses", level=1)).to_be_visible()
    expect(page.get_by_text("Vous n'avez pas encore d'adresse enregistrée.")).to_be_visible()
    check_page(page, "adresses 01 liste vide")

    page.get_by_role("link", name="Ajouter une adresse").click()
    expect(page.get_by_role("heading", name="Ajouter une adresse", level=1)).to_be_visible()
    # a commune no zone serves: the form posts, the message is tied to the commune
    page.get_by_role("textbox", name="Nom de l'adresse").fill("Maison")
    page.get_by_role("textbox", name="Numéro et rue").fill("2 Grande Rue")
    page.get_by_role("textbox", name="Commune").fill("Boulogne-sur-Mer")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    commune = page.get_by_role("textbox", name="Commune")
    expect(commune).to_have_attribute("aria-invalid", "true")
    expect(commune).to_have_accessible_description(
        "Nous ne livrons pas encore à Boulogne-sur-Mer : choisissez un point de retrait."
    )
    check_page(page, "adresses 02 hors zone")
    # a street the commune does not have: "Adresse introuvable", and the addresses it may mean as radios
    page.get_by_role("textbox", name="Numéro et rue").fill("rue de l'eglise")
    commune.fill("Calais")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_role("textbox", name="Numéro et rue")).to_have_accessible_description(
        re.compile("Adresse introuvable : « rue de l'eglise, Calais »")
    )
    expect(page.get_by_role("group", name=re.compile("Vouliez-vous dire"))).to_be_visible()
    check_page(page, "adresses 02b choix")
    page.get_by_role("textbox", name="Numéro et rue").fill("")
    commune.fill("")
    # when the customer types, suggestions appear (htmx, no submit)
    page.get_by_role("textbox", name="Numéro et rue").press_sequentially("4 rue de l'eglise vieille", delay=20)
    suggestion = page.get_by_role("button", name="4 Rue de l'Église 62162 Vieille-Église")
    expect(suggestion).to_be_visible()
    check_page(page, "adresses 03 suggestions")

    # and a suggestion fills the fields
    suggestion.click()
    expect(page.get_by_role("textbox", name="Numéro et rue")).to_have_value("4 Rue de l'Église")
    expect(page.get_by_role("textbox", name="Code postal")).to_have_value("62162")
    expect(page.get_by_role("textbox", name="Commune")).to_have_value("Vieille-Église")
    expect(page.get_by_role("textbox", name="Numéro et rue")).to_be_focused()
    check_page(page, "adresses 04 suggestion choisie")

    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_text("L'adresse « Maison » est enregistrée.")).to_be_visible()
    expect(page.get_by_text("62162 Vieille-Église")).to_be_visible()
    check_page(page, "adresses 05 enregistree")
    saved = SavedAddress.objects.get(customer=customer)
    assert (saved.street, saved.commune, saved.is_default) == ("4 Rue de l'Église", "Vieille-Église", True)


def test_without_javascript_the_server_geocodes_and_offers_the_choices(browser, live_server, customer, zones):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    _log_in(context, live_server, customer)
    page = context.new_page()
    page.goto(live_server.url + "/compte/adresses/ajouter/")
    page.get_by_role("textbox", name="Nom de l'adresse").fill("Travail")
    page.get_by_role("textbox", name="Numéro et rue").fill("2 Grande Rue")
    page.get_by_role("textbox", name="Commune").fill("Boulogne-sur-Mer")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    # outside the zones: the message is tied to the commune
    commune = page.get_by_role("textbox", name="Commune")
    expect(commune).to_have_attribute("aria-invalid", "true")

    # a street in the wrong commune: "Adresse introuvable" and the addresses it may mean
    page.get_by_role("textbox", name="Numéro et rue").fill("rue de l'eglise")
    commune.fill("Calais")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_text("Adresse introuvable")).to_be_visible()
    # (axe needs JavaScript: the same page is checked with it on in the test above; here a screenshot)
    page.screenshot(path=str(SCREENSHOT_DIR / "adresses-06-choix-sans-javascript-phone.png"), full_page=True)
    page.get_by_role("radio", name="Rue de l'Église 62215 Oye-Plage").check()
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_text("L'adresse « Travail » est enregistrée.")).to_be_visible()
    assert SavedAddress.objects.get(customer=customer).commune == "Oye-Plage"
    context.close()
