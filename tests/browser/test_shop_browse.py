"""Browsing the shop in a real browser, as a customer does: by roles and French accessible names."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page, needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_browse_search_product_and_producer(page, live_server, shop_photos, shop_places):
    # given the shop's home page
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Le bio du Calaisis")
    expect(page.get_by_role("heading", name="Ilôt Jacquard")).to_be_visible()
    expect(page.get_by_role("heading", name="Petit cabas")).to_be_visible()
    check_page(page, "01 accueil")

    # when the customer opens the products and searches "pomme"
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Produits").click()
    expect(page.get_by_role("heading", name="Produits", level=1)).to_be_visible()
    check_page(page, "02 produits")
    page.get_by_role("searchbox", name="Rechercher", exact=True).fill("pomme")
    # then htmx updates the results as they type (no submit)
    expect(page.get_by_role("link", name="Poireaux")).to_have_count(0)
    expect(page.get_by_role("link", name="Pommes Reinette")).to_be_visible()
    expect(page).to_have_url(re.compile(r"search=pomme"))
    check_page(page, "03 recherche pomme")

    # when they open the product
    page.get_by_role("link", name="Pommes Reinette").click()
    expect(page.get_by_role("heading", name="Pommes Reinette", level=1)).to_be_visible()
    expect(page.get_by_text("3,20 €")).to_be_visible()
    photo = page.get_by_role("img", name="Photo : Pommes Reinette")
    expect(photo).to_be_visible()
    # the rendition is served (decode() waits for it to load: `complete` alone raced the download)
    assert photo.evaluate("img => img.decode().then(() => img.naturalWidth)") == 800
    check_page(page, "04 produit")

    # and its producer
    page.get_by_role("link", name="Jardin des Anges").click()
    expect(page.get_by_role("heading", name="Jardin des Anges", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Poireaux")).to_be_visible()
    check_page(page, "05 producteur")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Producteurs").click()
    expect(page.get_by_role("heading", name="Nos producteurs")).to_be_visible()
    check_page(page, "06 producteurs")


def test_product_sold_by_weight_page(page, live_server, shop_catalogue):
    page.goto(live_server.url + f"/produits/{shop_catalogue['leek'].pk}/")
    expect(page.get_by_text("prix estimé, ajusté à la pesée")).to_be_visible()
    check_page(page, "07 produit au poids")


def test_catalogue_filters_without_javascript(browser, live_server, shop_catalogue):
    # given a browser with JavaScript off
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/produits/")
    # when the customer searches and filters with the form's button
    page.get_by_role("searchbox", name="Rechercher", exact=True).fill("epinard")
    page.get_by_role("button", name="Filtrer").click()
    # then the page reloads with the results
    expect(
        page.get_by_role("link", name="Velouté d’épinards").or_(page.get_by_role("link", name="Velouté d'épinards"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="Poireaux")).to_have_count(0)
    page.get_by_role("checkbox", name="en stock").check()
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("Aucun produit ne correspond à ces filtres.")).to_be_visible()
    context.close()


def test_language_switch_to_english_and_back(page, live_server, shop_catalogue):
    page.goto(live_server.url + "/produits/")
    page.get_by_role("combobox", name="Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    expect(page.get_by_role("heading", name="Products", level=1)).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search")).to_be_visible()
    check_page(page, "08 products english")
    page.get_by_role("combobox", name="Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="Produits", level=1)).to_be_visible()


def test_skip_link_moves_the_keyboard_to_the_content(page, live_server, shop_catalogue):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_not_found_page_of_the_shop(page, live_server, shop_catalogue):
    response = page.goto(live_server.url + "/produits/999999/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page introuvable", level=1)).to_be_visible()
    check_page(page, "09 introuvable")


def test_add_to_cart_and_see_the_cart(page, live_server, shop_photos):
    # given the leeks' page (sold by 0.5 kg)
    page.goto(live_server.url + f"/produits/{shop_photos['leek'].pk}/")
    quantity = page.get_by_role("spinbutton", name="Quantité (kilogramme)")
    # when the customer asks for a quantity off the step
    quantity.fill("0.3")
    page.get_by_role("button", name="Ajouter au panier").click()
    # then the error is tied to the field and the cart stays empty
    expect(page.get_by_role("spinbutton", name="Quantité (kilogramme)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("link", name=re.compile(r"^Panier \(0 article\)"))).to_be_visible()
    check_page(page, "10 quantite refusee")
    # when they ask for 1.5 kg
    page.get_by_role("spinbutton", name="Quantité (kilogramme)").fill("1.5")
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.get_by_role("status")).to_contain_text("« Poireaux » est dans votre panier.")
    # then the "Panier" link counts one item and the cart lists the leeks
    page.get_by_role("link", name=re.compile(r"^Panier \(1 article\)")).click()
    expect(page.get_by_role("heading", name="Votre panier", level=1)).to_be_visible()
    expect(page.get_by_role("spinbutton", name="Quantité de Poireaux (kilogramme)")).to_have_value("1.5")
    expect(page.get_by_text("Total estimé : 4,20 €")).to_be_visible()
    check_page(page, "11 panier")
    page.get_by_role("button", name="Retirer Poireaux").click()
    expect(page.get_by_text("Votre panier est vide.")).to_be_visible()
