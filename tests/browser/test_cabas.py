"""The cabas bio in a real browser: a customer subscribes, skips a week and sees it skipped; every page checked by
axe-core on a phone and on a desktop.

The customer is logged in by a session made with Django's test client (`force_login`) whose cookie is copied into
the browser: the login page belongs to the account pages, tested on their own.
"""

import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from baskets.models import BasketSkip, BasketSubscription
from tests.baskets.constants import FRIDAY, MONDAY
from tests.browser.conftest import check_page, needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture(autouse=True)
def basket_now():
    """The cabas tests' Monday, but with the clock running: the live server and the browser keep working."""
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_subscribe_to_a_cabas_and_skip_a_week(page, live_server, customer, composed, ilot, relay_point):
    # given a visitor on the cabas page: the offers, this week's composition, the points
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Cabas").click()
    expect(page.get_by_role("heading", name="Cabas bio", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Petit cabas")).to_be_visible()
    expect(page.get_by_text("Carottes").first).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter pour s’abonner")).to_be_visible()
    check_page(page, "cabas 01 visiteur")

    # when the customer is logged in and subscribes at the Ilôt Jacquard, every week, from the first open Friday
    _log_in(page, live_server, customer)
    page.reload()
    page.get_by_role("radio", name=re.compile("Petit cabas")).check()
    page.get_by_role("radio", name="Chaque semaine").check()
    page.get_by_role("radio", name="À un point de retrait").check()
    page.get_by_role("combobox", name="Point de retrait").select_option(
        label="Ilôt Jacquard (antenne de Calais), Calais"
    )
    check_page(page, "cabas 02 formulaire")
    page.get_by_role("button", name="M’abonner").click()

    # then their subscription's page shows the next baskets with this week's composition
    expect(page.get_by_role("heading", name="Mon abonnement Petit cabas", level=1)).to_be_visible()
    expect(page.get_by_text("votre premier cabas est le vendredi 11 décembre 2026")).to_be_visible()
    expect(page.get_by_text("Dans le cabas : Carottes, Poireaux")).to_be_visible()
    subscription = BasketSubscription.objects.get(customer=customer)
    assert subscription.pickup_point == ilot and subscription.start_date == FRIDAY
    check_page(page, "cabas 03 abonnement")

    # when they skip the first Friday
    page.get_by_role("button", name="Sauter le cabas du vendredi 11 décembre 2026").click()

    # then it is shown skipped, and can no longer be skipped; the next one can
    expect(page.get_by_text("C’est noté : pas de cabas le vendredi 11 décembre 2026.")).to_be_visible()
    expect(page.get_by_text("sauté (pas de cabas)")).to_be_visible()
    expect(page.get_by_role("button", name="Sauter le cabas du vendredi 11 décembre 2026")).to_have_count(0)
    expect(page.get_by_role("button", name="Sauter le cabas du vendredi 18 décembre 2026")).to_be_visible()
    assert BasketSkip.objects.filter(subscription=subscription, date=FRIDAY).exists()
    check_page(page, "cabas 04 semaine sautee")

    # a pause that makes no sense is refused next to its field, and the page stays accessible
    page.get_by_label("Du", exact=True).fill("2026-12-14")
    page.get_by_label("Au", exact=True).fill("2027-12-31")
    page.get_by_role("button", name="Mettre mes cabas en pause").click()
    expect(page.get_by_text("Une pause dure au plus 26 semaines.")).to_be_visible()
    expect(page.get_by_label("Au", exact=True)).to_have_attribute("aria-invalid", "true")
    check_page(page, "cabas 05 pause refusee")

    # the cancellation asks first
    page.get_by_role("link", name="Résilier mon abonnement").click()
    expect(page.get_by_role("button", name="Oui, résilier mon abonnement")).to_be_visible()
    check_page(page, "cabas 06 resiliation")
    page.get_by_role("link", name="Non, le garder").click()
    expect(page.get_by_role("heading", name="Mon abonnement Petit cabas", level=1)).to_be_visible()

    # back on the cabas page: the subscription, and a second one to the same offer refused next to the offer
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Cabas").click()
    expect(page.get_by_role("link", name="Gérer mon abonnement Petit cabas")).to_be_visible()
    page.get_by_role("radio", name=re.compile("Petit cabas")).check()
    page.get_by_role("button", name="M’abonner").click()
    expect(page.get_by_text("Vous êtes déjà abonné·e à cette formule.")).to_be_visible()
    check_page(page, "cabas 07 deja abonne")


def test_ask_for_the_solidarity_price(page, live_server, customer, small, ilot):
    _log_in(page, live_server, customer)
    page.goto(live_server.url + "/cabas/")
    page.get_by_role("link", name="Demander le tarif solidaire").click()
    expect(page.get_by_role("heading", name="Demander le tarif solidaire", level=1)).to_be_visible()
    check_page(page, "cabas 08 tarif solidaire")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_text("Dites-nous votre situation en quelques mots")).to_be_visible()
    check_page(page, "cabas 09 tarif solidaire erreur")
    page.get_by_role("radio", name="Mon foyer a de faibles revenus").check()
    page.get_by_label("Quelques mots sur votre situation").fill("Deux enfants, un seul salaire.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_text("Votre demande est envoyée. Nous vous répondons par e-mail.")).to_be_visible()
    check_page(page, "cabas 10 demande envoyee")


def test_skip_without_javascript(browser, live_server, customer, small, make_subscription):
    subscription = make_subscription(small, customer=customer)
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    _log_in(page, live_server, customer)
    page.goto(live_server.url + f"/cabas/abonnements/{subscription.pk}/")
    page.get_by_role("button", name="Sauter le cabas du vendredi 18 décembre 2026").click()
    expect(page.get_by_text("C’est noté : pas de cabas le vendredi 18 décembre 2026.")).to_be_visible()
    context.close()
