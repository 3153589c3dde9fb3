"""The order journeys of issue 16 that cross the shop's pieces, in a real browser, every step through axe-core on a
phone and a desktop (screenshots `parcours-…` in var/screenshots/):

- a new customer: browse → search "pomme" → product → add to cart → cart → "Commander" → register from the login
  page → confirm by the emailed link (back in checkout, the cart kept) → pickup → "Valider la commande" → "Merci"
  → "Mes commandes" → cancel;
- home delivery with an address typed and suggested: "5 bd jac", the suggestion picked, the zone's fee in the
  summary, the order stored with the BAN's coordinates.

The other journeys have their own files: changing an order and the password reset (test_account_journeys.py), the
cabas (test_cabas.py), two browsers buying the last unit and the order journey with JavaScript off
(test_shop_checkout.py), saved addresses (test_addresses.py).
"""

import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.models import Fulfilment, Order, OrderStatus
from tests.browser.conftest import check_page, needs_chromium
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory
from tests.factories.deliveries import DeliveryDayFactory, DeliveryZoneFactory

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]
PASSWORD = "un-secret-de-jardin-calaisien-62"


def _menu(page):
    return page.get_by_role("navigation", name="Menu principal")


def _add_apples_to_the_cart(page, live_server, kilos: str, *, prefix: str) -> None:
    """Home → "Produits" → search "pomme" → the apples' page → "Ajouter au panier" → "Panier"."""
    page.goto(live_server.url + "/")
    check_page(page, f"{prefix} 01 accueil")
    _menu(page).get_by_role("link", name="Produits").click()
    page.get_by_role("searchbox", name="Rechercher", exact=True).fill("pomme")
    expect(page.get_by_role("link", name="Poireaux")).to_have_count(0)
    expect(page.get_by_role("link", name="Pommes Reinette")).to_be_visible()
    check_page(page, f"{prefix} 02 recherche pomme")
    page.get_by_role("link", name="Pommes Reinette").click()
    expect(page.get_by_role("heading", name="Pommes Reinette", level=1)).to_be_visible()
    page.get_by_role("spinbutton", name="Quantité (kilogramme)").fill(kilos)
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.get_by_role("status")).to_contain_text("« Pommes Reinette » est dans votre panier.")
    check_page(page, f"{prefix} 03 produit ajoute au panier")
    page.get_by_role("link", name=re.compile(r"^Panier \(1 article\)")).click()
    expect(page.get_by_role("heading", name="Votre panier", level=1)).to_be_visible()
    check_page(page, f"{prefix} 04 panier")


