"""The customer's account in a real browser (issue 16.6): register and confirm by the emailed link, log in and out,
reset a forgotten password by the emailed link, "Mes commandes" → an order → change it → cancel it. By roles and
French accessible names; every page through axe-core, on a phone and a desktop."""

import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.selectors import delivery_places_open
from orders.services.grocery import LineRequest, order_place
from tests.browser.conftest import check_page, needs_chromium
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]
NEW_PASSWORD = "un-autre-secret-de-jardin-77"


def _menu(page):
    return page.get_by_role("navigation", name="Menu principal")


def _log_in(page, email, password):
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Me connecter").click()


def test_register_confirm_by_the_emailed_link_then_log_out_and_in(page, live_server, shop_catalogue):
    # given a visitor on the home page
    page.goto(live_server.url + "/")
    _menu(page).get_by_role("link", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Se connecter", level=1)).to_be_visible()
    check_page(page, "compte 01 connexion")

    # when they create an account
    page.get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", name="Créer un compte", level=1)).to_be_visible()
    page.get_by_label("Votre nom").fill("Camille Calaisienne")
    page.get_by_label("Adresse e-mail").fill("camille@example.org")
    page.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Mot de passe, une seconde fois").fill("pas-le-meme-mot-de-passe")
    page.get_by_role("button", name="Créer mon compte").click()
    # then a mismatch is said next to its field
    second = page.get_by_label("Mot de passe, une seconde fois")
    expect(second).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Les deux mots de passe sont différents.")).to_be_visible()
    check_page(page, "compte 02 inscription erreur")
    page.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
    second.fill(NEW_PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()
    check_page(page, "compte 03 inscription envoyee")

    # when they open the link of the welcome email in this browser and confirm
    token = unquote(re.search(r"\?token=([^\s\"&]+)", mail.outbox[-1].body).group(1))
    page.goto(live_server.url + f"/compte/confirmer-email/?token={token}")
    check_page(page, "compte 04 confirmer")
    page.get_by_role("button", name="Confirmer mon adresse e-mail").click()

    # then they are logged in, back on the page they came from (the menu's "Se connecter" carries it as `next`,
    # kept through the registration), and their account page has their name
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("status")).to_contain_text("vous êtes connecté")
    _menu(page).get_by_role("link", name="Mon compte").click()
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()
    expect(page.get_by_label("Votre nom")).to_have_value("Camille Calaisienne")
    expect(_menu(page).get_by_role("link", name="Mes commandes")).to_be_visible()
    check_page(page, "compte 05 mon compte")

    # when they log out (a button: a POST)
    _menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(_menu(page).get_by_role("link", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")

    # and log in again, first with a wrong password
    _menu(page).get_by_role("link", name="Se connecter").click()
    _log_in(page, "camille@example.org", "pas-le-bon-mot-de-passe")
    expect(page.get_by_role("alert")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    check_page(page, "compte 06 connexion refusee")
    _log_in(page, "camille@example.org", NEW_PASSWORD)
    # then they are back on the page they were on before "Se connecter" (`next`), logged in
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("status")).to_contain_text("Vous êtes connecté")
    expect(_menu(page).get_by_role("link", name="Mon compte")).to_be_visible()


def test_password_reset_by_the_emailed_link(page, live_server, shop_catalogue):
    customer = UserFactory(email="dominique@example.org")
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", name="Mot de passe oublié ?", level=1)).to_be_visible()
    check_page(page, "compte 07 mot de passe oublie")
    page.get_by_label("Adresse e-mail").fill(customer.email)
    page.get_by_role("button", name="M'envoyer un lien").click()
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()
    check_page(page, "compte 08 lien envoye")

    path = re.search(r"/compte/mot-de-passe/nouveau/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
    check_page(page, "compte 09 nouveau mot de passe")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(page.get_by_role("heading", name="Votre mot de passe a été modifié.")).to_be_visible()
    check_page(page, "compte 10 mot de passe change")

    page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    _log_in(page, customer.email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()

    # the link works once
    page.goto(live_server.url + path)
    expect(page.get_by_role("alert")).to_contain_text("Ce lien n'est plus valable")


def test_my_orders_change_an_order_then_cancel_it(page, live_server, shop_catalogue, shop_places):
    # given a customer's order for the next pickup at the Ilôt Jacquard (2 kg of apples)
    customer = UserFactory(email="client@example.org", full_name="Claude Client")
    place = next(p for p in delivery_places_open() if p["pickup_point"] == shop_places)
    order = order_place(
        customer=customer,
        lines=[LineRequest(shop_catalogue["apple"].pk, Decimal(2))],
        fulfilment="pickup",
        pickup_point_id=shop_places.pk,
        delivery_date=place["dates"][0].date,
    ).order
    page.goto(live_server.url + "/compte/connexion/")
    _log_in(page, customer.email, DEFAULT_PASSWORD)

    # when they open "Mes commandes", then the order
    _menu(page).get_by_role("link", name="Mes commandes").click()
    expect(page.get_by_role("heading", name="Mes commandes", level=1)).to_be_visible()
    check_page(page, "commandes 01 liste")
    page.get_by_role("link", name=f"Commande n° {order.pk}").click()
    expect(page.get_by_role("heading", name=f"Commande n° {order.pk}", level=1)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Pommes Reinette"))).to_be_visible()
    check_page(page, "commandes 02 detail")

    # and change it: 3 kg of apples and 1 kg of leeks
    page.get_by_role("link", name="Modifier la commande").click()
    check_page(page, "commandes 03 modifier")
    page.get_by_label(re.compile("^Quantité de Pommes Reinette")).fill("3")
    page.get_by_label("Produit", exact=True).select_option(label="Poireaux (kilogramme)")
    page.get_by_label("Quantité à ajouter").fill("1")
    page.get_by_role("button", name="Enregistrer les modifications").click()

    # then the order holds the new lines and a new total, with its history
    expect(page.get_by_role("status")).to_contain_text(f"Votre commande n° {order.pk} est modifiée.")
    expect(page.get_by_role("row", name=re.compile("Poireaux"))).to_be_visible()
    expect(page.get_by_text("Lignes modifiées")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Total TTC"))).to_contain_text("12,40 €")
    check_page(page, "commandes 04 modifiee")

    # when they cancel it, with a confirmation step
    page.get_by_role("link", name="Annuler la commande").click()
    expect(page.get_by_role("heading", name=f"Annuler la commande n° {order.pk} ?")).to_be_visible()
    check_page(page, "commandes 05 confirmer annulation")
    page.get_by_role("button", name="Oui, annuler la commande").click()
    expect(page.get_by_role("status")).to_contain_text(f"Votre commande n° {order.pk} est annulée.")
    expect(page.get_by_text("Annulée", exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="Annuler la commande")).to_have_count(0)
    check_page(page, "commandes 06 annulee")


def test_profile_password_and_email_pages(page, live_server, shop_catalogue):
    customer = UserFactory(email="sacha@example.org", full_name="Sacha Marck")
    page.goto(live_server.url + "/compte/")
    # an anonymous visitor is sent to the login page, then back
    expect(page).to_have_url(re.compile(r"/compte/connexion/\?next=/compte/$"))
    _log_in(page, customer.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()

    # the password, with a wrong current one first
    page.get_by_role("navigation", name="Menu du compte").get_by_role("link", name="Mot de passe").click()
    page.get_by_label("Mot de passe actuel").fill("pas-le-bon-mot-de-passe")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe, une seconde fois").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Modifier mon mot de passe").click()
    expect(page.get_by_label("Mot de passe actuel")).to_have_attribute("aria-invalid", "true")
    check_page(page, "compte 11 mot de passe erreur")
    page.get_by_label("Mot de passe actuel").fill(DEFAULT_PASSWORD)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe, une seconde fois").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Modifier mon mot de passe").click()
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()

    # the email address, re-confirmed by the link sent to the new one
    page.get_by_role("link", name="Changer mon adresse e-mail").click()
    check_page(page, "compte 12 changer adresse")
    page.get_by_label("Nouvelle adresse e-mail").fill("sacha.nouveau@example.org")
    page.get_by_label("Mot de passe actuel").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Envoyer le lien").click()
    expect(page.get_by_role("status")).to_contain_text("sacha.nouveau@example.org")
    token = unquote(re.search(r"\?token=([^\s\"&]+)", mail.outbox[-1].body).group(1))
    page.goto(live_server.url + f"/compte/email/confirmer/?token={token}")
    check_page(page, "compte 13 confirmer nouvelle adresse")
    page.get_by_role("button", name="Confirmer ma nouvelle adresse e-mail").click()
    expect(page.get_by_role("status")).to_contain_text("Votre nouvelle adresse e-mail est confirmée.")
    expect(page.get_by_text("sacha.nouveau@example.org")).to_be_visible()


def test_log_in_and_change_an_order_with_javascript_off(browser, live_server, shop_catalogue, shop_places):
    customer = UserFactory(email="sans-js@example.org")
    place = next(p for p in delivery_places_open() if p["pickup_point"] == shop_places)
    order = order_place(
        customer=customer,
        lines=[LineRequest(shop_catalogue["apple"].pk, Decimal(2))],
        fulfilment="pickup",
        pickup_point_id=shop_places.pk,
        delivery_date=place["dates"][0].date,
    ).order
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/compte/commandes/")
    _log_in(page, customer.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="Mes commandes", level=1)).to_be_visible()
    page.get_by_role("link", name=f"Commande n° {order.pk}").click()
    page.get_by_role("link", name="Modifier la commande").click()
    page.get_by_label(re.compile("^Quantité de Pommes Reinette")).fill("1")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_role("status")).to_contain_text(f"Votre commande n° {order.pk} est modifiée.")
    expect(page.get_by_role("row", name=re.compile("Total TTC"))).to_contain_text("3,20 €")
    _menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(_menu(page).get_by_role("link", name="Se connecter")).to_be_visible()
    context.close()
