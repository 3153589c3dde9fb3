"""The staff pages in a real browser (issue 18, items 1, 5, 6): a preparer weighs a variable-weight order and the
customer's total changes; a counter sale lowers the stock and prints a receipt; an order placed by staff for a
customer shows in that customer's account. Every page through axe-core on a phone, a tablet and a desktop."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalogue.services.stock import stock_available
from orders.models import CounterSale, Order
from orders.selectors import delivery_places_open
from orders.services.grocery import LineRequest, order_place
from tests.browser.conftest import SCREENSHOT_DIR, axe_violations, check_page, needs_chromium
from tests.factories.accounts import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]
TABLET = {"width": 800, "height": 1280}


def check_staff_page(page, name: str) -> None:
    """`check_page` (phone, where the page fits without sideways scroll, and desktop), and the same on a tablet at
    the preparation bench."""
    check_page(page, name, fits_phone=True)
    page.set_viewport_size(TABLET)
    page.screenshot(
        path=str(SCREENSHOT_DIR / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}-tablet.png"), full_page=True
    )
    assert axe_violations(page) == [], name
    page.set_viewport_size(TABLET)


def _log_in(page, live_server, user, then: str):
    page.goto(live_server.url + "/compte/connexion/?next=" + then)
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()


def _staff_menu(page):
    return page.get_by_role("navigation", name="Menu de l'équipe")


def test_a_preparer_weighs_an_order_and_the_customers_total_changes(page, live_server, shop_catalogue, shop_places):
    # given a customer's order of 1.5 kg of leeks (estimated 4.20 €) and 2 kg of apples (6.40 €)
    customer = UserFactory(email="client@example.org", full_name="Claude Client")
    day = next(p for p in delivery_places_open() if p["pickup_point"] == shop_places)["dates"][0].date
    order = order_place(
        customer=customer,
        lines=[LineRequest(shop_catalogue["leek"].pk, Decimal("1.5")), LineRequest(shop_catalogue["apple"].pk, 2)],
        fulfilment="pickup",
        pickup_point_id=shop_places.pk,
        delivery_date=day,
    ).order
    assert order.total == Decimal("10.60")
    preparer = StaffFactory(groups=["preparer"], full_name="Pat Préparateur")

    # when the preparer opens the dashboard on a tablet, then the preparation of that day
    page.set_viewport_size(TABLET)
    _log_in(page, live_server, preparer, "/equipe/")
    expect(page.get_by_role("heading", name=re.compile("Aujourd'hui à l'Ecopôle"), level=1)).to_be_visible()
    check_staff_page(page, "equipe 01 tableau de bord")
    _staff_menu(page).get_by_role("link", name="Préparation").click()
    page.get_by_label("Date de livraison").fill(day.isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("cell", name="Poireaux")).to_be_visible()  # the picking list
    check_staff_page(page, "equipe 02 preparation")
    page.get_by_role("link", name=f"Commande n° {order.pk}").click()
    expect(page.get_by_role("heading", name=f"Préparer la commande n° {order.pk}")).to_be_visible()
    page.get_by_role("button", name="Commencer la préparation").click()
    expect(page.get_by_role("status")).to_contain_text("Préparation commencée")
    check_staff_page(page, "equipe 03 commande a peser")

    # and weighs 1.8 kg of leeks
    page.get_by_label("Poids de Poireaux en kg").fill("1,8")
    page.get_by_role("button", name="Enregistrer les pesées").click()

    # then the total is the weighed one: 1.8 × 2.80 = 5.04 € + 6.40 €
    expect(page.get_by_role("status")).to_contain_text("Pesées enregistrées")
    expect(page.locator("#order-total")).to_have_text("11,44 €")
    expect(page.get_by_role("row", name=re.compile("Poireaux"))).to_contain_text("4,20 €")  # estimated
    expect(page.get_by_role("row", name=re.compile("Poireaux"))).to_contain_text("5,04 €")  # final
    check_staff_page(page, "equipe 04 commande pesee")
    page.get_by_role("button", name="Marquer comme préparée").click()
    expect(page.get_by_role("status")).to_contain_text("prête pour le retrait")
    page.get_by_role("link", name="Imprimer l'étiquette").click()
    expect(page.get_by_role("article", name="Étiquette")).to_contain_text("Claude Client")
    check_staff_page(page, "equipe 05 etiquette")
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOT_DIR / "equipe-05-etiquette-print.png"), full_page=True)
    expect(page.get_by_role("navigation", name="Menu de l'équipe")).to_be_hidden()
    page.emulate_media(media="screen")
    page.go_back()

    # and at the pickup point staff take what is left and hand it over
    expect(page.get_by_role("heading", name="Remise au point de retrait")).to_be_visible()
    expect(page.locator("#reste-a-payer")).to_have_text("11,44 €")
    check_staff_page(page, "equipe 06 remise")
    page.get_by_role("radio", name="Espèces").check()
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_role("status")).to_contain_text("Paiement enregistré")
    expect(page.locator("#reste-a-payer")).to_have_text("0,00 €")
    check_staff_page(page, "equipe 07 payee")

    # and the customer's order says the new total
    order.refresh_from_db()
    assert (order.status, order.total, order.payment_status) == ("ready", Decimal("11.44"), "paid")
    page.context.clear_cookies()
    _log_in(page, live_server, customer, f"/compte/commandes/{order.pk}/")
    expect(page.get_by_role("main")).to_contain_text("11,44")


def test_a_counter_sale_lowers_the_stock_and_prints_a_receipt(page, live_server, shop_catalogue):
    apple = shop_catalogue["apple"]
    manager = StaffFactory(groups=["manager"], full_name="Dominique Gérante")
    page.set_viewport_size(TABLET)
    _log_in(page, live_server, manager, "/equipe/comptoir/")
    expect(page.get_by_role("heading", name="Vente au comptoir", level=1)).to_be_visible()
    check_staff_page(page, "comptoir 01 vide")

    # when the product's number is scanned (typed, then Enter) and 3 kg added
    page.get_by_label("Produit : scannez-le, ou tapez son numéro ou son nom").fill(str(apple.pk))
    page.keyboard.press("Enter")
    page.get_by_label("Quantité de Pommes Reinette").fill("3")
    page.get_by_role("button", name="Ajouter Pommes Reinette").click()
    expect(page.get_by_role("status")).to_contain_text("Pommes Reinette ajouté")
    check_staff_page(page, "comptoir 02 vente")
    page.get_by_label("Espèces").check()
    page.get_by_role("button", name="Encaisser").click()

    # then the receipt shows the sale, and the stock went down by 3 kg
    receipt = page.get_by_role("article", name="Ticket de caisse")
    expect(receipt).to_contain_text("Pommes Reinette")
    expect(page.locator("#receipt-total")).to_have_text("9,60 €")
    expect(receipt).to_contain_text("espèces")
    check_staff_page(page, "comptoir 03 ticket")
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOT_DIR / "comptoir-03-ticket-print.png"), full_page=True)
    expect(page.get_by_role("banner")).to_be_hidden()
    assert stock_available(product_id=apple.pk) == Decimal("37")
    assert CounterSale.objects.get().payment_method == "cash"


def test_an_order_placed_by_staff_shows_in_the_customers_account(page, live_server, shop_catalogue, shop_places):
    customer = UserFactory(email="camille@example.org", full_name="Camille Marckoise")
    manager = StaffFactory(groups=["manager"], full_name="Dominique Gérante")
    page.set_viewport_size(TABLET)
    _log_in(page, live_server, manager, "/equipe/")
    _staff_menu(page).get_by_role("link", name="Commande pour un client").click()

    # when the manager finds the customer who phones, adds 2 kg of apples and places the order for a pickup
    page.get_by_label("Client : nom ou adresse e-mail").fill("marckoise")
    page.get_by_role("button", name="Trouver le client").click()
    check_staff_page(page, "commande client 01 recherche")
    page.get_by_role("link", name="Commander pour Camille Marckoise (camille@example.org)").click()
    page.get_by_label("Produit : son numéro ou son nom").fill("pommes")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_label("Quantité de Pommes Reinette").fill("2")
    page.get_by_role("button", name="Ajouter Pommes Reinette").click()
    expect(page.get_by_role("table")).to_contain_text("6,40 €")
    check_staff_page(page, "commande client 02 panier")
    page.get_by_role("button", name="Passer la commande").click()
    expect(page.get_by_role("status")).to_contain_text("passée pour Camille Marckoise")

    # then the order is the customer's, and their account lists it
    order = Order.objects.get()
    assert order.customer == customer
    page.context.clear_cookies()
    _log_in(page, live_server, customer, "/compte/commandes/")
    expect(page.get_by_role("link", name=f"Commande n° {order.pk}")).to_be_visible()
    page.get_by_role("link", name=f"Commande n° {order.pk}").click()
    expect(page.get_by_role("main")).to_contain_text("6,40")