def test_a_new_customer_searches_orders_for_pickup_then_cancels(page, live_server, shop_photos, shop_places):
    # given a visitor who finds apples by searching "pomme" and puts 2 kg in the cart
    _add_apples_to_the_cart(page, live_server, "2", prefix="parcours a")

    # when they order: not logged in, the login page, from which they create an account
    page.get_by_role("button", name="Commander").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/\?next=/commande/$"))
    check_page(page, "parcours a 05 connexion")
    page.get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", name="Créer un compte", level=1)).to_be_visible()
    page.get_by_label("Votre nom").fill("Dominique Nouvelle")
    page.get_by_label("Adresse e-mail").fill("dominique@example.org")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, une seconde fois").fill(PASSWORD)
    check_page(page, "parcours a 06 inscription")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()
    check_page(page, "parcours a 07 inscription envoyee")

    # and follow the link of the email in this browser (the live server runs in this process: locmem outbox)
    message = next(m for m in reversed(mail.outbox) if "dominique@example.org" in m.to)
    token = unquote(re.search(r"\?token=([^\s\"&]+)", message.body).group(1))
    page.goto(live_server.url + f"/compte/confirmer-email/?token={token}")
    check_page(page, "parcours a 08 confirmer adresse")
    page.get_by_role("button", name="Confirmer mon adresse e-mail").click()

    # then they are logged in and back in checkout, their cart kept, the pickup point chosen
    expect(page).to_have_url(live_server.url + "/commande/")
    expect(page.get_by_role("status")).to_contain_text("vous êtes connecté")
    expect(page.get_by_role("heading", name="Votre commande", level=1)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Pommes Reinette").first).to_contain_text("2 kg")
    expect(page.get_by_role("radio", name=re.compile("Ilôt Jacquard"))).to_be_checked()
    expect(page.get_by_role("group", name="Jour de retrait").get_by_role("radio").first).to_be_checked()
    expect(page.get_by_role("textbox", name="Numéro et rue")).to_be_hidden()  # an address for home delivery only
    check_page(page, "parcours a 09 commande retrait")

    # when they confirm
    page.get_by_role("button", name="Valider la commande").click()

    # then the confirmation names the order
    order = Order.objects.get(customer__email="dominique@example.org")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Merci")
    expect(heading).to_contain_text(str(order.pk))
    check_page(page, "parcours a 10 merci")
    assert (order.fulfilment, order.pickup_point, order.subtotal) == (Fulfilment.PICKUP, shop_places, Decimal("6.40"))

    # and "Mes commandes" lists it
    _menu(page).get_by_role("link", name="Mes commandes").click()
    expect(page.get_by_role("heading", name="Mes commandes", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=f"Commande n° {order.pk}")).to_be_visible()
    check_page(page, "parcours a 11 mes commandes")

    # when they cancel it, after the confirmation step
    page.get_by_role("link", name=f"Commande n° {order.pk}").click()
    page.get_by_role("link", name="Annuler la commande").click()
    expect(page.get_by_role("heading", name=f"Annuler la commande n° {order.pk} ?")).to_be_visible()
    check_page(page, "parcours a 12 confirmer annulation")
    page.get_by_role("button", name="Oui, annuler la commande").click()

    # then the order is cancelled, on the page and in the database
    expect(page.get_by_role("status")).to_contain_text(f"Votre commande n° {order.pk} est annulée.")
    expect(page.get_by_text("Annulée", exact=True).first).to_be_visible()
    check_page(page, "parcours a 13 commande annulee")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_home_delivery_to_an_address_typed_and_suggested(page, live_server, shop_photos, shop_places, ban_sample):
    # given home delivery in Calais (minimum 20 €, fee 4.50 €, free from 60 €) and a customer with 10 kg of apples
    zone = DeliveryZoneFactory(name="Calaisis")
    DeliveryDayFactory(zone=zone)
    customer = UserFactory(full_name="Alix Livrée")
    _add_apples_to_the_cart(page, live_server, "10", prefix="parcours b")
    page.get_by_role("button", name="Commander").click()
    page.get_by_label("Adresse e-mail").fill(customer.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_role("heading", name="Votre commande", level=1)).to_be_visible()

    # when they choose home delivery: the address fields appear
    page.get_by_role("radio", name=re.compile("Livraison à domicile")).check()
    street = page.get_by_role("textbox", name="Numéro et rue")
    expect(street).to_be_visible()
    expect(page.get_by_text("Indiquez votre commune pour voir les jours de livraison.")).to_be_visible()
    check_page(page, "parcours b 05 livraison a domicile")

    # and type "5 bd jac": suggestions appear as they type (htmx)
    street.press_sequentially("5 bd jac", delay=40)
    suggestion = page.get_by_role("button", name="5 Boulevard Jacquard 62100 Calais")
    expect(suggestion).to_be_visible()
    check_page(page, "parcours b 06 suggestions")

    # and pick the first one: the fields are filled, the summary shows the zone's fee and its days
    suggestion.click()
    expect(page.get_by_role("textbox", name="Numéro et rue")).to_have_value("5 Boulevard Jacquard")
    expect(page.get_by_role("textbox", name="Code postal")).to_have_value("62100")
    expect(page.get_by_role("textbox", name="Commune")).to_have_value("Calais")
    summary = page.get_by_role("region", name="Résumé")
    expect(summary).to_contain_text("commande minimum 20,00 €, frais de livraison 4,50 €, offerts dès 60,00 €")
    expect(summary).to_contain_text("36,50 €")  # 32.00 € of apples and the fee
    expect(page.get_by_role("group", name="Jour de livraison").get_by_role("radio").first).to_be_checked()
    check_page(page, "parcours b 07 adresse choisie frais")

    # when they confirm
    page.get_by_role("button", name="Valider la commande").click()

    # then the order is placed at that address, with the BAN's coordinates, never typed
    order = Order.objects.get(customer=customer)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Merci ! Votre commande n° {order.pk}")
    expect(page.get_by_text("5 Boulevard Jacquard, 62100 Calais")).to_be_visible()
    check_page(page, "parcours b 08 merci livraison")
    assert (order.fulfilment, order.delivery_zone) == (Fulfilment.HOME, zone)
    assert (order.delivery_address, order.delivery_postcode, order.delivery_commune) == (
        "5 Boulevard Jacquard",
        "62100",
        "Calais",
    )
    assert (order.delivery_latitude, order.delivery_longitude) == (Decimal("50.954458"), Decimal("1.866856"))
    assert (order.delivery_fee, order.total) == (Decimal("4.50"), Decimal("36.50"))
